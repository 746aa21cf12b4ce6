//! Bad configs and bad data give an `Error` whose sentence names the field and
//! the allowed range; nothing panics.

mod common;

use autoencoder_playground::config::{Config, LossKind};
use autoencoder_playground::data::rows;
use autoencoder_playground::nn::Activation;
use autoencoder_playground::{Autoencoder, Dataset, Error, Trainer};
use ndarray::Array2;

fn error_of(edit: impl FnOnce(&mut Config)) -> String {
    let d = common::synthetic(200, 784);
    let mut cfg = Config::default();
    edit(&mut cfg);
    match Trainer::new(cfg, &d) {
        Ok(_) => panic!("config was accepted"),
        Err(e) => e.to_string(),
    }
}

/// A change that makes a valid config invalid.
type Edit = Box<dyn FnOnce(&mut Config)>;

#[test]
fn each_bad_value_is_named_with_its_range() {
    let cases: Vec<(Edit, &str)> = vec![
        (Box::new(|c| c.model.latent = 0), "model.latent: must be between 1 and 256, got 0"),
        (Box::new(|c| c.model.latent = 300), "model.latent: must be between 1 and 256, got 300"),
        (
            Box::new(|c| c.model.encoder = vec![128, 0]),
            "model.encoder: layer 2 has width 0; each width must be between 1 and 4096",
        ),
        (Box::new(|c| c.model.encoder = vec![5000]), "width 5000"),
        (Box::new(|c| c.model.encoder = vec![16; 9]), "at most 8 hidden layers"),
        (
            Box::new(|c| c.model.output = Activation::Relu),
            "model.output: must be \"sigmoid\" or \"identity\", got \"relu\"",
        ),
        (Box::new(|c| c.model.dropout = 1.0), "model.dropout: must be a number in [0, 1), got 1"),
        (Box::new(|c| c.model.dropout = f32::NAN), "model.dropout"),
        (Box::new(|c| c.model.encoder = vec![4096; 8]), "parameters; the limit is 20000000"),
        (Box::new(|c| c.train.lr = 0.0), "train.lr: must be a finite number above 0 and at most 10, got 0"),
        (Box::new(|c| c.train.lr = -1.0), "train.lr: must be a finite number above 0"),
        (Box::new(|c| c.train.lr = f32::INFINITY), "got inf"),
        (Box::new(|c| c.train.momentum = 1.5), "train.momentum: must be a number in [0, 1), got 1.5"),
        (Box::new(|c| c.train.weight_decay = -0.1), "train.weightDecay"),
        (Box::new(|c| c.train.l1 = f32::NAN), "train.l1"),
        (Box::new(|c| c.train.batch_size = 0), "train.batchSize: must be between 1 and the 160 training images, got 0"),
        (Box::new(|c| c.train.batch_size = 161), "got 161"),
        (Box::new(|c| c.train.patience = Some(0)), "train.patience: must be between 1 and 1000"),
        (Box::new(|c| c.train.seed = Some(1 << 40)), "train.seed: must be an integer from 0 to 4294967295"),
        (
            Box::new(|c| {
                c.train.loss = LossKind::Bce;
                c.model.output = Activation::Identity
            }),
            "binary cross-entropy needs the sigmoid output activation",
        ),
        (Box::new(|c| c.model.input = 100), "the model expects 100 pixels per image but the data has 784"),
    ];
    for (edit, want) in cases {
        let got = error_of(edit);
        assert!(got.contains(want), "error {got:?} does not say {want:?}");
    }
}

#[test]
fn bad_data_is_refused_with_the_counts() {
    let e = Dataset::new(vec![0; 780], vec![1], 784).unwrap_err().to_string();
    assert!(e.contains("expected 784 pixels per image") && e.contains("got 780 pixels"), "{e}");
    let e = Dataset::new(vec![], vec![], 784).unwrap_err().to_string();
    assert!(e.contains("empty"), "{e}");
    let e = Dataset::from_packed(&[0; 100], 784).unwrap_err().to_string();
    assert!(e.contains("not a multiple of 785"), "{e}");
    let tiny = Dataset::new(vec![0; 784 * 2], vec![0, 1], 784).unwrap();
    assert!(tiny.split().unwrap_err().to_string().contains("at least 3 images"));
}

#[test]
fn flat_values_become_rows_or_say_why() {
    let v: Vec<f32> = (0..12).map(|i| i as f32).collect();
    let m = rows(&v, 4, "image").unwrap();
    assert_eq!(m, ndarray::aview1(&v).into_shape_with_order((3, 4)).unwrap(), "row-major, 3 rows of 4");
    let e = rows(&v[..10], 4, "image").unwrap_err();
    assert_eq!(e, Error::Shape("expected a whole number of images of 4 values each, got 10 values".into()));
    assert!(matches!(rows(&[], 4, "code").unwrap_err(), Error::Shape(m) if m.contains("codes of 4 values")));
    let mut bad = v.clone();
    bad[5] = f32::INFINITY;
    let e = rows(&bad, 4, "image").unwrap_err();
    assert_eq!(e, Error::Data("value 5 is inf, but every value must be a finite number".into()));
}

#[test]
fn first_labels_are_those_of_the_first_images() {
    let d = Dataset::new(vec![0; 3 * 4], vec![7, 8, 9], 4).unwrap();
    assert_eq!(d.first_labels(2), &[7, 8]);
    assert_eq!(d.first_labels(10), &[7, 8, 9], "fewer if there are fewer");
    assert_eq!(d.first_labels(10).len(), d.to_matrix(10).nrows());
}

#[test]
fn wrong_widths_at_inference_are_errors() {
    let mut ae = Autoencoder::new(&Default::default(), 1).unwrap();
    let e = ae.reconstruct(Array2::zeros((2, 780)).view()).unwrap_err().to_string();
    assert_eq!(e, "expected 784 values per image, got 780");
    let e = ae.decode(Array2::zeros((1, 3)).view()).unwrap_err().to_string();
    assert_eq!(e, "expected 32 values per code, got 3");
    assert_eq!(ae.reconstruct(Array2::zeros((3, 784)).view()).unwrap().dim(), (3, 784));
    assert_eq!(ae.encode(Array2::zeros((3, 784)).view()).unwrap().dim(), (3, 32));
}

#[test]
fn unknown_or_mistyped_json_keys_are_errors() {
    let e = serde_json::from_str::<Config>(r#"{"model":{"latnet":2}}"#).unwrap_err().to_string();
    assert!(e.contains("unknown field `latnet`"), "{e}");
    let e = serde_json::from_str::<Config>(r#"{"model":{"activation":"swish"}}"#).unwrap_err().to_string();
    assert!(e.contains("unknown variant `swish`"), "{e}");
    let c: Config = serde_json::from_str(r#"{"model":{"latent":2},"train":{"lr":0.01}}"#).unwrap();
    assert_eq!((c.model.latent, c.train.lr, c.model.encoder.clone()), (2, 0.01, vec![256, 64]));
}
