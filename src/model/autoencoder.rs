//! The autoencoder skeleton: encoder body → code head → mirrored decoder.
//! The code head is a single layer (plain autoencoder) or the VAE's Gaussian
//! head. The decoder's last layer produces logits; the output activation is
//! applied here, so binary cross-entropy can work on the logits directly.

use ndarray::{s, Array1, Array2, ArrayView2, Axis, Zip};

use super::build::{build_conv_decoder, build_conv_encoder, build_stack, init_for};
use super::penalty;
use super::vae::GaussianHead;
use super::LossTerms;
use crate::config::{LossKind, ModelConfig, ModelKind, SparsityKind, TrainConfig};
use crate::error::{Error, Result};
use crate::nn::{
    ensure_shape, loss, reshape_for_overwrite, sigmoid_into, Activation, Layer, Linear, Param, Sequential,
};
use crate::rng::{seeded, Stream};

/// Rows per evaluation pass of a conv model (its training batch by default, so
/// the layers' buffers keep their shape between training and evaluation).
const EVAL_ROWS: usize = 64;

/// The layer that makes the code from the last hidden layer.
// One per model, never in a collection: the unequal variant sizes cost nothing.
#[allow(clippy::large_enum_variant)]
pub(super) enum Head {
    /// h = f(x·W + b)
    Code { linear: Linear, act: Activation, h: Array2<f32>, grad_a: Array2<f32> },
    /// z = μ + σ ⊙ ε
    Gaussian(GaussianHead),
}

/// An autoencoder and the buffers of its training step.
pub struct Autoencoder {
    pub(super) config: ModelConfig,
    pub(super) body: Sequential,
    pub(super) head: Head,
    pub(super) decoder: Sequential,
    pub(super) out: Array2<f32>,
    grad_out: Array2<f32>,
    grad_code: Array2<f32>,
    rho_hat: Array1<f32>,
    contractive_bufs: (Array1<f32>, Array1<f32>),
    /// Targets may hold NaN (missing values): the MSE leaves those cells out (lab build).
    #[cfg(feature = "lab")]
    missing_targets: bool,
}

/// out = act(logits), reusing `out`'s buffer.
fn apply_output(out: &mut Array2<f32>, logits: ArrayView2<f32>, act: Activation) {
    reshape_for_overwrite(out, logits.nrows(), logits.ncols());
    // The sigmoid (the default output) in the loop that vectorizes.
    if act == Activation::Sigmoid {
        if let (Some(o), Some(z)) = (out.as_slice_mut(), logits.as_slice()) {
            return sigmoid_into(o, z);
        }
    }
    Zip::from(out).and(&logits).for_each(|o, &z| *o = act.apply(z));
}

impl Head {
    pub(super) fn forward(&mut self, x: ArrayView2<f32>, train: bool) -> ArrayView2<'_, f32> {
        match self {
            Head::Code { linear, act, h, .. } => {
                let a = linear.forward(x, train);
                reshape_for_overwrite(h, a.nrows(), a.ncols());
                let f = *act;
                Zip::from(&mut *h).and(&a).for_each(|h, &a| *h = f.apply(a));
                h.view()
            }
            Head::Gaussian(g) => g.forward(x, train),
        }
    }

    fn params_and_grads(&mut self, f: &mut dyn FnMut(Param<'_>)) {
        match self {
            Head::Code { linear, .. } => linear.params_and_grads(f),
            Head::Gaussian(g) => g.params_and_grads(f),
        }
    }
}

impl Autoencoder {
    /// Builds the network `config` describes, with weights from `seed`'s init stream.
    pub fn new(config: &ModelConfig, seed: u64) -> Result<Self> {
        config.validate()?;
        let mut rng = seeded(seed, Stream::Init, 0);
        let widths = config.encoder_widths();
        let hidden = &widths[..widths.len() - 1];
        let conv = config.is_conv();
        let body = if conv {
            build_conv_encoder(config, &mut rng, seed)
        } else {
            build_stack(hidden, config, &mut rng, seed, 0, false)
        };
        let last_hidden = hidden[hidden.len() - 1];
        let on_pixels = hidden.len() == 1;
        let mut head_layer = |act: Activation| {
            let mut lin = Linear::new(last_hidden, config.latent, init_for(config, act), &mut rng);
            lin.input_grad = !on_pixels;
            lin
        };
        let head = match config.kind {
            ModelKind::Autoencoder => {
                let linear = head_layer(config.latent_activation);
                Head::Code {
                    linear,
                    act: config.latent_activation,
                    h: Array2::zeros((0, 0)),
                    grad_a: Array2::zeros((0, 0)),
                }
            }
            ModelKind::Vae => {
                let (mu, logvar) = (head_layer(Activation::Identity), head_layer(Activation::Identity));
                Head::Gaussian(GaussianHead::new(mu, logvar, seeded(seed, Stream::Noise, 1)))
            }
        };
        let rev: Vec<usize> = widths.iter().rev().copied().collect();
        let decoder = if conv {
            build_conv_decoder(config, &mut rng, seed)
        } else {
            build_stack(&rev, config, &mut rng, seed, 100, true)
        };
        let empty = || Array2::zeros((0, 0));
        Ok(Autoencoder {
            config: config.clone(),
            body,
            head,
            decoder,
            out: empty(),
            grad_out: empty(),
            grad_code: empty(),
            rho_hat: Array1::zeros(0),
            contractive_bufs: (Array1::zeros(0), Array1::zeros(0)),
            #[cfg(feature = "lab")]
            missing_targets: false,
        })
    }

    /// The config this model was built from.
    pub fn config(&self) -> &ModelConfig {
        &self.config
    }

    pub(super) fn check_cols(&self, x: &ArrayView2<f32>, want: usize, what: &str) -> Result<()> {
        if x.ncols() != want {
            return Err(Error::Shape(format!("expected {want} values per {what}, got {}", x.ncols())));
        }
        Ok(())
    }

    /// One training step's forward and backward pass on `x` against `target`
    /// (the clean digits; `x` may be corrupted). Returns every term of the
    /// objective. Gradients accumulate; the optimiser applies and clears them.
    pub fn forward_backward(&mut self, x: ArrayView2<f32>, target: ArrayView2<f32>, train: &TrainConfig) -> LossTerms {
        let hidden = self.body.forward(x, true);
        let code = self.head.forward(hidden, true);
        let mut terms = LossTerms { mean_activation: mean_abs(code), ..LossTerms::default() };
        let logits = self.decoder.forward(code, true);
        let act = self.config.output;
        // Each loss makes the output (which it needs) in its own pass.
        terms.recon = match train.loss {
            LossKind::Bce => loss::bce_with_logits_and_grad(logits, target, &mut self.grad_out, &mut self.out),
            #[cfg(feature = "lab")]
            LossKind::Mse if self.missing_targets => {
                apply_output(&mut self.out, logits, act);
                loss::mse_present_grad(self.out.view(), target, &mut self.grad_out);
                Zip::from(&mut self.grad_out).and(&self.out).for_each(|g, &y| *g *= act.derivative_from_output(y));
                loss::mse_present(self.out.view(), target)
            }
            LossKind::Mse => loss::mse_and_grad(logits, target, act, &mut self.grad_out, &mut self.out),
        };
        let gc = self.decoder.backward(self.grad_out.view());
        ensure_shape(&mut self.grad_code, gc.nrows(), gc.ncols());
        self.grad_code.assign(&gc);
        let batch = x.nrows().max(1) as f32;
        let grad_hidden = match &mut self.head {
            Head::Code { linear, act, h, grad_a } => {
                terms.sparsity = match train.sparsity {
                    SparsityKind::None => 0.0,
                    SparsityKind::L1 => penalty::l1_activity(h.view(), train.sparsity_weight, &mut self.grad_code),
                    SparsityKind::Kl => penalty::kl_sparsity(
                        h.view(),
                        train.sparsity_target,
                        train.sparsity_weight,
                        &mut self.grad_code,
                        &mut self.rho_hat,
                    ),
                };
                ensure_shape(grad_a, h.nrows(), h.ncols());
                let f = *act;
                Zip::from(&mut *grad_a)
                    .and(&self.grad_code)
                    .and(&*h)
                    .for_each(|ga, &g, &hv| *ga = g * f.derivative_from_output(hv));
                if train.contractive > 0.0 {
                    linear.settle_grads(); // the penalty adds to dW before the backward does
                    terms.contractive = penalty::contractive(
                        h.view(),
                        f,
                        linear.weight.view(),
                        train.contractive,
                        grad_a,
                        &mut linear.grad_weight,
                        &mut self.contractive_bufs,
                    );
                }
                linear.backward(grad_a.view())
            }
            Head::Gaussian(g) => {
                terms.kl = g.kl();
                // β·KL per digit, spread over its pixels to sit beside the per-pixel reconstruction loss.
                let scale = train.beta / (self.config.input as f32 * batch);
                g.backward(self.grad_code.view(), scale)
            }
        };
        self.body.backward(grad_hidden);
        // kl is 0 for the plain autoencoder.
        terms.total =
            terms.recon + terms.sparsity + terms.contractive + train.beta * terms.kl / self.config.input as f32;
        terms
    }

    /// One evaluation pass over all of `x` at once (no dropout, the VAE's z = μ):
    /// the reconstruction in `self.out`, every layer's buffer holding this batch.
    pub(super) fn forward_eval(&mut self, x: ArrayView2<f32>) {
        let hidden = self.body.forward(x, false);
        let code = self.head.forward(hidden, false);
        let logits = self.decoder.forward(code, false);
        apply_output(&mut self.out, logits, self.config.output);
    }

    /// `x` in slices of `EVAL_ROWS` rows for a conv model (a conv layer's
    /// unfolded batch grows with the rows: 1,000 digits would take hundreds of
    /// MB), in one piece for a dense one; `each` sees every slice's first row
    /// after its pass.
    #[cfg(feature = "lab")]
    fn evaluate_in_slices(&mut self, x: ArrayView2<f32>, mut each: impl FnMut(&mut Self, usize, usize)) {
        let rows = if self.config.is_conv() { EVAL_ROWS } else { x.nrows().max(1) };
        for (i, part) in x.axis_chunks_iter(Axis(0), rows).enumerate() {
            self.forward_eval(part);
            each(self, i * rows, part.nrows());
        }
    }

    /// The small build has no conv models: one piece (and 2 KB less code).
    #[cfg(not(feature = "lab"))]
    fn evaluate_in_slices(&mut self, x: ArrayView2<f32>, mut each: impl FnMut(&mut Self, usize, usize)) {
        self.forward_eval(x);
        each(self, 0, x.nrows());
    }

    /// Reconstructions of a batch (evaluation mode: no dropout, and the VAE uses z = μ).
    pub fn reconstruct(&mut self, x: ArrayView2<f32>) -> Result<Array2<f32>> {
        self.check_cols(&x, self.config.input, "image")?;
        let mut y = Array2::zeros((x.nrows(), self.config.input));
        self.evaluate_in_slices(x, |ae, at, n| y.slice_mut(s![at..at + n, ..]).assign(&ae.out));
        Ok(y)
    }

    /// The objective's terms on a batch in evaluation mode (no dropout, z = μ),
    /// without gradients: reconstruction loss, the VAE's KL and the mean code
    /// activation; with the reconstructions' MSE (`loss::recon_mse`'s number,
    /// summed slice by slice in its order, without keeping the reconstructions).
    pub fn evaluate_terms(
        &mut self,
        x: ArrayView2<f32>,
        target: ArrayView2<f32>,
        train: &TrainConfig,
    ) -> Result<(LossTerms, f32)> {
        self.check_cols(&x, self.config.input, "image")?;
        let (mut kl, mut activation, mut bce) = (0.0f64, 0.0f64, 0.0f64);
        let mut squares = loss::SquaredErrors::default();
        let from_logits = train.loss == LossKind::Bce;
        self.evaluate_in_slices(x, |ae, at, n| {
            let target = target.slice(s![at..at + n, ..]);
            squares.add(ae.out.view(), target);
            if from_logits {
                let logits = ae.decoder.output(ae.decoder.len() - 1);
                bce += loss::bce_with_logits_sum(logits, ae.out.view(), target);
            }
            // Both are means over the slice's rows: weighted by its rows, they add up to the batch's.
            let (k, a) = match &ae.head {
                Head::Code { h, .. } => (0.0, mean_abs(h.view())),
                Head::Gaussian(g) => (g.kl(), mean_abs(g.mean())),
            };
            kl += k as f64 * n as f64;
            activation += a as f64 * n as f64;
        });
        let rows = x.nrows().max(1) as f64;
        let (kl, mean_activation) = ((kl / rows) as f32, (activation / rows) as f32);
        let mse = squares.mean();
        let recon = match train.loss {
            LossKind::Mse => mse,
            // As the training loss: from the logits (not the clamped probabilities of `loss::bce`).
            LossKind::Bce => (bce / (x.nrows() * self.config.input).max(1) as f64) as f32,
        };
        let total = recon + train.beta * kl / self.config.input as f32;
        Ok((LossTerms { total, recon, kl, mean_activation, ..LossTerms::default() }, mse))
    }

    /// One pass from images to codes over all of `x` at once (the VAE's means).
    pub(super) fn code_pass(&mut self, x: ArrayView2<f32>) -> ArrayView2<'_, f32> {
        let hidden = self.body.forward(x, false);
        self.head.forward(hidden, false)
    }

    /// Codes of a batch (the VAE's means).
    pub fn encode(&mut self, x: ArrayView2<f32>) -> Result<Array2<f32>> {
        self.check_cols(&x, self.config.input, "image")?;
        if !cfg!(feature = "lab") || !self.config.is_conv() {
            return Ok(self.code_pass(x).to_owned());
        }
        let rows = EVAL_ROWS;
        let mut z = Array2::zeros((x.nrows(), self.config.latent));
        for (i, part) in x.axis_chunks_iter(Axis(0), rows).enumerate() {
            let code = self.code_pass(part);
            z.slice_mut(s![i * rows..i * rows + part.nrows(), ..]).assign(&code);
        }
        Ok(z)
    }

    /// Images decoded from a batch of codes.
    pub fn decode(&mut self, z: ArrayView2<f32>) -> Result<Array2<f32>> {
        self.check_cols(&z, self.config.latent, "code")?;
        let logits = self.decoder.forward(z, false);
        // Through the output's one loop (a `mapv` of its own was 6 KB of the page's .wasm).
        let mut out = Array2::zeros((0, 0));
        apply_output(&mut out, logits, self.config.output);
        Ok(out)
    }

    /// VAE only: uses `eps` as the reparameterisation noise of every training
    /// pass (for gradient checks). Returns false for a plain autoencoder.
    pub fn fix_vae_noise(&mut self, eps: Array2<f32>) -> bool {
        match &mut self.head {
            Head::Gaussian(g) => {
                g.fix_eps(eps);
                true
            }
            Head::Code { .. } => false,
        }
    }

    /// Visits every parameter: encoder body, code head, decoder.
    pub fn params_and_grads(&mut self, f: &mut dyn FnMut(Param<'_>)) {
        self.body.params_and_grads(f);
        self.head.params_and_grads(f);
        self.decoder.params_and_grads(f);
    }

    /// Says that training targets may hold NaN where a value is missing (a
    /// table's empty cells): the MSE then counts only the cells present. Lab build.
    #[cfg(feature = "lab")]
    pub fn set_missing_targets(&mut self, on: bool) {
        self.missing_targets = on;
    }
}

/// Mean |h| over a batch of codes.
fn mean_abs(h: ArrayView2<f32>) -> f32 {
    let sum: f64 = h.iter().map(|v| v.abs() as f64).sum();
    (sum / h.len().max(1) as f64) as f32
}
