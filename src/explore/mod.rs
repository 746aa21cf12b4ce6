//! Views of what a model learned, for the latent-space, metrics, PCA and
//! applications lessons: the decoded path between two digits, the quality of
//! reconstructions, and (lab build) the views that keep a fit between calls
//! (`Views`: the PCA baseline, the latent map, the last anomaly report).

#[cfg(feature = "lab")]
mod views;

#[cfg(feature = "lab")]
pub use views::{LatentMap, PcaFit, Views};

use ndarray::{Array2, ArrayView2, Axis};

use crate::config::MNIST_SIDE;
use crate::error::{Error, Result};
use crate::metrics::{self, PerImage, Summary};
use crate::model::Autoencoder;
use crate::train::Trainer;

/// Most points `interpolate` decodes (both ends included; the fewest is 2).
pub const MAX_INTERPOLATION_STEPS: usize = 64;

/// The images decoded from `steps` codes evenly spaced on the straight line
/// from the code of image `a` to that of image `b` (each one row), both ends
/// included: row i is decode((1 − t)·z_a + t·z_b) with t = i / (steps − 1).
pub fn interpolate(
    model: &mut Autoencoder,
    a: ArrayView2<f32>,
    b: ArrayView2<f32>,
    steps: usize,
) -> Result<Array2<f32>> {
    if !(2..=MAX_INTERPOLATION_STEPS).contains(&steps) {
        return Err(Error::config(
            "steps",
            format!("interpolate needs between 2 and {MAX_INTERPOLATION_STEPS} steps, got {steps}"),
        ));
    }
    if a.nrows() != 1 || b.nrows() != 1 {
        return Err(Error::Shape("interpolate: a and b must be one image each".into()));
    }
    let (za, zb) = (model.encode(a)?, model.encode(b)?);
    let mut z = Array2::zeros((steps, za.ncols()));
    for (i, mut row) in z.axis_iter_mut(Axis(0)).enumerate() {
        let t = i as f32 / (steps - 1) as f32;
        row.assign(&(&za.row(0) * (1.0 - t) + &zb.row(0) * t));
    }
    model.decode(z.view())
}

/// The quality of `model`'s reconstruction of each digit in the rows of `x`
/// (28 × 28 pixels each).
pub fn quality(model: &mut Autoencoder, x: ArrayView2<f32>) -> Result<PerImage> {
    let y = model.reconstruct(x)?;
    metrics::per_image(y.view(), x, MNIST_SIDE, MNIST_SIDE)
}

/// The quality of the reconstructions of every validation digit, as a whole.
pub fn validation_quality(trainer: &mut Trainer) -> Result<Summary> {
    let (model, data) = trainer.model_and_data();
    let x = data.validation.to_matrix(usize::MAX);
    let y = model.reconstruct(x.view())?;
    metrics::summary(y.view(), x.view(), MNIST_SIDE, MNIST_SIDE)
}

/// The quality of the reconstructions of every validation image, for images of
/// `shape` (rows C×H×W, channel-major): MSE, BCE and PSNR over every value;
/// SSIM and MS-SSIM of each channel, averaged over the channels (as
/// scikit-image's `structural_similarity` with `channel_axis` does). Lab build:
/// a person's pictures of any size (the digits' own is `validation_quality`).
#[cfg(feature = "lab")]
pub fn validation_quality_of(trainer: &mut Trainer, shape: crate::config::ImageShape) -> Result<Summary> {
    let (model, data) = trainer.model_and_data();
    let plane = shape.height * shape.width;
    if shape.channels == 0 || plane == 0 || shape.channels * plane != model.config().input {
        return Err(Error::Shape(format!(
            "images of {}×{}×{} values do not match the network's {} inputs",
            shape.channels,
            shape.height,
            shape.width,
            model.config().input
        )));
    }
    let x = data.validation.to_matrix(usize::MAX);
    let y = model.reconstruct(x.view())?;
    let mse = metrics::mse_batch(y.view(), x.view())?;
    let mut s = Summary {
        mse,
        bce: metrics::bce_batch(y.view(), x.view())?,
        psnr: metrics::psnr_from_mse(mse),
        ssim: 0.0,
        ms_ssim: 0.0,
    };
    for c in 0..shape.channels {
        let cols = ndarray::s![.., c * plane..(c + 1) * plane];
        let (yc, xc) = (y.slice(cols), x.slice(cols));
        s.ssim += metrics::ssim_batch(yc, xc, shape.width, shape.height)? / shape.channels as f32;
        s.ms_ssim += metrics::ms_ssim_batch(yc, xc, shape.width, shape.height)? / shape.channels as f32;
    }
    Ok(s)
}
