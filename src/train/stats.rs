//! What training reports: per-call step stats, validation stats and the curves.

use serde::Serialize;

use crate::model::LossTerms;

/// What `step` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepStats {
    /// Minibatches trained since the start.
    pub step: u64,
    /// Completed epochs.
    pub epoch: u32,
    /// Loss of the last minibatch (the whole objective).
    pub batch_loss: f32,
    /// Its parts: reconstruction, KL, penalties, mean code activation.
    pub terms: LossTerms,
    /// Training throughput over this call.
    pub samples_per_sec: f32,
    /// Validation loss, when an epoch ended during this call.
    pub val_loss: Option<f32>,
    /// Why training stopped, if it has (early stopping).
    pub stopped: Option<String>,
}

/// What `evaluate` reports, on the validation set.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EvalStats {
    /// The training loss (MSE or BCE, as configured) on validation digits.
    pub val_loss: f32,
    /// Mean squared error per pixel.
    pub mse: f32,
    /// Peak signal-to-noise ratio of that MSE, in dB.
    pub psnr: f32,
    /// VAE: mean KL per digit in nats (0 otherwise).
    pub kl: f32,
    /// Mean code activation (mean |h|, the VAE's |μ|).
    pub mean_activation: f32,
    /// With input noise on: MSE of the reconstructions of corrupted validation
    /// digits against the clean ones (a fixed corruption, the same every call).
    pub noisy_mse: Option<f32>,
}

/// One epoch's summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EpochRecord {
    /// Epoch number, from 1.
    pub epoch: u32,
    /// Step at which it ended.
    pub step: u64,
    /// Mean minibatch loss over the epoch.
    pub train_loss: f32,
    /// Validation loss at its end.
    pub val_loss: f32,
    /// Validation MSE at its end.
    pub val_mse: f32,
}

/// Curves for plotting.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct History {
    /// Step numbers of `losses`.
    pub steps: Vec<u64>,
    /// Minibatch losses.
    pub losses: Vec<f32>,
    /// Per-epoch records.
    pub epochs: Vec<EpochRecord>,
}

impl History {
    /// Makes room for one epoch of curve points up front, so steps inside an epoch never allocate.
    pub(crate) fn reserve_epoch(&mut self, steps: usize) {
        self.steps.reserve(steps + 1);
        self.losses.reserve(steps + 1);
    }
}
