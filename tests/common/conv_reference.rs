//! f64 textbook convolutions, shared by the native conv tests (tests/conv.rs)
//! and the browser tests (tests/web.rs): the direct convolution and
//! PyTorch's transposed one, a scatter.
#![allow(dead_code)]

use autoencoder_playground::config::{ImageShape, Window};
use ndarray::{Array2, Array4};

/// A batch of rows as (N, C, H, W) in f64.
pub fn images(x: &Array2<f32>, s: ImageShape) -> Array4<f64> {
    x.mapv(f64::from).into_shape_with_order((x.nrows(), s.channels, s.height, s.width)).unwrap()
}

/// y[n,o,i,j] = b[o] + Σ_{c,u,v} W[o,c,u,v] · x[n,c, i·s+u−p, j·s+v−p] (zeros outside).
pub fn direct_conv(x: &Array4<f64>, w: &Array4<f64>, b: &[f64], win: Window) -> Array4<f64> {
    let (n, c, h, wd) = x.dim();
    let o = w.dim().0;
    let (oh, ow) = (win.out_side(h).unwrap(), win.out_side(wd).unwrap());
    let mut y = Array4::zeros((n, o, oh, ow));
    for ((s, oc, i, j), out) in y.indexed_iter_mut() {
        let mut acc = b[oc];
        for ic in 0..c {
            for u in 0..win.kernel {
                for v in 0..win.kernel {
                    let (r, q) = (
                        (i * win.stride + u) as isize - win.padding as isize,
                        (j * win.stride + v) as isize - win.padding as isize,
                    );
                    if r >= 0 && q >= 0 && (r as usize) < h && (q as usize) < wd {
                        acc += w[[oc, ic, u, v]] * x[[s, ic, r as usize, q as usize]];
                    }
                }
            }
        }
        *out = acc;
    }
    y
}

/// PyTorch's ConvTranspose2d: every input value scatters W[c,o,u,v]·x[n,c,i,j]
/// to output (i·s+u−p, j·s+v−p); the output is `out` pixels tall and wide.
pub fn direct_conv_transpose(
    x: &Array4<f64>,
    w: &Array4<f64>,
    b: &[f64],
    win: Window,
    out: (usize, usize),
) -> Array4<f64> {
    let (n, c, h, wd) = x.dim();
    let o = w.dim().1;
    let mut y = Array4::zeros((n, o, out.0, out.1));
    for s in 0..n {
        for (oc, &bias) in b.iter().enumerate().take(o) {
            y.slice_mut(ndarray::s![s, oc, .., ..]).fill(bias);
        }
        for ic in 0..c {
            for i in 0..h {
                for j in 0..wd {
                    for oc in 0..o {
                        for u in 0..win.kernel {
                            for v in 0..win.kernel {
                                let (r, q) = (
                                    (i * win.stride + u) as isize - win.padding as isize,
                                    (j * win.stride + v) as isize - win.padding as isize,
                                );
                                if r >= 0 && q >= 0 && (r as usize) < out.0 && (q as usize) < out.1 {
                                    y[[s, oc, r as usize, q as usize]] += w[[ic, oc, u, v]] * x[[s, ic, i, j]];
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    y
}

pub fn weights4(w: &Array2<f32>, a: usize, b: usize, k: usize) -> Array4<f64> {
    w.mapv(f64::from).into_shape_with_order((a, b, k, k)).unwrap()
}

pub fn max_diff(a: &Array4<f64>, b: &Array2<f32>) -> f64 {
    a.iter().zip(b.iter()).map(|(&x, &y)| (x - y as f64).abs()).fold(0.0, f64::max)
}
