//! Layers with one protocol: `forward` caches what `backward` needs, `backward`
//! accumulates parameter gradients and returns the input gradient, and
//! `params_and_grads` visits every parameter with its gradient.

mod activation;
// The convolutions are in the lab build only: the small build stays under its 300 KB budget (docs/wasm-api.md).
#[cfg(feature = "lab")]
mod conv;
mod dropout;
pub mod gemm;
mod linear;
pub mod loss;
mod optim;
pub mod rows;

pub use crate::config::Window;
pub use activation::{sigmoid, sigmoid_into, Activation, ActivationLayer};
#[cfg(feature = "lab")]
pub use conv::{Conv2d, ConvTranspose2d};
pub use dropout::Dropout;
pub use linear::Linear;
pub use optim::{AdamState, Optimizer, TensorStats, WeightPenalty};

use ndarray::{Array2, ArrayView2};

/// One parameter tensor (flattened) and its gradient, as the optimiser sees it.
pub struct Param<'a> {
    /// The values, updated in place by the optimiser.
    pub value: &'a mut [f32],
    /// The accumulated gradient of the loss with respect to `value`.
    pub grad: &'a mut [f32],
    /// Weights take the L1/L2 penalties; biases do not.
    pub is_weight: bool,
    /// A layer's flag that lets the optimiser leave the gradient as it is
    /// instead of zeroing it (a pass over it less): the optimiser sets it, and
    /// the layer's next backward overwrites the gradient rather than adding to
    /// it, while any other visit first zeroes it (`Linear`). `None`: the
    /// optimiser zeroes the gradient.
    pub spent: Option<&'a mut bool>,
}

/// The layer protocol shared by every layer (convnetjs / PyTorch style).
pub trait Layer {
    /// Computes the output for a batch (rows = samples); `train` turns dropout on.
    fn forward(&mut self, x: ArrayView2<f32>, train: bool) -> ArrayView2<'_, f32>;
    /// Given dLoss/dOutput, accumulates parameter gradients and returns dLoss/dInput.
    fn backward(&mut self, grad_out: ArrayView2<f32>) -> ArrayView2<'_, f32>;
    /// Calls `f` on every parameter with its gradient, in a fixed order.
    fn params_and_grads(&mut self, _f: &mut dyn FnMut(Param<'_>)) {}
    /// The output of the latest `forward`, kept in the layer's buffer.
    fn output(&self) -> ArrayView2<'_, f32>;
    /// Takes on `act`, the activation pushed right after this layer, when it
    /// can apply it in a pass it makes anyway (→ true): from then on its
    /// output is f(its pre-activation), and `backward` takes dLoss/d(that
    /// output) and multiplies by f′ itself, as `ActivationLayer` would, bit for
    /// bit. Layers that cannot keep the default (→ false).
    fn absorb(&mut self, _act: Activation) -> bool {
        false
    }
}

/// Resizes a reusable buffer only when the batch shape changes, so steady-state
/// training steps allocate nothing.
pub(crate) fn ensure_shape(buf: &mut Array2<f32>, rows: usize, cols: usize) {
    if buf.dim() != (rows, cols) {
        *buf = Array2::zeros((rows, cols));
    }
}

/// Makes `buf` rows × cols for a caller that writes every value before it
/// reads any: unlike [`ensure_shape`], old values may remain, and the buffer
/// keeps its largest allocation (only values past it start at 0). A dense
/// model's buffers go from the batch's rows to the validation set's 1,000
/// and back every epoch; allocating and zeroing them afresh each time was
/// ~1% of 784-64-16-64-784's step at batch 32.
pub(crate) fn reshape_for_overwrite(buf: &mut Array2<f32>, rows: usize, cols: usize) {
    if buf.dim() == (rows, cols) {
        return;
    }
    // The whole allocation, however many of its values the array shows.
    let (mut values, _) = std::mem::take(buf).into_raw_vec_and_offset();
    let n = rows * cols;
    if values.len() < n {
        values.resize(n, 0.0);
    }
    *buf = ndarray::Array1::from_vec(values)
        .slice_move(ndarray::s![..n])
        .into_shape_with_order((rows, cols))
        .expect("the first rows × cols values are contiguous");
}

/// Layers applied in order.
///
/// An activation pushed with `push_activation` after a layer that absorbs it
/// (`Layer::absorb`) keeps its place in the list, so layer indices stay what
/// the model's structure says, but is skipped: its output is the absorbing
/// layer's.
#[derive(Default)]
pub struct Sequential {
    layers: Vec<Box<dyn Layer + Send>>,
    /// Per layer: an activation its predecessor applies.
    absorbed: Vec<bool>,
}

impl Sequential {
    /// An empty stack.
    pub fn new() -> Self {
        Sequential { layers: Vec::new(), absorbed: Vec::new() }
    }

    /// Appends a layer.
    pub fn push(&mut self, layer: impl Layer + Send + 'static) {
        self.layers.push(Box::new(layer));
        self.absorbed.push(false);
    }

    /// Appends the activation `act`, absorbed by the last layer where it can
    /// apply it itself (`Layer::absorb`): the same numbers without a pass of its own.
    pub fn push_activation(&mut self, act: Activation) {
        let absorbed = self.layers.last_mut().is_some_and(|last| last.absorb(act));
        self.layers.push(Box::new(ActivationLayer::new(act)));
        self.absorbed.push(absorbed);
    }

    /// Number of layers.
    pub fn len(&self) -> usize {
        self.layers.len()
    }

    /// True when there are no layers.
    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    /// Runs every layer; the result borrows the last layer's output buffer.
    pub fn forward<'a>(&'a mut self, x: ArrayView2<'a, f32>, train: bool) -> ArrayView2<'a, f32> {
        let mut h = x;
        for (layer, &absorbed) in self.layers.iter_mut().zip(&self.absorbed) {
            if !absorbed {
                h = layer.forward(h, train);
            }
        }
        h
    }

    /// Back-propagates through every layer in reverse; returns dLoss/dInput
    /// (empty when the first layer skips its input gradient).
    pub fn backward<'a>(&'a mut self, grad_out: ArrayView2<'a, f32>) -> ArrayView2<'a, f32> {
        let mut g = grad_out;
        for (layer, &absorbed) in self.layers.iter_mut().zip(&self.absorbed).rev() {
            if !absorbed {
                g = layer.backward(g);
            }
        }
        g
    }

    /// The output of layer `i` in the latest `forward`.
    pub fn output(&self, i: usize) -> ArrayView2<'_, f32> {
        if self.absorbed[i] {
            return self.layers[i - 1].output();
        }
        self.layers[i].output()
    }

    /// Visits every parameter of every layer, in order.
    pub fn params_and_grads(&mut self, f: &mut dyn FnMut(Param<'_>)) {
        for layer in self.layers.iter_mut() {
            layer.params_and_grads(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::reshape_for_overwrite;
    use ndarray::Array2;

    /// Shrunk and grown back within its allocation, a buffer keeps it and its
    /// values (nothing is zeroed again); grown past it, only the new values are 0.
    #[test]
    fn a_buffer_reshaped_for_overwriting_keeps_its_largest_allocation() {
        let mut buf = Array2::<f32>::zeros((0, 0));
        reshape_for_overwrite(&mut buf, 1000, 8);
        assert_eq!(buf.dim(), (1000, 8));
        buf.fill(1.5);
        let at = buf.as_ptr();
        reshape_for_overwrite(&mut buf, 32, 8);
        assert_eq!((buf.dim(), buf.as_ptr()), ((32, 8), at));
        assert_eq!(buf.as_slice().map(<[f32]>::len), Some(256), "standard layout");
        reshape_for_overwrite(&mut buf, 1000, 8);
        assert_eq!((buf.dim(), buf.as_ptr()), ((1000, 8), at), "grown back within its allocation");
        assert!(buf.iter().all(|&v| v == 1.5), "not zeroed again");
        reshape_for_overwrite(&mut buf, 10, 900);
        let values = buf.as_slice().expect("standard layout");
        assert!(values[..8000].iter().all(|&v| v == 1.5) && values[8000..].iter().all(|&v| v == 0.0));
    }
}
