//! The ratings AutoRec learns from: a sparse users × items matrix, its seeded
//! synthetic generator and the train/test split of its observed entries.

use ndarray::Array2;
use rand::seq::SliceRandom;
use rand::RngExt;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::rng::{from_seed, seeded, Rng, Stream};

/// Mean rating μ of the synthetic generator.
pub const MEAN_RATING: f32 = 3.6;
/// Standard deviation of the synthetic user bias b_u (some users rate everything higher).
pub const USER_BIAS_SD: f32 = 0.4;
/// Standard deviation of the synthetic item bias b_i (some items are better).
pub const ITEM_BIAS_SD: f32 = 0.5;
/// Standard deviation of the synthetic taste term ⟨p_u, q_i⟩·s (s = TASTE_SD/√rank).
pub const TASTE_SD: f32 = 0.9;

/// One rating: `user` gave `item` the score `value` (1 to 5).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rating {
    /// User index, from 0.
    pub user: u32,
    /// Item index, from 0.
    pub item: u32,
    /// The rating.
    pub value: f32,
}

/// A sparse users × items ratings matrix: the observed entries only.
#[derive(Debug, Clone, PartialEq)]
pub struct Ratings {
    pub(super) users: usize,
    pub(super) items: usize,
    pub(super) entries: Vec<Rating>,
}

/// The synthetic generator. Each user u has a bias b_u ~ N(0, 0.4²) and a
/// taste vector p_u ~ N(0, I_rank); each item i a bias b_i ~ N(0, 0.5²) and a
/// profile q_i ~ N(0, I_rank). The full rating would be
/// clip(round(3.6 + b_u + b_i + ⟨p_u, q_i⟩·0.9/√rank + ε), 1, 5), ε ~ N(0, noise²),
/// but only a few are observed, as on a real site: user u rates item i with
/// probability ∝ activity_u · popularity_i, where activity = e^(0.8·z) and
/// popularity = e^(z + b_i) (z ~ N(0, 1) each) — a few heavy raters, a few
/// blockbusters, and better items seen more often — scaled so that about
/// `density` of the matrix is observed (a little less, as no probability may exceed 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct RatingsConfig {
    /// Number of users.
    pub users: usize,
    /// Number of items.
    pub items: usize,
    /// Rank r of the taste model (number of hidden taste dimensions).
    pub rank: usize,
    /// Target fraction of observed entries (0.05 leaves about 95% missing).
    pub density: f32,
    /// Standard deviation of the per-rating noise ε.
    pub noise: f32,
    /// Seed of every draw.
    pub seed: u64,
}

impl Default for RatingsConfig {
    fn default() -> Self {
        RatingsConfig { users: 500, items: 300, rank: 5, density: 0.05, noise: 0.5, seed: 1 }
    }
}

/// The largest matrix accepted: 4 M cells is 16 MB per dense copy, a browser tab's budget.
fn check_size(users: usize, items: usize) -> Result<()> {
    if users == 0 || items == 0 || users.saturating_mul(items) > 4_000_000 {
        return Err(Error::Data(format!(
            "a ratings matrix needs 1 to 4,000,000 cells; got {users} users × {items} items"
        )));
    }
    Ok(())
}

fn normal(rng: &mut Rng, sd: f32) -> f32 {
    sd * rng.sample::<f32, _>(StandardNormal)
}

impl Ratings {
    /// A ratings matrix from its observed entries; every index must be in range, every value finite, no pair twice.
    pub fn new(users: usize, items: usize, entries: Vec<Rating>) -> Result<Ratings> {
        check_size(users, items)?;
        let mut seen = vec![false; users * items];
        for r in &entries {
            let (u, i) = (r.user as usize, r.item as usize);
            if u >= users || i >= items || !r.value.is_finite() {
                return Err(Error::Data(format!(
                    "rating ({}, {}, {}) is outside the {users} users × {items} items or not a number",
                    r.user, r.item, r.value
                )));
            }
            if std::mem::replace(&mut seen[u * items + i], true) {
                return Err(Error::Data(format!("user {u} rated item {i} twice")));
            }
        }
        Ok(Ratings { users, items, entries })
    }

    /// Draws a synthetic ratings matrix as `RatingsConfig` describes.
    pub fn synthetic(cfg: &RatingsConfig) -> Result<Ratings> {
        check_size(cfg.users, cfg.items)?;
        if cfg.rank == 0 || cfg.rank > 64 {
            return Err(Error::config("ratings.rank", format!("must be between 1 and 64, got {}", cfg.rank)));
        }
        if !(cfg.density > 0.0 && cfg.density <= 1.0) {
            return Err(Error::config(
                "ratings.density",
                format!("must be above 0 and at most 1, got {}", cfg.density),
            ));
        }
        if !(cfg.noise.is_finite() && cfg.noise >= 0.0) {
            return Err(Error::config("ratings.noise", format!("must be a number of at least 0, got {}", cfg.noise)));
        }
        let (nu, ni, r) = (cfg.users, cfg.items, cfg.rank);
        let rng = &mut from_seed(cfg.seed);
        let b_u: Vec<f32> = (0..nu).map(|_| normal(rng, USER_BIAS_SD)).collect();
        let b_i: Vec<f32> = (0..ni).map(|_| normal(rng, ITEM_BIAS_SD)).collect();
        let p = Array2::from_shape_simple_fn((nu, r), || normal(rng, 1.0));
        let q = Array2::from_shape_simple_fn((ni, r), || normal(rng, 1.0));
        let activity: Vec<f64> = (0..nu).map(|_| (normal(rng, 0.8) as f64).exp()).collect();
        let popularity: Vec<f64> = b_i.iter().map(|&b| ((normal(rng, 1.0) + b) as f64).exp()).collect();
        let scale =
            cfg.density as f64 * (nu * ni) as f64 / (activity.iter().sum::<f64>() * popularity.iter().sum::<f64>());
        let taste = p.dot(&q.t()) * (TASTE_SD / (r as f32).sqrt());
        let mut entries = Vec::new();
        for u in 0..nu {
            for i in 0..ni {
                let seen = rng.random::<f64>() < scale * activity[u] * popularity[i];
                let eps = normal(rng, cfg.noise);
                if seen {
                    let v = (MEAN_RATING + b_u[u] + b_i[i] + taste[[u, i]] + eps).round().clamp(1.0, 5.0);
                    entries.push(Rating { user: u as u32, item: i as u32, value: v });
                }
            }
        }
        Ratings::new(nu, ni, entries)
    }

    /// Number of users.
    pub fn users(&self) -> usize {
        self.users
    }

    /// Number of items.
    pub fn items(&self) -> usize {
        self.items
    }

    /// The observed ratings.
    pub fn entries(&self) -> &[Rating] {
        &self.entries
    }

    /// Fraction of the users × items cells that hold a rating.
    pub fn density(&self) -> f32 {
        self.entries.len() as f32 / (self.users * self.items) as f32
    }

    /// Splits the observed ratings at random (from `seed`) into a training part and a
    /// test part holding `test_fraction` of them; both keep the full matrix size.
    pub fn split(&self, test_fraction: f32, seed: u64) -> Result<(Ratings, Ratings)> {
        let n_test = (test_fraction as f64 * self.entries.len() as f64).round() as usize;
        if !(test_fraction > 0.0 && test_fraction < 1.0) || n_test == 0 || n_test == self.entries.len() {
            return Err(Error::config(
                "testFraction",
                format!(
                    "must leave ratings on both sides: {test_fraction} of {} ratings gives {n_test} for testing",
                    self.entries.len()
                ),
            ));
        }
        let mut shuffled = self.entries.clone();
        shuffled.shuffle(&mut seeded(seed, Stream::Shuffle, 2));
        let train = shuffled.split_off(n_test);
        let part = |entries| Ratings { users: self.users, items: self.items, entries };
        Ok((part(train), part(shuffled)))
    }

    /// The mean of all ratings.
    pub fn global_mean(&self) -> f32 {
        let sum: f64 = self.entries.iter().map(|r| r.value as f64).sum();
        (sum / self.entries.len().max(1) as f64) as f32
    }

    /// Each item's mean rating (the global mean for an item nobody rated).
    pub fn item_means(&self) -> Vec<f32> {
        let mut sums = vec![(0.0f64, 0usize); self.items];
        for r in &self.entries {
            let s = &mut sums[r.item as usize];
            s.0 += r.value as f64;
            s.1 += 1;
        }
        let g = self.global_mean();
        sums.iter().map(|&(s, n)| if n == 0 { g } else { (s / n as f64) as f32 }).collect()
    }

    /// Items × users: the ratings (0 where missing) and the mask (1 where observed).
    pub(super) fn item_matrix(&self) -> (Array2<f32>, Array2<f32>) {
        let mut values = Array2::zeros((self.items, self.users));
        let mut mask = Array2::zeros((self.items, self.users));
        for r in &self.entries {
            values[[r.item as usize, r.user as usize]] = r.value;
            mask[[r.item as usize, r.user as usize]] = 1.0;
        }
        (values, mask)
    }

    pub(super) fn same_shape(&self, other: &Ratings) -> Result<()> {
        if (self.users, self.items) != (other.users, other.items) {
            return Err(Error::Shape(format!(
                "the ratings have different sizes: {} users × {} items and {} × {}",
                self.users, self.items, other.users, other.items
            )));
        }
        Ok(())
    }

    /// Root mean squared error of `predict(user, item)` over these ratings.
    pub fn rmse_of(&self, mut predict: impl FnMut(usize, usize) -> f32) -> Result<f32> {
        if self.entries.is_empty() {
            return Err(Error::Data("there are no ratings to score".into()));
        }
        let sum: f64 =
            self.entries.iter().map(|r| ((predict(r.user as usize, r.item as usize) - r.value) as f64).powi(2)).sum();
        Ok((sum / self.entries.len() as f64).sqrt() as f32)
    }
}
