//! Steady-state training steps allocate nothing of ours: a counting global
//! allocator watches `step(1)` calls inside an epoch, after the first step has
//! sized every buffer.
//!
//! The one exception is by design of the matrix-product crate: matrixmultiply
//! allocates one SIMD-aligned packing buffer (alignment ≥ 16) per product. Those
//! are counted apart and must number exactly one per product, so a new
//! allocation of ours (always aligned 4 or 8) or an extra product shows up.
//!
//! With the `threads` feature the steps run once on a pool of one thread (the
//! exact count above) and once on four threads, where a split product packs
//! once per piece: at least one per product, and still nothing of ours.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use autoencoder_playground::config::{Config, ConvBlock, OptimizerKind};
use autoencoder_playground::noise::NoiseKind;
use autoencoder_playground::Trainer;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static PACKING: AtomicUsize = AtomicUsize::new(0);

fn count(layout: Layout) {
    if layout.align() >= 16 { &PACKING } else { &ALLOCATIONS }.fetch_add(1, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(layout);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// `steady_state_here` on one thread, and with the `threads` feature on four
/// too, whose counts are checked here; `splits_products`: the model has
/// matrix-kernel products big enough to split, so four threads pack more
/// buffers than one. -> the one-thread counts
fn steady_state(cfg: Config, d: &autoencoder_playground::Dataset, splits_products: bool) -> (usize, usize) {
    #[cfg(feature = "threads")]
    {
        // Two pools for the whole test, their threads started before any count: a pool dropped
        // (or built) while another model is measured allocates on its own threads as they end (or
        // start), and the counters are global (CI once saw 1 allocation in a Momentum run so).
        static POOLS: std::sync::OnceLock<(rayon::ThreadPool, rayon::ThreadPool)> = std::sync::OnceLock::new();
        let (four, one) = POOLS.get_or_init(|| {
            let pool = |n| {
                let pool = rayon::ThreadPoolBuilder::new().num_threads(n).build().unwrap();
                pool.broadcast(|_| ());
                pool
            };
            (pool(4), pool(1))
        });
        let (n, packing) = four.install(|| steady_state_here(cfg.clone(), d));
        assert_eq!(n, 0, "{n} allocations in 9 steady-state steps on 4 threads");
        let (_, one_thread_packing) = one.install(|| steady_state_here(cfg.clone(), d));
        if splits_products {
            assert!(packing > one_thread_packing, "4 threads split some products: {packing} packing buffers");
        }
        one.install(|| steady_state_here(cfg, d))
    }
    #[cfg(not(feature = "threads"))]
    {
        let _ = splits_products; // asked only of the four-thread run
        steady_state_here(cfg, d)
    }
}

/// Sizes every buffer with one step, then takes 9 more inside the first epoch
/// (800 training digits / 50 = 16 batches). -> (our allocations, packing buffers) of those 9
fn steady_state_here(cfg: Config, d: &autoencoder_playground::Dataset) -> (usize, usize) {
    let mut t = Trainer::new(cfg, d).unwrap();
    t.step(1).unwrap();
    let before = (ALLOCATIONS.load(Ordering::Relaxed), PACKING.load(Ordering::Relaxed));
    for _ in 0..9 {
        t.step(1).unwrap();
    }
    (ALLOCATIONS.load(Ordering::Relaxed) - before.0, PACKING.load(Ordering::Relaxed) - before.1)
}

#[test]
fn training_steps_inside_an_epoch_do_not_allocate() {
    let d = common::synthetic(1000, 784);
    for opt in [OptimizerKind::Adam, OptimizerKind::Momentum, OptimizerKind::Sgd] {
        let mut cfg = Config::default();
        cfg.model.encoder = vec![64, 32];
        cfg.model.dropout = 0.1;
        cfg.train.optimizer = opt;
        cfg.train.lr = 1e-3;
        cfg.train.weight_decay = 1e-4;
        cfg.train.batch_size = 50;
        let (n, packing) = steady_state(cfg, &d, true);
        assert_eq!(n, 0, "{opt:?}: {n} allocations in 9 steady-state steps");
        // 6 Linear layers: 6 forward products, 6 weight-gradient products and 5
        // input-gradient products (the first layer skips dLoss/dPixels).
        assert_eq!(packing, 9 * 17, "{opt:?}: matrix products per step");
    }

    // A conv model (one test: the counters are global, and tests run in parallel); lab build only.
    if !cfg!(feature = "lab") {
        return;
    }
    let mut cfg = Config::default();
    cfg.model.encoder = vec![];
    cfg.model.conv =
        vec![ConvBlock { channels: 4, kernel: 3, stride: 2 }, ConvBlock { channels: 8, kernel: 5, stride: 1 }];
    cfg.model.latent = 6;
    cfg.model.dropout = 0.1;
    cfg.train.batch_size = 50;
    cfg.train.noise = NoiseKind::Gaussian;
    // Its conv layers split their passes by the batch's halves on four threads
    // (src/nn/conv/mod.rs) without the matrix kernel, and its dense products
    // are too small to split, so no more buffers are packed than on one.
    let (n, packing) = steady_state(cfg, &d, false);
    assert_eq!(n, 0, "conv: {n} allocations in 9 steady-state steps");
    // Only the dense code and decoder layers use the matrix kernel, 3 products
    // each: both conv blocks' unfolded matrices (1·3·3 and 4·5·5 rows) are
    // multiplied straight into the rows (fused::product_into_rows), forward
    // and in the transposed convolutions' dLoss/dInput; the weight gradients
    // are dot products of rows (nn::rows); the convolutions' dLoss/dInput and
    // the transposed ones' forward are folds of products made without the
    // kernel (Geometry::fold_product).
    assert_eq!(packing, 9 * 6, "conv: matrix products per step");
}
