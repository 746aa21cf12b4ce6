//! Image metrics against known values and against scikit-image.

mod common;

use autoencoder_playground::metrics::*;
use autoencoder_playground::nn::loss;
use autoencoder_playground::{Dataset, Error};
use ndarray::Array2;

const W: usize = 28;

/// Digit `i` of www/data/mnist.bin as pixel/255 (the digits are sorted by label:
/// #0 is a zero, #1001 a one, #7008 a seven).
fn digit(d: &Dataset, i: usize) -> Vec<f32> {
    d.image(i).unwrap().iter().map(|&p| p as f32 / 255.0).collect()
}

/// An image from a formula of the row r and column c (row-major, 28×28).
fn image(f: impl Fn(usize, usize) -> f64) -> Vec<f32> {
    (0..W * W).map(|i| f(i / W, i % W) as f32).collect()
}

/// The digit plus a fixed pattern of ±0.05 / ±0.1, clipped to [0, 1].
fn perturbed(a: &[f32]) -> Vec<f32> {
    image(|r, c| (a[r * W + c] as f64 + 0.05 * (((r * 7 + c * 3) % 5) as f64 - 2.0)).clamp(0.0, 1.0))
}

/// The digit moved 2 pixels to the right, zeros coming in on the left.
fn shifted(a: &[f32]) -> Vec<f32> {
    image(|r, c| if c >= 2 { a[r * W + c - 2] as f64 } else { 0.0 })
}

fn constant(v: f32) -> Vec<f32> {
    vec![v; W * W]
}

fn close(got: f32, want: f64, tol: f64, what: &str) {
    assert!((got as f64 - want).abs() <= tol, "{what}: got {got}, want {want} ± {tol}");
}

/// A pair of images and their scores from an independent implementation.
struct Case {
    name: &'static str,
    a: Vec<f32>,
    b: Vec<f32>,
    ssim: f64,
    mse: f64,
    psnr: f64,
    ms_ssim: f64,
}

fn case(name: &'static str, a: Vec<f32>, b: Vec<f32>, [ssim, mse, psnr, ms_ssim]: [f64; 4]) -> Case {
    Case { name, a, b, ssim, mse, psnr, ms_ssim }
}

/// SSIM, MSE and PSNR from scikit-image 0.26.0 (numpy 2.4.6, scipy 1.17.1),
/// pixels as float32 values passed in float64:
///   from skimage.metrics import structural_similarity as ssim, mean_squared_error, peak_signal_noise_ratio
///   ssim(a, b, data_range=1.0); mean_squared_error(a, b); peak_signal_noise_ratio(a, b, data_range=1.0)
/// with the images built exactly as `digit`, `perturbed`, `shifted` and `image`
/// above (digits read from mnist.bin with numpy, `X[i].astype(float32) / float32(255)`).
/// MS-SSIM has no skimage function; its reference is a separate NumPy script:
///   w = [0.0448, 0.2856] / 0.3304
///   cs28 = mean over [3:-3, 3:-3] of (2σxy + C2)/(σx² + σy² + C2), σ from
///          scipy.ndimage.uniform_filter(·, 7) with the 49/48 correction
///   s14  = ssim(pool(a), pool(b), data_range=1.0), pool = 2×2 mean (reshape(14,2,14,2).mean((1,3)))
///   ms   = max(cs28, 0)**w[0] * max(s14, 0)**w[1]
fn references() -> Vec<Case> {
    let d = common::digits();
    let (zero, one, seven) = (digit(&d, 0), digit(&d, 1001), digit(&d, 7008));
    let inverted: Vec<f32> = zero.iter().map(|&v| (1.0 - v as f64) as f32).collect();
    let fa = image(|r, c| ((r * 28 + c) % 17) as f64 / 16.0);
    let fb = image(|r, c| ((r * 3 + c * 5) % 11) as f64 / 10.0);
    vec![
        case("zero vs perturbed", zero.clone(), perturbed(&zero), [0.8555869, 0.00275839, 25.593443, 0.9832217]),
        case("one vs shifted 2 px", one.clone(), shifted(&one), [0.4389153, 0.07914562, 11.015731, 0.4057989]),
        case("seven vs zero", seven, zero.clone(), [0.2359329, 0.12590650, 8.999518, 0.2994036]),
        // cs28 = −0.789 and s14 = −0.598: both clamped, so MS-SSIM is 0.
        case("zero vs inverted", zero, inverted, [-0.5354027, 0.90750151, 0.421526, 0.0]),
        case("formula a vs b", fa, fb, [0.0202485, 0.19120077, 7.185104, 0.0959960]),
    ]
}

#[test]
fn agrees_with_scikit_image() {
    for Case { name, a, b, ssim: s, mse: m, psnr: p, ms_ssim: ms } in references() {
        // The references are printed to 7 decimals; the Rust sums run in f64.
        close(ssim(&a, &b, W, W).unwrap(), s, 1e-6, &format!("SSIM {name}"));
        close(mse(&a, &b).unwrap(), m, 1e-7, &format!("MSE {name}"));
        close(psnr(&a, &b).unwrap(), p, 1e-4, &format!("PSNR {name}"));
        close(ms_ssim(&a, &b, W, W).unwrap(), ms, 1e-6, &format!("MS-SSIM {name}"));
    }
}

#[test]
fn an_image_with_itself_scores_one() {
    for Case { name, a, b, .. } in references() {
        for x in [&a, &b] {
            close(ssim(x, x, W, W).unwrap(), 1.0, 1e-6, &format!("SSIM(x, x) {name}"));
            close(ms_ssim(x, x, W, W).unwrap(), 1.0, 1e-6, &format!("MS-SSIM(x, x) {name}"));
            assert_eq!(mse(x, x).unwrap(), 0.0);
            assert_eq!(psnr(x, x).unwrap(), f32::INFINITY);
        }
    }
}

#[test]
fn ssim_and_ms_ssim_are_symmetric() {
    for Case { name, a, b, .. } in references() {
        close(ssim(&a, &b, W, W).unwrap(), ssim(&b, &a, W, W).unwrap() as f64, 1e-7, name);
        close(ms_ssim(&a, &b, W, W).unwrap(), ms_ssim(&b, &a, W, W).unwrap() as f64, 1e-7, name);
    }
}

#[test]
fn psnr_of_a_known_mse() {
    close(psnr_from_mse(0.01), 20.0, 1e-5, "mse 0.01");
    close(psnr_from_mse(1.0), 0.0, 1e-6, "mse 1");
    assert_eq!(psnr_from_mse(0.0), f32::INFINITY);
    // Every pixel off by 0.1: MSE 0.01, PSNR 20 dB.
    close(mse(&constant(0.5), &constant(0.6)).unwrap(), 0.01, 1e-7, "mse of 0.1 offset");
    close(psnr(&constant(0.5), &constant(0.6)).unwrap(), 20.0, 1e-4, "psnr of 0.1 offset");
}

#[test]
fn constant_images_have_closed_form_scores() {
    // No variance: the structure term is C2/C2 = 1 and SSIM is the luminance
    // term (2·μa·μb + C1)/(μa² + μb² + C1) with C1 = 0.01².
    let c1 = 1e-4;
    let lum = |a: f64, b: f64| (2.0 * a * b + c1) / (a * a + b * b + c1);
    // scikit-image gives 9.999000099989997e-05 and 0.8000639795265516 for these two.
    close(ssim(&constant(0.0), &constant(1.0), W, W).unwrap(), lum(0.0, 1.0), 1e-9, "0 vs 1");
    close(ssim(&constant(0.5), &constant(0.25), W, W).unwrap(), lum(0.5, 0.25), 1e-7, "0.5 vs 0.25");
    // MS-SSIM: cs = 1 at 28 px, and luminance only at 14 px, with weight 0.2856/0.3304.
    let w14 = 0.2856 / (0.0448 + 0.2856);
    close(ms_ssim(&constant(0.5), &constant(0.25), W, W).unwrap(), lum(0.5, 0.25).powf(w14), 1e-7, "MS 0.5 vs 0.25");
}

#[test]
fn mse_and_bce_known_values() {
    close(mse(&constant(0.0), &constant(0.1)).unwrap(), 0.01, 1e-8, "mse");
    close(bce(&constant(0.5), &constant(1.0)).unwrap(), std::f64::consts::LN_2, 1e-7, "bce at p = 0.5");
    // Probabilities of exactly 0 and 1 are clamped to 1e-7 away, as nn::loss::bce.
    close(bce(&constant(0.0), &constant(1.0)).unwrap(), -(1e-7f64).ln(), 1e-4, "bce clamped");
}

#[test]
fn batch_metrics_average_the_images() {
    let refs = references();
    let n = refs.len();
    let a = Array2::from_shape_fn((n, W * W), |(i, j)| refs[i].a[j]);
    let b = Array2::from_shape_fn((n, W * W), |(i, j)| refs[i].b[j]);
    let mean = |f: &dyn Fn(&[f32], &[f32]) -> f32| refs.iter().map(|r| f(&r.a, &r.b) as f64).sum::<f64>() / n as f64;
    close(ssim_batch(a.view(), b.view(), W, W).unwrap(), mean(&|x, y| ssim(x, y, W, W).unwrap()), 1e-6, "ssim");
    close(
        ms_ssim_batch(a.view(), b.view(), W, W).unwrap(),
        mean(&|x, y| ms_ssim(x, y, W, W).unwrap()),
        1e-6,
        "ms-ssim",
    );
    close(mse_batch(a.view(), b.view()).unwrap(), mean(&|x, y| mse(x, y).unwrap()), 1e-6, "mse");
    close(psnr_batch(a.view(), b.view()).unwrap(), mean(&|x, y| psnr(x, y).unwrap()), 1e-4, "psnr");
    assert!(psnr_batch(a.view(), b.view()).unwrap() >= psnr_from_mse(mse_batch(a.view(), b.view()).unwrap()));
    let probs = b.mapv(|v| v.clamp(0.0, 1.0));
    assert_eq!(bce_batch(probs.view(), a.view()).unwrap(), loss::bce(probs.view(), a.view()));
}

#[test]
fn per_image_and_summary_are_the_single_image_metrics_and_the_batch_metrics() {
    let refs = references();
    let n = refs.len();
    // Transposed storage: the rows are not contiguous, which per_image must handle.
    let a = Array2::from_shape_fn((W * W, n), |(j, i)| refs[i].a[j]);
    let b = Array2::from_shape_fn((W * W, n), |(j, i)| refs[i].b[j].clamp(0.0, 1.0));
    let (a, b) = (a.t(), b.t());
    let q = per_image(b, a, W, W).unwrap();
    for (i, r) in refs.iter().enumerate() {
        let p: Vec<f32> = r.b.iter().map(|v| v.clamp(0.0, 1.0)).collect();
        assert_eq!(q.mse[i], mse(&p, &r.a).unwrap(), "{}", r.name);
        assert_eq!(q.bce[i], bce(&p, &r.a).unwrap(), "{}", r.name);
        assert_eq!(q.psnr[i], psnr(&p, &r.a).unwrap(), "{}", r.name);
        assert_eq!(q.ssim[i], ssim(&p, &r.a, W, W).unwrap(), "{}", r.name);
        assert_eq!(q.ms_ssim[i], ms_ssim(&p, &r.a, W, W).unwrap(), "{}", r.name);
    }
    let s = summary(b, a, W, W).unwrap();
    assert_eq!(s.mse, mse_batch(b, a).unwrap());
    assert_eq!(s.bce, bce_batch(b, a).unwrap());
    assert_eq!(s.psnr, psnr_from_mse(s.mse), "the PSNR of the batch's MSE, not the mean PSNR");
    assert_eq!(s.ssim, ssim_batch(b, a, W, W).unwrap());
    assert_eq!(s.ms_ssim, ms_ssim_batch(b, a, W, W).unwrap());
    // An image against itself: MSE 0, PSNR infinite, SSIM and MS-SSIM 1.
    let same = per_image(a, a, W, W).unwrap();
    assert!(same.mse.iter().all(|&v| v == 0.0) && same.psnr.iter().all(|v| v.is_infinite()));
    assert!(same.ssim.iter().chain(&same.ms_ssim).all(|&v| (v - 1.0).abs() < 1e-6));
    let short = Array2::<f32>::zeros((n - 1, W * W));
    assert!(matches!(per_image(short.view(), a, W, W).unwrap_err(), Error::Shape(m) if m.contains("same shape")));
}

#[test]
fn bad_shapes_are_readable_errors() {
    let err = ssim(&constant(0.0)[..780], &constant(0.0)[..780], W, W).unwrap_err();
    assert_eq!(err, Error::Shape("expected 28×28 = 784 pixels per image, got 780".into()));
    let err = mse(&constant(0.0), &constant(0.0)[..780]).unwrap_err();
    assert!(err.to_string().contains("784 and 780"), "{err}");
    let err = ms_ssim(&[0.0; 36], &[0.0; 36], 6, 6).unwrap_err();
    assert!(err.to_string().contains("at least 7×7"), "{err}");
    let (a, b) = (Array2::<f32>::zeros((2, 784)), Array2::<f32>::zeros((3, 784)));
    assert!(ssim_batch(a.view(), b.view(), W, W).unwrap_err().to_string().contains("same shape"));
    let empty = Array2::<f32>::zeros((0, 784));
    assert!(ssim_batch(empty.view(), empty.view(), W, W).unwrap_err().to_string().contains("empty"));
}
