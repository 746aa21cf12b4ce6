//! The one matrix product every layer uses: `C ← α·A·B + β·C`.
//!
//! Single-threaded it is ndarray's `general_mat_mul` (matrixmultiply's packed
//! kernel). With the `threads` feature and more than one thread in rayon's
//! pool, a product big enough to pay for waking the threads is cut into blocks
//! of C's rows or of C's columns — along the outputs, never along the sum — and
//! each block is the same packed product on its own thread. Every element of C
//! is then computed by the same instructions in the same order as in the
//! unsplit product: the sum over k is blocked by k alone, and the cuts fall on
//! multiples of [`ALIGN`], a multiple of every micro-kernel's tile, so the
//! tiles of each block are tiles of the unsplit product and only the last one
//! of the matrix is partial. Training is bit-identical whatever the thread
//! count (`tests/threads.rs`).
//!
//! The split is a recursive `rayon::join` on array views: nothing is allocated.
//!
//! A training step runs on the pool as a whole ([`on_pool`]), its other
//! threads polling for the halves of its joins, so a split costs a push and a
//! steal rather than a wake-up: the thresholds below are set for that.

use ndarray::linalg::general_mat_mul;
use ndarray::{ArrayBase, Data, DataMut, Ix2};

/// Cuts fall on multiples of this many rows or columns: a multiple of every
/// matrixmultiply micro-kernel's MR and NR (8 in wasm, at most 16 natively),
/// so no tile of C straddles a cut.
pub const ALIGN: usize = 16;

/// Products with fewer multiply-adds than this stay on one thread. When each
/// product called into the pool from outside, waking it cost more than
/// 784-64-16-64-784's 1.6M-multiply-add products at batch 32 took (about 0.1
/// ms), and the threshold was 2²¹. With the step on the pool and its helpers
/// polling ([`on_pool`]), those split with profit: 784-64-16-64-784 at batch 32
/// trained 1.05–1.10× faster on 2 threads than on 1 with 2²⁰, against 0.76–0.96×
/// before (a side-by-side probe of the bench's jobs, Chromium, 2026-12-04).
pub const PAR_MIN_MACS: usize = 1 << 20;

/// `C ← α·A·B + β·C`, split across rayon's threads when that pays (see the module docs).
pub fn gemm<S1, S2, S3>(
    alpha: f32,
    a: &ArrayBase<S1, Ix2>,
    b: &ArrayBase<S2, Ix2>,
    beta: f32,
    c: &mut ArrayBase<S3, Ix2>,
) where
    S1: Data<Elem = f32>,
    S2: Data<Elem = f32>,
    S3: DataMut<Elem = f32>,
{
    #[cfg(feature = "threads")]
    {
        let threads = rayon::current_num_threads();
        let (m, k) = a.dim();
        let n = b.ncols();
        if threads > 1 && m.saturating_mul(n).saturating_mul(k) >= PAR_MIN_MACS && a.ncols() == b.nrows() {
            let split_rows = m >= n;
            let long = if split_rows { m } else { n };
            let parts = threads.min(long / ALIGN);
            if parts > 1 {
                let (a, b, c) = (a.view(), b.view(), c.view_mut());
                if split_rows {
                    parallel::by_rows(alpha, a, b, beta, c, parts);
                } else {
                    parallel::by_cols(alpha, a, b, beta, c, parts);
                }
                return;
            }
        }
    }
    general_mat_mul(alpha, a, b, beta, c);
}

/// Whether work of `macs` multiply-adds is split across threads (the rule of
/// [`gemm`], for layers that split a whole pass of theirs, not one product).
#[inline]
pub fn split_products(macs: usize) -> bool {
    cfg!(feature = "threads") && macs >= PAR_MIN_MACS && threads() > 1
}

/// `C ← α·A·B + β·C` on this thread when the caller has `split` its work
/// across threads itself (a conv layer's batch halves, a dense layer's pair of
/// products: cutting a product again would only repeat the packing of its
/// shared operand), else [`gemm`], which may split it.
pub fn gemm_within<S1, S2, S3>(
    split: bool,
    alpha: f32,
    a: &ArrayBase<S1, Ix2>,
    b: &ArrayBase<S2, Ix2>,
    beta: f32,
    c: &mut ArrayBase<S3, Ix2>,
) where
    S1: Data<Elem = f32>,
    S2: Data<Elem = f32>,
    S3: DataMut<Elem = f32>,
{
    if split {
        general_mat_mul(alpha, a, b, beta, c);
    } else {
        gemm(alpha, a, b, beta, c);
    }
}

/// A conv layer's pass over a batch is cut in two halves, one a thread, from
/// this many multiply-adds in its products (four times fewer than a bare
/// product): each half carries its unfold or fold and layout changes too.
/// Natively, the blog conv at batch 64 trained 1.11–1.26× faster on 2 threads
/// than on 1 with the 2²¹ of a bare product, 1.36–1.53× once the 0.6M and
/// 1.8M passes of its outer layers split (a native probe, two runs each); 2¹⁸
/// splits the small preset's first layer at batch 32 too (0.45M).
pub const PAR_MIN_CONV_MACS: usize = 1 << 18;

/// Whether a conv layer splits a pass of `macs` multiply-adds by the batch's halves.
#[inline]
pub fn split_conv(macs: usize) -> bool {
    cfg!(feature = "threads") && macs >= PAR_MIN_CONV_MACS && threads() > 1
}

/// Runs `a` and `b` on two of rayon's threads when `split`, else one after the other.
///
/// With `split`, it is `rayon::join`, except that the thread that ran `a`
/// polls for other work until the thread that took `b` is done with it,
/// where `rayon::join` would let it fall asleep after a few dozen empty
/// rounds and be woken by the other: in the browser a wake-up
/// (`Atomics.notify`) long enough to matter at every one of a step's joins,
/// whose halves never end at the same moment. All of the trainer's splits
/// (products, conv layers' halves, element-wise passes, updates) go through
/// it. The blog conv at batch 64 on 2 threads trained 1.034× as fast as with
/// `rayon::join` (2.848 against 2.945 ms a step, alternated in one Chromium
/// page, 2026-12-05).
pub fn join(split: bool, a: impl FnOnce() + Send, b: impl FnOnce() + Send) {
    #[cfg(feature = "threads")]
    if split {
        use std::sync::atomic::{AtomicU8, Ordering};
        const WAITING: u8 = 0;
        const RUNNING: u8 = 1;
        const DONE: u8 = 2;
        let state = AtomicU8::new(WAITING);
        rayon::join(
            || {
                a();
                if state.load(Ordering::Acquire) == RUNNING {
                    while state.load(Ordering::Acquire) != DONE {
                        if rayon::yield_now() != Some(rayon::Yield::Executed) {
                            std::hint::spin_loop();
                        }
                    }
                }
            },
            || {
                state.store(RUNNING, Ordering::Release);
                b();
                state.store(DONE, Ordering::Release);
            },
        );
        return;
    }
    let _ = split;
    a();
    b();
}

/// Element-wise passes over fewer values than this stay on one thread. They
/// vectorize (ReLU is a compare and select), but left on one thread a conv
/// model's 200K-value passes kept the other thread idle: splitting them from
/// 2¹⁷ took the blog conv at batch 64 from 1.36–1.53× to 1.61× faster on 2
/// threads than on 1 natively (the same probe). With polling helpers a split
/// costs little, and from 2¹⁵ a dense model's 784-wide passes split from
/// batch 42, its 256-wide ones from 128.
pub const PAR_MIN_VALUES: usize = 1 << 15;

/// Optimizer updates over fewer values than this stay on one thread. An
/// update costs a square root and a division a value, several times a ReLU's
/// compare and select, so it pays to split at least as soon: from 2¹⁵, a
/// 784×64 layer's 50K values split, a 256×64 layer's 16K do not.
pub const PAR_MIN_UPDATE: usize = 1 << 15;

/// Whether an optimizer update of `len` values is split across threads.
#[inline]
pub fn split_update(len: usize) -> bool {
    cfg!(feature = "threads") && len >= PAR_MIN_UPDATE && threads() > 1
}

/// Whether an element-wise pass over `len` values is split across threads
/// (`Zip::par_for_each`; element by element, so the result is the same).
#[inline]
pub fn split_elementwise(len: usize) -> bool {
    cfg!(feature = "threads") && len >= PAR_MIN_VALUES && threads() > 1
}

/// The training step's BCE over fewer pixels than this stays on one thread.
/// A pixel costs an exponential, a division and two f64 sums, many times a
/// ReLU, so its two parts split sooner than an element-wise pass: from
/// 2¹⁴, a batch of 784-pixel images from 21 images.
pub const PAR_MIN_LOSS: usize = 1 << 14;

/// Whether the training step's BCE over `len` pixels sums its two parts on two threads.
#[inline]
pub fn split_loss(len: usize) -> bool {
    cfg!(feature = "threads") && len >= PAR_MIN_LOSS && threads() > 1
}

/// A `Zip` of two or three producers cut into `parts` pieces, on the
/// threads by [`join`] (`Zip::par_for_each` waits on rayon's own join).
#[cfg(feature = "threads")]
pub trait SplitForEach<F> {
    /// `f` on every element, the zip cut into `parts` pieces (at most one an element).
    fn split_for_each(self, parts: usize, f: &F);
}

/// How many pieces an element-wise pass is cut into: one a thread when
/// their number is a power of two (`Zip::split` halves), else twice the next
/// power of two, so that the threads that finish first take the rest.
#[cfg(feature = "threads")]
pub fn zip_pieces() -> usize {
    let t = threads();
    if t.is_power_of_two() {
        t
    } else {
        2 * t.next_power_of_two()
    }
}

#[cfg(feature = "threads")]
macro_rules! split_for_each {
    ($($p:ident),+) => {
        impl<D, F, $($p),+> SplitForEach<F> for ndarray::Zip<($($p,)+), D>
        where
            D: ndarray::Dimension,
            $($p: ndarray::NdProducer<Dim = D> + Send,)+
            F: Fn($($p::Item),+) + Sync,
        {
            fn split_for_each(self, parts: usize, f: &F) {
                if parts <= 1 || self.size() <= 1 {
                    #[allow(non_snake_case)]
                    return self.for_each(|$($p),+| f($($p),+));
                }
                let (first, second) = self.split();
                let left = parts / 2;
                join(true, || first.split_for_each(left, f), || second.split_for_each(parts - left, f));
            }
        }
    };
}
#[cfg(feature = "threads")]
split_for_each!(P1, P2);
#[cfg(feature = "threads")]
split_for_each!(P1, P2, P3);

/// `zip.for_each(f)`, or cut across the threads ([`SplitForEach`]) when `split_elementwise(len)`.
#[macro_export]
#[doc(hidden)]
macro_rules! zip_for_each {
    ($zip:expr, $len:expr, $f:expr) => {{
        #[cfg(feature = "threads")]
        {
            if $crate::nn::gemm::split_elementwise($len) {
                $crate::nn::gemm::SplitForEach::split_for_each($zip, $crate::nn::gemm::zip_pieces(), &$f)
            } else {
                $zip.for_each($f)
            }
        }
        #[cfg(not(feature = "threads"))]
        {
            $zip.for_each($f)
        }
    }};
}

/// Runs `f` as one call into the pool, its other threads polling for the
/// halves of its joins (`help_until`) while it runs; here when there is one
/// thread or this thread is already in a call.
///
/// Where this thread is one of the pool's (the page's trainer worker is its
/// pool's thread 0, vendor/wasm-bindgen-rayon/PATCHED.md; a test's
/// `install`), `f` runs on it: its joins run their first half here and offer
/// the second to the others. From outside the pool (a test's main thread),
/// `rayon::scope` hands `f` to a pool thread and blocks until it is done: a
/// hand-off each way, each a wake-up through `Atomics.wait` in the browser,
/// which on this 2-core VM cost 45–53 µs a call (an empty `step(0)`) and
/// 5–6% of the blog conv's 2-thread step (one step a call against ten).
///
/// A `rayon::join` called from outside the pool would hand both halves to the
/// pool and block: two hand-offs a product. In the browser, the reference
/// model 784-256-64-256-784 at batch 128 trained 0.98× as fast on 2 threads as
/// on 1 with that, 1.4–1.7× with the step run on the pool (with the
/// thresholds below). The step's work is the same either way, so the result
/// is too.
pub fn on_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    #[cfg(feature = "threads")]
    if threads() > 1 && !IN_CALL.with(std::cell::Cell::get) {
        use std::sync::atomic::{AtomicBool, Ordering};
        let done = AtomicBool::new(false);
        let call = || {
            // Also on a panic, so that the helpers stop and the join ends.
            struct Out<'a>(bool, &'a AtomicBool);
            impl Drop for Out<'_> {
                fn drop(&mut self) {
                    IN_CALL.with(|c| c.set(self.0));
                    self.1.store(true, Ordering::Release);
                }
            }
            let _out = Out(IN_CALL.with(|c| c.replace(true)), &done);
            f()
        };
        // Joins, not spawned jobs: a call allocates nothing.
        return rayon::join(call, || helpers(threads() - 1, &done)).0;
    }
    f()
}

#[cfg(feature = "threads")]
thread_local! {
    /// Whether this thread runs an [`on_pool`] call's `f`: a call inside it
    /// (an evaluation at an epoch's end) runs as part of it.
    static IN_CALL: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// `n` of the pool's threads poll for a call's work ([`help_until`]), each
/// taking its part of the chain of joins as the others offer it.
#[cfg(feature = "threads")]
fn helpers(n: usize, done: &std::sync::atomic::AtomicBool) {
    if n <= 1 {
        return help_until(done);
    }
    rayon::join(|| help_until(done), || helpers(n - 1, done));
}

/// A pool thread takes the halves of `f`'s joins as they come, until `done`.
///
/// Left to itself, a rayon thread with nothing to do sleeps after a few
/// dozen empty rounds (microseconds), and the next join must wake it: in the
/// browser an `Atomics.notify` that took longer than many of a step's
/// element-wise passes, which the sleeper then never shared. Kept polling
/// for the length of a call, it starts on a half as soon as it is offered.
#[cfg(feature = "threads")]
fn help_until(done: &std::sync::atomic::AtomicBool) {
    while !done.load(std::sync::atomic::Ordering::Acquire) {
        if rayon::yield_now() != Some(rayon::Yield::Executed) {
            std::hint::spin_loop();
        }
    }
}

/// How many threads train: rayon's pool size with the `threads` feature, else 1.
pub fn threads() -> usize {
    #[cfg(feature = "threads")]
    {
        rayon::current_num_threads()
    }
    #[cfg(not(feature = "threads"))]
    {
        1
    }
}

#[cfg(feature = "threads")]
mod parallel {
    use super::ALIGN;
    use ndarray::linalg::general_mat_mul;
    use ndarray::{ArrayView2, ArrayViewMut2, Axis};

    /// Where to cut `len` so that the first of `parts` pieces gets `left` of them: on the nearest multiple of ALIGN.
    fn cut(len: usize, left: usize, parts: usize) -> usize {
        ((len * left / parts + ALIGN / 2) / ALIGN * ALIGN).max(ALIGN).min(len)
    }

    /// C's rows in `parts` blocks: each block is its rows of A times all of B.
    pub fn by_rows(alpha: f32, a: ArrayView2<f32>, b: ArrayView2<f32>, beta: f32, c: ArrayViewMut2<f32>, parts: usize) {
        if parts <= 1 {
            let mut c = c;
            general_mat_mul(alpha, &a, &b, beta, &mut c);
            return;
        }
        let left = parts / 2;
        let mid = cut(a.nrows(), left, parts);
        let (a1, a2) = a.split_at(Axis(0), mid);
        let (c1, c2) = c.split_at(Axis(0), mid);
        super::join(true, || by_rows(alpha, a1, b, beta, c1, left), || by_rows(alpha, a2, b, beta, c2, parts - left));
    }

    /// C's columns in `parts` blocks: each block is all of A times its columns of B.
    pub fn by_cols(alpha: f32, a: ArrayView2<f32>, b: ArrayView2<f32>, beta: f32, c: ArrayViewMut2<f32>, parts: usize) {
        if parts <= 1 {
            let mut c = c;
            general_mat_mul(alpha, &a, &b, beta, &mut c);
            return;
        }
        let left = parts / 2;
        let mid = cut(b.ncols(), left, parts);
        let (b1, b2) = b.split_at(Axis(1), mid);
        let (c1, c2) = c.split_at(Axis(1), mid);
        super::join(true, || by_cols(alpha, a, b1, beta, c1, left), || by_cols(alpha, a, b2, beta, c2, parts - left));
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn cuts_fall_on_aligned_rows_inside_the_matrix() {
            assert_eq!(cut(784, 1, 2), 400);
            assert_eq!(cut(128, 1, 2), 64);
            assert_eq!(cut(100, 1, 2), 48);
            assert_eq!(cut(784, 1, 3), 256);
            for len in [32, 33, 65, 130, 200, 784, 1000] {
                for parts in 2..6 {
                    for left in 1..parts {
                        let c = cut(len, left, parts);
                        assert!(c.is_multiple_of(ALIGN) || c == len, "{len} {left}/{parts} -> {c}");
                        assert!(c > 0 && c <= len);
                    }
                }
            }
        }
    }
}
