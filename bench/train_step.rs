//! Native training-step benchmark: ms per step (median and p90 over windows of
//! at least 2 s after warm-up), samples/s and effective GFLOP/s for the two
//! reference models with Adam, beside the roofline (the same step's matrix
//! products alone), measured in the same run. Run: `cargo bench --bench train_step`.

use std::time::Instant;

use autoencoder_playground::config::{Config, OptimizerKind};
use autoencoder_playground::nn::Optimizer;
use autoencoder_playground::roofline::Roofline;
use autoencoder_playground::{Autoencoder, Dataset, Trainer};

const WINDOW_SECS: f64 = 2.0;
const WINDOWS: usize = 5;

fn digits() -> Dataset {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/www/data/mnist.bin");
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {path} ({e}); run `npm run data` first"));
    Dataset::from_packed(&bytes, 784).expect("mnist.bin is well formed")
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// Median and p90 ms per call of `f(5)` (5 steps a call) over windows of WINDOW_SECS.
fn time_steps(mut f: impl FnMut(u32)) -> (f64, f64) {
    f(20);
    let mut per_step = Vec::new();
    for _ in 0..WINDOWS {
        let start = Instant::now();
        let mut n = 0u32;
        while start.elapsed().as_secs_f64() < WINDOW_SECS {
            f(5);
            n += 5;
        }
        per_step.push(start.elapsed().as_secs_f64() * 1e3 / n as f64);
    }
    per_step.sort_by(f64::total_cmp);
    (percentile(&per_step, 0.5), percentile(&per_step, 0.9))
}

fn main() {
    let data = digits();
    println!(
        "{:<22} {:>6} {:>10} {:>10} {:>12} {:>9} {:>11} {:>8}",
        "model", "batch", "median ms", "p90 ms", "samples/s", "GFLOP/s", "roofline ms", "of roof"
    );
    for (hidden, latent, batch) in [(256usize, 64usize, 128usize), (128, 32, 64)] {
        let mut cfg = Config::default();
        cfg.model.encoder = vec![hidden];
        cfg.model.latent = latent;
        cfg.train.optimizer = OptimizerKind::Adam;
        cfg.train.lr = 1e-3;
        cfg.train.batch_size = batch;
        let mut t = Trainer::new(cfg, &data).expect("valid config");
        let (median, p90) = time_steps(|n| {
            t.step(n).unwrap();
        });
        let mut roof = Roofline::new(&[784, hidden, latent], batch).expect("valid sizes");
        let flops = roof.flops_per_step();
        let (roof_ms, _) = time_steps(|n| roof.run(n));
        println!(
            "{:<22} {:>6} {:>10.3} {:>10.3} {:>12.0} {:>9.2} {:>11.3} {:>7.0}%",
            format!("784-{hidden}-{latent}-{hidden}-784"),
            batch,
            median,
            p90,
            batch as f64 / (median * 1e-3),
            flops / (median * 1e-3) / 1e9,
            roof_ms,
            100.0 * roof_ms / median
        );
    }
    profile(&data);
}

/// Where one step's time goes for 784-256-64-256-784 at batch 128: each phase
/// of `Trainer::step` timed alone over the same number of repetitions.
fn profile(data: &Dataset) {
    let mut cfg = Config::default();
    cfg.model.encoder = vec![256];
    cfg.model.latent = 64;
    cfg.train.lr = 1e-3;
    cfg.train.batch_size = 128;
    let split = data.split().unwrap();
    let idx: Vec<u32> = (0..128).collect();
    let mut batch = ndarray::Array2::zeros((128, 784));
    let mut model = Autoencoder::new(&cfg.model, 1).unwrap();
    let mut opt = Optimizer::new(&cfg.train);
    let mut roof = Roofline::new(&[784, 256, 64], 128).expect("valid sizes");
    const REPS: u32 = 300;
    let time = |f: &mut dyn FnMut()| {
        f();
        let start = Instant::now();
        for _ in 0..REPS {
            f();
        }
        start.elapsed().as_secs_f64() * 1e3 / REPS as f64
    };
    let fill = time(&mut || split.train.fill_batch(&idx, batch.view_mut()));
    let fb = time(&mut || {
        model.forward_backward(batch.view(), batch.view(), &cfg.train);
    });
    let check = time(&mut || {
        std::hint::black_box(model.grads_finite());
    });
    let step = time(&mut || opt.step(|f| model.params_and_grads(f)));
    let products = time(&mut || roof.run(1));
    let total = fill + fb + check + step;
    println!("\nprofile of one step, 784-256-64-256-784 at batch 128 (ms, {REPS} repetitions each):");
    let row = |name: &str, ms: f64| println!("  {name:<44} {ms:>7.3}  {:>5.1}%", 100.0 * ms / total);
    row("batch fill (u8 → f32)", fill);
    row("forward + backward", fb);
    row("  of which matrix products (roofline)", products);
    row("  of which element-wise, copies, loss", fb - products);
    row("gradient finiteness check", check);
    row("Adam update (and zeroing the gradients)", step);
    row("total", total);
}
