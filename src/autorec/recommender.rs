//! The recommend lesson's whole run: a synthetic ratings matrix, a tenth of
//! its ratings held out, and an AutoRec model trained on the rest.

use serde::Serialize;

use super::{AutoRec, AutoRecConfig, Ratings, RatingsConfig, RecReport, Recommendation};
use crate::error::Result;

/// Fraction of the ratings held out for testing.
pub const TEST_FRACTION: f32 = 0.1;

/// What is in a cell of the users × items matrix, as `Recommender::pattern` marks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Cell {
    /// Not rated.
    Missing = 0,
    /// A rating the model trains on.
    Train = 1,
    /// A held-out rating the model never sees.
    Test = 2,
}

/// The size of the generated matrix and of its parts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RatingsInfo {
    /// Users (rows).
    pub users: usize,
    /// Items (columns).
    pub items: usize,
    /// Ratings in the matrix, held-out ones included.
    pub ratings: usize,
    /// Fraction of the cells rated.
    pub density: f32,
    /// Ratings held out for testing.
    pub test_ratings: usize,
}

/// An item-based AutoRec recommender on a seeded synthetic ratings matrix.
pub struct Recommender {
    model: AutoRec,
    all: Ratings,
    test: Ratings,
}

impl Recommender {
    /// Generates the ratings, holds out `TEST_FRACTION` of them (drawn from the
    /// ratings' seed) and builds the network on the rest.
    pub fn new(ratings: &RatingsConfig, model: &AutoRecConfig) -> Result<Recommender> {
        let all = Ratings::synthetic(ratings)?;
        let (train, test) = all.split(TEST_FRACTION, ratings.seed)?;
        Ok(Recommender { model: AutoRec::new(&train, model)?, all, test })
    }

    /// Trains `n` minibatches of items; returns the last batch's MSE on observed ratings.
    pub fn step(&mut self, n: u32) -> Result<f32> {
        self.model.step(n)
    }

    /// Minibatches trained so far.
    pub fn steps_done(&self) -> u64 {
        self.model.steps_done()
    }

    /// RMSE on the held-out ratings, beside the baselines.
    pub fn evaluate(&mut self) -> Result<RecReport> {
        self.model.evaluate(&self.test)
    }

    /// The top `k` items `user` has not rated, with predictions and held-out true ratings.
    pub fn recommend(&mut self, user: usize, k: usize) -> Result<Vec<Recommendation>> {
        self.model.recommend(user, k, &self.test)
    }

    /// One `Cell` byte per cell of the users × items matrix, row-major: the sparsity picture.
    pub fn pattern(&self) -> Vec<u8> {
        let items = self.all.items();
        let mut m = vec![Cell::Missing as u8; self.all.users() * items];
        for (ratings, mark) in [(&self.all, Cell::Train), (&self.test, Cell::Test)] {
            for r in ratings.entries() {
                m[r.user as usize * items + r.item as usize] = mark as u8;
            }
        }
        m
    }

    /// The size of the matrix and of its parts.
    pub fn info(&self) -> RatingsInfo {
        RatingsInfo {
            users: self.all.users(),
            items: self.all.items(),
            ratings: self.all.entries().len(),
            density: self.all.density(),
            test_ratings: self.test.entries().len(),
        }
    }
}
