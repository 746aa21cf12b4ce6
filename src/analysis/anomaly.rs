//! Anomaly detection by reconstruction error. An autoencoder trained without
//! one digit class reconstructs that class worse, so each digit's mean squared
//! reconstruction error is an anomaly score: flag a digit when its score is at
//! or above a threshold (say the 95th percentile of the errors on normal
//! validation digits). The ROC curve shows every threshold at once; its area
//! (AUC) is the probability that a random anomaly scores above a random normal
//! digit, ties counting one half.

use ndarray::{ArrayView2, Axis, Zip};
use serde::Serialize;

use crate::data::Split;
use crate::error::{Error, Result};
use crate::model::Autoencoder;

/// The default threshold is this percentile of the validation digits' scores:
/// about 1% of normal digits are flagged.
pub const THRESHOLD_PERCENTILE: f32 = 99.0;

/// One point of a ROC curve: the rates obtained by flagging every score ≥ `threshold`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RocPoint {
    /// Scores at or above this are flagged (the first point's is +∞: nothing flagged).
    pub threshold: f32,
    /// False-positive rate: normal digits flagged / normal digits.
    pub fpr: f32,
    /// True-positive rate (recall): anomalies flagged / anomalies.
    pub tpr: f32,
}

/// How a detector does at one threshold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrecisionRecall {
    /// Scores at or above this were flagged.
    pub threshold: f32,
    /// Flagged anomalies / flagged digits; 1 when nothing is flagged (no false alarm
    /// was raised), as at the end of scikit-learn's precision–recall curve.
    pub precision: f32,
    /// Flagged anomalies / anomalies.
    pub recall: f32,
    /// Anomalies flagged.
    pub true_positives: usize,
    /// Normal digits flagged.
    pub false_positives: usize,
    /// Anomalies missed.
    pub false_negatives: usize,
}

/// The mean squared error of each row of `x` against the same row of `recon`:
/// one anomaly score per image.
pub fn reconstruction_errors(x: ArrayView2<f32>, recon: ArrayView2<f32>) -> Result<Vec<f32>> {
    if x.dim() != recon.dim() {
        return Err(Error::Shape(format!(
            "images and reconstructions must have the same shape; got {}×{} and {}×{}",
            x.nrows(),
            x.ncols(),
            recon.nrows(),
            recon.ncols()
        )));
    }
    let per_row = x.ncols().max(1) as f64;
    Ok(x.axis_iter(Axis(0))
        .zip(recon.axis_iter(Axis(0)))
        .map(|(a, b)| {
            let mut sum = 0.0f64;
            Zip::from(&a).and(&b).for_each(|&p, &q| sum += ((p - q) as f64).powi(2));
            (sum / per_row) as f32
        })
        .collect())
}

/// Anomaly scores of the images in the rows of `x`: their reconstruction errors under `model`.
pub fn scores(model: &mut Autoencoder, x: ArrayView2<f32>) -> Result<Vec<f32>> {
    let recon = model.reconstruct(x)?;
    reconstruction_errors(x, recon.view())
}

/// True where `labels` equals `class`: the anomaly flags for a held-out class.
pub fn is_class(labels: &[u8], class: u8) -> Vec<bool> {
    labels.iter().map(|&l| l == class).collect()
}

fn check_finite(values: &[f32], what: &str) -> Result<()> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(Error::Data(format!("{what} must be finite numbers; value {i} is {}", values[i]))),
        None => Ok(()),
    }
}

/// The `q`-th percentile (0 ≤ q ≤ 100) of `values`, interpolating linearly between
/// the two nearest ranks, as NumPy's default `np.percentile`.
pub fn percentile(values: &[f32], q: f32) -> Result<f32> {
    if values.is_empty() {
        return Err(Error::Data("cannot take a percentile of no values".into()));
    }
    if !(0.0..=100.0).contains(&q) {
        return Err(Error::config("q", format!("a percentile must be between 0 and 100, got {q}")));
    }
    check_finite(values, "the values")?;
    let mut sorted = values.to_vec();
    sorted.sort_by(f32::total_cmp);
    let pos = q as f64 / 100.0 * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    let frac = pos - lo as f64;
    Ok((sorted[lo] as f64 + frac * (sorted[hi] as f64 - sorted[lo] as f64)) as f32)
}

/// Counts of anomalies and normal digits, after checking the inputs match.
fn counts(scores: &[f32], is_anomaly: &[bool]) -> Result<(usize, usize)> {
    if scores.len() != is_anomaly.len() {
        return Err(Error::Shape(format!(
            "expected one anomaly flag per score: {} scores but {} flags",
            scores.len(),
            is_anomaly.len()
        )));
    }
    check_finite(scores, "anomaly scores")?;
    let pos = is_anomaly.iter().filter(|&&a| a).count();
    let neg = scores.len() - pos;
    if pos == 0 || neg == 0 {
        return Err(Error::Data(format!(
            "a ROC curve needs both anomalies and normal digits; got {pos} anomalies and {neg} normal digits"
        )));
    }
    Ok((pos, neg))
}

/// The ROC curve of `scores` (higher = more anomalous) against `is_anomaly`:
/// one point per distinct score, thresholds falling, from (0, 0) to (1, 1).
/// Equal scores share one point, so a tie between an anomaly and a normal digit
/// is a diagonal step and counts one half in the area.
pub fn roc_curve(scores: &[f32], is_anomaly: &[bool]) -> Result<Vec<RocPoint>> {
    let (pos, neg) = counts(scores, is_anomaly)?;
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&i, &j| scores[j].total_cmp(&scores[i]));
    let mut points = vec![RocPoint { threshold: f32::INFINITY, fpr: 0.0, tpr: 0.0 }];
    let (mut tp, mut fp) = (0usize, 0usize);
    for (k, &i) in order.iter().enumerate() {
        if is_anomaly[i] {
            tp += 1;
        } else {
            fp += 1;
        }
        let last_of_tie = order.get(k + 1).is_none_or(|&j| scores[j] != scores[i]);
        if last_of_tie {
            points.push(RocPoint { threshold: scores[i], fpr: fp as f32 / neg as f32, tpr: tp as f32 / pos as f32 });
        }
    }
    Ok(points)
}

/// Area under a ROC curve by the trapezoid rule (points in `roc_curve`'s order).
pub fn auc(points: &[RocPoint]) -> f32 {
    let area: f64 = points
        .windows(2)
        .map(|w| (w[1].fpr as f64 - w[0].fpr as f64) * (w[1].tpr as f64 + w[0].tpr as f64) / 2.0)
        .sum();
    area as f32
}

/// The ROC AUC of `scores` against `is_anomaly` in one call.
pub fn roc_auc(scores: &[f32], is_anomaly: &[bool]) -> Result<f32> {
    Ok(auc(&roc_curve(scores, is_anomaly)?))
}

/// Precision and recall when every score ≥ `threshold` is flagged as an anomaly.
pub fn precision_recall(scores: &[f32], is_anomaly: &[bool], threshold: f32) -> Result<PrecisionRecall> {
    counts(scores, is_anomaly)?;
    if threshold.is_nan() {
        return Err(Error::config("threshold", "the threshold must be a number, got NaN"));
    }
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for (&s, &a) in scores.iter().zip(is_anomaly) {
        match (s >= threshold, a) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fn_ += 1,
            (false, false) => {}
        }
    }
    let flagged = tp + fp;
    Ok(PrecisionRecall {
        threshold,
        precision: if flagged == 0 { 1.0 } else { tp as f32 / flagged as f32 },
        recall: tp as f32 / (tp + fn_) as f32,
        true_positives: tp,
        false_positives: fp,
        false_negatives: fn_,
    })
}

/// What the anomalies lesson shows: every test digit's score, the normal
/// validation digits' scores, a default threshold and, when a class was left
/// out of training, the ROC curve of flagging that class.
#[derive(Debug, Clone, PartialEq)]
pub struct AnomalyReport {
    /// Score of each test digit.
    pub test_scores: Vec<f32>,
    /// Label of each test digit.
    pub test_labels: Vec<u8>,
    /// Score of each validation digit (normal ones only, when a class is excluded).
    pub val_scores: Vec<f32>,
    /// `THRESHOLD_PERCENTILE` of `val_scores`.
    pub threshold: f32,
    /// The class left out of training, the anomalies to find.
    pub excluded: Option<u8>,
    /// With a class excluded: the ROC curve of flagging it among the test digits.
    pub roc: Option<Vec<RocPoint>>,
}

/// Scores the test digits of `data` and its validation digits (from which a
/// class excluded from training has already been removed) with `model`, and,
/// with an `excluded` class, draws the ROC curve of flagging it.
pub fn report(model: &mut Autoencoder, data: &Split, excluded: Option<u8>) -> Result<AnomalyReport> {
    let test = data.test.to_matrix(usize::MAX);
    let val = data.validation.to_matrix(usize::MAX);
    let test_labels = data.test.labels().to_vec();
    let test_scores = scores(model, test.view())?;
    let val_scores = scores(model, val.view())?;
    let threshold = percentile(&val_scores, THRESHOLD_PERCENTILE)?;
    let roc = match excluded {
        Some(c) => Some(roc_curve(&test_scores, &is_class(&test_labels, c))?),
        None => None,
    };
    Ok(AnomalyReport { test_scores, test_labels, val_scores, threshold, excluded, roc })
}

/// The error for asking precision and recall before there are anomalies to find.
pub(crate) fn no_anomalies_yet() -> Error {
    Error::Data(
        "call anomalyReport() first, with a class excluded (train.excludeClass), so there are anomalies to find".into(),
    )
}

impl AnomalyReport {
    /// The area under `roc`, when there is one.
    pub fn auc(&self) -> Option<f32> {
        self.roc.as_deref().map(auc)
    }

    /// Precision and recall of flagging the test digits scoring at or above
    /// `threshold` (a finite number) as the excluded class.
    pub fn precision_recall(&self, threshold: f32) -> Result<PrecisionRecall> {
        let Some(c) = self.excluded else {
            return Err(no_anomalies_yet());
        };
        if !threshold.is_finite() {
            return Err(Error::config("threshold", format!("must be a finite number, got {threshold}")));
        }
        precision_recall(&self.test_scores, &is_class(&self.test_labels, c), threshold)
    }
}
