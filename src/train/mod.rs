//! The step-wise trainer: `step(n)` trains n minibatches and returns small stats,
//! so a UI can interleave training with drawing. It evaluates on the validation
//! set at each epoch's end, stops early when asked, and refuses to step past a
//! diverged loss.

use ndarray::Array2;
use rand::seq::SliceRandom;

#[cfg(feature = "lab")]
use crate::checkpoint;
use crate::config::{Config, LossKind};
use crate::data::{Dataset, Split};
use crate::error::{Error, Result};
use crate::model::Autoencoder;
use crate::nn::Optimizer;
use crate::noise::NoiseKind;
use crate::rng::{fresh_seed, seeded, Rng, Stream};

mod evaluate;
mod inside;
mod stats;
mod step;

pub use inside::{LayerStats, OptimizerTrace, TraceStep, WeightTrace};
pub use stats::{EpochRecord, EvalStats, History, StepStats};

/// Seed of the fixed corruption used for evaluation and display, apart from the
/// training stream so that looking never changes what is learned.
pub const DISPLAY_NOISE_SEED: u64 = 7;

#[derive(Debug, Clone, PartialEq)]
enum Status {
    Running,
    EarlyStopped(String),
    Diverged(Error),
}

/// Owns the model, optimiser, data split and history of one run.
pub struct Trainer {
    config: Config,
    model: Autoencoder,
    optimizer: Optimizer,
    data: Split,
    order: Vec<u32>,
    cursor: usize,
    shuffle_rng: Rng,
    batch: Array2<f32>,
    noisy: Array2<f32>,
    /// The batch as the network takes it in when values are missing (NaN -> 0); empty otherwise.
    filled: Array2<f32>,
    noise_rng: Rng,
    sample_rng: Rng,
    step: u64,
    /// The step whose per-layer sums the optimizer holds (`layer_stats`; 0: none).
    stats_step: u64,
    epoch: u32,
    epoch_loss: f64,
    epoch_batches: u32,
    history: History,
    best: Option<(f32, Vec<f32>)>,
    bad_epochs: u32,
    status: Status,
    /// Weights from up to `RESCUE_EVERY` steps back, to resume from after a divergence.
    rescue: (u64, Vec<f32>),
    /// The validation set as the network takes it in, and as its targets
    /// where they differ (NaN where a value is missing): made at the first
    /// evaluation.
    validation: Option<(Array2<f32>, Option<Array2<f32>>)>,
}

/// Most images `sample` draws in one call.
pub const MAX_SAMPLES: usize = 10_000;

/// How often (in steps) the weights are copied for resuming after a divergence.
/// The weights at the diverging step are finite but their gradient is not, so
/// resuming needs weights from a little earlier. One copy per 100 steps costs
/// well under 1% of a step.
pub const RESCUE_EVERY: u64 = 100;

impl Trainer {
    /// Validates `config` against `dataset`, splits the data and builds the model.
    /// A missing seed is drawn fresh and written into the config.
    pub fn new(mut config: Config, dataset: &Dataset) -> Result<Self> {
        if dataset.pixels_per_image() != config.model.input {
            return Err(Error::Shape(format!(
                "the model expects {} pixels per image but the data has {}",
                config.model.input,
                dataset.pixels_per_image()
            )));
        }
        let mut data = dataset.split()?;
        if let Some(c) = config.train.exclude_class {
            // Validate first so the error names the field, not an empty dataset.
            config.train.validate(data.train.len())?;
            data.train = data.train.without_class(c);
            data.validation = data.validation.without_class(c);
            if data.train.is_empty() || data.validation.is_empty() {
                return Err(Error::Data(format!("no training rows are left once class {c} is excluded")));
            }
        }
        config.validate(data.train.len())?;
        let missing = cfg!(feature = "lab") && dataset.has_missing(); // values only come in the lab build
        if missing && config.train.loss != LossKind::Mse {
            return Err(Error::config(
                "train.loss",
                "the data has missing values, which only the MSE loss can leave out: choose \"mse\"",
            ));
        }
        let seed = *config.train.seed.get_or_insert_with(fresh_seed);
        #[cfg_attr(not(feature = "lab"), allow(unused_mut))]
        let mut model = Autoencoder::new(&config.model, seed)?;
        #[cfg(feature = "lab")]
        model.set_missing_targets(missing);
        let mut shuffle_rng = seeded(seed, Stream::Shuffle, 0);
        let mut order: Vec<u32> = (0..data.train.len() as u32).collect();
        order.shuffle(&mut shuffle_rng);
        let batch = Array2::zeros((config.train.batch_size, config.model.input));
        let noisy = if config.train.noise == NoiseKind::None { Array2::zeros((0, 0)) } else { batch.clone() };
        let filled = if missing { batch.clone() } else { Array2::zeros((0, 0)) };
        let mut history = History::default();
        history.reserve_epoch(data.train.len() / config.train.batch_size);
        Ok(Trainer {
            optimizer: Optimizer::new(&config.train),
            config,
            model,
            data,
            order,
            cursor: 0,
            shuffle_rng,
            noisy,
            batch,
            filled,
            noise_rng: seeded(seed, Stream::Noise, 0),
            sample_rng: seeded(seed, Stream::Noise, 2),
            step: 0,
            stats_step: 0,
            epoch: 0,
            epoch_loss: 0.0,
            epoch_batches: 0,
            history,
            best: None,
            bad_epochs: 0,
            status: Status::Running,
            rescue: (0, Vec::new()),
            validation: None,
        })
    }

    /// The model as a safetensors file with the config and a training summary
    /// in its metadata (see `checkpoint`). Optimiser moments are not saved: a
    /// loaded model resumes with fresh ones.
    #[cfg(feature = "lab")]
    pub fn save(&mut self) -> Result<Vec<u8>> {
        let eval = self.evaluate()?;
        let summary = checkpoint::Summary {
            step: self.step,
            epoch: self.epoch,
            val_loss: Some(eval.val_loss),
            val_mse: Some(eval.mse),
        };
        checkpoint::save(&mut self.model, &self.config, &summary)
    }

    /// A trainer for `dataset` holding the model of a file written by `save`,
    /// its config and its step and epoch counts.
    #[cfg(feature = "lab")]
    pub fn load(bytes: &[u8], dataset: &Dataset) -> Result<Self> {
        let loaded = checkpoint::load(bytes)?;
        let mut t = Trainer::new(loaded.config, dataset)?;
        t.model = loaded.model;
        t.step = loaded.summary.step;
        t.epoch = loaded.summary.epoch;
        Ok(t)
    }

    /// Every weight and bias of the model, flat, in `Autoencoder::export_params` order.
    pub fn parameters(&mut self) -> Vec<f32> {
        self.model.export_params()
    }

    /// Puts `params` (as `parameters` gives them, from a trainer with this
    /// config) into the model and sets the step and epoch counts. How a second
    /// copy of a run follows the first: the page trains with the small wasm
    /// build and lets a copy in the lab build answer what only that build can.
    /// The optimiser's moments and the history are left as they are.
    pub fn restore(&mut self, params: &[f32], step: u64, epoch: u32) -> Result<()> {
        if let Some(bad) = params.iter().position(|v| !v.is_finite()) {
            return Err(Error::Data(format!(
                "parameter {bad} is {}; every parameter must be a finite number",
                params[bad]
            )));
        }
        self.model.import_params(params)?;
        self.step = step;
        self.epoch = epoch;
        Ok(())
    }

    /// The config in use, seed included.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The data split.
    pub fn data(&self) -> &Split {
        &self.data
    }

    /// The model, for inspection and inference.
    pub fn model_mut(&mut self) -> &mut Autoencoder {
        &mut self.model
    }

    /// The model and the data split at once, for views that run the model on the digits.
    pub fn model_and_data(&mut self) -> (&mut Autoencoder, &Split) {
        (&mut self.model, &self.data)
    }

    /// Loss and epoch curves so far.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Minibatches trained so far.
    pub fn steps_done(&self) -> u64 {
        self.step
    }

    /// Epochs completed so far.
    pub fn epochs_done(&self) -> u32 {
        self.epoch
    }

    /// Changes the learning rate. After a divergence it also clears the stop,
    /// returns to the weights saved up to `RESCUE_EVERY` steps before it (the
    /// last good step's own gradient was not finite) and resets the optimiser's
    /// moments; returns the step those weights are from, if it went back.
    pub fn set_learning_rate(&mut self, lr: f32) -> Result<Option<u64>> {
        let mut t = self.config.train.clone();
        t.lr = lr;
        t.validate(self.data.train.len())?;
        self.config.train.lr = lr;
        self.optimizer.lr = lr;
        if !matches!(self.status, Status::Diverged(_)) {
            return Ok(None);
        }
        self.optimizer.reset_state();
        self.status = Status::Running;
        if self.rescue.1.is_empty() {
            return Ok(None);
        }
        self.model.import_params(&self.rescue.1)?;
        Ok(Some(self.rescue.0))
    }
}
