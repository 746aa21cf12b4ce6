//! The training step: a minibatch's forward and backward pass, the
//! optimiser's update, and what an epoch's end does (evaluation, the shuffle,
//! early stopping).

use ndarray::ArrayView2;
use rand::seq::SliceRandom;
use web_time::Instant;

use super::{EpochRecord, Status, StepStats, Trainer, RESCUE_EVERY};
use crate::data::fill_missing;
use crate::error::{Error, Result};
use crate::model::LossTerms;
use crate::nn::ensure_shape;
use crate::noise::NoiseKind;

impl Trainer {
    /// Trains `n` minibatches (fewer if early stopping ends the run). Fails,
    /// without touching the weights, when the loss or a gradient is not finite.
    pub fn step(&mut self, n: u32) -> Result<StepStats> {
        crate::nn::gemm::on_pool(|| self.step_here(n))
    }

    /// `step` on this thread.
    fn step_here(&mut self, n: u32) -> Result<StepStats> {
        if let Status::Diverged(e) = &self.status {
            return Err(e.clone());
        }
        let start = Instant::now();
        let batch_size = self.config.train.batch_size;
        let mut batch_loss = f32::NAN;
        let mut terms = LossTerms::default();
        let mut val_loss = None;
        let mut trained = 0u64;
        for _ in 0..n {
            if self.status != Status::Running {
                break;
            }
            let step_terms = self.forward_batch(batch_size)?;
            let end = self.finish_step(step_terms.total, batch_size)?;
            trained += 1;
            batch_loss = step_terms.total;
            terms = step_terms;
            val_loss = end.or(val_loss);
        }
        let secs = start.elapsed().as_secs_f64();
        let samples_per_sec = if secs > 0.0 { (trained as f64 * batch_size as f64 / secs) as f32 } else { 0.0 };
        Ok(StepStats {
            step: self.step,
            epoch: self.epoch,
            batch_loss,
            terms,
            samples_per_sec,
            val_loss,
            stopped: match &self.status {
                Status::EarlyStopped(why) => Some(why.clone()),
                _ => None,
            },
        })
    }

    /// The batch the model sees: the clean digits, or their corrupted copies.
    pub(super) fn input(&self) -> ArrayView2<'_, f32> {
        if self.config.train.noise == NoiseKind::None {
            self.batch.view()
        } else {
            self.noisy.view()
        }
    }

    /// Fills the batch with the next `b` digits of the order (corrupting them if
    /// the run asks), runs forward and backward, and checks that the loss and
    /// every gradient are finite; on divergence, stops the run with the error.
    pub(super) fn forward_batch(&mut self, b: usize) -> Result<LossTerms> {
        let input_width = self.config.model.input;
        ensure_shape(&mut self.batch, b, input_width);
        let idx = &self.order[self.cursor..self.cursor + b];
        self.data.train.fill_batch(idx, self.batch.view_mut());
        // Targets keep NaN where a value is missing (the loss leaves it out); the input has 0 there.
        let clean = if !cfg!(feature = "lab") || self.filled.is_empty() {
            self.batch.view()
        } else {
            ensure_shape(&mut self.filled, b, input_width);
            self.filled.assign(&self.batch);
            fill_missing(&mut self.filled);
            self.filled.view()
        };
        let noise = self.config.noise();
        let input = if noise.kind == NoiseKind::None {
            clean
        } else {
            ensure_shape(&mut self.noisy, b, input_width);
            noise.apply(clean, self.noisy.view_mut(), &mut self.noise_rng);
            self.noisy.view()
        };
        let terms = self.model.forward_backward(input, self.batch.view(), &self.config.train);
        let loss = terms.total;
        if !loss.is_finite() || !self.model.grads_finite() {
            self.model.zero_grad();
            let err = Error::Diverged { step: self.step + 1, loss };
            self.status = Status::Diverged(err.clone());
            return Err(err);
        }
        Ok(terms)
    }

    /// Applies the optimiser to the gradients of a batch of `b` digits whose
    /// loss was `loss`, counts the step and, at an epoch's end, evaluates:
    /// returns the validation loss then.
    pub(super) fn finish_step(&mut self, loss: f32, b: usize) -> Result<Option<f32>> {
        if self.step.is_multiple_of(RESCUE_EVERY) {
            self.model.copy_params_into(&mut self.rescue.1);
            self.rescue.0 = self.step;
        }
        let model = &mut self.model;
        let summed = self.optimizer.sums_next_step();
        self.optimizer.step(|f| model.params_and_grads(f));
        self.step += 1;
        if summed {
            self.stats_step = self.step;
        }
        self.history.steps.push(self.step);
        self.history.losses.push(loss);
        self.epoch_loss += loss as f64;
        self.epoch_batches += 1;
        self.cursor += b;
        if self.cursor + self.config.train.batch_size > self.order.len() {
            return Ok(Some(self.end_epoch()?));
        }
        Ok(None)
    }

    fn end_epoch(&mut self) -> Result<f32> {
        self.epoch += 1;
        let eval = self.evaluate()?;
        self.history.epochs.push(EpochRecord {
            epoch: self.epoch,
            step: self.step,
            train_loss: (self.epoch_loss / self.epoch_batches.max(1) as f64) as f32,
            val_loss: eval.val_loss,
            val_mse: eval.mse,
        });
        self.epoch_loss = 0.0;
        self.epoch_batches = 0;
        self.cursor = 0;
        self.order.shuffle(&mut self.shuffle_rng);
        self.history.reserve_epoch(self.order.len() / self.config.train.batch_size);
        if let Some(patience) = self.config.train.patience {
            self.early_stopping(eval.val_loss, patience)?;
        }
        Ok(eval.val_loss)
    }

    fn early_stopping(&mut self, val_loss: f32, patience: u32) -> Result<()> {
        let improved = self.best.as_ref().is_none_or(|(best, _)| val_loss < *best);
        if improved {
            let (best_loss, snapshot) = self.best.get_or_insert_with(|| (val_loss, Vec::new()));
            *best_loss = val_loss;
            self.model.copy_params_into(snapshot);
            self.bad_epochs = 0;
            return Ok(());
        }
        self.bad_epochs += 1;
        if self.bad_epochs >= patience {
            let (best_loss, snapshot) = self.best.as_ref().expect("a best exists after the first epoch");
            let best_loss = *best_loss;
            let snapshot = snapshot.clone();
            self.model.import_params(&snapshot)?;
            self.status = Status::EarlyStopped(format!(
                "early stopping: validation loss did not improve for {patience} epochs; restored the best weights \
                 (validation loss {best_loss:.5})"
            ));
        }
        Ok(())
    }
}
