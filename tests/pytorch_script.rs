//! "Show code" against the engine. For lessons' settings and variants, the
//! PyTorch script the page generates (www/state/pytorch-script.js, run with
//! node) declares exactly the tensors of a file the playground saves for the
//! same config, with the same config in its metadata; and a model file written
//! in that layout by numpy, or by the script's own load_model/save_model, loads
//! here and reconstructs as numpy's forward pass does, to 1e-5, with the same
//! objective as the engine's. Convolutional configs (model.conv) too: there the
//! script's nn.Conv2d/nn.ConvTranspose2d calls (kernel, stride, padding,
//! output_padding) are checked against the config, and its forward pass runs
//! PyTorch's definitions of both. The Python side is tests/python/check_pytorch_script.py:
//! numpy and safetensors only, the script running on a stand-in for torch.
#![cfg(feature = "lab")] // save/load are the "lab" feature (on by default)

mod common;

use std::path::Path;
use std::process::Command;

use autoencoder_playground::checkpoint::layout;
use autoencoder_playground::config::{Config, ModelKind};
use autoencoder_playground::nn::loss;
use autoencoder_playground::{Dataset, Trainer};
use ndarray::Array2;
use serde_json::{json, Value};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// Validation digits the reconstructions and the objective are compared on.
const DIGITS: usize = 8;

/// The page's config for each case (a lesson's defaults, `state` changed as the
/// settings form would, then `model`/`train` keys the form has no field for),
/// with the script and tensor list the page generates for it.
const GENERATE: &str = r#"
const { LESSONS } = await import('./www/lessons/index.js');
const { defaultState, trainerConfigs } = await import('./www/state/url-state.js');
const { pytorchScript, stateDictLayout } = await import('./www/state/pytorch-script.js');
const out = [];
for (const { lesson, state = {}, model = {}, train = {} } of JSON.parse(process.argv[1])) {
  const mod = (await LESSONS.find((l) => l.id === lesson).load()).default;
  const config = trainerConfigs({ ...defaultState(mod), ...state }, mod).main;
  Object.assign(config.model, model);
  Object.assign(config.train, train);
  out.push({ config, script: pytorchScript(config, { lesson, title: mod.title }), layout: stateDictLayout(config) });
}
process.stdout.write(JSON.stringify(out));
"#;

fn generate(cases: &Value) -> Vec<Value> {
    let out = Command::new("node")
        .current_dir(ROOT)
        .args(["--input-type=module", "-e", GENERATE, &cases.to_string()])
        .output()
        .expect("node is needed for this test (npm test checks for it)");
    assert!(out.status.success(), "node could not generate the scripts:\n{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("node printed JSON")
}

fn write_f32(path: &Path, values: &[f32]) {
    std::fs::write(path, values.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>()).unwrap();
}

fn read_f32(path: &Path) -> Vec<f32> {
    std::fs::read(path).unwrap().chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

fn max_gap(a: &Array2<f32>, b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

/// Runs the whole comparison for one generated case, in `dir`.
fn check(case: &Value, digits: &Dataset, dir: &Path) {
    let label = dir.file_name().unwrap().to_string_lossy().to_string();
    let config: Config = serde_json::from_value(case["config"].clone()).expect("the page's config is the engine's");
    let listed: Vec<(String, Vec<usize>)> = serde_json::from_value(Value::Array(
        case["layout"].as_array().unwrap().iter().map(|t| json!([t["name"], t["fileShape"]])).collect(),
    ))
    .unwrap();
    assert_eq!(listed, layout(&config.model), "{label}: stateDictLayout lists the engine's tensors");

    std::fs::create_dir_all(dir).unwrap();
    let script = dir.join("script.py");
    std::fs::write(&script, case["script"].as_str().unwrap()).unwrap();
    let mut fresh = Trainer::new(config.clone(), digits).unwrap_or_else(|e| panic!("{label}: {e}"));
    let saved = dir.join("saved.safetensors");
    std::fs::write(&saved, fresh.save().unwrap()).unwrap();
    let x = fresh.data().validation.to_matrix(DIGITS);
    let inputs = dir.join("inputs.f32");
    write_f32(&inputs, x.as_slice().unwrap());
    let latent = config.model.latent;
    let eps = Array2::from_shape_fn((DIGITS, latent), |(i, j)| ((i * latent + j) as f32 * 0.7).sin());
    let eps_file = dir.join("eps.f32");
    write_f32(&eps_file, eps.as_slice().unwrap());

    let checker = Path::new(ROOT).join("tests/python/check_pytorch_script.py");
    let out = Command::new("python3")
        .arg(&checker)
        .args([&script, &saved, &inputs, &eps_file, &dir.to_path_buf()])
        .output()
        .expect("python3 is needed for this test (npm test checks for it)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let hint = if stderr.contains("ModuleNotFoundError") {
        " (the check needs numpy and safetensors: `python3 -m pip install safetensors numpy`)"
    } else {
        ""
    };
    assert!(
        out.status.success(),
        "{label}: the script does not match the engine{hint}:\n{}{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );

    let recon = read_f32(&dir.join("recon.f32"));
    for file in ["numpy.safetensors", "script.safetensors"] {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let mut t = Trainer::load(&bytes, digits).unwrap_or_else(|e| panic!("{label}: the engine refused {file}: {e}"));
        assert_eq!(t.config(), fresh.config(), "{label}: {file} carries the config");
        let y = t.model_mut().reconstruct(x.view()).unwrap();
        let gap = max_gap(&y, &recon);
        assert!(gap <= 1e-5, "{label}: the engine's reconstructions from {file} differ from numpy's by {gap}");
    }

    let objective: Value = serde_json::from_slice(&std::fs::read(dir.join("objective.json")).unwrap()).unwrap();
    // The script's evaluate() reports the validation loss and MSE as the engine does.
    let bytes = std::fs::read(dir.join("numpy.safetensors")).unwrap();
    let mut t = Trainer::load(&bytes, digits).unwrap();
    let (terms, mse) = t.model_mut().evaluate_terms(x.view(), x.view(), &config.train).unwrap();
    let y = t.model_mut().reconstruct(x.view()).unwrap();
    assert_eq!(
        mse.to_bits(),
        loss::mse(y.view(), x.view()).to_bits(),
        "{label}: the evaluation's MSE is its reconstructions'"
    );
    let ours = [terms.total as f64, mse as f64];
    let theirs: [f64; 2] = serde_json::from_value(objective["evaluate"].clone()).expect("evaluate's two numbers");
    for (what, ours, theirs) in [("loss", ours[0], theirs[0]), ("MSE", ours[1], theirs[1])] {
        assert!(
            (ours - theirs).abs() <= 1e-5 * ours.abs().max(1.0),
            "{label}: the script's validation {what} is {theirs}, the engine's {ours}"
        );
    }
    if let Some(theirs) = objective["total"].as_f64() {
        // The same trainer: evaluating left its weights as loaded.
        if config.model.kind == ModelKind::Vae {
            assert!(t.model_mut().fix_vae_noise(eps));
        }
        let ours = t.model_mut().forward_backward(x.view(), x.view(), &config.train).total as f64;
        assert!(
            (ours - theirs).abs() <= 1e-5 * ours.abs().max(1.0),
            "{label}: the script's objective is {theirs}, the engine's {ours}"
        );
    } else {
        assert!(config.model.dropout > 0.0, "{label}: the objective is compared unless dropout makes it random");
    }
}

fn run(cases: Value, group: &str) {
    let digits = common::digits();
    let generated = generate(&cases);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pytorch-script").join(group);
    for (i, case) in generated.iter().enumerate() {
        let lesson = cases[i]["lesson"].as_str().unwrap();
        check(case, &digits, &dir.join(format!("{i}-{lesson}")));
    }
}

#[test]
fn every_lessons_default_script_matches_the_engine() {
    let lessons = [
        "reconstruct",
        "denoise",
        "sparse",
        "contractive",
        "latent",
        "generate",
        "compare-pca",
        "quality",
        "filters",
        "anomalies",
        "features",
        "impute",
        "recommend",
    ];
    run(Value::Array(lessons.iter().map(|l| json!({ "lesson": l })).collect()), "lessons");
}

#[test]
fn variant_scripts_match_the_engine() {
    let cases = json!([
        // Penalties made large enough to weigh in the objective.
        { "lesson": "sparse", "state": { "weight": 0.1 } },
        { "lesson": "sparse", "state": { "kind": "kl", "weight": 0.1, "target": 0.1 } },
        { "lesson": "contractive", "state": { "lambda": 0.1 } },
        { "lesson": "generate", "state": { "beta": 4, "loss": "mse" } },
        { "lesson": "denoise", "state": { "noise": "block", "level": 0.5 } },
        { "lesson": "impute", "state": { "noise": "masking" } },
        { "lesson": "filters", "state": { "decay": 0.001 } },
        { "lesson": "reconstruct", "state": { "act": "sigmoid", "loss": "bce", "encoder": [64, 32, 16] },
          "train": { "patience": 3 } },
        { "lesson": "reconstruct", "state": { "act": "leaky_relu", "opt": "sgd", "encoder": [128] },
          "model": { "latentActivation": "tanh" }, "train": { "contractive": 0.05 } },
        { "lesson": "reconstruct", "state": { "act": "identity", "opt": "momentum", "lr": 0.01 },
          "model": { "latentActivation": "relu", "init": "xavier" }, "train": { "sparsity": "l1", "sparsityWeight": 0.05 } },
        { "lesson": "recommend", "state": { "act": "tanh", "opt": "momentum" },
          "model": { "output": "identity", "dropout": 0.1, "init": "he" }, "train": { "l1": 0.001 } },
        { "lesson": "generate", "state": { "encoder": [], "latent": 3 }, "model": { "dropout": 0.2 } },
    ]);
    run(cases, "variants");
}

#[test]
fn conv_scripts_match_the_engine() {
    let cases = json!([
        // The default blocks (3×3, stride 2): 1×28×28 → 16×14×14 → 32×7×7, output_padding 1 back up;
        // He init, with the engine's fans for the 32→16 transposed kernel (4608 weights, spread checked).
        { "lesson": "reconstruct", "model": { "encoder": [], "conv": [
            { "channels": 16, "kernel": 3, "stride": 2 }, { "channels": 32, "kernel": 3, "stride": 2 }] } },
        // A VAE with 5×5 kernels (⌈5/2⌉² = 9 against PyTorch's 25 in the transposed fan-in) and β.
        { "lesson": "generate", "state": { "beta": 4 }, "model": { "encoder": [], "conv": [
            { "channels": 8, "kernel": 5, "stride": 2 }, { "channels": 16, "kernel": 5, "stride": 2 }] } },
        { "lesson": "sparse", "state": { "kind": "kl", "weight": 0.1, "target": 0.1 },
          "model": { "encoder": [], "conv": [{ "channels": 8, "kernel": 3, "stride": 2 }] } },
        // Xavier (tanh) on a 32→16 5×5 transposed kernel; the contractive penalty on the dense code.
        { "lesson": "contractive", "state": { "lambda": 0.1, "act": "tanh" }, "model": { "encoder": [], "conv": [
            { "channels": 16, "kernel": 3, "stride": 2 }, { "channels": 32, "kernel": 5, "stride": 2 }] } },
        // Stride 1 keeps the size (output_padding 0); block noise, L1 sparsity on a ReLU code.
        { "lesson": "denoise", "state": { "noise": "block", "level": 0.5 }, "model": { "encoder": [], "conv": [
            { "channels": 8, "kernel": 3, "stride": 1 }, { "channels": 8, "kernel": 3, "stride": 2 }],
            "latentActivation": "relu" }, "train": { "sparsity": "l1", "sparsityWeight": 0.05 } },
        // A 4-channel 7×28 image: rows and columns need different output_padding, (0, 1) and then
        // (1, 2) for an even kernel at stride 3; BCE, momentum, Xavier, L1 and L2 on the weights.
        { "lesson": "reconstruct", "state": { "act": "sigmoid", "loss": "bce", "opt": "momentum" },
          "model": { "encoder": [], "conv": [
            { "channels": 8, "kernel": 3, "stride": 2 }, { "channels": 16, "kernel": 2, "stride": 3 }],
            "image": { "channels": 4, "height": 7, "width": 28 }, "init": "xavier" },
          "train": { "l1": 0.001, "weightDecay": 0.001 } },
        // One block, dropout, He everywhere, a linear output.
        { "lesson": "reconstruct", "state": { "act": "leaky_relu" }, "model": { "encoder": [],
            "conv": [{ "channels": 4, "kernel": 3, "stride": 2 }], "dropout": 0.2, "init": "he", "output": "identity" } },
    ]);
    run(cases, "conv");
}
