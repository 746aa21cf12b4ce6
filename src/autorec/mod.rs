//! AutoRec (Sedhain, Menon, Sanner & Xie 2015, "AutoRec: Autoencoders Meet
//! Collaborative Filtering"), item-based: each item is the vector of its
//! ratings by every user (0 where a user has not rated it), and an autoencoder
//! n_users → hidden (sigmoid) → n_users (identity) learns to reconstruct it.
//! The loss counts only the ratings that were observed, so the output at an
//! unrated user is free, and that output is the predicted rating. Weight decay
//! (the optimiser's L2 penalty) keeps the many per-user weights from
//! memorising the few ratings each user has.
//!
//! The ratings come from a seeded synthetic generator (see `RatingsConfig`), so
//! the lesson needs no download and can show each held-out rating.

use ndarray::{Array2, Zip};
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use crate::config::{Init, TrainConfig};

mod ratings;
mod recommender;

use crate::error::{Error, Result};
use crate::nn::{ensure_shape, Activation, ActivationLayer, Linear, Optimizer, Sequential};
use crate::rng::{seeded, Rng, Stream};
pub use ratings::{Rating, Ratings, RatingsConfig, ITEM_BIAS_SD, MEAN_RATING, TASTE_SD, USER_BIAS_SD};
pub use recommender::{Cell, RatingsInfo, Recommender, TEST_FRACTION};

/// Settings of the AutoRec network and its training.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct AutoRecConfig {
    /// Hidden (sigmoid) units.
    pub hidden: usize,
    /// Items per minibatch.
    pub batch_size: usize,
    /// Adam's learning rate.
    pub lr: f32,
    /// L2 penalty ½·λ‖W‖² on both weight matrices (biases are free).
    pub weight_decay: f32,
    /// Seed of the weights and the shuffles.
    pub seed: u64,
}

impl Default for AutoRecConfig {
    fn default() -> Self {
        AutoRecConfig { hidden: 32, batch_size: 30, lr: 1e-2, weight_decay: 3e-3, seed: 1 }
    }
}

/// Test RMSE of AutoRec beside the two simple baselines.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecReport {
    /// AutoRec's RMSE on the held-out ratings.
    pub rmse: f32,
    /// Predicting each item's training mean.
    pub item_mean_rmse: f32,
    /// Predicting the training mean for everything.
    pub global_mean_rmse: f32,
    /// AutoRec's RMSE on its own training ratings (far below `rmse` means it memorises).
    pub train_rmse: f32,
}

/// One recommended item.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recommendation {
    /// Item index.
    pub item: u32,
    /// The predicted rating (clipped to 1–5).
    pub predicted: f32,
    /// The user's real rating if it is among the held-out ones the model never saw.
    pub true_rating: Option<f32>,
}

/// An item-based AutoRec model with its training ratings and training state.
pub struct AutoRec {
    net: Sequential,
    optimizer: Optimizer,
    values: Array2<f32>,
    mask: Array2<f32>,
    train: Ratings,
    batch_size: usize,
    order: Vec<usize>,
    cursor: usize,
    shuffle_rng: Rng,
    batch: (Array2<f32>, Array2<f32>, Array2<f32>),
    steps: u64,
}

impl AutoRec {
    /// Builds the network for `train`'s users and items; the output biases start at
    /// the mean training rating, so training starts near the global-mean baseline.
    pub fn new(train: &Ratings, cfg: &AutoRecConfig) -> Result<AutoRec> {
        if cfg.hidden == 0 || cfg.hidden > 1024 || cfg.batch_size == 0 || cfg.batch_size > train.items {
            return Err(Error::config(
                "autorec",
                format!(
                    "hidden must be 1 to 1024 and batchSize 1 to the {} items; got {} and {}",
                    train.items, cfg.hidden, cfg.batch_size
                ),
            ));
        }
        if !(cfg.lr.is_finite() && cfg.lr > 0.0 && cfg.lr <= 10.0) {
            return Err(Error::config("autorec.lr", format!("must be above 0 and at most 10, got {}", cfg.lr)));
        }
        if !(0.0..=1.0).contains(&cfg.weight_decay) {
            return Err(Error::config(
                "autorec.weightDecay",
                format!("must be a number in [0, 1], got {}", cfg.weight_decay),
            ));
        }
        let tc = TrainConfig { lr: cfg.lr, weight_decay: cfg.weight_decay, ..TrainConfig::default() };
        let init = &mut seeded(cfg.seed, Stream::Init, 0);
        let mut encoder = Linear::new(train.users, cfg.hidden, Init::Xavier, init);
        encoder.input_grad = false;
        let mut decoder = Linear::new(cfg.hidden, train.users, Init::Xavier, init);
        decoder.bias.fill(train.global_mean());
        let mut net = Sequential::new();
        net.push(encoder);
        net.push(ActivationLayer::new(Activation::Sigmoid));
        net.push(decoder);
        let (values, mask) = train.item_matrix();
        let empty = || Array2::zeros((0, 0));
        Ok(AutoRec {
            net,
            optimizer: Optimizer::new(&tc),
            values,
            mask,
            train: train.clone(),
            batch_size: cfg.batch_size,
            order: (0..train.items).collect(),
            cursor: train.items,
            shuffle_rng: seeded(cfg.seed, Stream::Shuffle, 0),
            batch: (empty(), empty(), empty()),
            steps: 0,
        })
    }

    /// Trains `n` minibatches of items (reshuffled every epoch); returns the last
    /// batch's mean squared error over its observed ratings.
    pub fn step(&mut self, n: u32) -> Result<f32> {
        let mut last = f32::NAN;
        for _ in 0..n {
            if self.cursor + self.batch_size > self.order.len() {
                self.order.shuffle(&mut self.shuffle_rng);
                self.cursor = 0;
            }
            let idx = &self.order[self.cursor..self.cursor + self.batch_size];
            self.cursor += self.batch_size;
            let (x, m, grad) = &mut self.batch;
            for buf in [&mut *x, &mut *m, &mut *grad] {
                ensure_shape(buf, idx.len(), self.train.users);
            }
            for (k, &i) in idx.iter().enumerate() {
                x.row_mut(k).assign(&self.values.row(i));
                m.row_mut(k).assign(&self.mask.row(i));
            }
            let observed = m.sum();
            if observed == 0.0 {
                continue;
            }
            let y = self.net.forward(x.view(), true);
            let mut sum = 0.0f64;
            Zip::from(&mut *grad).and(&y).and(&*x).and(&*m).for_each(|g, &y, &r, &m| {
                let d = m * (y - r);
                sum += (d * d) as f64;
                *g = 2.0 * d / observed;
            });
            last = (sum / observed as f64) as f32;
            if !last.is_finite() {
                return Err(Error::Diverged { step: self.steps + 1, loss: last });
            }
            self.net.backward(grad.view());
            let net = &mut self.net;
            self.optimizer.step(|f| net.params_and_grads(f));
            self.steps += 1;
        }
        Ok(last)
    }

    /// Trains `epochs` passes over the items.
    pub fn train_epochs(&mut self, epochs: u32) -> Result<f32> {
        let per_epoch = (self.order.len() / self.batch_size) as u32;
        self.step(epochs * per_epoch)
    }

    /// Minibatches trained so far.
    pub fn steps_done(&self) -> u64 {
        self.steps
    }

    /// Predicted ratings, items × users, clipped to 1–5: each item's training
    /// vector run through the network.
    pub fn predictions(&mut self) -> Array2<f32> {
        self.net.forward(self.values.view(), false).mapv(|v| v.clamp(1.0, 5.0))
    }

    /// RMSE on `test`, and on the training ratings, beside the item-mean and global-mean baselines.
    pub fn evaluate(&mut self, test: &Ratings) -> Result<RecReport> {
        self.train.same_shape(test)?;
        let pred = self.predictions();
        let (means, global) = (self.train.item_means(), self.train.global_mean());
        Ok(RecReport {
            rmse: test.rmse_of(|u, i| pred[[i, u]])?,
            item_mean_rmse: test.rmse_of(|_, i| means[i])?,
            global_mean_rmse: test.rmse_of(|_, _| global)?,
            train_rmse: self.train.rmse_of(|u, i| pred[[i, u]])?,
        })
    }

    /// The `k` items `user` has not rated in training with the highest predicted
    /// ratings, best first, each with the user's held-out rating from `test` when there is one.
    pub fn recommend(&mut self, user: usize, k: usize, test: &Ratings) -> Result<Vec<Recommendation>> {
        self.train.same_shape(test)?;
        if user >= self.train.users {
            return Err(Error::config("user", format!("must be below the {} users, got {user}", self.train.users)));
        }
        let pred = self.predictions();
        let mut candidates: Vec<usize> = (0..self.train.items).filter(|&i| self.mask[[i, user]] == 0.0).collect();
        candidates.sort_by(|&a, &b| pred[[b, user]].total_cmp(&pred[[a, user]]).then(a.cmp(&b)));
        let held_out =
            |i: usize| test.entries.iter().find(|r| r.user as usize == user && r.item as usize == i).map(|r| r.value);
        Ok(candidates
            .into_iter()
            .take(k)
            .map(|i| Recommendation { item: i as u32, predicted: pred[[i, user]], true_rating: held_out(i) })
            .collect())
    }
}
