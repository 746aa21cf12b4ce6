//! The views that need PCA (nalgebra's eigendecomposition): PCA as a
//! baseline (compare-pca lesson) and the latent map with click-to-decode
//! (latent lesson). Lab build only: nalgebra and the fit are ~25 KB of the
//! download, and no lesson needs them before the page first trains.

use js_sys::Uint8Array;
use ndarray::Array2;
use wasm_bindgen::prelude::*;

use super::explore::{f32s, object};
use super::{err, flat, rows, Trainer};
use crate::pca::Pca;

#[wasm_bindgen]
impl Trainer {
    /// Fits PCA with `k` components on the training digits (kept for later calls;
    /// a smaller k reuses the fit) and returns `{ k, valMse, explained }`: its
    /// validation MSE and the fraction of variance its components explain.
    #[wasm_bindgen(js_name = fitPca)]
    pub fn fit_pca(&mut self, k: usize) -> Result<JsValue, JsError> {
        let pca = match self.cache.pca.take() {
            Some(p) if p.k() == k => p,
            Some(p) if p.k() > k && k >= 1 => p.truncate(k).map_err(err)?,
            _ => {
                let x = self.inner.data().train.to_matrix(usize::MAX);
                Pca::fit(x.view(), k).map_err(err)?
            }
        };
        let val = self.inner.data().validation.to_matrix(usize::MAX);
        let rec = pca.reconstruct(val.view()).map_err(err)?;
        let mse = crate::nn::loss::mse(rec.view(), val.view());
        let explained: f32 = pca.explained_variance_ratio().sum();
        self.cache.pca = Some(pca);
        object(&[("k", k.into()), ("valMse", mse.into()), ("explained", explained.into())])
    }

    /// PCA reconstructions of n images (after `fitPca`).
    #[wasm_bindgen(js_name = pcaReconstruct)]
    pub fn pca_reconstruct(&self, pixels: &[f32]) -> Result<Vec<f32>, JsError> {
        let pca = self.cache.pca.as_ref().ok_or_else(|| JsError::new("call fitPca(k) before pcaReconstruct"))?;
        let x = rows(pixels, self.inner.config().model.input, "image")?;
        Ok(flat(pca.reconstruct(x).map_err(err)?))
    }

    /// Codes of the first `n` validation digits in the plane: the codes
    /// themselves when the latent size is 2 (or 1, with y = 0), otherwise their
    /// projection on the codes' first two principal components.
    /// -> `{ points: Float32Array n×2, labels: Uint8Array, projected, explained }`.
    #[wasm_bindgen(js_name = latentMap)]
    pub fn latent_map(&mut self, n: usize) -> Result<JsValue, JsError> {
        let x = self.inner.data().validation.to_matrix(n.max(1));
        let labels = self.inner.data().validation.labels()[..x.nrows()].to_vec();
        let codes = self.inner.model_mut().encode(x.view()).map_err(err)?;
        let latent = codes.ncols();
        let (points, projected, explained) = if latent <= 2 {
            let mut p = Array2::<f32>::zeros((codes.nrows(), 2));
            p.slice_mut(ndarray::s![.., ..latent]).assign(&codes);
            self.cache.projection = None;
            (p, false, 1.0)
        } else {
            let proj = Pca::fit(codes.view(), 2).map_err(err)?;
            let p = proj.transform(codes.view()).map_err(err)?;
            let explained = proj.explained_variance_ratio().sum();
            self.cache.projection = Some(proj);
            (p, true, explained)
        };
        object(&[
            ("points", f32s(&flat(points))),
            ("labels", Uint8Array::from(&labels[..]).into()),
            ("projected", projected.into()),
            ("explained", explained.into()),
        ])
    }

    /// Images decoded from points of the plane of the last `latentMap`
    /// (`xy` = x0, y0, x1, y1, …), through the inverse projection when the code
    /// has more than two units.
    #[wasm_bindgen(js_name = decodePoints)]
    pub fn decode_points(&mut self, xy: &[f32]) -> Result<Vec<f32>, JsError> {
        let p = rows(xy, 2, "point")?;
        let latent = self.inner.config().model.latent;
        let z = match &self.cache.projection {
            Some(proj) => proj.inverse_transform(p).map_err(err)?,
            None if latent <= 2 => p.slice(ndarray::s![.., ..latent]).to_owned(),
            None => {
                return Err(JsError::new("call latentMap(n) before decodePoints: the plane is the codes' projection"))
            }
        };
        Ok(flat(self.inner.model_mut().decode(z.view()).map_err(err)?))
    }
}
