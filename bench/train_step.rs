//! Native training-step benchmark: ms per step (median and p90 over windows of
//! at least 2 s after warm-up), samples/s and effective GFLOP/s for the two
//! reference models with Adam. Run: `cargo bench --bench train_step`.

use std::time::Instant;

use autoencoder_playground::config::{Config, OptimizerKind};
use autoencoder_playground::{Dataset, Trainer};

const WINDOW_SECS: f64 = 2.0;
const WINDOWS: usize = 5;

fn digits() -> Dataset {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/www/data/mnist.bin");
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {path} ({e}); run `npm run data` first"));
    Dataset::from_packed(&bytes, 784).expect("mnist.bin is well formed")
}

/// FLOPs of one step: forward, weight gradient and input gradient products
/// (2·m·n·k each), the first layer skipping its input gradient.
fn flops_per_step(widths: &[usize], batch: usize) -> f64 {
    let mut all: Vec<usize> = widths.to_vec();
    all.extend(widths.iter().rev().skip(1));
    let products: f64 = all.windows(2).map(|p| (2 * batch * p[0] * p[1]) as f64).sum();
    let first = (2 * batch * all[0] * all[1]) as f64;
    3.0 * products - first
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn main() {
    let data = digits();
    println!("{:<22} {:>6} {:>10} {:>10} {:>12} {:>9}", "model", "batch", "median ms", "p90 ms", "samples/s", "GFLOP/s");
    for (hidden, latent, batch) in [(256usize, 64usize, 128usize), (128, 32, 64)] {
        let mut cfg = Config::default();
        cfg.model.encoder = vec![hidden];
        cfg.model.latent = latent;
        cfg.train.optimizer = OptimizerKind::Adam;
        cfg.train.lr = 1e-3;
        cfg.train.batch_size = batch;
        let mut t = Trainer::new(cfg, &data).expect("valid config");
        t.step(20).unwrap();
        let mut per_step = Vec::new();
        for _ in 0..WINDOWS {
            let start = Instant::now();
            let mut n = 0u32;
            while start.elapsed().as_secs_f64() < WINDOW_SECS {
                t.step(5).unwrap();
                n += 5;
            }
            per_step.push(start.elapsed().as_secs_f64() * 1e3 / n as f64);
        }
        per_step.sort_by(f64::total_cmp);
        let median = percentile(&per_step, 0.5);
        let gflops = flops_per_step(&[784, hidden, latent], batch) / (median * 1e-3) / 1e9;
        println!(
            "{:<22} {:>6} {:>10.3} {:>10.3} {:>12.0} {:>9.2}",
            format!("784-{hidden}-{latent}-{hidden}-784"),
            batch,
            median,
            percentile(&per_step, 0.9),
            batch as f64 / (median * 1e-3),
            gflops
        );
    }
}
