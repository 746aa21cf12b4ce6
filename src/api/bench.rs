//! The roofline kernel for the benchmark page: the matrix products of one
//! training step alone, timed by JavaScript with `performance.now()`.

use wasm_bindgen::prelude::*;

use crate::roofline;

/// The products of one training step of a mirrored autoencoder.
#[wasm_bindgen]
pub struct Roofline {
    inner: roofline::Roofline,
}

#[wasm_bindgen]
impl Roofline {
    /// Buffers for encoder widths `[784, hidden.., latent]` at `batch` rows
    /// (each from 1 to 4096).
    #[wasm_bindgen(constructor)]
    pub fn new(widths: &[u32], batch: u32) -> Result<Roofline, JsError> {
        let w: Vec<usize> = widths.iter().map(|&w| w as usize).collect();
        Ok(Roofline { inner: roofline::Roofline::new(&w, batch as usize).map_err(super::err)? })
    }

    /// Runs the products of `steps` steps.
    pub fn run(&mut self, steps: u32) {
        self.inner.run(steps);
    }

    /// Runs the products of `steps` steps as the trainer makes them: split
    /// across the thread pool where that pays (threaded builds), else as `run`.
    #[wasm_bindgen(js_name = runSplit)]
    pub fn run_split(&mut self, steps: u32) {
        self.inner.run_split(steps);
    }

    /// Floating-point operations of one step's products.
    #[wasm_bindgen(getter, js_name = flopsPerStep)]
    pub fn flops_per_step(&self) -> f64 {
        self.inner.flops_per_step()
    }
}
