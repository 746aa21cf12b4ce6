//! Applications of a trained model for the anomalies, features and impute
//! lessons, and the AutoRec recommender for the recommend lesson.

use js_sys::Uint8Array;
use ndarray::{Array1, ArrayView2};
use wasm_bindgen::prelude::*;

use super::explore::{f32s, object};
use super::{err, flat, parse_json, rows, to_js, Trainer};
use crate::analysis::classifier::{compare_features, CompareConfig};
use crate::analysis::{anomaly, impute};
use crate::autorec::{AutoRec, AutoRecConfig, Ratings, RatingsConfig};

/// Test-digit scores of the last `anomalyReport`, for `precisionRecall`.
pub(crate) struct AnomalyCache {
    scores: Vec<f32>,
    is_anomaly: Vec<bool>,
}

/// Which pixels `impute` treats as missing, with its defaults.
#[derive(serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ImputeSpec {
    mask: impute::MaskKind,
    #[serde(default = "five")]
    iterations: usize,
    #[serde(default = "hundred")]
    n: usize,
}

fn five() -> usize {
    5
}
fn hundred() -> usize {
    100
}

impl Default for ImputeSpec {
    fn default() -> Self {
        ImputeSpec { mask: impute::MaskKind::TopHalf, iterations: 5, n: 100 }
    }
}

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
        let test = self.inner.data().test.to_matrix(usize::MAX);
        let val = self.inner.data().validation.to_matrix(usize::MAX);
        let test_labels = self.inner.data().test.labels().to_vec();
        let excluded = self.inner.config().train.exclude_class;
        let model = self.inner.model_mut();
        let scores = anomaly::scores(model, test.view()).map_err(err)?;
        let val_scores = anomaly::scores(model, val.view()).map_err(err)?;
        let threshold = anomaly::percentile(&val_scores, 99.0).map_err(err)?;
        let (mut auc, mut fpr, mut tpr) = (JsValue::NULL, JsValue::NULL, JsValue::NULL);
        if let Some(c) = excluded {
            let flags = anomaly::is_class(&test_labels, c);
            let roc = anomaly::roc_curve(&scores, &flags).map_err(err)?;
            auc = anomaly::auc(&roc).into();
            fpr = f32s(&roc.iter().map(|p| p.fpr).collect::<Vec<_>>());
            tpr = f32s(&roc.iter().map(|p| p.tpr).collect::<Vec<_>>());
            self.cache.anomaly = Some(AnomalyCache { scores: scores.clone(), is_anomaly: flags });
        } else {
            self.cache.anomaly = None;
        }
        object(&[
            ("testScores", f32s(&scores)),
            ("testLabels", Uint8Array::from(&test_labels[..]).into()),
            ("valScores", f32s(&val_scores)),
            ("threshold", threshold.into()),
            ("excluded", excluded.map(JsValue::from).unwrap_or(JsValue::NULL)),
            ("auc", auc),
            ("fpr", fpr),
            ("tpr", tpr),
        ])
    }

    /// Precision and recall of flagging test digits scoring ≥ `threshold` as the
    /// excluded class (after `anomalyReport` with a class excluded).
    #[wasm_bindgen(js_name = precisionRecall)]
    pub fn precision_recall(&self, threshold: f32) -> Result<JsValue, JsError> {
        let c = self.cache.anomaly.as_ref().ok_or_else(|| {
            JsError::new("call anomalyReport() first, with a class excluded (train.excludeClass), so there are anomalies to find")
        })?;
        if !threshold.is_finite() {
            return Err(JsError::new(&format!("the threshold must be a finite number, got {threshold}")));
        }
        to_js(&anomaly::precision_recall(&c.scores, &c.is_anomaly, threshold).map_err(err)?)
    }

    /// Test accuracy of a softmax classifier on raw pixels, PCA components and
    /// this model's codes, with every label and with 10 per class:
    /// `[{ features, dims, allLabels, fewLabels }]`. Takes seconds: call it from the worker.
    #[wasm_bindgen(js_name = compareFeatures)]
    pub fn compare_features(&mut self, settings: JsValue) -> Result<JsValue, JsError> {
        let cfg: CompareConfig = parse_json(settings, "feature comparison settings")?;
        let (train, test) = (self.inner.data().train.clone(), self.inner.data().test.clone());
        to_js(&compare_features(self.inner.model_mut(), &train, &test, &cfg).map_err(err)?)
    }

    /// The mean of each pixel over the training digits (the mean-imputation fill).
    #[wasm_bindgen(js_name = pixelMean)]
    pub fn pixel_mean(&self) -> Result<Vec<f32>, JsError> {
        let x = self.inner.data().train.to_matrix(usize::MAX);
        Ok(impute::pixel_mean(x.view()).map_err(err)?.to_vec())
    }

    /// Fills the missing pixels (mask 0) of n images: they start at `fill`
    /// (784 values, e.g. `pixelMean()`, or zeros for a denoising model trained
    /// with masking) and are replaced by the reconstruction `iterations` times,
    /// observed pixels kept fixed.
    #[wasm_bindgen(js_name = imputeImages)]
    pub fn impute_images(
        &mut self,
        pixels: &[f32],
        mask: &[u8],
        fill: &[f32],
        iterations: usize,
    ) -> Result<Vec<f32>, JsError> {
        let input = self.inner.config().model.input;
        let x = rows(pixels, input, "image")?;
        let m = ArrayView2::from_shape(x.dim(), mask).map_err(|_| {
            JsError::new(&format!("the mask needs one byte per pixel: {} values, got {}", x.len(), mask.len()))
        })?;
        if fill.len() != input {
            return Err(JsError::new(&format!("fill needs {input} values, got {}", fill.len())));
        }
        if iterations > 50 {
            return Err(JsError::new(&format!("iterations must be at most 50, got {iterations}")));
        }
        let fill = Array1::from(fill.to_vec());
        Ok(flat(impute::impute(self.inner.model_mut(), x, m, fill.view(), iterations).map_err(err)?))
    }

    /// Missing-pixel MSE on the first n test digits for a mask
    /// (`{ mask: { kind: 'random', rate } | { kind: 'topHalf' } | { kind: 'centreSquare', side }, iterations, n }`):
    /// `{ mean, onePass, iterative, missing }`, with the mean-pixel baseline.
    #[wasm_bindgen(js_name = imputeReport)]
    pub fn impute_report(&mut self, spec: JsValue) -> Result<JsValue, JsError> {
        let spec: ImputeSpec = parse_json(spec, "imputation settings")?;
        if !(1..=1000).contains(&spec.n) || !(1..=50).contains(&spec.iterations) {
            return Err(JsError::new("imputation: n must be 1 to 1000 digits and iterations 1 to 50"));
        }
        let train = self.inner.data().train.to_matrix(usize::MAX);
        let mean = impute::pixel_mean(train.view()).map_err(err)?;
        let x = self.inner.data().test.to_matrix(spec.n);
        let mask = impute::make_mask(spec.mask, x.nrows(), x.ncols(), 1).map_err(err)?;
        let model = self.inner.model_mut();
        let base = impute::mean_impute(x.view(), mask.view(), mean.view()).map_err(err)?;
        let one = impute::impute(model, x.view(), mask.view(), mean.view(), 1).map_err(err)?;
        let many = impute::impute(model, x.view(), mask.view(), mean.view(), spec.iterations).map_err(err)?;
        let mse = |p: &ndarray::Array2<f32>| impute::missing_mse(p.view(), x.view(), mask.view()).map_err(err);
        object(&[
            ("mean", mse(&base)?.into()),
            ("onePass", mse(&one)?.into()),
            ("iterative", mse(&many)?.into()),
            ("missing", (mask.iter().filter(|&&m| m == 0).count() as f64 / mask.len() as f64).into()),
        ])
    }
}

/// An item-based AutoRec recommender on a seeded synthetic ratings matrix.
#[wasm_bindgen]
pub struct Recommender {
    inner: AutoRec,
    all: Ratings,
    test: Ratings,
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
        let all = Ratings::synthetic(&rc).map_err(err)?;
        let (train, test) = all.split(0.1, rc.seed).map_err(err)?;
        Ok(Recommender { inner: AutoRec::new(&train, &mc).map_err(err)?, all, test })
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
        to_js(&self.inner.evaluate(&self.test).map_err(err)?)
    }

    /// The top `k` items `user` has not rated, with predictions and held-out true ratings.
    pub fn recommend(&mut self, user: usize, k: usize) -> Result<JsValue, JsError> {
        to_js(&self.inner.recommend(user, k, &self.test).map_err(err)?)
    }

    /// Which cells of the users × items matrix are rated, row-major: 0 missing,
    /// 1 a training rating, 2 a held-out test rating — the sparsity picture.
    pub fn pattern(&self) -> Vec<u8> {
        let items = self.all.items();
        let mut m = vec![0u8; self.all.users() * items];
        for (ratings, mark) in [(&self.all, 1u8), (&self.test, 2)] {
            for r in ratings.entries() {
                m[r.user as usize * items + r.item as usize] = mark;
            }
        }
        m
    }

    /// `{ users, items, ratings, density, testRatings }` of the generated matrix.
    pub fn info(&self) -> Result<JsValue, JsError> {
        object(&[
            ("users", self.all.users().into()),
            ("items", self.all.items().into()),
            ("ratings", self.all.entries().len().into()),
            ("density", self.all.density().into()),
            ("testRatings", self.test.entries().len().into()),
        ])
    }
}
