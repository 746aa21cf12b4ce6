//! The gather and scatter of the conv layers (im2col and col2im) and how a
//! pass is split across two threads.

use ndarray::{ArrayView2, ArrayViewMut2, Axis};

use crate::config::{ImageShape, Window, MAX_KERNEL};
use crate::nn::Activation;

use super::channel_major::times_derivative;
use super::phases::{self, Phases};

/// The spatial geometry of one convolution: image in, window, output size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Geometry {
    pub(super) image: ImageShape,
    window: Window,
    pub(super) out_h: usize,
    pub(super) out_w: usize,
}

/// One tap of the window: its row of the unfolded matrix, its channel and
/// kernel row, the outputs (rows `ys`, columns `xs`) whose input is inside the
/// image, the input column of the first of `xs`, and whether every output is.
struct Tap {
    row: usize,
    c: usize,
    ky: usize,
    ys: std::ops::Range<usize>,
    xs: std::ops::Range<usize>,
    first: usize,
    full: bool,
}

impl Geometry {
    pub(super) fn new(image: ImageShape, window: Window) -> Self {
        let out_h = window.out_side(image.height).expect("the config checks the kernel fits");
        let out_w = window.out_side(image.width).expect("the config checks the kernel fits");
        Geometry { image, window, out_h, out_w }
    }

    /// Output pixels per channel.
    pub(super) fn pixels(&self) -> usize {
        self.out_h * self.out_w
    }

    /// Rows of the unfolded matrix: C·k·k.
    pub(super) fn patch(&self) -> usize {
        self.image.channels * self.window.kernel * self.window.kernel
    }

    /// The outputs `o` whose input `o·s + k − p` lies inside a side of `side`
    /// pixels, as a range: the rest read the padding's zeros.
    #[inline]
    fn inside(&self, k: usize, side: usize, outs: usize) -> std::ops::Range<usize> {
        let (s, p) = (self.window.stride, self.window.padding);
        // o·s + k ≥ p  ⇔  o ≥ ⌈(p − k)/s⌉;   o·s + k − p ≤ side − 1  ⇔  o ≤ ⌊(side − 1 + p − k)/s⌋
        let lo = p.saturating_sub(k).div_ceil(s).min(outs);
        let hi = if side + p > k { ((side - 1 + p - k) / s + 1).min(outs) } else { 0 };
        lo..hi.max(lo)
    }

    /// Every tap (c, ky, kx) of the window, one row of the unfolded matrix
    /// each, in row order: which outputs read inside the image, and where.
    #[inline]
    fn taps(&self, mut f: impl FnMut(Tap)) {
        let ImageShape { channels, height, width } = self.image;
        let (k, s, p) = (self.window.kernel, self.window.stride, self.window.padding);
        for c in 0..channels {
            for ky in 0..k {
                let ys = self.inside(ky, height, self.out_h);
                for kx in 0..k {
                    let xs = self.inside(kx, width, self.out_w);
                    let full = ys.len() == self.out_h && xs.len() == self.out_w;
                    // The input column of the first output inside (only read when some are).
                    let first = (xs.start * s + kx).saturating_sub(p).min(width);
                    f(Tap { row: (c * k + ky) * k + kx, c, ky, ys: ys.clone(), xs, first, full });
                }
            }
        }
    }

    /// im2col: `cols` ((C·k·k) × (n·P), its rows contiguous) gets every window
    /// of the n images `x`, written row by row (each row of `cols` in one
    /// sequential pass).
    pub(super) fn unfold(&self, x: ArrayView2<f32>, cols: ArrayViewMut2<f32>) {
        debug_assert_eq!(cols.dim(), (self.patch(), x.nrows() * self.pixels()));
        let x = x.as_standard_layout();
        let src = x.as_slice().expect("standard layout");
        match self.phases() {
            Some(phases) => self.unfold_phased(&phases, src, cols),
            None => self.unfold_rows(src, cols),
        }
    }

    /// im2col of g·f′(y) for dLoss/dOutput `g` of a layer that absorbed `act`
    /// (`Layer::absorb`) and made `y`, its plane-by-plane products formed
    /// on the stack as `ActivationLayer::backward` forms them, each plane's sum
    /// added to `bias[c]` (for each channel, image after image, as the
    /// per-image loop of the bias gradient adds). Only where the polyphase
    /// layout holds (`phases`).
    pub(super) fn unfold_times(
        &self,
        g: ArrayView2<f32>,
        act: Activation,
        y: ArrayView2<f32>,
        cols: ArrayViewMut2<f32>,
        bias: &mut [f32],
    ) {
        debug_assert_eq!(cols.dim(), (self.patch(), g.nrows() * self.pixels()));
        let phases = self.phases().expect("a layer absorbs its activation only where the phases hold");
        let (g, y) = (g.as_standard_layout(), y.as_standard_layout());
        let g = g.as_slice().expect("standard layout");
        let y = y.as_slice().expect("standard layout");
        let (mut buf, mut dz) = (phases::buffer(), phases::buffer());
        let plane_len = self.image.height * self.image.width;
        self.each_plane(cols, |plane, image, taps| {
            let dz = &mut dz[..plane_len];
            times_derivative(act, dz, &g[plane.clone()], &y[plane.clone()]);
            bias[plane.start / plane_len % self.image.channels] += ndarray::ArrayView1::from(&*dz).sum();
            phases.sort(dz, &mut buf);
            for (tap, row) in taps.iter_mut().enumerate() {
                phases.copy_tap(&buf, tap, &mut row[image.clone()]);
            }
        });
    }

    /// im2col through the polyphase layout (src/nn/conv/phases.rs), a
    /// channel at a time: its taps' rows of `cols` are taken once, then every
    /// image's plane of that channel is sorted and copied into them.
    fn unfold_phased(&self, phases: &Phases, src: &[f32], cols: ArrayViewMut2<f32>) {
        let mut buf = phases::buffer();
        self.each_plane(cols, |plane, image, taps| {
            phases.sort(&src[plane], &mut buf);
            for (tap, row) in taps.iter_mut().enumerate() {
                phases.copy_tap(&buf, tap, &mut row[image.clone()]);
            }
        });
    }

    /// Every image plane of the batch `cols` unfolds, a channel at a time:
    /// `f(plane, block, taps)` with the plane's place in the batch of images,
    /// its image's block of columns, and the rows of its channel's taps.
    fn each_plane(
        &self,
        mut cols: ArrayViewMut2<f32>,
        mut f: impl FnMut(std::ops::Range<usize>, std::ops::Range<usize>, &mut [&mut [f32]]),
    ) {
        let pixels = self.pixels();
        let ImageShape { channels, height, width } = self.image;
        let (taps, plane) = (self.patch() / channels, height * width);
        let images = cols.ncols() / pixels.max(1);
        let mut rows = cols.rows_mut().into_iter();
        for c in 0..channels {
            let mut tap_rows = channel_rows(&mut rows, taps);
            for n in 0..images {
                let at = (n * channels + c) * plane;
                f(at..at + plane, n * pixels..(n + 1) * pixels, &mut tap_rows[..taps]);
            }
        }
    }

    /// im2col a row of each tap's block at a time (any geometry).
    fn unfold_rows(&self, src: &[f32], mut cols: ArrayViewMut2<f32>) {
        let pixels = self.pixels();
        let ImageShape { channels, height, width: w } = self.image;
        let (s, p, ow) = (self.window.stride, self.window.padding, self.out_w);
        self.taps(|t| {
            let mut dst_row = cols.row_mut(t.row);
            let dst_row = dst_row.as_slice_mut().expect("a row of cols is contiguous");
            for (n, block) in dst_row.chunks_exact_mut(pixels).enumerate() {
                if !t.full {
                    block.fill(0.0);
                }
                let plane = &src[(n * channels + t.c) * height * w..][..height * w];
                for oy in t.ys.clone() {
                    let line = &plane[(oy * s + t.ky - p) * w..][t.first..];
                    let out = &mut block[oy * ow..(oy + 1) * ow][t.xs.clone()];
                    if s == 1 {
                        out.copy_from_slice(&line[..out.len()]);
                    } else {
                        for (o, &v) in out.iter_mut().zip(line.iter().step_by(s)) {
                            *o = v;
                        }
                    }
                }
            }
        });
    }

    /// col2im: adds every column of `cols` ((C·k·k) × (n·P), its rows
    /// contiguous) back into the image of the n images `x` it came from
    /// (`x` += fold(cols)), reading `cols` row by row. `cols` is scratch: the
    /// values that fell in the padding may be zeroed.
    pub(super) fn fold_add(&self, cols: ArrayViewMut2<f32>, mut x: ArrayViewMut2<f32>) {
        debug_assert_eq!(cols.dim(), (self.patch(), x.nrows() * self.pixels()));
        let dst = x.as_slice_mut().expect("images are contiguous");
        match self.phases() {
            Some(phases) => self.fold_add_phased(&phases, cols, dst),
            None => self.fold_add_rows(cols.view(), dst),
        }
    }

    /// col2im through the polyphase layout (src/nn/conv/phases.rs), a
    /// channel at a time, as `unfold_phased`.
    fn fold_add_phased(&self, phases: &Phases, cols: ArrayViewMut2<f32>, dst: &mut [f32]) {
        let mut buf = phases::buffer();
        self.each_plane(cols, |plane, image, taps| {
            for (tap, row) in taps.iter_mut().enumerate() {
                phases.add_tap(&mut buf, tap, &mut row[image.clone()]);
            }
            phases.take_add(&mut buf, &mut dst[plane]);
        });
    }

    /// col2im a row of each tap's block at a time (any geometry).
    pub(super) fn fold_add_rows(&self, cols: ArrayView2<f32>, dst: &mut [f32]) {
        let pixels = self.pixels();
        let ImageShape { channels, height, width: w } = self.image;
        let (s, p, ow) = (self.window.stride, self.window.padding, self.out_w);
        self.taps(|t| {
            let src_row = cols.row(t.row);
            let src_row = src_row.to_slice().expect("a row of cols is contiguous");
            for (n, block) in src_row.chunks_exact(pixels).enumerate() {
                let plane = &mut dst[(n * channels + t.c) * height * w..][..height * w];
                for oy in t.ys.clone() {
                    let line = &mut plane[(oy * s + t.ky - p) * w..][t.first..w];
                    let from = &block[oy * ow..(oy + 1) * ow][t.xs.clone()];
                    for (v, &f) in line.iter_mut().step_by(s).zip(from) {
                        *v += f;
                    }
                }
            }
        });
    }

    /// The polyphase layout of this geometry's planes, where it holds (see
    /// src/nn/conv/phases.rs).
    pub(super) fn phases(&self) -> Option<Phases> {
        Phases::new(self.image, self.window, self.out_h, self.out_w)
    }

    /// Where the conv layers cut a batch of `batch` images in two, or `None`
    /// when no cut fits: near the middle, on a sample whose first column of the
    /// unfolded matrix is a multiple of [`ALIGN`](crate::nn::gemm::ALIGN), so
    /// that each half's product is made of the unsplit product's tiles
    /// (bit-identical, see src/nn/gemm.rs). It depends on the shapes alone, not
    /// on the threads: the weight gradients are summed by these halves on any
    /// thread count (src/nn/conv/mod.rs).
    pub(super) fn halves(&self, batch: usize) -> Option<usize> {
        self.cut_between(0, batch)
    }

    /// Where to cut images `lo..hi` of a batch in two: the first image from
    /// their middle on whose first column of the unfolded matrix is a
    /// multiple of [`ALIGN`](crate::nn::gemm::ALIGN), or `None`.
    fn cut_between(&self, lo: usize, hi: usize) -> Option<usize> {
        let pixels = self.pixels();
        ((lo + hi) / 2..hi).find(|n| *n > lo && (n * pixels).is_multiple_of(crate::nn::gemm::ALIGN))
    }

    /// `pass(x, a, b, out)` on the images of a forward pass cut in up to
    /// 2^`depth` pieces ([`cut_between`](Self::cut_between)), the pieces on
    /// the pool's threads (`gemm::join`): `x` and `out` hold an image a row,
    /// `a` and `b` an image's pixels a column each (unfolded or channel-major
    /// matrices, possibly of no rows). Each image's output is made by the
    /// same instructions whatever the pieces, so the numbers are too; more
    /// pieces than threads let a thread that finishes first take another's.
    /// `lo` is the first image's place in the batch (the cuts' alignment).
    #[allow(clippy::type_complexity, clippy::too_many_arguments)]
    pub(super) fn in_pieces<'a>(
        &self,
        depth: u32,
        lo: usize,
        x: ArrayView2<'a, f32>,
        a: ArrayViewMut2<'a, f32>,
        b: ArrayViewMut2<'a, f32>,
        out: ArrayViewMut2<'a, f32>,
        pass: &(dyn Fn(ArrayView2<f32>, ArrayViewMut2<f32>, ArrayViewMut2<f32>, ArrayViewMut2<f32>) + Sync),
    ) {
        let hi = lo + x.nrows();
        let Some(n) = self.cut_between(lo, hi).filter(|_| depth > 0) else {
            return pass(x, a, b, out);
        };
        let (images, columns) = (n - lo, (n - lo) * self.pixels());
        let (x1, x2) = x.split_at(Axis(0), images);
        let (a1, a2) = a.split_at(Axis(1), columns);
        let (b1, b2) = b.split_at(Axis(1), columns);
        let (o1, o2) = out.split_at(Axis(0), images);
        crate::nn::gemm::join(
            true,
            || self.in_pieces(depth - 1, lo, x1, a1, b1, o1, pass),
            || self.in_pieces(depth - 1, n, x2, a2, b2, o2, pass),
        );
    }

    /// How many times [`in_pieces`](Self::in_pieces) halves a forward pass
    /// that splits: into twice as many pieces as threads (rounded up to a
    /// power of two).
    pub(super) fn piece_depth() -> u32 {
        crate::nn::gemm::threads().next_power_of_two().trailing_zeros() + 1
    }

    /// Where to cut a batch of `batch` images in two for two threads, or
    /// `None` when one thread should do all `macs` multiply-adds: the
    /// [`halves`](Self::halves) cut, when the pass is big enough to split.
    pub(super) fn batch_cut(&self, batch: usize, macs: usize) -> Option<usize> {
        if !crate::nn::gemm::split_conv(macs) {
            return None;
        }
        self.halves(batch)
    }
}

/// The next `taps` rows of `rows` (one channel's taps in `cols`) as slices,
/// at the front of an array on the stack: an ndarray view per tap and image
/// cost more than copying a 7×7 block.
pub(super) fn channel_rows<'a>(
    rows: &mut impl Iterator<Item = ndarray::ArrayViewMut1<'a, f32>>,
    taps: usize,
) -> [&'a mut [f32]; MAX_KERNEL * MAX_KERNEL] {
    let mut out: [&'a mut [f32]; MAX_KERNEL * MAX_KERNEL] = std::array::from_fn(|_| <&mut [f32]>::default());
    for slot in &mut out[..taps] {
        *slot = rows.next().expect("C·k·k rows").into_slice().expect("a row of cols is contiguous");
    }
    out
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::config::{MAX_KERNEL, MAX_STRIDE};
    use ndarray::Array2;

    pub(in crate::nn::conv) fn random(rows: usize, cols: usize, seed: u32) -> Array2<f32> {
        let mut state = seed.wrapping_mul(2_654_435_761).max(1);
        Array2::from_shape_fn((rows, cols), |_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as f32 / u32::MAX as f32 - 0.5
        })
    }

    fn same_bits(a: &Array2<f32>, b: &Array2<f32>) -> bool {
        a.iter().zip(b).all(|(p, q)| p.to_bits() == q.to_bits())
    }

    /// The polyphase path writes what the per-row loops write, bit for bit
    /// (folding from zero adds in the same order), for every kernel and
    /// stride the config allows on odd, even and tiny image sizes.
    #[test]
    fn the_polyphase_path_is_the_per_row_loops() {
        let mut checked = 0;
        for k in 1..=MAX_KERNEL {
            for s in 1..=MAX_STRIDE {
                for (h, w) in [(28, 28), (14, 14), (7, 7), (9, 8), (5, 11), (1, 3), (2, 2)] {
                    let window = Window { kernel: k, stride: s, padding: k / 2 };
                    if window.out_side(h).is_none() || window.out_side(w).is_none() {
                        continue;
                    }
                    let geo = Geometry::new(ImageShape { channels: 2, height: h, width: w }, window);
                    let phases = geo.phases().expect("the config's padding k/2 always has a polyphase layout");
                    let batch = 3;
                    let x = random(batch, geo.image.len(), (k * 10 + s) as u32);
                    let mut a = Array2::from_elem((geo.patch(), batch * geo.pixels()), f32::NAN);
                    let mut b = a.clone();
                    geo.unfold_phased(&phases, x.as_slice().unwrap(), a.view_mut());
                    geo.unfold_rows(x.as_slice().unwrap(), b.view_mut());
                    let at = format!("k{k} s{s} {h}×{w}");
                    assert!(a.iter().all(|v| !v.is_nan()), "{at}: every value unfolded");
                    assert!(same_bits(&a, &b), "{at}: unfold");

                    let cols = random(geo.patch(), batch * geo.pixels(), 7);
                    let (mut fa, mut fb) = (Array2::zeros(x.dim()), Array2::zeros(x.dim()));
                    geo.fold_add_phased(&phases, cols.clone().view_mut(), fa.as_slice_mut().unwrap());
                    geo.fold_add_rows(cols.view(), fb.as_slice_mut().unwrap());
                    assert!(same_bits(&fa, &fb), "{at}: fold");
                    checked += 1;
                }
            }
        }
        assert!(checked > 150, "{checked} geometries");
        // A plane whose phases do not fit the stack takes the per-row loops.
        let big = ImageShape { channels: 1, height: 100, width: 100 };
        assert!(Geometry::new(big, Window { kernel: 3, stride: 1, padding: 1 }).phases().is_none());
    }
}
