//! Views of what a model learned, for the latent-space, metrics and filters
//! lessons (`crate::explore`).

use js_sys::{Float32Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use super::{err, flat, rows, to_js, Trainer};
use crate::explore;

/// A plain JS object from (key, value) pairs; typed arrays stay typed arrays.
pub(crate) fn object(fields: &[(&str, JsValue)]) -> Result<JsValue, JsError> {
    let o = Object::new();
    for (k, v) in fields {
        Reflect::set(&o, &JsValue::from_str(k), v).map_err(|_| JsError::new("could not build a result object"))?;
    }
    Ok(o.into())
}

pub(crate) fn f32s(v: &[f32]) -> JsValue {
    Float32Array::from(v).into()
}

#[wasm_bindgen]
impl Trainer {
    /// The decoded path between the codes of images `a` and `b` in `steps`
    /// points (2 to 64, both ends included): Float32Array steps×784.
    pub fn interpolate(&mut self, a: &[f32], b: &[f32], steps: usize) -> Result<Vec<f32>, JsError> {
        let input = self.inner.config().model.input;
        let (xa, xb) = (rows(a, input, "image")?, rows(b, input, "image")?);
        Ok(flat(explore::interpolate(self.inner.model_mut(), xa, xb, steps).map_err(err)?))
    }

    /// Per-image quality of the reconstructions of n images:
    /// `{ mse, bce, psnr, ssim, msSsim }`, each a Float32Array of n values.
    pub fn quality(&mut self, pixels: &[f32]) -> Result<JsValue, JsError> {
        let x = rows(pixels, self.inner.config().model.input, "image")?;
        let q = explore::quality(self.inner.model_mut(), x).map_err(err)?;
        let columns = [("mse", &q.mse), ("bce", &q.bce), ("psnr", &q.psnr), ("ssim", &q.ssim), ("msSsim", &q.ms_ssim)];
        object(&columns.map(|(name, values)| (name, f32s(values))))
    }

    /// Mean quality over the validation digits: `{ mse, bce, psnr, ssim, msSsim }`
    /// (PSNR of the mean MSE, as the evaluation reports it).
    #[wasm_bindgen(js_name = qualitySummary)]
    pub fn quality_summary(&mut self) -> Result<JsValue, JsError> {
        to_js(&explore::validation_quality(&mut self.inner).map_err(err)?)
    }

    /// The filters: `{ encoder: Float32Array 784×units (column j is unit j's
    /// input weights), decoder: Float32Array units×784 (row j is unit j's
    /// output pattern), units }`.
    pub fn filters(&mut self) -> Result<JsValue, JsError> {
        let (enc, dec) = self.inner.model_mut().filters();
        let units = enc.ncols();
        object(&[("encoder", f32s(&flat(enc))), ("decoder", f32s(&flat(dec))), ("units", units.into())])
    }
}
