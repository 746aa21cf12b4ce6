//! Optimisers (SGD, SGD with momentum, Adam) and the L1/L2 weight penalties they apply.

use super::Param;
use crate::config::{OptimizerKind, TrainConfig};

/// L2 (½·λ₂‖W‖²) and L1 (λ₁‖W‖₁) penalties on weights; biases are left free.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WeightPenalty {
    /// λ₂, the weight decay.
    pub l2: f32,
    /// λ₁.
    pub l1: f32,
}

impl WeightPenalty {
    /// The penalty's value for one weight tensor.
    pub fn value(&self, w: &[f32]) -> f64 {
        if self.l2 == 0.0 && self.l1 == 0.0 {
            return 0.0;
        }
        let (mut sq, mut abs) = (0.0f64, 0.0f64);
        for &x in w {
            sq += (x as f64) * (x as f64);
            abs += (x as f64).abs();
        }
        0.5 * self.l2 as f64 * sq + self.l1 as f64 * abs
    }

    /// The penalty's gradient at `w` (λ₂·w + λ₁·sign(w), with sign(0) = 0).
    #[inline]
    pub fn grad(&self, w: f32) -> f32 {
        let sign = if w > 0.0 {
            1.0
        } else if w < 0.0 {
            -1.0
        } else {
            0.0
        };
        self.l2 * w + self.l1 * sign
    }
}

/// An optimiser with per-parameter state kept across steps.
pub struct Optimizer {
    kind: OptimizerKind,
    /// Learning rate, changeable between steps.
    pub lr: f32,
    momentum: f32,
    beta1: f32,
    beta2: f32,
    eps: f32,
    /// Penalties added to every weight's gradient.
    pub penalty: WeightPenalty,
    t: i32,
    // First and second moment (Adam) or velocity (momentum) per parameter tensor.
    m: Vec<Vec<f32>>,
    v: Vec<Vec<f32>>,
    stats: Vec<TensorStats>,
    /// Whether `step` sums `stats` (off by default; see `track_stats`).
    track: bool,
    /// Whether the next step sums them, once (`track_next_step`).
    track_once: bool,
}

/// What the last step did to one parameter tensor, summed inside the update
/// loop (no extra pass over the parameters, no allocation after the first step).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TensorStats {
    /// ‖g‖²: the loss gradient as the model computed it (before the L1/L2 penalties).
    pub grad_sq: f64,
    /// ‖w‖² before the update.
    pub weight_sq: f64,
    /// ‖w_after − w_before‖², from the stored values.
    pub update_sq: f64,
}

impl TensorStats {
    /// ‖g‖.
    pub fn grad_norm(&self) -> f32 {
        self.grad_sq.sqrt() as f32
    }

    /// ‖w‖ before the update.
    pub fn weight_norm(&self) -> f32 {
        self.weight_sq.sqrt() as f32
    }

    /// ‖Δw‖ / ‖w‖ (0 for an all-zero tensor that did not move; infinite if it did).
    pub fn update_ratio(&self) -> f32 {
        if self.update_sq == 0.0 {
            return 0.0;
        }
        (self.update_sq.sqrt() / self.weight_sq.sqrt()) as f32
    }
}

/// Adam's state and settings at one parameter after a step (for the slow-motion view).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct AdamState {
    /// First moment m.
    pub m: f32,
    /// Second moment v.
    pub v: f32,
    /// Bias-corrected m̂ = m / (1 − β₁ᵗ).
    pub m_hat: f32,
    /// Bias-corrected v̂ = v / (1 − β₂ᵗ).
    pub v_hat: f32,
}

impl Optimizer {
    /// The optimiser the training config asks for.
    pub fn new(cfg: &TrainConfig) -> Self {
        Optimizer {
            kind: cfg.optimizer,
            lr: cfg.lr,
            momentum: cfg.momentum,
            beta1: cfg.beta1,
            beta2: cfg.beta2,
            eps: cfg.eps,
            penalty: WeightPenalty { l2: cfg.weight_decay, l1: cfg.l1 },
            t: 0,
            m: Vec::new(),
            v: Vec::new(),
            stats: Vec::new(),
            track: false,
            track_once: false,
        }
    }

    /// Turns the per-tensor sums of `tensor_stats` on or off for the following
    /// steps (off by default: with Adam they cost the default model about 4% of
    /// a step, on one thread or two; with a penalty or another optimiser, which
    /// sum in a pass of their own, about a tenth).
    /// The updates are the same either way; turning them off forgets the last sums.
    pub fn track_stats(&mut self, on: bool) {
        self.track = on;
        if !on {
            self.track_once = false;
            self.stats.clear();
        }
    }

    /// Sums the next step only, whose sums then stay in `tensor_stats` until
    /// another step sums: for a view that reads them now and then (the Inside
    /// panel, four times a second), so the steps between cost nothing.
    pub fn track_next_step(&mut self) {
        self.track_once = true;
    }

    /// Whether the next `step` sums (every step, or this one once).
    pub fn sums_next_step(&self) -> bool {
        self.track || self.track_once
    }

    /// Whether `step` sums `tensor_stats`.
    pub fn tracking_stats(&self) -> bool {
        self.track
    }

    /// Which optimiser this is.
    pub fn kind(&self) -> OptimizerKind {
        self.kind
    }

    /// (β₁, β₂, ε) of Adam.
    pub fn adam_settings(&self) -> (f32, f32, f32) {
        (self.beta1, self.beta2, self.eps)
    }

    /// Momentum coefficient (SGD with momentum).
    pub fn momentum(&self) -> f32 {
        self.momentum
    }

    /// Steps taken since the start or the last reset (Adam's t).
    pub fn steps(&self) -> i32 {
        self.t
    }

    /// Per parameter tensor, in visiting order: what the last step did (empty
    /// before the first step after `track_stats(true)`).
    pub fn tensor_stats(&self) -> &[TensorStats] {
        &self.stats
    }

    /// Adam's moments at element `index` of parameter tensor `tensor` after the
    /// last step, with their bias corrections; `None` for other optimisers or
    /// before the first step. (Momentum's velocity is `m`.)
    pub fn moments(&self, tensor: usize, index: usize) -> Option<AdamState> {
        let m = *self.m.get(tensor)?.get(index)?;
        let v = self.v.get(tensor).and_then(|v| v.get(index)).copied().unwrap_or(0.0);
        let bc1 = 1.0 - self.beta1.powi(self.t);
        let bc2 = 1.0 - self.beta2.powi(self.t);
        Some(AdamState { m, v, m_hat: m / bc1, v_hat: v / bc2 })
    }

    /// Forgets momentum and moment estimates (after a divergence, say).
    pub fn reset_state(&mut self) {
        self.t = 0;
        self.m.clear();
        self.v.clear();
        self.stats.clear();
        // Tracking stays on or off as it was.
    }

    /// Applies one update to every parameter `visit` yields, then zeroes its
    /// gradient, or marks it spent where the layer offers that (`Param::spent`).
    /// State buffers are allocated on the first step only. Each tensor's
    /// `TensorStats` are summed in the same loop.
    pub fn step(&mut self, visit: impl FnOnce(&mut dyn FnMut(Param<'_>))) {
        self.t = self.t.saturating_add(1);
        let (lr, mu, b1, b2, eps, pen) = (self.lr, self.momentum, self.beta1, self.beta2, self.eps, self.penalty);
        // Adam's bias corrections folded into the step size (Kingma & Ba, section 2).
        let bc1 = 1.0 - b1.powi(self.t);
        let bc2 = 1.0 - b2.powi(self.t);
        let adam_lr = lr * bc2.sqrt() / bc1;
        let adam_eps = eps * bc2.sqrt();
        let tiny = eps * ADAM_TINY;
        let tiny_v = tiny * tiny;
        let flush_moments = self.t % FLUSH_MOMENTS_EVERY == 0;
        let kind = self.kind;
        let track = self.sums_next_step();
        self.track_once = false;
        let (ms, vs, stats) = (&mut self.m, &mut self.v, &mut self.stats);
        let mut i = 0;
        visit(&mut |p: Param<'_>| {
            if ms.len() <= i {
                // Plain SGD uses neither buffer and momentum only m; one shape for all keeps one update loop.
                ms.push(vec![0.0; p.value.len()]);
                vs.push(vec![0.0; p.value.len()]);
            }
            if track && stats.len() <= i {
                stats.push(TensorStats::default());
            }
            let (m, v) = (&mut ms[i][..], &mut vs[i][..]);
            let decay = p.is_weight && (pen.l2 != 0.0 || pen.l1 != 0.0);
            // Spent rather than zeroed where the layer allows (the sums zero it anyway).
            let zero = match p.spent {
                Some(spent) => {
                    *spent = true;
                    false
                }
                None => true,
            };
            let adam_rule = [b1, b2, adam_lr, adam_eps, tiny, tiny_v];
            #[cfg(feature = "threads")]
            if super::gemm::split_update(p.value.len()) {
                let rule = threaded::Rule { kind, lr, mu, adam: adam_rule, flush_moments, pen, decay, zero };
                let threads = super::gemm::threads();
                if track {
                    stats[i] = rule.apply_parts_tracked(p.value, p.grad, m, v, threads);
                } else {
                    rule.apply_parts(p.value, p.grad, m, v, threads);
                }
                i += 1;
                return;
            }
            if FUSED_TRACKED_ADAM && track && kind == OptimizerKind::Adam && !decay {
                stats[i] = adam_tracked(p.value, p.grad, m, v, adam_rule, flush_moments);
                i += 1;
                return;
            }
            // The settings as values of this call, not read through the closure's captured references
            // in every iteration (which kept the loops below scalar: 4× slower).
            let (lr, mu, pen) = (lr, mu, pen);
            let mut sums = TensorStats::default();
            let mut before = [0f32; BLOCK];
            let mut penalized = [0f32; BLOCK];
            let blocks = p
                .value
                .chunks_mut(BLOCK)
                .zip(p.grad.chunks_mut(BLOCK))
                .zip(m.chunks_mut(BLOCK))
                .zip(v.chunks_mut(BLOCK));
            // Block by block, while each is in the cache: keep the weights, update, then sum.
            for (((w, g), m), v) in blocks {
                let before = &mut before[..w.len()];
                if track {
                    before.copy_from_slice(w);
                }
                // The penalty's gradient added in a pass of its own, so the update loops
                // below test nothing per element (the gradient itself stays for the sums).
                // A copy where the small build's sums still want g.
                let n = w.len();
                let adam = kind == OptimizerKind::Adam;
                let d: &[f32] = if decay {
                    with_penalty(&mut penalized[..n], w, g, pen)
                } else if adam && track {
                    penalized[..n].copy_from_slice(g); // the small build's tracked Adam (FUSED_TRACKED_ADAM)
                    &mut penalized[..n]
                } else {
                    &*g
                };
                match kind {
                    OptimizerKind::Sgd => {
                        for (w, &d) in w.iter_mut().zip(d) {
                            *w -= lr * d;
                        }
                    }
                    OptimizerKind::Momentum => {
                        for ((w, &d), m) in w.iter_mut().zip(d).zip(m.iter_mut()) {
                            *m = flush(mu * *m + d, MOMENTUM_TINY);
                            *w -= lr * *m;
                        }
                    }
                    OptimizerKind::Adam => adam_block(w, d, m, v, adam_rule, flush_moments),
                }
                if track {
                    add_block_sums(before, w, g, &mut sums);
                } else if zero {
                    g.fill(0.0);
                }
            }
            if track {
                stats[i] = sums;
            }
            i += 1;
        });
    }
}

/// Adam's update of one block from its gradient `d` (penalty included): `s` is
/// [β₁, β₂, lr′, ε′, tiny, tiny²], lr′ and ε′ with the bias corrections folded in.
/// The gradient is flushed at every step, the moments when `flush_moments`
/// (every [`FLUSH_MOMENTS_EVERY`]th step): a loop for each, so neither tests
/// the step per element.
#[inline(always)]
fn adam_block(w: &mut [f32], d: &[f32], m: &mut [f32], v: &mut [f32], s: [f32; 6], flush_moments: bool) {
    let each = w.iter_mut().zip(d).zip(m.iter_mut()).zip(v.iter_mut());
    if flush_moments {
        each.for_each(|(((w, &d), m), v)| adam_one::<true>(w, d, m, v, s));
    } else {
        each.for_each(|(((w, &d), m), v)| adam_one::<false>(w, d, m, v, s));
    }
}

/// Adam's update of one weight (see [`adam_block`]).
#[inline(always)]
fn adam_one<const FLUSH_MOMENTS: bool>(w: &mut f32, d: f32, m: &mut f32, v: &mut f32, s: [f32; 6]) {
    let [b1, b2, adam_lr, adam_eps, tiny, tiny_v] = s;
    let d = flush(d, tiny);
    *m = b1 * *m + (1.0 - b1) * d;
    *v = b2 * *v + (1.0 - b2) * d * d;
    if FLUSH_MOMENTS {
        *m = flush(*m, tiny);
        *v = flush(*v, tiny_v);
    }
    *w -= adam_lr * *m / (v.sqrt() + adam_eps);
}

/// g + the penalty's gradient at w, element by element, into `out` (returned).
#[inline(always)]
fn with_penalty<'a>(out: &'a mut [f32], w: &[f32], g: &[f32], pen: WeightPenalty) -> &'a mut [f32] {
    for ((o, &w), &g) in out.iter_mut().zip(w).zip(g) {
        *o = g + pen.grad(w);
    }
    out
}

/// The Inside view's per-tensor sums: src/nn/optim/sums.rs.
mod sums;
use sums::{adam_tracked, add_block_sums, FUSED_TRACKED_ADAM};

/// The update split across threads (feature "threads"): src/nn/optim/threaded.rs.
#[cfg(feature = "threads")]
mod threaded;

/// Elements summed in f32 lanes before the lanes join the f64 totals: short
/// enough that f32 keeps the sums' digits.
const BLOCK: usize = 256;

/// Momentum's velocity under this is set to zero (it would move a weight by
/// under 1e-30·lr); see [`flush`].
const MOMENTUM_TINY: f32 = 1e-30;

/// Adam's gradients and first moments under ε times this are set to zero,
/// and second moments under its square; see [`flush`]. Each would move a
/// weight by less than 1e-7·lr/(1 − β₁ᵗ) (Adam's step is at most
/// lr/(1 − β₁ᵗ)·|m|/ε).
const ADAM_TINY: f32 = 1e-7;

/// Adam flushes its moments at every this many steps (its gradients at every
/// step). Flushing them at every step was a quarter of the update's time
/// (three flushes among its operations; 784-64-16-64-784 at batch 32 spent
/// 13% of its step in Adam). Between flushes a moment under the threshold
/// decays, as it would unflushed, by at most β₁^15 ≈ 0.2 (m, from at least
/// (1 − β₁)·ε·ADAM_TINY, a flushed gradient's least share) or β₂^15 (v):
/// far from the subnormals (tests/optim.rs). Such a moment moves its weight
/// by under 1e-7·lr/(1 − β₁ᵗ) a step, as one flushed at once moved it by 0.
const FLUSH_MOMENTS_EVERY: i32 = 16;

/// `x`, or 0 where |x| < `tiny`: flush-to-zero done by hand. WebAssembly has no
/// flush-to-zero mode, and on x86 an arithmetic operation with a subnormal
/// (below `f32::MIN_POSITIVE`) operand or result takes a microcode assist, on
/// the order of a hundred times its usual cost. The moments decay
/// geometrically wherever a gradient stops: a weight of a border pixel that a
/// digit inks now and then gets a gradient, then zeros, and Adam's m (×β₁ a
/// step) goes subnormal within about 800 steps and stays there for about 150
/// more. Natively, 784-64-16-64-784 at batch 32 slowed from 0.7 ms a step to
/// about 3 by step 1,000, half of it in this update. Flushing, as
/// TensorFlow's CPU kernels do with the processor's flush-to-zero mode, keeps
/// every operand of the update normal (a compare and a select, in vectors).
#[inline(always)]
fn flush(x: f32, tiny: f32) -> f32 {
    if x.abs() < tiny {
        0.0
    } else {
        x
    }
}
