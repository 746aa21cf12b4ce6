//! Convolutions on the `Layer` protocol. A row is one image of C×H×W values,
//! channel-major (PyTorch's NCHW with the batch as rows): value (c, y, x) of
//! sample n sits at `row[n][(c·H + y)·W + x]`.
//!
//! Both layers are one matrix product on the shared kernel (`general_mat_mul`)
//! plus a gather or a scatter:
//!
//! - `Conv2d` unfolds the batch with im2col into `cols`, (C·k·k) × (N·P) for P
//!   output pixels, and computes W·cols with W = (C_out) × (C·k·k);
//! - `ConvTranspose2d` is the adjoint: Wᵀ·x gives the columns, and col2im
//!   scatters them into the larger image.
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

use super::gemm::gemm;
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::RngExt;

use super::{ensure_shape, Layer, Param};
use crate::config::{ImageShape, Init, Window};
use crate::rng::Rng;

/// The spatial geometry of one convolution: image in, window, output size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Geometry {
    image: ImageShape,
    window: Window,
    out_h: usize,
    out_w: usize,
}

impl Geometry {
    fn new(image: ImageShape, window: Window) -> Self {
        let out_h = window.out_side(image.height).expect("the config checks the kernel fits");
        let out_w = window.out_side(image.width).expect("the config checks the kernel fits");
        Geometry { image, window, out_h, out_w }
    }

    /// Output pixels per channel.
    fn pixels(&self) -> usize {
        self.out_h * self.out_w
    }

    /// Rows of the unfolded matrix: C·k·k.
    fn patch(&self) -> usize {
        self.image.channels * self.window.kernel * self.window.kernel
    }

    /// The outputs `o` whose input `o·s + k − p` lies inside a side of `side`
    /// pixels, as a range: the rest read the padding's zeros.
    #[inline]
    fn inside(&self, k: usize, side: usize, outs: usize) -> std::ops::Range<usize> {
        let (s, p) = (self.window.stride, self.window.padding);
        // o·s + k ≥ p  ⇔  o ≥ ⌈(p − k)/s⌉;   o·s + k − p ≤ side − 1  ⇔  o ≤ ⌊(side − 1 + p − k)/s⌋
        let lo = p.saturating_sub(k).div_ceil(s);
        let hi = if side + p > k { ((side - 1 + p - k) / s + 1).min(outs) } else { 0 };
        lo..hi.max(lo)
    }

    /// im2col: `cols` ((C·k·k) × (N·P)) gets every window of the batch `x`,
    /// written row by row (each row of `cols` in one sequential pass).
    fn unfold(&self, x: ArrayView2<f32>, cols: &mut Array2<f32>) {
        let batch = x.nrows();
        let pixels = self.pixels();
        ensure_shape(cols, self.patch(), batch * pixels);
        let x = x.as_standard_layout();
        let src = x.as_slice().expect("standard layout");
        let width = cols.ncols();
        let dst = cols.as_slice_mut().expect("cols is contiguous");
        let ImageShape { channels, height, width: w } = self.image;
        let (k, s, p) = (self.window.kernel, self.window.stride, self.window.padding);
        let (oh, ow) = (self.out_h, self.out_w);
        for c in 0..channels {
            for ky in 0..k {
                let ys = self.inside(ky, height, oh);
                for kx in 0..k {
                    let xs = self.inside(kx, w, ow);
                    let full = ys.len() == oh && xs.len() == ow;
                    let row = (c * k + ky) * k + kx;
                    let dst_row = &mut dst[row * width..(row + 1) * width];
                    for (n, block) in dst_row.chunks_exact_mut(pixels).enumerate() {
                        if !full {
                            block.fill(0.0);
                        }
                        let plane = &src[(n * channels + c) * height * w..][..height * w];
                        for oy in ys.clone() {
                            let line = &plane[(oy * s + ky - p) * w..][..w];
                            let out = &mut block[oy * ow..(oy + 1) * ow];
                            for ox in xs.clone() {
                                out[ox] = line[ox * s + kx - p];
                            }
                        }
                    }
                }
            }
        }
    }

    /// col2im: adds every column of `cols` back into the image it came from
    /// (`x` += fold(cols)), reading `cols` row by row.
    fn fold_add(&self, cols: &Array2<f32>, x: &mut Array2<f32>) {
        let pixels = self.pixels();
        let width = cols.ncols();
        let src = cols.as_slice().expect("cols is contiguous");
        let dst = x.as_slice_mut().expect("images are contiguous");
        let ImageShape { channels, height, width: w } = self.image;
        let (k, s, p) = (self.window.kernel, self.window.stride, self.window.padding);
        let (oh, ow) = (self.out_h, self.out_w);
        for c in 0..channels {
            for ky in 0..k {
                let ys = self.inside(ky, height, oh);
                for kx in 0..k {
                    let xs = self.inside(kx, w, ow);
                    let row = (c * k + ky) * k + kx;
                    let src_row = &src[row * width..(row + 1) * width];
                    for (n, block) in src_row.chunks_exact(pixels).enumerate() {
                        let plane = &mut dst[(n * channels + c) * height * w..][..height * w];
                        for oy in ys.clone() {
                            let line = &mut plane[(oy * s + ky - p) * w..][..w];
                            let from = &block[oy * ow..(oy + 1) * ow];
                            for ox in xs.clone() {
                                line[ox * s + kx - p] += from[ox];
                            }
                        }
                    }
                }
            }
        }
    }
}

/// (N, C·P) → (C, N·P): each sample's channel planes side by side per channel.
fn to_channel_major(x: ArrayView2<f32>, channels: usize, dst: &mut Array2<f32>) {
    let (batch, p) = (x.nrows(), x.ncols() / channels);
    ensure_shape(dst, channels, batch * p);
    for (n, row) in x.axis_iter(Axis(0)).enumerate() {
        for c in 0..channels {
            dst.row_mut(c)
                .slice_mut(ndarray::s![n * p..(n + 1) * p])
                .assign(&row.slice(ndarray::s![c * p..(c + 1) * p]));
        }
    }
}

/// (C, N·P) → (N, C·P), the inverse of `to_channel_major`, adding `bias[c]` to channel c.
fn from_channel_major(src: &Array2<f32>, bias: Option<&Array1<f32>>, batch: usize, dst: &mut Array2<f32>) {
    let (channels, p) = (src.nrows(), src.ncols() / batch.max(1));
    ensure_shape(dst, batch, channels * p);
    for (n, mut row) in dst.axis_iter_mut(Axis(0)).enumerate() {
        for c in 0..channels {
            let b = bias.map_or(0.0, |b| b[c]);
            let from = src.row(c);
            let from = from.slice(ndarray::s![n * p..(n + 1) * p]);
            let mut to = row.slice_mut(ndarray::s![c * p..(c + 1) * p]);
            ndarray::Zip::from(&mut to).and(&from).for_each(|t, &f| *t = f + b);
        }
    }
}

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
    });
    f(Param {
        value: bias.as_slice_mut().expect("bias is contiguous"),
        grad: grad_bias.as_slice_mut().expect("grad is contiguous"),
        is_weight: false,
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
    geo: Geometry,
    cols: Array2<f32>,
    out_cm: Array2<f32>,
    out: Array2<f32>,
    grad_cm: Array2<f32>,
    grad_cols: Array2<f32>,
    grad_in: Array2<f32>,
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
            geo,
            cols: e(),
            out_cm: e(),
            out: e(),
            grad_cm: e(),
            grad_cols: e(),
            grad_in: e(),
        }
    }

    /// The image each row of the output holds.
    pub fn output_shape(&self) -> ImageShape {
        ImageShape { channels: self.weight.nrows(), height: self.geo.out_h, width: self.geo.out_w }
    }
}

impl Layer for Conv2d {
    fn forward(&mut self, x: ArrayView2<f32>, _train: bool) -> ArrayView2<'_, f32> {
        let batch = x.nrows();
        self.geo.unfold(x, &mut self.cols);
        ensure_shape(&mut self.out_cm, self.weight.nrows(), self.cols.ncols());
        gemm(1.0, &self.weight.view(), &self.cols.view(), 0.0, &mut self.out_cm);
        from_channel_major(&self.out_cm, Some(&self.bias), batch, &mut self.out);
        self.out.view()
    }

    fn output(&self) -> ArrayView2<'_, f32> {
        self.out.view()
    }

    fn backward(&mut self, grad_out: ArrayView2<f32>) -> ArrayView2<'_, f32> {
        to_channel_major(grad_out, self.weight.nrows(), &mut self.grad_cm);
        gemm(1.0, &self.grad_cm.view(), &self.cols.t(), 1.0, &mut self.grad_weight);
        for (b, row) in self.grad_bias.iter_mut().zip(self.grad_cm.rows()) {
            *b += row.sum();
        }
        if !self.input_grad {
            ensure_shape(&mut self.grad_in, 0, 0);
            return self.grad_in.view();
        }
        ensure_shape(&mut self.grad_cols, self.weight.ncols(), self.grad_cm.ncols());
        gemm(1.0, &self.weight.t(), &self.grad_cm, 0.0, &mut self.grad_cols);
        ensure_shape(&mut self.grad_in, grad_out.nrows(), self.geo.image.len());
        self.grad_in.fill(0.0);
        self.geo.fold_add(&self.grad_cols, &mut self.grad_in);
        self.grad_in.view()
    }

    fn params_and_grads(&mut self, f: &mut dyn FnMut(Param<'_>)) {
        params(&mut self.weight, &mut self.grad_weight, &mut self.bias, &mut self.grad_bias, f);
    }
}

/// A transposed convolution with bias, the adjoint of `Conv2d`: it grows a
/// C_in×h×w image to C_out×H×W, where a `Conv2d` with the same window would
/// take C_out×H×W back to h×w.
pub struct ConvTranspose2d {
    /// Kernels, C_in × (C_out·k·k): PyTorch's [in, out, kH, kW].
    pub weight: Array2<f32>,
    /// One bias per output channel.
    pub bias: Array1<f32>,
    /// Accumulated dLoss/dW.
    pub grad_weight: Array2<f32>,
    /// Accumulated dLoss/db.
    pub grad_bias: Array1<f32>,
    /// The geometry of the mirror convolution: from the output image down to the input's size.
    geo: Geometry,
    in_channels: usize,
    x_cm: Array2<f32>,
    cols: Array2<f32>,
    out: Array2<f32>,
    grad_x_cm: Array2<f32>,
    grad_in: Array2<f32>,
}

impl ConvTranspose2d {
    /// A transposed convolution from `in_channels` planes of the size a `window`
    /// convolution makes of `output`, up to `output` (so its output_padding is
    /// implied). Weights by `init` with fan-in C_in·⌈k/s⌉², the inputs that reach
    /// one output pixel.
    pub fn new(in_channels: usize, output: ImageShape, window: Window, init: Init, rng: &mut Rng) -> Self {
        let geo = Geometry::new(output, window);
        let patch = geo.patch();
        let reach = window.kernel.div_ceil(window.stride);
        let weight =
            init_weights(in_channels, patch, in_channels * reach * reach, output.channels * reach * reach, init, rng);
        let e = || Array2::zeros((0, 0));
        ConvTranspose2d {
            weight,
            bias: Array1::zeros(output.channels),
            grad_weight: Array2::zeros((in_channels, patch)),
            grad_bias: Array1::zeros(output.channels),
            geo,
            in_channels,
            x_cm: e(),
            cols: e(),
            out: e(),
            grad_x_cm: e(),
            grad_in: e(),
        }
    }

    /// The image each input row must hold: C_in × h × w.
    pub fn input_shape(&self) -> ImageShape {
        ImageShape { channels: self.in_channels, height: self.geo.out_h, width: self.geo.out_w }
    }
}

impl Layer for ConvTranspose2d {
    fn forward(&mut self, x: ArrayView2<f32>, _train: bool) -> ArrayView2<'_, f32> {
        let batch = x.nrows();
        to_channel_major(x, self.in_channels, &mut self.x_cm);
        ensure_shape(&mut self.cols, self.weight.ncols(), self.x_cm.ncols());
        gemm(1.0, &self.weight.t(), &self.x_cm, 0.0, &mut self.cols);
        let image = self.geo.image;
        ensure_shape(&mut self.out, batch, image.len());
        let plane = image.height * image.width;
        for mut row in self.out.rows_mut() {
            for (c, &b) in self.bias.iter().enumerate() {
                row.slice_mut(ndarray::s![c * plane..(c + 1) * plane]).fill(b);
            }
        }
        self.geo.fold_add(&self.cols, &mut self.out);
        self.out.view()
    }

    fn output(&self) -> ArrayView2<'_, f32> {
        self.out.view()
    }

    fn backward(&mut self, grad_out: ArrayView2<f32>) -> ArrayView2<'_, f32> {
        let batch = grad_out.nrows();
        // The gradient of a scatter is the gather: unfold dLoss/dOutput.
        self.geo.unfold(grad_out, &mut self.cols);
        gemm(1.0, &self.x_cm.view(), &self.cols.t(), 1.0, &mut self.grad_weight);
        let plane = self.geo.image.height * self.geo.image.width;
        for row in grad_out.rows() {
            for (c, b) in self.grad_bias.iter_mut().enumerate() {
                *b += row.slice(ndarray::s![c * plane..(c + 1) * plane]).sum();
            }
        }
        ensure_shape(&mut self.grad_x_cm, self.in_channels, self.cols.ncols());
        gemm(1.0, &self.weight.view(), &self.cols.view(), 0.0, &mut self.grad_x_cm);
        from_channel_major(&self.grad_x_cm, None, batch, &mut self.grad_in);
        self.grad_in.view()
    }

    fn params_and_grads(&mut self, f: &mut dyn FnMut(Param<'_>)) {
        params(&mut self.weight, &mut self.grad_weight, &mut self.bias, &mut self.grad_bias, f);
    }
}
