//! Native training-step benchmark: ms per step (median and p90 over windows of
//! at least 2 s after warm-up), samples/s and effective GFLOP/s for the two
//! reference models with Adam, beside the roofline (the same step's matrix
//! products alone), measured in the same run; then the same for the conv
//! autoencoders of issue 16, with each matrix product's shape timed alone.
//! Run: `cargo bench --bench train_step`.

#[cfg(feature = "lab")]
use std::time::Instant;

#[cfg(feature = "lab")]
use autoencoder_playground::config::{Config, ConvBlock, LossKind, ModelConfig, OptimizerKind};
#[cfg(feature = "lab")]
use autoencoder_playground::nn::Optimizer;
#[cfg(feature = "lab")]
use autoencoder_playground::roofline::Roofline;
#[cfg(feature = "lab")]
use autoencoder_playground::{Autoencoder, Dataset, Trainer};
#[cfg(feature = "lab")]
use ndarray::linalg::general_mat_mul;
#[cfg(feature = "lab")]
use ndarray::Array2;

#[cfg(feature = "lab")]
const WINDOW_SECS: f64 = 2.0;
#[cfg(feature = "lab")]
const WINDOWS: usize = 5;

#[cfg(feature = "lab")]
fn digits() -> Dataset {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/www/data/mnist.bin");
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {path} ({e}); run `npm run data` first"));
    Dataset::from_packed(&bytes, 784).expect("mnist.bin is well formed")
}

#[cfg(feature = "lab")]
fn percentile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// Median and p90 ms per call of `f(5)` (5 steps a call) over windows of WINDOW_SECS.
#[cfg(feature = "lab")]
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

/// The roofline and the conv layers are in the `lab` feature (on by default).
#[cfg(not(feature = "lab"))]
fn main() {
    println!("the native benchmark needs the lab feature (the default): cargo bench --bench train_step");
}

#[cfg(feature = "lab")]
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
    profile(&data, 256, 64, 128);
    profile(&data, 64, 16, 32);
    conv(&data);
}

/// One matrix product of a conv step, with the operands' views the layer uses:
/// C (m×n) = A·B with A or B read transposed, C overwritten or accumulated.
#[cfg(feature = "lab")]
struct Product {
    layer: String,
    a: Array2<f32>,
    b: Array2<f32>,
    c: Array2<f32>,
    ta: bool,
    tb: bool,
    beta: f32,
}

#[cfg(feature = "lab")]
impl Product {
    /// `a` and `b` are given in their stored shapes; (m, k, n) is the product's.
    fn new(layer: &str, a: (usize, usize), b: (usize, usize), ta: bool, tb: bool, beta: f32) -> Product {
        let fill =
            |(r, c): (usize, usize)| Array2::from_shape_fn((r, c), |(i, j)| ((i * 31 + j * 17) % 13) as f32 * 0.01);
        let m = if ta { a.1 } else { a.0 };
        let n = if tb { b.0 } else { b.1 };
        Product { layer: layer.into(), a: fill(a), b: fill(b), c: Array2::zeros((m, n)), ta, tb, beta }
    }

    fn dims(&self) -> (usize, usize, usize) {
        let (m, k) = if self.ta { (self.a.ncols(), self.a.nrows()) } else { self.a.dim() };
        (m, k, self.c.ncols())
    }

    fn flops(&self) -> f64 {
        let (m, k, n) = self.dims();
        2.0 * (m * k * n) as f64
    }

    fn run(&mut self) {
        let a = if self.ta { self.a.t() } else { self.a.view() };
        let b = if self.tb { self.b.t() } else { self.b.view() };
        general_mat_mul(1.0, &a, &b, self.beta, &mut self.c);
    }
}

/// Every matrix product of one training step of a conv autoencoder, in the
/// shapes and views of src/nn/conv/mod.rs (Conv2d: W·cols, G·colsᵀ, Wᵀ·G;
/// ConvTranspose2d: Wᵀ·x, x·colsᵀ, W·cols) and src/nn/linear.rs (x·W, xᵀ·G, G·Wᵀ).
/// Wᵀ·G and Wᵀ·x are made inside col2im in the step (`fold_product`), not on
/// the matrix kernel; they are timed on it here all the same, so the floor
/// keeps its meaning: the step's products at the kernel's speed.
#[cfg(feature = "lab")]
fn conv_products(model: &ModelConfig, batch: usize) -> Vec<Product> {
    let shapes = model.conv_shapes();
    let mut out = Vec::new();
    for (i, block) in model.conv.iter().enumerate() {
        let (input, output) = (shapes[i], shapes[i + 1]);
        let patch = input.channels * block.kernel * block.kernel;
        let (co, cols) = (output.channels, batch * output.height * output.width);
        let name = format!("conv.{i}");
        out.push(Product::new(&name, (co, patch), (patch, cols), false, false, 0.0));
        out.push(Product::new(&name, (co, cols), (patch, cols), false, true, 1.0));
        if i > 0 {
            out.push(Product::new(&name, (co, patch), (co, cols), true, false, 0.0));
        }
        let name = format!("convT.{i}");
        out.push(Product::new(&name, (co, patch), (co, cols), true, false, 0.0));
        out.push(Product::new(&name, (co, cols), (patch, cols), false, true, 1.0));
        out.push(Product::new(&name, (co, patch), (patch, cols), false, false, 0.0));
    }
    let flat = shapes.last().expect("the input's shape").len();
    for (name, i, o) in [("code", flat, model.latent), ("dense", model.latent, flat)] {
        out.push(Product::new(name, (batch, i), (i, o), false, false, 1.0));
        out.push(Product::new(name, (batch, i), (batch, o), true, false, 1.0));
        out.push(Product::new(name, (batch, o), (i, o), false, true, 0.0));
    }
    out
}

/// The conv autoencoders of issue 16 (BCE, Adam, lr 0.005): ms per step beside
/// the same step's matrix products alone, then each product's own GFLOP/s.
#[cfg(feature = "lab")]
fn conv(data: &Dataset) {
    let blocks =
        |c: &[usize]| c.iter().map(|&channels| ConvBlock { channels, kernel: 3, stride: 2 }).collect::<Vec<_>>();
    let models =
        [("16-8-8", blocks(&[16, 8, 8]), 32, 64), ("8-8", blocks(&[8, 8]), 16, 32), ("8-8", blocks(&[8, 8]), 16, 128)];
    println!(
        "\n{:<26} {:>6} {:>10} {:>10} {:>12} {:>9} {:>11} {:>8}",
        "conv model (k3 s2)", "batch", "median ms", "p90 ms", "samples/s", "GFLOP/s", "products ms", "of them"
    );
    let mut shapes = Vec::new();
    for (name, conv, latent, batch) in models {
        let mut cfg = Config::default();
        cfg.model.encoder = vec![];
        cfg.model.conv = conv;
        cfg.model.latent = latent;
        cfg.train.optimizer = OptimizerKind::Adam;
        cfg.train.loss = LossKind::Bce;
        cfg.train.lr = 5e-3;
        cfg.train.batch_size = batch;
        let mut t = match Trainer::new(cfg.clone(), data) {
            Ok(t) => t,
            Err(e) => return println!("(no conv figures: {e})"),
        };
        let (median, p90) = time_steps(|n| {
            t.step(n).unwrap();
        });
        let mut products = conv_products(&cfg.model, batch);
        let flops: f64 = products.iter().map(Product::flops).sum();
        let (floor, _) = time_steps(|n| {
            for _ in 0..n {
                products.iter_mut().for_each(Product::run);
            }
        });
        let label = format!("conv {name} latent {latent}");
        println!(
            "{:<26} {:>6} {:>10.3} {:>10.3} {:>12.0} {:>9.2} {:>11.3} {:>7.0}%",
            label,
            batch,
            median,
            p90,
            batch as f64 / (median * 1e-3),
            flops / (median * 1e-3) / 1e9,
            floor,
            100.0 * floor / median
        );
        for mut p in products {
            let reps = (2e8 / p.flops()).clamp(20.0, 5000.0) as u32;
            p.run();
            let start = Instant::now();
            for _ in 0..reps {
                p.run();
            }
            let ms = start.elapsed().as_secs_f64() * 1e3 / reps as f64;
            shapes.push((
                label.clone(),
                batch,
                p.layer.clone(),
                p.dims(),
                p.ta,
                p.tb,
                ms,
                p.flops() / (ms * 1e-3) / 1e9,
            ));
        }
    }
    println!("\neach product of those steps alone (m × k × n; ᵀ: that operand read transposed):");
    for (label, batch, layer, (m, k, n), ta, tb, ms, gflops) in shapes {
        let t = |x: bool| if x { "ᵀ" } else { "" };
        println!("  {label:<26} b{batch:<4} {layer:<8} {m:>5} × {k:>5} × {n:>5}  A{} B{}  {ms:>8.4} ms  {gflops:>6.2} GFLOP/s", t(ta), t(tb));
    }
}

/// Where one step's time goes for 784-256-64-256-784 at batch 128: each phase
/// of `Trainer::step` timed alone over the same number of repetitions.
#[cfg(feature = "lab")]
fn profile(data: &Dataset, hidden: usize, latent: usize, batch_size: usize) {
    let mut cfg = Config::default();
    cfg.model.encoder = vec![hidden];
    cfg.model.latent = latent;
    cfg.train.lr = 1e-3;
    cfg.train.batch_size = batch_size;
    let split = data.split().unwrap();
    let idx: Vec<u32> = (0..batch_size as u32).collect();
    let mut batch = ndarray::Array2::zeros((batch_size, 784));
    let mut model = Autoencoder::new(&cfg.model, 1).unwrap();
    let mut opt = Optimizer::new(&cfg.train);
    let mut roof = Roofline::new(&[784, hidden, latent], batch_size).expect("valid sizes");
    let mut trainer = Trainer::new(cfg.clone(), data).expect("valid config");
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
    let whole = time(&mut || {
        trainer.step(1).unwrap();
    });
    let total = fill + fb + check + step;
    println!("\nprofile of one step, 784-{hidden}-{latent}-{hidden}-784 at batch {batch_size} (ms, {REPS} repetitions each):");
    let row = |name: &str, ms: f64| println!("  {name:<44} {ms:>7.3}  {:>5.1}%", 100.0 * ms / total);
    row("batch fill (u8 → f32)", fill);
    row("forward + backward", fb);
    row("  of which matrix products (roofline)", products);
    row("  of which element-wise, copies, loss", fb - products);
    row("gradient finiteness check", check);
    row("Adam update (and zeroing the gradients)", step);
    row("total", total);
    row("Trainer::step(1), the whole step", whole);
}
