//! The update split across threads (feature "threads"), for a large tensor
//! when the per-tensor sums are off: element by element, so every value is
//! the one the single-thread loop of `Optimizer::step` (src/nn/optim.rs)
//! computes. (Adam's update is that loop's `adam_block`; the others a copy of
//! its arithmetic: sharing the whole loop made the small build, which has no
//! threads, 1.4 KB bigger.)

use super::{adam_block, flush, OptimizerKind, WeightPenalty, BLOCK, MOMENTUM_TINY};

#[derive(Clone, Copy)]
pub(super) struct Rule {
    pub kind: OptimizerKind,
    pub lr: f32,
    pub mu: f32,
    pub b1: f32,
    pub b2: f32,
    pub adam_lr: f32,
    pub adam_eps: f32,
    pub tiny: f32,
    pub tiny_v: f32,
    pub flush_moments: bool,
    pub pen: WeightPenalty,
    pub decay: bool,
}

impl Rule {
    /// Cuts the tensor into `parts` pieces (on block bounds) updated on rayon's threads.
    pub fn apply_parts(&self, w: &mut [f32], g: &mut [f32], m: &mut [f32], v: &mut [f32], parts: usize) {
        if parts <= 1 {
            return self.apply(w, g, m, v);
        }
        let left = parts / 2;
        let mid = ((w.len() * left / parts).div_ceil(BLOCK) * BLOCK).min(w.len());
        let (w1, w2) = w.split_at_mut(mid);
        let (g1, g2) = g.split_at_mut(mid);
        let (m1, m2) = m.split_at_mut(mid);
        let (v1, v2) = v.split_at_mut(mid);
        crate::nn::gemm::join(
            true,
            || self.apply_parts(w1, g1, m1, v1, left),
            || self.apply_parts(w2, g2, m2, v2, parts - left),
        );
    }

    /// The update of Optimizer::step, then the gradient zeroed.
    fn apply(&self, w: &mut [f32], g: &mut [f32], m: &mut [f32], v: &mut [f32]) {
        let Rule { kind, lr, mu, b1, b2, adam_lr, adam_eps, tiny, tiny_v, flush_moments, pen, decay } = *self;
        if decay {
            // In place: the gradient is zeroed below, and no sums are taken here.
            for (g, &w) in g.iter_mut().zip(w.iter()) {
                *g += pen.grad(w);
            }
        }
        match kind {
            OptimizerKind::Sgd => {
                for (w, &d) in w.iter_mut().zip(g.iter()) {
                    *w -= lr * d;
                }
            }
            OptimizerKind::Momentum => {
                for ((w, &d), m) in w.iter_mut().zip(g.iter()).zip(m.iter_mut()) {
                    *m = flush(mu * *m + d, MOMENTUM_TINY);
                    *w -= lr * *m;
                }
            }
            OptimizerKind::Adam => {
                return adam_block(w, g, m, v, [b1, b2, adam_lr, adam_eps, tiny, tiny_v], flush_moments);
            }
        }
        g.fill(0.0);
    }
}
