//! Image-quality numbers for reconstructions: MSE, BCE, PSNR, SSIM and MS-SSIM
//! for one image (a slice of `width × height` pixels in [0, 1], row-major) and
//! their averages over a batch (rows of an `Array2` = images).
//!
//! SSIM reproduces scikit-image's default
//! `structural_similarity(a, b, data_range=1)`: Wang et al. 2004 with K1 = 0.01,
//! K2 = 0.03, a 7×7 uniform window (no gaussian weights), sample variances and
//! covariance (× N/(N−1), N = 49), and the mean of the SSIM map over the
//! windows that lie wholly inside the image (skimage crops (7−1)/2 = 3 pixels
//! from every border, which leaves exactly those windows). Sums run in f64.

use ndarray::{ArrayView2, Axis};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::nn::loss;

/// Side of the square SSIM window (scikit-image's default `win_size`).
pub const SSIM_WIN: usize = 7;
const K1: f64 = 0.01;
const K2: f64 = 0.03;
/// MS-SSIM scale weights of Wang, Simoncelli & Bovik 2003, finest scale first.
pub const MS_SSIM_WEIGHTS: [f64; 5] = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333];

/// Peak signal-to-noise ratio in dB for a mean squared error on data of range 1:
/// 10·log10(1 / mse). Infinite for a perfect reconstruction.
pub fn psnr_from_mse(mse: f32) -> f32 {
    if mse <= 0.0 {
        f32::INFINITY
    } else {
        -10.0 * mse.log10()
    }
}

/// Mean squared error between two images (or any two equal-length slices).
pub fn mse(a: &[f32], b: &[f32]) -> Result<f32> {
    same_len(a, b)?;
    Ok(loss::mse(row(a), row(b)))
}

/// Binary cross-entropy of probabilities `prob` against `target`, clamped as
/// `nn::loss::bce` (which it calls).
pub fn bce(prob: &[f32], target: &[f32]) -> Result<f32> {
    same_len(prob, target)?;
    Ok(loss::bce(row(prob), row(target)))
}

/// PSNR in dB of `b` against `a` for data of range 1 (scikit-image's
/// `peak_signal_noise_ratio(a, b, data_range=1)`); infinite when they are equal.
pub fn psnr(a: &[f32], b: &[f32]) -> Result<f32> {
    Ok(psnr_from_mse(mse(a, b)?))
}

/// Mean SSIM of two `width × height` images (see the module docs); symmetric,
/// 1 for identical images. Both sides must be at least `SSIM_WIN`.
pub fn ssim(a: &[f32], b: &[f32], width: usize, height: usize) -> Result<f32> {
    check_image(a, b, width, height)?;
    let (l, cs) = ssim_terms(&to_f64(a), &to_f64(b), width, height);
    Ok(mean_product(&l, &cs) as f32)
}

/// Multi-scale SSIM (Wang, Simoncelli & Bovik 2003) of two `width × height` images.
///
/// Each scale halves the image by 2×2 average pooling (an odd last row or
/// column is dropped). Scales are added while the next one keeps both sides
/// ≥ 2·`SSIM_WIN` = 14 px, at most 5: at 7 px a 7×7 window fits only once and
/// the number is a single noisy patch. A 28×28 digit therefore gets 2 scales,
/// 28 and 14 px, weighted by the paper's first two weights renormalised to sum
/// to 1: (0.0448, 0.2856)/0.3304 ≈ (0.1356, 0.8644).
///
/// As in the paper, the finer scales contribute the mean contrast-structure
/// term cs_j and only the coarsest adds luminance, through its mean SSIM:
/// MS-SSIM = (Π_{j<M} cs_j^{w_j}) · ssim_M^{w_M}, each term computed like
/// `ssim` (same window, constants and cropping). A negative term (anti-correlated
/// images) is clamped to 0 before the power, as TensorFlow's `ssim_multiscale`
/// and `pytorch_msssim` do, since a negative base to a fractional power is not
/// a real number; the result is then 0.
pub fn ms_ssim(a: &[f32], b: &[f32], width: usize, height: usize) -> Result<f32> {
    check_image(a, b, width, height)?;
    let (mut w, mut h) = (width, height);
    let mut scales = 1;
    while scales < MS_SSIM_WEIGHTS.len() && w / 2 >= 2 * SSIM_WIN && h / 2 >= 2 * SSIM_WIN {
        (w, h) = (w / 2, h / 2);
        scales += 1;
    }
    let total: f64 = MS_SSIM_WEIGHTS[..scales].iter().sum();
    let (mut x, mut y) = (to_f64(a), to_f64(b));
    let (mut w, mut h) = (width, height);
    let mut result = 1.0f64;
    for (j, weight) in MS_SSIM_WEIGHTS[..scales].iter().enumerate() {
        let (l, cs) = ssim_terms(&x, &y, w, h);
        let term = if j + 1 == scales { mean_product(&l, &cs) } else { cs.iter().sum::<f64>() / cs.len() as f64 };
        // term^(w/total) as exp(ln(term)·w/total): libm's pow alone would add
        // 2 KB to the page's .wasm, and ln and exp are there already.
        result *= if term > 0.0 { (term.ln() * (weight / total)).exp() } else { 0.0 };
        if j + 1 < scales {
            x = pool2(&x, w, h);
            y = pool2(&y, w, h);
            (w, h) = (w / 2, h / 2);
        }
    }
    Ok(result as f32)
}

/// Mean squared error over every pixel of a batch (= the mean of per-image MSEs).
pub fn mse_batch(a: ArrayView2<f32>, b: ArrayView2<f32>) -> Result<f32> {
    same_shape(a, b)?;
    Ok(loss::mse(a, b))
}

/// Binary cross-entropy over every pixel of a batch, as `nn::loss::bce`.
pub fn bce_batch(prob: ArrayView2<f32>, target: ArrayView2<f32>) -> Result<f32> {
    same_shape(prob, target)?;
    Ok(loss::bce(prob, target))
}

/// Mean of the per-image PSNRs (as image-set results are usually reported).
/// It is at least `psnr_from_mse(mse_batch(a, b))`, and infinite if any image
/// is reproduced exactly.
pub fn psnr_batch(a: ArrayView2<f32>, b: ArrayView2<f32>) -> Result<f32> {
    mean_over_rows(a, b, psnr)
}

/// Mean SSIM over the images (rows) of a batch.
pub fn ssim_batch(a: ArrayView2<f32>, b: ArrayView2<f32>, width: usize, height: usize) -> Result<f32> {
    mean_over_rows(a, b, |x, y| ssim(x, y, width, height))
}

/// Mean MS-SSIM over the images (rows) of a batch.
pub fn ms_ssim_batch(a: ArrayView2<f32>, b: ArrayView2<f32>, width: usize, height: usize) -> Result<f32> {
    mean_over_rows(a, b, |x, y| ms_ssim(x, y, width, height))
}

/// Every quality number of each image of a batch (one value per row in each list).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PerImage {
    /// `mse` of each image.
    pub mse: Vec<f32>,
    /// `bce` of each image.
    pub bce: Vec<f32>,
    /// `psnr` of each image.
    pub psnr: Vec<f32>,
    /// `ssim` of each image.
    pub ssim: Vec<f32>,
    /// `ms_ssim` of each image.
    pub ms_ssim: Vec<f32>,
}

/// Every quality number of a batch as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// `mse_batch`.
    pub mse: f32,
    /// `bce_batch`.
    pub bce: f32,
    /// PSNR of the batch's MSE (`psnr_from_mse`), as the evaluation reports it;
    /// not the mean of per-image PSNRs (`psnr_batch`).
    pub psnr: f32,
    /// `ssim_batch`.
    pub ssim: f32,
    /// `ms_ssim_batch`.
    pub ms_ssim: f32,
}

/// MSE, BCE, PSNR, SSIM and MS-SSIM of each reconstruction (row of `recon`,
/// probabilities for BCE) against its image (row of `target`), images being
/// `width × height`.
pub fn per_image(recon: ArrayView2<f32>, target: ArrayView2<f32>, width: usize, height: usize) -> Result<PerImage> {
    same_shape(recon, target)?;
    let mut out = PerImage::default();
    for (a, b) in recon.axis_iter(Axis(0)).zip(target.axis_iter(Axis(0))) {
        let (a, b) = (a.to_vec(), b.to_vec());
        out.mse.push(mse(&a, &b)?);
        out.bce.push(bce(&a, &b)?);
        out.psnr.push(psnr(&a, &b)?);
        out.ssim.push(ssim(&a, &b, width, height)?);
        out.ms_ssim.push(ms_ssim(&a, &b, width, height)?);
    }
    Ok(out)
}

/// MSE, BCE, PSNR (of the MSE), SSIM and MS-SSIM of a batch of reconstructions
/// against their images.
pub fn summary(recon: ArrayView2<f32>, target: ArrayView2<f32>, width: usize, height: usize) -> Result<Summary> {
    let mse = mse_batch(recon, target)?;
    Ok(Summary {
        mse,
        bce: bce_batch(recon, target)?,
        psnr: psnr_from_mse(mse),
        ssim: ssim_batch(recon, target, width, height)?,
        ms_ssim: ms_ssim_batch(recon, target, width, height)?,
    })
}

/// The luminance and contrast-structure maps of SSIM, one value per 7×7
/// window lying wholly inside the image, from summed-area tables.
fn ssim_terms(a: &[f64], b: &[f64], w: usize, h: usize) -> (Vec<f64>, Vec<f64>) {
    let c1 = K1 * K1; // (K1 · data range 1)²
    let c2 = K2 * K2;
    let n = (SSIM_WIN * SSIM_WIN) as f64;
    let cov_norm = n / (n - 1.0);
    let tables = [
        integral(w, h, |i| a[i]),
        integral(w, h, |i| b[i]),
        integral(w, h, |i| a[i] * a[i]),
        integral(w, h, |i| b[i] * b[i]),
        integral(w, h, |i| a[i] * b[i]),
    ];
    let (vw, vh) = (w + 1 - SSIM_WIN, h + 1 - SSIM_WIN);
    let mut l = Vec::with_capacity(vw * vh);
    let mut cs = Vec::with_capacity(vw * vh);
    for r in 0..vh {
        for c in 0..vw {
            let m = tables.each_ref().map(|t| window_sum(t, w + 1, r, c) / n);
            let [ux, uy, uxx, uyy, uxy] = m;
            let vx = cov_norm * (uxx - ux * ux);
            let vy = cov_norm * (uyy - uy * uy);
            let vxy = cov_norm * (uxy - ux * uy);
            l.push((2.0 * ux * uy + c1) / (ux * ux + uy * uy + c1));
            cs.push((2.0 * vxy + c2) / (vx + vy + c2));
        }
    }
    (l, cs)
}

/// The mean SSIM: the mean over windows of luminance × contrast-structure.
fn mean_product(l: &[f64], cs: &[f64]) -> f64 {
    l.iter().zip(cs).map(|(l, c)| l * c).sum::<f64>() / l.len() as f64
}

fn to_f64(x: &[f32]) -> Vec<f64> {
    x.iter().map(|&v| v as f64).collect()
}

/// Summed-area table with a zero first row and column: (w+1) × (h+1).
fn integral(w: usize, h: usize, f: impl Fn(usize) -> f64) -> Vec<f64> {
    let mut t = vec![0.0; (w + 1) * (h + 1)];
    for r in 0..h {
        let mut row_sum = 0.0;
        for c in 0..w {
            row_sum += f(r * w + c);
            t[(r + 1) * (w + 1) + c + 1] = t[r * (w + 1) + c + 1] + row_sum;
        }
    }
    t
}

/// Sum of the 7×7 window whose top-left pixel is (r, c).
fn window_sum(t: &[f64], stride: usize, r: usize, c: usize) -> f64 {
    let (r2, c2) = (r + SSIM_WIN, c + SSIM_WIN);
    t[r2 * stride + c2] - t[r * stride + c2] - t[r2 * stride + c] + t[r * stride + c]
}

/// 2×2 average pooling; an odd last row or column is dropped.
fn pool2(x: &[f64], w: usize, h: usize) -> Vec<f64> {
    let (pw, ph) = (w / 2, h / 2);
    let mut out = Vec::with_capacity(pw * ph);
    for r in 0..ph {
        for c in 0..pw {
            let i = 2 * r * w + 2 * c;
            out.push(0.25 * (x[i] + x[i + 1] + x[i + w] + x[i + w + 1]));
        }
    }
    out
}

fn mean_over_rows(a: ArrayView2<f32>, b: ArrayView2<f32>, f: impl Fn(&[f32], &[f32]) -> Result<f32>) -> Result<f32> {
    same_shape(a, b)?;
    if a.nrows() == 0 {
        return Err(Error::Shape("the batch is empty: expected at least one image".into()));
    }
    let mut sum = 0.0f64;
    for (x, y) in a.axis_iter(Axis(0)).zip(b.axis_iter(Axis(0))) {
        sum += f(&x.to_vec(), &y.to_vec())? as f64;
    }
    Ok((sum / a.nrows() as f64) as f32)
}

fn row(x: &[f32]) -> ArrayView2<'_, f32> {
    ArrayView2::from_shape((1, x.len()), x).expect("one row of x.len() values")
}

fn same_len(a: &[f32], b: &[f32]) -> Result<()> {
    if a.len() != b.len() {
        return Err(Error::Shape(format!(
            "both images need the same number of pixels; got {} and {}",
            a.len(),
            b.len()
        )));
    }
    Ok(())
}

fn same_shape(a: ArrayView2<f32>, b: ArrayView2<f32>) -> Result<()> {
    if a.dim() != b.dim() {
        return Err(Error::Shape(format!("both batches need the same shape; got {:?} and {:?}", a.dim(), b.dim())));
    }
    Ok(())
}

fn check_image(a: &[f32], b: &[f32], width: usize, height: usize) -> Result<()> {
    same_len(a, b)?;
    if a.len() != width * height {
        return Err(Error::Shape(format!(
            "expected {width}×{height} = {} pixels per image, got {}",
            width * height,
            a.len()
        )));
    }
    if width < SSIM_WIN || height < SSIM_WIN {
        return Err(Error::Shape(format!(
            "SSIM needs images at least {SSIM_WIN}×{SSIM_WIN} pixels, got {width}×{height}"
        )));
    }
    Ok(())
}
