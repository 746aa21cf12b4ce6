//! The VAE's Gaussian code (Kingma & Welling 2014): the encoder's last hidden
//! layer feeds two heads, a mean μ and a log-variance log σ², and the code is
//! z = μ + σ ⊙ ε with ε ~ N(0, I) drawn from the run's seeded stream
//! (the reparameterisation trick, so gradients flow through μ and σ).

use ndarray::{Array2, ArrayView2, Zip};
use rand_distr::StandardNormal;

use crate::nn::{ensure_shape, Layer, Linear, Param};
use crate::rng::Rng;
use rand::RngExt;

/// The two heads, the noise of the last sample and the buffers of backward.
pub struct GaussianHead {
    mu: Linear,
    logvar: Linear,
    rng: Rng,
    fixed_eps: bool,
    mean: Array2<f32>,
    log_var: Array2<f32>,
    eps: Array2<f32>,
    z: Array2<f32>,
    g_mu: Array2<f32>,
    g_lv: Array2<f32>,
    grad_in: Array2<f32>,
}

impl GaussianHead {
    /// Heads from `mu` and `logvar` layers of equal shape; ε comes from `rng`.
    pub fn new(mu: Linear, logvar: Linear, rng: Rng) -> Self {
        let e = || Array2::zeros((0, 0));
        GaussianHead {
            mu,
            logvar,
            rng,
            fixed_eps: false,
            mean: e(),
            log_var: e(),
            eps: e(),
            z: e(),
            g_mu: e(),
            g_lv: e(),
            grad_in: e(),
        }
    }

    /// Uses `eps` for every training forward pass instead of drawing it; lets
    /// gradient checks hold the random choice still.
    pub fn fix_eps(&mut self, eps: Array2<f32>) {
        self.eps = eps;
        self.fixed_eps = true;
    }

    /// In training, a sample z = μ + exp(½ log σ²) ⊙ ε; in evaluation, z = μ.
    pub fn forward(&mut self, x: ArrayView2<f32>, train: bool) -> ArrayView2<'_, f32> {
        let m = self.mu.forward(x, train);
        ensure_shape(&mut self.mean, m.nrows(), m.ncols());
        self.mean.assign(&m);
        let lv = self.logvar.forward(x, train);
        ensure_shape(&mut self.log_var, lv.nrows(), lv.ncols());
        self.log_var.assign(&lv);
        let (rows, cols) = self.mean.dim();
        ensure_shape(&mut self.z, rows, cols);
        if !train {
            self.z.assign(&self.mean);
            return self.z.view();
        }
        if !self.fixed_eps {
            ensure_shape(&mut self.eps, rows, cols);
            let rng = &mut self.rng;
            self.eps.map_inplace(|e| *e = rng.sample(StandardNormal));
        }
        Zip::from(&mut self.z)
            .and(&self.mean)
            .and(&self.log_var)
            .and(&self.eps)
            .for_each(|z, &m, &lv, &e| *z = m + (0.5 * lv).exp() * e);
        self.z.view()
    }

    /// Mean over the batch of KL(N(μ, σ²) ‖ N(0, I)) = −½ Σ_j (1 + log σ² − μ² − σ²), in nats.
    pub fn kl(&self) -> f32 {
        let mut sum = 0.0f64;
        Zip::from(&self.mean).and(&self.log_var).for_each(|&m, &lv| {
            sum += -0.5 * (1.0 + lv as f64 - (m as f64).powi(2) - (lv as f64).exp());
        });
        (sum / self.mean.nrows().max(1) as f64) as f32
    }

    /// Back-propagates dLoss/dz plus `kl_scale` × d(Σ_b KL_b)/d(μ, log σ²) through both
    /// heads; returns dLoss/dx (empty when the heads sit on the pixels).
    pub fn backward(&mut self, grad_z: ArrayView2<f32>, kl_scale: f32) -> ArrayView2<'_, f32> {
        let (rows, cols) = self.mean.dim();
        ensure_shape(&mut self.g_mu, rows, cols);
        ensure_shape(&mut self.g_lv, rows, cols);
        Zip::from(&mut self.g_mu).and(&grad_z).and(&self.mean).for_each(|g, &gz, &m| *g = gz + kl_scale * m);
        Zip::from(&mut self.g_lv).and(&grad_z).and(&self.log_var).and(&self.eps).for_each(|g, &gz, &lv, &e| {
            let sigma = (0.5 * lv).exp();
            *g = gz * e * 0.5 * sigma + kl_scale * 0.5 * (sigma * sigma - 1.0);
        });
        let gi = self.mu.backward(self.g_mu.view());
        ensure_shape(&mut self.grad_in, gi.nrows(), gi.ncols());
        self.grad_in.assign(&gi);
        let gi = self.logvar.backward(self.g_lv.view());
        self.grad_in += &gi;
        self.grad_in.view()
    }

    /// The latest μ (evaluation codes).
    pub fn mean(&self) -> ArrayView2<'_, f32> {
        self.mean.view()
    }

    /// The latest log σ².
    pub fn log_var(&self) -> ArrayView2<'_, f32> {
        self.log_var.view()
    }

    /// Visits μ's then log σ²'s parameters.
    pub fn params_and_grads(&mut self, f: &mut dyn FnMut(Param<'_>)) {
        self.mu.params_and_grads(f);
        self.logvar.params_and_grads(f);
    }
}
