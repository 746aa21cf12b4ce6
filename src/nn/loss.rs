//! Reconstruction losses, averaged over every pixel of the batch (as PyTorch's
//! `reduction="mean"`). Sums run in f64 so a 100k-pixel batch loses no digits.

use ndarray::{Array2, ArrayView2, Zip};

use super::activation::{sigmoid_into, Activation};
use super::{ensure_shape, reshape_for_overwrite};

/// Mean squared error between `pred` and `target` (summed as [`SquaredErrors`]
/// sums, NaN wherever a target is).
pub fn mse(pred: ArrayView2<f32>, target: ArrayView2<f32>) -> f32 {
    let mut squares = SquaredErrors::default();
    squares.add_cells::<false>(pred, target);
    (squares.sum() / pred.len().max(1) as f64) as f32
}

/// dMSE/dpred = 2(pred − target)/N, written into `grad`.
pub fn mse_grad(pred: ArrayView2<f32>, target: ArrayView2<f32>, grad: &mut Array2<f32>) {
    ensure_shape(grad, pred.nrows(), pred.ncols());
    let scale = 2.0 / pred.len().max(1) as f32;
    crate::zip_for_each!(Zip::from(grad).and(&pred).and(&target), pred.len(), |g: &mut f32, &p: &f32, &t: &f32| *g =
        scale * (p - t));
}

/// The training step's MSE of act(`logits`) against `target`, in one pass
/// over the batch: the output y = act(logits) into `out` (the sigmoid by
/// `sigmoid_into`, as the model's output is made everywhere), the gradient
/// dMSE/dlogits = 2(y − t)/N · act′(y) into `grad` (bit for bit what
/// [`mse_grad`] and the chain through the activation gave in two passes), and
/// the loss. Its squares are summed in f64, in [`LANES`] running sums (so the
/// loop vectorizes), over the two parts of [`in_halves`].
pub fn mse_and_grad(
    logits: ArrayView2<f32>,
    target: ArrayView2<f32>,
    act: Activation,
    grad: &mut Array2<f32>,
    out: &mut Array2<f32>,
) -> f32 {
    let scale = 2.0 / logits.len().max(1) as f32;
    let sum = in_halves(logits, target, grad, out, |z, t, g, y| mse_part(z, t, g, y, act, scale));
    (sum / logits.len().max(1) as f64) as f32
}

/// Running sums of the MSE's squares (lane i takes pixels i, i + LANES, …, of a part).
const LANES: usize = 4;

/// Σ (y − t)² over one part's pixels (unscaled), with y = act(z) written to
/// `y` and the gradient to `g`.
fn mse_part(z: &[f32], t: &[f32], g: &mut [f32], y: &mut [f32], act: Activation, scale: f32) -> f64 {
    if act == Activation::Sigmoid {
        sigmoid_into(y, z);
        // The derivative as a closure of its own, so the loop below does not choose per pixel.
        return mse_lanes(t, g, y, scale, |y| Activation::Sigmoid.derivative_from_output(y));
    }
    for (y, &z) in y.iter_mut().zip(z) {
        *y = act.apply(z);
    }
    mse_lanes(t, g, y, scale, |y| act.derivative_from_output(y))
}

#[inline(always)]
fn mse_lanes(t: &[f32], g: &mut [f32], y: &[f32], scale: f32, derivative: impl Fn(f32) -> f32) -> f64 {
    let mut lanes = [0.0f64; LANES];
    let pixel = |lane: &mut f64, g: &mut f32, y: f32, t: f32| {
        let d = y - t;
        *g = scale * d * derivative(y);
        *lane += d as f64 * d as f64;
    };
    let (mut gs, mut ys, mut ts) = (g.chunks_exact_mut(LANES), y.chunks_exact(LANES), t.chunks_exact(LANES));
    for ((g, y), t) in (&mut gs).zip(&mut ys).zip(&mut ts) {
        for k in 0..LANES {
            pixel(&mut lanes[k], &mut g[k], y[k], t[k]);
        }
    }
    let (g, y, t) = (gs.into_remainder(), ys.remainder(), ts.remainder());
    for k in 0..g.len() {
        pixel(&mut lanes[k], &mut g[k], y[k], t[k]);
    }
    lanes.iter().sum()
}

/// Mean squared error over the cells whose target is present: a NaN target is
/// a missing value (a table's empty cell) and counts for nothing. Equal to
/// `mse` bit for bit when no target is missing. Lab build (the page's small
/// build trains on digits, which miss nothing).
#[cfg(feature = "lab")]
pub fn mse_present(pred: ArrayView2<f32>, target: ArrayView2<f32>) -> f32 {
    let mut squares = SquaredErrors::default();
    squares.add_cells::<true>(pred, target);
    squares.mean()
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

/// The running sums of squared errors: src/nn/loss/squares.rs.
mod squares;
pub use squares::SquaredErrors;

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
/// in one pass over the batch, both from the output p = sigmoid(logits),
/// which it writes to `probs` with `sigmoid_into` (the model's output, bit for
/// bit as `sigmoid_into` makes it). The gradient (p − t)/N is
/// bce_with_logits_grad's bit for bit. The loss max(z, 0) − z·t + ln(1 + e^−|z|)
/// is summed in f64, its log terms as −ln max(p, 1 − p), one log of their
/// product per `LOG_BLOCK` pixels (`bce_part`): within 1e-6 of the f64
/// version (tests/gradients.rs). A log per pixel (`ln_1p`, a software routine
/// in wasm) was most of a conv step's loss time.
///
/// The pixels are summed in the two parts of [`in_halves`].
pub fn bce_with_logits_and_grad(
    logits: ArrayView2<f32>,
    target: ArrayView2<f32>,
    grad: &mut Array2<f32>,
    probs: &mut Array2<f32>,
) -> f32 {
    let scale = 1.0 / logits.len().max(1) as f32;
    let sum = in_halves(logits, target, grad, probs, |z, t, g, p| bce_part(z, t, g, p, scale));
    (sum / logits.len().max(1) as f64) as f32
}

/// A training loss over the pixels of `logits` and `target` in two parts cut by
/// the shape alone (`half_cut`): `part` of each part's logits, targets,
/// gradient and output (both buffers shaped as `logits`), first + second, on
/// two threads when they pay (`split_loss`) and on one otherwise, so the same
/// number whatever the thread count.
fn in_halves(
    logits: ArrayView2<f32>,
    target: ArrayView2<f32>,
    grad: &mut Array2<f32>,
    out: &mut Array2<f32>,
    part: impl Fn(&[f32], &[f32], &mut [f32], &mut [f32]) -> f64 + Sync,
) -> f64 {
    // Contiguous in every model today; anything else is copied once.
    let (logits, target) = (logits.as_standard_layout(), target.as_standard_layout());
    let z = logits.as_slice().expect("standard layout");
    let t = target.as_slice().expect("standard layout");
    // Both written whole by `part`; `out` is also the model's output, which the evaluation
    // grows to the validation set's rows: neither is zeroed again when the rows change.
    reshape_for_overwrite(grad, logits.nrows(), logits.ncols());
    reshape_for_overwrite(out, logits.nrows(), logits.ncols());
    let g = grad.as_slice_mut().expect("a fresh or standard buffer");
    let y = out.as_slice_mut().expect("a fresh or standard buffer");
    let cut = half_cut(z.len());
    let ((z1, z2), (t1, t2)) = (z.split_at(cut), t.split_at(cut));
    let ((g1, g2), (y1, y2)) = (g.split_at_mut(cut), y.split_at_mut(cut));
    let (mut first, mut second) = (0.0f64, 0.0f64);
    super::gemm::join(
        super::gemm::split_loss(z.len()),
        || first = part(z1, t1, g1, y1),
        || second = part(z2, t2, g2, y2),
    );
    first + second
}

/// Pixels whose log terms are summed as one log of their product.
const LOG_BLOCK: usize = 256;

/// Where the training step's losses cut `len` pixels in two: the middle,
/// down to a whole number of `LOG_BLOCK`s (and so of `LANES`).
fn half_cut(len: usize) -> usize {
    len / 2 / LOG_BLOCK * LOG_BLOCK
}

/// Σ max(z, 0) − z·t + ln(1 + e^−|z|) over one part's pixels (unscaled), with
/// sigmoid(z) written to `probs` (by `sigmoid_into`, the one vectorized
/// sigmoid loop in the .wasm) and the gradient to `g`. ln(1 + e^−|z|) is
/// −ln max(p, 1 − p) for p = sigmoid(z): per block of `LOG_BLOCK` pixels, one
/// log of the product of the max(p, 1 − p) factors ([`bce_block`]). Not
/// inlined: two inlined copies cost the page's .wasm 300 bytes.
#[inline(never)]
fn bce_part(z: &[f32], t: &[f32], g: &mut [f32], probs: &mut [f32], scale: f32) -> f64 {
    sigmoid_into(probs, z);
    let mut sum = 0.0f64;
    let blocks = g.chunks_mut(LOG_BLOCK).zip(probs.chunks(LOG_BLOCK)).zip(z.chunks(LOG_BLOCK)).zip(t.chunks(LOG_BLOCK));
    for (((g, p), z), t) in blocks {
        for ((g, &p), &t) in g.iter_mut().zip(p).zip(t) {
            *g = scale * (p - t);
        }
        sum += bce_block(z, p, t);
    }
    sum
}

/// Running sums and products of a block's BCE terms (lane i takes pixels i,
/// i + BCE_LANES, …): with 256 pixels a block, each lane sums and multiplies
/// 32 of them.
const BCE_LANES: usize = 8;

/// Σ max(z, 0) − z·t + ln(1 + e^−|z|) over one block of at most `LOG_BLOCK`
/// pixels, from their logits `z` and p = sigmoid(z): the log terms as one
/// log of the product of the max(p, 1 − p) factors.
///
/// In f32 lanes ([`bce_lanes`]), joined in f64: a single f64 sum and product
/// ran at the latency of f64 arithmetic, pixel after pixel. Every term is
/// ≥ 0 (z(1 − t) or −z·t, t in [0, 1]) and every factor in [½, 1], so no sum
/// cancels and a lane's product of 32 factors stays above 2^−32: the lanes
/// lose ~1e-7 of the sum (tests/gradients.rs: within 1e-6 of the f64 loss).
#[inline]
fn bce_block(z: &[f32], p: &[f32], t: &[f32]) -> f64 {
    let mut lanes = ([0.0f32; BCE_LANES], [1.0f32; BCE_LANES]);
    let whole = z.len() / BCE_LANES * BCE_LANES;
    bce_lanes(&mut lanes, &z[..whole], &p[..whole], &t[..whole]);
    if whole < z.len() {
        // A batch's last few pixels, padded with pixels that add nothing
        // (z = 0, t = 0: a term of exactly 0; p = 1: a factor of exactly 1).
        let (mut zp, mut pp, mut tp) = ([0.0f32; BCE_LANES], [1.0f32; BCE_LANES], [0.0f32; BCE_LANES]);
        let rest = z.len() - whole;
        zp[..rest].copy_from_slice(&z[whole..]);
        pp[..rest].copy_from_slice(&p[whole..]);
        tp[..rest].copy_from_slice(&t[whole..]);
        bce_lanes(&mut lanes, &zp, &pp, &tp);
    }
    let linear: f64 = lanes.0.iter().map(|&v| v as f64).sum();
    let product: f64 = lanes.1.iter().map(|&v| v as f64).product();
    linear - product.ln()
}

/// One pixel into a lane: max(z, 0) − z·t onto its sum, max(p, 1 − p) (p if
/// z ≥ 0, else 1 − p) onto its product.
#[inline(always)]
fn bce_pixel(linear: &mut f32, product: &mut f32, z: f32, p: f32, t: f32) {
    let (positive, factor) = if z >= 0.0 { (z, p) } else { (0.0, 1.0 - p) };
    *linear += positive - z * t;
    *product *= factor;
}

/// Adds whole groups of `BCE_LANES` pixels to the lanes' sums and products
/// (`lanes.0`, `lanes.1`): each lane's pixels in order, one `bce_pixel`
/// after another.
#[doc(hidden)]
pub fn bce_lanes_portable(lanes: &mut BceLanes, z: &[f32], p: &[f32], t: &[f32]) {
    let (linear, product) = lanes;
    for ((z, p), t) in z.chunks_exact(BCE_LANES).zip(p.chunks_exact(BCE_LANES)).zip(t.chunks_exact(BCE_LANES)) {
        for k in 0..BCE_LANES {
            bce_pixel(&mut linear[k], &mut product[k], z[k], p[k], t[k]);
        }
    }
}

/// The BCE's lanes: sums of max(z, 0) − z·t and products of max(p, 1 − p).
pub type BceLanes = ([f32; BCE_LANES], [f32; BCE_LANES]);

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
use bce_lanes_portable as bce_lanes;

/// [`bce_lanes_portable`] in two f32x4 vectors (lanes 0–3 and 4–7), the
/// same operations in the same order, so the same bits (tests/web.rs
/// compares them in the browsers). Written out because LLVM vectorized
/// the portable loop for wasm into half-scalar code and a kilobyte of the
/// page's .wasm.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[doc(hidden)]
#[inline(never)]
pub fn bce_lanes(lanes: &mut BceLanes, z: &[f32], p: &[f32], t: &[f32]) {
    use core::arch::wasm32::{f32x4, f32x4_add, f32x4_ge, f32x4_mul, f32x4_splat, f32x4_sub, v128, v128_and};
    use core::arch::wasm32::{f32x4_extract_lane as lane, v128_bitselect};
    let quad = |s: &[f32], h: usize| f32x4(s[4 * h], s[4 * h + 1], s[4 * h + 2], s[4 * h + 3]);
    let (zero, one) = (f32x4_splat(0.0), f32x4_splat(1.0));
    let (mut linear, mut product) = ([0, 1].map(|h| quad(&lanes.0, h)), [0, 1].map(|h| quad(&lanes.1, h)));
    for ((z, p), t) in z.chunks_exact(BCE_LANES).zip(p.chunks_exact(BCE_LANES)).zip(t.chunks_exact(BCE_LANES)) {
        for h in 0..2 {
            let (z, p, t) = (quad(z, h), quad(p, h), quad(t, h));
            let positive = f32x4_ge(z, zero);
            linear[h] = f32x4_add(linear[h], f32x4_sub(v128_and(positive, z), f32x4_mul(z, t)));
            product[h] = f32x4_mul(product[h], v128_bitselect(p, f32x4_sub(one, p), positive));
        }
    }
    let unpack = |out: &mut [f32; BCE_LANES], v: [v128; 2]| {
        for h in 0..2 {
            out[4 * h..4 * h + 4].copy_from_slice(&[
                lane::<0>(v[h]),
                lane::<1>(v[h]),
                lane::<2>(v[h]),
                lane::<3>(v[h]),
            ]);
        }
    };
    unpack(&mut lanes.0, linear);
    unpack(&mut lanes.1, product);
}

/// The validation BCE's sum (not yet divided by the pixel count) of the
/// output `probs` = sigmoid(`logits`) (as `sigmoid_into` made it) against
/// `target`: the training step's formula from the logits (see
/// [`bce_with_logits_and_grad`]), one log per `LOG_BLOCK` pixels. Two
/// software logs per pixel in f64 (`bce`) took a tenth of a small model's
/// training time at batch 32, spent at each epoch's end.
pub fn bce_with_logits_sum(logits: ArrayView2<f32>, probs: ArrayView2<f32>, target: ArrayView2<f32>) -> f64 {
    let (logits, probs, target) =
        (logits.as_standard_layout(), probs.as_standard_layout(), target.as_standard_layout());
    let z = logits.as_slice().expect("standard layout");
    let p = probs.as_slice().expect("standard layout");
    let t = target.as_slice().expect("standard layout");
    z.chunks(LOG_BLOCK).zip(p.chunks(LOG_BLOCK)).zip(t.chunks(LOG_BLOCK)).map(|((z, p), t)| bce_block(z, p, t)).sum()
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
