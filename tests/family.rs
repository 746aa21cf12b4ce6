//! The autoencoder family on the real digits, with fixed seeds: denoising,
//! sparse, contractive and variational models each do what they are for.

mod common;

use autoencoder_playground::config::{Config, ModelKind, SparsityKind};
use autoencoder_playground::nn::Activation;
use autoencoder_playground::noise::{changed_fraction, Noise, NoiseKind};
use autoencoder_playground::rng::from_seed;
use autoencoder_playground::{Autoencoder, Error, Trainer};
use ndarray::{Array2, Axis};

fn small() -> Config {
    let mut c = Config::default();
    c.model.encoder = vec![128];
    c.model.latent = 16;
    c
}

#[test]
fn noise_kinds_corrupt_as_described() {
    let x = Array2::from_elem((50, 784), 0.5f32);
    let mut out = Array2::zeros((50, 784));
    let mut rng = from_seed(1);
    Noise { kind: NoiseKind::Masking, level: 0.3 }.apply(x.view(), out.view_mut(), &mut rng);
    let zeroed = out.iter().filter(|&&v| v == 0.0).count() as f32 / out.len() as f32;
    assert!((zeroed - 0.3).abs() < 0.01, "masking zeroed {zeroed}");
    Noise { kind: NoiseKind::SaltPepper, level: 0.2 }.apply(x.view(), out.view_mut(), &mut rng);
    let ones = out.iter().filter(|&&v| v == 1.0).count() as f32 / out.len() as f32;
    assert!((changed_fraction(x.view(), out.view()) - 0.2).abs() < 0.01 && (ones - 0.1).abs() < 0.01);
    Noise { kind: NoiseKind::Gaussian, level: 0.5 }.apply(x.view(), out.view_mut(), &mut rng);
    assert!(out.iter().all(|v| (0.0..=1.0).contains(v)), "gaussian noise is clipped to [0, 1]");
    let sd = (out.iter().map(|v| (v - 0.5) * (v - 0.5)).sum::<f32>() / out.len() as f32).sqrt();
    assert!((0.35..0.5).contains(&sd), "σ 0.5 clipped at ±0.5 gives sd ≈ 0.42, got {sd}");
    Noise { kind: NoiseKind::Block, level: 0.25 }.apply(x.view(), out.view_mut(), &mut rng);
    for row in out.axis_iter(Axis(0)) {
        // A 7×7 square (0.25 × 28) per image, all of it inside the image.
        assert_eq!(row.iter().filter(|&&v| v == 0.0).count(), 49);
    }
    let e = Noise { kind: NoiseKind::Gaussian, level: 3.0 }.validate(784).unwrap_err().to_string();
    assert!(e.contains("train.noiseLevel") && e.contains("[0, 2]"), "{e}");
    assert!(Noise { kind: NoiseKind::Block, level: 0.2 }.validate(780).is_err());
}

#[test]
fn denoising_beats_the_plain_autoencoder_on_corrupted_digits() {
    let d = common::digits();
    let noise = Noise { kind: NoiseKind::Masking, level: 0.5 };
    let mut plain = Trainer::new(small(), &d).unwrap();
    let mut cfg = small();
    cfg.train.noise = noise.kind;
    cfg.train.noise_level = noise.level;
    let mut denoising = Trainer::new(cfg, &d).unwrap();
    plain.step(600).unwrap();
    denoising.step(600).unwrap();
    let clean = d.split().unwrap().validation.to_matrix(usize::MAX);
    let corrupted = Trainer::corrupt_with(noise, clean.view(), 99);
    let err = |t: &mut Trainer| {
        let y = t.model_mut().reconstruct(corrupted.view()).unwrap();
        autoencoder_playground::nn::loss::mse(y.view(), clean.view())
    };
    let (p, dn) = (err(&mut plain), err(&mut denoising));
    assert!(dn < 0.8 * p, "denoising {dn} vs plain {p} on the same corrupted digits");
    // The evaluation reports the same kind of number.
    let eval = denoising.evaluate().unwrap();
    assert!(eval.noisy_mse.unwrap() < 0.8 * p);
    assert!(plain.evaluate().unwrap().noisy_mse.is_none());
}

#[test]
fn sparsity_lowers_the_mean_code_activation() {
    let d = common::digits();
    let mut base = small();
    base.model.latent_activation = Activation::Sigmoid;
    let mut sparse = base.clone();
    sparse.train.sparsity = SparsityKind::Kl;
    sparse.train.sparsity_weight = 0.05;
    sparse.train.sparsity_target = 0.05;
    let mut l1 = base.clone();
    l1.train.sparsity = SparsityKind::L1;
    l1.train.sparsity_weight = 0.01;
    let mean_act = |c: Config| {
        let mut t = Trainer::new(c, &d).unwrap();
        let s = t.step(400).unwrap();
        assert!(s.terms.mean_activation > 0.0);
        let acts = t.code_activations().unwrap();
        assert_eq!(acts.len(), 16);
        (t.evaluate().unwrap().mean_activation, s.terms.sparsity)
    };
    let (plain, _) = mean_act(base);
    let (kl, kl_term) = mean_act(sparse);
    let (l1v, l1_term) = mean_act(l1);
    assert!(kl < 0.5 * plain && l1v < 0.5 * plain, "mean activation: plain {plain}, KL {kl}, L1 {l1v}");
    assert!(kl < 0.15, "KL sparsity pulls the mean activation toward ρ = 0.05, got {kl}");
    assert!(kl_term > 0.0 && l1_term > 0.0, "the penalty is reported");
}

#[test]
fn contractive_penalty_matches_the_numerical_jacobian() {
    // ‖∂h/∂x‖²_F by finite differences of `encode`, on a one-layer encoder where
    // the closed form is exact.
    let mut cfg = small();
    cfg.model.encoder = vec![];
    cfg.model.latent = 4;
    cfg.model.input = 9;
    cfg.model.latent_activation = Activation::Sigmoid;
    cfg.train.contractive = 0.7;
    let mut ae = Autoencoder::new(&cfg.model, 5).unwrap();
    let x = Array2::from_shape_fn((3, 9), |(i, j)| ((i * 9 + j) as f32 * 0.37).sin() * 0.5 + 0.5);
    let terms = ae.forward_backward(x.view(), x.view(), &cfg.train);
    let h = 1e-2f32;
    let mut frob = 0.0f64;
    for b in 0..3 {
        for i in 0..9 {
            let (mut xp, mut xm) = (x.row(b).to_owned().insert_axis(Axis(0)), x.row(b).to_owned().insert_axis(Axis(0)));
            xp[[0, i]] += h;
            xm[[0, i]] -= h;
            let (hp, hm) = (ae.encode(xp.view()).unwrap(), ae.encode(xm.view()).unwrap());
            for j in 0..4 {
                let d = (hp[[0, j]] - hm[[0, j]]) as f64 / (2.0 * h as f64);
                frob += d * d;
            }
        }
    }
    let want = 0.7 * frob / 3.0;
    assert!(
        (terms.contractive as f64 - want).abs() < 1e-3 * want,
        "closed form {} vs numerical {want}",
        terms.contractive
    );
}

#[test]
fn contractive_training_makes_codes_less_sensitive() {
    let d = common::digits();
    let mut cfg = small();
    cfg.model.latent_activation = Activation::Sigmoid;
    let mut plain = Trainer::new(cfg.clone(), &d).unwrap();
    cfg.train.contractive = 0.5;
    let mut cae = Trainer::new(cfg, &d).unwrap();
    plain.step(400).unwrap();
    cae.step(400).unwrap();
    let x = d.split().unwrap().validation.to_matrix(200);
    let xn = Trainer::corrupt_with(Noise { kind: NoiseKind::Gaussian, level: 0.1 }, x.view(), 3);
    let shift = |t: &mut Trainer| {
        let (a, b) = (t.model_mut().encode(x.view()).unwrap(), t.model_mut().encode(xn.view()).unwrap());
        (&a - &b).mapv(|v| v * v).sum().sqrt()
    };
    let (p, c) = (shift(&mut plain), shift(&mut cae));
    assert!(c < 0.7 * p, "code shift under input noise: contractive {c} vs plain {p}");
}

#[test]
fn vae_reports_kl_and_samples_digits_in_range() {
    let d = common::digits();
    let mut cfg = small();
    cfg.model.kind = ModelKind::Vae;
    cfg.model.latent = 2;
    let mut t = Trainer::new(cfg.clone(), &d).unwrap();
    let s = t.step(400).unwrap();
    assert!(s.terms.kl > 0.1 && s.terms.kl.is_finite(), "KL {}", s.terms.kl);
    assert!((s.terms.total - (s.terms.recon + s.terms.kl / 784.0)).abs() < 1e-5, "β = 1: total = recon + KL/784");
    let e = t.evaluate().unwrap();
    assert!(e.kl > 0.1 && e.mse < 0.06, "{e:?}");
    let samples = t.sample(16).unwrap();
    assert_eq!(samples.dim(), (16, 784));
    assert!(samples.iter().all(|v| (0.0..=1.0).contains(v)));
    assert!(samples.std(0.0) > 0.1, "samples are not blank");
    for n in [0, 10_001] {
        let e = t.sample(n).unwrap_err();
        assert!(matches!(&e, Error::InvalidConfig { field, .. } if field == "n"), "{e:?}");
        assert!(e.to_string().contains("between 1 and 10000"), "{e}");
    }
    // β = 0 has no KL pull, so its KL grows larger than β = 4's.
    let kl_for = |beta: f32| {
        let mut c = cfg.clone();
        c.train.beta = beta;
        let mut t = Trainer::new(c, &d).unwrap();
        t.step(400).unwrap();
        t.evaluate().unwrap().kl
    };
    assert!(kl_for(4.0) < kl_for(0.0));
}

#[test]
fn family_config_errors_say_what_to_change() {
    let d = common::synthetic(100, 784);
    let mut c = Config::default();
    c.model.kind = ModelKind::Vae;
    c.train.contractive = 0.1;
    assert!(Trainer::new(c, &d)
        .err()
        .unwrap()
        .to_string()
        .contains("sparsity and contractive penalties apply to the plain autoencoder"));
    let mut c = Config::default();
    c.train.sparsity = SparsityKind::Kl;
    assert!(Trainer::new(c, &d).err().unwrap().to_string().contains("needs latentActivation \"sigmoid\""));
    let mut c = Config::default();
    c.train.sparsity_target = 1.0;
    assert!(Trainer::new(c, &d)
        .err()
        .unwrap()
        .to_string()
        .contains("train.sparsityTarget: must be a number strictly between 0 and 1"));
}
