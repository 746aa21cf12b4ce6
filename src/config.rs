//! Model and training configuration: plain serde structs with defaults, and
//! `validate()` (src/config/validate.rs) that turns every out-of-range value
//! into a readable `Error`.

use serde::{Deserialize, Serialize};

use crate::nn::Activation;
use crate::noise::{Noise, NoiseKind};

mod conv;
mod validate;
pub use conv::{ConvBlock, ImageShape, Window, MAX_CHANNELS, MAX_FEATURE_VALUES, MAX_KERNEL, MAX_STRIDE, MAX_UNFOLDED};

/// Largest hidden layer width accepted; wider layers do not fit a browser tab's budget.
pub const MAX_WIDTH: usize = 4096;
/// Most encoder layers accepted (the decoder mirrors them).
pub const MAX_ENCODER_LAYERS: usize = 8;
/// Largest bottleneck accepted.
pub const MAX_LATENT: usize = 256;
/// Parameter budget: 20 M floats is 80 MB of weights plus as much again for Adam.
pub const MAX_PARAMS: usize = 20_000_000;
/// Pixels of one MNIST digit.
pub const MNIST_PIXELS: usize = 784;
/// Side of one MNIST digit: 28 × 28 = `MNIST_PIXELS`.
pub const MNIST_SIDE: usize = 28;

/// How a `Linear` layer's weights are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Init {
    /// He (Kaiming) for ReLU-like activations, Xavier/Glorot for the others.
    Auto,
    /// He uniform: U(±√(6/fan_in)), keeps ReLU activations' variance.
    He,
    /// Xavier/Glorot uniform: U(±√(6/(fan_in+fan_out))), for tanh, sigmoid, identity.
    Xavier,
}

/// Reconstruction loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossKind {
    /// Mean squared error per pixel.
    Mse,
    /// Binary cross-entropy per pixel, computed from logits (needs the sigmoid output).
    Bce,
}

/// Optimiser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OptimizerKind {
    /// Plain stochastic gradient descent.
    Sgd,
    /// SGD with (heavy-ball) momentum.
    Momentum,
    /// Adam (Kingma & Ba 2015) with bias correction.
    Adam,
}

/// Which family of model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// A deterministic autoencoder (plain, denoising, sparse or contractive by its training terms).
    #[default]
    Autoencoder,
    /// A variational autoencoder: the encoder outputs a mean and log-variance per code unit.
    Vae,
}

/// An activity penalty on the code that makes most units quiet for each input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SparsityKind {
    /// No penalty.
    #[default]
    None,
    /// λ · mean over the batch of Σ|h|.
    L1,
    /// λ · Σ KL(ρ ‖ ρ̂ⱼ), ρ̂ⱼ the mean activation of unit j (needs a sigmoid code).
    Kl,
}

/// The shape of the autoencoder. The decoder mirrors `encoder` (or `conv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct ModelConfig {
    /// Plain autoencoder or VAE.
    pub kind: ModelKind,
    /// Pixels per input image.
    pub input: usize,
    /// Hidden widths from the input towards the bottleneck, e.g. `[256]`.
    pub encoder: Vec<usize>,
    /// Convolutional blocks from the input towards the bottleneck; when given,
    /// they are the hidden layers (`encoder` stays empty) and a dense layer
    /// makes the code from the last block's feature maps.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conv: Vec<ConvBlock>,
    /// The input's image shape, for conv models; by default a square gray image of `input` pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageShape>,
    /// Bottleneck (code) size.
    pub latent: usize,
    /// Activation after every hidden layer.
    pub activation: Activation,
    /// Activation of the code; identity by default, since a ReLU bottleneck of size 2 often loses a unit for good.
    pub latent_activation: Activation,
    /// Output activation: sigmoid (pixels in [0,1]) or identity.
    pub output: Activation,
    /// Dropout probability after each hidden activation (0 = off).
    pub dropout: f32,
    /// Weight initialisation.
    pub init: Init,
}

impl Default for ModelConfig {
    fn default() -> Self {
        ModelConfig {
            kind: ModelKind::Autoencoder,
            input: MNIST_PIXELS,
            encoder: vec![256, 64],
            conv: Vec::new(),
            image: None,
            latent: 32,
            activation: Activation::Relu,
            latent_activation: Activation::Identity,
            output: Activation::Sigmoid,
            dropout: 0.0,
            init: Init::Auto,
        }
    }
}

/// How the model is trained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct TrainConfig {
    /// Reconstruction loss.
    pub loss: LossKind,
    /// Optimiser.
    pub optimizer: OptimizerKind,
    /// Learning rate.
    pub lr: f32,
    /// Momentum for `momentum`; ignored otherwise.
    pub momentum: f32,
    /// Adam's first-moment decay.
    pub beta1: f32,
    /// Adam's second-moment decay.
    pub beta2: f32,
    /// Adam's denominator guard.
    pub eps: f32,
    /// L2 penalty ½·λ‖W‖² on weights (not biases), added to the gradient.
    pub weight_decay: f32,
    /// L1 penalty λ‖W‖₁ on weights (not biases).
    pub l1: f32,
    /// Minibatch size.
    pub batch_size: usize,
    /// Seed of every random choice; `None` picks a fresh one (and records it).
    pub seed: Option<u64>,
    /// Early stopping: epochs without a new best validation loss before stopping.
    pub patience: Option<u32>,
    /// Input corruption for a denoising autoencoder.
    pub noise: NoiseKind,
    /// Its strength (σ for gaussian, a fraction otherwise).
    pub noise_level: f32,
    /// Activity penalty on the code (sparse autoencoder).
    pub sparsity: SparsityKind,
    /// λ of the sparsity penalty.
    pub sparsity_weight: f32,
    /// ρ, the target mean activation of the KL sparsity penalty.
    pub sparsity_target: f32,
    /// λ of the contractive penalty ‖∂h/∂x‖²_F on the last encoder layer (0 = off).
    pub contractive: f32,
    /// β, the weight of the VAE's KL term (1 = the ELBO).
    pub beta: f32,
    /// Anomaly detection: leave this digit class out of training and validation
    /// (the test set keeps every class).
    pub exclude_class: Option<u8>,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            loss: LossKind::Mse,
            optimizer: OptimizerKind::Adam,
            lr: 2e-3,
            momentum: 0.9,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            l1: 0.0,
            batch_size: 64,
            seed: Some(1),
            patience: None,
            noise: NoiseKind::None,
            noise_level: 0.3,
            sparsity: SparsityKind::None,
            sparsity_weight: 1e-3,
            sparsity_target: 0.05,
            contractive: 0.0,
            beta: 1.0,
            exclude_class: None,
        }
    }
}

/// Model and training settings together: what a URL or a checkpoint carries.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The network.
    pub model: ModelConfig,
    /// The training run.
    pub train: TrainConfig,
}

impl ModelConfig {
    /// True for a convolutional model. Always false in the small build, which
    /// refuses them (so the compiler drops every conv branch from it).
    pub fn is_conv(&self) -> bool {
        cfg!(feature = "lab") && !self.conv.is_empty()
    }

    /// Hidden layers of the encoder (dense widths or conv blocks); the decoder mirrors them.
    pub fn hidden_layers(&self) -> usize {
        if self.is_conv() {
            self.conv.len()
        } else {
            self.encoder.len()
        }
    }

    /// Layer widths from input to bottleneck: `[input, encoder.., latent]`; for a
    /// conv model the hidden widths are the blocks' C·H·W.
    pub fn encoder_widths(&self) -> Vec<usize> {
        let mut w = Vec::with_capacity(self.encoder.len() + self.conv.len() + 2);
        if self.is_conv() {
            w.extend(self.conv_shapes().iter().map(ImageShape::len));
        } else {
            w.push(self.input);
            w.extend_from_slice(&self.encoder);
        }
        w.push(self.latent);
        w
    }

    /// Number of weights and biases in encoder plus mirrored decoder.
    pub fn param_count(&self) -> u64 {
        // u64: on wasm32 a usize would overflow for absurd (rejected) sizes before we can say so.
        let w: Vec<u64> = self.encoder_widths().iter().map(|&x| x as u64).collect();
        // A dense pair (a, b) has an a×b weight and b biases; its decoder mirror a b×a weight and a biases.
        let dense = |p: &[u64]| 2 * p[0] * p[1] + p[0] + p[1];
        if !self.is_conv() {
            return w.windows(2).map(dense).sum();
        }
        // A conv block from c to c' channels has c'·c·k² weights and c' biases; its
        // transposed mirror as many weights and c biases. Then the dense code layer.
        let shapes = self.conv_shapes();
        let blocks: u64 = shapes
            .windows(2)
            .zip(&self.conv)
            .map(|(s, b)| {
                let (c, c2, k) = (s[0].channels as u64, s[1].channels as u64, b.kernel as u64);
                2 * c * c2 * k * k + c + c2
            })
            .sum();
        blocks + dense(&w[w.len() - 2..])
    }
}

impl Config {
    /// The corruption the training config asks for.
    pub fn noise(&self) -> Noise {
        Noise { kind: self.train.noise, level: self.train.noise_level }
    }
}
