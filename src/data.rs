//! Examples with u8 labels: digits as u8 pixels (read as value / 255), or any
//! rows of f32 values (a table, generated data: `Dataset::from_values`); the
//! fixed train/validation/test split, shuffled minibatches, and flat f32 rows
//! checked into a matrix (`rows`).

use ndarray::{Array2, ArrayView2, ArrayViewMut2};
use rand::seq::SliceRandom;

use crate::error::{Error, Result};
use crate::rng::from_seed;

/// Seed of the train/validation/test split. It is fixed, not the run's seed, so
/// validation numbers from different runs are measured on the same digits.
pub const SPLIT_SEED: u64 = 20_240_601;

/// A set of examples with labels: images stored as bytes (7.8 MB for 10,000
/// digits instead of 31 MB as f32), or rows of any values.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    values: Values,
    labels: Vec<u8>,
    pixels_per_image: usize,
}

/// What one example's numbers are stored as.
#[derive(Debug, Clone, PartialEq)]
enum Values {
    /// Pixel bytes; a network sees byte / 255.
    Bytes(Vec<u8>),
    /// Values a network sees as they are (lab build: the page's small build trains on digits only).
    #[cfg(feature = "lab")]
    Floats(Vec<f32>),
}

impl Values {
    fn with_capacity_like(&self, n: usize) -> Values {
        match self {
            Values::Bytes(_) => Values::Bytes(Vec::with_capacity(n)),
            #[cfg(feature = "lab")]
            Values::Floats(_) => Values::Floats(Vec::with_capacity(n)),
        }
    }

    fn extend_from(&mut self, other: &Values, range: std::ops::Range<usize>) {
        match (self, other) {
            (Values::Bytes(to), Values::Bytes(from)) => to.extend_from_slice(&from[range]),
            #[cfg(feature = "lab")]
            (Values::Floats(to), Values::Floats(from)) => to.extend_from_slice(&from[range]),
            #[cfg(feature = "lab")]
            _ => unreachable!("a subset keeps its dataset's kind of values"),
        }
    }
}

/// The three parts of a dataset.
#[derive(Debug, Clone)]
pub struct Split {
    /// 80%: the model learns from these.
    pub train: Dataset,
    /// 10%: early stopping and the curves a learner watches.
    pub validation: Dataset,
    /// 10%: held out for final numbers.
    pub test: Dataset,
}

impl Dataset {
    /// Checks that `pixels` holds exactly one `pixels_per_image` block per label.
    pub fn new(pixels: Vec<u8>, labels: Vec<u8>, pixels_per_image: usize) -> Result<Self> {
        if pixels_per_image == 0 {
            return Err(Error::Data("a row must hold at least 1 value".into()));
        }
        if labels.is_empty() {
            return Err(Error::Data("the dataset is empty: expected at least one labelled image".into()));
        }
        if pixels.len() != labels.len() * pixels_per_image {
            return Err(Error::Shape(format!(
                "expected {} pixels per image ({} labels × {} = {} pixels), got {} pixels",
                pixels_per_image,
                labels.len(),
                pixels_per_image,
                labels.len() * pixels_per_image,
                pixels.len()
            )));
        }
        Ok(Dataset { values: Values::Bytes(pixels), labels, pixels_per_image })
    }

    /// Rows of `width` values, one per label (a table, or generated data), which
    /// a network sees as they are. NaN marks a missing value (an empty cell):
    /// the network sees 0 there (a standardised column's mean) and the loss
    /// leaves it out; every other value must be a finite number.
    #[cfg(feature = "lab")]
    pub fn from_values(values: Vec<f32>, labels: Vec<u8>, width: usize) -> Result<Self> {
        if width == 0 {
            return Err(Error::Data("a row must hold at least 1 value".into()));
        }
        if labels.is_empty() {
            return Err(Error::Data("the dataset is empty: expected at least one row".into()));
        }
        if values.len() != labels.len() * width {
            return Err(Error::Shape(format!(
                "expected {} rows of {width} values ({} values), got {} values",
                labels.len(),
                labels.len() * width,
                values.len()
            )));
        }
        if let Some(bad) = values.iter().position(|v| v.is_infinite()) {
            return Err(Error::Data(format!(
                "row {}, value {} is {}, but every value must be a finite number (or NaN where it is missing)",
                bad / width + 1,
                bad % width + 1,
                values[bad]
            )));
        }
        if values.iter().all(|v| v.is_nan()) {
            return Err(Error::Data("every value is missing: there is nothing to learn from".into()));
        }
        Ok(Dataset { values: Values::Floats(values), labels, pixels_per_image: width })
    }

    /// Reads the packed file format of `www/data/mnist.bin`: all pixels
    /// (n × `pixels_per_image` bytes) followed by n label bytes.
    pub fn from_packed(bytes: &[u8], pixels_per_image: usize) -> Result<Self> {
        let record = pixels_per_image + 1;
        if pixels_per_image == 0 || bytes.is_empty() || !bytes.len().is_multiple_of(record) {
            return Err(Error::Data(format!(
                "a packed file holds n×{pixels_per_image} pixel bytes then n label bytes; {} bytes is not a multiple of {record}",
                bytes.len()
            )));
        }
        let n = bytes.len() / record;
        Dataset::new(bytes[..n * pixels_per_image].to_vec(), bytes[n * pixels_per_image..].to_vec(), pixels_per_image)
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when there are no images (possible after `without_class`).
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Pixels per image.
    pub fn pixels_per_image(&self) -> usize {
        self.pixels_per_image
    }

    /// Image `i` as bytes; None for a dataset of values (`from_values`).
    pub fn image(&self, i: usize) -> Option<&[u8]> {
        match &self.values {
            Values::Bytes(b) => Some(&b[self.range(i)]),
            #[cfg(feature = "lab")]
            Values::Floats(_) => None,
        }
    }

    fn range(&self, i: usize) -> std::ops::Range<usize> {
        i * self.pixels_per_image..(i + 1) * self.pixels_per_image
    }

    /// All labels.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// The labels of the first `n` images (or all, if fewer): those of `to_matrix(n)`.
    pub fn first_labels(&self, n: usize) -> &[u8] {
        &self.labels[..n.min(self.len())]
    }

    /// The examples at `indices`, as rows of f32 (images in [0, 1]; NaN where a
    /// value is missing), written into `out` (which must be indices.len() × pixels_per_image).
    pub fn fill_batch(&self, indices: &[u32], out: ArrayViewMut2<f32>) {
        // Halves of the batch on two threads where element-wise passes split (each row is its own copy).
        if indices.len() >= 2 && crate::nn::gemm::split_elementwise(out.len()) {
            let mid = indices.len() / 2;
            let (first, second) = out.split_at(ndarray::Axis(0), mid);
            let (i1, i2) = indices.split_at(mid);
            crate::nn::gemm::join(true, || self.fill_rows(i1, first), || self.fill_rows(i2, second));
            return;
        }
        self.fill_rows(indices, out);
    }

    /// `fill_batch` on this thread.
    fn fill_rows(&self, indices: &[u32], mut out: ArrayViewMut2<f32>) {
        // One byte of each cache line of every row first: loads independent of each
        // other, which the processor has in flight together, where the conversion
        // below met the rows' misses one after another (the digits are 7.8 MB, the
        // rows at random): a small model's batch took 2.3% of its step, now 1.2%.
        match &self.values {
            Values::Bytes(b) => {
                let mut touch = 0u8;
                for &i in indices {
                    for k in self.range(i as usize).step_by(64) {
                        touch ^= b[k];
                    }
                }
                std::hint::black_box(touch);
            }
            #[cfg(feature = "lab")]
            Values::Floats(_) => {}
        }
        for (mut row, &i) in out.rows_mut().into_iter().zip(indices) {
            let at = self.range(i as usize);
            // A row of the batch as a slice, so the conversion is one vector loop (5% of a small model's step was
            // this loop over an ndarray row's iterator).
            self.fill_row(at, row.as_slice_mut().expect("the batch's rows are contiguous"));
        }
    }

    /// Example values `at` into `row`, as the network reads them.
    fn fill_row(&self, at: std::ops::Range<usize>, row: &mut [f32]) {
        match &self.values {
            Values::Bytes(b) => bytes_to_unit(row, &b[at]),
            #[cfg(feature = "lab")]
            Values::Floats(f) => {
                for (o, &v) in row.iter_mut().zip(&f[at]) {
                    *o = v;
                }
            }
        }
    }

    /// True when some value is missing (NaN; datasets of values only).
    pub fn has_missing(&self) -> bool {
        match &self.values {
            Values::Bytes(_) => false,
            #[cfg(feature = "lab")]
            Values::Floats(f) => f.iter().any(|v| v.is_nan()),
        }
    }

    /// The first `n` examples (or all, if fewer) as a network's targets: as
    /// `to_matrix`, but with NaN where a value is missing. Lab build.
    #[cfg(feature = "lab")]
    pub fn to_targets(&self, n: usize) -> Array2<f32> {
        self.first_rows(n)
    }

    /// The first `n` examples (or all, if fewer) as `fill_batch` writes them.
    fn first_rows(&self, n: usize) -> Array2<f32> {
        let n = n.min(self.len());
        let idx: Vec<u32> = (0..n as u32).collect();
        let mut m = Array2::zeros((n, self.pixels_per_image));
        self.fill_batch(&idx, m.view_mut());
        m
    }

    /// The first `n` examples (or all, if fewer) as an f32 matrix (images in
    /// [0, 1]), as a network takes them in: a missing value is 0.
    pub fn to_matrix(&self, n: usize) -> Array2<f32> {
        let mut m = self.first_rows(n);
        if self.has_missing() {
            fill_missing(&mut m);
        }
        m
    }

    /// The images whose label is not `class`.
    pub fn without_class(&self, class: u8) -> Dataset {
        let keep: Vec<usize> = (0..self.len()).filter(|&i| self.labels[i] != class).collect();
        self.subset(&keep)
    }

    fn subset(&self, indices: &[usize]) -> Dataset {
        let mut values = self.values.with_capacity_like(indices.len() * self.pixels_per_image);
        let mut labels = Vec::with_capacity(indices.len());
        for &i in indices {
            values.extend_from(&self.values, self.range(i));
            labels.push(self.labels[i]);
        }
        Dataset { values, labels, pixels_per_image: self.pixels_per_image }
    }

    /// The fixed split: a shuffle by `SPLIT_SEED`, then 10% validation, 10% test
    /// and the rest for training (8,000 / 1,000 / 1,000 for the 10,000 digits).
    pub fn split(&self) -> Result<Split> {
        let n = self.len();
        if n < 3 {
            return Err(Error::Data(format!(
                "need at least 3 images to split into train, validation and test; got {n}"
            )));
        }
        let (order, held) = shuffled(n);
        let (val, rest) = order.split_at(held);
        let (test, train) = rest.split_at(held);
        Ok(Split { train: self.subset(train), validation: self.subset(val), test: self.subset(test) })
    }
}

/// Writes 0 where a value is missing (NaN): what a network takes in there.
pub fn fill_missing(m: &mut Array2<f32>) {
    m.mapv_inplace(|v| if v.is_nan() { 0.0 } else { v });
}

/// The split's order of n ≥ 3 examples: validation first, then test (`held` each), then training.
fn shuffled(n: usize) -> (Vec<usize>, usize) {
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut from_seed(SPLIT_SEED));
    (order, (n / 10).max(1))
}

/// Which of n ≥ 3 examples `Dataset::split` puts in validation, test and
/// training (in that order): for statistics of the training rows alone, such
/// as the mean and deviation a table is standardised with.
#[cfg(feature = "lab")]
pub fn split_order(n: usize) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
    let (order, held) = shuffled(n);
    let (val, rest) = order.split_at(held);
    let (test, train) = rest.split_at(held);
    (val.to_vec(), test.to_vec(), train.to_vec())
}

/// Views a flat slice (as the page sends images or codes) as rows of `width`
/// values, or says why it cannot: the length must be a whole, non-zero number
/// of rows and every value a finite number.
pub fn rows<'a>(values: &'a [f32], width: usize, what: &str) -> Result<ArrayView2<'a, f32>> {
    if values.is_empty() || !values.len().is_multiple_of(width) {
        return Err(Error::Shape(format!(
            "expected a whole number of {what}s of {width} values each, got {} values",
            values.len()
        )));
    }
    if let Some(bad) = values.iter().position(|v| !v.is_finite()) {
        return Err(Error::Data(format!("value {bad} is {}, but every value must be a finite number", values[bad])));
    }
    ArrayView2::from_shape((values.len() / width, width), values).map_err(|e| Error::Shape(e.to_string()))
}

/// Pixel bytes as the network reads them: `out[i] = bytes[i] as f32 · (1/255)`
/// (over the shorter of the two), one element at a time.
#[doc(hidden)]
pub fn bytes_to_unit_portable(out: &mut [f32], bytes: &[u8]) {
    for (o, &p) in out.iter_mut().zip(bytes) {
        *o = p as f32 * (1.0 / 255.0);
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
pub use bytes_to_unit_portable as bytes_to_unit;

/// [`bytes_to_unit_portable`] 16 bytes at a time in wasm SIMD: the same
/// conversion and product, so the same bits (tests/web.rs compares them in
/// the browsers). LLVM's loop took 4 bytes an iteration and rebuilt the
/// scale, a `v128.const`, in each (V8 does not hoist it): 1.5% of
/// 784-64-16-64-784's step at batch 32 went to filling its batch.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[doc(hidden)]
pub fn bytes_to_unit(out: &mut [f32], bytes: &[u8]) {
    use core::arch::wasm32::{f32x4_convert_i32x4, f32x4_mul, f32x4_splat, u16x8_extend_high_u8x16};
    use core::arch::wasm32::{u16x8_extend_low_u8x16, u32x4_extend_high_u16x8, u32x4_extend_low_u16x8, v128};
    let n = out.len().min(bytes.len());
    let whole = n / 16 * 16;
    let scale = f32x4_splat(std::hint::black_box(1.0 / 255.0));
    for (o, b) in out[..whole].chunks_exact_mut(16).zip(bytes[..whole].chunks_exact(16)) {
        // SAFETY: `b` holds 16 bytes and `o` 16 floats; unaligned reads and writes are allowed.
        unsafe {
            let v = core::ptr::read_unaligned(b.as_ptr() as *const v128);
            let (low, high) = (u16x8_extend_low_u8x16(v), u16x8_extend_high_u8x16(v));
            let quads = [
                u32x4_extend_low_u16x8(low),
                u32x4_extend_high_u16x8(low),
                u32x4_extend_low_u16x8(high),
                u32x4_extend_high_u16x8(high),
            ];
            for (k, q) in quads.into_iter().enumerate() {
                core::ptr::write_unaligned(
                    o.as_mut_ptr().add(4 * k) as *mut v128,
                    f32x4_mul(f32x4_convert_i32x4(q), scale),
                );
            }
        }
    }
    bytes_to_unit_portable(&mut out[whole..n], &bytes[whole..n]);
}
