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

#[test]
fn sizes_are_checked() {
    assert_eq!(field(Roofline::new(&[784], 16).err().unwrap()), "widths");
    assert_eq!(field(Roofline::new(&[784, 0], 16).err().unwrap()), "widths");
    assert_eq!(field(Roofline::new(&[784, MAX_SIZE + 1], 16).err().unwrap()), "widths");
    assert_eq!(field(Roofline::new(&[784, 8], 0).err().unwrap()), "batch");
    assert_eq!(field(Roofline::new(&[784, 8], MAX_SIZE + 1).err().unwrap()), "batch");
    assert!(Roofline::new(&[1, 1], 1).is_ok());
}
