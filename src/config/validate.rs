//! `validate()`: every out-of-range value of a config turned into an `Error`
//! that names the field and what is allowed.

use super::{
    Config, LossKind, ModelConfig, ModelKind, SparsityKind, TrainConfig, MAX_ENCODER_LAYERS, MAX_LATENT, MAX_PARAMS,
    MAX_WIDTH,
};
use crate::error::{Error, Result};
use crate::nn::Activation;

fn check_range(field: &str, v: f32, lo: f32, hi: f32, hi_inclusive: bool) -> Result<()> {
    let ok = v.is_finite() && v >= lo && if hi_inclusive { v <= hi } else { v < hi };
    if ok {
        Ok(())
    } else {
        let close = if hi_inclusive { "]" } else { ")" };
        Err(Error::config(field, format!("must be a number in [{lo}, {hi}{close}, got {v}")))
    }
}

impl ModelConfig {
    /// Checks every field; the error names the field and the allowed range.
    pub fn validate(&self) -> Result<()> {
        if self.input == 0 || self.input > 65_536 {
            return Err(Error::config(
                "model.input",
                format!("must be between 1 and 65536 values (pixels or columns), got {}", self.input),
            ));
        }
        if !self.conv.is_empty() {
            self.validate_conv()?;
        } else if self.image.is_some() {
            return Err(Error::config(
                "model.image",
                "the image shape is for convolutional models; give conv blocks or leave image out",
            ));
        }
        if self.encoder.len() > MAX_ENCODER_LAYERS {
            return Err(Error::config(
                "model.encoder",
                format!("at most {MAX_ENCODER_LAYERS} hidden layers are allowed, got {}", self.encoder.len()),
            ));
        }
        for (i, &w) in self.encoder.iter().enumerate() {
            if w == 0 || w > MAX_WIDTH {
                return Err(Error::config(
                    "model.encoder",
                    format!("layer {} has width {w}; each width must be between 1 and {MAX_WIDTH}", i + 1),
                ));
            }
        }
        if self.latent == 0 || self.latent > MAX_LATENT {
            return Err(Error::config(
                "model.latent",
                format!("must be between 1 and {MAX_LATENT}, got {}", self.latent),
            ));
        }
        if !matches!(self.output, Activation::Sigmoid | Activation::Identity) {
            return Err(Error::config(
                "model.output",
                format!("must be \"sigmoid\" or \"identity\", got \"{}\"", self.output.name()),
            ));
        }
        check_range("model.dropout", self.dropout, 0.0, 1.0, false)?;
        let n = self.param_count();
        if n > MAX_PARAMS as u64 {
            return Err(Error::config(
                "model",
                format!("has {n} parameters; the limit is {MAX_PARAMS}. Use narrower layers."),
            ));
        }
        Ok(())
    }
}

impl TrainConfig {
    /// Checks every field; `train_len` is the number of training images (the batch must fit).
    pub fn validate(&self, train_len: usize) -> Result<()> {
        if !(self.lr.is_finite() && self.lr > 0.0 && self.lr <= 10.0) {
            return Err(Error::config(
                "train.lr",
                format!("must be a finite number above 0 and at most 10, got {}", self.lr),
            ));
        }
        check_range("train.momentum", self.momentum, 0.0, 1.0, false)?;
        check_range("train.beta1", self.beta1, 0.0, 1.0, false)?;
        check_range("train.beta2", self.beta2, 0.0, 1.0, false)?;
        if !(self.eps.is_finite() && self.eps > 0.0 && self.eps <= 1.0) {
            return Err(Error::config("train.eps", format!("must be above 0 and at most 1, got {}", self.eps)));
        }
        check_range("train.weightDecay", self.weight_decay, 0.0, 1.0, true)?;
        check_range("train.l1", self.l1, 0.0, 1.0, true)?;
        if self.batch_size == 0 || self.batch_size > train_len {
            return Err(Error::config(
                "train.batchSize",
                format!("must be between 1 and the {train_len} training images, got {}", self.batch_size),
            ));
        }
        if let Some(p) = self.patience {
            if p == 0 || p > 1000 {
                return Err(Error::config(
                    "train.patience",
                    format!("must be between 1 and 1000 epochs (or null for no early stopping), got {p}"),
                ));
            }
        }
        check_range("train.sparsityWeight", self.sparsity_weight, 0.0, 10.0, true)?;
        if !(self.sparsity_target > 0.0 && self.sparsity_target < 1.0) {
            return Err(Error::config(
                "train.sparsityTarget",
                format!("must be a number strictly between 0 and 1, got {}", self.sparsity_target),
            ));
        }
        check_range("train.contractive", self.contractive, 0.0, 10.0, true)?;
        check_range("train.beta", self.beta, 0.0, 100.0, true)?;
        if let Some(c) = self.exclude_class {
            if c > 9 {
                return Err(Error::config(
                    "train.excludeClass",
                    format!("must be a digit from 0 to 9 (or null), got {c}"),
                ));
            }
        }
        if let Some(s) = self.seed {
            if s > u32::MAX as u64 {
                return Err(Error::config("train.seed", format!("must be an integer from 0 to {}, got {s}", u32::MAX)));
            }
        }
        Ok(())
    }
}

impl Config {
    /// Validates both halves, and the combinations between them.
    pub fn validate(&self, train_len: usize) -> Result<()> {
        self.model.validate()?;
        self.train.validate(train_len)?;
        self.noise().validate(self.model.input)?;
        let penalised = self.train.sparsity != SparsityKind::None || self.train.contractive > 0.0;
        if self.model.kind == ModelKind::Vae && penalised {
            return Err(Error::config(
                "model.kind",
                "sparsity and contractive penalties apply to the plain autoencoder; the VAE is regularised by its KL term (set sparsity \"none\" and contractive 0, or kind \"autoencoder\")",
            ));
        }
        if self.model.kind == ModelKind::Vae && self.model.latent_activation != Activation::Identity {
            return Err(Error::config(
                "model.latentActivation",
                "a VAE's code is a Gaussian sample, so its activation must be \"identity\"",
            ));
        }
        if self.train.sparsity == SparsityKind::Kl && self.model.latent_activation != Activation::Sigmoid {
            return Err(Error::config(
                "train.sparsity",
                "the KL sparsity penalty compares mean activations in (0, 1) with ρ, so it needs latentActivation \"sigmoid\" (or use sparsity \"l1\")",
            ));
        }
        if self.train.loss == LossKind::Bce && self.model.output != Activation::Sigmoid {
            return Err(Error::config(
                "train.loss",
                "binary cross-entropy needs the sigmoid output activation; choose output \"sigmoid\" or loss \"mse\"",
            ));
        }
        Ok(())
    }
}
