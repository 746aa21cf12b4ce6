//! Models built from a `ModelConfig`: the autoencoder (plain, denoising, sparse,
//! contractive) and the VAE, which share one encoder/decoder skeleton.

mod autoencoder;
mod build;
mod inside;
mod params;
pub mod penalty;
mod vae;

pub use autoencoder::Autoencoder;
pub use inside::{layer_names, DeadUnits, LayerKind, LayerOutput};
pub use vae::GaussianHead;

use serde::Serialize;

/// The parts of one step's objective, reported separately so a learner sees them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LossTerms {
    /// Everything the optimiser minimises.
    pub total: f32,
    /// Reconstruction loss per pixel (MSE or BCE).
    pub recon: f32,
    /// VAE only: mean KL divergence per digit, in nats (before β and scaling).
    pub kl: f32,
    /// Sparsity penalty (with its λ).
    pub sparsity: f32,
    /// Contractive penalty (with its λ).
    pub contractive: f32,
    /// Mean code activation over the batch (mean |h|).
    pub mean_activation: f32,
}
