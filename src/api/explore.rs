//! Views of what a model learned, for the latent-space, PCA, metrics and
//! filters lessons.

use js_sys::{Float32Array, Object, Reflect};
use ndarray::{Array2, Axis};
use wasm_bindgen::prelude::*;

use super::{err, flat, rows, Trainer};
use crate::metrics;

/// Fits kept between calls: PCA of the training digits (depends on the data and
/// k only) and the 2-D projection of the codes from the last `latentMap`
/// (pca_views.rs), and the last anomaly scores (apply.rs).
#[derive(Default)]
pub(crate) struct Cache {
    #[cfg(feature = "lab")]
    pub(crate) pca: Option<crate::pca::Pca>,
    #[cfg(feature = "lab")]
    pub(crate) projection: Option<crate::pca::Pca>,
    #[cfg(feature = "lab")]
    pub(crate) anomaly: Option<super::apply::AnomalyCache>,
}

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

const SIDE: usize = 28;

#[wasm_bindgen]
impl Trainer {
    /// The decoded path between the codes of images `a` and `b` in `steps`
    /// points (both ends included): Float32Array steps×784.
    pub fn interpolate(&mut self, a: &[f32], b: &[f32], steps: usize) -> Result<Vec<f32>, JsError> {
        if !(2..=64).contains(&steps) {
            return Err(JsError::new(&format!("interpolate: steps must be between 2 and 64, got {steps}")));
        }
        let input = self.inner.config().model.input;
        let (xa, xb) = (rows(a, input, "image")?, rows(b, input, "image")?);
        if xa.nrows() != 1 || xb.nrows() != 1 {
            return Err(JsError::new("interpolate: a and b must be one image each"));
        }
        let model = self.inner.model_mut();
        let (za, zb) = (model.encode(xa).map_err(err)?, model.encode(xb).map_err(err)?);
        let mut z = Array2::zeros((steps, za.ncols()));
        for (i, mut row) in z.axis_iter_mut(Axis(0)).enumerate() {
            let t = i as f32 / (steps - 1) as f32;
            row.assign(&(&za.row(0) * (1.0 - t) + &zb.row(0) * t));
        }
        Ok(flat(model.decode(z.view()).map_err(err)?))
    }

    /// Per-image quality of the reconstructions of n images:
    /// `{ mse, bce, psnr, ssim, msSsim }`, each a Float32Array of n values.
    pub fn quality(&mut self, pixels: &[f32]) -> Result<JsValue, JsError> {
        let x = rows(pixels, self.inner.config().model.input, "image")?;
        let y = self.inner.model_mut().reconstruct(x).map_err(err)?;
        let mut cols: [Vec<f32>; 5] = Default::default();
        for (a, b) in y.axis_iter(Axis(0)).zip(x.axis_iter(Axis(0))) {
            let (a, b) = (a.to_slice().expect("rows are contiguous"), b.to_vec());
            cols[0].push(metrics::mse(a, &b).map_err(err)?);
            cols[1].push(metrics::bce(a, &b).map_err(err)?);
            cols[2].push(metrics::psnr(a, &b).map_err(err)?);
            cols[3].push(metrics::ssim(a, &b, SIDE, SIDE).map_err(err)?);
            cols[4].push(metrics::ms_ssim(a, &b, SIDE, SIDE).map_err(err)?);
        }
        let names = ["mse", "bce", "psnr", "ssim", "msSsim"];
        let fields: Vec<(&str, JsValue)> = names.iter().zip(cols.iter()).map(|(n, c)| (*n, f32s(c))).collect();
        object(&fields)
    }

    /// Mean quality over the validation digits: `{ mse, bce, psnr, ssim, msSsim }`
    /// (PSNR of the mean MSE, as the evaluation reports it).
    #[wasm_bindgen(js_name = qualitySummary)]
    pub fn quality_summary(&mut self) -> Result<JsValue, JsError> {
        let x = self.inner.data().validation.to_matrix(usize::MAX);
        let y = self.inner.model_mut().reconstruct(x.view()).map_err(err)?;
        let mse = metrics::mse_batch(y.view(), x.view()).map_err(err)?;
        object(&[
            ("mse", mse.into()),
            ("bce", metrics::bce_batch(y.view(), x.view()).map_err(err)?.into()),
            ("psnr", metrics::psnr_from_mse(mse).into()),
            ("ssim", metrics::ssim_batch(y.view(), x.view(), SIDE, SIDE).map_err(err)?.into()),
            ("msSsim", metrics::ms_ssim_batch(y.view(), x.view(), SIDE, SIDE).map_err(err)?.into()),
        ])
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
