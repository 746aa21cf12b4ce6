//! The Inside view's per-tensor sums (`TensorStats`: ‖g‖², ‖w‖² before the
//! step, ‖Δw‖²), taken as the optimiser updates: Adam's own loop that updates
//! and sums at once (`adam_tracked`), and the pass the other optimisers, and
//! Adam with a penalty, sum in after their update (`add_block_sums`).

use super::{adam_one, flush, TensorStats, BLOCK};

/// Whether Adam with the sums and no penalty updates in [`adam_tracked`]'s
/// loop: in every build but the page's small one (no lab, no threads), whose
/// gzipped .wasm that loop would take over its 120 KB budget (by about 0.9
/// KB). There it copies the block's weights and gradient and sums in a pass
/// of its own, as the other optimisers do: the same numbers, the sums 1.13×
/// a step of the default model instead of 1.04×. tests/inside.rs runs both
/// (scripts/test.mjs, stage native).
pub(super) const FUSED_TRACKED_ADAM: bool = cfg!(any(feature = "lab", feature = "threads"));

/// Independent partial sums, so the update loop stays a vector loop (a single
/// running sum would fix the order of additions and keep it scalar).
const LANES: usize = 8;

/// Adam's update with the Inside view's sums (`TensorStats`) in the same
/// loop, for a tensor without a penalty: no copies of the weights or the
/// gradient and no second pass over them (on two threads the sums cost the
/// default model 14% of a step the other way, 4% this way). The same numbers
/// as [`super::adam_block`], then [`add_block_sums`]: element j of a [`BLOCK`] adds
/// to lane j mod [`LANES`] of its f32 sums, which join the f64 totals block
/// after block. `g` is zeroed.
pub(super) fn adam_tracked(
    w: &mut [f32],
    g: &mut [f32],
    m: &mut [f32],
    v: &mut [f32],
    s: [f32; 6],
    flush_moments: bool,
) -> TensorStats {
    // One loop for every step, to keep the page's download small: the moments
    // flushed under thresholds of 0 between flushes (|x| < 0 holds for no x).
    let [b1, b2, adam_lr, adam_eps, tiny, tiny_v] = s;
    let moments =
        if flush_moments { [b1, b2, adam_lr, adam_eps, tiny, tiny_v] } else { [b1, b2, adam_lr, adam_eps, 0.0, 0.0] };
    type Lane = [f32; LANES];
    let mut total = TensorStats::default();
    let blocks = w.chunks_mut(BLOCK).zip(g.chunks_mut(BLOCK)).zip(m.chunks_mut(BLOCK)).zip(v.chunks_mut(BLOCK));
    for (((w, g), m), v) in blocks {
        let mut sums = [[0f32; LANES]; 3];
        let each = w.chunks_mut(LANES).zip(g.chunks_mut(LANES)).zip(m.chunks_mut(LANES)).zip(v.chunks_mut(LANES));
        for (((w, g), m), v) in each {
            if let (Ok(w), Ok(g), Ok(m), Ok(v)) = (
                <&mut Lane>::try_from(&mut *w),
                <&mut Lane>::try_from(&mut *g),
                <&mut Lane>::try_from(&mut *m),
                <&mut Lane>::try_from(&mut *v),
            ) {
                // Whole lanes, a fixed count of elements: a body of vector operations.
                for k in 0..LANES {
                    adam_tracked_one(&mut w[k], &mut g[k], &mut m[k], &mut v[k], moments, tiny, &mut sums, k);
                }
                continue;
            }
            // The tensor's last few elements, one at a time (a call, not another copy of the code).
            adam_tracked_tail([w, g, m, v], moments, tiny, &mut sums);
        }
        let [grads, weights, steps] = sums;
        for ((g, w), s) in grads.into_iter().zip(weights).zip(steps) {
            total.grad_sq += g as f64;
            total.weight_sq += w as f64;
            total.update_sq += s as f64;
        }
    }
    total
}

/// [`adam_tracked`]'s update of one element: the gradient flushed under
/// `tiny` (at every step, as [`super::adam_one`] flushes it) and zeroed, the moments
/// flushed under `s`'s thresholds, the squares [gradient, weight before,
/// step] added to lane `k` of `sums`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn adam_tracked_one(
    w: &mut f32,
    g: &mut f32,
    m: &mut f32,
    v: &mut f32,
    s: [f32; 6],
    tiny: f32,
    sums: &mut [[f32; LANES]; 3],
    k: usize,
) {
    let (grad, before) = (std::mem::take(g), *w);
    adam_one::<true>(w, flush(grad, tiny), m, v, s);
    let step = *w - before;
    sums[0][k] += grad * grad;
    sums[1][k] += before * before;
    sums[2][k] += step * step;
}

/// [`adam_tracked_one`] over a tensor's last few elements ([w, g, m, v],
/// fewer than a lane), as a call.
#[inline(never)]
fn adam_tracked_tail(tail: [&mut [f32]; 4], s: [f32; 6], tiny: f32, sums: &mut [[f32; LANES]; 3]) {
    let [w, g, m, v] = tail;
    for k in 0..w.len() {
        adam_tracked_one(&mut w[k], &mut g[k], &mut m[k], &mut v[k], s, tiny, sums, k);
    }
}

/// Adds a block's ‖g‖², ‖w‖² (before) and ‖w_after − w_before‖² to `total`
/// and zeroes its gradient. One copy for every optimiser keeps the download small.
#[inline(never)]
pub(super) fn add_block_sums(before: &[f32], after: &[f32], g: &mut [f32], total: &mut TensorStats) {
    let (mut gs, mut ws, mut us) = ([0f32; LANES], [0f32; LANES], [0f32; LANES]);
    let lanes = before.chunks(LANES).zip(after.chunks(LANES)).zip(g.chunks_mut(LANES));
    for ((b, a), g) in lanes {
        let sums = gs.iter_mut().zip(ws.iter_mut()).zip(us.iter_mut());
        for (((b, a), g), ((gs, ws), us)) in b.iter().zip(a).zip(g.iter_mut()).zip(sums) {
            let d = a - b;
            *gs += *g * *g;
            *ws += b * b;
            *us += d * d;
            *g = 0.0;
        }
    }
    for k in 0..LANES {
        total.grad_sq += gs[k] as f64;
        total.weight_sq += ws[k] as f64;
        total.update_sq += us[k] as f64;
    }
}
