//! Property tests: random configs, random JSON and random or mutated model
//! files reach config parsing, training and loading. Whatever comes in, the
//! answer is `Ok` or the right `Err`, never a panic, and nothing is allocated
//! beyond the caps (parameter count, file size): a refused config is an
//! `InvalidConfig` naming a field that is wrong by the documented ranges
//! (`is_wrong`, written out here apart from `validate`), and a refused model
//! file an `Error::ModelFile` whose problem matches where the file was damaged.

mod common;

use std::sync::OnceLock;

#[cfg(feature = "lab")] // model files are the "lab" feature (on by default)
use autoencoder_playground::checkpoint;
use autoencoder_playground::config::{Config, LossKind, ModelKind, SparsityKind};
#[cfg(feature = "lab")]
use autoencoder_playground::error::FileProblem;
use autoencoder_playground::nn::Activation;
use autoencoder_playground::noise::NoiseKind;
use autoencoder_playground::{Dataset, Error, Trainer};
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

/// Training images left for `cfg` on `data()` (the split's 48, fewer with a class excluded).
fn train_len(cfg: &Config) -> usize {
    let train = data().split().unwrap().train;
    match cfg.train.exclude_class {
        Some(c) if c <= 9 => train.without_class(c).len(),
        _ => train.len(),
    }
}

/// Whether `field` of `cfg` is out of its documented range (the doc comments
/// of `ModelConfig` and `TrainConfig`), for `train_len` training images.
fn is_wrong(cfg: &Config, field: &str, train_len: usize) -> bool {
    let (m, t) = (&cfg.model, &cfg.train);
    let outside = |v: f32, lo: f32, hi: f32| !(v.is_finite() && v >= lo && v <= hi);
    let below_one = |v: f32| !(v.is_finite() && (0.0..1.0).contains(&v));
    let vae = m.kind == ModelKind::Vae;
    match field {
        "model.input" => m.input == 0 || m.input > 65_536,
        "model.encoder" => m.encoder.len() > 8 || m.encoder.iter().any(|&w| w == 0 || w > 4096),
        "model.latent" => m.latent == 0 || m.latent > 256,
        "model.output" => !matches!(m.output, Activation::Sigmoid | Activation::Identity),
        "model.dropout" => below_one(m.dropout),
        "model" => {
            // Weights and biases of the encoder and its mirror: 2ab + a + b per pair of widths.
            let widths: Vec<u128> = std::iter::once(m.input)
                .chain(m.encoder.iter().copied())
                .chain([m.latent])
                .map(|w| w as u128)
                .collect();
            widths.windows(2).map(|p| 2 * p[0] * p[1] + p[0] + p[1]).sum::<u128>() > 20_000_000
        }
        "model.kind" => vae && (t.sparsity != SparsityKind::None || t.contractive > 0.0),
        "model.latentActivation" => vae && m.latent_activation != Activation::Identity,
        "train.lr" => !(t.lr.is_finite() && t.lr > 0.0 && t.lr <= 10.0),
        "train.momentum" => below_one(t.momentum),
        "train.beta1" => below_one(t.beta1),
        "train.beta2" => below_one(t.beta2),
        "train.eps" => !(t.eps.is_finite() && t.eps > 0.0 && t.eps <= 1.0),
        "train.weightDecay" => outside(t.weight_decay, 0.0, 1.0),
        "train.l1" => outside(t.l1, 0.0, 1.0),
        "train.batchSize" => t.batch_size == 0 || t.batch_size > train_len,
        "train.patience" => t.patience.is_some_and(|p| p == 0 || p > 1000),
        "train.sparsityWeight" => outside(t.sparsity_weight, 0.0, 10.0),
        "train.sparsityTarget" => !(t.sparsity_target > 0.0 && t.sparsity_target < 1.0),
        "train.contractive" => outside(t.contractive, 0.0, 10.0),
        "train.beta" => outside(t.beta, 0.0, 100.0),
        "train.excludeClass" => t.exclude_class.is_some_and(|c| c > 9),
        "train.seed" => t.seed.is_some_and(|s| s > u32::MAX as u64),
        "train.noiseLevel" => match t.noise {
            NoiseKind::None => false,
            NoiseKind::Gaussian => outside(t.noise_level, 0.0, 2.0),
            _ => outside(t.noise_level, 0.0, 1.0),
        },
        "train.sparsity" => t.sparsity == SparsityKind::Kl && m.latent_activation != Activation::Sigmoid,
        "train.loss" => t.loss == LossKind::Bce && m.output != Activation::Sigmoid,
        _ => false,
    }
}

/// Fails unless `e` is an `InvalidConfig` naming a field of `cfg` that is wrong.
fn assert_names_a_wrong_field(e: &Error, cfg: &Config, train_len: usize) -> Result<(), TestCaseError> {
    let Error::InvalidConfig { field, message } = e else {
        return Err(TestCaseError::fail(format!("expected an InvalidConfig error, got {e:?}")));
    };
    prop_assert!(is_wrong(cfg, field, train_len), "{field} is named but is within its range: {e}\n{cfg:?}");
    prop_assert!(!message.is_empty());
    prop_assert_eq!(e.to_string(), format!("{field}: {message}"));
    Ok(())
}

/// Fails unless a step's error is the divergence guard stopping at that step.
fn assert_diverged(e: &Error, steps_tried: u64) -> Result<(), TestCaseError> {
    match e {
        Error::Diverged { step, loss } => {
            prop_assert!((1..=steps_tried).contains(step), "diverged at step {step}");
            prop_assert!(!loss.is_finite(), "diverged with a finite loss {loss}");
            Ok(())
        }
        other => Err(TestCaseError::fail(format!("a step may only fail by divergence, got {other:?}"))),
    }
}

/// Where things are in `good_file()`: the header's length and each tensor's
/// name and byte range in the data that follows it.
#[cfg(feature = "lab")]
struct Layout {
    header: usize,
    tensors: Vec<(String, usize, usize)>,
}

#[cfg(feature = "lab")]
fn layout() -> &'static Layout {
    static L: OnceLock<Layout> = OnceLock::new();
    L.get_or_init(|| {
        let file = good_file();
        let header = u64::from_le_bytes(file[..8].try_into().unwrap()) as usize;
        let json: serde_json::Value = serde_json::from_slice(&file[8..8 + header]).unwrap();
        let tensors = json
            .as_object()
            .unwrap()
            .iter()
            .filter(|(name, _)| *name != "__metadata__")
            .map(|(name, t)| {
                let at = |i: usize| t["data_offsets"][i].as_u64().unwrap() as usize;
                (name.clone(), at(0), at(1))
            })
            .collect();
        Layout { header, tensors }
    })
}

/// What loading `bytes`, made from `good_file()` by setting byte `i` (if
/// `changed`) and then cutting it to its length, must give, where that can be
/// told from the position alone; `None` where several outcomes are right
/// (a changed byte inside the JSON header may give any `ModelFile` problem).
#[cfg(feature = "lab")]
fn expected_outcome(bytes: &[u8], i: usize, changed: bool) -> Option<std::result::Result<(), FileProblem>> {
    let (good, lay) = (good_file(), layout());
    let data_start = 8 + lay.header;
    let n = bytes.len();
    // A change the cut removed, or no change at all: the file is a prefix of the good one.
    if !changed || i >= n {
        return Some(match n {
            0 => Err(FileProblem::Empty),
            1..=8 => Err(FileProblem::TooShort { bytes: n }),
            _ if n < data_start => Err(FileProblem::Truncated { bytes: n, expected: data_start as u64 }),
            _ if n < good.len() => Err(FileProblem::Truncated { bytes: n, expected: good.len() as u64 }),
            _ => Ok(()),
        });
    }
    if n < good.len() {
        return None;
    }
    if i >= data_start {
        // One weight changed: loaded if it is still finite, else that tensor is named.
        let offset = i - data_start;
        let (name, start, _) = lay.tensors.iter().find(|(_, s, e)| (*s..*e).contains(&offset)).unwrap();
        let slot = data_start + start + (offset - start) / 4 * 4;
        let value = f32::from_le_bytes(bytes[slot..slot + 4].try_into().unwrap());
        return Some(if value.is_finite() {
            Ok(())
        } else {
            Err(FileProblem::NotFinite { name: name.clone(), value })
        });
    }
    if (4..8).contains(&i) {
        // The header length's high bytes are zero in any safetensors file this size.
        return Some(Err(FileProblem::Unrecognised));
    }
    if i < 4 {
        let declared = u64::from_le_bytes(bytes[..8].try_into().unwrap());
        if declared > 100_000_000 {
            return Some(Err(FileProblem::HeaderTooLarge { declared }));
        }
        if declared + 8 > n as u64 {
            return Some(Err(FileProblem::Truncated { bytes: n, expected: declared + 8 }));
        }
    }
    None
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_configs_train_or_say_why(cfg in any_config()) {
        match Trainer::new(cfg.clone(), data()) {
            Ok(mut t) => {
                // Accepted configs train; a step may only fail by divergence.
                if let Err(e) = t.step(2) {
                    assert_diverged(&e, 2)?;
                }
            }
            Err(e) => assert_names_a_wrong_field(&e, &cfg, train_len(&cfg))?,
        }
    }

    #[test]
    fn random_json_never_panics(text in "\\PC{0,200}") {
        if let Ok(cfg) = serde_json::from_str::<Config>(&text) {
            if let Err(e) = cfg.validate(100) {
                assert_names_a_wrong_field(&e, &cfg, 100)?;
            }
        }
    }

    #[test]
    fn json_with_wrong_types_and_keys_never_panics(key in "[a-zA-Z]{1,12}", value in prop_oneof![
        Just("null".to_string()), Just("\"x\"".to_string()), Just("[]".to_string()), Just("1e400".to_string()), Just("-1".to_string())
    ]) {
        let text = format!(r#"{{"model":{{"{key}":{value}}}}}"#);
        if let Ok(cfg) = serde_json::from_str::<Config>(&text) {
            if let Err(e) = cfg.validate(100) {
                assert_names_a_wrong_field(&e, &cfg, 100)?;
            }
        }
    }

    #[cfg(feature = "lab")]
    #[test]
    fn random_bytes_are_refused_as_model_files(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let Err(Error::ModelFile(problem)) = checkpoint::load(&bytes) else {
            return Err(TestCaseError::fail("random bytes must be refused as a model file"));
        };
        match bytes.len() {
            0 => prop_assert_eq!(problem, FileProblem::Empty),
            // Too short for any check but a kind of file's first bytes.
            n @ 1..=8 => prop_assert!(
                problem == FileProblem::TooShort { bytes: n } || matches!(problem, FileProblem::OtherKind(_)),
                "{problem:?}"
            ),
            n => prop_assert!(
                !matches!(problem, FileProblem::Empty | FileProblem::TooShort { .. })
                    && match &problem {
                        FileProblem::Truncated { bytes, .. } => *bytes == n,
                        _ => true,
                    },
                "{problem:?}"
            ),
        }
    }

    #[cfg(feature = "lab")]
    #[test]
    fn mutated_model_files_load_or_say_why(at in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<prop::sample::Index>(), truncate in any::<bool>()) {
        let mut bytes = good_file().clone();
        let i = at.index(bytes.len());
        let changed = bytes[i] != byte;
        bytes[i] = byte;
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        let loaded = Trainer::load(&bytes, data());
        match (expected_outcome(&bytes, i, changed), loaded) {
            (Some(Ok(())) | None, Ok(mut t)) => {
                if let Err(e) = t.step(1) {
                    assert_diverged(&e, t.steps_done() + 1)?;
                }
            }
            (Some(Err(want)), Err(Error::ModelFile(got))) => {
                // NaN != NaN: a non-finite weight is compared by its bits.
                let same = match (&got, &want) {
                    (FileProblem::NotFinite { name: a, value: x }, FileProblem::NotFinite { name: b, value: y }) => {
                        a == b && x.to_bits() == y.to_bits()
                    }
                    _ => got == want,
                };
                prop_assert!(same, "byte {i} set to {byte}: expected {want:?}, got {got:?}");
            }
            (None, Err(Error::ModelFile(problem))) => {
                // A changed header byte: the problem is in the header, not a kind of file or a weight.
                prop_assert!(
                    !matches!(problem, FileProblem::Empty | FileProblem::TooShort { .. } | FileProblem::TooLarge { .. }
                        | FileProblem::OtherKind(_) | FileProblem::NotFinite { .. }),
                    "{problem:?}"
                );
            }
            // A config changed in the file can still be valid, but ask for more than the 48 training digits.
            (None, Err(e @ Error::InvalidConfig { .. })) => {
                prop_assert!(matches!(&e, Error::InvalidConfig { field, .. } if field == "train.batchSize"), "{e:?}");
            }
            (want, got) => {
                let got = got.map(|_| "loaded");
                prop_assert!(false, "byte {i} set to {byte}, {} bytes: expected {want:?}, got {got:?}", bytes.len())
            }
        }
    }
}
