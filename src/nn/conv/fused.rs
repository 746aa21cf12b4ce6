//! A product that col2im scatters at once, made inside col2im: x += fold(wᵀ·src)
//! without writing the (C·k·k) × (n·P) matrix wᵀ·src (src/nn/conv/mod.rs says
//! which products). Its inner dimension is a layer's channel count, too thin
//! for the matrix kernel to pay for writing and re-reading that matrix.

use ndarray::{ArrayView2, ArrayViewMut2};

use super::channel_major::apply;
use super::phases;
use super::unfold::{channel_rows, Geometry};
use crate::config::{ImageShape, MAX_CHANNELS};
use crate::nn::gemm::gemm_within;
use crate::nn::Activation;

impl Geometry {
    /// `x` = fold(wᵀ·src) + `bias` (channel c of every image plus bias[c],
    /// or plus 0 without) for `w` (m × C·k·k) and `src` (m × n·P, its rows
    /// contiguous): the product and col2im in one, each plane written once
    /// (what filling `x` with the bias and adding the fold made, bit for bit,
    /// without the fill). Where the polyphase layout holds, each tap's row of
    /// the product is made for one image at a time on the stack (Σ over the m
    /// rows of `src`, in order, as the matrix product sums) and added to the
    /// plane's phases at once, so the (C·k·k) × (n·P) product is never
    /// written. Elsewhere the product goes through `cols` (scratch of that
    /// size) and `fold_add`; `split` says whether the layer split the pass
    /// across threads itself. Then `act` (identity, or the activation a
    /// transposed convolution absorbed) is applied to each finished plane, as
    /// `ActivationLayer::forward` would.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn fold_product(
        &self,
        split: bool,
        act: Activation,
        w: ArrayView2<f32>,
        src: ArrayView2<f32>,
        bias: Option<&[f32]>,
        mut cols: ArrayViewMut2<f32>,
        mut x: ArrayViewMut2<f32>,
    ) {
        let channel_bias = |c: usize| bias.map_or(0.0, |b| b[c]);
        let Some(phases) = self.phases() else {
            let plane = self.image.height * self.image.width;
            for mut row in x.rows_mut() {
                let row = row.as_slice_mut().expect("an image is contiguous");
                for (c, values) in row.chunks_exact_mut(plane.max(1)).enumerate() {
                    values.fill(channel_bias(c));
                }
            }
            gemm_within(split, 1.0, &w.t(), &src, 0.0, &mut cols);
            self.fold_add(cols, x.view_mut());
            return apply(act, x.as_slice_mut().expect("images are contiguous"));
        };
        let pixels = self.pixels();
        let ImageShape { channels, height, width } = self.image;
        let (taps, plane, patch) = (self.patch() / channels, height * width, self.patch());
        debug_assert_eq!((w.ncols(), src.nrows(), src.ncols()), (patch, w.nrows(), x.nrows() * pixels));
        let w = w.as_standard_layout();
        let w = w.as_slice().expect("standard layout");
        let src_rows = Strided::of(&src);
        let dst = x.as_slice_mut().expect("images are contiguous");
        // The first rows of the scratch `cols` hold the taps' rows of one image.
        let mut scratch = cols.rows_mut().into_iter();
        let mut rows = channel_rows(&mut scratch, TAPS_AT_ONCE.min(taps));
        let mut buf = phases::buffer();
        for n in 0..dst.len() / (channels * plane).max(1) {
            for c in 0..channels {
                for first in (0..taps).step_by(TAPS_AT_ONCE) {
                    let group = TAPS_AT_ONCE.min(taps - first);
                    let (rows, at) = (&mut rows[..group], c * taps + first);
                    let image = n * pixels..(n + 1) * pixels;
                    match group {
                        1 => tap_rows::<1, 12>(w, patch, at, src_rows, image, rows),
                        2 => tap_rows::<2, 12>(w, patch, at, src_rows, image, rows),
                        _ => tap_rows::<TAPS_AT_ONCE, 12>(w, patch, at, src_rows, image, rows),
                    }
                    for (tap, row) in (first..).zip(rows.iter_mut()) {
                        phases.add_tap(&mut buf, tap, &mut row[..pixels]);
                    }
                }
                let plane = &mut dst[(n * channels + c) * plane..][..plane];
                phases.take_plus(&mut buf, plane, channel_bias(c));
                apply(act, plane);
            }
        }
    }
}

/// The layers make their products with an unfolded matrix of at most this
/// many rows (a convolution's C_in·k·k, a transposed one's C_out·k·k: one
/// block of the matrix kernel's depth) by `product_into_rows`, deeper ones on
/// the matrix kernel. Alternated in one Chromium page against the matrix
/// kernel for all but the 9-row products, with four planes over eight pixels
/// at a time: the blog conv at batch 64 stepped 1.027× faster (10 rounds of
/// 600 steps), the small preset 1.049× at batch 32 and 1.024× at 128 (8
/// rounds). With three planes over twelve pixels it had been 0.978× as fast.
pub(super) const DIRECT_MAX_K: usize = 256;

/// The matrix product of a layer's weights and an unfolded matrix, written
/// image by image into the batch's rows: for `w_t` = Wᵀ (K × M) and `src`
/// (K × n·P, its rows contiguous), `out[n]` (M planes of P pixels, the
/// layer's row layout) gets f(W·src[.., image n] + bias[c]) in plane c, with
/// f = `act` and no bias without `bias`. M is at most `MAX_CHANNELS` (an
/// image's planes are held on the stack); the layers use it up to
/// [`DIRECT_MAX_K`] rows.
///
/// Each sum runs over K in order from zero, as the matrix kernel sums a
/// product of K ≤ 256 (one block of its depth), and f(sum + bias) is what
/// the move out of channel-major order computed after it. Made this way, the
/// product needs neither the kernel's copy of the whole unfolded matrix into
/// its panels nor the (M × n·P) result in channel-major order and the pass
/// that moved it into the rows.
pub(super) fn product_into_rows(
    w_t: ArrayView2<f32>,
    src: ArrayView2<f32>,
    bias: Option<&ndarray::Array1<f32>>,
    act: Activation,
    mut out: ArrayViewMut2<f32>,
) {
    let (k, m) = w_t.dim();
    assert!(m <= MAX_CHANNELS, "the planes of an image fit the stack's array");
    let images = out.nrows();
    let pixels = src.ncols() / images.max(1);
    debug_assert_eq!((src.nrows(), src.ncols(), out.ncols()), (k, images * pixels, m * pixels));
    let w = w_t.as_standard_layout();
    let w = w.as_slice().expect("standard layout");
    let src_rows = Strided::of(&src);
    for (n, mut row) in out.rows_mut().into_iter().enumerate() {
        let row = row.as_slice_mut().expect("a sample's row is contiguous");
        let mut planes: [&mut [f32]; MAX_CHANNELS] = std::array::from_fn(|_| <&mut [f32]>::default());
        for (slot, plane) in planes.iter_mut().zip(row.chunks_exact_mut(pixels.max(1))) {
            *slot = plane;
        }
        let image = n * pixels..(n + 1) * pixels;
        // Four planes at a time over eight pixels (the matrix kernel's 4 × 8 tile), then three over twelve.
        let fours = m / 4 * 4;
        for first in (0..fours).step_by(4) {
            tap_rows::<4, 8>(w, m, first, src_rows, image.clone(), &mut planes[first..first + 4]);
        }
        for first in (fours..m).step_by(TAPS_AT_ONCE) {
            let group = TAPS_AT_ONCE.min(m - first);
            let planes = &mut planes[first..first + group];
            match group {
                1 => tap_rows::<1, 12>(w, m, first, src_rows, image.clone(), planes),
                2 => tap_rows::<2, 12>(w, m, first, src_rows, image.clone(), planes),
                _ => tap_rows::<TAPS_AT_ONCE, 12>(w, m, first, src_rows, image.clone(), planes),
            }
        }
        for (c, plane) in row.chunks_exact_mut(pixels.max(1)).enumerate() {
            let b = bias.map_or(0.0, |b| b[c]);
            match act {
                Activation::Identity if bias.is_none() => {}
                Activation::Identity => plane.iter_mut().for_each(|v| *v += b),
                Activation::Relu => plane.iter_mut().for_each(|v| *v = crate::nn::activation::relu(*v + b)),
                _ => plane.iter_mut().for_each(|v| *v = act.apply(*v + b)),
            }
        }
    }
}

/// Taps whose rows `Geometry::fold_product` makes together, sharing each load
/// of `src`: a row of a 3×3 window (in node, conv blog b64 stepped 1.05× faster
/// than with 4 at once, which splits 9 taps 4 + 4 + 1).
const TAPS_AT_ONCE: usize = 3;

/// Rows `at..at + T` of wᵀ·src for one image: `rows[t][j]` = Σᵢ
/// w[i, at + t]·src[i][image.start + j] for j < image.len(), summed over the
/// rows i of `src` in order from zero (as the matrix product sums): WIDE
/// pixels of T rows at a time in registers (twelve of three, eight of four:
/// nine or eight vectors of sums), then four, then one.
///
/// Never inlined: inlined into `fold_product` (three instantiations, each
/// with three pixel widths), the builds with wasm atomics ran that function
/// about twice as slowly as the single-thread build did (Chromium profiles of
/// the blog conv at batch 64: 33–34% of a step against 21%); on its own it
/// takes 16% there and `fold_product` the rest 6%, and the single-thread
/// build is no slower.
#[inline(never)]
fn tap_rows<const T: usize, const WIDE: usize>(
    w: &[f32],
    patch: usize,
    at: usize,
    src: Strided<'_>,
    image: std::ops::Range<usize>,
    rows: &mut [&mut [f32]],
) {
    let pixels = image.len();
    let wide = pixels / WIDE * WIDE;
    let narrow = pixels / 4 * 4;
    tap_block::<T, WIDE>(w, patch, at, src, image.start, 0..wide, rows);
    tap_block::<T, 4>(w, patch, at, src, image.start, wide..narrow, rows);
    tap_block::<T, 1>(w, patch, at, src, image.start, narrow..pixels, rows);
}

/// The rows of a matrix view whose rows are contiguous, as the address of
/// its first value and the distance from a row to the next: value (i, j) of
/// the view is at `ptr + i·stride + j` for i < rows, j < cols. `tap_block`
/// walks down a column of pixels by adding the stride, where a slice per row
/// cost a load of its address and of its length for every row of every block.
#[derive(Clone, Copy)]
struct Strided<'a> {
    ptr: *const f32,
    stride: usize,
    rows: usize,
    cols: usize,
    _view: std::marker::PhantomData<&'a f32>,
}

impl<'a> Strided<'a> {
    /// Panics unless each row of `a` is contiguous and the rows go forward.
    fn of(a: &ArrayView2<'a, f32>) -> Self {
        let (rows, cols) = a.dim();
        let strides = a.strides();
        assert!(cols <= 1 || strides[1] == 1, "a row of src is contiguous");
        assert!(rows <= 1 || strides[0] >= 0, "the rows of src go forward");
        Strided { ptr: a.as_ptr(), stride: strides[0].max(0) as usize, rows, cols, _view: std::marker::PhantomData }
    }
}

/// `tap_rows` over the pixels `js` of one image (from `first` in the rows of
/// `src`), L at a time (`js` a multiple of L long).
///
/// The bounds of `src` and of `w` are checked once, before the loops, not at
/// each load: the checks (a row's length loaded and compared, and the
/// weights' end, every row of every block) were about half of the inner
/// loop's instructions in the wasm build.
#[inline(always)]
fn tap_block<const T: usize, const L: usize>(
    w: &[f32],
    patch: usize,
    at: usize,
    src: Strided<'_>,
    first: usize,
    js: std::ops::Range<usize>,
    rows: &mut [&mut [f32]],
) {
    if js.is_empty() || src.rows == 0 {
        for row in rows.iter_mut() {
            row[js.clone()].fill(0.0);
        }
        return;
    }
    assert!(first + js.end <= src.cols, "the image's pixels are columns of src");
    assert!(w.len() >= (src.rows - 1) * patch + at + T, "w holds T weights from `at` for each row of src");
    for j in js.step_by(L) {
        let mut acc = [[0.0f32; L]; T];
        let (mut s_at, mut w_at) = (src.ptr.wrapping_add(first + j), w.as_ptr().wrapping_add(at));
        for _ in 0..src.rows {
            // SAFETY: in row i, s_at = ptr + i·stride + first + j with first + j + L ≤ cols,
            // inside the view, and w_at = i·patch + at with i·patch + at + T ≤ w.len(), both
            // asserted above; the reads are unaligned-safe copies of plain floats.
            let (s, wi) = unsafe {
                (std::ptr::read_unaligned(s_at as *const [f32; L]), std::ptr::read_unaligned(w_at as *const [f32; T]))
            };
            for t in 0..T {
                for l in 0..L {
                    acc[t][l] += wi[t] * s[l];
                }
            }
            s_at = s_at.wrapping_add(src.stride);
            w_at = w_at.wrapping_add(patch);
        }
        for (row, a) in rows.iter_mut().zip(&acc) {
            row[j..j + L].copy_from_slice(a);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Window, MAX_STRIDE};
    use crate::nn::conv::unfold::tests::random;
    use ndarray::Array2;

    /// x + fold(wᵀ·src) with the product in f64 (the textbook sum), folded by
    /// the per-row loops.
    fn fold_product_reference(geo: &Geometry, w: &Array2<f32>, src: &Array2<f32>, x: &Array2<f32>) -> Array2<f32> {
        let cols = Array2::from_shape_fn((geo.patch(), src.ncols()), |(r, j)| {
            (0..w.nrows()).map(|i| w[[i, r]] as f64 * src[[i, j]] as f64).sum::<f64>() as f32
        });
        let mut out = x.clone();
        geo.fold_add_rows(cols.view(), out.as_slice_mut().unwrap());
        out
    }

    #[test]
    fn the_fused_fold_of_a_product_is_the_fold_of_the_f64_product() {
        let mut checked = 0;
        let shapes = [(28, 28, 1), (14, 14, 3), (7, 7, 8), (9, 8, 2), (5, 11, 16), (1, 3, 1), (100, 100, 2)];
        for k in [1, 2, 3, 4, 5, 7, 9] {
            for s in 1..=MAX_STRIDE {
                for (h, w, m) in shapes {
                    let window = Window { kernel: k, stride: s, padding: k / 2 };
                    if window.out_side(h).is_none() || window.out_side(w).is_none() {
                        continue;
                    }
                    let geo = Geometry::new(ImageShape { channels: 2, height: h, width: w }, window);
                    let batch = 3;
                    let weight = random(m, geo.patch(), (k * 10 + s) as u32);
                    let src = random(m, batch * geo.pixels(), 11);
                    // Each plane starts at its channel's bias; the fold writes every value.
                    let bias = [0.25, -0.5];
                    let x = Array2::from_shape_fn((batch, geo.image.len()), |(_, i)| bias[i / (h * w)]);
                    let mut got = Array2::from_elem(x.dim(), f32::NAN);
                    let mut scratch = Array2::from_elem((geo.patch(), batch * geo.pixels()), f32::NAN);
                    geo.fold_product(
                        false,
                        Activation::Identity,
                        weight.view(),
                        src.view(),
                        Some(&bias),
                        scratch.view_mut(),
                        got.view_mut(),
                    );
                    let want = fold_product_reference(&geo, &weight, &src, &x);
                    let worst = (&got - &want).iter().fold(0.0f32, |a, d| a.max(d.abs()));
                    assert!(worst < 1e-5, "k{k} s{s} {h}×{w} m{m}: off by {worst}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 150, "{checked} geometries");
    }
}
