//! The deterministic autoencoder: encoder → code → mirrored decoder. The decoder's
//! last layer produces logits; the output activation is applied here, so binary
//! cross-entropy can work on the logits directly.

use ndarray::{Array2, ArrayView2, Zip};

use crate::config::{Init, LossKind, ModelConfig};
use crate::error::{Error, Result};
use crate::nn::{ensure_shape, loss, Activation, ActivationLayer, Dropout, Linear, Param, Sequential};
use crate::rng::{seeded, Rng, Stream};

/// An autoencoder and the buffers of its training step.
pub struct Autoencoder {
    config: ModelConfig,
    encoder: Sequential,
    decoder: Sequential,
    out: Array2<f32>,
    grad_out: Array2<f32>,
}

/// What one stack of layers looks like; the encoder and decoder differ only in these.
struct StackSpec {
    widths: Vec<usize>,
    last_activation: Activation,
    /// Whether the first layer must return dLoss/dInput (false for the encoder: pixels are not trained).
    first_input_grad: bool,
}

fn build_stack(spec: StackSpec, cfg: &ModelConfig, rng: &mut Rng, seed: u64, dropout_base: u64) -> Sequential {
    let mut seq = Sequential::new();
    let n = spec.widths.len() - 1;
    for (i, pair) in spec.widths.windows(2).enumerate() {
        let is_last = i + 1 == n;
        let act = if is_last { spec.last_activation } else { cfg.activation };
        let init = match cfg.init {
            Init::Auto if act.is_relu_like() => Init::He,
            Init::Auto => Init::Xavier,
            other => other,
        };
        let mut lin = Linear::new(pair[0], pair[1], init, rng);
        lin.input_grad = i > 0 || spec.first_input_grad;
        seq.push(lin);
        if act != Activation::Identity {
            seq.push(ActivationLayer::new(act));
        }
        if !is_last && cfg.dropout > 0.0 {
            seq.push(Dropout::new(cfg.dropout, seeded(seed, Stream::Dropout, dropout_base + i as u64)));
        }
    }
    seq
}

/// out = act(logits), reusing `out`'s buffer.
fn apply_output(out: &mut Array2<f32>, logits: ArrayView2<f32>, act: Activation) {
    ensure_shape(out, logits.nrows(), logits.ncols());
    Zip::from(out).and(&logits).for_each(|o, &z| *o = act.apply(z));
}

impl Autoencoder {
    /// Builds the network `config` describes, with weights from `seed`'s init stream.
    pub fn new(config: &ModelConfig, seed: u64) -> Result<Self> {
        config.validate()?;
        let mut rng = seeded(seed, Stream::Init, 0);
        let widths = config.encoder_widths();
        let encoder = build_stack(
            StackSpec { widths: widths.clone(), last_activation: config.latent_activation, first_input_grad: false },
            config,
            &mut rng,
            seed,
            0,
        );
        let decoder = build_stack(
            StackSpec {
                widths: widths.iter().rev().copied().collect(),
                // Logits; the output activation is applied by `forward`.
                last_activation: Activation::Identity,
                first_input_grad: true,
            },
            config,
            &mut rng,
            seed,
            100,
        );
        Ok(Autoencoder { config: config.clone(), encoder, decoder, out: Array2::zeros((0, 0)), grad_out: Array2::zeros((0, 0)) })
    }

    /// The config this model was built from.
    pub fn config(&self) -> &ModelConfig {
        &self.config
    }

    fn check_cols(&self, x: &ArrayView2<f32>, want: usize, what: &str) -> Result<()> {
        if x.ncols() != want {
            return Err(Error::Shape(format!("expected {want} values per {what}, got {}", x.ncols())));
        }
        Ok(())
    }

    /// Runs encoder and decoder in evaluation mode into `self.out`.
    fn forward_eval(&mut self, x: ArrayView2<f32>) {
        let code = self.encoder.forward(x, false);
        let logits = self.decoder.forward(code, false);
        apply_output(&mut self.out, logits, self.config.output);
    }

    /// One training step's forward and backward pass on `x` against `target`
    /// (equal for a plain autoencoder); returns the data loss. Gradients are
    /// accumulated; the optimiser applies and clears them.
    pub fn forward_backward(&mut self, x: ArrayView2<f32>, target: ArrayView2<f32>, kind: LossKind) -> f32 {
        let code = self.encoder.forward(x, true);
        let logits = self.decoder.forward(code, true);
        let act = self.config.output;
        apply_output(&mut self.out, logits, act);
        let value = match kind {
            LossKind::Bce => {
                let v = loss::bce_with_logits(logits, target);
                loss::bce_with_logits_grad(logits, target, &mut self.grad_out);
                v
            }
            LossKind::Mse => {
                let v = loss::mse(self.out.view(), target);
                loss::mse_grad(self.out.view(), target, &mut self.grad_out);
                // Chain through the output activation to get dLoss/dlogits.
                Zip::from(&mut self.grad_out).and(&self.out).for_each(|g, &y| *g *= act.derivative_from_output(y));
                v
            }
        };
        let grad_code = self.decoder.backward(self.grad_out.view());
        self.encoder.backward(grad_code);
        value
    }

    /// Reconstructions of a batch (evaluation mode: no dropout).
    pub fn reconstruct(&mut self, x: ArrayView2<f32>) -> Result<Array2<f32>> {
        self.check_cols(&x, self.config.input, "image")?;
        self.forward_eval(x);
        Ok(self.out.clone())
    }

    /// Codes of a batch.
    pub fn encode(&mut self, x: ArrayView2<f32>) -> Result<Array2<f32>> {
        self.check_cols(&x, self.config.input, "image")?;
        Ok(self.encoder.forward(x, false).to_owned())
    }

    /// Images decoded from a batch of codes.
    pub fn decode(&mut self, z: ArrayView2<f32>) -> Result<Array2<f32>> {
        self.check_cols(&z, self.config.latent, "code")?;
        let act = self.config.output;
        Ok(self.decoder.forward(z, false).mapv(|v| act.apply(v)))
    }

    /// Visits every parameter: encoder first, then decoder, layer by layer.
    pub fn params_and_grads(&mut self, f: &mut dyn FnMut(Param<'_>)) {
        self.encoder.params_and_grads(f);
        self.decoder.params_and_grads(f);
    }

    /// All parameters, flattened in `params_and_grads` order.
    pub fn export_params(&mut self) -> Vec<f32> {
        let mut out = Vec::new();
        self.params_and_grads(&mut |p| out.extend_from_slice(p.value));
        out
    }

    /// Copies parameters from `export_params`'s layout into the model (into a
    /// preallocated snapshot, no allocation); fails if the length differs.
    pub fn import_params(&mut self, values: &[f32]) -> Result<()> {
        let mut total = 0;
        self.params_and_grads(&mut |p| total += p.value.len());
        if total != values.len() {
            return Err(Error::Shape(format!("expected {total} parameters, got {}", values.len())));
        }
        let mut at = 0;
        self.params_and_grads(&mut |p| {
            let n = p.value.len();
            p.value.copy_from_slice(&values[at..at + n]);
            at += n;
        });
        Ok(())
    }

    /// Copies all parameters into `dst` (resized once), for cheap snapshots.
    pub fn copy_params_into(&mut self, dst: &mut Vec<f32>) {
        dst.clear();
        self.params_and_grads(&mut |p| dst.extend_from_slice(p.value));
    }

    /// True when every gradient is a finite number.
    pub fn grads_finite(&mut self) -> bool {
        let mut ok = true;
        self.params_and_grads(&mut |p| ok &= p.grad.iter().all(|g| g.is_finite()));
        ok
    }

    /// Sets every gradient to zero.
    pub fn zero_grad(&mut self) {
        self.params_and_grads(&mut |p| p.grad.fill(0.0));
    }
}
