//! Applications of a trained model for the anomalies, features and impute
//! lessons (`crate::analysis`), and the AutoRec recommender for the recommend
//! lesson (`crate::autorec`). Lab build only.

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use super::explore::{f32s, object};
use super::{err, flat, parse_json, rows, to_js, Trainer};
use crate::analysis::classifier::{compare_features, CompareConfig};
use crate::analysis::impute::{self, ImputeSpec};
use crate::autorec::{self, AutoRecConfig, RatingsConfig};

#[wasm_bindgen]
impl Trainer {
    /// Anomaly scores (reconstruction MSE per digit) of the 1,000 test digits
    /// and of the validation digits (normal ones only, when a class is
    /// excluded), the default threshold (99th percentile of the validation
    /// scores) and, when a class is excluded, the ROC curve and its AUC for
    /// flagging that class: `{ testScores, testLabels, valScores, threshold,
    /// excluded, auc, fpr, tpr }`.
    #[wasm_bindgen(js_name = anomalyReport)]
    pub fn anomaly_report(&mut self) -> Result<JsValue, JsError> {
        let r = self.views.anomaly_report(&mut self.inner).map_err(err)?;
        let (fpr, tpr) = match &r.roc {
            Some(roc) => (
                f32s(&roc.iter().map(|p| p.fpr).collect::<Vec<_>>()),
                f32s(&roc.iter().map(|p| p.tpr).collect::<Vec<_>>()),
            ),
            None => (JsValue::NULL, JsValue::NULL),
        };
        object(&[
            ("testScores", f32s(&r.test_scores)),
            ("testLabels", Uint8Array::from(&r.test_labels[..]).into()),
            ("valScores", f32s(&r.val_scores)),
            ("threshold", r.threshold.into()),
            ("excluded", r.excluded.map(JsValue::from).unwrap_or(JsValue::NULL)),
            ("auc", r.auc().map(JsValue::from).unwrap_or(JsValue::NULL)),
            ("fpr", fpr),
            ("tpr", tpr),
        ])
    }

    /// Precision and recall of flagging test digits scoring ≥ `threshold` as the
    /// excluded class (after `anomalyReport` with a class excluded).
    #[wasm_bindgen(js_name = precisionRecall)]
    pub fn precision_recall(&self, threshold: f32) -> Result<JsValue, JsError> {
        to_js(&self.views.precision_recall(threshold).map_err(err)?)
    }

    /// Test accuracy of a softmax classifier on raw pixels, PCA components and
    /// this model's codes, with every label and with 10 per class:
    /// `[{ features, dims, allLabels, fewLabels }]`. Takes seconds: call it from the worker.
    #[wasm_bindgen(js_name = compareFeatures)]
    pub fn compare_features(&mut self, settings: JsValue) -> Result<JsValue, JsError> {
        let cfg: CompareConfig = parse_json(settings, "feature comparison settings")?;
        let (model, data) = self.inner.model_and_data();
        to_js(&compare_features(model, &data.train, &data.test, &cfg).map_err(err)?)
    }

    /// The mean of each pixel over the training digits (the mean-imputation fill).
    #[wasm_bindgen(js_name = pixelMean)]
    pub fn pixel_mean(&self) -> Result<Vec<f32>, JsError> {
        Ok(impute::dataset_mean(&self.inner.data().train).map_err(err)?.to_vec())
    }

    /// Fills the missing pixels (mask 0) of n images: they start at `fill`
    /// (784 values, e.g. `pixelMean()`, or zeros for a denoising model trained
    /// with masking) and are replaced by the reconstruction `iterations` times
    /// (at most 50), observed pixels kept fixed.
    #[wasm_bindgen(js_name = imputeImages)]
    pub fn impute_images(
        &mut self,
        pixels: &[f32],
        mask: &[u8],
        fill: &[f32],
        iterations: usize,
    ) -> Result<Vec<f32>, JsError> {
        let x = rows(pixels, self.inner.config().model.input, "image")?;
        Ok(flat(impute::impute_flat(self.inner.model_mut(), x, mask, fill, iterations).map_err(err)?))
    }

    /// Missing-pixel MSE on the first n test digits for a mask
    /// (`{ mask: { kind: 'random', rate } | { kind: 'topHalf' } | { kind: 'centreSquare', side }, iterations, n }`):
    /// `{ mean, onePass, iterative, missing }`, with the mean-pixel baseline.
    #[wasm_bindgen(js_name = imputeReport)]
    pub fn impute_report(&mut self, spec: JsValue) -> Result<JsValue, JsError> {
        let spec: ImputeSpec = parse_json(spec, "imputation settings")?;
        let (model, data) = self.inner.model_and_data();
        to_js(&impute::report(model, data, &spec).map_err(err)?)
    }
}

/// An item-based AutoRec recommender on a seeded synthetic ratings matrix.
#[wasm_bindgen]
pub struct Recommender {
    inner: autorec::Recommender,
}

#[wasm_bindgen]
impl Recommender {
    /// Generates the ratings (`{ users, items, rank, density, noise, seed }`),
    /// holds out 10% of them for testing and builds the network
    /// (`{ hidden, batchSize, lr, weightDecay, seed }`).
    #[wasm_bindgen(constructor)]
    pub fn new(ratings: JsValue, model: JsValue) -> Result<Recommender, JsError> {
        let rc: RatingsConfig = parse_json(ratings, "ratings settings")?;
        let mc: AutoRecConfig = parse_json(model, "AutoRec settings")?;
        Ok(Recommender { inner: autorec::Recommender::new(&rc, &mc).map_err(err)? })
    }

    /// Trains `n` minibatches of items; returns the last batch's MSE on observed ratings.
    pub fn step(&mut self, n: u32) -> Result<f32, JsError> {
        self.inner.step(n).map_err(err)
    }

    /// Minibatches trained so far.
    #[wasm_bindgen(getter)]
    pub fn steps(&self) -> f64 {
        self.inner.steps_done() as f64
    }

    /// `{ rmse, itemMeanRmse, globalMeanRmse, trainRmse }` on the held-out ratings.
    pub fn evaluate(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.inner.evaluate().map_err(err)?)
    }

    /// The top `k` items `user` has not rated, with predictions and held-out true ratings.
    pub fn recommend(&mut self, user: usize, k: usize) -> Result<JsValue, JsError> {
        to_js(&self.inner.recommend(user, k).map_err(err)?)
    }

    /// Which cells of the users × items matrix are rated, row-major: 0 missing,
    /// 1 a training rating, 2 a held-out test rating — the sparsity picture.
    pub fn pattern(&self) -> Vec<u8> {
        self.inner.pattern()
    }

    /// `{ users, items, ratings, density, testRatings }` of the generated matrix.
    pub fn info(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.info())
    }
}
