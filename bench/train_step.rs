//! Native training-step benchmark: ms per step (median and p90 over windows of
//! at least 2 s after warm-up), samples/s and effective GFLOP/s for the two
//! reference models with Adam, beside the roofline (the same step's matrix
//! products alone), measured in the same run. Run: `cargo bench --bench train_step`.

use std::time::Instant;

use autoencoder_playground::config::{Config, OptimizerKind};
use autoencoder_playground::roofline::Roofline;
use autoencoder_playground::{Dataset, Trainer};

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
        let mut roof = Roofline::new(&[784, hidden, latent], batch);
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
}
