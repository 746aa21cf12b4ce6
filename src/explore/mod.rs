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
