//! Inside the network: every layer's output after its activation, the units a
//! ReLU has switched off for good, and the VAE's Gaussian — read from the
//! buffers the latest forward pass left in the layers, so nothing is computed
//! twice.

use ndarray::{Array2, ArrayView2, Axis};
use serde::Serialize;

use super::autoencoder::{Autoencoder, Head};
use crate::config::{ModelConfig, ModelKind};
use crate::error::{Error, Result};
use crate::nn::Activation;

/// Names of the model's Linear layers in parameter order: the prefixes of the
/// checkpoint's tensors (`encoder.0`, …, `code` or `code.mu` and `code.logvar`,
/// `decoder.0`, …).
pub fn layer_names(cfg: &ModelConfig) -> Vec<String> {
    let hidden = cfg.hidden_layers();
    let mut names: Vec<String> = (0..hidden).map(|i| format!("encoder.{i}")).collect();
    match cfg.kind {
        ModelKind::Autoencoder => names.push("code".into()),
        ModelKind::Vae => names.extend(["code.mu".into(), "code.logvar".into()]),
    }
    names.extend((0..=hidden).map(|i| format!("decoder.{i}")));
    names
}

/// Where a layer sits in the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LayerKind {
    /// The pixels going in.
    Input,
    /// A hidden layer of the encoder or decoder.
    Hidden,
    /// The code (the VAE's μ).
    Code,
    /// The reconstruction.
    Output,
}

impl LayerKind {
    /// The name JavaScript sees.
    pub fn name(self) -> &'static str {
        match self {
            LayerKind::Input => "input",
            LayerKind::Hidden => "hidden",
            LayerKind::Code => "code",
            LayerKind::Output => "output",
        }
    }
}

/// One layer's output for a batch (rows = images), after its activation.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerOutput {
    /// The checkpoint's prefix (`encoder.0`, `code`, `code.mu`, `decoder.2`) or `input`.
    pub name: String,
    /// Where it sits.
    pub kind: LayerKind,
    /// The activation applied (identity for the input).
    pub activation: Activation,
    /// batch × width.
    pub values: Array2<f32>,
}

/// The ReLU units of one layer that are ≤ 0 on every image of a set.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadUnits {
    /// The layer's name.
    pub name: String,
    /// 1 for a dead unit, per unit; empty for a layer without ReLU.
    pub dead: Vec<u8>,
    /// How many are dead.
    pub count: usize,
}

/// What `visit_outputs` hands over per layer: name, place, activation, output (batch × width).
pub(crate) type OutputVisitor<'f> = dyn FnMut(String, LayerKind, Activation, ArrayView2<f32>) + 'f;

impl Autoencoder {
    /// Calls `f` with each layer's output from the latest forward pass (after
    /// its activation, before dropout), input excluded: the encoder's hidden
    /// layers, the code (the VAE's μ), the decoder's hidden layers and the output.
    pub(crate) fn visit_outputs(&self, f: &mut OutputVisitor<'_>) {
        let cfg = &self.config;
        // Linear, activation and, with dropout, a Dropout per hidden layer.
        let stride = 2 + usize::from(cfg.dropout > 0.0);
        let hidden = cfg.hidden_layers();
        for i in 0..hidden {
            f(format!("encoder.{i}"), LayerKind::Hidden, cfg.activation, self.body.output(i * stride + 1));
        }
        match &self.head {
            Head::Code { act, h, .. } => f("code".into(), LayerKind::Code, *act, h.view()),
            Head::Gaussian(g) => f("code.mu".into(), LayerKind::Code, Activation::Identity, g.mean()),
        }
        for i in 0..hidden {
            f(format!("decoder.{i}"), LayerKind::Hidden, cfg.activation, self.decoder.output(i * stride + 1));
        }
        f(format!("decoder.{hidden}"), LayerKind::Output, cfg.output, self.out.view());
    }

    /// Every layer's output for a batch `x`, in evaluation mode (no dropout,
    /// the VAE's code is μ), the input first: the last entry equals `reconstruct(x)`.
    pub fn activations(&mut self, x: ArrayView2<f32>) -> Result<Vec<LayerOutput>> {
        self.check_cols(&x, self.config.input, "image")?;
        self.forward_eval(x);
        let mut out = vec![LayerOutput {
            name: "input".into(),
            kind: LayerKind::Input,
            activation: Activation::Identity,
            values: x.to_owned(),
        }];
        self.visit_outputs(&mut |name, kind, activation, v| {
            out.push(LayerOutput { name, kind, activation, values: v.to_owned() })
        });
        Ok(out)
    }

    /// Per layer (input excluded), the ReLU units whose output is ≤ 0 on every
    /// image of `x` (evaluation mode). Layers whose activation is not ReLU
    /// report none (an empty `dead`): leaky ReLU, sigmoid and tanh never stop
    /// passing a gradient.
    pub fn dead_units(&mut self, x: ArrayView2<f32>) -> Result<Vec<DeadUnits>> {
        self.check_cols(&x, self.config.input, "image")?;
        self.forward_eval(x);
        let mut out = Vec::new();
        self.visit_outputs(&mut |name, _, activation, v| {
            let dead: Vec<u8> = if activation == Activation::Relu {
                v.axis_iter(Axis(1)).map(|unit| u8::from(unit.iter().all(|&a| a <= 0.0))).collect()
            } else {
                Vec::new()
            };
            let count = dead.iter().filter(|&&d| d == 1).count();
            out.push(DeadUnits { name, dead, count });
        });
        Ok(out)
    }

    /// The VAE's Gaussian for a batch: (μ, log σ²), each batch × latent.
    /// A plain autoencoder has none and says so.
    pub fn encode_distribution(&mut self, x: ArrayView2<f32>) -> Result<(Array2<f32>, Array2<f32>)> {
        if !matches!(self.head, Head::Gaussian(_)) {
            return Err(Error::config(
                "model.kind",
                "only a VAE encodes a Gaussian (μ and log σ²); this model is a plain autoencoder, whose code is one point",
            ));
        }
        self.check_cols(&x, self.config.input, "image")?;
        self.code_pass(x);
        match &self.head {
            Head::Gaussian(g) => Ok((g.mean().to_owned(), g.log_var().to_owned())),
            Head::Code { .. } => unreachable!("checked above"),
        }
    }
}
