//! What the trainer measures and makes beside training: the validation
//! scores, a corrupted copy to show, samples from the prior and the code's
//! mean activations. None of it touches the training stream.

use ndarray::{Array2, ArrayView2};

use super::{Trainer, DISPLAY_NOISE_SEED, MAX_SAMPLES};
use crate::error::{Error, Result};
use crate::metrics::psnr_from_mse;
use crate::nn::loss;
use crate::noise::{Noise, NoiseKind};
use crate::rng::{seeded, Stream};
use crate::train::EvalStats;

impl Trainer {
    /// Loss, MSE and PSNR of the reconstructions of the validation digits (and
    /// of their corrupted copies, when training with noise). For the VAE the loss
    /// is reconstruction + β·KL per pixel, with z = μ.
    pub fn evaluate(&mut self) -> Result<EvalStats> {
        crate::nn::gemm::on_pool(|| self.evaluate_here())
    }

    /// `evaluate` on this thread.
    fn evaluate_here(&mut self) -> Result<EvalStats> {
        // Made at the first evaluation and kept: converting the 1,000 digits
        // afresh every epoch was a tenth of the evaluation's time.
        if self.validation.is_none() {
            let data = &self.data.validation;
            #[cfg(feature = "lab")]
            let targets = data.has_missing().then(|| data.to_targets(usize::MAX)); // NaN where a value is missing
            #[cfg(not(feature = "lab"))]
            let targets = None; // digits miss nothing
            self.validation = Some((data.to_matrix(usize::MAX), targets));
        }
        let (x, targets) = self.validation.as_ref().expect("made above");
        let target = targets.as_ref().unwrap_or(x).view();
        let (terms, mse) = self.model.evaluate_terms(x.view(), target, &self.config.train)?;
        let noise = self.config.noise();
        let noisy_mse = if noise.kind == NoiseKind::None {
            None
        } else {
            let noisy = self.corrupt(x.view(), DISPLAY_NOISE_SEED);
            let y = self.model.reconstruct(noisy.view())?;
            Some(loss::recon_mse(y.view(), target))
        };
        Ok(EvalStats {
            val_loss: terms.total,
            mse,
            psnr: psnr_from_mse(mse),
            kl: terms.kl,
            mean_activation: terms.mean_activation,
            noisy_mse,
        })
    }

    /// A corrupted copy of `x` with the run's noise settings, drawn from `seed`
    /// (not the training stream): what the denoise lesson shows.
    pub fn corrupt(&self, x: ArrayView2<f32>, seed: u64) -> Array2<f32> {
        let mut out = Array2::zeros(x.dim());
        self.config.noise().apply(x, out.view_mut(), &mut seeded(seed, Stream::Noise, 3));
        out
    }

    /// Like `corrupt`, with any noise setting (e.g. to compare models on the same corruption).
    pub fn corrupt_with(noise: Noise, x: ArrayView2<f32>, seed: u64) -> Array2<f32> {
        let mut out = Array2::zeros(x.dim());
        noise.apply(x, out.view_mut(), &mut seeded(seed, Stream::Noise, 3));
        out
    }

    /// `n` images (1 to `MAX_SAMPLES`) decoded from codes drawn from the prior
    /// N(0, I) (meaningful for the VAE).
    pub fn sample(&mut self, n: usize) -> Result<Array2<f32>> {
        use rand::RngExt;
        if n == 0 || n > MAX_SAMPLES {
            return Err(Error::config("n", format!("sample needs between 1 and {MAX_SAMPLES} images, got {n}")));
        }
        let rng = &mut self.sample_rng;
        let z = Array2::from_shape_simple_fn((n, self.config.model.latent), || {
            rng.sample::<f32, _>(rand_distr::StandardNormal)
        });
        self.model.decode(z.view())
    }

    /// Mean activation of each code unit over the validation digits (the sparse lesson's bars).
    pub fn code_activations(&mut self) -> Result<Vec<f32>> {
        let x = self.data.validation.to_matrix(usize::MAX);
        let codes = self.model.encode(x.view())?;
        Ok(codes.mean_axis(ndarray::Axis(0)).map(|m| m.to_vec()).unwrap_or_default())
    }
}
