//! C ← A·Bᵀ + β·C for A (m × K) and B (n × K) whose rows are contiguous and
//! long: a conv layer's weight gradient, dLoss/dOutput (C_out × N·P) times
//! the unfolded input's transpose (N·P × C·k·k), and the transposed
//! convolution's, its input times the unfolded dLoss/dOutput's transpose.
//!
//! Each element of C is a dot product of two rows, so nothing needs packing:
//! the matrix kernel (matrixmultiply) copied both operands into its panel
//! layout for these thin, deep products, and that copy took as long as its
//! multiply-adds (a Chromium profile of the blog conv: 13% of the step in the
//! weight gradients' packing). Here blocks of 4 rows of A by 2 of B are summed
//! at once, 8 sums of 4 lanes each: 8 vectors of sums and 6 loaded, within
//! the 16 SIMD registers the browsers' compilers have.
//!
//! The sums: lane l of a dot product adds a[k]·b[k] for k ≡ l (mod 4) in
//! order, over the whole groups of 4; then (lane 0 + lane 1) + (lane 2 +
//! lane 3), then the last K mod 4 products in order. The wasm build writes
//! the lanes as f32x4 vectors (`core::arch::wasm32`), other builds as arrays;
//! the same operations in the same order, so the same bits (tests/web.rs).

use ndarray::{ArrayView2, ArrayViewMut2};

/// Rows of A in a block.
const ROWS_A: usize = 4;
/// Rows of B in a block.
const ROWS_B: usize = 2;

/// The dot products of a block: `sums[r][s]` = a[r]·b[s], all rows one length.
type Block = [[f32; ROWS_B]; ROWS_A];

/// C ← A·Bᵀ + β·C (C is m × n). Panics if the shapes disagree or a row of A
/// or B is not contiguous.
pub fn rows_times_rows(a: ArrayView2<f32>, b: ArrayView2<f32>, beta: f32, c: ArrayViewMut2<f32>) {
    by_blocks(a, b, beta, c, block);
}

/// [`rows_times_rows`] with the portable lanes whatever the target: what
/// tests/web.rs compares the wasm vectors with.
#[doc(hidden)]
pub fn rows_times_rows_portable(a: ArrayView2<f32>, b: ArrayView2<f32>, beta: f32, c: ArrayViewMut2<f32>) {
    by_blocks(a, b, beta, c, block_portable);
}

/// Every 4 × 2 block of C by `block`. At the edges the block repeats A's or
/// B's last row and drops the repeated sums: each sum is its two rows' alone,
/// whatever block it is made in.
fn by_blocks(
    a: ArrayView2<f32>,
    b: ArrayView2<f32>,
    beta: f32,
    mut c: ArrayViewMut2<f32>,
    block: impl Fn([&[f32]; ROWS_A], [&[f32]; ROWS_B]) -> Block,
) {
    let (m, k) = a.dim();
    let n = b.nrows();
    assert_eq!(b.ncols(), k, "A·Bᵀ needs rows of one length");
    assert_eq!(c.dim(), (m, n), "C is A's rows by B's");
    if m == 0 || n == 0 {
        return;
    }
    // Rows taken as they are needed: a training step allocates nothing (tests/alloc.rs).
    let a_row = |i: usize| a.row(i.min(m - 1)).to_slice().expect("rows of A are contiguous");
    let b_row = |j: usize| b.row(j.min(n - 1)).to_slice().expect("rows of B are contiguous");
    for i in (0..m).step_by(ROWS_A) {
        let rows_a: [&[f32]; ROWS_A] = std::array::from_fn(|r| a_row(i + r));
        for j in (0..n).step_by(ROWS_B) {
            let rows_b: [&[f32]; ROWS_B] = std::array::from_fn(|s| b_row(j + s));
            let sums = block(rows_a, rows_b);
            for (r, row) in sums.iter().enumerate().take(m - i) {
                for (s, &sum) in row.iter().enumerate().take(n - j) {
                    let out = &mut c[[i + r, j + s]];
                    *out = if beta == 0.0 { sum } else { beta * *out + sum };
                }
            }
        }
    }
}

/// (lane 0 + lane 1) + (lane 2 + lane 3), then the products past the whole
/// groups of 4, in order.
#[inline(always)]
fn finish(lanes: [f32; 4], a: &[f32], b: &[f32]) -> f32 {
    let whole = a.len() / 4 * 4;
    let mut sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    for (&x, &y) in a[whole..].iter().zip(&b[whole..]) {
        sum += x * y;
    }
    sum
}

/// A block's dot products in arrays of 4 lanes.
fn block_portable(a: [&[f32]; ROWS_A], b: [&[f32]; ROWS_B]) -> Block {
    let whole = a[0].len() / 4 * 4;
    let mut lanes = [[[0.0f32; 4]; ROWS_B]; ROWS_A];
    for at in (0..whole).step_by(4) {
        for (r, a) in a.iter().enumerate() {
            for (s, b) in b.iter().enumerate() {
                for l in 0..4 {
                    lanes[r][s][l] += a[at + l] * b[at + l];
                }
            }
        }
    }
    std::array::from_fn(|r| std::array::from_fn(|s| finish(lanes[r][s], a[r], b[s])))
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
use block_portable as block;

/// A block's dot products in f32x4 vectors: [`block_portable`]'s operations
/// in its order.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn block(a: [&[f32]; ROWS_A], b: [&[f32]; ROWS_B]) -> Block {
    use core::arch::wasm32::{f32x4, f32x4_add, f32x4_extract_lane as lane, f32x4_mul, f32x4_splat, v128};
    let whole = a[0].len() / 4 * 4;
    let quad = |s: &[f32]| f32x4(s[0], s[1], s[2], s[3]);
    fn chunks(s: &[f32], whole: usize) -> std::slice::ChunksExact<'_, f32> {
        s[..whole].chunks_exact(4)
    }
    let mut acc = [[f32x4_splat(0.0); ROWS_B]; ROWS_A];
    let quads = chunks(a[0], whole)
        .zip(chunks(a[1], whole))
        .zip(chunks(a[2], whole))
        .zip(chunks(a[3], whole))
        .zip(chunks(b[0], whole))
        .zip(chunks(b[1], whole));
    for (((((a0, a1), a2), a3), b0), b1) in quads {
        let (b0, b1) = (quad(b0), quad(b1));
        for (acc, a) in acc.iter_mut().zip([a0, a1, a2, a3]) {
            let a = quad(a);
            acc[0] = f32x4_add(acc[0], f32x4_mul(a, b0));
            acc[1] = f32x4_add(acc[1], f32x4_mul(a, b1));
        }
    }
    let lanes = |v: v128| [lane::<0>(v), lane::<1>(v), lane::<2>(v), lane::<3>(v)];
    std::array::from_fn(|r| std::array::from_fn(|s| finish(lanes(acc[r][s]), a[r], b[s])))
}
