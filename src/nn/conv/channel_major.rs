//! The moves between a batch's rows (image after image) and channel-major
//! planes (channel after channel, each holding every image's plane), and the
//! absorbed activation (`Layer::absorb`) applied on the way, as
//! `ActivationLayer` computes it.

use ndarray::{Array1, ArrayView2, ArrayViewMut2};

use crate::nn::activation::relu;
use crate::nn::Activation;

/// (n, C·P) → (C, n·P): each sample's channel planes side by side per channel.
pub(super) fn to_channel_major(x: ArrayView2<f32>, dst: ArrayViewMut2<f32>) {
    to_channel_major_times(x, None, dst, None);
}

/// `to_channel_major` of dLoss/dOutput times f′ at each output, for a layer
/// that absorbed its activation f (`Layer::absorb`): with `by` = Some((f, y))
/// for the layer's output y = f(pre-activation), each value g becomes
/// g·f′(y) as `ActivationLayer::backward` makes it, on the way. With `sums`,
/// each channel's row of `dst`, once written (while it is in the cache), is
/// summed into `sums[c]` as `row.sum()` would sum it: dLoss/dBias.
pub(super) fn to_channel_major_times(
    x: ArrayView2<f32>,
    by: Option<(Activation, ArrayView2<f32>)>,
    mut dst: ArrayViewMut2<f32>,
    mut sums: Option<&mut [f32]>,
) {
    let channels = dst.nrows();
    let p = x.ncols() / channels.max(1);
    debug_assert_eq!(dst.ncols(), x.nrows() * p);
    if p == 0 {
        return;
    }
    let by = by.filter(|(act, _)| *act != Activation::Identity);
    for (c, mut to) in dst.rows_mut().into_iter().enumerate() {
        let to = to.as_slice_mut().expect("a channel's row is contiguous");
        for (n, (row, block)) in x.rows().into_iter().zip(to.chunks_exact_mut(p)).enumerate() {
            let from = &row.to_slice().expect("a sample's row is contiguous")[c * p..(c + 1) * p];
            match by {
                None => block.copy_from_slice(from),
                Some((act, ref y)) => {
                    let y = &y.row(n).to_slice().expect("a sample's row is contiguous")[c * p..(c + 1) * p];
                    times_derivative(act, block, from, y);
                }
            }
        }
        if let Some(sums) = sums.as_deref_mut() {
            sums[c] += ndarray::ArrayView1::from(&*to).sum();
        }
    }
}

/// out = g·f′(y), element by element: ReLU (the default) in a loop of its own,
/// which vectorizes, as in `ActivationLayer::backward`.
#[inline]
pub(super) fn times_derivative(act: Activation, out: &mut [f32], g: &[f32], y: &[f32]) {
    if act == Activation::Relu {
        let one = crate::nn::activation::relu_derivative_one();
        for ((o, &g), &y) in out.iter_mut().zip(g).zip(y) {
            *o = g * if y > 0.0 { one } else { 0.0 };
        }
    } else {
        for ((o, &g), &y) in out.iter_mut().zip(g).zip(y) {
            *o = g * act.derivative_from_output(y);
        }
    }
}

/// (C, n·P) → (n, C·P), the inverse of `to_channel_major`, adding `bias[c]`
/// to channel c and applying `act` (the layer's absorbed activation, or
/// identity) as `ActivationLayer::forward` does.
pub(super) fn from_channel_major(
    src: ArrayView2<f32>,
    bias: Option<&Array1<f32>>,
    act: Activation,
    mut dst: ArrayViewMut2<f32>,
) {
    let channels = src.nrows();
    let p = src.ncols() / dst.nrows().max(1);
    debug_assert_eq!(dst.ncols(), channels * p);
    if p == 0 {
        return;
    }
    for (c, from) in src.rows().into_iter().enumerate() {
        let b = bias.map_or(0.0, |b| b[c]);
        let from = from.to_slice().expect("a channel's row is contiguous");
        for (mut row, block) in dst.rows_mut().into_iter().zip(from.chunks_exact(p)) {
            let to = &mut row.as_slice_mut().expect("a sample's row is contiguous")[c * p..(c + 1) * p];
            // ReLU (the default) and identity in loops of their own, which vectorize.
            match act {
                Activation::Identity => to.iter_mut().zip(block).for_each(|(t, &f)| *t = f + b),
                Activation::Relu => to.iter_mut().zip(block).for_each(|(t, &f)| *t = relu(f + b)),
                _ => to.iter_mut().zip(block).for_each(|(t, &f)| *t = act.apply(f + b)),
            }
        }
    }
}

/// v = f(v) in place, as `ActivationLayer::forward` computes f: ReLU (the
/// default) in a loop of its own, which vectorizes; nothing for identity.
pub(super) fn apply(act: Activation, values: &mut [f32]) {
    match act {
        Activation::Identity => {}
        Activation::Relu => values.iter_mut().for_each(|v| *v = relu(*v)),
        _ => values.iter_mut().for_each(|v| *v = act.apply(*v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::conv::unfold::tests::random;
    use ndarray::Array2;

    #[test]
    fn the_channel_major_moves_put_each_value_where_its_index_says() {
        // Element (n, c·P + i) of the batch is element (c, n·P + i) of the
        // channel-major planes; the way back adds channel c's bias.
        for (batch, channels, p) in [(3, 2, 5), (1, 1, 1), (4, 8, 16), (2, 3, 196)] {
            let x = random(batch, channels * p, 7);
            let mut cm = Array2::from_elem((channels, batch * p), f32::NAN);
            to_channel_major(x.view(), cm.view_mut());
            for n in 0..batch {
                for c in 0..channels {
                    for i in 0..p {
                        assert_eq!(cm[[c, n * p + i]].to_bits(), x[[n, c * p + i]].to_bits());
                    }
                }
            }
            let bias = Array1::from_shape_fn(channels, |c| c as f32 - 0.5);
            let mut back = Array2::from_elem((batch, channels * p), f32::NAN);
            from_channel_major(cm.view(), Some(&bias), Activation::Identity, back.view_mut());
            for n in 0..batch {
                for c in 0..channels {
                    for i in 0..p {
                        assert_eq!(back[[n, c * p + i]].to_bits(), (x[[n, c * p + i]] + bias[c]).to_bits());
                    }
                }
            }
            from_channel_major(cm.view(), None, Activation::Identity, back.view_mut());
            assert!(back.iter().zip(&x).all(|(p, q)| p.to_bits() == q.to_bits()));
        }
    }
}
