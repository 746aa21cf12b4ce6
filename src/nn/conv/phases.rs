//! im2col and col2im without a strided gather per tap: the polyphase layout.
//!
//! A tap (ky, kx) of a stride-s window reads input pixel (s·oy + ky − p,
//! s·ox + kx − p) for output (oy, ox). Write ky − p = s·qy + ry with
//! 0 ≤ ry < s (and the same for x): the tap reads pixel (s·(oy + qy) + ry,
//! s·(ox + qx) + rx), that is, position (oy + qy, ox + qx) of the image's
//! phase (ry, rx), the plane of every s-th pixel from (ry, rx) on.
//!
//! So one image plane is sorted once into its s² phases, each stored row after
//! row with exactly out_w columns and zero rows around it, and then every tap's
//! whole out_h × out_w block is one contiguous run of a phase: a flat copy
//! (im2col) or a flat add (col2im) instead of out_h short strided loops. A
//! column shift qx ≠ 0 wraps around a row's end; those |qx| columns of each
//! row are the padding's zeros, which unfolding writes and folding skips.
//!
//! Only the image's places of the buffer change from plane to plane: the
//! buffer is zeroed once per pass, sorting a plane overwrites the image's
//! places, and folding reads them back and clears them. What folding adds to
//! the padding's places is never read.
//!
//! It holds when every pixel has a phase position inside the out_h × out_w
//! grid (out·s ≥ side, true of the padding ⌊k/2⌋ the config gives every block)
//! and a plane's phases fit the stack buffer; else `Phases::new` says `None`
//! and the per-row loops of `Geometry` do the work.

use crate::config::{ImageShape, Window, MAX_KERNEL};

/// Floats on the stack for one image plane's phases (32 KB): a 28×28 plane
/// takes 842 at stride 1 and 841 at stride 2.
const CAPACITY: usize = 8192;

/// A buffer for one plane's phases, zeroed.
pub(super) type Buffer = [f32; CAPACITY];

/// A zeroed buffer.
pub(super) fn buffer() -> Buffer {
    [0.0; CAPACITY]
}

/// One tap of the window: where its block starts in the buffer and its
/// column shift qx (the columns it wraps are `0..lo` and `hi..out_w`).
#[derive(Debug, Clone, Copy, Default)]
struct Tap {
    start: usize,
    lo: usize,
    hi: usize,
}

/// Where the phases of one image plane sit in a buffer, for one geometry.
#[derive(Debug, Clone, Copy)]
pub(super) struct Phases {
    height: usize,
    width: usize,
    /// The stride s, 1 to 4 (MAX_STRIDE).
    stride: usize,
    out_w: usize,
    /// Zeros before each phase's first row (−q_min, the largest left shift).
    lead: usize,
    /// Floats per phase: the lead, its rows, and max(q, 0) trailing zeros.
    len: usize,
    taps: [Tap; MAX_KERNEL * MAX_KERNEL],
}

/// ⌊d / s⌋ and d mod s, for d that may be negative.
fn split(d: isize, s: usize) -> (isize, usize) {
    (d.div_euclid(s as isize), d.rem_euclid(s as isize) as usize)
}

impl Phases {
    /// The layout for planes of `image`'s size under `window` with an output
    /// of out_h × out_w, or `None` when the per-row loops must do it.
    pub(super) fn new(image: ImageShape, window: Window, out_h: usize, out_w: usize) -> Option<Self> {
        let Window { kernel: k, stride: s, padding: p } = window;
        let (q_min, _) = split(-(p as isize), s);
        let (q_max, _) = split(k as isize - 1 - p as isize, s);
        let covers = out_h * s >= image.height && out_w * s >= image.width;
        if !covers || q_max < 0 || out_w == 0 || k > MAX_KERNEL {
            return None;
        }
        let lead = (-q_min) as usize;
        let len = lead + (out_h + (q_max - q_min) as usize) * out_w + q_max as usize;
        if s * s * len > CAPACITY {
            return None;
        }
        let mut taps = [Tap::default(); MAX_KERNEL * MAX_KERNEL];
        let w = out_w as isize;
        for ky in 0..k {
            for kx in 0..k {
                let (qy, ry) = split(ky as isize - p as isize, s);
                let (qx, rx) = split(kx as isize - p as isize, s);
                let start = ((ry * s + rx) * len + lead) as isize + (qy - q_min) * w + qx;
                let (lo, hi) = ((-qx).clamp(0, w) as usize, (w - qx).clamp(0, w) as usize);
                taps[ky * k + kx] = Tap { start: start as usize, lo, hi };
            }
        }
        Some(Phases { height: image.height, width: image.width, stride: s, out_w, lead, len, taps })
    }

    /// Calls `f(row, phases)` for every row of the plane: its pixels rx,
    /// rx + s, … sit in the buffer from `phases[rx]` on, for every rx < s
    /// (the same place for rx ≥ width, where no pixel is).
    #[inline]
    fn rows<const S: usize>(&self, mut f: impl FnMut(usize, [usize; S])) {
        for iy in 0..self.height {
            let (j, ry) = (iy / S, iy % S);
            let row = self.lead + (j + self.lead) * self.out_w;
            f(iy * self.width, std::array::from_fn(|rx| (ry * S + rx.min(self.width - 1)) * self.len + row));
        }
    }

    /// Sorts `plane` (height × width) into the image's places of `buf`.
    pub(super) fn sort(&self, plane: &[f32], buf: &mut Buffer) {
        match self.stride {
            1 => self.sort_by::<1>(plane, buf),
            2 if self.width >= 2 => self.sort_2(plane, buf),
            2 => self.sort_by::<2>(plane, buf),
            3 => self.sort_by::<3>(plane, buf),
            _ => self.sort_by::<4>(plane, buf),
        }
    }

    /// `sort` at stride S: a row's S-pixel groups, pixel r of each to phase r.
    fn sort_by<const S: usize>(&self, plane: &[f32], buf: &mut Buffer) {
        let w = self.width;
        self.rows::<S>(|from, at| {
            let row = &plane[from..from + w];
            let groups = row.chunks_exact(S);
            let tail = groups.remainder();
            for (i, group) in groups.enumerate() {
                for r in 0..S {
                    buf[at[r] + i] = group[r];
                }
            }
            for (r, &v) in tail.iter().enumerate() {
                buf[at[r] + w / S] = v;
            }
        });
    }

    /// `plane` += the image's places of `buf`, which are cleared.
    pub(super) fn take_add(&self, buf: &mut Buffer, plane: &mut [f32]) {
        self.take(buf, plane, |p, v| *p += v);
    }

    /// `plane` = the image's places of `buf` + `bias`, which are cleared: what
    /// `take_add` makes of a plane filled with `bias`, without filling it
    /// (v + b is b + v, bit for bit).
    pub(super) fn take_plus(&self, buf: &mut Buffer, plane: &mut [f32], bias: f32) {
        self.take(buf, plane, move |p, v| *p = v + bias);
    }

    /// `put(pixel, value)` for every pixel of the plane and its value in
    /// `buf`, whose places are cleared.
    #[inline(always)]
    fn take(&self, buf: &mut Buffer, plane: &mut [f32], put: impl Fn(&mut f32, f32) + Copy) {
        match self.stride {
            1 => self.take_by::<1>(buf, plane, put),
            2 if self.width >= 2 => self.take_2(buf, plane, put),
            2 => self.take_by::<2>(buf, plane, put),
            3 => self.take_by::<3>(buf, plane, put),
            _ => self.take_by::<4>(buf, plane, put),
        }
    }

    /// `take` at stride S.
    #[inline(always)]
    fn take_by<const S: usize>(&self, buf: &mut Buffer, plane: &mut [f32], put: impl Fn(&mut f32, f32)) {
        let w = self.width;
        self.rows::<S>(|from, at| {
            let row = &mut plane[from..from + w];
            let mut groups = row.chunks_exact_mut(S);
            for (i, group) in groups.by_ref().enumerate() {
                for r in 0..S {
                    put(&mut group[r], std::mem::take(&mut buf[at[r] + i]));
                }
            }
            for (r, v) in groups.into_remainder().iter_mut().enumerate() {
                put(v, std::mem::take(&mut buf[at[r] + w / S]));
            }
        });
    }

    /// A row's two phases in `buf` at stride 2 (width ≥ 2): the even pixels'
    /// ⌈w/2⌉ places from `at[0]` and the odd pixels' ⌊w/2⌋ from `at[1]`, one
    /// phase further on, as two slices (so the loops over them check no index).
    fn phase_pair<'a>(&self, buf: &'a mut Buffer, at: [usize; 2]) -> (&'a mut [f32], &'a mut [f32]) {
        debug_assert_eq!(at[1], at[0] + self.len);
        let (even, odd) = buf[at[0]..].split_at_mut(self.len);
        (&mut even[..self.width.div_ceil(2)], &mut odd[..self.width / 2])
    }

    /// `sort` at stride 2 on planes at least 2 wide: what `sort_by::<2>` does.
    fn sort_2(&self, plane: &[f32], buf: &mut Buffer) {
        let w = self.width;
        self.rows::<2>(|from, at| {
            let row = &plane[from..from + w];
            let (even, odd) = self.phase_pair(buf, at);
            for ((pair, e), o) in row.chunks_exact(2).zip(even.iter_mut()).zip(odd.iter_mut()) {
                *e = pair[0];
                *o = pair[1];
            }
            if w % 2 == 1 {
                even[w / 2] = row[w - 1];
            }
        });
    }

    /// `take` at stride 2 on planes at least 2 wide: what `take_by::<2>` does.
    #[inline(always)]
    fn take_2(&self, buf: &mut Buffer, plane: &mut [f32], put: impl Fn(&mut f32, f32)) {
        let w = self.width;
        self.rows::<2>(|from, at| {
            let row = &mut plane[from..from + w];
            let (even, odd) = self.phase_pair(buf, at);
            for ((pair, e), o) in row.chunks_exact_mut(2).zip(even.iter_mut()).zip(odd.iter_mut()) {
                put(&mut pair[0], std::mem::take(e));
                put(&mut pair[1], std::mem::take(o));
            }
            if w % 2 == 1 {
                put(&mut row[w - 1], std::mem::take(&mut even[w / 2]));
            }
        });
    }

    /// im2col of tap `tap` (ky·k + kx) from sorted phases: `block`
    /// (out_h·out_w) gets the tap's input value for every output pixel.
    pub(super) fn copy_tap(&self, buf: &Buffer, tap: usize, block: &mut [f32]) {
        let t = self.taps[tap];
        block.copy_from_slice(&buf[t.start..t.start + block.len()]);
        self.zero_wrapped(t, block);
    }

    /// col2im of tap `tap` (ky·k + kx) into phases: `buf` += `block`
    /// (out_h·out_w) at the input pixel each output pixel of the tap read.
    /// The block's columns that its shift wraps (they read the padding) are
    /// zeroed first.
    pub(super) fn add_tap(&self, buf: &mut Buffer, tap: usize, block: &mut [f32]) {
        let t = self.taps[tap];
        self.zero_wrapped(t, block);
        for (d, &v) in buf[t.start..t.start + block.len()].iter_mut().zip(&*block) {
            *d += v;
        }
    }

    /// Zeros the columns of a block that its shift wraps around a row's end:
    /// a strided pass per column (a fill per row would be a call each).
    fn zero_wrapped(&self, t: Tap, block: &mut [f32]) {
        for col in (0..t.lo).chain(t.hi..self.out_w) {
            for v in block[col..].iter_mut().step_by(self.out_w) {
                *v = 0.0;
            }
        }
    }
}
