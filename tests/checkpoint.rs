//! Save and load: a round trip keeps every weight and the config; anything that
//! is not exactly a model of this playground is refused with a clear sentence.
#![cfg(feature = "lab")] // save/load, applications and AutoRec are the "lab" feature (on by default)

mod common;

use autoencoder_playground::checkpoint::{self, layout, FORMAT};
use autoencoder_playground::config::{Config, ModelKind};
use autoencoder_playground::{Autoencoder, Trainer};
use safetensors::tensor::{Dtype, TensorView};

fn trained(kind: ModelKind) -> (Trainer, autoencoder_playground::Dataset) {
    let d = common::synthetic(300, 784);
    let mut cfg = Config::default();
    cfg.model.kind = kind;
    cfg.model.encoder = vec![24, 12];
    cfg.model.latent = 3;
    cfg.train.batch_size = 20;
    cfg.train.seed = Some(9);
    let mut t = Trainer::new(cfg, &d).unwrap();
    t.step(15).unwrap();
    (t, d)
}

#[test]
fn layout_matches_the_parameters_in_order() {
    for kind in [ModelKind::Autoencoder, ModelKind::Vae] {
        for encoder in [vec![], vec![16], vec![32, 8]] {
            let mut cfg = Config::default().model;
            cfg.kind = kind;
            cfg.encoder = encoder;
            let mut ae = Autoencoder::new(&cfg, 1).unwrap();
            let mut sizes = Vec::new();
            ae.params_and_grads(&mut |p| sizes.push(p.value.len()));
            let l = layout(&cfg);
            assert_eq!(sizes, l.iter().map(|(_, s)| s.iter().product::<usize>()).collect::<Vec<_>>(), "{kind:?}");
            assert!(l[0].0 == "encoder.0.weight" || l[0].0.starts_with("code"));
        }
    }
}

#[test]
fn round_trip_keeps_weights_config_and_progress() {
    for kind in [ModelKind::Autoencoder, ModelKind::Vae] {
        let (mut t, d) = trained(kind);
        let bytes = t.save().unwrap();
        let mut back = Trainer::load(&bytes, &d).unwrap();
        assert_eq!(back.config(), t.config());
        assert_eq!(back.steps_done(), 15);
        assert_eq!(back.model_mut().export_params(), t.model_mut().export_params());
        let x = d.split().unwrap().validation.to_matrix(5);
        assert_eq!(back.model_mut().reconstruct(x.view()).unwrap(), t.model_mut().reconstruct(x.view()).unwrap());
        // The loaded trainer keeps training.
        assert_eq!(back.step(2).unwrap().step, 17);
    }
}

#[test]
fn the_file_is_plain_safetensors_with_json_metadata() {
    let (mut t, _) = trained(ModelKind::Autoencoder);
    let bytes = t.save().unwrap();
    let file = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let w = file.tensor("encoder.0.weight").unwrap();
    assert_eq!((w.dtype(), w.shape()), (Dtype::F32, &[784usize, 24][..]));
    assert_eq!(file.tensor("decoder.2.bias").unwrap().shape(), &[784]);
    let (_, meta) = safetensors::SafeTensors::read_metadata(&bytes).unwrap();
    let m = meta.metadata().as_ref().unwrap();
    assert_eq!(m["format"], FORMAT);
    let cfg: Config = serde_json::from_str(&m["config"]).unwrap();
    assert_eq!(&cfg, t.config());
    let summary: serde_json::Value = serde_json::from_str(&m["summary"]).unwrap();
    assert_eq!(summary["step"], 15);
    assert!(summary["valMse"].as_f64().unwrap() > 0.0);
}

/// A file with the given tensors and metadata, as a stranger might craft it.
fn craft(tensors: &[(&str, Vec<usize>, Dtype, Vec<u8>)], meta: &[(&str, String)]) -> Vec<u8> {
    let views: Vec<_> = tensors.iter().map(|(n, s, dt, b)| (*n, TensorView::new(*dt, s.clone(), b).unwrap())).collect();
    let meta = meta.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    safetensors::serialize(views, Some(meta)).unwrap()
}

#[test]
fn hostile_or_foreign_files_are_refused_with_the_reason() {
    let (mut t, d) = trained(ModelKind::Autoencoder);
    let good = t.save().unwrap();
    let err = |bytes: &[u8]| Trainer::load(bytes, &d).err().expect("accepted a bad file").to_string();

    assert!(err(b"hello").contains("not a valid safetensors file"));
    assert!(err(&[]).contains("not a valid safetensors file"));
    assert!(err(&good[..good.len() - 10]).contains("not a valid safetensors file"), "truncated");
    let mut huge_header = good.clone();
    huge_header[..8].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(err(&huge_header).contains("not a valid safetensors file"));

    let cfg_json = serde_json::to_string(t.config()).unwrap();
    let meta = |format: &str| {
        vec![("format", format.to_string()), ("config", cfg_json.clone()), ("summary", "{}".to_string())]
    };
    let (_, file_meta) = safetensors::SafeTensors::read_metadata(&good).unwrap();
    let file = safetensors::SafeTensors::deserialize(&good).unwrap();
    let mut tensors: Vec<(&str, Vec<usize>, Dtype, Vec<u8>)> = Vec::new();
    let names: Vec<String> = layout(&t.config().model).into_iter().map(|(n, _)| n).collect();
    for n in &names {
        let v = file.tensor(n).unwrap();
        tensors.push((n.as_str(), v.shape().to_vec(), v.dtype(), v.data().to_vec()));
    }
    assert!(file_meta.metadata().is_some());
    assert!(Trainer::load(&craft(&tensors, &meta(FORMAT)), &d).is_ok(), "the crafted copy of a good file loads");

    assert!(err(&craft(&tensors, &[])).contains("lacks \"format\""));
    assert!(err(&craft(&tensors, &meta("pytorch"))).contains("format is \"pytorch\""));
    let bad_cfg = vec![
        ("format", FORMAT.to_string()),
        ("config", r#"{"model":{"latent":0}}"#.to_string()),
        ("summary", "{}".into()),
    ];
    assert!(err(&craft(&tensors, &bad_cfg)).contains("model.latent: must be between 1 and 256"));
    let not_json = vec![("format", FORMAT.to_string()), ("config", "{".to_string()), ("summary", "{}".into())];
    assert!(err(&craft(&tensors, &not_json)).contains("the file's config is not valid"));

    let mut missing = tensors.clone();
    missing.remove(3);
    assert!(err(&craft(&missing, &meta(FORMAT))).contains(&format!("lacks the tensor \"{}\"", names[3])));
    let mut extra = tensors.clone();
    extra.push(("backdoor", vec![1], Dtype::F32, vec![0; 4]));
    assert!(err(&craft(&extra, &meta(FORMAT))).contains("tensor \"backdoor\" that this model does not have"));
    let mut reshaped = tensors.clone();
    reshaped[0].1 = vec![24, 784];
    assert!(err(&craft(&reshaped, &meta(FORMAT)))
        .contains("tensor \"encoder.0.weight\" has shape [24, 784]; the config needs [784, 24]"));
    let mut wrong_type = tensors.clone();
    wrong_type[1] = (wrong_type[1].0, vec![24], Dtype::I32, wrong_type[1].3.clone());
    assert!(err(&craft(&wrong_type, &meta(FORMAT))).contains("weights must be F32"));
    let mut nan = tensors.clone();
    nan[1].3[..4].copy_from_slice(&f32::NAN.to_le_bytes());
    assert!(err(&craft(&nan, &meta(FORMAT))).contains("every weight must be a finite number"));
    assert!(checkpoint::load(&vec![0u8; checkpoint::MAX_BYTES + 1]).is_err());
}

/// Python's `safetensors` (the reference reader) opens the file: `npm test`
/// installs it with pip when it is missing.
#[test]
fn python_safetensors_reads_the_file() {
    let (mut t, _) = trained(ModelKind::Autoencoder);
    let bytes = t.save().unwrap();
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join("checkpoint-for-python.safetensors");
    std::fs::write(&path, &bytes).unwrap();
    let w = &t.model_mut().export_params()[..784 * 24];
    let expected = serde_json::json!({
        "latent": 3,
        "names": layout(&t.config().model).into_iter().map(|(n, _)| n).collect::<Vec<_>>(),
        "shape": [784, 24],
        "sum": w.iter().map(|&v| v as f64).sum::<f64>(),
    });
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/read_checkpoint.py");
    let out = std::process::Command::new("python3")
        .args([script, path.to_str().unwrap(), &expected.to_string()])
        .output()
        .expect("python3 is needed for this test (npm test checks for it)");
    assert!(
        out.status.success(),
        "Python could not read the file (is `safetensors` installed? `python3 -m pip install safetensors numpy`):\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
