//! Element-wise activations. The derivative is computed from the cached output,
//! which is all each of these needs.

use ndarray::{Array2, ArrayView2, Zip};
use serde::{Deserialize, Serialize};

use super::{ensure_shape, Layer};

/// Slope of leaky ReLU for negative inputs.
pub const LEAKY_SLOPE: f32 = 0.01;

/// An element-wise non-linearity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// max(0, x)
    Relu,
    /// x for x > 0, 0.01·x otherwise
    LeakyRelu,
    /// 1 / (1 + e^−x)
    Sigmoid,
    /// tanh x
    Tanh,
    /// x
    Identity,
}

impl Activation {
    /// The name used in configs and URLs.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leaky_relu",
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Identity => "identity",
        }
    }

    /// f(x)
    #[inline]
    pub fn apply(self, x: f32) -> f32 {
        match self {
            Activation::Relu => x.max(0.0),
            Activation::LeakyRelu => {
                if x > 0.0 {
                    x
                } else {
                    LEAKY_SLOPE * x
                }
            }
            Activation::Sigmoid => sigmoid(x),
            Activation::Tanh => x.tanh(),
            Activation::Identity => x,
        }
    }

    /// f'(x) written in terms of y = f(x); valid because every f here is monotone
    /// and keeps the sign information the derivative needs.
    #[inline]
    pub fn derivative_from_output(self, y: f32) -> f32 {
        match self {
            Activation::Relu => {
                if y > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::LeakyRelu => {
                if y > 0.0 {
                    1.0
                } else {
                    LEAKY_SLOPE
                }
            }
            Activation::Sigmoid => y * (1.0 - y),
            Activation::Tanh => 1.0 - y * y,
            Activation::Identity => 1.0,
        }
    }

    /// True for ReLU-like units, which want He initialisation.
    pub fn is_relu_like(self) -> bool {
        matches!(self, Activation::Relu | Activation::LeakyRelu)
    }
}

/// The logistic function, written so neither branch overflows.
#[inline]
pub fn sigmoid(x: f32) -> f32 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// An activation as a layer, with its output and input-gradient buffers.
pub struct ActivationLayer {
    /// Which function.
    pub kind: Activation,
    out: Array2<f32>,
    grad_in: Array2<f32>,
}

impl ActivationLayer {
    /// A layer applying `kind`.
    pub fn new(kind: Activation) -> Self {
        ActivationLayer { kind, out: Array2::zeros((0, 0)), grad_in: Array2::zeros((0, 0)) }
    }
}

impl Layer for ActivationLayer {
    fn forward(&mut self, x: ArrayView2<f32>, _train: bool) -> ArrayView2<'_, f32> {
        ensure_shape(&mut self.out, x.nrows(), x.ncols());
        let kind = self.kind;
        crate::zip_for_each!(Zip::from(&mut self.out).and(&x), x.len(), |y: &mut f32, &v: &f32| *y = kind.apply(v));
        self.out.view()
    }

    fn output(&self) -> ArrayView2<'_, f32> {
        self.out.view()
    }

    fn backward(&mut self, grad_out: ArrayView2<f32>) -> ArrayView2<'_, f32> {
        ensure_shape(&mut self.grad_in, grad_out.nrows(), grad_out.ncols());
        let kind = self.kind;
        crate::zip_for_each!(
            Zip::from(&mut self.grad_in).and(&grad_out).and(&self.out),
            grad_out.len(),
            |gi: &mut f32, &g: &f32, &y: &f32| *gi = g * kind.derivative_from_output(y)
        );
        self.grad_in.view()
    }
}
