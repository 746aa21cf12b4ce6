//! The exported wasm API in real browsers (headless Chrome and Firefox, via
//! wasm-bindgen-test-runner): construction, training, shapes and errors as JS sees them.
//! Tests of lab-only methods are compiled only with the "lab" feature (on by
//! default), so `--no-default-features` tests the page's small build.
#![cfg(target_arch = "wasm32")]

#[cfg(feature = "lab")]
use autoencoder_playground::api::Recommender;
#[cfg(feature = "lab")]
use autoencoder_playground::api::Roofline;
use autoencoder_playground::api::{default_config, Trainer};
#[cfg(feature = "lab")]
use autoencoder_playground::api::{generate_data, read_table};
use js_sys::{Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

#[cfg(feature = "lab")]
#[path = "common/conv_reference.rs"]
mod conv_reference;

wasm_bindgen_test_configure!(run_in_browser);

/// 300 smooth synthetic 28×28 "digits", ten patterns with variations.
fn data() -> (Vec<u8>, Vec<u8>) {
    let n = 300;
    let mut pixels = Vec::with_capacity(n * 784);
    let mut labels = Vec::with_capacity(n);
    for i in 0..n {
        let label = (i % 10) as u8;
        labels.push(label);
        for p in 0..784 {
            let v = ((p as f32 * 0.05 * (1.0 + label as f32) + (i / 10) as f32 * 0.2).sin() * 0.5 + 0.5) * 255.0;
            pixels.push(v as u8);
        }
    }
    (pixels, labels)
}

fn config(json: &str) -> JsValue {
    JSON::parse(json).unwrap()
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap()
}

/// The message of the JS Error a failed call throws.
fn message(e: wasm_bindgen::JsError) -> String {
    let v: JsValue = e.into();
    let err: js_sys::Error = v.dyn_into().expect("a JS Error object");
    String::from(err.message())
}

#[wasm_bindgen_test]
fn default_config_is_a_plain_object() {
    let c = default_config().unwrap();
    let model = get(&c, "model");
    assert_eq!(get(&model, "latent").as_f64(), Some(32.0));
    assert_eq!(get(&get(&c, "train"), "loss").as_string().as_deref(), Some("mse"));
}

#[wasm_bindgen_test]
fn construct_step_and_the_loss_falls() {
    let (px, lb) = data();
    let mut t =
        Trainer::new(config(r#"{"model":{"encoder":[64],"latent":8},"train":{"batchSize":32,"lr":0.003}}"#), &px, &lb)
            .unwrap();
    let first = get(&t.evaluate().unwrap(), "valLoss").as_f64().unwrap();
    let s = t.step(200).unwrap();
    assert_eq!(get(&s, "step").as_f64(), Some(200.0));
    assert!(get(&s, "samplesPerSec").as_f64().unwrap() > 0.0, "the clock works in the browser");
    let last = get(&t.evaluate().unwrap(), "valLoss").as_f64().unwrap();
    assert!(last < 0.6 * first, "validation loss {first} -> {last}");
    let losses = js_sys::Array::from(&get(&t.history().unwrap(), "losses"));
    assert_eq!(losses.length(), 200);
    assert_eq!(losses.get(199).as_f64(), get(&s, "batchLoss").as_f64(), "the step's loss is the curve's last point");
}

#[wasm_bindgen_test]
fn reconstruct_encode_decode_shapes() {
    let (px, lb) = data();
    let mut t =
        Trainer::new(config(r#"{"model":{"encoder":[32],"latent":5},"train":{"batchSize":16}}"#), &px, &lb).unwrap();
    let imgs = t.validation_images(3);
    assert_eq!(imgs.len(), 3 * 784);
    assert_eq!(t.validation_labels(3).len(), 3);
    let rec = t.reconstruct(&imgs).unwrap();
    assert_eq!(rec.len(), 3 * 784);
    let mut twin =
        Trainer::new(config(r#"{"model":{"encoder":[32],"latent":5},"train":{"batchSize":16}}"#), &px, &lb).unwrap();
    assert_eq!(twin.reconstruct(&imgs).unwrap(), rec, "the same seed gives the same weights, bit for bit");
    let z = t.encode(&imgs).unwrap();
    assert_eq!(z.len(), 3 * 5);
    assert_eq!(t.latent_size(), 5);
    assert_eq!(t.decode(&z).unwrap(), rec, "decode(encode(x)) is reconstruct(x)");
    let cfg = t.config().unwrap();
    assert_eq!(get(&get(&cfg, "train"), "seed").as_f64(), Some(1.0));
}

/// What the worker uses to keep a lab-build copy of a run: parameters, progress, restore.
#[wasm_bindgen_test]
fn parameters_progress_and_restore() {
    let (px, lb) = data();
    let cfg = r#"{"model":{"encoder":[16],"latent":3},"train":{"batchSize":16,"seed":5}}"#;
    let mut a = Trainer::new(config(cfg), &px, &lb).unwrap();
    let mut b = Trainer::new(config(cfg), &px, &lb).unwrap();
    a.step(30).unwrap();
    let imgs = a.validation_images(2);
    assert_ne!(a.reconstruct(&imgs).unwrap(), b.reconstruct(&imgs).unwrap());
    let p = a.progress().unwrap();
    let (step, epoch) = (get(&p, "step").as_f64().unwrap(), get(&p, "epoch").as_f64().unwrap() as u32);
    assert_eq!(step, 30.0);
    b.restore(&a.parameters(), step, epoch).unwrap();
    assert_eq!(b.reconstruct(&imgs).unwrap(), a.reconstruct(&imgs).unwrap());
    assert_eq!(get(&b.progress().unwrap(), "step").as_f64(), Some(30.0));
    assert!(message(b.restore(&a.parameters()[1..], 1.0, 0).unwrap_err()).contains("parameters"));
    assert!(message(b.restore(&a.parameters(), -1.0, 0).unwrap_err()).contains("whole number"));
}

#[wasm_bindgen_test]
fn bad_input_throws_a_readable_error() {
    let (px, lb) = data();
    let e = message(Trainer::new(config(r#"{"model":{"latent":0}}"#), &px, &lb).err().unwrap());
    assert_eq!(e, "model.latent: must be between 1 and 256, got 0");
    let e = message(Trainer::new(config(r#"{"train":{"lr":-1}}"#), &px, &lb).err().unwrap());
    assert!(e.starts_with("train.lr: must be a finite number above 0"), "{e}");
    let e = message(Trainer::new(config(r#"{"model":{"latnet":2}}"#), &px, &lb).err().unwrap());
    assert!(
        e.starts_with("invalid config: unknown field `model.latnet`; expected one of kind, input, encoder, latent"),
        "{e}"
    );
    let e = message(Trainer::new(config(r#"{"train":{"lr":"fast"}}"#), &px, &lb).err().unwrap());
    assert!(e.contains("invalid config") && e.contains("expected f32"), "{e}");
    let e = message(Trainer::new(JsValue::UNDEFINED, &px[..780], &lb[..1]).err().unwrap());
    assert!(e.contains("expected 784 pixels per image") && e.contains("got 780 pixels"), "{e}");

    let mut t = Trainer::new(JsValue::NULL, &px, &lb).unwrap();
    let e = message(t.reconstruct(&[0.5; 780]).unwrap_err());
    assert_eq!(e, "expected a whole number of images of 784 values each, got 780 values");
    let mut bad = vec![0.0f32; 784];
    bad[10] = f32::NAN;
    assert!(message(t.reconstruct(&bad).unwrap_err()).contains("value 10 is NaN"));
    assert!(message(t.decode(&[0.0; 7]).unwrap_err()).contains("codes of 32 values"));
    assert!(message(t.set_learning_rate(f32::INFINITY).unwrap_err()).contains("train.lr"));
}

#[wasm_bindgen_test]
fn family_calls_work_and_check_their_input() {
    let (px, lb) = data();
    let vae = config(r#"{"model":{"kind":"vae","encoder":[32],"latent":2},"train":{"batchSize":16,"beta":2}}"#);
    let mut t = Trainer::new(vae, &px, &lb).unwrap();
    let s = t.step(20).unwrap();
    let terms = get(&s, "terms");
    assert!(get(&terms, "kl").as_f64().unwrap() > 0.0, "the VAE reports its KL term");
    assert!(get(&terms, "recon").as_f64().unwrap() > 0.0);
    let samples = t.sample(4).unwrap();
    assert_eq!(samples.len(), 4 * 784);
    assert_ne!(samples[..784], samples[784..2 * 784], "each sample has its own code");
    assert_ne!(t.sample(4).unwrap(), samples, "the prior's draws go on");
    assert!(message(t.sample(0).unwrap_err()).contains("between 1 and 10000"));
    assert!(get(&t.evaluate().unwrap(), "kl").as_f64().unwrap() > 0.0);

    let dae =
        config(r#"{"model":{"encoder":[32],"latent":4},"train":{"batchSize":16,"noise":"masking","noiseLevel":0.5}}"#);
    let mut t = Trainer::new(dae, &px, &lb).unwrap();
    t.step(5).unwrap();
    let clean = t.validation_images(2);
    let noisy = t.corrupt(&clean).unwrap();
    assert_eq!(noisy, t.corrupt(&clean).unwrap(), "the shown corruption is fixed");
    let zeroed = noisy.iter().zip(&clean).filter(|(n, c)| **n == 0.0 && **c != 0.0).count();
    assert!(zeroed > 0, "masking zeroed some ink");
    assert!(get(&t.evaluate().unwrap(), "noisyMse").as_f64().is_some());

    let sparse = config(
        r#"{"model":{"encoder":[32],"latent":6,"latentActivation":"sigmoid"},"train":{"batchSize":16,"sparsity":"kl","sparsityWeight":0.1}}"#,
    );
    let mut t = Trainer::new(sparse, &px, &lb).unwrap();
    t.step(5).unwrap();
    assert_eq!(t.code_activations().unwrap().len(), 6);
    let e = message(Trainer::new(config(r#"{"train":{"noise":"fog"}}"#), &px, &lb).err().unwrap());
    assert!(e.contains("unknown variant `fog`"), "{e}");
}

fn f32_array(v: &JsValue) -> Vec<f32> {
    js_sys::Float32Array::from(v.clone()).to_vec()
}

#[cfg(feature = "lab")]
#[wasm_bindgen_test]
fn latent_map_and_pca_baseline() {
    let (px, lb) = data();
    let mut t =
        Trainer::new(config(r#"{"model":{"encoder":[32],"latent":4},"train":{"batchSize":16}}"#), &px, &lb).unwrap();
    t.step(30).unwrap();
    let m = t.latent_map(20).unwrap();
    assert_eq!(f32_array(&get(&m, "points")).len(), 40);
    assert_eq!(get(&m, "projected").as_bool(), Some(true), "4 code units are projected to the plane");
    let imgs = t.decode_points(&[0.0, 0.0, 1.0, -1.0]).unwrap();
    assert_eq!(imgs.len(), 2 * 784);
    let pca = t.fit_pca(4).unwrap();
    let mse = get(&pca, "valMse").as_f64().unwrap();
    assert!(mse > 0.0 && mse < 0.2, "PCA validation MSE {mse}");
    assert_eq!(t.pca_reconstruct(&t.validation_images(2)).unwrap().len(), 2 * 784);
}

#[wasm_bindgen_test]
fn interpolation_quality_and_filters() {
    let (px, lb) = data();
    let mut t =
        Trainer::new(config(r#"{"model":{"encoder":[32],"latent":4},"train":{"batchSize":16}}"#), &px, &lb).unwrap();
    t.step(30).unwrap();
    let path = t.interpolate(&t.validation_images(1), &t.validation_images(2)[784..], 5).unwrap();
    assert_eq!(path.len(), 5 * 784);
    assert!(message(t.interpolate(&[0.0; 784], &[0.0; 784], 1).unwrap_err()).contains("between 2 and 64"));
    let imgs = t.validation_images(3);
    let q = t.quality(&imgs).unwrap();
    assert_eq!(f32_array(&get(&q, "ssim")).len(), 3);
    // Each image's MSE is that of its reconstruction, computed here.
    let rec = t.reconstruct(&imgs).unwrap();
    for (i, mse) in f32_array(&get(&q, "mse")).into_iter().enumerate() {
        let range = i * 784..(i + 1) * 784;
        let want =
            rec[range.clone()].iter().zip(&imgs[range]).map(|(a, b)| ((a - b) as f64).powi(2)).sum::<f64>() / 784.0;
        assert!((mse as f64 - want).abs() < 1e-6, "image {i}: {mse} vs {want}");
    }
    // The summary: the validation MSE that evaluate() reports, and the PSNR of that MSE.
    let s = t.quality_summary().unwrap();
    let mse = get(&s, "mse").as_f64().unwrap();
    assert_eq!(Some(mse), get(&t.evaluate().unwrap(), "mse").as_f64());
    let psnr = get(&s, "psnr").as_f64().unwrap();
    assert!((psnr - -10.0 * mse.log10()).abs() < 1e-4, "PSNR {psnr} of MSE {mse}");
    let f = t.filters().unwrap();
    assert_eq!(get(&f, "units").as_f64(), Some(32.0));
    assert_eq!(f32_array(&get(&f, "encoder")).len(), 784 * 32);
    assert_eq!(f32_array(&get(&f, "decoder")).len(), 32 * 784);
}

#[cfg(feature = "lab")]
#[wasm_bindgen_test]
fn anomalies_features_imputation() {
    let (px, lb) = data();
    let mut t = Trainer::new(
        config(r#"{"model":{"encoder":[32],"latent":4},"train":{"batchSize":16,"excludeClass":3}}"#),
        &px,
        &lb,
    )
    .unwrap();
    assert!(message(t.precision_recall(0.1).unwrap_err()).contains("call anomalyReport() first"));
    t.step(30).unwrap();
    let r = t.anomaly_report().unwrap();
    let scores = f32_array(&get(&r, "testScores"));
    assert_eq!(scores.len(), 30);
    // The AUC is the area under the curve it comes with (trapezoids).
    let (fpr, tpr) = (f32_array(&get(&r, "fpr")), f32_array(&get(&r, "tpr")));
    let area: f64 = (1..fpr.len()).map(|k| (fpr[k] - fpr[k - 1]) as f64 * (tpr[k] + tpr[k - 1]) as f64 / 2.0).sum();
    let auc = get(&r, "auc").as_f64().unwrap();
    assert!((auc - area).abs() < 1e-6, "AUC {auc}, area {area}");
    // Recall and precision count the flagged digits of the report's own scores and labels.
    let labels = js_sys::Uint8Array::from(get(&r, "testLabels")).to_vec();
    let threshold = get(&r, "threshold").as_f64().unwrap() as f32;
    let flagged = |want_three: bool| {
        scores.iter().zip(&labels).filter(|(&s, &l)| s >= threshold && (l == 3) == want_three).count() as f64
    };
    let threes = labels.iter().filter(|&&l| l == 3).count() as f64;
    let pr = t.precision_recall(threshold).unwrap();
    assert_eq!(get(&pr, "recall").as_f64(), Some((flagged(true) as f32 / threes as f32) as f64));
    assert_eq!(get(&pr, "falsePositives").as_f64(), Some(flagged(false)));

    let few = config(r#"{"perClass":2,"all":{"epochs":2},"few":{"epochs":5,"batchSize":4}}"#);
    // Class 3 is excluded from training: a label nobody has is no class, and the others give 2 each.
    let r = js_sys::Array::from(&t.compare_features(few.clone()).unwrap());
    assert_eq!(get(&r.get(0), "labelsPerClass").as_f64(), Some(2.0));
    let mut t =
        Trainer::new(config(r#"{"model":{"encoder":[32],"latent":4},"train":{"batchSize":16}}"#), &px, &lb).unwrap();
    t.step(10).unwrap();
    let scores = js_sys::Array::from(&t.compare_features(few).unwrap());
    assert_eq!(scores.length(), 3);
    assert!(message(t.compare_features(config(r#"{"perClass":2,"all":{"epochs":0}}"#)).unwrap_err()).contains("epochs"));

    let mean = t.pixel_mean().unwrap();
    let x = t.validation_images(1);
    let mut mask = vec![1u8; 784];
    mask[..392].fill(0);
    let filled = t.impute_images(&x, &mask, &mean, 3).unwrap();
    assert_eq!(&filled[392..], &x[392..], "observed pixels are kept");
    assert!(message(t.impute_images(&x, &mask[..10], &mean, 1).unwrap_err()).contains("one byte per pixel"));
    let rep = t.impute_report(config(r#"{"mask":{"kind":"topHalf"},"iterations":2,"n":10}"#)).unwrap();
    assert_eq!(get(&rep, "missing").as_f64(), Some(0.5), "the top 14 of 28 rows");
    assert!(["mean", "onePass", "iterative"].iter().all(|k| get(&rep, k).as_f64().is_some()));
    assert!(message(t.impute_report(config(r#"{"mask":{"kind":"cloud"}}"#)).unwrap_err())
        .contains("invalid imputation settings"));
    let e = message(t.impute_report(config(r#"{"mask":{"kind":"random","rate":0.5,"ratee":1}}"#)).unwrap_err());
    assert!(e.contains("unknown field `mask.ratee`"), "{e}");
}

#[cfg(feature = "lab")]
#[wasm_bindgen_test]
fn recommender() {
    let mut r = Recommender::new(config(r#"{"users":120,"items":80,"density":0.1}"#), JsValue::UNDEFINED).unwrap();
    let first = get(&r.evaluate().unwrap(), "rmse").as_f64().unwrap();
    r.step(60).unwrap();
    let rep = r.evaluate().unwrap();
    assert!(get(&rep, "rmse").as_f64().unwrap() < first, "training lowers the test RMSE");
    assert!(["itemMeanRmse", "globalMeanRmse", "trainRmse"].iter().all(|k| get(&rep, k).as_f64().is_some()));
    let recs = js_sys::Array::from(&r.recommend(3, 5).unwrap());
    assert_eq!(recs.length(), 5);
    assert!(message(r.recommend(500, 5).err().unwrap()).contains("must be below the 120 users"));
    assert!(message(Recommender::new(config(r#"{"users":0}"#), JsValue::UNDEFINED).err().unwrap())
        .contains("1 to 4,000,000 cells"));
    assert_eq!(get(&r.info().unwrap(), "users").as_f64(), Some(120.0));
    let m = r.pattern();
    assert_eq!(m.len(), 120 * 80);
    let count = |mark: u8| m.iter().filter(|&&v| v == mark).count() as f64;
    let info = r.info().unwrap();
    assert_eq!(count(1) + count(2), get(&info, "ratings").as_f64().unwrap(), "one cell per rating");
    assert_eq!(count(2), get(&info, "testRatings").as_f64().unwrap(), "held-out cells are marked 2");
}

#[cfg(feature = "lab")]
#[wasm_bindgen_test]
fn roofline() {
    let mut roof = Roofline::new(&[784, 64, 8], 16).unwrap();
    roof.run(2);
    roof.run_split(1); // one thread in this build: the same products
    assert_eq!(roof.flops_per_step(), 2.0 * 16.0 * (784.0 * 64.0 * 5.0 + 64.0 * 8.0 * 6.0));
    assert!(message(Roofline::new(&[784], 16).err().unwrap()).starts_with("widths: need at least two sizes"));
}

fn strings(v: &JsValue) -> Vec<String> {
    js_sys::Array::from(v).iter().map(|s| s.as_string().unwrap()).collect()
}

#[wasm_bindgen_test]
fn layer_stats_and_the_vaes_gaussian() {
    let (px, lb) = data();
    let cfg = r#"{"model":{"kind":"vae","encoder":[32],"latent":2},"train":{"batchSize":16}}"#;
    let mut t = Trainer::new(config(cfg), &px, &lb).unwrap();
    let s = t.layer_stats(None).unwrap();
    assert_eq!(strings(&get(&s, "names")), ["encoder.0", "code.mu", "code.logvar", "decoder.0", "decoder.1"]);
    assert_eq!(f32_array(&get(&s, "gradNorm")), [0.0; 5], "zeros before the first step");
    assert_eq!(get(&s, "step").as_f64(), Some(0.0), "of no step");
    t.step(1).unwrap();
    let s = t.layer_stats(None).unwrap();
    assert_eq!(f32_array(&get(&s, "gradNorm")), [0.0; 5], "zeros while tracking is off");
    t.track_layer_stats(true);
    t.step(3).unwrap();
    let s = t.layer_stats(None).unwrap();
    assert!(get(&s, "gradNorm").is_instance_of::<js_sys::Float32Array>());
    assert_eq!(get(&s, "step").as_f64(), Some(4.0), "the latest step's");
    for key in ["gradNorm", "weightNorm", "updateRatio"] {
        let v = f32_array(&get(&s, key));
        assert_eq!(v.len(), 5);
        assert!(v.iter().all(|x| x.is_finite() && *x > 0.0), "{key}: {v:?}");
    }
    // Sampled: layerStats(true) has the next step summed, once; the sums stay that step's.
    t.track_layer_stats(false);
    let s = t.layer_stats(Some(true)).unwrap();
    assert_eq!(get(&s, "step").as_f64(), Some(0.0), "forgotten once off");
    t.step(3).unwrap();
    let s = t.layer_stats(None).unwrap();
    assert_eq!(get(&s, "step").as_f64(), Some(5.0), "the step after the call, not the later ones");
    assert!(f32_array(&get(&s, "gradNorm")).iter().all(|x| *x > 0.0));
    let imgs = t.validation_images(3);
    let g = t.encode_distribution(&imgs).unwrap();
    let mu = f32_array(&get(&g, "mu"));
    assert_eq!(mu, t.encode(&imgs).unwrap());
    assert_eq!(f32_array(&get(&g, "logVar")).len(), 3 * 2);
    let mut plain = Trainer::new(config(r#"{"model":{"encoder":[16],"latent":2}}"#), &px, &lb).unwrap();
    assert!(message(plain.encode_distribution(&imgs).unwrap_err()).contains("only a VAE"));
}

#[cfg(feature = "lab")]
#[wasm_bindgen_test]
fn trace_step_activations_and_dead_units() {
    let (px, lb) = data();
    let cfg = r#"{"model":{"encoder":[32],"latent":4},"train":{"batchSize":8,"seed":3}}"#;
    let (mut a, mut b) = (Trainer::new(config(cfg), &px, &lb).unwrap(), Trainer::new(config(cfg), &px, &lb).unwrap());
    a.step(2).unwrap();
    b.step(2).unwrap();
    let weight = config(r#"{"layer":"encoder.0","index":100}"#);
    let before = a.parameters()[100];
    let tr = a.trace_step(8, weight.clone()).unwrap();
    b.step(1).unwrap();
    assert_eq!(a.parameters(), b.parameters(), "a traced step is step(1)");
    assert_eq!(get(&tr, "step").as_f64(), Some(3.0));
    assert_eq!(f32_array(&get(&tr, "batch")).len(), 8 * 784);
    assert_eq!(f32_array(&get(&tr, "input")).len(), 8 * 784);
    let layers = js_sys::Array::from(&get(&tr, "layers"));
    assert_eq!(layers.length(), 4, "encoder.0, code, decoder.0, decoder.1");
    assert_eq!(f32_array(&get(&layers.get(0), "output")).len(), 8 * 32);
    let grads = js_sys::Array::from(&get(&tr, "grads"));
    assert_eq!(get(&grads.get(0), "name").as_string().as_deref(), Some("encoder.0"));
    assert_eq!(f32_array(&get(&grads.get(0), "grad")).len(), 784 * 32);
    let o = get(&tr, "optimizer");
    assert_eq!(get(&o, "kind").as_string().as_deref(), Some("adam"));
    assert_eq!(get(&o, "t").as_f64(), Some(3.0));
    let w = get(&o, "weight");
    let n = |k: &str| get(&w, k).as_f64().unwrap();
    assert_eq!(n("before"), before as f64);
    assert_eq!(n("after"), a.parameters()[100] as f64, "after is the trainer's weight");
    let lr = get(&o, "lr").as_f64().unwrap();
    let adam = lr * n("mHat") / (n("vHat").sqrt() + get(&o, "eps").as_f64().unwrap());
    assert!((adam - n("update")).abs() <= 1e-5 * adam.abs() + 1e-7 * n("before").abs(), "{adam} vs {}", n("update"));
    assert_eq!(f32_array(&get(&get(&tr, "newWeights"), "encoder.0"))[100] as f64, n("after"));
    assert!(get(&tr, "lossAfter").as_f64().unwrap().is_finite());
    assert!(get(&get(&tr, "lossTerms"), "recon").as_f64().is_some());
    assert!(message(a.trace_step(0, weight).unwrap_err()).contains("1 to 16"));
    assert!(message(a.trace_step(4, config(r#"{"layer":"encoder.0"}"#)).unwrap_err()).contains("weight must be"));

    let img = a.validation_images(1);
    let acts = js_sys::Array::from(&get(&a.activations(&img).unwrap(), "layers"));
    assert_eq!(acts.length(), 5);
    let last = acts.get(4);
    assert_eq!(get(&last, "kind").as_string().as_deref(), Some("output"));
    assert_eq!(get(&last, "activation").as_string().as_deref(), Some("sigmoid"));
    assert_eq!(f32_array(&get(&last, "values")), a.reconstruct(&img).unwrap());
    assert!(message(a.activations(&a.validation_images(2)).unwrap_err()).contains("one image"));
    let dead = js_sys::Array::from(&get(&a.dead_units().unwrap(), "layers"));
    assert_eq!(dead.length(), 4);
    let d0 = dead.get(0);
    assert!(get(&d0, "dead").is_instance_of::<js_sys::Uint8Array>());
    assert_eq!(js_sys::Uint8Array::from(get(&d0, "dead")).length(), 32);
}

#[cfg(feature = "lab")]
#[wasm_bindgen_test]
fn generated_rows_train_as_values() {
    let g = generate_data("curve", 600, 4, 0.02).unwrap();
    let values = f32_array(&get(&g, "values"));
    let labels = js_sys::Uint8Array::new(&get(&g, "labels")).to_vec();
    assert_eq!((values.len(), labels.len(), get(&g, "width").as_f64()), (1800, 600, Some(3.0)));
    // Seeded: the same rows again, in this browser as natively (tests/generated.rs).
    assert_eq!(f32_array(&get(&generate_data("curve", 600, 4, 0.02).unwrap(), "values")), values);
    let cfg = r#"{"model":{"input":3,"encoder":[32],"latent":2,"activation":"tanh","output":"identity"},"train":{"batchSize":32,"lr":0.005}}"#;
    let mut t = Trainer::from_values(config(cfg), &values, &labels).unwrap();
    let first = get(&t.evaluate().unwrap(), "valLoss").as_f64().unwrap();
    t.step(300).unwrap();
    let last = get(&t.evaluate().unwrap(), "valLoss").as_f64().unwrap();
    assert!(last < 0.5 * first, "validation loss {first} -> {last}");
    // Values are not pixel bytes: a row comes back as it went in, not scaled by 1/255.
    let row = t.validation_images(1);
    assert!(row.iter().any(|v| v.abs() > 0.5), "{row:?}");
    let sensors = generate_data("sensors", 50, 1, 0.2).unwrap();
    assert_eq!(js_sys::Array::from(&get(&sensors, "labelNames")).get(4).as_string().as_deref(), Some("changed rhythm"));
    assert!(message(generate_data("spiral", 50, 1, 0.1).unwrap_err()).contains("\"curve\" and \"sensors\""));
    assert!(message(generate_data("curve", 2, 1, 0.1).unwrap_err()).contains("3 to 50000 rows"));
    let Err(e) = Trainer::from_values(config(cfg), &values[..10], &labels[..3]) else {
        panic!("ragged rows are refused")
    };
    assert!(message(e).contains("expected 3 rows of 3 values (9 values), got 10"));
}

#[cfg(feature = "lab")]
#[wasm_bindgen_test]
fn a_table_is_read_standardised_and_refused_in_sentences() {
    let mut csv = String::from("id,temp,city,state\n");
    for i in 0..30 {
        let temp = if i == 4 { String::new() } else { format!("{}", 20 + i % 7) };
        csv.push_str(&format!("{i},{temp},Town{i},{}\n", if i % 3 == 0 { "fault" } else { "ok" }));
    }
    let t = read_table(csv.as_bytes(), Some("state".into())).unwrap();
    assert_eq!(get(&t, "rows").as_f64(), Some(30.0));
    assert_eq!(js_sys::Array::from(&get(&t, "columns")).length(), 2, "id and temp; city is text, state the label");
    let values = f32_array(&get(&t, "values"));
    assert_eq!(values.len(), 60);
    assert!(values[9].is_nan(), "row 5's missing temperature stays missing");
    assert_eq!(get(&t, "missing").as_f64(), Some(1.0));
    assert_eq!(js_sys::Uint8Array::new(&get(&t, "labels")).to_vec()[..4], [0, 1, 1, 0]);
    let left = js_sys::Array::from(&get(&t, "leftOut")).get(0);
    assert_eq!(get(&left, "column").as_string().as_deref(), Some("city"));
    // It trains with the missing cell left out of the loss.
    let cfg = r#"{"model":{"input":2,"encoder":[8],"latent":1,"activation":"tanh","output":"identity"},"train":{"batchSize":8}}"#;
    let labels = js_sys::Uint8Array::new(&get(&t, "labels")).to_vec();
    let mut trainer = Trainer::from_values(config(cfg), &values, &labels).unwrap();
    trainer.step(20).unwrap();
    assert!(get(&trainer.evaluate().unwrap(), "valLoss").as_f64().unwrap().is_finite());
    let e = read_table(b"a,b\n1,2\n3\n4,5\n", None).unwrap_err();
    assert!(message(e).contains("row 3 has 1 cells but the header has 2"));
}

/// The matrix-product kernel as the browser runs it (vendor/matrixmultiply's
/// 4 × 8 wasm kernel, ndarray's `general_mat_mul`): for every layout of A, B
/// and C, with β = 0 each element is bit for bit the textbook f32 sum over k in
/// order from zero (one block of k, at most 256), so no fused multiply-add and
/// no reordering; with β = 1 and a deeper k it is within rounding of the f64 sum.
#[wasm_bindgen_test]
fn matrix_products_are_the_textbook_sums() {
    use ndarray::linalg::general_mat_mul;
    use ndarray::{Array2, ShapeBuilder};
    let value = |i: usize, j: usize, seed: usize| (((i * 31 + j * 17 + seed * 7) % 23) as f32 - 11.0) / 7.3;
    let mut checked = 0;
    for &(m, k, n) in
        &[(1, 1, 1), (3, 5, 7), (4, 8, 8), (5, 9, 9), (13, 64, 17), (33, 200, 10), (64, 256, 70), (9, 700, 12)]
    {
        for (fa, fb, fc) in [(false, false, false), (true, false, false), (false, true, true), (true, true, true)] {
            let a = Array2::from_shape_fn((m, k).set_f(fa), |(i, p)| value(i, p, 1));
            let b = Array2::from_shape_fn((k, n).set_f(fb), |(p, j)| value(p, j, 2));
            let c0 = Array2::from_shape_fn((m, n).set_f(fc), |(i, j)| value(i, j, 3));
            for beta in [0.0f32, 1.0] {
                let mut c = c0.clone();
                general_mat_mul(1.0, &a, &b, beta, &mut c);
                for i in 0..m {
                    for j in 0..n {
                        let exact = (0..k).fold(0.0f32, |s, p| s + a[[i, p]] * b[[p, j]]);
                        let wide = (0..k).map(|p| a[[i, p]] as f64 * b[[p, j]] as f64).sum::<f64>()
                            + beta as f64 * c0[[i, j]] as f64;
                        if beta == 0.0 && k <= 256 {
                            assert_eq!(
                                c[[i, j]].to_bits(),
                                exact.to_bits(),
                                "{m}×{k}×{n} ({fa}, {fb}, {fc}) at ({i}, {j})"
                            );
                        } else {
                            let tol = 1e-5 * (k as f64).sqrt() * (1.0 + wide.abs());
                            assert!(
                                (c[[i, j]] as f64 - wide).abs() <= tol,
                                "{m}×{k}×{n} β{beta} at ({i}, {j}): {} vs {wide}",
                                c[[i, j]]
                            );
                        }
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 10_000, "{checked} elements");
}

/// The BCE's wasm SIMD lanes (`loss::bce_lanes`, what the browsers run) are
/// the portable lanes' sums and products bit for bit (what native builds and
/// tests/gradients.rs run): on ordinary, saturated, tiny, zero and −0 logits,
/// from fresh and from running lanes, over 8 to 256 pixels. A changed
/// operation or lane order in either fails it.
#[wasm_bindgen_test]
fn the_bce_simd_lanes_are_the_portable_lanes_bit_for_bit() {
    use autoencoder_playground::nn::loss::{bce_lanes, bce_lanes_portable};
    let special = [0.0f32, -0.0, 200.0, -200.0, 1e-30, -1e-30, 88.0];
    for len in [8usize, 16, 64, 256] {
        for seed in 0..4usize {
            let value = |i: usize, s: usize| (((i * 37 + seed * 11 + s * 5) % 29) as f32 - 14.0) / 2.9;
            let mut z: Vec<f32> = (0..len).map(|i| value(i, 1)).collect();
            for (i, &v) in special.iter().enumerate().take(len) {
                z[(i * 3 + seed) % len] = v;
            }
            let p: Vec<f32> = z.iter().map(|&z| autoencoder_playground::nn::sigmoid(z)).collect();
            let t: Vec<f32> = (0..len).map(|i| (value(i, 2) + 14.0 / 2.9) / (28.0 / 2.9)).collect();
            let start = if seed % 2 == 0 {
                ([0.0f32; 8], [1.0f32; 8])
            } else {
                ([0.5f32, 1.0, 2.0, 0.0, 3.0, 0.25, 7.0, 1.5], [0.9f32, 1.0, 0.75, 0.6, 1.0, 0.5, 0.99, 0.8])
            };
            let (mut simd, mut portable) = (start, start);
            bce_lanes(&mut simd, &z, &p, &t);
            bce_lanes_portable(&mut portable, &z, &p, &t);
            let bits = |l: &([f32; 8], [f32; 8])| l.0.iter().chain(&l.1).map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&simd), bits(&portable), "{len} pixels, seed {seed}");
            assert_ne!(bits(&simd), bits(&start), "{len} pixels, seed {seed}: the lanes did not move");
        }
    }
}

/// The vectorized sigmoid loop (`sigmoid_into`, its constants held across
/// the loop) is the scalar `sigmoid` (its constants literals) bit for bit,
/// in the browsers' SIMD: over [−100, 100] in steps of 1/64, the saturated
/// ends, tiny, zero and −0 logits, NaN and lengths that leave a remainder.
#[wasm_bindgen_test]
fn the_vectorized_sigmoid_is_the_scalar_sigmoid_bit_for_bit() {
    use autoencoder_playground::nn::{sigmoid, sigmoid_into};
    let mut z: Vec<f32> = (-6400..=6400).map(|i| i as f32 / 64.0).collect();
    z.extend([0.0, -0.0, 1e-30, -1e-30, 87.5, -87.5, 1e30, -1e30, f32::INFINITY, f32::NEG_INFINITY, 0.3, -0.7]);
    for len in [z.len(), z.len() - 1, z.len() - 2, 3] {
        let mut out = vec![0.0f32; len];
        sigmoid_into(&mut out, &z[..len]);
        for (&o, &x) in out.iter().zip(&z) {
            assert_eq!(o.to_bits(), sigmoid(x).to_bits(), "sigmoid({x:e}) of {len}");
        }
    }
    let mut nan = [0.0f32; 5];
    sigmoid_into(&mut nan, &[f32::NAN; 5]);
    assert!(nan.iter().all(|v| v.is_nan()), "NaN is not hidden");
}

/// The batch's pixel conversion in wasm SIMD (`data::bytes_to_unit`, 16
/// bytes at a time) is the portable one bit for bit: every byte value, at
/// lengths with and without a remainder, and a shorter output.
#[wasm_bindgen_test]
fn the_simd_pixel_conversion_is_the_portable_one_bit_for_bit() {
    use autoencoder_playground::data::{bytes_to_unit, bytes_to_unit_portable};
    let bytes: Vec<u8> = (0..800u32).map(|i| (i * 37 % 256) as u8).collect();
    assert!((0..=255u8).all(|v| bytes.contains(&v)), "every byte value");
    for (len, out_len) in [(800, 800), (784, 784), (15, 15), (33, 33), (784, 700)] {
        let (mut simd, mut portable) = (vec![-1.0f32; out_len], vec![-2.0f32; out_len]);
        bytes_to_unit(&mut simd, &bytes[..len]);
        bytes_to_unit_portable(&mut portable, &bytes[..len]);
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&simd), bits(&portable), "{len} bytes into {out_len}");
        let last = bytes[out_len - 1] as f32 / 255.0;
        assert!(
            (simd[out_len - 1] - last).abs() <= 1e-7,
            "{len} bytes: the last value {} is not {last}",
            simd[out_len - 1]
        );
    }
}

/// The row products' wasm SIMD blocks (`nn::rows::rows_times_rows`, the conv
/// weight gradients in the browsers) are the portable blocks bit for bit, at
/// shapes with partial 4 × 2 blocks, depths with a partial group of 4 and
/// under 4, and β 0 and 1.
#[wasm_bindgen_test]
fn the_row_products_simd_blocks_are_the_portable_blocks_bit_for_bit() {
    use autoencoder_playground::nn::rows::{rows_times_rows, rows_times_rows_portable};
    use ndarray::Array2;
    let value = |i: usize, j: usize, seed: usize| (((i * 31 + j * 17 + seed * 7) % 23) as f32 - 11.0) / 7.3;
    for &(m, n, k) in &[(1, 1, 1), (3, 5, 3), (4, 2, 4), (5, 9, 7), (8, 72, 512), (16, 9, 6273)] {
        let a = Array2::from_shape_fn((m, k), |(i, p)| value(i, p, 1) * (1.0 + p as f32 * 1e-3));
        let b = Array2::from_shape_fn((n, k), |(j, p)| value(j, p, 2));
        for beta in [0.0f32, 1.0] {
            let c0 = Array2::from_shape_fn((m, n), |(i, j)| value(i, j, 3));
            let (mut simd, mut portable) = (c0.clone(), c0.clone());
            rows_times_rows(a.view(), b.view(), beta, simd.view_mut());
            rows_times_rows_portable(a.view(), b.view(), beta, portable.view_mut());
            let bits = |c: &Array2<f32>| c.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&simd), bits(&portable), "{m}×{n}×{k} β{beta}");
            assert_ne!(bits(&simd), bits(&c0), "{m}×{n}×{k} β{beta}: C did not change");
        }
    }
}

/// The convolution's forward pass in the browsers (the polyphase unfold, and
/// the product: made straight into the rows, or on the matrix kernel for the
/// last shape's unfolded matrix of 270 rows) against the f64 sum PyTorch
/// defines (tests/common/conv_reference.rs), at the blog model's encoder
/// shapes and odd ones: within f32 rounding.
#[cfg(feature = "lab")]
#[wasm_bindgen_test]
fn the_convolution_is_the_f64_sum_in_the_browser() {
    use autoencoder_playground::config::{ImageShape, Init, Window};
    use autoencoder_playground::nn::{Conv2d, Layer};
    use autoencoder_playground::rng::from_seed;
    use conv_reference::{direct_conv, images, max_diff, weights4};
    use ndarray::Array2;
    let cases = [
        ((1, 16, 28), 3, 2),
        ((16, 8, 14), 3, 2),
        ((8, 8, 7), 3, 2),
        ((2, 3, 13), 3, 2),
        ((3, 4, 17), 5, 2),
        ((30, 5, 9), 3, 2),
    ];
    for ((c_in, c_out, side), k, s) in cases {
        let image = ImageShape { channels: c_in, height: side, width: side };
        let win = Window { kernel: k, stride: s, padding: k / 2 };
        let mut conv = Conv2d::new(image, c_out, win, Init::He, &mut from_seed(5));
        conv.bias = ndarray::Array1::from_shape_fn(c_out, |o| 0.1 * o as f32 - 0.3);
        let x = Array2::from_shape_fn((3, image.len()), |(n, i)| (((n * 131 + i * 37) % 41) as f32 - 20.0) / 13.0);
        let y = conv.forward(x.view(), false).to_owned();
        let bias: Vec<f64> = conv.bias.iter().map(|&b| b as f64).collect();
        let want = direct_conv(&images(&x, image), &weights4(&conv.weight, c_out, c_in, k), &bias, win);
        let worst = max_diff(&want, &y);
        assert!(worst < 1e-5, "{c_in}→{c_out} at {side}×{side}, k{k} s{s}: off by {worst:e}");
    }
}

/// The transposed convolution's forward pass in the browsers (the fused
/// product and fold of src/nn/conv/fused.rs, as the wasm compilers vectorize
/// it) against the f64 scatter PyTorch defines (tests/common/conv_reference.rs,
/// which tests/conv.rs checks natively), at the blog model's decoder shapes
/// and two odd ones: within f32 rounding.
#[cfg(feature = "lab")]
#[wasm_bindgen_test]
fn the_transposed_convolution_is_the_f64_scatter_in_the_browser() {
    use autoencoder_playground::config::{ImageShape, Init, Window};
    use autoencoder_playground::nn::{ConvTranspose2d, Layer};
    use autoencoder_playground::rng::from_seed;
    use conv_reference::{direct_conv_transpose, images, max_diff, weights4};
    use ndarray::Array2;
    let cases = [((16, 1, 28), 3, 2), ((8, 16, 14), 3, 2), ((3, 2, 13), 3, 2), ((4, 3, 11), 5, 1)];
    for ((c_in, c_out, side), k, s) in cases {
        let big = ImageShape { channels: c_out, height: side, width: side };
        let win = Window { kernel: k, stride: s, padding: k / 2 };
        let mut convt = ConvTranspose2d::new(c_in, big, win, Init::Xavier, &mut from_seed(7));
        convt.bias = ndarray::Array1::from_shape_fn(c_out, |o| 0.1 * o as f32 - 0.2);
        let small = convt.input_shape();
        let x = Array2::from_shape_fn((3, small.len()), |(n, i)| (((n * 131 + i * 37) % 41) as f32 - 20.0) / 13.0);
        let y = convt.forward(x.view(), false).to_owned();
        let bias: Vec<f64> = convt.bias.iter().map(|&b| b as f64).collect();
        let want = direct_conv_transpose(
            &images(&x, small),
            &weights4(&convt.weight, c_in, c_out, k),
            &bias,
            win,
            (side, side),
        );
        let worst = max_diff(&want, &y);
        assert!(worst < 1e-5, "{c_in}→{c_out} at {side}×{side}, k{k} s{s}: off by {worst:e}");
    }
}
