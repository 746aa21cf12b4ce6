//! Property tests: random configs, random JSON and random or mutated model
//! files reach config parsing, training and loading. Whatever comes in, the
//! answer is `Ok` or an `Err` with a message, never a panic, and nothing is
//! allocated beyond the caps (parameter count, file size).

mod common;

use std::sync::OnceLock;

#[cfg(feature = "lab")] // model files are the "lab" feature (on by default)
use autoencoder_playground::checkpoint;
use autoencoder_playground::config::{Config, ModelKind, SparsityKind};
use autoencoder_playground::nn::Activation;
use autoencoder_playground::noise::NoiseKind;
use autoencoder_playground::{Dataset, Trainer};
use proptest::prelude::*;

fn data() -> &'static Dataset {
    static D: OnceLock<Dataset> = OnceLock::new();
    D.get_or_init(|| common::synthetic(60, 784))
}

#[cfg(feature = "lab")]
fn good_file() -> &'static Vec<u8> {
    static F: OnceLock<Vec<u8>> = OnceLock::new();
    F.get_or_init(|| {
        let mut cfg = Config::default();
        cfg.model.encoder = vec![8];
        cfg.model.latent = 2;
        cfg.train.batch_size = 8;
        Trainer::new(cfg, data()).unwrap().save().unwrap()
    })
}

/// Floats a config field may receive: ordinary, edge and absurd values.
fn any_f32() -> impl Strategy<Value = f32> {
    prop_oneof![
        -2.0f32..2.0,
        Just(0.0),
        Just(f32::NAN),
        Just(f32::INFINITY),
        Just(f32::NEG_INFINITY),
        Just(1e30),
        Just(-1e-30),
        Just(f32::MAX),
    ]
}

fn activation() -> impl Strategy<Value = Activation> {
    prop_oneof![
        Just(Activation::Relu),
        Just(Activation::LeakyRelu),
        Just(Activation::Sigmoid),
        Just(Activation::Tanh),
        Just(Activation::Identity)
    ]
}

prop_compose! {
    fn any_config()(
        encoder in prop::collection::vec(prop_oneof![0usize..40, Just(5000), Just(usize::MAX)], 0..10),
        latent in prop_oneof![0usize..6, Just(300), Just(usize::MAX)],
        vae in any::<bool>(),
        act in activation(), code in activation(), out in activation(),
        dropout in any_f32(), lr in any_f32(), momentum in any_f32(), wd in any_f32(), l1 in any_f32(),
        batch in prop_oneof![0usize..60, Just(usize::MAX)],
        noise in 0u8..5, level in any_f32(),
        sparsity in 0u8..3, sw in any_f32(), rho in any_f32(), contractive in any_f32(), beta in any_f32(),
        seed in prop_oneof![any::<u32>().prop_map(|s| Some(s as u64)), Just(None), Just(Some(u64::MAX))],
        exclude in prop_oneof![Just(None), (0u8..12).prop_map(Some)],
    ) -> Config {
        let mut c = Config::default();
        c.model.encoder = encoder;
        c.model.latent = latent;
        c.model.kind = if vae { ModelKind::Vae } else { ModelKind::Autoencoder };
        c.model.activation = act;
        c.model.latent_activation = code;
        c.model.output = out;
        c.model.dropout = dropout;
        c.train.lr = lr;
        c.train.momentum = momentum;
        c.train.weight_decay = wd;
        c.train.l1 = l1;
        c.train.batch_size = batch;
        c.train.noise = [NoiseKind::None, NoiseKind::Gaussian, NoiseKind::Masking, NoiseKind::SaltPepper, NoiseKind::Block][noise as usize];
        c.train.noise_level = level;
        c.train.sparsity = [SparsityKind::None, SparsityKind::L1, SparsityKind::Kl][sparsity as usize];
        c.train.sparsity_weight = sw;
        c.train.sparsity_target = rho;
        c.train.contractive = contractive;
        c.train.beta = beta;
        c.train.seed = seed;
        c.train.exclude_class = exclude;
        c
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_configs_train_or_say_why(cfg in any_config()) {
        match Trainer::new(cfg, data()) {
            Ok(mut t) => {
                // Accepted configs train; a step may only fail by divergence, with its message.
                if let Err(e) = t.step(2) {
                    prop_assert!(e.to_string().contains("diverged"), "{e}");
                }
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn random_json_never_panics(text in "\\PC{0,200}") {
        if let Ok(cfg) = serde_json::from_str::<Config>(&text) {
            let _ = cfg.validate(100);
        }
    }

    #[test]
    fn json_with_wrong_types_and_keys_never_panics(key in "[a-zA-Z]{1,12}", value in prop_oneof![
        Just("null".to_string()), Just("\"x\"".to_string()), Just("[]".to_string()), Just("1e400".to_string()), Just("-1".to_string())
    ]) {
        let text = format!(r#"{{"model":{{"{key}":{value}}}}}"#);
        if let Ok(cfg) = serde_json::from_str::<Config>(&text) {
            let _ = cfg.validate(100);
        }
    }

    #[cfg(feature = "lab")]
    #[test]
    fn random_bytes_are_refused_as_model_files(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        prop_assert!(checkpoint::load(&bytes).is_err());
    }

    #[cfg(feature = "lab")]
    #[test]
    fn mutated_model_files_load_or_say_why(at in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<prop::sample::Index>(), truncate in any::<bool>()) {
        let mut bytes = good_file().clone();
        let i = at.index(bytes.len());
        bytes[i] = byte;
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        match Trainer::load(&bytes, data()) {
            Ok(mut t) => { let _ = t.step(1); }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}
