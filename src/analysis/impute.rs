//! Filling in missing pixels with an autoencoder. A mask marks each pixel as
//! observed (1) or missing (0). Missing pixels start at the per-pixel mean of
//! the training digits (the baseline, on its own); the model then
//! reconstructs the whole image and its output replaces the missing pixels
//! only, while observed pixels stay as they were. Feeding the result back in
//! several times lets each pass build on the last one's guess.
//!
//! What to expect (tests/analysis.rs): a plain autoencoder repairs scattered
//! missing pixels well, but a large missing block filled with the mean is
//! unlike anything it was trained on, and its guess there can be worse than
//! the mean. A denoising autoencoder trained with block noise, started from
//! zeros, fills such a block far better than the mean does.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Zip};
use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::data::{Dataset, Split};
use crate::error::{Error, Result};
use crate::model::Autoencoder;
use crate::rng::{seeded, Stream};

/// Most passes `impute_flat` and `report` run: each is a forward pass over the images.
pub const MAX_ITERATIONS: usize = 50;
/// Most test digits `report` imputes.
pub const MAX_REPORT_DIGITS: usize = 1000;

/// Which pixels go missing.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum MaskKind {
    /// Each pixel is missing with probability `rate`, independently (drawn from a seed).
    Random {
        /// Probability that a pixel is missing, in [0, 1].
        rate: f32,
    },
    /// The top half of every (square) image is missing.
    TopHalf,
    /// A square of `side` pixels in the middle of every (square) image is missing.
    CentreSquare {
        /// Side of the missing square, from 1 to the image side.
        side: usize,
    },
}

/// The side of a square image of `pixels` pixels, or an error saying it is not square.
fn image_side(pixels: usize) -> Result<usize> {
    let s = (pixels as f64).sqrt().round() as usize;
    if s * s != pixels || s == 0 {
        return Err(Error::Shape(format!("this mask needs square images; {pixels} pixels is not a square")));
    }
    Ok(s)
}

/// A mask of `rows` images of `pixels` pixels each (1 = observed, 0 = missing);
/// `seed` draws the random kind and is ignored by the others.
pub fn make_mask(kind: MaskKind, rows: usize, pixels: usize, seed: u64) -> Result<Array2<u8>> {
    let mut mask = Array2::from_elem((rows, pixels), 1u8);
    match kind {
        MaskKind::Random { rate } => {
            if !(rate.is_finite() && (0.0..=1.0).contains(&rate)) {
                return Err(Error::config("rate", format!("the missing-pixel rate must be in [0, 1], got {rate}")));
            }
            let mut rng = seeded(seed, Stream::Noise, 4);
            mask.map_inplace(|m| *m = (rng.random::<f32>() >= rate) as u8);
        }
        MaskKind::TopHalf => {
            let s = image_side(pixels)?;
            for mut row in mask.rows_mut() {
                row.slice_mut(ndarray::s![..(s / 2) * s]).fill(0);
            }
        }
        MaskKind::CentreSquare { side } => {
            let s = image_side(pixels)?;
            if side == 0 || side > s {
                return Err(Error::config(
                    "side",
                    format!("the missing square's side must be between 1 and {s}, got {side}"),
                ));
            }
            let start = (s - side) / 2;
            for mut row in mask.rows_mut() {
                for r in start..start + side {
                    row.slice_mut(ndarray::s![r * s + start..r * s + start + side]).fill(0);
                }
            }
        }
    }
    Ok(mask)
}

/// Checks that `mask` has `x`'s shape and holds only 0 and 1; returns the number of missing pixels.
pub fn check_mask(mask: ArrayView2<u8>, x: ArrayView2<f32>) -> Result<usize> {
    if mask.dim() != x.dim() {
        return Err(Error::Shape(format!(
            "the mask must have one entry per pixel: the images are {}×{} but the mask is {}×{}",
            x.nrows(),
            x.ncols(),
            mask.nrows(),
            mask.ncols()
        )));
    }
    if let Some(&bad) = mask.iter().find(|&&m| m > 1) {
        return Err(Error::Data(format!("a mask holds 1 (observed) or 0 (missing), found {bad}")));
    }
    Ok(mask.iter().filter(|&&m| m == 0).count())
}

/// The mean of each pixel over the images in the rows of `train`.
pub fn pixel_mean(train: ArrayView2<f32>) -> Result<Array1<f32>> {
    train.mean_axis(ndarray::Axis(0)).ok_or_else(|| Error::Data("the mean image needs at least one image".into()))
}

/// `pixel_mean` of every image of `data`.
pub fn dataset_mean(data: &Dataset) -> Result<Array1<f32>> {
    pixel_mean(data.to_matrix(usize::MAX).view())
}

/// `x` with every missing pixel replaced by that pixel's value in `mean`; with
/// `pixel_mean` of the training digits this is the mean-pixel baseline.
pub fn mean_impute(x: ArrayView2<f32>, mask: ArrayView2<u8>, mean: ArrayView1<f32>) -> Result<Array2<f32>> {
    check_mask(mask, x)?;
    if mean.len() != x.ncols() {
        return Err(Error::Shape(format!("expected a mean image of {} pixels, got {}", x.ncols(), mean.len())));
    }
    let mut out = x.to_owned();
    for (mut row, m) in out.rows_mut().into_iter().zip(mask.rows()) {
        Zip::from(&mut row).and(&m).and(&mean).for_each(|v, &m, &mu| {
            if m == 0 {
                *v = mu;
            }
        });
    }
    Ok(out)
}

/// Imputes the missing pixels of `x` with `model`: they start at `fill` (one
/// value per pixel), then `iterations` passes each replace them (only) by the
/// reconstruction of the previous pass's image. One iteration is one-pass
/// imputation; zero returns the filled image unchanged.
///
/// Pass `pixel_mean` of the training digits as `fill` for a plain autoencoder.
/// A denoising autoencoder trained with masking or block noise has learnt to
/// repair pixels set to 0, so it does better from a fill of zeros.
pub fn impute(
    model: &mut Autoencoder,
    x: ArrayView2<f32>,
    mask: ArrayView2<u8>,
    fill: ArrayView1<f32>,
    iterations: usize,
) -> Result<Array2<f32>> {
    let mut current = mean_impute(x, mask, fill)?;
    for _ in 0..iterations {
        let recon = model.reconstruct(current.view())?;
        Zip::from(&mut current).and(&recon).and(&mask).for_each(|v, &r, &m| {
            if m == 0 {
                *v = r;
            }
        });
    }
    Ok(current)
}

/// Mean squared error of `pred` against `truth` over the missing pixels only
/// (observed pixels are right by construction and would dilute it).
pub fn missing_mse(pred: ArrayView2<f32>, truth: ArrayView2<f32>, mask: ArrayView2<u8>) -> Result<f32> {
    let missing = check_mask(mask, truth)?;
    if pred.dim() != truth.dim() {
        return Err(Error::Shape(format!(
            "imputed and true images must have the same shape; got {}×{} and {}×{}",
            pred.nrows(),
            pred.ncols(),
            truth.nrows(),
            truth.ncols()
        )));
    }
    if missing == 0 {
        return Err(Error::Data("the mask has no missing pixels, so there is nothing to score".into()));
    }
    let mut sum = 0.0f64;
    Zip::from(&pred).and(&truth).and(&mask).for_each(|&p, &t, &m| {
        if m == 0 {
            sum += ((p - t) as f64).powi(2);
        }
    });
    Ok((sum / missing as f64) as f32)
}

/// `impute` with the mask (one byte per pixel of `x`) and the fill (one value
/// per pixel) given flat, as the page sends them, and at most `MAX_ITERATIONS` passes.
pub fn impute_flat(
    model: &mut Autoencoder,
    x: ArrayView2<f32>,
    mask: &[u8],
    fill: &[f32],
    iterations: usize,
) -> Result<Array2<f32>> {
    let m = ArrayView2::from_shape(x.dim(), mask).map_err(|_| {
        Error::Shape(format!("the mask needs one byte per pixel: {} values, got {}", x.len(), mask.len()))
    })?;
    if fill.len() != x.ncols() {
        return Err(Error::Shape(format!("fill needs {} values, got {}", x.ncols(), fill.len())));
    }
    if iterations > MAX_ITERATIONS {
        return Err(Error::config("iterations", format!("must be at most {MAX_ITERATIONS}, got {iterations}")));
    }
    impute(model, x, m, ArrayView1::from(fill), iterations)
}

/// What `report` measures: which mask, how many passes, on how many test digits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ImputeSpec {
    /// Which pixels go missing.
    pub mask: MaskKind,
    /// Passes of the iterative imputation, 1 to `MAX_ITERATIONS`.
    #[serde(default = "ImputeSpec::default_iterations")]
    pub iterations: usize,
    /// The first `n` test digits are imputed, 1 to `MAX_REPORT_DIGITS`.
    #[serde(default = "ImputeSpec::default_n")]
    pub n: usize,
}

impl ImputeSpec {
    fn default_iterations() -> usize {
        5
    }
    fn default_n() -> usize {
        100
    }
}

impl Default for ImputeSpec {
    fn default() -> Self {
        ImputeSpec { mask: MaskKind::TopHalf, iterations: Self::default_iterations(), n: Self::default_n() }
    }
}

/// The MSE over the missing pixels of three ways to fill them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImputeReport {
    /// The mean-pixel baseline (`mean_impute`).
    pub mean: f32,
    /// One pass of the model from the mean.
    pub one_pass: f32,
    /// `iterations` passes of the model from the mean.
    pub iterative: f32,
    /// Fraction of the pixels that were missing.
    pub missing: f64,
}

/// Imputes the first `spec.n` test digits of `data` with `spec.mask`'s pixels
/// missing, starting from the training digits' mean, and scores the mean
/// baseline, one pass of `model` and `spec.iterations` passes.
pub fn report(model: &mut Autoencoder, data: &Split, spec: &ImputeSpec) -> Result<ImputeReport> {
    if !(1..=MAX_REPORT_DIGITS).contains(&spec.n) {
        return Err(Error::config("n", format!("must be 1 to {MAX_REPORT_DIGITS} digits, got {}", spec.n)));
    }
    if !(1..=MAX_ITERATIONS).contains(&spec.iterations) {
        return Err(Error::config("iterations", format!("must be 1 to {MAX_ITERATIONS}, got {}", spec.iterations)));
    }
    let mean = dataset_mean(&data.train)?;
    let x = data.test.to_matrix(spec.n);
    let mask = make_mask(spec.mask, x.nrows(), x.ncols(), 1)?;
    let base = mean_impute(x.view(), mask.view(), mean.view())?;
    let one = impute(model, x.view(), mask.view(), mean.view(), 1)?;
    let many = impute(model, x.view(), mask.view(), mean.view(), spec.iterations)?;
    let mse = |p: &Array2<f32>| missing_mse(p.view(), x.view(), mask.view());
    Ok(ImputeReport {
        mean: mse(&base)?,
        one_pass: mse(&one)?,
        iterative: mse(&many)?,
        missing: mask.iter().filter(|&&m| m == 0).count() as f64 / mask.len() as f64,
    })
}
