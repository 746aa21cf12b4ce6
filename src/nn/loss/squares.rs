//! The squared errors' running sums behind `mse`, `mse_present` and the
//! evaluation's slice-by-slice MSE (src/nn/loss.rs).

use ndarray::ArrayView2;

use super::LANES;

/// `recon_mse` summed part by part: the squared errors of each part's cells
/// (those whose target is present, in the lab build), in f64, in [`LANES`]
/// running sums by the cell's place among all cells added (cell k to lane
/// k mod [`LANES`]: a loop that vectorizes), joined in lane order at the end.
/// `mse` and `mse_present` sum the same way, so parts that make up a batch
/// row by row give their number bit for bit.
#[derive(Debug, Default, Clone, Copy)]
pub struct SquaredErrors {
    lanes: [f64; LANES],
    /// Cells added so far, missing or not: where the next one's lane is.
    cells: usize,
    /// Cells whose target was present.
    count: usize,
}

impl SquaredErrors {
    /// Adds the cells of `pred` against `target` (same shape), in row order.
    pub fn add(&mut self, pred: ArrayView2<f32>, target: ArrayView2<f32>) {
        self.add_cells::<{ cfg!(feature = "lab") }>(pred, target);
    }

    /// [`add`](Self::add), leaving out the cells whose target is NaN if `SKIP_MISSING`.
    pub(super) fn add_cells<const SKIP_MISSING: bool>(&mut self, pred: ArrayView2<f32>, target: ArrayView2<f32>) {
        assert_eq!(pred.dim(), target.dim(), "predictions and targets of one shape");
        // Borrows for the rows every caller passes; a copy for other views.
        let (pred, target) = (pred.as_standard_layout(), target.as_standard_layout());
        let (p, t) = (pred.as_slice().expect("standard"), target.as_slice().expect("standard"));
        // One cell into its lane: a missing one adds +0 (the same bits as adding nothing).
        let cell = |lane: &mut f64, count: &mut usize, p: f32, t: f32| {
            let missing = SKIP_MISSING && t.is_nan();
            let d = if missing { 0.0 } else { (p - t) as f64 };
            *lane += d * d;
            *count += usize::from(!missing);
        };
        let (lanes, mut count) = (&mut self.lanes, self.count);
        // Up to the next lane 0, then whole rounds of the lanes, then the rest.
        let head = ((LANES - self.cells % LANES) % LANES).min(p.len());
        for k in 0..head {
            cell(&mut lanes[(self.cells + k) % LANES], &mut count, p[k], t[k]);
        }
        let (p, t) = (&p[head..], &t[head..]);
        let (mut ps, mut ts) = (p.chunks_exact(LANES), t.chunks_exact(LANES));
        for (p, t) in (&mut ps).zip(&mut ts) {
            for k in 0..LANES {
                cell(&mut lanes[k], &mut count, p[k], t[k]);
            }
        }
        for (k, (&p, &t)) in ps.remainder().iter().zip(ts.remainder()).enumerate() {
            cell(&mut lanes[k], &mut count, p, t);
        }
        self.cells += head + p.len();
        self.count = count;
    }

    /// Σ of the squares added, in f64.
    pub fn sum(&self) -> f64 {
        self.lanes.iter().sum()
    }

    /// The mean of the squared errors added (0 for none).
    pub fn mean(&self) -> f32 {
        (self.sum() / self.count.max(1) as f64) as f32
    }
}
