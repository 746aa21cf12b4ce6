//! Reconstruction losses, averaged over every pixel of the batch (as PyTorch's
//! `reduction="mean"`). Sums run in f64 so a 100k-pixel batch loses no digits.

use ndarray::{Array2, ArrayView2, Zip};

use super::activation::{exp_nonpositive, relu, sigmoid_into, Activation};
use super::ensure_shape;

/// Mean squared error between `pred` and `target`.
pub fn mse(pred: ArrayView2<f32>, target: ArrayView2<f32>) -> f32 {
    let mut sum = 0.0f64;
    Zip::from(&pred).and(&target).for_each(|&p, &t| {
        let d = (p - t) as f64;
        sum += d * d;
    });
    (sum / pred.len().max(1) as f64) as f32
}

/// dMSE/dpred = 2(pred − target)/N, written into `grad`.
pub fn mse_grad(pred: ArrayView2<f32>, target: ArrayView2<f32>, grad: &mut Array2<f32>) {
    ensure_shape(grad, pred.nrows(), pred.ncols());
    let scale = 2.0 / pred.len().max(1) as f32;
    crate::zip_for_each!(Zip::from(grad).and(&pred).and(&target), pred.len(), |g: &mut f32, &p: &f32, &t: &f32| *g =
        scale * (p - t));
}

/// Mean squared error over the cells whose target is present: a NaN target is
/// a missing value (a table's empty cell) and counts for nothing. Equal to
/// `mse` bit for bit when no target is missing. Lab build (the page's small
/// build trains on digits, which miss nothing).
#[cfg(feature = "lab")]
pub fn mse_present(pred: ArrayView2<f32>, target: ArrayView2<f32>) -> f32 {
    let (mut sum, mut count) = (0.0f64, 0usize);
    Zip::from(&pred).and(&target).for_each(|&p, &t| {
        if !t.is_nan() {
            let d = (p - t) as f64;
            sum += d * d;
            count += 1;
        }
    });
    (sum / count.max(1) as f64) as f32
}

/// The gradient of `mse_present`: 2(pred − target)/P where the target is
/// present (P of them), 0 where it is missing.
#[cfg(feature = "lab")]
pub fn mse_present_grad(pred: ArrayView2<f32>, target: ArrayView2<f32>, grad: &mut Array2<f32>) {
    ensure_shape(grad, pred.nrows(), pred.ncols());
    let present = target.iter().filter(|t| !t.is_nan()).count();
    let scale = 2.0 / present.max(1) as f32;
    Zip::from(grad).and(&pred).and(&target).for_each(|g, &p, &t| *g = if t.is_nan() { 0.0 } else { scale * (p - t) });
}

/// The MSE of a reconstruction against targets that may miss values:
/// `mse_present` in the lab build, `mse` in the small one (the same number
/// wherever nothing is missing).
pub fn recon_mse(pred: ArrayView2<f32>, target: ArrayView2<f32>) -> f32 {
    #[cfg(feature = "lab")]
    return mse_present(pred, target);
    #[cfg(not(feature = "lab"))]
    return mse(pred, target);
}

/// Binary cross-entropy of sigmoid(`logits`) against `target`, computed from the
/// logits as max(z,0) − z·t + ln(1 + e^−|z|): finite for every finite z, even
/// where the sigmoid itself rounds to exactly 0 or 1.
pub fn bce_with_logits(logits: ArrayView2<f32>, target: ArrayView2<f32>) -> f32 {
    let mut sum = 0.0f64;
    Zip::from(&logits).and(&target).for_each(|&z, &t| {
        let (z, t) = (z as f64, t as f64);
        sum += z.max(0.0) - z * t + (-z.abs()).exp().ln_1p();
    });
    (sum / logits.len().max(1) as f64) as f32
}

/// dBCE/dlogits = (sigmoid(z) − t)/N, written into `grad`.
pub fn bce_with_logits_grad(logits: ArrayView2<f32>, target: ArrayView2<f32>, grad: &mut Array2<f32>) {
    ensure_shape(grad, logits.nrows(), logits.ncols());
    let scale = 1.0 / logits.len().max(1) as f32;
    // The sigmoid first, in the loop that vectorizes (the same numbers as in one pass).
    if let (Some(g), Some(z)) = (grad.as_slice_mut(), logits.as_slice()) {
        sigmoid_into(g, z);
        crate::zip_for_each!(Zip::from(grad).and(&target), logits.len(), |g: &mut f32, &t: &f32| {
            *g = scale * (*g - t)
        });
        return;
    }
    // Views that are not contiguous (none in the models today): element by element, the sigmoid called.
    Zip::from(grad).and(&logits).and(&target).for_each(|g, &z, &t| *g = scale * (Activation::Sigmoid.apply(z) - t));
}

/// The training step's BCE: [`bce_with_logits`] and [`bce_with_logits_grad`]
/// in one pass over the batch, both from one e^−|z| per pixel (the fast
/// `exp_nonpositive` the sigmoid uses). The gradient is bce_with_logits_grad's
/// bit for bit. The loss max(z, 0) − z·t + ln(1 + e^−|z|) is summed in f64,
/// its log terms as one log of their product per `LOG_BLOCK` pixels (each
/// factor 1 + e^−|z| is in (1, 2], so a block's product stays below 2^256):
/// within 1e-6 of the f64 version (tests/gradients.rs). A log per pixel
/// (`ln_1p`, a software routine in wasm) was most of a conv step's loss time.
pub fn bce_with_logits_and_grad(logits: ArrayView2<f32>, target: ArrayView2<f32>, grad: &mut Array2<f32>) -> f32 {
    const LOG_BLOCK: usize = 256;
    // Contiguous in every model today; anything else is copied once.
    let (logits, target) = (logits.as_standard_layout(), target.as_standard_layout());
    let z = logits.as_slice().expect("standard layout");
    let t = target.as_slice().expect("standard layout");
    ensure_shape(grad, logits.nrows(), logits.ncols());
    let g = grad.as_slice_mut().expect("a fresh or standard buffer");
    let scale = 1.0 / z.len().max(1) as f32;
    let mut sum = 0.0f64;
    for ((g, z), t) in g.chunks_mut(LOG_BLOCK).zip(z.chunks(LOG_BLOCK)).zip(t.chunks(LOG_BLOCK)) {
        let mut product = 1.0f64;
        for ((g, &z), &t) in g.iter_mut().zip(z).zip(t) {
            let e = exp_nonpositive(-z.abs());
            let s = 1.0 / (1.0 + e);
            let p = if z >= 0.0 { s } else { e * s };
            *g = scale * (p - t);
            sum += (relu(z) - z * t) as f64;
            product *= 1.0 + e as f64;
        }
        sum += product.ln();
    }
    (sum / z.len().max(1) as f64) as f32
}

/// Binary cross-entropy of probabilities `prob` (clamped to [1e-7, 1−1e-7], as
/// Keras does) against `target`; for models whose logits are not at hand.
pub fn bce(prob: ArrayView2<f32>, target: ArrayView2<f32>) -> f32 {
    const EPS: f64 = 1e-7;
    let mut sum = 0.0f64;
    Zip::from(&prob).and(&target).for_each(|&p, &t| {
        let p = (p as f64).clamp(EPS, 1.0 - EPS);
        let t = t as f64;
        sum -= t * p.ln() + (1.0 - t) * (1.0 - p).ln();
    });
    (sum / prob.len().max(1) as f64) as f32
}
