//! Save and load a trained model: the weights as safetensors (f32, one tensor
//! per weight matrix and bias vector, named like `encoder.0.weight`), with the
//! config and a training summary as JSON strings in the file's metadata, so
//! Python's `safetensors` package reads it as it is. Loading checks every name,
//! shape and value and rejects anything else with a sentence saying what
//! the file is and what was expected (`sniff` tells other kinds of file and
//! damaged ones apart before the safetensors reader sees them).
//!
//! Dense weights are stored as this engine uses them, in_features × out_features
//! (y = x·W + b); PyTorch's `nn.Linear.weight` is the transpose. Convolution
//! kernels are stored as PyTorch stores them (see `layout`).

use safetensors::tensor::{Dtype, SafeTensors, TensorView};
use serde::{Deserialize, Serialize};

use crate::config::{Config, ModelConfig, ModelKind};
use crate::error::{Error, FileProblem, Result};
use crate::model::Autoencoder;

mod sniff;

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
/// A conv model's blocks are `encoder.i` ([out, in, kH, kW], PyTorch's Conv2d)
/// and their mirrors `decoder.j` for j ≥ 1 ([in, out, kH, kW], PyTorch's
/// ConvTranspose2d); the dense `code` and `decoder.0` layers are as above.
pub fn layout(cfg: &ModelConfig) -> Vec<(String, Vec<usize>)> {
    let w = cfg.encoder_widths();
    let mut out = Vec::new();
    let mut tensor = |name: String, weight: Vec<usize>, bias: usize| {
        out.push((format!("{name}.weight"), weight));
        out.push((format!("{name}.bias"), vec![bias]));
    };
    let hidden = w.len() - 2;
    let shapes = cfg.conv_shapes();
    let kernel = |i: usize| cfg.conv[i].kernel;
    for i in 0..hidden {
        if cfg.is_conv() {
            let (c_in, c_out) = (shapes[i].channels, shapes[i + 1].channels);
            tensor(format!("encoder.{i}"), vec![c_out, c_in, kernel(i), kernel(i)], c_out);
        } else {
            tensor(format!("encoder.{i}"), vec![w[i], w[i + 1]], w[i + 1]);
        }
    }
    let code = vec![w[hidden], cfg.latent];
    match cfg.kind {
        ModelKind::Autoencoder => tensor("code".into(), code, cfg.latent),
        ModelKind::Vae => {
            tensor("code.mu".into(), code.clone(), cfg.latent);
            tensor("code.logvar".into(), code, cfg.latent);
        }
    }
    let rev: Vec<usize> = w.iter().rev().copied().collect();
    for j in 0..rev.len() - 1 {
        if cfg.is_conv() && j > 0 {
            // decoder.j mirrors block i = hidden − j: from its output channels back to its input's.
            let i = hidden - j;
            let (c_in, c_out) = (shapes[i + 1].channels, shapes[i].channels);
            tensor(format!("decoder.{j}"), vec![c_in, c_out, kernel(i), kernel(i)], c_out);
        } else {
            tensor(format!("decoder.{j}"), vec![rev[j], rev[j + 1]], rev[j + 1]);
        }
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
/// Anything else is an `Error::ModelFile` saying what the file is instead.
pub fn load(bytes: &[u8]) -> Result<Loaded> {
    sniff::check(bytes)?;
    let (_, meta) = SafeTensors::read_metadata(bytes).map_err(|e| sniff::explain(e, bytes))?;
    let info = meta.metadata().as_ref();
    let format = info
        .and_then(|m| m.get("format"))
        .ok_or_else(|| bad(FileProblem::Foreign { first_tensor: meta.offset_keys().into_iter().next() }))?;
    if format != FORMAT {
        return Err(bad(FileProblem::OtherFormat { found: format.clone(), expected: FORMAT }));
    }
    let entry =
        |key: &'static str| info.and_then(|m| m.get(key)).ok_or(bad(FileProblem::BadMetadata { key, detail: None }));
    let unreadable = |key, e: serde_json::Error| bad(FileProblem::BadMetadata { key, detail: Some(json_detail(&e)) });
    let config: Config = serde_json::from_str(entry("config")?).map_err(|e| unreadable("config", e))?;
    // Every check but the batch size against the digits at hand (Trainer::new does that one).
    config.validate(usize::MAX).map_err(|e| bad(FileProblem::Refused(Box::new(e))))?;
    let summary: Summary = serde_json::from_str(entry("summary")?).map_err(|e| unreadable("summary", e))?;
    let file = SafeTensors::deserialize(bytes).map_err(|e| sniff::explain(e, bytes))?;
    let expected = layout(&config.model);
    let mut names: Vec<&str> = file.names();
    names.sort_unstable();
    if let Some(extra) = names.iter().find(|n| !expected.iter().any(|(e, _)| e == *n)) {
        return Err(bad(FileProblem::ExtraTensor { name: extra.to_string() }));
    }
    let mut params = Vec::new();
    for (name, shape) in &expected {
        let t = file.tensor(name).map_err(|_| bad(FileProblem::MissingTensor { name: name.clone() }))?;
        if t.dtype() != Dtype::F32 {
            return Err(bad(FileProblem::TensorType { name: name.clone(), dtype: format!("{:?}", t.dtype()) }));
        }
        if t.shape() != shape.as_slice() {
            let (found, expected) = (t.shape().to_vec(), shape.clone());
            return Err(bad(FileProblem::TensorShape { name: name.clone(), found, expected }));
        }
        for chunk in t.data().chunks_exact(4) {
            let v = f32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
            if !v.is_finite() {
                return Err(bad(FileProblem::NotFinite { name: name.clone(), value: v }));
            }
            params.push(v);
        }
    }
    let mut model = Autoencoder::new(&config.model, config.train.seed.unwrap_or(0))?;
    model.import_params(&params)?;
    Ok(Loaded { config, summary, model })
}

fn bad(problem: FileProblem) -> Error {
    Error::ModelFile(problem)
}

/// What is wrong with a metadata entry's JSON, in words: serde's own only where
/// it names a field or value (`unknown field `latnet``), without its position.
fn json_detail(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Eof => "its JSON stops in the middle".into(),
        Category::Syntax | Category::Io => "it is not valid JSON".into(),
        Category::Data => {
            let text = e.to_string();
            text.rsplit_once(" at line ").map_or(text.clone(), |(what, _)| what.to_string())
        }
    }
}
