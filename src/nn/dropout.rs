//! Inverted dropout: at training time each unit is kept with probability 1−p and
//! scaled by 1/(1−p), so evaluation needs no rescaling.

use ndarray::{Array2, ArrayView2, Zip};
use rand::RngExt;

use super::{ensure_shape, Layer};
use crate::rng::Rng;

/// Dropout with its own seeded stream, so runs stay reproducible.
pub struct Dropout {
    /// Probability of zeroing a unit.
    pub p: f32,
    rng: Rng,
    mask: Array2<f32>,
    fixed_mask: bool,
    train: bool,
    out: Array2<f32>,
    grad_in: Array2<f32>,
}

impl Dropout {
    /// Dropout with probability `p`, drawing masks from `rng`.
    pub fn new(p: f32, rng: Rng) -> Self {
        let empty = || Array2::zeros((0, 0));
        Dropout { p, rng, mask: empty(), fixed_mask: false, train: false, out: empty(), grad_in: empty() }
    }

    /// Uses `mask` (already scaled) for every training forward pass instead of
    /// drawing one; lets gradient checks hold the random choice still.
    pub fn fix_mask(&mut self, mask: Array2<f32>) {
        self.mask = mask;
        self.fixed_mask = true;
    }
}

impl Layer for Dropout {
    fn forward(&mut self, x: ArrayView2<f32>, train: bool) -> ArrayView2<'_, f32> {
        ensure_shape(&mut self.out, x.nrows(), x.ncols());
        self.train = train && self.p > 0.0;
        if !self.train {
            self.out.assign(&x);
            return self.out.view();
        }
        if !self.fixed_mask {
            ensure_shape(&mut self.mask, x.nrows(), x.ncols());
            let keep = 1.0 - self.p;
            let scale = 1.0 / keep;
            let rng = &mut self.rng;
            self.mask.map_inplace(|m| *m = if rng.random::<f32>() < keep { scale } else { 0.0 });
        }
        Zip::from(&mut self.out).and(&x).and(&self.mask).for_each(|o, &v, &m| *o = v * m);
        self.out.view()
    }

    fn output(&self) -> ArrayView2<'_, f32> {
        self.out.view()
    }

    fn backward(&mut self, grad_out: ArrayView2<f32>) -> ArrayView2<'_, f32> {
        ensure_shape(&mut self.grad_in, grad_out.nrows(), grad_out.ncols());
        if self.train {
            Zip::from(&mut self.grad_in).and(&grad_out).and(&self.mask).for_each(|gi, &g, &m| *gi = g * m);
        } else {
            self.grad_in.assign(&grad_out);
        }
        self.grad_in.view()
    }
}
