//! What training does inside the network: per-layer gradient and update sizes
//! of the last step (summed by the optimiser in its update loop), and one real
//! step taken in slow motion with every intermediate value kept.

use ndarray::Array2;

use super::{Status, Trainer};
use crate::config::OptimizerKind;
use crate::error::{Error, Result};
use crate::model::{layer_names, LossTerms};

/// Largest batch `trace_step` takes: a batch small enough to look at.
pub const MAX_TRACE_BATCH: usize = 16;

/// Per Linear layer, what the last optimiser step did to its weight matrix
/// (biases are not included).
#[derive(Debug, Clone, PartialEq)]
pub struct LayerStats {
    /// The checkpoint's prefixes: `encoder.0`, …, `code` (VAE: `code.mu`, `code.logvar`), `decoder.0`, ….
    pub names: Vec<String>,
    /// ‖∂loss/∂W‖ (the loss's gradient, before L1/L2 penalties).
    pub grad_norm: Vec<f32>,
    /// ‖W‖ before the step.
    pub weight_norm: Vec<f32>,
    /// ‖W_after − W_before‖ / ‖W_before‖.
    pub update_ratio: Vec<f32>,
    /// The step these are of (1 for the first; 0 before any step summed).
    pub step: u64,
}

/// One weight followed through the optimiser.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightTrace {
    /// Its layer's name.
    pub layer: String,
    /// Its flat index into the layer's weight (in_features × out_features, row-major).
    pub index: usize,
    /// Its value before the step.
    pub before: f32,
    /// ∂loss/∂w at it (before L1/L2 penalties).
    pub grad: f32,
    /// Adam's first moment (momentum's velocity); `None` for plain SGD.
    pub m: Option<f32>,
    /// Adam's second moment.
    pub v: Option<f32>,
    /// m / (1 − β₁ᵗ).
    pub m_hat: Option<f32>,
    /// v / (1 − β₂ᵗ).
    pub v_hat: Option<f32>,
    /// before − after: what the step subtracted (Adam: lr·m̂/(√v̂ + ε)).
    pub update: f32,
    /// Its value after the step.
    pub after: f32,
}

/// The optimiser's settings at the step and the followed weight.
#[derive(Debug, Clone, PartialEq)]
pub struct OptimizerTrace {
    /// Which optimiser.
    pub kind: OptimizerKind,
    /// Learning rate.
    pub lr: f32,
    /// Adam's β₁ (momentum's coefficient); `None` for plain SGD.
    pub beta1: Option<f32>,
    /// Adam's β₂.
    pub beta2: Option<f32>,
    /// Adam's ε.
    pub eps: Option<f32>,
    /// Adam's step count t after this step.
    pub t: i32,
    /// The highlighted weight.
    pub weight: WeightTrace,
}

/// One training step in slow motion: every stage, with the engine's own values.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceStep {
    /// The trainer's step count after it.
    pub step: u64,
    /// The clean digits, b × 784.
    pub batch: Array2<f32>,
    /// What the network saw (the corrupted digits, with noise on).
    pub input: Array2<f32>,
    /// Each layer's output in the training pass (after its activation; the VAE's μ for the code).
    pub layers: Vec<(String, Array2<f32>)>,
    /// The objective and its parts.
    pub terms: LossTerms,
    /// Per Linear layer: its name, ‖∂loss/∂W‖ and ∂loss/∂W (as the weight is stored).
    pub grads: Vec<(String, f32, Vec<f32>)>,
    /// The optimiser at the followed weight.
    pub optimizer: OptimizerTrace,
    /// Every layer's weight after the step.
    pub new_weights: Vec<(String, Vec<f32>)>,
    /// The loss of the same batch through the updated network, in evaluation
    /// mode (no dropout, the VAE's code is μ): reconstruction + β·KL per pixel.
    pub loss_after: f32,
}

fn norm(values: &[f32]) -> f32 {
    values.iter().map(|&g| (g as f64) * (g as f64)).sum::<f64>().sqrt() as f32
}

impl Trainer {
    /// Turns the per-layer sums of `layer_stats` on or off for every following
    /// step (off also forgets `sample_layer_stats`). Off by default: they cost
    /// up to a tenth of a small model's step, and only the Inside view reads
    /// them. The training itself is the same either way.
    pub fn track_layer_stats(&mut self, on: bool) {
        self.optimizer.track_stats(on);
        if !on {
            self.stats_step = 0;
        }
    }

    /// Sums the next step only (`layer_stats` then reports it until another
    /// step sums): for a view that reads them now and then, at the cost of one
    /// step's sums a read. Training is the same either way.
    pub fn sample_layer_stats(&mut self) {
        self.optimizer.track_next_step();
    }

    /// What the last step did to each layer's weight (zeros before the first
    /// step taken with `track_layer_stats(true)`).
    pub fn layer_stats(&self) -> LayerStats {
        let names = layer_names(&self.config.model);
        // Tensors come as weight, bias per layer: the weights are the even ones.
        let weights: Vec<_> = self.optimizer.tensor_stats().iter().step_by(2).copied().collect();
        let pick = |f: fn(&crate::nn::TensorStats) -> f32| {
            (0..names.len()).map(|i| weights.get(i).map_or(0.0, f)).collect::<Vec<f32>>()
        };
        LayerStats {
            grad_norm: pick(|s| s.grad_norm()),
            weight_norm: pick(|s| s.weight_norm()),
            update_ratio: pick(|s| s.update_ratio()),
            names,
            // Sums forgotten (tracking off, the optimizer's state reset): of no step.
            step: if self.optimizer.tensor_stats().is_empty() { 0 } else { self.stats_step },
        }
    }

    /// Takes ONE real training step on the next `batch_size` (1 to 16) digits
    /// of the run's order — as `step(1)` would with that batch size, advancing
    /// the step count, the order and every random stream the same way — and
    /// returns every stage, following weight `index` of layer `layer`. Near an
    /// epoch's end the batch is what is left of the order, if fewer.
    pub fn trace_step(&mut self, batch_size: usize, layer: &str, index: usize) -> Result<TraceStep> {
        if let Status::Diverged(e) = &self.status {
            return Err(e.clone());
        }
        if !(1..=MAX_TRACE_BATCH).contains(&batch_size) {
            return Err(Error::config(
                "batchSize",
                format!("a step in slow motion takes 1 to {MAX_TRACE_BATCH} digits, got {batch_size}"),
            ));
        }
        let names = layer_names(&self.config.model);
        let Some(layer_at) = names.iter().position(|n| n == layer) else {
            return Err(Error::config(
                "weight.layer",
                format!("there is no layer named \"{layer}\"; this model's layers are {}", names.join(", ")),
            ));
        };
        let tensor = 2 * layer_at;
        let mut size = 0;
        let mut k = 0;
        self.model.params_and_grads(&mut |p| {
            if k == tensor {
                size = p.value.len();
            }
            k += 1;
        });
        if index >= size {
            return Err(Error::config(
                "weight.index",
                format!("layer {layer} has {size} weights (indices 0 to {}), got {index}", size - 1),
            ));
        }
        let b = batch_size.min(self.order.len() - self.cursor);
        let terms = self.forward_batch(b)?;
        let (batch, input) = (self.batch.clone(), self.input().to_owned());
        let mut layers = Vec::new();
        self.model.visit_outputs(&mut |name, _, _, v| layers.push((name, v.to_owned())));
        let (mut grads, mut before, mut grad) = (Vec::new(), 0.0, 0.0);
        let mut k = 0;
        self.model.params_and_grads(&mut |p| {
            if k == tensor {
                (before, grad) = (p.value[index], p.grad[index]);
            }
            if p.is_weight {
                grads.push((names[k / 2].clone(), norm(p.grad), p.grad.to_vec()));
            }
            k += 1;
        });
        self.finish_step(terms.total, b)?;
        let (mut new_weights, mut after) = (Vec::new(), 0.0);
        let mut k = 0;
        self.model.params_and_grads(&mut |p| {
            if k == tensor {
                after = p.value[index];
            }
            if p.is_weight {
                new_weights.push((names[k / 2].clone(), p.value.to_vec()));
            }
            k += 1;
        });
        let opt = &self.optimizer;
        let kind = opt.kind();
        let (b1, b2, eps) = opt.adam_settings();
        let state = opt.moments(tensor, index);
        let adam = kind == OptimizerKind::Adam;
        let weight = WeightTrace {
            layer: layer.to_string(),
            index,
            before,
            grad,
            m: state.filter(|_| kind != OptimizerKind::Sgd).map(|s| s.m),
            v: state.filter(|_| adam).map(|s| s.v),
            m_hat: state.filter(|_| adam).map(|s| s.m_hat),
            v_hat: state.filter(|_| adam).map(|s| s.v_hat),
            update: before - after,
            after,
        };
        let optimizer = OptimizerTrace {
            kind,
            lr: opt.lr,
            beta1: match kind {
                OptimizerKind::Adam => Some(b1),
                OptimizerKind::Momentum => Some(opt.momentum()),
                OptimizerKind::Sgd => None,
            },
            beta2: adam.then_some(b2),
            eps: adam.then_some(eps),
            t: opt.steps(),
            weight,
        };
        let (after_terms, _) = self.model.evaluate_terms(input.view(), batch.view(), &self.config.train)?;
        Ok(TraceStep {
            step: self.step,
            batch,
            input,
            layers,
            terms,
            grads,
            optimizer,
            new_weights,
            loss_after: after_terms.total,
        })
    }
}
