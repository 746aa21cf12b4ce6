//! The exported wasm API in real browsers (headless Chrome and Firefox, via
//! wasm-bindgen-test-runner): construction, training, shapes and errors as JS sees them.
#![cfg(target_arch = "wasm32")]

use autoencoder_playground::api::{default_config, Trainer};
use js_sys::{Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

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
    let mut t = Trainer::new(config(r#"{"model":{"encoder":[64],"latent":8},"train":{"batchSize":32,"lr":0.003}}"#), &px, &lb).unwrap();
    let first = get(&t.evaluate().unwrap(), "valLoss").as_f64().unwrap();
    let s = t.step(200).unwrap();
    assert_eq!(get(&s, "step").as_f64(), Some(200.0));
    assert!(get(&s, "samplesPerSec").as_f64().unwrap() > 0.0, "the clock works in the browser");
    assert!(get(&s, "batchLoss").as_f64().unwrap().is_finite());
    let last = get(&t.evaluate().unwrap(), "valLoss").as_f64().unwrap();
    assert!(last < 0.6 * first, "validation loss {first} -> {last}");
    let h = t.history().unwrap();
    assert_eq!(js_sys::Array::from(&get(&h, "losses")).length(), 200);
}

#[wasm_bindgen_test]
fn reconstruct_encode_decode_shapes() {
    let (px, lb) = data();
    let mut t = Trainer::new(config(r#"{"model":{"encoder":[32],"latent":5},"train":{"batchSize":16}}"#), &px, &lb).unwrap();
    let imgs = t.validation_images(3);
    assert_eq!(imgs.len(), 3 * 784);
    assert_eq!(t.validation_labels(3).len(), 3);
    let rec = t.reconstruct(&imgs).unwrap();
    assert_eq!(rec.len(), 3 * 784);
    assert!(rec.iter().all(|v| (0.0..=1.0).contains(v)), "sigmoid output stays in [0,1]");
    let z = t.encode(&imgs).unwrap();
    assert_eq!(z.len(), 3 * 5);
    assert_eq!(t.latent_size(), 5);
    assert_eq!(t.decode(&z).unwrap(), rec, "decode(encode(x)) is reconstruct(x)");
    let cfg = t.config().unwrap();
    assert_eq!(get(&get(&cfg, "train"), "seed").as_f64(), Some(1.0));
}

#[wasm_bindgen_test]
fn bad_input_throws_a_readable_error() {
    let (px, lb) = data();
    let e = message(Trainer::new(config(r#"{"model":{"latent":0}}"#), &px, &lb).err().unwrap());
    assert_eq!(e, "model.latent: must be between 1 and 256, got 0");
    let e = message(Trainer::new(config(r#"{"train":{"lr":-1}}"#), &px, &lb).err().unwrap());
    assert!(e.starts_with("train.lr: must be a finite number above 0"), "{e}");
    let e = message(Trainer::new(config(r#"{"model":{"latnet":2}}"#), &px, &lb).err().unwrap());
    assert!(e.contains("invalid config") && e.contains("latnet"), "{e}");
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
    assert!(samples.iter().all(|v| (0.0..=1.0).contains(v)));
    assert!(message(t.sample(0).unwrap_err()).contains("between 1 and 10000"));
    assert!(get(&t.evaluate().unwrap(), "kl").as_f64().unwrap() > 0.0);

    let dae = config(r#"{"model":{"encoder":[32],"latent":4},"train":{"batchSize":16,"noise":"masking","noiseLevel":0.5}}"#);
    let mut t = Trainer::new(dae, &px, &lb).unwrap();
    t.step(5).unwrap();
    let clean = t.validation_images(2);
    let noisy = t.corrupt(&clean).unwrap();
    assert_eq!(noisy, t.corrupt(&clean).unwrap(), "the shown corruption is fixed");
    let zeroed = noisy.iter().zip(&clean).filter(|(n, c)| **n == 0.0 && **c != 0.0).count();
    assert!(zeroed > 0, "masking zeroed some ink");
    assert!(get(&t.evaluate().unwrap(), "noisyMse").as_f64().is_some());

    let sparse = config(r#"{"model":{"encoder":[32],"latent":6,"latentActivation":"sigmoid"},"train":{"batchSize":16,"sparsity":"kl","sparsityWeight":0.1}}"#);
    let mut t = Trainer::new(sparse, &px, &lb).unwrap();
    t.step(5).unwrap();
    assert_eq!(t.code_activations().unwrap().len(), 6);
    let e = message(Trainer::new(config(r#"{"train":{"noise":"fog"}}"#), &px, &lb).err().unwrap());
    assert!(e.contains("unknown variant `fog`"), "{e}");
}
