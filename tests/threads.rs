//! Threads change the speed, never the numbers: the same seed trained with 1,
//! 2, 3 and 4 threads in rayon's pool gives the same parameters bit for bit
//! (src/nn/gemm.rs splits products along their outputs only). The products
//! are checked one by one too, at shapes whose cuts are uneven.
#![cfg(feature = "threads")]

mod common;

use autoencoder_playground::config::{Config, ConvBlock, LossKind, ModelKind, OptimizerKind};
use autoencoder_playground::nn::gemm::{
    gemm, join, PAR_MIN_CONV_MACS, PAR_MIN_LOSS, PAR_MIN_MACS, PAR_MIN_UPDATE, PAR_MIN_VALUES,
};
use autoencoder_playground::rng::from_seed;
use autoencoder_playground::Trainer;
use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, Zip};
use rand::RngExt;

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a thread pool")
}

fn random(rows: usize, cols: usize, seed: u64) -> Array2<f32> {
    let mut rng = from_seed(seed);
    Array2::from_shape_fn((rows, cols), |_| rng.random::<f32>() * 2.0 - 1.0)
}

fn bits(a: &Array2<f32>) -> Vec<u32> {
    a.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn a_split_product_equals_the_unsplit_one_bit_for_bit() {
    // (m, k, n): split by rows (m ≥ n) and by columns, cuts inside the matrix and
    // at its end, transposed operands as the layers pass them.
    for (m, k, n) in [(128, 784, 256), (784, 128, 256), (200, 300, 1000), (64, 2048, 777), (333, 129, 129)] {
        assert!(m * k * n >= PAR_MIN_MACS, "({m},{k},{n}) would not be split");
        let a = random(m, k, 1);
        let b = random(k, n, 2);
        let c0 = random(m, n, 3);
        let bt = b.t().to_owned();
        for beta in [0.0, 1.0] {
            let mut want = c0.clone();
            general_mat_mul(1.0, &a, &b, beta, &mut want);
            let mut want_t = c0.clone();
            general_mat_mul(1.0, &a, &bt.t(), beta, &mut want_t);
            for threads in [2, 3, 4] {
                let (got, got_t) = pool(threads).install(|| {
                    let mut got = c0.clone();
                    gemm(1.0, &a, &b, beta, &mut got);
                    let mut got_t = c0.clone();
                    gemm(1.0, &a, &bt.t(), beta, &mut got_t);
                    (got, got_t)
                });
                assert!(bits(&got) == bits(&want), "({m},{k},{n}) β={beta}, {threads} threads");
                assert!(bits(&got_t) == bits(&want_t), "({m},{k},{n}) β={beta} Bᵀ, {threads} threads");
            }
        }
    }
}

/// An element-wise pass cut across the threads visits every element once:
/// with 1 to 5 threads (pieces of a power of two and not), two and three
/// producers, rows that do not halve evenly.
#[test]
fn a_split_element_wise_pass_visits_every_element_once() {
    for (rows, cols) in [(43, 784), (129, 257), (64, 1000)] {
        assert!(rows * cols >= PAR_MIN_VALUES, "{rows}×{cols} would not be split");
        let x = random(rows, cols, 7);
        let y = random(rows, cols, 8);
        for threads in 1..=5 {
            let (visits, sums) = pool(threads).install(|| {
                let mut visits = Array2::<f32>::zeros((rows, cols));
                autoencoder_playground::zip_for_each!(
                    Zip::from(&mut visits).and(&x),
                    x.len(),
                    |v: &mut f32, _: &f32| { *v += 1.0 }
                );
                let mut sums = Array2::<f32>::zeros((rows, cols));
                autoencoder_playground::zip_for_each!(
                    Zip::from(&mut sums).and(&x).and(&y),
                    x.len(),
                    |s: &mut f32, &a: &f32, &b: &f32| *s += a * b + 1.0
                );
                (visits, sums)
            });
            assert!(visits.iter().all(|&v| v == 1.0), "{rows}×{cols}, {threads} threads: an element visited ≠ once");
            let want = Zip::from(&x).and(&y).map_collect(|&a, &b| a * b + 1.0);
            assert!(bits(&sums) == bits(&want), "{rows}×{cols}, {threads} threads: the three-producer pass");
        }
    }
}

/// The thread that ran the first half of a split waits for the second
/// without sleeping, and takes other work meanwhile: halves that split
/// again, and halves that end at different times, all run once.
#[test]
fn nested_uneven_joins_run_every_half_once() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    fn tree(depth: u32, ran: &AtomicUsize) {
        if depth == 0 {
            let spin = (ran.fetch_add(1, Ordering::Relaxed) % 7) * 2_000;
            std::hint::black_box((0..spin).sum::<usize>());
            return;
        }
        join(true, || tree(depth - 1, ran), || tree(depth - 1, ran));
    }
    for threads in 1..=4 {
        let ran = AtomicUsize::new(0);
        pool(threads).install(|| tree(10, &ran));
        assert_eq!(ran.load(Ordering::Relaxed), 1 << 10, "{threads} threads");
    }
}

fn train(cfg: &Config, threads: usize, steps: u32) -> (Vec<u32>, Vec<u32>) {
    let d = common::digits();
    pool(threads).install(|| {
        let mut t = Trainer::new(cfg.clone(), &d).unwrap();
        t.step(steps).unwrap();
        let params = t.parameters().iter().map(|v| v.to_bits()).collect();
        let losses = t.history().losses.iter().map(|l| l.to_bits()).collect();
        (params, losses)
    })
}

fn same_run_on_every_thread_count(cfg: &Config, steps: u32) {
    let one = train(cfg, 1, steps);
    for threads in [2, 3, 4] {
        let many = train(cfg, threads, steps);
        assert!(one.1 == many.1, "the loss curve differs with {threads} threads");
        assert!(one.0 == many.0, "the parameters differ with {threads} threads");
    }
}

#[test]
fn a_wide_dense_model_trains_bit_identically_on_1_to_4_threads() {
    let mut cfg = Config::default();
    cfg.model.encoder = vec![256, 64];
    cfg.model.latent = 32;
    cfg.model.dropout = 0.1;
    cfg.train.batch_size = 128;
    // Its 784×256 weights are an update split across threads.
    const { assert!(784 * 256 >= PAR_MIN_UPDATE) };
    same_run_on_every_thread_count(&cfg, 300);
}

/// With the Inside view's per-layer sums on, the update still splits across
/// threads and trains bit for bit as without them; the sums (added by parts)
/// agree with one thread's.
#[test]
fn tracked_layer_stats_split_the_update_and_train_bit_identically_on_1_to_4_threads() {
    let mut cfg = Config::default();
    cfg.model.encoder = vec![64];
    cfg.model.latent = 16;
    cfg.train.batch_size = 32;
    cfg.train.weight_decay = 1e-3;
    const { assert!(784 * 64 >= PAR_MIN_UPDATE) };
    let d = common::digits();
    let run = |threads: usize, track: bool| {
        pool(threads).install(|| {
            let mut t = Trainer::new(cfg.clone(), &d).unwrap();
            t.track_layer_stats(track);
            t.step(30).unwrap();
            let params: Vec<u32> = t.parameters().iter().map(|v| v.to_bits()).collect();
            (params, t.layer_stats())
        })
    };
    let (plain, _) = run(1, false);
    let (one, want) = run(1, true);
    assert!(one == plain, "tracking changed the weights on one thread");
    for threads in 2..=4 {
        let (params, got) = run(threads, true);
        assert!(params == plain, "{threads} threads with the sums on: the weights differ");
        let close = |a: f32, b: f32| (a - b).abs() <= 1e-6 * a.abs().max(b.abs());
        for (i, name) in want.names.iter().enumerate() {
            assert!(want.grad_norm[i] > 0.0 && want.update_ratio[i] > 0.0, "{name}: sums taken");
            assert!(close(got.grad_norm[i], want.grad_norm[i]), "{name}, {threads} threads: ‖g‖");
            assert!(close(got.weight_norm[i], want.weight_norm[i]), "{name}, {threads} threads: ‖w‖");
            assert!(close(got.update_ratio[i], want.update_ratio[i]), "{name}, {threads} threads: update ratio");
        }
    }
}

/// The penalties' gradients are added before the update on one thread and on
/// many alike, for every optimiser.
#[test]
fn weight_penalties_train_bit_identically_on_1_to_4_threads() {
    for (optimizer, lr) in [(OptimizerKind::Adam, 1e-3), (OptimizerKind::Momentum, 0.05), (OptimizerKind::Sgd, 0.5)] {
        let mut cfg = Config::default();
        cfg.model.encoder = vec![256];
        cfg.model.latent = 16;
        cfg.train.optimizer = optimizer;
        cfg.train.lr = lr;
        cfg.train.weight_decay = 1e-3;
        cfg.train.l1 = 1e-5;
        const { assert!(784 * 256 >= PAR_MIN_UPDATE) };
        same_run_on_every_thread_count(&cfg, 60);
    }
}

#[cfg(feature = "lab")] // conv models are in the lab build only
#[test]
fn a_conv_vae_trains_bit_identically_on_1_to_4_threads() {
    let mut cfg = Config::default();
    cfg.model.encoder = vec![];
    cfg.model.kind = ModelKind::Vae;
    cfg.model.conv = vec![
        ConvBlock { channels: 16, kernel: 3, stride: 1 },
        ConvBlock { channels: 8, kernel: 3, stride: 2 },
        ConvBlock { channels: 8, kernel: 3, stride: 2 },
    ];
    cfg.model.latent = 16;
    cfg.train.batch_size = 64;
    cfg.train.lr = 5e-3;
    // Its BCE over 64 × 784 pixels is summed in two parts on two threads.
    cfg.train.loss = LossKind::Bce;
    const { assert!(64 * 784 >= PAR_MIN_LOSS) };
    same_run_on_every_thread_count(&cfg, 60);
}

/// The conv layers split their batch where a sample starts on an aligned
/// column of the unfolded matrix: at 40 images of 28×28 or 14×14 outputs that
/// is image 20, of 7×7 outputs image 32, away from the middle. Every block is
/// big enough to split (gemm::PAR_MIN_CONV_MACS).
#[cfg(feature = "lab")]
#[test]
fn a_conv_autoencoder_with_uneven_batch_cuts_trains_bit_identically_on_1_to_4_threads() {
    let mut cfg = Config::default();
    cfg.model.encoder = vec![];
    cfg.model.conv = vec![
        ConvBlock { channels: 16, kernel: 3, stride: 1 },
        ConvBlock { channels: 8, kernel: 3, stride: 2 },
        ConvBlock { channels: 32, kernel: 3, stride: 2 },
    ];
    let shapes = cfg.model.conv_shapes();
    for (i, b) in cfg.model.conv.iter().enumerate() {
        let (input, output) = (shapes[i], shapes[i + 1]);
        let macs = b.channels * input.channels * b.kernel * b.kernel * 40 * output.height * output.width;
        assert!(macs >= PAR_MIN_CONV_MACS, "block {i} ({macs} multiply-adds) would not be split");
    }
    cfg.model.latent = 16;
    cfg.train.batch_size = 40;
    cfg.train.lr = 5e-3;
    same_run_on_every_thread_count(&cfg, 40);
}

/// The page's trainer worker is not one of the pool's threads: each call then
/// runs on the pool, with its other threads polling for the call's work
/// (`gemm::on_pool`). Trained that way on rayon's global pool of 3 threads,
/// a dense model and a conv one end where one thread ends, bit for bit.
#[test]
fn training_called_from_outside_the_pool_is_bit_identical() {
    let _ = rayon::ThreadPoolBuilder::new().num_threads(3).build_global();
    assert!(rayon::current_num_threads() > 1, "the global pool has more than one thread");
    assert!(rayon::current_thread_index().is_none(), "the test runs outside the pool");
    let mut dense = Config::default();
    dense.model.encoder = vec![256, 64];
    dense.train.batch_size = 128;
    let mut configs = vec![dense];
    #[cfg(feature = "lab")]
    {
        let mut conv = Config::default();
        conv.model.encoder = vec![];
        conv.model.conv =
            vec![ConvBlock { channels: 16, kernel: 3, stride: 2 }, ConvBlock { channels: 8, kernel: 3, stride: 2 }];
        conv.train.batch_size = 64;
        configs.push(conv);
    }
    let d = common::digits();
    for cfg in configs {
        let one = train(&cfg, 1, 40);
        let mut t = Trainer::new(cfg.clone(), &d).unwrap();
        for _ in 0..40 {
            t.step(1).unwrap(); // one call a step, as the page's worker makes them
        }
        let params: Vec<u32> = t.parameters().iter().map(|v| v.to_bits()).collect();
        let losses: Vec<u32> = t.history().losses.iter().map(|l| l.to_bits()).collect();
        assert!(one.1 == losses, "the loss curve differs ({:?})", cfg.model.conv);
        assert!(one.0 == params, "the parameters differ ({:?})", cfg.model.conv);
        t.evaluate().unwrap();
    }
}
