//! Inside the network (`crate::model::inside`, `crate::train::inside`): the
//! last step's per-layer gradient and update sizes and the VAE's Gaussian
//! (small build); activations, dead units and one step in slow motion (lab build).

#[cfg(feature = "lab")]
use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;

use super::explore::{f32s, object};
#[cfg(feature = "lab")]
use super::to_js;
use super::{err, flat, rows, Trainer};

fn names(names: &[String]) -> JsValue {
    names.iter().map(|n| JsValue::from_str(n)).collect::<js_sys::Array>().into()
}

#[wasm_bindgen]
impl Trainer {
    /// Turns the sums behind `layerStats` on or off for every following step
    /// (off by default: with Adam about 4% of the default model's step, up to a
    /// tenth otherwise); off also forgets `layerStats(true)`'s next step.
    /// Training is bit for bit the same either way.
    #[wasm_bindgen(js_name = trackLayerStats)]
    pub fn track_layer_stats(&mut self, on: bool) {
        self.inner.track_layer_stats(on);
    }

    /// What the latest step summed did to each Linear layer's weight (biases
    /// apart): `{ names: string[], gradNorm, weightNorm, updateRatio, step }`,
    /// each of the first a Float32Array with one value per layer (zeros before
    /// a step was summed), `step` the step they are of (0: none). With
    /// `sampleNext` true the next step sums, once: a view that reads now and
    /// then gets a recent step's sums at the cost of one step's.
    #[wasm_bindgen(js_name = layerStats)]
    pub fn layer_stats(&mut self, sample_next: Option<bool>) -> Result<JsValue, JsError> {
        let s = self.inner.layer_stats();
        if sample_next == Some(true) {
            self.inner.sample_layer_stats();
        }
        object(&[
            ("names", names(&s.names)),
            ("gradNorm", f32s(&s.grad_norm)),
            ("weightNorm", f32s(&s.weight_norm)),
            ("updateRatio", f32s(&s.update_ratio)),
            ("step", JsValue::from_f64(s.step as f64)),
        ])
    }

    /// The VAE's Gaussian for n images: `{ mu, logVar }`, each a Float32Array
    /// n×latent. Throws for a plain autoencoder.
    #[wasm_bindgen(js_name = encodeDistribution)]
    pub fn encode_distribution(&mut self, pixels: &[f32]) -> Result<JsValue, JsError> {
        let x = rows(pixels, self.inner.config().model.input, "image")?;
        let (mu, log_var) = self.inner.model_mut().encode_distribution(x).map_err(err)?;
        object(&[("mu", f32s(&flat(mu))), ("logVar", f32s(&flat(log_var)))])
    }
}

#[cfg(feature = "lab")]
fn opt(v: Option<f32>) -> JsValue {
    v.map_or(JsValue::NULL, |v| JsValue::from_f64(v as f64))
}

#[cfg(feature = "lab")]
fn num(v: f32) -> JsValue {
    JsValue::from_f64(v as f64)
}

#[cfg(feature = "lab")]
#[wasm_bindgen]
impl Trainer {
    /// Every layer's output for one image (784 floats), in evaluation mode:
    /// `{ layers: [{ name, kind: 'input'|'hidden'|'code'|'output', activation, values: Float32Array }] }`.
    /// Lab build only.
    pub fn activations(&mut self, pixels: &[f32]) -> Result<JsValue, JsError> {
        let x = rows(pixels, self.inner.config().model.input, "image")?;
        if x.nrows() != 1 {
            return Err(JsError::new(&format!("activations takes one image, got {}", x.nrows())));
        }
        let layers = self.inner.model_mut().activations(x).map_err(err)?;
        let list = Array::new();
        for l in layers {
            list.push(&object(&[
                ("name", JsValue::from_str(&l.name)),
                ("kind", JsValue::from_str(l.kind.name())),
                ("activation", JsValue::from_str(l.activation.name())),
                ("values", f32s(&flat(l.values))),
            ])?);
        }
        object(&[("layers", list.into())])
    }

    /// The ReLU units that are ≤ 0 on every validation digit:
    /// `{ layers: [{ name, dead: Uint8Array (1 = dead; empty for a layer without ReLU), count }] }`.
    /// Lab build only.
    #[wasm_bindgen(js_name = deadUnits)]
    pub fn dead_units(&mut self) -> Result<JsValue, JsError> {
        let (model, data) = self.inner.model_and_data();
        let x = data.validation.to_matrix(usize::MAX);
        let list = Array::new();
        for d in model.dead_units(x.view()).map_err(err)? {
            list.push(&object(&[
                ("name", JsValue::from_str(&d.name)),
                ("dead", Uint8Array::from(&d.dead[..]).into()),
                ("count", JsValue::from_f64(d.count as f64)),
            ])?);
        }
        object(&[("layers", list.into())])
    }

    /// Takes ONE real training step on the next `batch_size` (1 to 16) digits
    /// and returns every stage, following weight `{ layer, index }` through the
    /// optimiser (see docs/wasm-api.md for the shape). Lab build only.
    #[wasm_bindgen(js_name = traceStep)]
    pub fn trace_step(&mut self, batch_size: usize, weight: JsValue) -> Result<JsValue, JsError> {
        let field = |k: &str| js_sys::Reflect::get(&weight, &JsValue::from_str(k)).ok();
        let layer = field("layer").and_then(|v| v.as_string());
        let index = field("index").and_then(|v| v.as_f64()).filter(|i| *i >= 0.0 && i.fract() == 0.0);
        let (Some(layer), Some(index)) = (layer, index) else {
            return Err(JsError::new(
                "traceStep: weight must be { layer: 'encoder.0', index: a whole number, 0 or more }",
            ));
        };
        let t = self.inner.trace_step(batch_size, &layer, index as usize).map_err(err)?;
        let layers = Array::new();
        for (name, out) in t.layers {
            layers.push(&object(&[("name", JsValue::from_str(&name)), ("output", f32s(&flat(out)))])?);
        }
        let grads = Array::new();
        for (name, norm, grad) in &t.grads {
            grads.push(&object(&[("name", JsValue::from_str(name)), ("gradNorm", num(*norm)), ("grad", f32s(grad))])?);
        }
        let (o, w) = (&t.optimizer, &t.optimizer.weight);
        let weight = object(&[
            ("layer", JsValue::from_str(&w.layer)),
            ("index", JsValue::from_f64(w.index as f64)),
            ("before", num(w.before)),
            ("grad", num(w.grad)),
            ("m", opt(w.m)),
            ("v", opt(w.v)),
            ("mHat", opt(w.m_hat)),
            ("vHat", opt(w.v_hat)),
            ("update", num(w.update)),
            ("after", num(w.after)),
        ])?;
        let optimizer = object(&[
            ("kind", to_js(&o.kind)?),
            ("lr", num(o.lr)),
            ("beta1", opt(o.beta1)),
            ("beta2", opt(o.beta2)),
            ("eps", opt(o.eps)),
            ("t", JsValue::from_f64(o.t as f64)),
            ("weight", weight),
        ])?;
        let new_weights: Vec<(&str, JsValue)> = t.new_weights.iter().map(|(n, v)| (n.as_str(), f32s(v))).collect();
        object(&[
            ("step", JsValue::from_f64(t.step as f64)),
            ("batch", f32s(&flat(t.batch))),
            ("input", f32s(&flat(t.input))),
            ("layers", layers.into()),
            ("loss", num(t.terms.total)),
            ("lossTerms", to_js(&t.terms)?),
            ("grads", grads.into()),
            ("optimizer", optimizer),
            ("newWeights", object(&new_weights)?),
            ("lossAfter", num(t.loss_after)),
        ])
    }
}
