//! PCA on the real digits and on a case with a known answer.
#![cfg(feature = "lab")] // PCA is part of the "lab" feature (on by default)

mod common;

use std::sync::OnceLock;

use autoencoder_playground::metrics::mse_batch;
use autoencoder_playground::pca::Pca;
use autoencoder_playground::Error;
use ndarray::{Array2, Axis};

/// Train and validation digits of the fixed split, as f32 matrices in [0, 1].
fn split() -> &'static (Array2<f32>, Array2<f32>) {
    static SPLIT: OnceLock<(Array2<f32>, Array2<f32>)> = OnceLock::new();
    SPLIT.get_or_init(|| {
        let s = common::digits().split().unwrap();
        (s.train.to_matrix(usize::MAX), s.validation.to_matrix(usize::MAX))
    })
}

/// One fit of 32 components on the 8,000 training digits; smaller k truncate it.
fn pca32() -> &'static Pca {
    static PCA: OnceLock<Pca> = OnceLock::new();
    PCA.get_or_init(|| Pca::fit(split().0.view(), 32).unwrap())
}

fn validation_mse(pca: &Pca) -> f32 {
    let val = &split().1;
    mse_batch(pca.reconstruct(val.view()).unwrap().view(), val.view()).unwrap()
}

#[test]
fn validation_error_matches_the_reference_and_falls_with_k() {
    // (k, reference validation MSE, NumPy's MSE and explained-variance sum on this
    // very split). The NumPy numbers come from the train/validation digits of
    // `split()` written out as bytes, then, in float64:
    //   m = tr.mean(0); w, V = np.linalg.eigh(np.cov(tr, rowvar=False))  # numpy 2.4.6
    //   top-k eigenvectors W: mse = (((va - m) @ W @ W.T + m - va)**2).mean(); w[:k].sum() / w.sum()
    let cases =
        [(2, 0.056, 0.0564567, 0.1752916), (16, 0.027, 0.0271285, 0.6019957), (32, 0.017, 0.0172329, 0.7489612)];
    let mut last = f32::INFINITY;
    for (k, reference, numpy_mse, numpy_ratio) in cases {
        let pca = pca32().truncate(k).unwrap();
        let got = validation_mse(&pca);
        // ±15% around the reference survives a change of split; NumPy pins this one.
        assert!(
            (got - reference).abs() <= 0.15 * reference,
            "k = {k}: validation MSE {got}, expected {reference} ± 15%"
        );
        assert!((got - numpy_mse).abs() < 1e-5, "k = {k}: validation MSE {got}, NumPy gives {numpy_mse}");
        let ratio = pca.explained_variance_ratio().sum();
        assert!((ratio - numpy_ratio).abs() < 1e-4, "k = {k}: explained variance {ratio}, NumPy gives {numpy_ratio}");
        assert!(got < last, "k = {k}: MSE {got} should be below {last} at the smaller k");
        last = got;
    }
}

#[test]
fn truncating_equals_fitting_fewer_components() {
    let direct = Pca::fit(split().0.view(), 2).unwrap();
    let cut = pca32().truncate(2).unwrap();
    let diff = (&direct.components() - &cut.components()).mapv(f32::abs).fold(0.0f32, |a, &b| a.max(b));
    assert!(diff < 1e-5, "components differ by {diff}");
}

#[test]
fn components_are_orthonormal() {
    let c = pca32().components();
    let gram = c.dot(&c.t());
    for ((i, j), &g) in gram.indexed_iter() {
        let want = if i == j { 1.0 } else { 0.0 };
        assert!((g - want).abs() < 1e-5, "component {i}·component {j} = {g}, want {want}");
    }
}

#[test]
fn explained_variance_ratios_are_sorted_and_sum_to_at_most_one() {
    let r = pca32().explained_variance_ratio();
    assert!(r.windows(2).into_iter().all(|w| w[0] >= w[1]), "not sorted: {r}");
    assert!(r.iter().all(|&v| v >= 0.0));
    let sum = r.sum();
    // 32 components carry most of the digits' variance, but not all of it.
    assert!(sum > 0.6 && sum <= 1.0, "sum of 32 ratios = {sum}");
}

#[test]
fn all_components_reconstruct_exactly() {
    let train = &split().0;
    let pca = Pca::fit(train.view(), 784).unwrap();
    let err = validation_mse(&pca);
    assert!(err < 1e-9, "reconstruction with every component should be exact, MSE {err}");
    let sum = pca.explained_variance_ratio().sum();
    assert!((sum - 1.0).abs() < 1e-4, "all 784 ratios sum to {sum}");
    let mean_err = (&pca.mean() - &train.mean_axis(Axis(0)).unwrap()).mapv(f32::abs).sum();
    assert!(mean_err < 1e-3, "mean image off by {mean_err} in total");
}

#[test]
fn points_on_a_line_give_one_component() {
    // x = (1, 2, 3) + t·(2, −1, 2)/3: every point on one line through 3-D space.
    let x = Array2::from_shape_fn((20, 3), |(i, j)| {
        let t = i as f32 * 0.5 - 4.0;
        [1.0, 2.0, 3.0][j] + t * [2.0, -1.0, 2.0][j] / 3.0
    });
    let pca = Pca::fit(x.view(), 2).unwrap();
    let c = pca.components();
    // The largest entry is made positive, so the direction's sign is fixed.
    for (got, want) in c.row(0).iter().zip([2.0 / 3.0, -1.0 / 3.0, 2.0 / 3.0]) {
        assert!((got - want).abs() < 1e-5, "direction {} ≠ (2, −1, 2)/3", c.row(0));
    }
    let r = pca.explained_variance_ratio();
    assert!((r[0] - 1.0).abs() < 1e-5 && r[1].abs() < 1e-5, "ratios {r}");
    let codes = pca.transform(x.view()).unwrap();
    assert_eq!(codes.dim(), (20, 2));
    let back = pca.inverse_transform(codes.view()).unwrap();
    assert!(mse_batch(back.view(), x.view()).unwrap() < 1e-10);
    assert!((&pca.mean() - &x.mean_axis(Axis(0)).unwrap()).iter().all(|d| d.abs() < 1e-5));
}

#[test]
fn bad_k_and_shapes_are_readable_errors() {
    let x = Array2::<f32>::zeros((10, 784));
    assert_eq!(
        Pca::fit(x.view(), 0).unwrap_err(),
        Error::config("k", "the number of PCA components must be between 1 and 784 (the values per row), got 0")
    );
    assert!(Pca::fit(x.view(), 785).unwrap_err().to_string().contains("between 1 and 784"));
    assert!(Pca::fit(x.view(), 11).unwrap_err().to_string().contains("10 images give at most 10"));
    assert!(Pca::fit(x.slice(ndarray::s![..1, ..]), 1).unwrap_err().to_string().contains("at least 2 images"));
    let pca = Pca::fit(x.view(), 3).unwrap();
    assert_eq!(pca.explained_variance_ratio().sum(), 0.0, "no variance: every ratio is 0");
    let err = pca.transform(Array2::<f32>::zeros((1, 780)).view()).unwrap_err();
    assert_eq!(err.to_string(), "expected 784 values per row, got 780");
    assert!(pca.inverse_transform(Array2::<f32>::zeros((1, 4)).view()).is_err());
    assert!(pca.truncate(4).is_err());
}
