//! A softmax (multinomial logistic regression) classifier on feature rows, to
//! measure how useful a representation is: the same small classifier is
//! trained on raw pixels, on PCA components and on autoencoder codes, with all
//! training labels and with only a few, and scored on the test digits.
//!
//! It is one `Linear` layer (features → 10 logits) trained with Adam on the
//! softmax cross-entropy, on standardised features (each feature's mean and
//! standard deviation taken from the training rows), so pixels, PCA components
//! and codes of very different scales get the same learning rate.

use ndarray::{Array1, Array2, ArrayView2, Axis, Zip};
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use crate::config::{Init, TrainConfig};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::model::Autoencoder;
use crate::nn::{ensure_shape, Layer, Linear, Optimizer};
use crate::pca::Pca;
use crate::rng::{seeded, Stream};

/// Classes a classifier on `labels` tells apart: one per label value up to the
/// largest seen (10 for the digits; a person's table or folders may have 2 or 256).
pub fn class_count(labels: &[u8]) -> usize {
    labels.iter().copied().max().map_or(1, |m| m as usize + 1)
}

/// How long and how hard to train: `epochs` passes over the rows in shuffled
/// minibatches of `batch_size` (the last one may be smaller).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Budget {
    /// Passes over the training rows.
    pub epochs: usize,
    /// Rows per minibatch.
    pub batch_size: usize,
    /// Adam's learning rate.
    pub lr: f32,
    /// L2 penalty ½·λ‖W‖² on the weights.
    pub weight_decay: f32,
}

impl Default for Budget {
    /// 10 epochs of 100-row batches: 800 steps for the 8,000 training digits.
    fn default() -> Self {
        Budget { epochs: 10, batch_size: 100, lr: 1e-2, weight_decay: 1e-4 }
    }
}

impl Budget {
    /// Checks that the budget trains at all and that the rates are sensible.
    pub fn validate(&self) -> Result<()> {
        if self.epochs == 0 || self.batch_size == 0 {
            return Err(Error::config(
                "budget",
                format!("epochs and batchSize must both be at least 1, got {} and {}", self.epochs, self.batch_size),
            ));
        }
        if !(self.lr.is_finite() && self.lr > 0.0 && self.lr <= 10.0) {
            return Err(Error::config(
                "budget.lr",
                format!("must be a finite number above 0 and at most 10, got {}", self.lr),
            ));
        }
        if !(self.weight_decay.is_finite() && (0.0..=1.0).contains(&self.weight_decay)) {
            return Err(Error::config(
                "budget.weightDecay",
                format!("must be a number in [0, 1], got {}", self.weight_decay),
            ));
        }
        Ok(())
    }
}

/// A trained softmax classifier with the standardisation it was trained with.
pub struct Classifier {
    mean: Array1<f32>,
    inv_std: Array1<f32>,
    linear: Linear,
}

/// Mean softmax cross-entropy of `logits` (rows = samples) against class
/// indices `labels`; writes its gradient with respect to the logits,
/// (softmax − one-hot)/n, into `grad`.
pub fn softmax_cross_entropy(logits: ArrayView2<f32>, labels: &[u8], grad: &mut Array2<f32>) -> Result<f32> {
    let (n, k) = logits.dim();
    if labels.len() != n {
        return Err(Error::Shape(format!("expected one label per row: {n} rows but {} labels", labels.len())));
    }
    if let Some(&bad) = labels.iter().find(|&&l| l as usize >= k) {
        return Err(Error::Data(format!("label {bad} is out of range for {k} classes")));
    }
    ensure_shape(grad, n, k);
    let scale = 1.0 / n.max(1) as f64;
    let mut total = 0.0f64;
    for ((z, mut g), &y) in logits.axis_iter(Axis(0)).zip(grad.axis_iter_mut(Axis(0))).zip(labels) {
        // Subtracting the largest logit keeps every exp ≤ 1.
        let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
        let sum: f64 = z.iter().map(|&v| (v as f64 - max).exp()).sum();
        let log_sum = max + sum.ln();
        total += log_sum - z[y as usize] as f64;
        Zip::from(&mut g).and(&z).for_each(|g, &v| *g = ((v as f64 - log_sum).exp() * scale) as f32);
        g[y as usize] -= scale as f32;
    }
    Ok((total * scale) as f32)
}

fn check_rows(features: &ArrayView2<f32>, labels: &[u8]) -> Result<()> {
    if features.nrows() != labels.len() {
        return Err(Error::Shape(format!(
            "expected one label per feature row: {} rows but {} labels",
            features.nrows(),
            labels.len()
        )));
    }
    if features.nrows() == 0 || features.ncols() == 0 {
        return Err(Error::Data("the classifier needs at least one row with at least one feature".into()));
    }
    if features.iter().any(|v| !v.is_finite()) {
        return Err(Error::Data("every feature must be a finite number".into()));
    }
    Ok(())
}

impl Classifier {
    /// Trains a classifier on `features` (rows = samples) with `labels`
    /// (`class_count(labels)` classes: the digits' ten) for `budget`; weights
    /// and shuffles come from `seed`.
    pub fn fit(features: ArrayView2<f32>, labels: &[u8], budget: &Budget, seed: u64) -> Result<Classifier> {
        check_rows(&features, labels)?;
        budget.validate()?;
        let train = TrainConfig { lr: budget.lr, weight_decay: budget.weight_decay, ..TrainConfig::default() };
        let mean = features.mean_axis(Axis(0)).expect("at least one row");
        let std = features.var_axis(Axis(0), 0.0).mapv(f32::sqrt);
        // A constant feature (a corner pixel) carries nothing; scale 1 leaves it at 0, as scikit-learn's StandardScaler.
        let inv_std = std.mapv(|s| if s > 1e-6 { 1.0 / s } else { 1.0 });
        let x = (&features - &mean) * &inv_std;
        let mut linear = Linear::new(x.ncols(), class_count(labels), Init::Xavier, &mut seeded(seed, Stream::Init, 0));
        linear.input_grad = false;
        let mut optimizer = Optimizer::new(&train);
        let mut shuffle = seeded(seed, Stream::Shuffle, 0);
        let mut order: Vec<usize> = (0..x.nrows()).collect();
        let (mut batch, mut batch_labels, mut grad) = (Array2::zeros((0, 0)), Vec::new(), Array2::zeros((0, 0)));
        for _ in 0..budget.epochs {
            order.shuffle(&mut shuffle);
            for chunk in order.chunks(budget.batch_size) {
                ensure_shape(&mut batch, chunk.len(), x.ncols());
                batch_labels.clear();
                for (mut row, &i) in batch.axis_iter_mut(Axis(0)).zip(chunk) {
                    row.assign(&x.row(i));
                    batch_labels.push(labels[i]);
                }
                let logits = linear.forward(batch.view(), true);
                let loss = softmax_cross_entropy(logits, &batch_labels, &mut grad)?;
                if !loss.is_finite() {
                    return Err(Error::Data(format!("the classifier's loss became {loss}; lower budget.lr")));
                }
                linear.backward(grad.view());
                optimizer.step(|f| linear.params_and_grads(f));
            }
        }
        Ok(Classifier { mean, inv_std, linear })
    }

    /// Number of features per row the classifier expects.
    pub fn n_features(&self) -> usize {
        self.mean.len()
    }

    /// The class scores (logits) of each row of `features`.
    pub fn logits(&self, features: ArrayView2<f32>) -> Result<Array2<f32>> {
        if features.ncols() != self.n_features() {
            return Err(Error::Shape(format!(
                "expected {} features per row, got {}",
                self.n_features(),
                features.ncols()
            )));
        }
        let x = (&features - &self.mean) * &self.inv_std;
        Ok(x.dot(&self.linear.weight) + &self.linear.bias)
    }

    /// The most likely class for each row of `features`.
    pub fn predict(&self, features: ArrayView2<f32>) -> Result<Vec<u8>> {
        let logits = self.logits(features)?;
        Ok(logits
            .axis_iter(Axis(0))
            .map(|z| (0..z.len()).fold(0, |best, j| if z[j] > z[best] { j } else { best }) as u8)
            .collect())
    }

    /// Fraction of rows of `features` whose predicted class equals `labels`.
    pub fn accuracy(&self, features: ArrayView2<f32>, labels: &[u8]) -> Result<f32> {
        check_rows(&features, labels)?;
        let pred = self.predict(features)?;
        let right = pred.iter().zip(labels).filter(|(p, l)| p == l).count();
        Ok(right as f32 / labels.len() as f32)
    }
}

/// Indices of `per_class` rows of each digit, picked at random with `seed`
/// (in increasing order): the labelled few of a label-efficient experiment.
pub fn labelled_subset(labels: &[u8], per_class: usize, seed: u64) -> Result<Vec<usize>> {
    let mut order: Vec<usize> = (0..labels.len()).collect();
    order.shuffle(&mut seeded(seed, Stream::Shuffle, 1));
    let classes = class_count(labels);
    let mut present = vec![false; classes];
    for &l in labels {
        present[l as usize] = true;
    }
    let mut taken = vec![0usize; classes];
    let mut picked = Vec::with_capacity(per_class * classes);
    for i in order {
        let c = labels[i] as usize;
        if taken[c] < per_class {
            taken[c] += 1;
            picked.push(i);
        }
    }
    // Every class that has rows must give `per_class` of them (a label value nobody has is no class).
    if let Some(c) = (0..classes).find(|&c| present[c] && taken[c] < per_class) {
        return Err(Error::Data(format!(
            "asked for {per_class} labelled digits per class, but class {c} has only {}",
            taken[c]
        )));
    }
    picked.sort_unstable();
    Ok(picked)
}

/// How many rows each class has (index = label value).
fn class_sizes(labels: &[u8]) -> Vec<usize> {
    let mut n = vec![0usize; class_count(labels)];
    for &l in labels {
        n[l as usize] += 1;
    }
    n
}

/// Settings of `compare_features`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct CompareConfig {
    /// Labelled digits per class in the label-efficient case (10 → 100 labels).
    pub per_class: usize,
    /// Training budget with every training label.
    pub all: Budget,
    /// Training budget with the few labels (more epochs: each is only a batch or two).
    pub few: Budget,
    /// Seed of the labelled subset, the weights and the shuffles.
    pub seed: u64,
}

impl Default for CompareConfig {
    fn default() -> Self {
        CompareConfig {
            per_class: 10,
            all: Budget::default(),
            few: Budget { epochs: 200, batch_size: 25, weight_decay: 1e-2, ..Budget::default() },
            seed: 1,
        }
    }
}

/// Test accuracy of the classifier on one kind of features.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeatureScore {
    /// "pixels", "pca" or "codes".
    pub features: String,
    /// Features per digit.
    pub dims: usize,
    /// Test accuracy when trained with every training label.
    pub all_labels: f32,
    /// Test accuracy when trained with only the few labelled digits.
    pub few_labels: f32,
    /// How many labels per class the few were: `per_class`, or fewer when a class has fewer training rows.
    pub labels_per_class: usize,
}

/// Trains the classifier on raw pixels, on PCA components and on `model`'s
/// codes (PCA with as many components as the code has units, fitted on all
/// training images, since the autoencoder saw them all too), once with every
/// label of `train` and once with `per_class` labels per digit, and reports
/// the accuracy of each on `test`.
pub fn compare_features(
    model: &mut Autoencoder,
    train: &Dataset,
    test: &Dataset,
    cfg: &CompareConfig,
) -> Result<Vec<FeatureScore>> {
    let (x_train, x_test) = (train.to_matrix(usize::MAX), test.to_matrix(usize::MAX));
    let pca = Pca::fit(x_train.view(), model.config().latent)?;
    // A person's rare class may have fewer training rows than `per_class`: the few are then that many of each.
    let rarest = class_sizes(train.labels()).into_iter().filter(|&n| n > 0).min().unwrap_or(0);
    let per_class = cfg.per_class.min(rarest).max(1);
    let few = labelled_subset(train.labels(), per_class, cfg.seed)?;
    let few_labels: Vec<u8> = few.iter().map(|&i| train.labels()[i]).collect();
    let sets = [
        ("pixels", x_train.clone(), x_test.clone()),
        ("pca", pca.transform(x_train.view())?, pca.transform(x_test.view())?),
        ("codes", model.encode(x_train.view())?, model.encode(x_test.view())?),
    ];
    let mut out = Vec::with_capacity(sets.len());
    for (name, f_train, f_test) in sets {
        let all = Classifier::fit(f_train.view(), train.labels(), &cfg.all, cfg.seed)?;
        let f_few = f_train.select(Axis(0), &few);
        let some = Classifier::fit(f_few.view(), &few_labels, &cfg.few, cfg.seed)?;
        out.push(FeatureScore {
            features: name.to_string(),
            dims: f_train.ncols(),
            all_labels: all.accuracy(f_test.view(), test.labels())?,
            few_labels: some.accuracy(f_test.view(), test.labels())?,
            labels_per_class: per_class,
        });
    }
    Ok(out)
}
