//! Save and load: a round trip keeps every weight and the config; anything that
//! is not exactly a model of this playground is refused with a clear sentence.
#![cfg(feature = "lab")] // save/load, applications and AutoRec are the "lab" feature (on by default)

mod common;

use autoencoder_playground::checkpoint::{self, layout, FORMAT};
use autoencoder_playground::config::{Config, ConvBlock, ImageShape, ModelKind};
use autoencoder_playground::error::{FileKind, FileProblem};
use autoencoder_playground::{Autoencoder, Error, Trainer};
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

/// The problem `bytes` is refused for, and its sentence (which must start with a capital and end with one full stop).
fn refused(bytes: &[u8]) -> (FileProblem, String) {
    let e = checkpoint::load(bytes).err().expect("accepted a bad file");
    let text = e.to_string();
    assert!(text.starts_with(char::is_uppercase) && text.ends_with('.') && !text.ends_with(".."), "{text}");
    match e {
        Error::ModelFile(problem) => (problem, text),
        other => panic!("expected Error::ModelFile, got {other:?}"),
    }
}

/// A safetensors file from its header's JSON and body, as a stranger might write it by hand.
fn raw(header: &str, body: &[u8]) -> Vec<u8> {
    let mut out = (header.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(body);
    out
}

#[test]
fn other_kinds_of_file_are_named() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10".to_vec();
    let cases: Vec<(&[u8], FileKind, &str)> = vec![
        (&png, FileKind::Png, "This is a PNG image, not a model file saved by the playground (.safetensors)."),
        (b"\xFF\xD8\xFF\xE0\0\x10JFIF\0", FileKind::Jpeg, "This is a JPEG image"),
        (b"GIF89a\x01\0\x01\0", FileKind::Gif, "This is a GIF image"),
        (b"RIFF\x24\0\0\0WEBPVP8 ", FileKind::Webp, "This is a WebP image"),
        (b"%PDF-1.7\n%\xE2\xE3", FileKind::Pdf, "This is a PDF document"),
        (b"PK\x03\x04\x14\0\0\0\x08\0", FileKind::Zip, "This is a ZIP archive (as PyTorch's .pt files are)"),
        (b"\x1F\x8B\x08\0\0\0\0\0", FileKind::Gzip, "gzip-compressed file, not a model file saved by the playground"),
        (b"{\n  \"model\": {\"latent\": 8}\n}\n", FileKind::Json, "This is a JSON file, not a model file"),
        (b"\xEF\xBB\xBF [1, 2, 3]", FileKind::Json, "This is a JSON file"),
        (b"<!DOCTYPE html><html><head>", FileKind::Html, "This is a web page (HTML)"),
        (b"version https://git-lfs.github.com/spec/v1\noid sha256:", FileKind::LfsPointer, "Git LFS pointer"),
        (b"step,train_loss,epoch\n1,0.2,\n", FileKind::LossHistory, "loss history the playground exports (CSV)"),
        ("Grüße, an encoder.\n".as_bytes(), FileKind::Text, "This is a text file, not a model file"),
    ];
    for (bytes, kind, words) in cases {
        let (problem, text) = refused(bytes);
        assert_eq!(problem, FileProblem::OtherKind(kind), "{text}");
        assert!(text.contains(words), "{text}");
    }
}

#[test]
fn empty_short_cut_off_and_padded_files_say_so() {
    let (mut t, _) = trained(ModelKind::Autoencoder);
    let good = t.save().unwrap();

    let (problem, text) = refused(&[]);
    assert_eq!(problem, FileProblem::Empty);
    assert!(text.contains("The file is empty (0 bytes)"), "{text}");

    let (problem, text) = refused(&good[..5]);
    assert_eq!(problem, FileProblem::TooShort { bytes: 5 });
    assert!(text.contains("only 5 bytes long"), "{text}");

    // Cut inside the header, and inside the weights: both ended early.
    let n = u64::from_le_bytes(good[..8].try_into().unwrap());
    for cut in [100, good.len() / 2, good.len() - 10] {
        let (problem, text) = refused(&good[..cut]);
        let expected = if cut < 8 + n as usize { 8 + n } else { good.len() as u64 };
        assert_eq!(problem, FileProblem::Truncated { bytes: cut, expected }, "cut at {cut}");
        assert!(text.starts_with("The file ends early: it may have been cut off while downloading"), "{text}");
    }

    let mut padded = good.clone();
    padded.extend_from_slice(&[0; 7]);
    let (problem, text) = refused(&padded);
    assert_eq!(problem, FileProblem::TrailingBytes { extra: 7 });
    assert!(text.contains("7 bytes more than its header declares"), "{text}");

    // A length field far past any header, in a file that otherwise starts like one.
    let mut huge = good.clone();
    huge[..8].copy_from_slice(&200_000_000u64.to_le_bytes());
    let (problem, text) = refused(&huge);
    assert_eq!(problem, FileProblem::HeaderTooLarge { declared: 200_000_000 });
    assert!(text.contains("header claims to be 200,000,000 bytes long"), "{text}");

    // Bytes that start like nothing known.
    let mut junk = good.clone();
    junk[..8].copy_from_slice(&u64::MAX.to_le_bytes());
    let (problem, text) = refused(&junk);
    assert_eq!(problem, FileProblem::Unrecognised);
    assert!(text.contains("its first bytes match no kind of file"), "{text}");

    let (problem, text) = refused(&vec![0u8; checkpoint::MAX_BYTES + 1]);
    assert_eq!(problem, FileProblem::TooLarge { bytes: checkpoint::MAX_BYTES + 1, limit: checkpoint::MAX_BYTES });
    assert!(text.contains("at most 100 MB"), "{text}");
}

#[test]
fn a_damaged_header_says_what_is_wrong_not_the_parser() {
    let detail = |bytes: &[u8]| match refused(bytes) {
        (FileProblem::BadHeader { detail }, text) => {
            assert!(text.starts_with("The file's safetensors header is damaged: "), "{text}");
            detail
        }
        (other, _) => panic!("expected BadHeader, got {other:?}"),
    };
    // What the hostile test met: a float where the offsets must be whole numbers.
    let float = raw(r#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,6.4e19]}}"#, &[0; 4]);
    let d = detail(&float);
    assert!(d.contains("a tensor's dtype, shape or data offsets are not valid (line 1, column"), "{d}");
    assert!(!d.contains("expected usize"), "no parser words: {d}");
    assert!(detail(&raw(r#"{"w":{"dtype":"F32","#, &[])).contains("its JSON stops in the middle"));
    assert!(detail(&raw(r#"{"w" 1}"#, &[])).contains("not valid JSON (line 1, column"));
    assert!(detail(&raw("{\"\u{FFFD}\"}", &[])).len() > 10);
    let mut latin1 = raw(r#"{"w":"x"}"#, &[]);
    latin1[13] = 0xE9;
    assert!(detail(&latin1).contains("not text (UTF-8)"));
    let short = raw(r#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, &[0; 4]);
    assert!(detail(&short).contains("shape does not match the size of its data"));
    let gap = raw(r#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, &[0; 8]);
    assert!(detail(&gap).contains("data offsets of tensor \"w\""));
}

/// The tensors of `t`'s saved model, by name, as `craft` takes them.
fn tensors_of(bytes: &[u8], names: &[String]) -> Vec<(String, Vec<usize>, Dtype, Vec<u8>)> {
    let file = safetensors::SafeTensors::deserialize(bytes).unwrap();
    names
        .iter()
        .map(|n| {
            let v = file.tensor(n).unwrap();
            (n.clone(), v.shape().to_vec(), v.dtype(), v.data().to_vec())
        })
        .collect()
}

#[test]
fn safetensors_files_from_elsewhere_are_told_apart() {
    // What PyTorch's safetensors.torch.save_file writes for an nn.Linear stack: its own names, [out, in] shapes.
    let pytorch = [
        ("fc1.weight", vec![24, 784], Dtype::F32, vec![0; 24 * 784 * 4]),
        ("fc1.bias", vec![24], Dtype::F32, vec![0; 24 * 4]),
    ];
    let (problem, text) = refused(&craft(&pytorch, &[]));
    assert_eq!(problem, FileProblem::Foreign { first_tensor: Some("fc1.bias".into()) });
    assert!(text.contains("was not saved by the playground: its metadata has no \"format\""), "{text}");
    assert!(text.contains("\"fc1.bias\", is not named as the playground names its weights"), "{text}");
    // Hugging Face's save_pretrained tags its files "pt".
    let (problem, text) = refused(&craft(&pytorch, &[("format", "pt".into())]));
    assert_eq!(problem, FileProblem::OtherFormat { found: "pt".into(), expected: FORMAT });
    assert!(text.contains("gives the format \"pt\" (PyTorch's)"), "{text}");
    let (_, text) = refused(&craft(&[], &[("format", "autoencoder-playground/2".into())]));
    assert!(text.contains("saved by another version of the playground"), "{text}");
    let (problem, text) = refused(&raw("{}", &[]));
    assert_eq!(problem, FileProblem::Foreign { first_tensor: None });
    assert!(text.contains("holds no tensors"), "{text}");
}

#[test]
fn a_playground_file_that_was_edited_names_the_entry_or_tensor() {
    let (mut t, d) = trained(ModelKind::Autoencoder);
    let good = t.save().unwrap();
    let names: Vec<String> = layout(&t.config().model).into_iter().map(|(n, _)| n).collect();
    let owned = tensors_of(&good, &names);
    let tensors: Vec<(&str, Vec<usize>, Dtype, Vec<u8>)> =
        owned.iter().map(|(n, s, dt, b)| (n.as_str(), s.clone(), *dt, b.clone())).collect();
    let cfg_json = serde_json::to_string(t.config()).unwrap();
    let meta =
        |config: &str| vec![("format", FORMAT.to_string()), ("config", config.to_string()), ("summary", "{}".into())];
    assert!(Trainer::load(&craft(&tensors, &meta(&cfg_json)), &d).is_ok(), "the crafted copy of a good file loads");

    let (problem, text) = refused(&craft(&tensors, &[("format", FORMAT.to_string())]));
    assert_eq!(problem, FileProblem::BadMetadata { key: "config", detail: None });
    assert!(text.contains("metadata lacks \"config\""), "{text}");
    let (problem, text) = refused(&craft(&tensors, &meta("{")));
    assert!(matches!(problem, FileProblem::BadMetadata { key: "config", detail: Some(_) }), "{problem:?}");
    assert!(text.contains("\"config\" entry cannot be read (its JSON stops in the middle)"), "{text}");
    let (_, text) = refused(&craft(&tensors, &meta(r#"{"model":{"latent":"eight"}}"#)));
    assert!(text.contains("cannot be read (invalid type: string \"eight\", expected usize)"), "{text}");
    let (problem, text) = refused(&craft(&tensors, &meta(r#"{"model":{"latent":0}}"#)));
    assert!(
        matches!(&problem, FileProblem::Refused(e) if matches!(&**e, Error::InvalidConfig { field, .. } if field == "model.latent")),
        "{problem:?}"
    );
    assert!(text.contains("settings the playground cannot train (model.latent: must be between 1 and 256"), "{text}");

    let mut missing = tensors.clone();
    missing.remove(3);
    let (problem, text) = refused(&craft(&missing, &meta(&cfg_json)));
    assert_eq!(problem, FileProblem::MissingTensor { name: names[3].clone() });
    assert!(text.contains(&format!("lacks the tensor \"{}\"", names[3])), "{text}");
    let mut extra = tensors.clone();
    extra.push(("backdoor", vec![1], Dtype::F32, vec![0; 4]));
    let (problem, text) = refused(&craft(&extra, &meta(&cfg_json)));
    assert_eq!(problem, FileProblem::ExtraTensor { name: "backdoor".into() });
    assert!(text.contains("tensor \"backdoor\" that its settings do not call for"), "{text}");
    let mut reshaped = tensors.clone();
    reshaped[0].1 = vec![24, 784];
    let (problem, text) = refused(&craft(&reshaped, &meta(&cfg_json)));
    assert!(matches!(problem, FileProblem::TensorShape { .. }));
    assert!(text.contains("\"encoder.0.weight\" has shape [24, 784], but the model's settings need [784, 24]"));
    assert!(text.contains("PyTorch stores a Linear layer's weight transposed"), "{text}");
    let mut wrong_type = tensors.clone();
    wrong_type[1] = (wrong_type[1].0, vec![24], Dtype::I32, wrong_type[1].3.clone());
    let (problem, text) = refused(&craft(&wrong_type, &meta(&cfg_json)));
    assert_eq!(problem, FileProblem::TensorType { name: names[1].clone(), dtype: "I32".into() });
    assert!(text.contains("holds I32 numbers; the playground's weights are F32"), "{text}");
    let mut nan = tensors.clone();
    nan[1].3[..4].copy_from_slice(&f32::NAN.to_le_bytes());
    let (problem, text) = refused(&craft(&nan, &meta(&cfg_json)));
    assert!(matches!(problem, FileProblem::NotFinite { .. }));
    assert!(text.contains("every weight must be a finite number"), "{text}");
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

fn conv_trained(kind: ModelKind, image: Option<ImageShape>) -> (Trainer, autoencoder_playground::Dataset) {
    let mut cfg = Config::default();
    cfg.model.kind = kind;
    cfg.model.encoder = vec![];
    cfg.model.conv = vec![
        ConvBlock { channels: 6, kernel: 3, stride: 2 },
        ConvBlock { channels: 4, kernel: 5, stride: 2 },
        ConvBlock { channels: 3, kernel: 3, stride: 1 },
    ];
    cfg.model.latent = 5;
    cfg.model.image = image;
    cfg.model.input = image.map_or(784, |i| i.len());
    cfg.train.batch_size = 20;
    let d = common::synthetic(300, cfg.model.input);
    let mut t = Trainer::new(cfg, &d).unwrap();
    t.step(15).unwrap();
    (t, d)
}

#[test]
fn conv_models_save_in_pytorchs_shapes_and_load_back() {
    for kind in [ModelKind::Autoencoder, ModelKind::Vae] {
        let (mut t, d) = conv_trained(kind, None);
        let l = layout(&t.config().model);
        let shape = |name: &str| l.iter().find(|(n, _)| n == name).unwrap().1.clone();
        assert_eq!(shape("encoder.0.weight"), [6, 1, 3, 3], "Conv2d: [out, in, kH, kW]");
        assert_eq!(shape("encoder.1.weight"), [4, 6, 5, 5]);
        assert_eq!(shape("decoder.1.weight"), [3, 4, 3, 3], "ConvTranspose2d: [in, out, kH, kW]");
        assert_eq!(shape("decoder.3.weight"), [6, 1, 3, 3]);
        assert_eq!(shape("decoder.3.bias"), [1]);
        let mut sizes = Vec::new();
        t.model_mut().params_and_grads(&mut |p| sizes.push(p.value.len()));
        assert_eq!(sizes, l.iter().map(|(_, s)| s.iter().product::<usize>()).collect::<Vec<_>>());
        let bytes = t.save().unwrap();
        let mut back = Trainer::load(&bytes, &d).unwrap();
        assert_eq!(back.config(), t.config());
        let x = d.split().unwrap().validation.to_matrix(5);
        assert_eq!(back.model_mut().reconstruct(x.view()).unwrap(), t.model_mut().reconstruct(x.view()).unwrap());
    }
}

/// numpy's forward pass of a saved conv model (tests/python/conv_forward.py,
/// written from PyTorch's definitions) gives the engine's reconstructions to 1e-5.
#[test]
fn numpy_forward_of_a_saved_conv_model_matches_the_engine() {
    let cases = [
        (ModelKind::Autoencoder, None),
        (ModelKind::Vae, None),
        (ModelKind::Autoencoder, Some(ImageShape { channels: 3, height: 13, width: 10 })),
    ];
    for (i, (kind, image)) in cases.into_iter().enumerate() {
        let (mut t, d) = conv_trained(kind, image);
        let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let file = |name: &str| dir.join(format!("conv-{i}-{name}"));
        std::fs::write(file("model.safetensors"), t.save().unwrap()).unwrap();
        let x = d.split().unwrap().validation.to_matrix(6);
        let y = t.model_mut().reconstruct(x.view()).unwrap();
        let f32s = |a: &ndarray::Array2<f32>| a.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>();
        std::fs::write(file("x.f32"), f32s(&x)).unwrap();
        std::fs::write(file("y.f32"), f32s(&y)).unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/conv_forward.py");
        let paths = [file("model.safetensors"), file("x.f32"), file("y.f32")];
        let out = std::process::Command::new("python3")
            .arg(script)
            .args(paths.iter().map(|p| p.to_str().unwrap()))
            .output()
            .expect("python3 is needed for this test (npm test checks for it)");
        assert!(
            out.status.success(),
            "{kind:?} {image:?}: numpy's forward pass differs or failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
