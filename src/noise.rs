//! Input corruption for denoising autoencoders: the model sees a corrupted digit
//! and is trained to output the clean one. A fresh corruption is drawn for every
//! batch from the run's seeded noise stream.

use ndarray::{ArrayView2, ArrayViewMut2, Zip};
use rand::RngExt;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::rng::Rng;

/// Which corruption, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoiseKind {
    /// Clean input: a plain autoencoder.
    #[default]
    None,
    /// x + σ·N(0, 1), clipped to [0, 1]; `level` is σ.
    Gaussian,
    /// Each pixel set to 0 with probability `level` (Vincent et al. 2008's masking noise).
    Masking,
    /// Each pixel set to 0 or 1 (half each) with probability `level`.
    SaltPepper,
    /// One square of side `level` × image side, at a random place, set to 0.
    Block,
}

/// A corruption and its strength.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Noise {
    /// Which corruption.
    pub kind: NoiseKind,
    /// Its strength; see `NoiseKind`.
    pub level: f32,
}

impl Noise {
    /// Checks the level for the kind and, for `Block`, that images are square.
    pub fn validate(&self, pixels_per_image: usize) -> Result<()> {
        let (lo, hi) = match self.kind {
            NoiseKind::None => return Ok(()),
            NoiseKind::Gaussian => (0.0, 2.0),
            _ => (0.0, 1.0),
        };
        if !(self.level.is_finite() && self.level >= lo && self.level <= hi) {
            return Err(Error::config(
                "train.noiseLevel",
                format!("for {:?} noise it must be a number in [{lo}, {hi}], got {}", self.kind, self.level),
            ));
        }
        if self.kind == NoiseKind::Block && side(pixels_per_image).is_none() {
            return Err(Error::config(
                "train.noise",
                format!("block noise needs square images; {pixels_per_image} pixels is not a square"),
            ));
        }
        Ok(())
    }

    /// Writes a corrupted copy of `clean` into `out` (same shape), drawing from `rng`.
    pub fn apply(&self, clean: ArrayView2<f32>, mut out: ArrayViewMut2<f32>, rng: &mut Rng) {
        out.assign(&clean);
        let p = self.level;
        match self.kind {
            NoiseKind::None => {}
            NoiseKind::Gaussian => out.map_inplace(|v| {
                let n: f32 = rng.sample(StandardNormal);
                *v = (*v + p * n).clamp(0.0, 1.0);
            }),
            NoiseKind::Masking => out.map_inplace(|v| {
                if rng.random::<f32>() < p {
                    *v = 0.0;
                }
            }),
            NoiseKind::SaltPepper => out.map_inplace(|v| {
                if rng.random::<f32>() < p {
                    *v = if rng.random::<bool>() { 1.0 } else { 0.0 };
                }
            }),
            NoiseKind::Block => {
                let s = side(clean.ncols()).unwrap_or(0);
                let b = ((p * s as f32).round() as usize).min(s);
                if b == 0 {
                    return;
                }
                for mut row in out.rows_mut() {
                    let top = rng.random_range(0..=s - b);
                    let left = rng.random_range(0..=s - b);
                    for r in top..top + b {
                        row.slice_mut(ndarray::s![r * s + left..r * s + left + b]).fill(0.0);
                    }
                }
            }
        }
    }
}

/// The side of a square image of `n` pixels, if it is one.
fn side(n: usize) -> Option<usize> {
    let s = (n as f64).sqrt().round() as usize;
    (s * s == n).then_some(s)
}

/// Fraction of pixels that differ between two batches (for tests and the UI).
pub fn changed_fraction(a: ArrayView2<f32>, b: ArrayView2<f32>) -> f32 {
    let mut changed = 0usize;
    Zip::from(&a).and(&b).for_each(|x, y| changed += (x != y) as usize);
    changed as f32 / a.len().max(1) as f32
}
