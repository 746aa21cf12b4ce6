//! The JavaScript facade: the only module that knows about wasm-bindgen. Configs
//! and stats cross as plain JS objects; images and codes as typed arrays;
//! every error becomes a JS `Error` with the engine's sentence.
//!
//! `mod.rs` holds the training handle; `explore.rs` the views of what was
//! learned (interpolation, metrics, filters); `inside.rs` what happens inside
//! the network (per-layer step sizes, activations, the VAE's Gaussian, one
//! step in slow motion); `pca_views.rs` those that need PCA
//! (latent map, PCA baseline); `apply.rs` the applications
//! (anomalies, features, imputation) and the AutoRec recommender;
//! `generated.rs` the generated data sets and trainers on rows of values; `bench.rs`
//! the roofline kernel for the benchmark page. Each method converts its
//! arguments, calls one thing of the core (`crate::explore`, `crate::analysis`,
//! ...) and converts the result or the error; the logic, and its tests, are there.

#[cfg(feature = "lab")]
mod apply;
#[cfg(feature = "lab")]
mod bench;
mod explore;
#[cfg(feature = "lab")]
mod generated;
mod inside;
#[cfg(feature = "lab")]
mod pca_views;
#[cfg(feature = "threads")]
mod pool_crash;

#[cfg(feature = "lab")]
pub use apply::Recommender;
#[cfg(feature = "lab")]
pub use bench::Roofline;
#[cfg(feature = "lab")]
pub use generated::{generate_data, read_table};
#[cfg(feature = "threads")]
pub use pool_crash::{debug_panic_on_pool, report_crashes_to};

use wasm_bindgen::prelude::*;

use crate::config::Config;
use crate::data::{self, Dataset};
use crate::train;

/// Installs the panic hook once, so a bug prints a readable stack in the console.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The threaded builds' pool (feature "threads"): the worker calls
/// `await initThreadPool(n)` once, right after the module starts and before
/// anything trains; the products then split across its `n` threads.
#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;

/// How many threads the products use: the pool's size in a threaded build
/// (after `initThreadPool`), 1 in the others.
#[wasm_bindgen(js_name = threadCount)]
pub fn thread_count() -> usize {
    crate::nn::gemm::threads()
}

pub(crate) fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsError> {
    // Maps (not JS Map objects) so the front end reads plain properties.
    let ser = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true).serialize_missing_as_null(true);
    value.serialize(&ser).map_err(|e| JsError::new(&format!("could not convert a result for JavaScript: {e}")))
}

/// The engine's error as a JS Error with its sentence.
pub(crate) fn err(e: crate::Error) -> JsError {
    JsError::new(&e.to_string())
}

/// The default config as a plain object: `{ model: {...}, train: {...} }`.
#[wasm_bindgen(js_name = defaultConfig)]
pub fn default_config() -> Result<JsValue, JsError> {
    to_js(&Config::default())
}

/// Parses a config object (missing keys take defaults); unknown keys are errors.
fn parse_config(value: JsValue) -> Result<Config, JsError> {
    parse_json(value, "config")
}

/// Parses a settings object; `undefined`/`null` give the defaults. A typo such
/// as `latnet` must be reported, not ignored, but serde-wasm-bindgen skips
/// unknown keys, so every key given is checked against the parsed result's own
/// shape (which has every known key). This keeps serde_json, and its 35 KB,
/// out of the download.
pub(crate) fn parse_json<T>(value: JsValue, what: &str) -> Result<T, JsError>
where
    T: serde::de::DeserializeOwned + serde::Serialize + Default,
{
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    let parsed: T =
        serde_wasm_bindgen::from_value(value.clone()).map_err(|e| JsError::new(&format!("invalid {what}: {e}")))?;
    check_keys(&value, &to_js(&parsed)?, what, "")?;
    Ok(parsed)
}

/// Fails on the first key of `given` (recursively, for plain objects) that `shape` lacks.
fn check_keys(given: &JsValue, shape: &JsValue, what: &str, path: &str) -> Result<(), JsError> {
    if !given.is_object() || js_sys::Array::is_array(given) || !shape.is_object() {
        return Ok(());
    }
    for key in js_sys::Object::keys(given.unchecked_ref::<js_sys::Object>()).iter() {
        let name = key.as_string().unwrap_or_default();
        let at = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
        if !js_sys::Reflect::has(shape, &key).unwrap_or(false) {
            let known = String::from(js_sys::Object::keys(shape.unchecked_ref::<js_sys::Object>()).join(", "));
            return Err(JsError::new(&format!("invalid {what}: unknown field `{at}`; expected one of {known}")));
        }
        let (g, s) = (js_sys::Reflect::get(given, &key), js_sys::Reflect::get(shape, &key));
        if let (Ok(g), Ok(s)) = (g, s) {
            check_keys(&g, &s, what, &at)?;
        }
    }
    Ok(())
}

/// A training run: owns the model, its optimiser and the digits.
#[wasm_bindgen]
pub struct Trainer {
    inner: train::Trainer,
    /// The fits the lab build's views keep between calls (PCA, the latent map's
    /// projection, the last anomaly report).
    #[cfg(feature = "lab")]
    views: crate::explore::Views,
}

impl Trainer {
    fn wrap(inner: train::Trainer) -> Trainer {
        Trainer {
            inner,
            #[cfg(feature = "lab")]
            views: Default::default(),
        }
    }
}

#[wasm_bindgen]
impl Trainer {
    /// Builds a trainer from a config object, `pixels` (n × 784 bytes) and
    /// `labels` (n bytes). Throws an Error saying what is wrong with either.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue, pixels: &[u8], labels: &[u8]) -> Result<Trainer, JsError> {
        let config = parse_config(config)?;
        let data = Dataset::new(pixels.to_vec(), labels.to_vec(), config.model.input).map_err(err)?;
        Ok(Trainer::wrap(train::Trainer::new(config, &data).map_err(err)?))
    }

    /// The trained model as a safetensors file (Uint8Array) with its config and
    /// a training summary in the metadata; Python's `safetensors` reads it.
    /// Lab build only.
    #[cfg(feature = "lab")]
    pub fn save(&mut self) -> Result<Vec<u8>, JsError> {
        self.inner.save().map_err(err)
    }

    /// A trainer holding the model saved in `bytes`, on the digits given.
    /// Throws with what is wrong if the file is not a model of this playground.
    /// Lab build only.
    #[cfg(feature = "lab")]
    pub fn load(bytes: &[u8], pixels: &[u8], labels: &[u8]) -> Result<Trainer, JsError> {
        let data = Dataset::new(pixels.to_vec(), labels.to_vec(), crate::config::MNIST_PIXELS).map_err(err)?;
        Ok(Trainer::wrap(train::Trainer::load(bytes, &data).map_err(err)?))
    }

    /// Every weight and bias, flat (Float32Array), for `restore` on a trainer
    /// with the same config: how the worker keeps a lab-build copy of a run.
    pub fn parameters(&mut self) -> Vec<f32> {
        self.inner.parameters()
    }

    /// Sets the weights from `parameters` (of a trainer with the same config)
    /// and the step and epoch counts. Throws if the length or a value is wrong.
    pub fn restore(&mut self, params: &[f32], step: f64, epoch: u32) -> Result<(), JsError> {
        if !((0.0..=9_007_199_254_740_991.0).contains(&step) && step.fract() == 0.0) {
            return Err(JsError::new("restore: step must be a whole number, 0 or more"));
        }
        self.inner.restore(params, step as u64, epoch).map_err(err)
    }

    /// `{ step, epoch }`: minibatches trained and epochs completed.
    pub fn progress(&self) -> Result<JsValue, JsError> {
        explore::object(&[
            ("step", JsValue::from_f64(self.inner.steps_done() as f64)),
            ("epoch", JsValue::from_f64(self.inner.epochs_done() as f64)),
        ])
    }

    /// Trains `n` minibatches; returns `{ step, epoch, batchLoss, samplesPerSec, valLoss, stopped }`.
    /// Throws if the loss diverges; the weights stay at the last good step.
    pub fn step(&mut self, n: u32) -> Result<JsValue, JsError> {
        let stats = self.inner.step(n).map_err(err)?;
        to_js(&stats)
    }

    /// Validation `{ valLoss, mse, psnr }`.
    pub fn evaluate(&mut self) -> Result<JsValue, JsError> {
        let stats = self.inner.evaluate().map_err(err)?;
        to_js(&stats)
    }

    /// Reconstructions of n images given as n × 784 floats in [0, 1].
    pub fn reconstruct(&mut self, pixels: &[f32]) -> Result<Vec<f32>, JsError> {
        let input = self.inner.config().model.input;
        let x = rows(pixels, input, "image")?;
        Ok(flat(self.inner.model_mut().reconstruct(x).map_err(err)?))
    }

    /// Codes (n × latent) of n images.
    pub fn encode(&mut self, pixels: &[f32]) -> Result<Vec<f32>, JsError> {
        let input = self.inner.config().model.input;
        let x = rows(pixels, input, "image")?;
        Ok(flat(self.inner.model_mut().encode(x).map_err(err)?))
    }

    /// Images (n × 784) decoded from n codes (n × latent floats).
    pub fn decode(&mut self, codes: &[f32]) -> Result<Vec<f32>, JsError> {
        let latent = self.inner.config().model.latent;
        let z = rows(codes, latent, "code")?;
        Ok(flat(self.inner.model_mut().decode(z).map_err(err)?))
    }

    /// The first `n` validation digits as floats in [0, 1] (the same ones every run).
    #[wasm_bindgen(js_name = validationImages)]
    pub fn validation_images(&self, n: usize) -> Vec<f32> {
        flat(self.inner.data().validation.to_matrix(n))
    }

    /// `n` images decoded from codes drawn from the prior N(0, I) — the VAE's samples.
    pub fn sample(&mut self, n: usize) -> Result<Vec<f32>, JsError> {
        Ok(flat(self.inner.sample(n).map_err(err)?))
    }

    /// Corrupted copies of n images (n × 784 floats) with the run's noise setting,
    /// always the same corruption for the same images (what the denoise lesson shows).
    pub fn corrupt(&self, pixels: &[f32]) -> Result<Vec<f32>, JsError> {
        let input = self.inner.config().model.input;
        let x = rows(pixels, input, "image")?;
        Ok(flat(self.inner.corrupt(x, train::DISPLAY_NOISE_SEED)))
    }

    /// Mean activation of each code unit over the validation digits.
    #[wasm_bindgen(js_name = codeActivations)]
    pub fn code_activations(&mut self) -> Result<Vec<f32>, JsError> {
        self.inner.code_activations().map_err(err)
    }

    /// Labels of the first `n` validation digits.
    #[wasm_bindgen(js_name = validationLabels)]
    pub fn validation_labels(&self, n: usize) -> Vec<u8> {
        self.inner.data().validation.first_labels(n).to_vec()
    }

    /// `{ steps, losses, epochs: [{ epoch, step, trainLoss, valLoss, valMse }] }`.
    pub fn history(&self) -> Result<JsValue, JsError> {
        to_js(self.inner.history())
    }

    /// The config in use, with the seed filled in.
    pub fn config(&self) -> Result<JsValue, JsError> {
        to_js(self.inner.config())
    }

    /// Changes the learning rate; after a divergence, also lets training resume
    /// from the weights of a little earlier: returns their step, or null.
    #[wasm_bindgen(js_name = setLearningRate)]
    pub fn set_learning_rate(&mut self, lr: f32) -> Result<Option<f64>, JsError> {
        Ok(self.inner.set_learning_rate(lr).map_err(err)?.map(|s| s as f64))
    }

    /// Size of the code.
    #[wasm_bindgen(getter, js_name = latentSize)]
    pub fn latent_size(&self) -> usize {
        self.inner.config().model.latent
    }
}

/// Views a flat slice from JS as rows of `width` (`data::rows` checks it).
/// Not inlined: a dozen methods call it, and the download is smaller with one copy.
#[inline(never)]
pub(crate) fn rows<'a>(values: &'a [f32], width: usize, what: &str) -> Result<ndarray::ArrayView2<'a, f32>, JsError> {
    data::rows(values, width, what).map_err(err)
}

/// The row-major values of a standard-layout matrix, without a copy.
pub(crate) fn flat(m: ndarray::Array2<f32>) -> Vec<f32> {
    let m = if m.is_standard_layout() { m } else { m.as_standard_layout().into_owned() };
    m.into_raw_vec_and_offset().0
}
