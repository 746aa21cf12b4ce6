//! Principal component analysis: the linear baseline an autoencoder is compared
//! with. With a linear encoder and decoder and MSE, the best an autoencoder can
//! do is span the same subspace as the top-k principal components.
//!
//! `fit` centres the digits, builds the pixel covariance (n − 1 in the
//! denominator, as scikit-learn) with ndarray's matrix product, and takes its
//! eigendecomposition in f64 with nalgebra's `SymmetricEigen`. With fewer rows
//! than values (a few hundred pictures of 32×32×3 = 3,072 values, whose
//! 3,072² covariance took a minute to decompose in the page), it decomposes
//! the n × n Gram matrix of the centred rows instead: the same non-zero
//! eigenvalues, and each component is Xcᵀu / √((n − 1)λ).

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

/// Writes unit eigenvector `v` (of eigenvalue `variance`) as component `row`, with its share of `total` variance.
fn set_component(
    components: &mut Array2<f32>,
    ratio: &mut Array1<f32>,
    row: usize,
    v: &[f64],
    variance: f64,
    total: f64,
) {
    // An eigenvector's sign is arbitrary; make its largest entry positive
    // (as scikit-learn's `svd_flip`) so results are reproducible.
    let peak = v.iter().copied().fold(0.0f64, |a, b| if b.abs() > a.abs() { b } else { a });
    let sign = if peak < 0.0 { -1.0 } else { 1.0 };
    components.row_mut(row).iter_mut().zip(v).for_each(|(c, &e)| *c = (sign * e) as f32);
    // Round-off can leave tiny negative eigenvalues; a variance is ≥ 0.
    ratio[row] = if total > 0.0 { (variance.max(0.0) / total) as f32 } else { 0.0 };
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
                format!("the number of PCA components must be between 1 and {d} (the values per row), got {k}"),
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
        if n < d {
            if let Some(pca) = Self::fit_gram(x, k, &mean) {
                return Ok(pca);
            }
        }
        Ok(Self::fit_covariance(x, k, mean))
    }

    /// `fit` through the d × d covariance.
    fn fit_covariance(x: ArrayView2<f32>, k: usize, mean: Array1<f32>) -> Pca {
        let (n, d) = x.dim();
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
            let v: Vec<f64> = eigen.eigenvectors.column(i).iter().copied().collect();
            set_component(&mut components, &mut ratio, row, &v, eigen.eigenvalues[i], total_variance);
        }
        Pca { mean, components, explained_variance_ratio: ratio }
    }

    /// `fit` through the n × n Gram matrix of the centred rows (for n < d), or None when one
    /// of the top k eigenvalues is too small to divide by (rows that repeat): the covariance then.
    fn fit_gram(x: ArrayView2<f32>, k: usize, mean: &Array1<f32>) -> Option<Pca> {
        let (n, d) = x.dim();
        let mean64 = mean.mapv(f64::from);
        let centred: Array2<f64> = x.mapv(f64::from) - &mean64;
        let gram = centred.dot(&centred.t()) / (n - 1) as f64;
        let total_variance: f64 = gram.diag().sum();
        // `gram` is symmetric, so its row-major order equals column-major.
        let eigen = SymmetricEigen::new(DMatrix::<f64>::from_iterator(n, n, gram.iter().copied()));
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&i, &j| eigen.eigenvalues[j].total_cmp(&eigen.eigenvalues[i]));

        let mut components = Array2::<f32>::zeros((k, d));
        let mut ratio = Array1::<f32>::zeros(k);
        for (row, &i) in order[..k].iter().enumerate() {
            let lambda = eigen.eigenvalues[i];
            // (NaN counts as too small.)
            if lambda.is_nan() || lambda <= 1e-9 * total_variance.max(f64::MIN_POSITIVE) {
                return None;
            }
            let u = Array1::from_iter(eigen.eigenvectors.column(i).iter().copied());
            let v = centred.t().dot(&u) / ((n - 1) as f64 * lambda).sqrt();
            set_component(&mut components, &mut ratio, row, v.as_slice()?, lambda, total_variance);
        }
        Some(Pca { mean: mean.clone(), components, explained_variance_ratio: ratio })
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
            return Err(Error::Shape(format!("expected {d} values per row, got {}", x.ncols())));
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

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    /// `n` rows near a 5-dimensional subspace of `d` values (weights of falling size, so the
    /// five directions are well apart), plus a little noise; seeded.
    fn wide_rows(n: usize, d: usize) -> Array2<f32> {
        let mut seed = 12345u64;
        let mut rand = move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) as f64 / (1u64 << 31) as f64 - 0.5) as f32
        };
        let basis: Vec<Vec<f32>> = (0..5).map(|_| (0..d).map(|_| rand()).collect()).collect();
        let mut m = Array2::zeros((n, d));
        for i in 0..n {
            let w: Vec<f32> = (0..5).map(|j| rand() * (5 - j) as f32).collect();
            for c in 0..d {
                m[[i, c]] = 0.5 + (0..5).map(|j| w[j] * basis[j][c]).sum::<f32>() + 0.01 * rand();
            }
        }
        m
    }

    #[test]
    fn the_gram_path_finds_what_the_covariance_finds_with_fewer_rows_than_values() {
        let x = wide_rows(30, 60);
        let mean = x.mean_axis(Axis(0)).unwrap();
        // The five directions the rows were made along (past them the noise's directions are nearly tied).
        let gram = Pca::fit_gram(x.view(), 5, &mean).expect("30 distinct rows");
        let cov = Pca::fit_covariance(x.view(), 5, mean.clone());
        for (a, b) in gram.explained_variance_ratio().iter().zip(cov.explained_variance_ratio()) {
            assert!((a - b).abs() < 1e-5, "variance share {a} against {b}");
        }
        for (a, b) in gram.components().iter().zip(cov.components()) {
            assert!((a - b).abs() < 1e-4, "component entry {a} against {b}");
        }
        // fit takes the Gram path here; its reconstructions are the covariance path's.
        let fitted = Pca::fit(x.view(), 5).unwrap();
        let (r1, r2) = (fitted.reconstruct(x.view()).unwrap(), cov.reconstruct(x.view()).unwrap());
        assert!(r1.iter().zip(r2.iter()).all(|(a, b)| (a - b).abs() < 1e-4));
    }

    #[test]
    fn repeated_rows_fall_back_to_the_covariance() {
        let one = wide_rows(3, 60);
        let x = Array2::from_shape_fn((6, 60), |(i, c)| one[[i % 3, c]]);
        let mean = x.mean_axis(Axis(0)).unwrap();
        assert!(Pca::fit_gram(x.view(), 4, &mean).is_none(), "3 distinct rows have 2 directions of variance");
        assert_eq!(Pca::fit(x.view(), 4).unwrap().k(), 4);
    }
}
