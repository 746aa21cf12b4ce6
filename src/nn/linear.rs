//! Fully connected layer y = x·W + b, with W stored (in_features × out_features)
//! so a batch (rows = samples) multiplies on the left.

use super::gemm::{self as pair, gemm, join};
use ndarray::{Array1, Array2, ArrayView2};
use rand::RngExt;

use super::{ensure_shape, reshape_for_overwrite, Layer, Param};
use crate::config::Init;
use crate::rng::Rng;

/// A dense layer with reusable buffers for its cached input and gradients.
pub struct Linear {
    /// Weights, in_features × out_features.
    pub weight: Array2<f32>,
    /// Biases, out_features.
    pub bias: Array1<f32>,
    /// Accumulated dLoss/dW.
    pub grad_weight: Array2<f32>,
    /// Accumulated dLoss/db.
    pub grad_bias: Array1<f32>,
    /// False for the first layer of a network: nobody needs dLoss/dPixels, and
    /// skipping it saves one of the three matrix products.
    pub input_grad: bool,
    /// The optimiser's step has used the gradients and left them as they were
    /// (`Param::spent`): the next backward writes them afresh, and any other
    /// visit zeroes them first (`settle_grads`).
    grads_spent: bool,
    input: Array2<f32>,
    out: Array2<f32>,
    grad_in: Array2<f32>,
}

impl Linear {
    /// A layer with weights drawn by `init` (He: U(±√(6/in)), Xavier: U(±√(6/(in+out))))
    /// and zero biases. `Init::Auto` is resolved by the caller; here it means Xavier.
    pub fn new(in_features: usize, out_features: usize, init: Init, rng: &mut Rng) -> Self {
        let bound = match init {
            Init::He => (6.0 / in_features as f32).sqrt(),
            Init::Xavier | Init::Auto => (6.0 / (in_features + out_features) as f32).sqrt(),
        };
        let weight = Array2::from_shape_simple_fn((in_features, out_features), || rng.random_range(-bound..bound));
        let empty = || Array2::zeros((0, 0));
        Linear {
            weight,
            bias: Array1::zeros(out_features),
            grad_weight: Array2::zeros((in_features, out_features)),
            grad_bias: Array1::zeros(out_features),
            input_grad: true,
            grads_spent: false,
            input: empty(),
            out: empty(),
            grad_in: empty(),
        }
    }

    /// Input width.
    pub fn in_features(&self) -> usize {
        self.weight.nrows()
    }

    /// Output width.
    pub fn out_features(&self) -> usize {
        self.weight.ncols()
    }

    /// Zeroes the gradients if the last step spent them (`Param::spent`), so
    /// they read as zero until a backward adds to them: for whoever touches
    /// `grad_weight` or `grad_bias` other than `backward`.
    pub fn settle_grads(&mut self) {
        if std::mem::take(&mut self.grads_spent) {
            self.grad_weight.fill(0.0);
            self.grad_bias.fill(0.0);
        }
    }
}

impl Layer for Linear {
    fn forward(&mut self, x: ArrayView2<f32>, _train: bool) -> ArrayView2<'_, f32> {
        // Both written whole below: no zeroing when the rows change (batch ↔ validation set).
        reshape_for_overwrite(&mut self.input, x.nrows(), x.ncols());
        // Copies of whole rows (ndarray's element-wise `assign` was ~1% of a small model's step).
        let x = x.as_standard_layout(); // a borrow: every caller's rows are contiguous
        self.input.as_slice_mut().expect("a standard buffer").copy_from_slice(x.as_slice().expect("standard"));
        let cols = self.out_features();
        reshape_for_overwrite(&mut self.out, x.nrows(), cols);
        // Start from the broadcast bias, then add x·W in place: no temporary.
        let bias = self.bias.as_slice().expect("bias is contiguous");
        for row in self.out.as_slice_mut().expect("a standard buffer").chunks_exact_mut(cols.max(1)) {
            row.copy_from_slice(bias);
        }
        gemm(1.0, &x, &self.weight, 1.0, &mut self.out);
        self.out.view()
    }

    fn output(&self) -> ArrayView2<'_, f32> {
        self.out.view()
    }

    /// dLoss/dW (and db) and dLoss/dInput are two products of the same
    /// number of multiply-adds (in·batch·out) that share no output: with
    /// threads, one on each when they pay, each whole (`gemm::gemm_within`).
    /// dW and db are added to the gradients, or written over them where the
    /// optimiser's step spent them (no zeroing pass, and dW's product reads
    /// no old values).
    fn backward(&mut self, grad_out: ArrayView2<f32>) -> ArrayView2<'_, f32> {
        let cols = self.in_features();
        ensure_shape(&mut self.grad_in, if self.input_grad { grad_out.nrows() } else { 0 }, cols);
        let beta = if std::mem::take(&mut self.grads_spent) { 0.0 } else { 1.0 };
        let (input, weight) = (&self.input, &self.weight);
        let (grad_weight, grad_bias, grad_in) = (&mut self.grad_weight, &mut self.grad_bias, &mut self.grad_in);
        let mut weight_grads = |split: bool| {
            pair::gemm_within(split, 1.0, &input.t(), &grad_out, beta, grad_weight);
            if beta == 0.0 {
                grad_bias.fill(0.0);
            }
            // Row after row onto the sums, as slices (a loop that vectorizes).
            let (sums, g) = (grad_bias.as_slice_mut().expect("bias is contiguous"), grad_out.as_standard_layout());
            for row in g.as_slice().expect("standard").chunks_exact(sums.len().max(1)) {
                for (b, &g) in sums.iter_mut().zip(row) {
                    *b += g;
                }
            }
        };
        if !self.input_grad {
            weight_grads(false);
            return self.grad_in.view();
        }
        let macs = 2 * input.len() * weight.ncols();
        let split = pair::split_products(macs);
        join(split, || weight_grads(split), || pair::gemm_within(split, 1.0, &grad_out, &weight.t(), 0.0, grad_in));
        self.grad_in.view()
    }

    /// Every visitor sees the gradients of the last backward, or zeros after a
    /// step (`settle_grads`); the optimiser may mark them spent.
    fn params_and_grads(&mut self, f: &mut dyn FnMut(Param<'_>)) {
        self.settle_grads();
        // Both are created in standard layout and never re-strided, so the slices exist.
        f(Param {
            value: self.weight.as_slice_mut().expect("weight is contiguous"),
            grad: self.grad_weight.as_slice_mut().expect("grad is contiguous"),
            is_weight: true,
            spent: Some(&mut self.grads_spent),
        });
        f(Param {
            value: self.bias.as_slice_mut().expect("bias is contiguous"),
            grad: self.grad_bias.as_slice_mut().expect("grad is contiguous"),
            is_weight: false,
            spent: Some(&mut self.grads_spent),
        });
    }
}
