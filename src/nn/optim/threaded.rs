//! The update split across threads (feature "threads"), for a large tensor,
//! with or without the per-tensor sums: element by element, so every value is
//! the one the single-thread loop of `Optimizer::step` (src/nn/optim.rs)
//! computes. (Adam's update is that loop's `adam_block`; the others a copy of
//! its arithmetic: sharing the whole loop made the small build, which has no
//! threads, 1.4 KB bigger.)

use super::{
    adam_block, adam_tracked, add_block_sums, flush, OptimizerKind, TensorStats, WeightPenalty, BLOCK, MOMENTUM_TINY,
};

#[derive(Clone, Copy)]
pub(super) struct Rule {
    pub kind: OptimizerKind,
    pub lr: f32,
    pub mu: f32,
    /// Adam's [β₁, β₂, lr′, ε′, tiny, tiny²] (`adam_block`).
    pub adam: [f32; 6],
    pub flush_moments: bool,
    pub pen: WeightPenalty,
    pub decay: bool,
    /// Zero the gradient after the update (not where the layer lets the step leave it spent).
    pub zero: bool,
}

impl Rule {
    /// Cuts the tensor into `parts` pieces (on block bounds) updated on rayon's threads.
    pub fn apply_parts(&self, w: &mut [f32], g: &mut [f32], m: &mut [f32], v: &mut [f32], parts: usize) {
        in_parts(w, g, m, v, parts, &|w, g, m, v| self.apply(w, g, m, v), &|(), ()| ());
    }

    /// [`apply_parts`](Self::apply_parts) with the tensor's [`TensorStats`]
    /// (the Inside view's per-layer sums): each part's summed block by block
    /// as `Optimizer::step` sums them on one thread, the parts' added in order.
    /// The weights and moments are `apply_parts`' bit for bit.
    pub fn apply_parts_tracked(
        &self,
        w: &mut [f32],
        g: &mut [f32],
        m: &mut [f32],
        v: &mut [f32],
        parts: usize,
    ) -> TensorStats {
        in_parts(w, g, m, v, parts, &|w, g, m, v| self.apply_tracked(w, g, m, v), &|a, b| TensorStats {
            grad_sq: a.grad_sq + b.grad_sq,
            weight_sq: a.weight_sq + b.weight_sq,
            update_sq: a.update_sq + b.update_sq,
        })
    }

    /// [`apply`](Self::apply) block by block on a copy of the gradient, with
    /// the sums of the weights before, the step and the gradient (before the
    /// penalty), which is then zeroed.
    fn apply_tracked(&self, w: &mut [f32], g: &mut [f32], m: &mut [f32], v: &mut [f32]) -> TensorStats {
        if self.kind == OptimizerKind::Adam && !self.decay {
            return adam_tracked(w, g, m, v, self.adam, self.flush_moments);
        }
        let mut sums = TensorStats::default();
        let (mut before, mut d) = ([0f32; BLOCK], [0f32; BLOCK]);
        let blocks = w.chunks_mut(BLOCK).zip(g.chunks_mut(BLOCK)).zip(m.chunks_mut(BLOCK)).zip(v.chunks_mut(BLOCK));
        for (((w, g), m), v) in blocks {
            let n = w.len();
            before[..n].copy_from_slice(w);
            d[..n].copy_from_slice(g);
            self.apply(w, &mut d[..n], m, v);
            add_block_sums(&before[..n], w, g, &mut sums);
        }
        sums
    }

    /// The update of Optimizer::step, then the gradient zeroed (if `zero`).
    fn apply(&self, w: &mut [f32], g: &mut [f32], m: &mut [f32], v: &mut [f32]) {
        let Rule { kind, lr, mu, adam, flush_moments, pen, decay, zero } = *self;
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
            OptimizerKind::Adam => adam_block(w, g, m, v, adam, flush_moments),
        }
        if zero {
            g.fill(0.0);
        }
    }
}

/// `each` on the tensor's weights, gradients and moments cut into `parts`
/// pieces on block bounds, on the threads (`gemm::join`); the pieces' results
/// combined first with second, in order.
#[allow(clippy::type_complexity)]
fn in_parts<R: Send + Default>(
    w: &mut [f32],
    g: &mut [f32],
    m: &mut [f32],
    v: &mut [f32],
    parts: usize,
    each: &(dyn Fn(&mut [f32], &mut [f32], &mut [f32], &mut [f32]) -> R + Sync),
    combine: &(dyn Fn(R, R) -> R + Sync),
) -> R {
    if parts <= 1 {
        return each(w, g, m, v);
    }
    let left = parts / 2;
    let mid = ((w.len() * left / parts).div_ceil(BLOCK) * BLOCK).min(w.len());
    let (w1, w2) = w.split_at_mut(mid);
    let (g1, g2) = g.split_at_mut(mid);
    let (m1, m2) = m.split_at_mut(mid);
    let (v1, v2) = v.split_at_mut(mid);
    let (mut a, mut b) = (R::default(), R::default());
    crate::nn::gemm::join(
        true,
        || a = in_parts(w1, g1, m1, v1, left, each, combine),
        || b = in_parts(w2, g2, m2, v2, parts - left, each, combine),
    );
    combine(a, b)
}
