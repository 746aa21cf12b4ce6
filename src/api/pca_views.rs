//! The views that need PCA (nalgebra's eigendecomposition): PCA as a
//! baseline (compare-pca lesson) and the latent map with click-to-decode
//! (latent lesson), kept in `crate::explore::Views`. Lab build only.

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use super::explore::{f32s, object};
use super::{err, flat, rows, to_js, Trainer};

#[wasm_bindgen]
impl Trainer {
    /// Fits PCA with `k` components on the training digits (kept for later calls;
    /// a smaller k reuses the fit) and returns `{ k, valMse, explained }`: its
    /// validation MSE and the fraction of variance its components explain.
    #[wasm_bindgen(js_name = fitPca)]
    pub fn fit_pca(&mut self, k: usize) -> Result<JsValue, JsError> {
        to_js(&self.views.fit_pca(&self.inner, k).map_err(err)?)
    }

    /// PCA reconstructions of n images (after `fitPca`).
    #[wasm_bindgen(js_name = pcaReconstruct)]
    pub fn pca_reconstruct(&self, pixels: &[f32]) -> Result<Vec<f32>, JsError> {
        let x = rows(pixels, self.inner.config().model.input, "image")?;
        Ok(flat(self.views.pca_reconstruct(x).map_err(err)?))
    }

    /// Codes of the first `n` validation digits in the plane: the codes
    /// themselves when the latent size is 2 (or 1, with y = 0), otherwise their
    /// projection on the codes' first two principal components.
    /// -> `{ points: Float32Array n×2, labels: Uint8Array, projected, explained }`.
    #[wasm_bindgen(js_name = latentMap)]
    pub fn latent_map(&mut self, n: usize) -> Result<JsValue, JsError> {
        let m = self.views.latent_map(&mut self.inner, n).map_err(err)?;
        object(&[
            ("points", f32s(&flat(m.points))),
            ("labels", Uint8Array::from(&m.labels[..]).into()),
            ("projected", m.projected.into()),
            ("explained", m.explained.into()),
        ])
    }

    /// Images decoded from points of the plane of the last `latentMap`
    /// (`xy` = x0, y0, x1, y1, …), through the inverse projection when the code
    /// has more than two units.
    #[wasm_bindgen(js_name = decodePoints)]
    pub fn decode_points(&mut self, xy: &[f32]) -> Result<Vec<f32>, JsError> {
        let points = rows(xy, 2, "point")?;
        Ok(flat(self.views.decode_points(&mut self.inner, points).map_err(err)?))
    }
}
