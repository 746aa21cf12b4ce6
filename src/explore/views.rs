//! The views that keep a fit between calls (lab build): PCA as a baseline
//! (compare-pca lesson), the latent map with click-to-decode (latent lesson)
//! and the last anomaly report, whose scores precision and recall are read
//! from. nalgebra's eigendecomposition behind PCA is ~25 KB of the download,
//! and no lesson needs these before the page first trains.

use ndarray::{s, Array2, ArrayView2};
use serde::Serialize;

use crate::analysis::anomaly::{self, AnomalyReport, PrecisionRecall};
use crate::error::{Error, Result};
use crate::nn::loss;
use crate::pca::Pca;
use crate::train::Trainer;

/// PCA at k components as a baseline: what `Views::fit_pca` reports.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PcaFit {
    /// Components kept.
    pub k: usize,
    /// MSE of the PCA reconstructions of the validation digits.
    pub val_mse: f32,
    /// Fraction of the training digits' pixel variance the k components explain.
    pub explained: f32,
}

/// The codes of validation digits placed in the plane.
#[derive(Debug, Clone, PartialEq)]
pub struct LatentMap {
    /// n × 2: the codes themselves (padded with y = 0 for one unit), or their
    /// projection on the codes' first two principal components.
    pub points: Array2<f32>,
    /// The digits' labels.
    pub labels: Vec<u8>,
    /// True when the points are a projection (more than two code units).
    pub projected: bool,
    /// Fraction of the codes' variance the plane shows (1 when not projected).
    pub explained: f32,
}

/// Fits kept between calls: PCA of the training digits (depends on the data
/// and k only), the 2-D projection of the codes of the last `latent_map`, and
/// the last anomaly report.
#[derive(Debug, Default)]
pub struct Views {
    pca: Option<Pca>,
    projection: Option<Pca>,
    anomalies: Option<AnomalyReport>,
}

impl Views {
    /// Fits PCA with `k` components on the training digits and measures it on
    /// the validation digits. The fit is kept for `pca_reconstruct`; a later
    /// call with a smaller k truncates it instead of fitting again (the top k
    /// components do not depend on how many more were computed).
    pub fn fit_pca(&mut self, trainer: &Trainer, k: usize) -> Result<PcaFit> {
        let pca = match self.pca.take() {
            Some(p) if p.k() == k => p,
            Some(p) if p.k() > k && k >= 1 => p.truncate(k)?,
            _ => {
                let x = trainer.data().train.to_matrix(usize::MAX);
                Pca::fit(x.view(), k)?
            }
        };
        let val = trainer.data().validation.to_matrix(usize::MAX);
        let rec = pca.reconstruct(val.view())?;
        let val_mse = loss::mse(rec.view(), val.view());
        let explained: f32 = pca.explained_variance_ratio().sum();
        self.pca = Some(pca);
        Ok(PcaFit { k, val_mse, explained })
    }

    /// PCA reconstructions of the images in the rows of `x` (after `fit_pca`).
    pub fn pca_reconstruct(&self, x: ArrayView2<f32>) -> Result<Array2<f32>> {
        let pca = self.pca.as_ref().ok_or_else(|| Error::Data("call fitPca(k) before pcaReconstruct".into()))?;
        pca.reconstruct(x)
    }

    /// The codes of the first `n` validation digits (at least one) in the
    /// plane: the codes themselves when the code has one or two units,
    /// otherwise their projection on the codes' first two principal components,
    /// which is kept for `decode_points`.
    pub fn latent_map(&mut self, trainer: &mut Trainer, n: usize) -> Result<LatentMap> {
        let (model, data) = trainer.model_and_data();
        let x = data.validation.to_matrix(n.max(1));
        let labels = data.validation.first_labels(x.nrows()).to_vec();
        let codes = model.encode(x.view())?;
        let latent = codes.ncols();
        if latent <= 2 {
            let mut points = Array2::<f32>::zeros((codes.nrows(), 2));
            points.slice_mut(s![.., ..latent]).assign(&codes);
            self.projection = None;
            return Ok(LatentMap { points, labels, projected: false, explained: 1.0 });
        }
        let proj = Pca::fit(codes.view(), 2)?;
        let points = proj.transform(codes.view())?;
        let explained = proj.explained_variance_ratio().sum();
        self.projection = Some(proj);
        Ok(LatentMap { points, labels, projected: true, explained })
    }

    /// The images decoded from points of the plane of the last `latent_map`
    /// (n × 2), through the inverse projection when the code has more than two
    /// units (for one unit, y is ignored).
    pub fn decode_points(&self, trainer: &mut Trainer, points: ArrayView2<f32>) -> Result<Array2<f32>> {
        if points.ncols() != 2 {
            return Err(Error::Shape(format!("expected points of 2 values (x, y), got {}", points.ncols())));
        }
        let latent = trainer.config().model.latent;
        let z = match &self.projection {
            Some(proj) => proj.inverse_transform(points)?,
            None if latent <= 2 => points.slice(s![.., ..latent]).to_owned(),
            None => {
                return Err(Error::Data(
                    "call latentMap(n) before decodePoints: the plane is the codes' projection".into(),
                ))
            }
        };
        trainer.model_mut().decode(z.view())
    }

    /// Scores the test and validation digits (`anomaly::report`) and keeps the
    /// report for `precision_recall`.
    pub fn anomaly_report(&mut self, trainer: &mut Trainer) -> Result<&AnomalyReport> {
        let excluded = trainer.config().train.exclude_class;
        let (model, data) = trainer.model_and_data();
        let report = anomaly::report(model, data, excluded)?;
        Ok(self.anomalies.insert(report))
    }

    /// Precision and recall of flagging the test digits of the last
    /// `anomaly_report` that score at or above `threshold`.
    pub fn precision_recall(&self, threshold: f32) -> Result<PrecisionRecall> {
        match &self.anomalies {
            Some(report) => report.precision_recall(threshold),
            None => Err(anomaly::no_anomalies_yet()),
        }
    }
}
