//! Element-wise activations. The derivative is computed from the cached output,
//! which is all each of these needs.

use ndarray::{Array2, ArrayView2, Zip};
use serde::{Deserialize, Serialize};

use super::{ensure_shape, reshape_for_overwrite, Layer};

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
            Activation::Relu => relu(x),
            Activation::LeakyRelu => {
                if x > 0.0 {
                    x
                } else {
                    LEAKY_SLOPE * x
                }
            }
            Activation::Sigmoid => sigmoid_call(x),
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

/// e^x for x ≤ 0 (NaN stays NaN), without a branch or a call, so loops over it
/// vectorize (the scalar `f32::exp` took a quarter of a small model's forward and
/// backward pass, for the sigmoid output). Cephes' `expf`: x = n·ln 2 + r with
/// |r| ≤ ln 2 / 2 (ln 2 in two parts, so r is exact), e^r by its degree-7
/// polynomial, times 2^n built from its bits. Below −87 (where 2^n would leave
/// the normal numbers) x is taken as −87: e^−87 ≈ 1.6e−38 stands for 0. The
/// relative error is under 2.5e−7 (tested against f64 below). The loops
/// call [`exp_with`]; this is its literal-constant form, which the tests check.
#[cfg(test)]
fn exp_nonpositive(x: f32) -> f32 {
    exp_with(x, &EXP)
}

/// The constants of [`exp_nonpositive`] (and of the sigmoid made from it).
#[derive(Clone, Copy)]
struct ExpConstants {
    /// The least x taken: −87.
    floor: f32,
    log2_e: f32,
    /// 1.5·2^23: adding and taking it away rounds to the nearest whole number.
    round: f32,
    /// ln 2 in two parts, so n·ln 2 is exact.
    ln2: [f32; 2],
    /// e^r's polynomial, highest degree first.
    poly: [f32; 6],
    one: f32,
    /// The bits of 1.0, 127 << 23: 2^n's exponent bias in place.
    bias: u32,
}

const EXP: ExpConstants = ExpConstants {
    floor: -87.0,
    log2_e: std::f32::consts::LOG2_E,
    round: 12_582_912.0,
    ln2: [0.693_359_4, -2.121_944_4e-4],
    poly: [1.987_569_2e-4, 1.398_2e-3, 8.333_452e-3, 4.166_579_6e-2, 1.666_666_5e-1, 0.5],
    one: 1.0,
    bias: 127 << 23,
};

/// [`exp_nonpositive`] with its constants read from `k`: from `EXP` itself
/// they are literals; from a copy that the compiler cannot see into
/// (`sigmoid_into`) they are values held in registers across a loop.
#[inline(always)]
fn exp_with(x: f32, k: &ExpConstants) -> f32 {
    let x = if x < k.floor { k.floor } else { x };
    let shifted = x * k.log2_e + k.round;
    let n = shifted - k.round;
    let r = x - n * k.ln2[0] - n * k.ln2[1];
    let c = &k.poly;
    let p = ((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5];
    let er = p * (r * r) + r + k.one;
    // 2^n from the bits of `shifted`, whose low mantissa bits hold n (offset
    // by `round`'s bits): integer arithmetic on the bits, where `n as i32` was a
    // saturating float-to-int conversion in every lane. (n − bits(round) + 127) << 23
    // is (bits << 23) + (127 << 23): bits(round) << 23 wraps to 0.
    let two_n = (shifted.to_bits() << 23).wrapping_add(k.bias);
    er * f32::from_bits(two_n)
}

/// max(0, x) as a compare and select (0 for NaN, +0 for −0, as `f32::max`):
/// `f32::max` is a call to `fmaxf` in wasm, whose `f32.max` treats NaN
/// differently, and a call in a loop stops it vectorizing.
#[inline]
pub fn relu(x: f32) -> f32 {
    if x > 0.0 {
        x
    } else {
        0.0
    }
}

/// ReLU's derivative where it is not 0, for the loops g · (1 if y > 0 else 0):
/// through `black_box`, so a loop holds it in a register, where the literal
/// was a `v128.const` rebuilt in every iteration by V8. The same numbers.
#[inline(always)]
pub(crate) fn relu_derivative_one() -> f32 {
    std::hint::black_box(1.0)
}

/// The same sigmoid, called rather than inlined: where a layer's activation is
/// chosen per element (`Activation::apply`), inlining it did not pay for the code
/// it added to the page's download.
#[inline(never)]
fn sigmoid_call(x: f32) -> f32 {
    sigmoid(x)
}

/// out[i] = sigmoid(z[i]): the one vectorized sigmoid loop (the output layer, the
/// BCE gradient), kept in one place so the page's .wasm holds it once.
///
/// Its constants come through `black_box`, so the loop holds them in
/// registers: as literals each was a `v128.const` inside the loop, which V8
/// (Chromium 156) builds afresh in every iteration, and the loop took 1.7×
/// as long (3.1 against 1.8 ns a pixel). The same operations, so the same bits.
pub fn sigmoid_into(out: &mut [f32], z: &[f32]) {
    let k = std::hint::black_box(EXP);
    for (o, &z) in out.iter_mut().zip(z) {
        *o = sigmoid_with(z, &k);
    }
}

/// The logistic function from e^−|x| (in (0, 1], never overflowing): 1/(1 + e^−x)
/// for x ≥ 0, e^x/(1 + e^x) below. Branch-free: loops over it vectorize.
#[inline]
pub fn sigmoid(x: f32) -> f32 {
    sigmoid_with(x, &EXP)
}

#[inline(always)]
fn sigmoid_with(x: f32, k: &ExpConstants) -> f32 {
    let e = exp_with(-x.abs(), k);
    let s = k.one / (k.one + e);
    if x >= 0.0 {
        s
    } else {
        e * s
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
        reshape_for_overwrite(&mut self.out, x.nrows(), x.ncols());
        let kind = self.kind;
        // ReLU (the default) in a loop of its own, which vectorizes; the rest choose per element.
        if kind == Activation::Relu {
            crate::zip_for_each!(Zip::from(&mut self.out).and(&x), x.len(), |y: &mut f32, &v: &f32| *y = relu(v));
        } else {
            crate::zip_for_each!(Zip::from(&mut self.out).and(&x), x.len(), |y: &mut f32, &v: &f32| *y = kind.apply(v));
        }
        self.out.view()
    }

    fn output(&self) -> ArrayView2<'_, f32> {
        self.out.view()
    }

    fn backward(&mut self, grad_out: ArrayView2<f32>) -> ArrayView2<'_, f32> {
        ensure_shape(&mut self.grad_in, grad_out.nrows(), grad_out.ncols());
        let kind = self.kind;
        if kind == Activation::Relu {
            // 1 held in a register (see `relu_derivative_one`).
            let one = relu_derivative_one();
            crate::zip_for_each!(
                Zip::from(&mut self.grad_in).and(&grad_out).and(&self.out),
                grad_out.len(),
                |gi: &mut f32, &g: &f32, &y: &f32| *gi = g * if y > 0.0 { one } else { 0.0 }
            );
            return self.grad_in.view();
        }
        crate::zip_for_each!(
            Zip::from(&mut self.grad_in).and(&grad_out).and(&self.out),
            grad_out.len(),
            |gi: &mut f32, &g: &f32, &y: &f32| *gi = g * kind.derivative_from_output(y)
        );
        self.grad_in.view()
    }
}

#[cfg(test)]
mod tests {
    use super::{exp_nonpositive, sigmoid};

    #[test]
    fn exp_and_sigmoid_match_f64_to_a_few_ulps() {
        let mut worst_exp = 0.0f64;
        let mut worst_sigmoid = 0.0f64;
        for i in 0..=200_000 {
            let x = -87.0 + 87.0 * i as f32 / 200_000.0;
            let want = (x as f64).exp();
            worst_exp = worst_exp.max(((exp_nonpositive(x) as f64 - want) / want).abs());
            for z in [x, -x] {
                let want = 1.0 / (1.0 + (-(z as f64)).exp());
                worst_sigmoid = worst_sigmoid.max(((sigmoid(z) as f64 - want) / want).abs());
            }
        }
        assert!(worst_exp < 2.5e-7, "exp: relative error {worst_exp:e}");
        assert!(worst_sigmoid < 4e-7, "sigmoid: relative error {worst_sigmoid:e}");
    }

    /// 2^n read from the bits of the rounding sum is the float-to-int
    /// conversion's 2^n: the same values, bit for bit, over [−87, 0] (every
    /// 997th float) and below.
    #[test]
    fn two_to_the_n_from_the_bits_is_the_converted_one() {
        fn converted(x: f32) -> f32 {
            let x = if x < -87.0 { -87.0 } else { x };
            let n = (x * std::f32::consts::LOG2_E + 12_582_912.0) - 12_582_912.0;
            let r = x - n * 0.693_359_4 - n * -2.121_944_4e-4;
            let p = ((((1.987_569_2e-4 * r + 1.398_2e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r
                + 1.666_666_5e-1)
                * r
                + 0.5;
            (p * (r * r) + r + 1.0) * f32::from_bits(((n as i32 + 127) as u32) << 23)
        }
        let mut checked = 0;
        for bits in (0x8000_0000u32..=(-87.0f32).to_bits()).step_by(997).chain([(-87.0f32).to_bits()]) {
            let x = f32::from_bits(bits);
            assert_eq!(exp_nonpositive(x).to_bits(), converted(x).to_bits(), "x = {x:e}");
            checked += 1;
        }
        for x in [-87.5, -100.0, -1e30, f32::NEG_INFINITY] {
            assert_eq!(exp_nonpositive(x).to_bits(), converted(x).to_bits(), "x = {x:e}");
        }
        assert!(checked > 1_000_000);
    }

    /// The loop with its constants held in registers (`sigmoid_into`) is
    /// the scalar sigmoid with its constants literals, bit for bit.
    #[test]
    fn the_sigmoid_loop_is_the_scalar_sigmoid_bit_for_bit() {
        let z: Vec<f32> = (-20_000..=20_000).map(|i| i as f32 / 199.0).chain([-1e30, 1e30, -0.0, 1e-40]).collect();
        let mut out = vec![0.0f32; z.len()];
        super::sigmoid_into(&mut out, &z);
        for (o, x) in out.iter().zip(&z) {
            assert_eq!(o.to_bits(), sigmoid(*x).to_bits(), "x = {x:e}");
        }
    }

    #[test]
    fn the_edges_stay_what_they_were() {
        assert_eq!(exp_nonpositive(0.0), 1.0);
        assert_eq!(sigmoid(0.0), 0.5);
        assert!(exp_nonpositive(f32::NAN).is_nan() && sigmoid(f32::NAN).is_nan(), "NaN is not hidden");
        assert_eq!(sigmoid(f32::INFINITY), 1.0);
        assert!(sigmoid(f32::NEG_INFINITY) < 2e-38 && sigmoid(f32::NEG_INFINITY) >= 0.0);
        assert!(exp_nonpositive(-1000.0) < 2e-38);
        assert_eq!(sigmoid(20.0), 1.0 / (1.0 + (-20.0f32).exp()));
    }
}
