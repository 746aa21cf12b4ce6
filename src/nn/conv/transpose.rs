//! The transposed convolution, `Conv2d`'s adjoint: the decoder's layer that
//! grows the image (src/nn/conv/mod.rs says why this one).

use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut2, Axis};

use super::channel_major::{from_channel_major, to_channel_major};
use super::fused::{product_into_rows, DIRECT_MAX_K};
use super::halves::{Halves, Part};
use super::unfold::Geometry;
use super::{init_weights, params};
use crate::config::{ImageShape, Init, Window, MAX_CHANNELS};
use crate::nn::gemm::{gemm_within, join};
use crate::nn::rows::rows_times_rows;
use crate::nn::{ensure_shape, Activation, Layer, Param};
use crate::rng::Rng;

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
    /// The activation after it, applied to each plane as it is finished and
    /// differentiated as dLoss/dOutput is unfolded (`Layer::absorb`).
    act: Activation,
    /// Wᵀ, (C_out·k·k) × C_in, for `fused::product_into_rows`.
    weight_t: Array2<f32>,
    x_cm: Array2<f32>,
    cols: Array2<f32>,
    out: Array2<f32>,
    grad_x_cm: Array2<f32>,
    grad_in: Array2<f32>,
    parts: Halves,
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
            act: Activation::Identity,
            weight_t: e(),
            x_cm: e(),
            cols: e(),
            out: e(),
            grad_x_cm: e(),
            grad_in: e(),
            parts: Halves::new((in_channels, patch), output.channels),
        }
    }

    /// The image each input row must hold: C_in × h × w.
    pub fn input_shape(&self) -> ImageShape {
        ImageShape { channels: self.in_channels, height: self.geo.out_h, width: self.geo.out_w }
    }
}

impl Layer for ConvTranspose2d {
    /// With threads, the two halves of the batch (product, scatter) on two threads.
    fn forward(&mut self, x: ArrayView2<f32>, _train: bool) -> ArrayView2<'_, f32> {
        let batch = x.nrows();
        let (channels, patch, pixels) = (self.in_channels, self.geo.patch(), self.geo.pixels());
        let image = self.geo.image;
        ensure_shape(&mut self.x_cm, channels, batch * pixels);
        ensure_shape(&mut self.cols, patch, batch * pixels);
        ensure_shape(&mut self.out, batch, image.len());
        let cut = self.geo.batch_cut(batch, channels * patch * batch * pixels);
        let (geo, weight, bias, act) = (&self.geo, &self.weight, &self.bias, self.act);
        let pass =
            |x: ArrayView2<f32>, mut x_cm: ArrayViewMut2<f32>, cols: ArrayViewMut2<f32>, out: ArrayViewMut2<f32>| {
                to_channel_major(x, x_cm.view_mut());
                let bias = bias.as_slice().expect("bias is contiguous");
                geo.fold_product(cut.is_some(), act, weight.view(), x_cm.view(), Some(bias), cols, out);
            };
        let (x_cm, cols, out) = (self.x_cm.view_mut(), self.cols.view_mut(), self.out.view_mut());
        let depth = if cut.is_some() { Geometry::piece_depth() } else { 0 };
        self.geo.in_pieces(depth, 0, x, x_cm, cols, out, &pass);
        self.out.view()
    }

    fn output(&self) -> ArrayView2<'_, f32> {
        self.out.view()
    }

    /// By the batch's two halves (`Geometry::halves`), on two threads when
    /// they pay: each half's unfolded dLoss/dOutput, its dLoss/dW and dLoss/db,
    /// summed after in a fixed order, and its dLoss/dInput.
    fn backward(&mut self, grad_out: ArrayView2<f32>) -> ArrayView2<'_, f32> {
        let batch = grad_out.nrows();
        let (channels, patch, pixels) = (self.in_channels, self.geo.patch(), self.geo.pixels());
        ensure_shape(&mut self.cols, patch, batch * pixels);
        let direct = patch <= DIRECT_MAX_K && channels <= MAX_CHANNELS;
        if direct {
            ensure_shape(&mut self.weight_t, patch, channels);
            self.weight_t.assign(&self.weight.t());
        }
        ensure_shape(&mut self.grad_x_cm, if direct { 0 } else { channels }, batch * pixels);
        ensure_shape(&mut self.grad_in, batch, channels * pixels);
        let cut = self.geo.halves(batch);
        let split = cut.is_some() && crate::nn::gemm::split_conv(2 * channels * patch * batch * pixels);
        let plane = self.geo.image.height * self.geo.image.width;
        let (geo, weight, weight_t, act) = (&self.geo, &self.weight, &self.weight_t, self.act);
        let pass = |g: ArrayView2<f32>,
                    y: ArrayView2<f32>,
                    mut cols: ArrayViewMut2<f32>,
                    x_cm: ArrayView2<f32>,
                    mut grad_x_cm: ArrayViewMut2<f32>,
                    mut grad_in: ArrayViewMut2<f32>,
                    mut part: Part<'_>| {
            // The gradient of a scatter is the gather: unfold dLoss/dOutput
            // (times f′ where the layer absorbed f, and dLoss/dBias on the way).
            if act == Activation::Identity {
                geo.unfold(g, cols.view_mut());
                for row in g.rows() {
                    for (c, b) in part.bias.iter_mut().enumerate() {
                        *b += row.slice(ndarray::s![c * plane..(c + 1) * plane]).sum();
                    }
                }
            } else {
                geo.unfold_times(g, act, y, cols.view_mut(), part.bias);
            }
            rows_times_rows(x_cm, cols.view(), part.beta, part.weight.view_mut());
            if direct {
                product_into_rows(weight_t.view(), cols.view(), None, Activation::Identity, grad_in);
            } else {
                gemm_within(split, 1.0, &weight.view(), &cols.view(), 0.0, &mut grad_x_cm);
                from_channel_major(grad_x_cm.view(), None, Activation::Identity, grad_in.view_mut());
            }
        };
        let (cols, x_cm, y) = (self.cols.view_mut(), self.x_cm.view(), self.out.view());
        let (grad_x_cm, grad_in) = (self.grad_x_cm.view_mut(), self.grad_in.view_mut());
        match cut {
            Some(n) => {
                let (g1, g2) = grad_out.split_at(Axis(0), n);
                let (y1, y2) = y.split_at(Axis(0), n);
                let (c1, c2) = cols.split_at(Axis(1), n * pixels);
                let (x1, x2) = x_cm.split_at(Axis(1), n * pixels);
                let (m1, m2) = grad_x_cm.split_at(Axis(1), n * pixels);
                let (i1, i2) = grad_in.split_at(Axis(0), n);
                let (p1, p2) = self.parts.split();
                join(split, || pass(g1, y1, c1, x1, m1, i1, p1), || pass(g2, y2, c2, x2, m2, i2, p2));
                self.parts.add_to(&mut self.grad_weight, &mut self.grad_bias);
            }
            None => {
                let whole = Part::whole(&mut self.grad_weight, &mut self.grad_bias);
                pass(grad_out, y, cols, x_cm, grad_x_cm, grad_in, whole)
            }
        }
        self.grad_in.view()
    }

    fn params_and_grads(&mut self, f: &mut dyn FnMut(Param<'_>)) {
        params(&mut self.weight, &mut self.grad_weight, &mut self.bias, &mut self.grad_bias, f);
    }

    /// Every activation, where the polyphase layout holds (the configs'
    /// blocks on images up to the buffer's size): f applied to each plane as
    /// it is finished, f′ from the output on each plane of dLoss/dOutput as
    /// it is unfolded, on the stack. Once.
    fn absorb(&mut self, act: Activation) -> bool {
        if self.act != Activation::Identity || self.geo.phases().is_none() {
            return false;
        }
        self.act = act;
        true
    }
}
