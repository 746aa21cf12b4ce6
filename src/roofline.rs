//! The roofline for one training step: only the matrix products a step of the
//! autoencoder performs (forward, weight gradient, input gradient for every
//! layer, with the same transposed views as `Linear`), nothing else. The time
//! these take is the most a step could be sped up to without a faster product;
//! a benchmark reports the trainer's step time as a percentage of it.

use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayView2};

use crate::error::{Error, Result};

/// Largest width or batch accepted: the buffers stay within a browser tab's memory.
pub const MAX_SIZE: usize = 4096;

/// Buffers for the products of one step of a mirrored autoencoder.
pub struct Roofline {
    layers: Vec<LayerBufs>,
}

struct LayerBufs {
    x: Array2<f32>,
    w: Array2<f32>,
    y: Array2<f32>,
    g: Array2<f32>,
    dw: Array2<f32>,
    dx: Option<Array2<f32>>,
}

impl Roofline {
    /// Products for widths `[input, hidden.., latent]` mirrored back to the input,
    /// at `batch` rows: at least two widths, each and the batch from 1 to `MAX_SIZE`.
    pub fn new(widths: &[usize], batch: usize) -> Result<Self> {
        if widths.len() < 2 || widths.iter().any(|&w| w == 0 || w > MAX_SIZE) {
            return Err(Error::config("widths", format!("need at least two sizes, each from 1 to {MAX_SIZE}")));
        }
        if batch == 0 || batch > MAX_SIZE {
            return Err(Error::config("batch", format!("must be from 1 to {MAX_SIZE}, got {batch}")));
        }
        let mut all = widths.to_vec();
        all.extend(widths.iter().rev().skip(1));
        let fill = |r: usize, c: usize| Array2::from_shape_fn((r, c), |(i, j)| ((i * 31 + j * 17) % 13) as f32 * 0.01);
        let layers = all
            .windows(2)
            .enumerate()
            .map(|(i, p)| LayerBufs {
                x: fill(batch, p[0]),
                w: fill(p[0], p[1]),
                y: Array2::zeros((batch, p[1])),
                g: fill(batch, p[1]),
                dw: Array2::zeros((p[0], p[1])),
                // The first layer needs no gradient for the pixels, as in the trainer.
                dx: (i > 0).then(|| Array2::zeros((batch, p[0]))),
            })
            .collect();
        Ok(Roofline { layers })
    }

    /// Floating-point operations of one step's products (2·m·n·k each).
    pub fn flops_per_step(&self) -> f64 {
        self.layers
            .iter()
            .map(|l| {
                let one = 2.0 * (l.x.nrows() * l.w.nrows() * l.w.ncols()) as f64;
                one * if l.dx.is_some() { 3.0 } else { 2.0 }
            })
            .sum()
    }

    /// Runs the products of `steps` training steps on this thread.
    pub fn run(&mut self, steps: u32) {
        self.run_with(steps, |a, b, beta, c| general_mat_mul(1.0, a, b, beta, c));
    }

    /// Runs the products of `steps` training steps as the trainer makes them
    /// (`crate::nn::gemm::gemm`): split across the pool's threads where that
    /// pays, with the `threads` feature; else as `run`.
    pub fn run_split(&mut self, steps: u32) {
        crate::nn::gemm::on_pool(|| self.run_with(steps, |a, b, beta, c| crate::nn::gemm::gemm(1.0, a, b, beta, c)));
    }

    /// What the last run wrote: each layer's output, weight gradient and
    /// (but the first layer's) input gradient, in layer order.
    pub fn results(&self) -> Vec<&[f32]> {
        fn slice(a: &Array2<f32>) -> &[f32] {
            a.as_slice().expect("the buffers are contiguous")
        }
        self.layers
            .iter()
            .flat_map(|l| [Some(slice(&l.y)), Some(slice(&l.dw)), l.dx.as_ref().map(slice)])
            .flatten()
            .collect()
    }

    fn run_with(&mut self, steps: u32, product: impl Fn(&ArrayView2<f32>, &ArrayView2<f32>, f32, &mut Array2<f32>)) {
        for _ in 0..steps {
            for l in &mut self.layers {
                product(&l.x.view(), &l.w.view(), 0.0, &mut l.y);
                product(&l.x.t(), &l.g.view(), 1.0, &mut l.dw);
                if let Some(dx) = &mut l.dx {
                    product(&l.g.view(), &l.w.t(), 0.0, dx);
                }
            }
        }
    }
}
