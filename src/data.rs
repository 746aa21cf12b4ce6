//! Digits as u8 pixels + u8 labels, the fixed train/validation/test split,
//! shuffled minibatches, and flat f32 images checked into rows (`rows`).

use ndarray::{Array2, ArrayView2, ArrayViewMut2};
use rand::seq::SliceRandom;

use crate::error::{Error, Result};
use crate::rng::from_seed;

/// Seed of the train/validation/test split. It is fixed, not the run's seed, so
/// validation numbers from different runs are measured on the same digits.
pub const SPLIT_SEED: u64 = 20_240_601;

/// A set of images with labels, stored as bytes (7.8 MB for 10,000 digits instead of 31 MB as f32).
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pixels: Vec<u8>,
    labels: Vec<u8>,
    pixels_per_image: usize,
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
            return Err(Error::Data("pixels per image must be at least 1".into()));
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
        Ok(Dataset { pixels, labels, pixels_per_image })
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

    /// Image `i` as bytes.
    pub fn image(&self, i: usize) -> &[u8] {
        &self.pixels[i * self.pixels_per_image..(i + 1) * self.pixels_per_image]
    }

    /// All labels.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// The labels of the first `n` images (or all, if fewer): those of `to_matrix(n)`.
    pub fn first_labels(&self, n: usize) -> &[u8] {
        &self.labels[..n.min(self.len())]
    }

    /// The images at `indices`, as rows of f32 in [0, 1], written into `out`
    /// (which must be indices.len() × pixels_per_image).
    pub fn fill_batch(&self, indices: &[u32], mut out: ArrayViewMut2<f32>) {
        for (mut row, &i) in out.rows_mut().into_iter().zip(indices) {
            for (o, &p) in row.iter_mut().zip(self.image(i as usize)) {
                *o = p as f32 * (1.0 / 255.0);
            }
        }
    }

    /// The first `n` images (or all, if fewer) as an f32 matrix in [0, 1].
    pub fn to_matrix(&self, n: usize) -> Array2<f32> {
        let n = n.min(self.len());
        let idx: Vec<u32> = (0..n as u32).collect();
        let mut m = Array2::zeros((n, self.pixels_per_image));
        self.fill_batch(&idx, m.view_mut());
        m
    }

    /// The images whose label is not `class`.
    pub fn without_class(&self, class: u8) -> Dataset {
        let keep: Vec<usize> = (0..self.len()).filter(|&i| self.labels[i] != class).collect();
        self.subset(&keep)
    }

    fn subset(&self, indices: &[usize]) -> Dataset {
        let mut pixels = Vec::with_capacity(indices.len() * self.pixels_per_image);
        let mut labels = Vec::with_capacity(indices.len());
        for &i in indices {
            pixels.extend_from_slice(self.image(i));
            labels.push(self.labels[i]);
        }
        Dataset { pixels, labels, pixels_per_image: self.pixels_per_image }
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
        let held = (n / 10).max(1);
        let mut order: Vec<usize> = (0..n).collect();
        order.shuffle(&mut from_seed(SPLIT_SEED));
        let (val, rest) = order.split_at(held);
        let (test, train) = rest.split_at(held);
        Ok(Split { train: self.subset(train), validation: self.subset(val), test: self.subset(test) })
    }
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
