//! Convolutions on the `Layer` protocol. A row is one image of C×H×W values,
//! channel-major (PyTorch's NCHW with the batch as rows): value (c, y, x) of
//! sample n sits at `row[n][(c·H + y)·W + x]`.
//!
//! Both layers are one matrix product plus a gather or a scatter:
//!
//! - `Conv2d` unfolds the batch with im2col into `cols`, (C·k·k) × (N·P) for P
//!   output pixels, and computes W·cols with W = (C_out) × (C·k·k) on the
//!   shared kernel (`general_mat_mul`), or, where `cols` has at most 256 rows
//!   (every preset's layers), image by image straight into the output's rows
//!   (`fused::product_into_rows`);
//! - `ConvTranspose2d` is the adjoint: Wᵀ·x gives the columns, and col2im
//!   scatters them into the larger image.
//!
//! A product that col2im scatters at once (the transposed convolution's
//! forward Wᵀ·x, and the convolution's dLoss/dInput Wᵀ·G) is made a few rows at
//! a time on the stack and added straight into the image's phases
//! (`Geometry::fold_product`), so its (C·k·k) × (N·P) matrix is never
//! written: its inner dimension is a layer's channel count, too thin for the
//! matrix kernel to pay for writing and re-reading that matrix.
//!
//! The weight gradients, dLoss/dOutput·colsᵀ and the transposed convolution's
//! x·colsᵀ, are dot products of rows N·P long (`nn::rows`): the matrix
//! kernel's packing of both operands took as long as their multiply-adds.
//!
//! Both take on the activation pushed after them (`Layer::absorb`, from
//! `Sequential::push_activation`): f is applied as the output is written
//! (channel-major order left, or a plane finished), and f′ from the output
//! as dLoss/dOutput comes in (into channel-major order, or unfolded plane by
//! plane), bit for bit what a separate `ActivationLayer` computes, without its
//! two passes over the batch.
//!
//! The transposed convolution grows the image in the decoder. It is the exact
//! adjoint of the encoder's strided convolution, so one pair of im2col/col2im
//! serves both directions and both backward passes, and it is what PyTorch's
//! and Keras's conv autoencoders use (its checkerboard artefacts are a lesson
//! of their own). Downsampling is by stride, which learns its pooling.
//!
//! Weights are stored in PyTorch's layout: `Conv2d` [out, in, kH, kW] and
//! `ConvTranspose2d` [in, out, kH, kW], flattened to 2-D matrices. Every buffer
//! is kept and resized only when the batch changes: no allocation per step.
mod channel_major;
mod fused;
mod halves;
mod phases;
mod transpose;
mod unfold;

pub use self::transpose::ConvTranspose2d;

use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut2, Axis};
use rand::RngExt;

use self::channel_major::{from_channel_major, to_channel_major_times};
use self::fused::{product_into_rows, DIRECT_MAX_K};
use self::halves::{Halves, Part};
use self::unfold::Geometry;
use super::gemm::{gemm_within, join};
use super::rows::rows_times_rows;
use super::{ensure_shape, Activation, Layer, Param};
use crate::config::{ImageShape, Init, Window, MAX_CHANNELS};
use crate::rng::Rng;

/// Uniform weights: He U(±√(6/fan_in)) or Xavier U(±√(6/(fan_in+fan_out))).
fn init_weights(rows: usize, cols: usize, fan_in: usize, fan_out: usize, init: Init, rng: &mut Rng) -> Array2<f32> {
    let bound = match init {
        Init::He => (6.0 / fan_in as f32).sqrt(),
        Init::Xavier | Init::Auto => (6.0 / (fan_in + fan_out) as f32).sqrt(),
    };
    Array2::from_shape_simple_fn((rows, cols), || rng.random_range(-bound..bound))
}

fn params<'a>(
    weight: &'a mut Array2<f32>,
    grad_weight: &'a mut Array2<f32>,
    bias: &'a mut Array1<f32>,
    grad_bias: &'a mut Array1<f32>,
    f: &mut dyn FnMut(Param<'_>),
) {
    f(Param {
        value: weight.as_slice_mut().expect("weight is contiguous"),
        grad: grad_weight.as_slice_mut().expect("grad is contiguous"),
        is_weight: true,
        spent: None,
    });
    f(Param {
        value: bias.as_slice_mut().expect("bias is contiguous"),
        grad: grad_bias.as_slice_mut().expect("grad is contiguous"),
        is_weight: false,
        spent: None,
    });
}

/// A 2-D convolution with bias: C_in×H×W → C_out×H'×W'.
pub struct Conv2d {
    /// Kernels, C_out × (C_in·k·k): PyTorch's [out, in, kH, kW].
    pub weight: Array2<f32>,
    /// One bias per output channel.
    pub bias: Array1<f32>,
    /// Accumulated dLoss/dW.
    pub grad_weight: Array2<f32>,
    /// Accumulated dLoss/db.
    pub grad_bias: Array1<f32>,
    /// False for the first layer: nobody needs dLoss/dPixels.
    pub input_grad: bool,
    /// The activation after it, applied as the output leaves channel-major
    /// order and differentiated as dLoss/dOutput enters it (`Layer::absorb`).
    act: Activation,
    geo: Geometry,
    /// Wᵀ, (C_in·k·k) × C_out, for `fused::product_into_rows`.
    weight_t: Array2<f32>,
    cols: Array2<f32>,
    out_cm: Array2<f32>,
    out: Array2<f32>,
    grad_cm: Array2<f32>,
    grad_cols: Array2<f32>,
    grad_in: Array2<f32>,
    parts: Halves,
}

impl Conv2d {
    /// A convolution of `input` images to `channels` output channels, weights by `init`
    /// (fan-in C_in·k·k, fan-out C_out·k·k), zero biases.
    pub fn new(input: ImageShape, channels: usize, window: Window, init: Init, rng: &mut Rng) -> Self {
        let geo = Geometry::new(input, window);
        let patch = geo.patch();
        let k2 = window.kernel * window.kernel;
        let weight = init_weights(channels, patch, patch, channels * k2, init, rng);
        let e = || Array2::zeros((0, 0));
        Conv2d {
            weight,
            bias: Array1::zeros(channels),
            grad_weight: Array2::zeros((channels, patch)),
            grad_bias: Array1::zeros(channels),
            input_grad: true,
            act: Activation::Identity,
            geo,
            weight_t: e(),
            cols: e(),
            out_cm: e(),
            out: e(),
            grad_cm: e(),
            grad_cols: e(),
            grad_in: e(),
            parts: Halves::new((channels, patch), channels),
        }
    }

    /// The image each row of the output holds.
    pub fn output_shape(&self) -> ImageShape {
        ImageShape { channels: self.weight.nrows(), height: self.geo.out_h, width: self.geo.out_w }
    }
}

impl Layer for Conv2d {
    /// With threads, the two halves of the batch (unfold, product, output) on
    /// two threads. A product with an unfolded matrix of at most
    /// `DIRECT_MAX_K` rows is written straight into the rows
    /// (`fused::product_into_rows`); deeper ones are made on the matrix
    /// kernel in channel-major order and moved.
    fn forward(&mut self, x: ArrayView2<f32>, _train: bool) -> ArrayView2<'_, f32> {
        let batch = x.nrows();
        let (channels, patch, pixels) = (self.weight.nrows(), self.geo.patch(), self.geo.pixels());
        let direct = patch <= DIRECT_MAX_K && channels <= MAX_CHANNELS;
        if direct {
            ensure_shape(&mut self.weight_t, patch, channels);
            self.weight_t.assign(&self.weight.t());
        }
        ensure_shape(&mut self.cols, patch, batch * pixels);
        ensure_shape(&mut self.out_cm, if direct { 0 } else { channels }, batch * pixels);
        ensure_shape(&mut self.out, batch, channels * pixels);
        let cut = self.geo.batch_cut(batch, channels * patch * batch * pixels);
        let (geo, weight, weight_t, bias, act) = (&self.geo, &self.weight, &self.weight_t, &self.bias, self.act);
        let pass = |x: ArrayView2<f32>,
                    mut cols: ArrayViewMut2<f32>,
                    mut out_cm: ArrayViewMut2<f32>,
                    mut out: ArrayViewMut2<f32>| {
            geo.unfold(x, cols.view_mut());
            if direct {
                product_into_rows(weight_t.view(), cols.view(), Some(bias), act, out);
            } else {
                gemm_within(cut.is_some(), 1.0, &weight.view(), &cols.view(), 0.0, &mut out_cm);
                from_channel_major(out_cm.view(), Some(bias), act, out.view_mut());
            }
        };
        let (cols, out_cm, out) = (self.cols.view_mut(), self.out_cm.view_mut(), self.out.view_mut());
        let depth = if cut.is_some() { Geometry::piece_depth() } else { 0 };
        self.geo.in_pieces(depth, 0, x, cols, out_cm, out, &pass);
        self.out.view()
    }

    fn output(&self) -> ArrayView2<'_, f32> {
        self.out.view()
    }

    /// By the batch's two halves (`Geometry::halves`), on two threads when
    /// they pay: each half's dLoss/dW and dLoss/db, summed after in a fixed
    /// order, and its dLoss/dInput.
    fn backward(&mut self, grad_out: ArrayView2<f32>) -> ArrayView2<'_, f32> {
        let batch = grad_out.nrows();
        let (channels, patch, pixels) = (self.weight.nrows(), self.weight.ncols(), self.geo.pixels());
        let columns = batch * pixels;
        ensure_shape(&mut self.grad_cm, channels, columns);
        // Without dLoss/dInput, empty blocks that still split by the batch.
        let input_grad = self.input_grad;
        ensure_shape(&mut self.grad_cols, if input_grad { patch } else { 0 }, columns);
        ensure_shape(&mut self.grad_in, batch, if input_grad { self.geo.image.len() } else { 0 });
        let cut = self.geo.halves(batch);
        let macs = if input_grad { 2 } else { 1 } * channels * patch * columns;
        let split = cut.is_some() && super::gemm::split_conv(macs);
        let (geo, weight, act) = (&self.geo, &self.weight, self.act);
        let pass = |g: ArrayView2<f32>,
                    y: ArrayView2<f32>,
                    mut g_cm: ArrayViewMut2<f32>,
                    cols: ArrayView2<f32>,
                    grad_cols: ArrayViewMut2<f32>,
                    grad_in: ArrayViewMut2<f32>,
                    mut part: Part<'_>| {
            to_channel_major_times(g, Some((act, y)), g_cm.view_mut(), Some(&mut *part.bias));
            rows_times_rows(g_cm.view(), cols, part.beta, part.weight.view_mut());
            if input_grad {
                geo.fold_product(split, Activation::Identity, weight.view(), g_cm.view(), None, grad_cols, grad_in);
            }
        };
        let (g_cm, cols, y) = (self.grad_cm.view_mut(), self.cols.view(), self.out.view());
        let (grad_cols, grad_in) = (self.grad_cols.view_mut(), self.grad_in.view_mut());
        match cut {
            Some(n) => {
                let (g1, g2) = grad_out.split_at(Axis(0), n);
                let (y1, y2) = y.split_at(Axis(0), n);
                let (m1, m2) = g_cm.split_at(Axis(1), n * pixels);
                let (c1, c2) = cols.split_at(Axis(1), n * pixels);
                let (d1, d2) = grad_cols.split_at(Axis(1), n * pixels);
                let (i1, i2) = grad_in.split_at(Axis(0), n);
                let (p1, p2) = self.parts.split();
                join(split, || pass(g1, y1, m1, c1, d1, i1, p1), || pass(g2, y2, m2, c2, d2, i2, p2));
                self.parts.add_to(&mut self.grad_weight, &mut self.grad_bias);
            }
            None => {
                let whole = Part::whole(&mut self.grad_weight, &mut self.grad_bias);
                pass(grad_out, y, g_cm, cols, grad_cols, grad_in, whole)
            }
        }
        self.grad_in.view()
    }

    fn params_and_grads(&mut self, f: &mut dyn FnMut(Param<'_>)) {
        params(&mut self.weight, &mut self.grad_weight, &mut self.bias, &mut self.grad_bias, f);
    }

    /// Every activation: f(x) as the output leaves channel-major order, and
    /// f′ from the output as dLoss/dOutput enters it, in passes the layer
    /// makes anyway (in the blog conv, the two ReLU passes took 4–5% of a
    /// step). Once.
    fn absorb(&mut self, act: Activation) -> bool {
        if self.act != Activation::Identity {
            return false;
        }
        self.act = act;
        true
    }
}
