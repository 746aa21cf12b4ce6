//! Save and load a trained model: the weights as safetensors (f32, one tensor
//! per weight matrix and bias vector, named like `encoder.0.weight`), with the
//! config and a training summary as JSON strings in the file's metadata, so
//! Python's `safetensors` package reads it as it is. Loading checks every name,
//! shape and value and rejects anything else with a sentence saying what.
//!
//! Weights are stored as this engine uses them, in_features × out_features
//! (y = x·W + b); PyTorch's `nn.Linear.weight` is the transpose.

use safetensors::tensor::{Dtype, SafeTensors, TensorView};
use serde::{Deserialize, Serialize};

use crate::config::{Config, ModelConfig, ModelKind};
use crate::error::{Error, Result};
use crate::model::Autoencoder;

/// The format tag written to and required in the metadata.
pub const FORMAT: &str = "autoencoder-playground/1";
/// Largest file accepted: the parameter cap (20 M f32) plus headroom.
pub const MAX_BYTES: usize = 100 * 1024 * 1024;

/// What the run had achieved when it was saved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Summary {
    /// Minibatches trained.
    pub step: u64,
    /// Epochs completed.
    pub epoch: u32,
    /// Validation loss at saving time, if known.
    pub val_loss: Option<f32>,
    /// Validation MSE at saving time, if known.
    pub val_mse: Option<f32>,
}

/// A model read back from a file.
pub struct Loaded {
    /// The config it was trained with.
    pub config: Config,
    /// Its training summary.
    pub summary: Summary,
    /// The model with its weights.
    pub model: Autoencoder,
}

/// Names and shapes of every parameter tensor, in `Autoencoder::params_and_grads` order.
pub fn layout(cfg: &ModelConfig) -> Vec<(String, Vec<usize>)> {
    let w = cfg.encoder_widths();
    let mut out = Vec::new();
    let mut linear = |name: String, a: usize, b: usize| {
        out.push((format!("{name}.weight"), vec![a, b]));
        out.push((format!("{name}.bias"), vec![b]));
    };
    let hidden = w.len() - 2;
    for i in 0..hidden {
        linear(format!("encoder.{i}"), w[i], w[i + 1]);
    }
    match cfg.kind {
        ModelKind::Autoencoder => linear("code".into(), w[hidden], cfg.latent),
        ModelKind::Vae => {
            linear("code.mu".into(), w[hidden], cfg.latent);
            linear("code.logvar".into(), w[hidden], cfg.latent);
        }
    }
    let rev: Vec<usize> = w.iter().rev().copied().collect();
    for i in 0..rev.len() - 1 {
        linear(format!("decoder.{i}"), rev[i], rev[i + 1]);
    }
    out
}

fn to_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// The model as a safetensors file, with `config` and `summary` in its metadata.
pub fn save(model: &mut Autoencoder, config: &Config, summary: &Summary) -> Result<Vec<u8>> {
    let params = model.export_params();
    let mut at = 0;
    let mut tensors = Vec::new();
    for (name, shape) in layout(&config.model) {
        let n: usize = shape.iter().product();
        tensors.push((name, shape, to_bytes(&params[at..at + n])));
        at += n;
    }
    let views = tensors
        .iter()
        .map(|(name, shape, bytes)| {
            Ok((name.as_str(), TensorView::new(Dtype::F32, shape.clone(), bytes).map_err(st_err)?))
        })
        .collect::<Result<Vec<_>>>()?;
    let metadata = [
        ("format".to_string(), FORMAT.to_string()),
        ("config".to_string(), to_json(config)?),
        ("summary".to_string(), to_json(summary)?),
    ];
    safetensors::serialize(views, Some(metadata.into_iter().collect())).map_err(st_err)
}

fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Data(format!("could not write the metadata: {e}")))
}

fn st_err(e: safetensors::SafeTensorError) -> Error {
    Error::Data(format!("not a valid safetensors file: {e}"))
}

/// Reads a file written by `save`: checks the format tag, the config, and that
/// the tensors are exactly the model's (names, f32, shapes, finite values).
pub fn load(bytes: &[u8]) -> Result<Loaded> {
    if bytes.len() > MAX_BYTES {
        return Err(Error::Data(format!(
            "the file is {} bytes; a model file is at most {MAX_BYTES} bytes",
            bytes.len()
        )));
    }
    let (_, meta) = SafeTensors::read_metadata(bytes).map_err(st_err)?;
    let info = meta
        .metadata()
        .as_ref()
        .ok_or_else(|| Error::Data("the file has no metadata; it was not saved by Autoencoder Playground".into()))?;
    let get = |key: &str| {
        info.get(key).ok_or_else(|| {
            Error::Data(format!("the file's metadata lacks \"{key}\"; it was not saved by Autoencoder Playground"))
        })
    };
    let format = get("format")?;
    if format != FORMAT {
        return Err(Error::Data(format!("the file's format is \"{format}\"; this version reads \"{FORMAT}\"")));
    }
    let config: Config = serde_json::from_str(get("config")?)
        .map_err(|e| Error::Data(format!("the file's config is not valid: {e}")))?;
    config.model.validate()?;
    let summary: Summary = serde_json::from_str(get("summary")?)
        .map_err(|e| Error::Data(format!("the file's training summary is not valid: {e}")))?;
    let file = SafeTensors::deserialize(bytes).map_err(st_err)?;
    let expected = layout(&config.model);
    let mut names: Vec<&str> = file.names();
    names.sort_unstable();
    if let Some(extra) = names.iter().find(|n| !expected.iter().any(|(e, _)| e == *n)) {
        return Err(Error::Data(format!("the file has a tensor \"{extra}\" that this model does not have")));
    }
    let mut params = Vec::new();
    for (name, shape) in &expected {
        let t = file.tensor(name).map_err(|_| Error::Data(format!("the file lacks the tensor \"{name}\"")))?;
        if t.dtype() != Dtype::F32 {
            return Err(Error::Data(format!("tensor \"{name}\" is {:?}; weights must be F32", t.dtype())));
        }
        if t.shape() != shape.as_slice() {
            return Err(Error::Shape(format!(
                "tensor \"{name}\" has shape {:?}; the config needs {shape:?}",
                t.shape()
            )));
        }
        for chunk in t.data().chunks_exact(4) {
            let v = f32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
            if !v.is_finite() {
                return Err(Error::Data(format!("tensor \"{name}\" holds {v}; every weight must be a finite number")));
            }
            params.push(v);
        }
    }
    let mut model = Autoencoder::new(&config.model, config.train.seed.unwrap_or(0))?;
    model.import_params(&params)?;
    Ok(Loaded { config, summary, model })
}
