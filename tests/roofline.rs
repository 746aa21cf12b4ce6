//! The roofline kernel: its operation count by the textbook formula (2·m·n·k
//! per product) and its size checks.
#![cfg(feature = "lab")] // the benchmark's kernel is in the lab build only

use autoencoder_playground::roofline::{Roofline, MAX_SIZE};
use autoencoder_playground::Error;

fn field(e: Error) -> String {
    match e {
        Error::InvalidConfig { field, .. } => field,
        other => panic!("expected an InvalidConfig error, got {other:?}"),
    }
}

#[test]
fn flops_count_the_three_products_of_each_layer_but_the_first() {
    // 784-64-8-64-784 at batch 16: the first layer has no input gradient (2
    // products), the other three have 3.
    let mut roof = Roofline::new(&[784, 64, 8], 16).unwrap();
    let product = |m: f64, n: f64, k: f64| 2.0 * m * n * k;
    let want = 2.0 * product(16.0, 784.0, 64.0)
        + 3.0 * product(16.0, 64.0, 8.0)
        + 3.0 * product(16.0, 8.0, 64.0)
        + 3.0 * product(16.0, 64.0, 784.0);
    assert_eq!(roof.flops_per_step(), want);
    roof.run(2);
}

/// `run_split` makes the trainer's products (src/nn/gemm.rs): on a pool of
/// two threads they are split, and every value is the unsplit one, bit for bit.
#[cfg(feature = "threads")]
#[test]
fn split_products_are_the_unsplit_ones_bit_for_bit() {
    // 128×784×256 is well above the split threshold; 16 rows is below it.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    for (widths, batch) in [(&[784, 256][..], 128), (&[784, 64, 8][..], 16), (&[100, 37][..], 300)] {
        let mut whole = Roofline::new(widths, batch).unwrap();
        let mut split = Roofline::new(widths, batch).unwrap();
        whole.run(3);
        pool.install(|| split.run_split(3));
        let (a, b) = (whole.results(), split.results());
        assert_eq!(a.len(), b.len());
        for (i, (x, y)) in a.iter().zip(&b).enumerate() {
            assert!(x.iter().any(|&v| v != 0.0), "{widths:?} b{batch}: product {i} was computed");
            assert!(x.iter().zip(*y).all(|(p, q)| p.to_bits() == q.to_bits()), "{widths:?} b{batch}: product {i}");
        }
    }
}

#[test]
fn sizes_are_checked() {
    assert_eq!(field(Roofline::new(&[784], 16).err().unwrap()), "widths");
    assert_eq!(field(Roofline::new(&[784, 0], 16).err().unwrap()), "widths");
    assert_eq!(field(Roofline::new(&[784, MAX_SIZE + 1], 16).err().unwrap()), "widths");
    assert_eq!(field(Roofline::new(&[784, 8], 0).err().unwrap()), "batch");
    assert_eq!(field(Roofline::new(&[784, 8], MAX_SIZE + 1).err().unwrap()), "batch");
    assert!(Roofline::new(&[1, 1], 1).is_ok());
}
