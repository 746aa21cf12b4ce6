//! A batch's two halves' weight and bias gradients, summed in one fixed order
//! whatever the thread count (src/nn/conv/mod.rs, `Geometry::halves`).

use ndarray::{Array1, Array2, ArrayViewMut2, Axis};

/// The weight and bias gradients of a batch's two halves
/// (`Geometry::halves`), made apart, on two threads when they pay, and added
/// to the layer's in one fixed order, grad + (first + second), whatever the
/// thread count: the sum over the batch is cut by the shapes alone.
pub(super) struct Halves {
    /// The first half's dLoss/dW above the second's.
    weight: Array2<f32>,
    /// The first half's dLoss/db, then the second's.
    bias: Array1<f32>,
}

/// Where one pass puts its dLoss/dW (`β·weight + product`) and adds its dLoss/db.
pub(super) struct Part<'a> {
    pub(super) weight: ArrayViewMut2<'a, f32>,
    pub(super) bias: &'a mut [f32],
    pub(super) beta: f32,
}

impl<'a> Part<'a> {
    /// The layer's own gradients, added to.
    pub(super) fn whole(weight: &'a mut Array2<f32>, bias: &'a mut Array1<f32>) -> Self {
        Part { weight: weight.view_mut(), bias: bias.as_slice_mut().expect("bias is contiguous"), beta: 1.0 }
    }
}

impl Halves {
    pub(super) fn new(weight: (usize, usize), bias: usize) -> Self {
        Halves { weight: Array2::zeros((2 * weight.0, weight.1)), bias: Array1::zeros(2 * bias) }
    }

    /// The two halves' parts, cleared.
    pub(super) fn split(&mut self) -> (Part<'_>, Part<'_>) {
        self.bias.fill(0.0);
        let rows = self.weight.nrows() / 2;
        let (w1, w2) = self.weight.view_mut().split_at(Axis(0), rows);
        let half = self.bias.len() / 2;
        let (b1, b2) = self.bias.as_slice_mut().expect("bias is contiguous").split_at_mut(half);
        (Part { weight: w1, bias: b1, beta: 0.0 }, Part { weight: w2, bias: b2, beta: 0.0 })
    }

    /// grad += first + second, for the weights and the biases.
    pub(super) fn add_to(&self, weight: &mut Array2<f32>, bias: &mut Array1<f32>) {
        let add = |grad: &mut [f32], parts: &[f32]| {
            let (first, second) = parts.split_at(grad.len());
            for ((g, &a), &b) in grad.iter_mut().zip(first).zip(second) {
                *g += a + b;
            }
        };
        add(weight.as_slice_mut().expect("grad is contiguous"), self.weight.as_slice().expect("contiguous"));
        add(bias.as_slice_mut().expect("grad is contiguous"), self.bias.as_slice().expect("contiguous"));
    }
}
