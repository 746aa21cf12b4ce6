//! Principal component analysis: the linear baseline an autoencoder is compared
//! with. With a linear encoder and decoder and MSE, the best an autoencoder can
//! do is span the same subspace as the top-k principal components.
//!
//! `fit` centres the digits, builds the pixel covariance (n − 1 in the
//! denominator, as scikit-learn) with ndarray's matrix product, and takes its
//! eigendecomposition in f64 with nalgebra's `SymmetricEigen`.

use nalgebra::{DMatrix, SymmetricEigen};
use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2, Axis};

use crate::error::{Error, Result};

/// Rows per block when summing the covariance: f32 products over a block,
/// accumulated in f64, so rounding stays small and only one block is copied.
const BLOCK: usize = 1024;

/// A fitted PCA: the mean image and the top-k principal directions.
#[derive(Debug, Clone)]
pub struct Pca {
    mean: Array1<f32>,
    /// k × d, one unit-length component per row, largest variance first.
    components: Array2<f32>,
    explained_variance_ratio: Array1<f32>,
}

impl Pca {
    /// Fits `k` components to the images in the rows of `x` (n × d).
    /// Needs at least 2 images and 1 ≤ k ≤ min(n, d).
    pub fn fit(x: ArrayView2<f32>, k: usize) -> Result<Pca> {
        let (n, d) = x.dim();
        if n < 2 || d == 0 {
            return Err(Error::Data(format!(
                "PCA needs at least 2 images with at least 1 pixel each, got {n} of {d} pixels"
            )));
        }
        if k == 0 || k > d {
            return Err(Error::config(
                "k",
                format!("the number of PCA components must be between 1 and {d} (the pixels per image), got {k}"),
            ));
        }
        if k > n {
            return Err(Error::config(
                "k",
                format!("{n} images give at most {n} PCA components, but {k} were asked for"),
            ));
        }

        let mut mean64 = vec![0.0f64; d];
        for row in x.rows() {
            mean64.iter_mut().zip(row).for_each(|(m, &v)| *m += v as f64);
        }
        let mean = Array1::from_iter(mean64.iter().map(|m| (m / n as f64) as f32));

        let mut cov = DMatrix::<f64>::zeros(d, d);
        for block in x.axis_chunks_iter(Axis(0), BLOCK) {
            let centred = &block - &mean;
            let part = centred.t().dot(&centred);
            // `part` is symmetric, so its row-major order equals column-major.
            cov.iter_mut().zip(part.iter()).for_each(|(c, &p)| *c += p as f64);
        }
        cov /= (n - 1) as f64;
        let total_variance = cov.trace();

        let eigen = SymmetricEigen::new(cov);
        let mut order: Vec<usize> = (0..d).collect();
        order.sort_by(|&i, &j| eigen.eigenvalues[j].total_cmp(&eigen.eigenvalues[i]));

        let mut components = Array2::<f32>::zeros((k, d));
        let mut ratio = Array1::<f32>::zeros(k);
        for (row, &i) in order[..k].iter().enumerate() {
            let v = eigen.eigenvectors.column(i);
            // An eigenvector's sign is arbitrary; make its largest entry positive
            // (as scikit-learn's `svd_flip`) so results are reproducible.
            let peak = v.iter().copied().fold(0.0f64, |a, b| if b.abs() > a.abs() { b } else { a });
            let sign = if peak < 0.0 { -1.0 } else { 1.0 };
            components.row_mut(row).iter_mut().zip(v.iter()).for_each(|(c, &e)| *c = (sign * e) as f32);
            // Round-off can leave tiny negative eigenvalues; a variance is ≥ 0.
            let variance = eigen.eigenvalues[i].max(0.0);
            ratio[row] = if total_variance > 0.0 { (variance / total_variance) as f32 } else { 0.0 };
        }
        Ok(Pca { mean, components, explained_variance_ratio: ratio })
    }

    /// Number of components k.
    pub fn k(&self) -> usize {
        self.components.nrows()
    }

    /// The principal directions, k × d, one orthonormal row each, largest variance first.
    pub fn components(&self) -> ArrayView2<'_, f32> {
        self.components.view()
    }

    /// Share of the total pixel variance along each component (sorted, sum ≤ 1).
    pub fn explained_variance_ratio(&self) -> ArrayView1<'_, f32> {
        self.explained_variance_ratio.view()
    }

    /// The mean image of the training set (d pixels).
    pub fn mean(&self) -> ArrayView1<'_, f32> {
        self.mean.view()
    }

    /// Codes of the images in the rows of `x` (n × d → n × k): (x − mean)·Wᵀ.
    pub fn transform(&self, x: ArrayView2<f32>) -> Result<Array2<f32>> {
        let d = self.mean.len();
        if x.ncols() != d {
            return Err(Error::Shape(format!("expected {d} pixels per image, got {}", x.ncols())));
        }
        Ok((&x - &self.mean).dot(&self.components.t()))
    }

    /// Images from codes (n × k → n × d): codes·W + mean.
    pub fn inverse_transform(&self, codes: ArrayView2<f32>) -> Result<Array2<f32>> {
        if codes.ncols() != self.k() {
            return Err(Error::Shape(format!(
                "expected {} values per code (one per component), got {}",
                self.k(),
                codes.ncols()
            )));
        }
        Ok(codes.dot(&self.components) + &self.mean)
    }

    /// The projection of each image onto the k-component subspace.
    pub fn reconstruct(&self, x: ArrayView2<f32>) -> Result<Array2<f32>> {
        self.inverse_transform(self.transform(x)?.view())
    }

    /// The same model keeping only its first `k` components (k ≤ self.k()):
    /// one fit of the largest k serves every smaller k.
    pub fn truncate(&self, k: usize) -> Result<Pca> {
        if k == 0 || k > self.k() {
            return Err(Error::config("k", format!("can keep between 1 and {} components, got {k}", self.k())));
        }
        Ok(Pca {
            mean: self.mean.clone(),
            components: self.components.slice(s![..k, ..]).to_owned(),
            explained_variance_ratio: self.explained_variance_ratio.slice(s![..k]).to_owned(),
        })
    }
}
