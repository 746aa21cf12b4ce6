//! Penalties on the code h = f(a), a = x·W + b of the last encoder layer:
//! sparsity (L1 or KL toward a target mean activation) and the contractive
//! penalty ‖∂h/∂x‖²_F (Rifai et al. 2011). Each adds its gradient into buffers
//! the caller back-propagates, and returns its value. Values are means over the
//! batch, to sit beside the per-pixel reconstruction loss.

use ndarray::{Array1, Array2, ArrayView2, Axis, Zip};

use crate::nn::Activation;

/// Clamp for mean activations inside logarithms.
const RHO_EPS: f32 = 1e-6;

/// λ · (1/B) Σ_b Σ_j |h_bj|; adds λ/B · sign(h) to `grad_h`.
pub fn l1_activity(h: ArrayView2<f32>, weight: f32, grad_h: &mut Array2<f32>) -> f32 {
    let b = h.nrows().max(1) as f32;
    let mut sum = 0.0f64;
    Zip::from(grad_h).and(&h).for_each(|g, &v| {
        sum += v.abs() as f64;
        *g += weight / b
            * if v > 0.0 {
                1.0
            } else if v < 0.0 {
                -1.0
            } else {
                0.0
            };
    });
    weight * (sum / b as f64) as f32
}

/// λ · Σ_j KL(ρ ‖ ρ̂_j) with ρ̂_j = mean_b h_bj ∈ (0, 1); adds its gradient
/// λ/B · (−ρ/ρ̂_j + (1−ρ)/(1−ρ̂_j)) to every row of `grad_h`. `rho_hat` is a
/// reusable buffer.
pub fn kl_sparsity(
    h: ArrayView2<f32>,
    rho: f32,
    weight: f32,
    grad_h: &mut Array2<f32>,
    rho_hat: &mut Array1<f32>,
) -> f32 {
    let b = h.nrows().max(1) as f32;
    if rho_hat.len() != h.ncols() {
        *rho_hat = Array1::zeros(h.ncols());
    }
    rho_hat.fill(0.0);
    for row in h.axis_iter(Axis(0)) {
        *rho_hat += &row;
    }
    rho_hat.mapv_inplace(|s| (s / b).clamp(RHO_EPS, 1.0 - RHO_EPS));
    let mut value = 0.0f64;
    for &r in rho_hat.iter() {
        let (r, p) = (r as f64, rho as f64);
        value += p * (p / r).ln() + (1.0 - p) * ((1.0 - p) / (1.0 - r)).ln();
    }
    for mut row in grad_h.axis_iter_mut(Axis(0)) {
        Zip::from(&mut row).and(&*rho_hat).for_each(|g, &r| *g += weight / b * (-rho / r + (1.0 - rho) / (1.0 - r)));
    }
    weight * value as f32
}

/// d(f'(a)²)/da written from h = f(a): 2f'·f'' for the smooth activations, 0
/// where f' is piecewise constant (ReLU, leaky ReLU, identity).
fn d_fprime_sq(act: Activation, h: f32) -> f32 {
    let d = act.derivative_from_output(h);
    match act {
        Activation::Sigmoid => 2.0 * d * d * (1.0 - 2.0 * h),
        Activation::Tanh => -4.0 * h * d * d,
        _ => 0.0,
    }
}

/// The contractive penalty of one layer h = f(x·W + b), exactly:
/// ‖∂h/∂x‖²_F = Σ_j f'(a_j)² · Σ_i W_ij², averaged over the batch and scaled by λ.
/// Adds dP/da to `grad_a` (back-propagation through x·W then gives the
/// x-dependence) and the direct dP/dW = 2λ·W_ij·mean_b f'(a_bj)² to `grad_w`.
/// `col_sq` and `mean_fp_sq` are reusable buffers.
pub fn contractive(
    h: ArrayView2<f32>,
    act: Activation,
    w: ArrayView2<f32>,
    weight: f32,
    grad_a: &mut Array2<f32>,
    grad_w: &mut Array2<f32>,
    bufs: &mut (Array1<f32>, Array1<f32>),
) -> f32 {
    let b = h.nrows().max(1) as f32;
    let (col_sq, mean_fp_sq) = bufs;
    if col_sq.len() != w.ncols() {
        *col_sq = Array1::zeros(w.ncols());
        *mean_fp_sq = Array1::zeros(w.ncols());
    }
    col_sq.fill(0.0);
    for row in w.axis_iter(Axis(0)) {
        Zip::from(&mut *col_sq).and(&row).for_each(|c, &v| *c += v * v);
    }
    mean_fp_sq.fill(0.0);
    let mut value = 0.0f64;
    for (hrow, mut grow) in h.axis_iter(Axis(0)).zip(grad_a.axis_iter_mut(Axis(0))) {
        Zip::from(&hrow).and(&mut grow).and(&*col_sq).and(&mut *mean_fp_sq).for_each(|&hv, g, &c, m| {
            let d = act.derivative_from_output(hv);
            value += (d * d * c) as f64;
            *m += d * d / b;
            *g += weight / b * c * d_fprime_sq(act, hv);
        });
    }
    for (mut grow, wrow) in grad_w.axis_iter_mut(Axis(0)).zip(w.axis_iter(Axis(0))) {
        Zip::from(&mut grow).and(&wrow).and(&*mean_fp_sq).for_each(|g, &wv, &m| *g += 2.0 * weight * wv * m);
    }
    weight * (value / b as f64) as f32
}
