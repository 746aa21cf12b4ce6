//! Autoencoders at work: anomaly scores and ROC (checked against the
//! Mann–Whitney statistic), the softmax classifier (gradient-checked) and the
//! feature comparison, and imputation of missing pixels, on the real digits
//! after short fixed-seed trainings.
#![cfg(feature = "lab")] // save/load, applications and AutoRec are the "lab" feature (on by default)

mod common;

use std::sync::{Mutex, MutexGuard, OnceLock};

use autoencoder_playground::analysis::anomaly::{self, RocPoint};
use autoencoder_playground::analysis::classifier::{
    compare_features, labelled_subset, softmax_cross_entropy, Budget, Classifier, CompareConfig,
};
use autoencoder_playground::analysis::impute::{self, ImputeSpec, MaskKind};
use autoencoder_playground::config::Config;
use autoencoder_playground::noise::NoiseKind;
use autoencoder_playground::rng::from_seed;
use autoencoder_playground::{Error, Trainer};
use ndarray::{array, Array2};
use rand::RngExt;

/// A small autoencoder (784 → 128 → 16) trained for 600 steps of 64 digits.
fn train(configure: impl FnOnce(&mut Config)) -> Trainer {
    let mut cfg = Config::default();
    cfg.model.encoder = vec![128];
    cfg.model.latent = 16;
    configure(&mut cfg);
    let mut t = Trainer::new(cfg, &common::digits()).unwrap();
    t.step(600).unwrap();
    t
}

/// The plain model, trained once on every class and shared by the tests that only read it.
fn plain_model() -> MutexGuard<'static, Trainer> {
    static MODEL: OnceLock<Mutex<Trainer>> = OnceLock::new();
    MODEL.get_or_init(|| Mutex::new(train(|_| {}))).lock().unwrap()
}

// ---------- anomaly scores and ROC ----------

/// Mann–Whitney U / (n_pos·n_neg) by counting every (anomaly, normal) pair:
/// 1 when the anomaly scores higher, ½ for a tie.
fn pairwise_auc(scores: &[f32], is_anomaly: &[bool]) -> f64 {
    let (mut u, mut pairs) = (0.0f64, 0.0f64);
    for (&si, _) in scores.iter().zip(is_anomaly).filter(|(_, &a)| a) {
        for (&sj, _) in scores.iter().zip(is_anomaly).filter(|(_, &a)| !a) {
            u += if si > sj {
                1.0
            } else if si == sj {
                0.5
            } else {
                0.0
            };
            pairs += 1.0;
        }
    }
    u / pairs
}

#[test]
fn auc_equals_the_mann_whitney_statistic() {
    // Hand-made, with ties inside and across the classes.
    let scores = [0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.1, 0.7, 0.4, 0.2];
    let is_anomaly = [false, true, false, true, false, true, true, false, false, false];
    let auc = anomaly::roc_auc(&scores, &is_anomaly).unwrap() as f64;
    let u = pairwise_auc(&scores, &is_anomaly);
    assert!((auc - u).abs() < 1e-6, "trapezoid {auc} vs Mann–Whitney {u}");
    // By hand: the anomalies 0.9 and 0.8 beat all 6 normal scores, 0.4 beats 3 and ties 2, 0.1 ties 1.
    assert!((u - 16.5 / 24.0).abs() < 1e-12, "got {u}");

    // Many ties: scores drawn from five levels.
    let mut rng = from_seed(5);
    let scores: Vec<f32> = (0..300).map(|_| rng.random_range(0..5) as f32).collect();
    let is_anomaly: Vec<bool> = scores.iter().map(|&s| rng.random::<f32>() < 0.2 + 0.1 * s).collect();
    let auc = anomaly::roc_auc(&scores, &is_anomaly).unwrap() as f64;
    assert!((auc - pairwise_auc(&scores, &is_anomaly)).abs() < 1e-5);

    // Limits: perfect, reversed, all tied.
    let flags = [false, false, true, true];
    assert_eq!(anomaly::roc_auc(&[0.0, 1.0, 2.0, 3.0], &flags).unwrap(), 1.0);
    assert_eq!(anomaly::roc_auc(&[3.0, 2.0, 1.0, 0.0], &flags).unwrap(), 0.0);
    assert_eq!(anomaly::roc_auc(&[1.0; 4], &flags).unwrap(), 0.5);
}

#[test]
fn roc_curve_runs_from_nothing_flagged_to_everything_flagged() {
    let scores = [0.3, 0.9, 0.3, 0.5, 0.1];
    let is_anomaly = [true, true, false, false, false];
    let roc = anomaly::roc_curve(&scores, &is_anomaly).unwrap();
    let p = |threshold, fpr, tpr| RocPoint { threshold, fpr, tpr };
    // One point per distinct score; the tie at 0.3 moves both rates at once.
    assert_eq!(
        roc,
        vec![
            p(f32::INFINITY, 0.0, 0.0),
            p(0.9, 0.0, 0.5),
            p(0.5, 1.0 / 3.0, 0.5),
            p(0.3, 2.0 / 3.0, 1.0),
            p(0.1, 1.0, 1.0)
        ]
    );
    let e = anomaly::roc_curve(&scores, &[false; 5]).unwrap_err().to_string();
    assert!(e.contains("0 anomalies"), "{e}");
    assert!(anomaly::roc_curve(&scores, &[true]).unwrap_err().to_string().contains("5 scores but 1 flags"));
    assert!(anomaly::roc_curve(&[f32::NAN, 1.0], &[true, false]).is_err());
}

#[test]
fn percentile_interpolates_like_numpy() {
    let v = [4.0, 1.0, 3.0, 2.0];
    // np.percentile([1, 2, 3, 4], [0, 25, 50, 95, 100]) = [1, 1.75, 2.5, 3.85, 4]
    for (q, want) in [(0.0, 1.0), (25.0, 1.75), (50.0, 2.5), (95.0, 3.85), (100.0, 4.0)] {
        let got = anomaly::percentile(&v, q).unwrap();
        assert!((got - want).abs() < 1e-6, "q={q}: {got} vs {want}");
    }
    assert!(anomaly::percentile(&[], 50.0).is_err());
    assert!(anomaly::percentile(&v, 101.0).unwrap_err().to_string().contains("between 0 and 100"));
}

#[test]
fn precision_and_recall_count_flagged_digits() {
    let scores = [0.9, 0.8, 0.7, 0.2, 0.1];
    let is_anomaly = [true, false, true, true, false];
    let pr = anomaly::precision_recall(&scores, &is_anomaly, 0.7).unwrap();
    assert_eq!((pr.true_positives, pr.false_positives, pr.false_negatives), (2, 1, 1));
    assert!((pr.precision - 2.0 / 3.0).abs() < 1e-6 && (pr.recall - 2.0 / 3.0).abs() < 1e-6);
    let none = anomaly::precision_recall(&scores, &is_anomaly, 1.0).unwrap();
    assert_eq!((none.precision, none.recall), (1.0, 0.0));
}

#[test]
fn reconstruction_errors_are_per_image_mses() {
    let x = array![[0.0, 1.0], [0.5, 0.5]];
    let y = array![[0.0, 0.0], [1.0, 0.0]];
    assert_eq!(anomaly::reconstruction_errors(x.view(), y.view()).unwrap(), vec![0.5, 0.25]);
    let e = anomaly::reconstruction_errors(x.view(), Array2::zeros((2, 3)).view()).unwrap_err().to_string();
    assert!(e.contains("2×2 and 2×3"), "{e}");
}

/// Trains without `class`; returns the test AUC of the reconstruction error and
/// precision/recall when flagging above the 95th percentile of validation errors.
fn held_out_auc(class: u8) -> (f32, anomaly::PrecisionRecall) {
    let mut t = train(|c| {
        c.model.encoder = vec![64];
        c.train.exclude_class = Some(class);
    });
    let val = t.data().validation.to_matrix(usize::MAX);
    let threshold = anomaly::percentile(&anomaly::scores(t.model_mut(), val.view()).unwrap(), 95.0).unwrap();
    let test = t.data().test.to_matrix(usize::MAX);
    let flags = anomaly::is_class(t.data().test.labels(), class);
    let scores = anomaly::scores(t.model_mut(), test.view()).unwrap();
    (anomaly::roc_auc(&scores, &flags).unwrap(), anomaly::precision_recall(&scores, &flags, threshold).unwrap())
}

#[test]
fn a_held_out_two_is_an_anomaly() {
    // Held-out class → test AUC after 600 steps of 784-64-16 (seed 1):
    // 0: 0.90, 1: 0.42, 2: 0.94, 3: 0.83, 4: 0.76, 5: 0.85, 6: 0.81, 7: 0.66, 8: 0.87, 9: 0.59.
    // Twos are the clearest; at the 95th-percentile threshold recall is 0.67, precision 0.6.
    let (auc, pr) = held_out_auc(2);
    assert!(auc > 0.9, "AUC {auc}");
    assert!(pr.recall > 0.5 && pr.precision > 0.4, "{pr:?}");
    println!("held-out 2: AUC {auc:.3}, {pr:?}");
}

#[test]
fn a_held_out_one_is_not_an_anomaly() {
    // A one is a single stroke: easy to reconstruct even for a model that never
    // saw one, so it scores below typical digits and the AUC falls under 0.5.
    let (auc, _) = held_out_auc(1);
    assert!(auc < 0.5, "AUC {auc}");
    println!("held-out 1: AUC {auc:.3}");
}

// ---------- the softmax classifier ----------

#[test]
fn softmax_cross_entropy_value_and_gradient() {
    let mut grad = Array2::zeros((0, 0));
    // Equal logits: the loss is ln 10 and the gradient (1/10 − one-hot)/n.
    let loss = softmax_cross_entropy(Array2::zeros((2, 10)).view(), &[3, 7], &mut grad).unwrap();
    assert!((loss - 10f32.ln()).abs() < 1e-6);
    assert!((grad[[0, 3]] + 0.45).abs() < 1e-6 && (grad[[0, 0]] - 0.05).abs() < 1e-6);
    // Central differences on random logits (h = 1e-2, loss in f32 around 2: error ≈ 1e-4).
    let mut rng = from_seed(3);
    let z = Array2::from_shape_simple_fn((4, 10), || rng.random_range(-3.0f32..3.0));
    let labels = [0, 9, 4, 4];
    softmax_cross_entropy(z.view(), &labels, &mut grad).unwrap();
    let mut scratch = Array2::zeros((0, 0));
    let (mut diff, mut norm) = (0.0f64, 0.0f64);
    for i in 0..z.len() {
        let mut zp = z.clone();
        zp.as_slice_mut().unwrap()[i] += 1e-2;
        let lp = softmax_cross_entropy(zp.view(), &labels, &mut scratch).unwrap() as f64;
        zp.as_slice_mut().unwrap()[i] -= 2e-2;
        let lm = softmax_cross_entropy(zp.view(), &labels, &mut scratch).unwrap() as f64;
        let (a, n) = (grad.as_slice().unwrap()[i] as f64, (lp - lm) / 2e-2);
        diff += (a - n).powi(2);
        norm += a.abs() + n.abs();
    }
    let rel = diff.sqrt() / norm;
    assert!(rel < 1e-3, "relative error {rel:.2e}");
    // Huge logits stay finite.
    let big = array![[1e4f32, -1e4, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]];
    assert!(softmax_cross_entropy(big.view(), &[1], &mut grad).unwrap().is_finite());
    assert!(softmax_cross_entropy(big.view(), &[10], &mut grad).unwrap_err().to_string().contains("label 10"));
}

#[test]
fn classifier_learns_synthetic_classes_and_repeats_bit_for_bit() {
    // Ten blobs in 30 dimensions (centres uniform in ±1, noise uniform in ±0.5): separable.
    let mut rng = from_seed(8);
    let centres = Array2::from_shape_simple_fn((10, 30), || rng.random_range(-1.0f32..1.0));
    let labels: Vec<u8> = (0..400).map(|i| (i % 10) as u8).collect();
    let x = Array2::from_shape_fn((400, 30), |(i, j)| centres[[i % 10, j]] + rng.random_range(-0.5f32..0.5));
    let budget = Budget { epochs: 20, batch_size: 32, ..Budget::default() };
    let a = Classifier::fit(x.view(), &labels, &budget, 4).unwrap();
    assert!(a.accuracy(x.view(), &labels).unwrap() > 0.95);
    let b = Classifier::fit(x.view(), &labels, &budget, 4).unwrap();
    let bits = |c: &Classifier| c.logits(x.view()).unwrap().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&a), bits(&b));
    let c = Classifier::fit(x.view(), &labels, &budget, 5).unwrap();
    assert_ne!(bits(&a), bits(&c));
    let e = Classifier::fit(x.view(), &labels[1..], &budget, 4).err().unwrap().to_string();
    assert!(e.contains("400 rows but 399 labels"), "{e}");
    assert!(a.predict(Array2::zeros((1, 29)).view()).unwrap_err().to_string().contains("expected 30 features"));
}

#[test]
fn labelled_subset_takes_ten_of_each_digit() {
    let labels = common::digits().split().unwrap().train.labels().to_vec();
    let few = labelled_subset(&labels, 10, 1).unwrap();
    assert_eq!(few.len(), 100);
    for c in 0..10u8 {
        assert_eq!(few.iter().filter(|&&i| labels[i] == c).count(), 10);
    }
    assert_eq!(few, labelled_subset(&labels, 10, 1).unwrap());
    assert_ne!(few, labelled_subset(&labels, 10, 2).unwrap());
    assert!(labelled_subset(&labels[..50], 10, 1).unwrap_err().to_string().contains("10 labelled digits per class"));
}

#[test]
fn codes_against_pixels_and_pca_with_all_labels_and_with_100() {
    // Measured (test accuracy; 784-128-16 autoencoder after 600 steps, seed 1):
    //            all 8,000 labels   100 labels
    //   pixels        0.893           0.770
    //   PCA (16)      0.856           0.731
    //   codes (16)    0.873           0.788
    // Over label seeds 1–6 the 100-label accuracies average pixels 0.749, PCA
    // 0.709, codes 0.762: the 16 codes do as well as the 784 pixels (−0.004 to
    // +0.025) and beat 16 PCA components by 2.5–6 points. With all labels the
    // pixels' extra dimensions win.
    let mut t = plain_model();
    let split = t.data().clone();
    let scores = compare_features(t.model_mut(), &split.train, &split.test, &CompareConfig::default()).unwrap();
    drop(t);
    println!("{scores:#?}");
    let [pixels, pca, codes] = [0, 1, 2].map(|i| scores[i].clone());
    assert_eq!((pixels.dims, pca.dims, codes.dims), (784, 16, 16));
    for s in &scores {
        assert!(s.all_labels > 0.83, "{s:?}");
        assert!(s.few_labels > 0.6 && s.few_labels < s.all_labels, "{s:?}");
    }
    assert!(codes.few_labels > pca.few_labels + 0.02, "codes {codes:?} vs PCA {pca:?}");
    assert!((codes.few_labels - pixels.few_labels).abs() < 0.04, "codes {codes:?} vs pixels {pixels:?}");
    assert!(pixels.all_labels > codes.all_labels && codes.all_labels > pca.all_labels);
}

// ---------- imputation ----------

#[test]
fn masks_mark_the_missing_pixels() {
    let top = impute::make_mask(MaskKind::TopHalf, 2, 784, 0).unwrap();
    assert!(top.row(1).iter().take(14 * 28).all(|&m| m == 0) && top.row(1).iter().skip(14 * 28).all(|&m| m == 1));
    let centre = impute::make_mask(MaskKind::CentreSquare { side: 10 }, 1, 784, 0).unwrap();
    assert_eq!(centre.iter().filter(|&&m| m == 0).count(), 100);
    assert_eq!(
        (centre[[0, 9 * 28 + 9]], centre[[0, 9 * 28 + 8]], centre[[0, 18 * 28 + 18]], centre[[0, 19 * 28 + 19]]),
        (0, 1, 0, 1)
    );
    let random = impute::make_mask(MaskKind::Random { rate: 0.3 }, 50, 784, 9).unwrap();
    let missing = random.iter().filter(|&&m| m == 0).count() as f32 / random.len() as f32;
    assert!((missing - 0.3).abs() < 0.01, "{missing}");
    assert_eq!(random, impute::make_mask(MaskKind::Random { rate: 0.3 }, 50, 784, 9).unwrap());
    assert!(impute::make_mask(MaskKind::TopHalf, 1, 780, 0)
        .unwrap_err()
        .to_string()
        .contains("780 pixels is not a square"));
    assert!(impute::make_mask(MaskKind::Random { rate: 1.5 }, 1, 4, 0).is_err());
    assert!(impute::make_mask(MaskKind::CentreSquare { side: 29 }, 1, 784, 0).is_err());
}

#[test]
fn mean_fill_touches_missing_pixels_only_and_the_score_counts_them_only() {
    let x = array![[0.2, 0.4], [0.6, 0.8]];
    let mask = array![[1u8, 0], [0, 1]];
    let mean = array![0.5, 0.5];
    let filled = impute::mean_impute(x.view(), mask.view(), mean.view()).unwrap();
    assert_eq!(filled, array![[0.2, 0.5], [0.5, 0.8]]);
    // Missing errors 0.1 and 0.1; observed pixels are not averaged in.
    let mse = impute::missing_mse(filled.view(), x.view(), mask.view()).unwrap();
    assert!((mse - 0.01).abs() < 1e-7, "{mse}");
    assert!(impute::missing_mse(x.view(), x.view(), Array2::ones((2, 2)).view()).is_err());
    assert!(impute::mean_impute(x.view(), array![[2u8, 1], [1, 1]].view(), mean.view()).is_err());
}

#[test]
fn iterative_imputation_beats_the_mean_on_scattered_pixels() {
    // Missing-pixel MSE on the 1,000 test digits, half their pixels missing at
    // random: mean 0.067, one pass 0.040, five passes 0.030.
    let mut t = plain_model();
    let mean = impute::pixel_mean(t.data().train.to_matrix(usize::MAX).view()).unwrap();
    let x = t.data().test.to_matrix(usize::MAX);
    let mask = impute::make_mask(MaskKind::Random { rate: 0.5 }, x.nrows(), x.ncols(), 3).unwrap();
    let mse = |y: Array2<f32>| impute::missing_mse(y.view(), x.view(), mask.view()).unwrap();
    let base = mse(impute::mean_impute(x.view(), mask.view(), mean.view()).unwrap());
    let one = impute::impute(t.model_mut(), x.view(), mask.view(), mean.view(), 1).unwrap();
    let five = impute::impute(t.model_mut(), x.view(), mask.view(), mean.view(), 5).unwrap();
    assert!(one.iter().zip(&x).zip(&mask).all(|((&y, &v), &m)| m == 0 || y == v), "observed pixels changed");
    let (one, five) = (mse(one), mse(five));
    println!("random 50%: mean {base:.4}, one pass {one:.4}, five passes {five:.4}");
    assert!(five < one && one < 0.7 * base, "mean {base}, one pass {one}, five passes {five}");
}

#[test]
fn a_denoising_autoencoder_fills_a_missing_block() {
    // The centre 14×14 square missing, on the test digits: the mean scores
    // 0.171; a plain autoencoder from the mean does worse (0.184 in one pass);
    // one trained with 14×14 block noise, from zeros, scores 0.113.
    let mut t = train(|c| {
        c.train.noise = NoiseKind::Block;
        c.train.noise_level = 0.5;
    });
    let mean = impute::pixel_mean(t.data().train.to_matrix(usize::MAX).view()).unwrap();
    let x = t.data().test.to_matrix(usize::MAX);
    let mask = impute::make_mask(MaskKind::CentreSquare { side: 14 }, x.nrows(), x.ncols(), 0).unwrap();
    let base = impute::mean_impute(x.view(), mask.view(), mean.view()).unwrap();
    let base = impute::missing_mse(base.view(), x.view(), mask.view()).unwrap();
    let zeros = ndarray::Array1::zeros(x.ncols());
    let y = impute::impute(t.model_mut(), x.view(), mask.view(), zeros.view(), 1).unwrap();
    let filled = impute::missing_mse(y.view(), x.view(), mask.view()).unwrap();
    println!("centre 14×14: mean {base:.4}, denoising autoencoder {filled:.4}");
    assert!(filled < 0.8 * base, "mean {base}, denoising autoencoder {filled}");
}

fn field(e: Error) -> String {
    match e {
        Error::InvalidConfig { field, .. } => field,
        other => panic!("expected an InvalidConfig error, got {other:?}"),
    }
}

#[test]
fn flat_masks_and_fills_impute_as_their_arrays_do() {
    let mut t = plain_model();
    let x = t.data().test.to_matrix(3);
    let mask = impute::make_mask(MaskKind::Random { rate: 0.4 }, 3, 784, 5).unwrap();
    let fill = impute::dataset_mean(&t.data().train).unwrap();
    let flat_mask = mask.as_slice().unwrap();
    let flat_fill = fill.as_slice().unwrap();
    let model = t.model_mut();
    for iterations in [0, 2] {
        let want = impute::impute(model, x.view(), mask.view(), fill.view(), iterations).unwrap();
        assert_eq!(impute::impute_flat(model, x.view(), flat_mask, flat_fill, iterations).unwrap(), want);
    }
    let e = impute::impute_flat(model, x.view(), &flat_mask[..10], flat_fill, 1).unwrap_err();
    assert!(matches!(&e, Error::Shape(m) if m.contains("one byte per pixel: 2352 values, got 10")), "{e:?}");
    let e = impute::impute_flat(model, x.view(), flat_mask, &flat_fill[..10], 1).unwrap_err();
    assert_eq!(e, Error::Shape("fill needs 784 values, got 10".into()));
    assert_eq!(field(impute::impute_flat(model, x.view(), flat_mask, flat_fill, 51).unwrap_err()), "iterations");
}

#[test]
fn the_imputation_report_scores_the_mean_one_pass_and_more() {
    let mut t = plain_model();
    let (model, data) = t.model_and_data();
    let spec = ImputeSpec { mask: MaskKind::TopHalf, iterations: 3, n: 50 };
    let r = impute::report(model, data, &spec).unwrap();
    assert_eq!(r.missing, 0.5, "the top 14 of 28 rows are missing");
    // The baseline by hand, in f64: each missing pixel's training mean against the truth.
    let train = &data.train;
    let mean: Vec<f64> = (0..784)
        .map(|p| (0..train.len()).map(|i| train.image(i).unwrap()[p] as f64 / 255.0).sum::<f64>() / train.len() as f64)
        .collect();
    let mut sum = 0.0;
    for i in 0..50 {
        let img = data.test.image(i).unwrap();
        sum += (0..392).map(|p| (mean[p] - (img[p] as f32 / 255.0) as f64).powi(2)).sum::<f64>();
    }
    let by_hand = sum / (50.0 * 392.0);
    assert!((r.mean as f64 - by_hand).abs() < 1e-6 * by_hand.max(1.0), "{} vs {by_hand}", r.mean);
    // One and three passes of `impute` from the mean, scored on the missing pixels.
    let x = data.test.to_matrix(50);
    let mask = impute::make_mask(MaskKind::TopHalf, 50, 784, 0).unwrap();
    let fill = impute::dataset_mean(&data.train).unwrap();
    let score = |y: Array2<f32>| impute::missing_mse(y.view(), x.view(), mask.view()).unwrap();
    assert_eq!(r.one_pass, score(impute::impute(model, x.view(), mask.view(), fill.view(), 1).unwrap()));
    assert_eq!(r.iterative, score(impute::impute(model, x.view(), mask.view(), fill.view(), 3).unwrap()));
    let once = impute::report(model, data, &ImputeSpec { iterations: 1, ..spec }).unwrap();
    assert_eq!(once.iterative, once.one_pass, "one iteration is one pass");
    for (n, iterations, name) in [(0, 3, "n"), (1001, 3, "n"), (10, 0, "iterations"), (10, 51, "iterations")] {
        let e = impute::report(model, data, &ImputeSpec { n, iterations, ..spec }).unwrap_err();
        assert_eq!(field(e), name, "n {n}, iterations {iterations}");
    }
}

#[test]
fn imputation_settings_take_defaults_and_refuse_unknown_keys() {
    let spec: ImputeSpec = serde_json::from_str(r#"{"mask":{"kind":"topHalf"}}"#).unwrap();
    assert_eq!(spec, ImputeSpec::default());
    assert_eq!((spec.iterations, spec.n), (5, 100));
    let spec: ImputeSpec = serde_json::from_str(r#"{"mask":{"kind":"centreSquare","side":6},"n":3}"#).unwrap();
    assert_eq!(spec, ImputeSpec { mask: MaskKind::CentreSquare { side: 6 }, iterations: 5, n: 3 });
    assert!(serde_json::from_str::<ImputeSpec>(r#"{"mask":{"kind":"topHalf"},"iteration":2}"#).is_err());
    assert!(serde_json::from_str::<ImputeSpec>("{}").is_err(), "the mask has no default");
}

#[test]
fn the_classifier_tells_apart_as_many_classes_as_its_labels_have() {
    // Two well-separated clusters labelled 0 and 1, and three labelled 3, 7, 200: as many outputs as the
    // largest label + 1, so a person's table with 2 or 201 label values is classified, not refused.
    let classes = [3u8, 7, 200];
    let n = 300;
    let labels: Vec<u8> = (0..n).map(|i| classes[i % 3]).collect();
    let x = Array2::from_shape_fn((n, 4), |(i, j)| {
        (if j == i % 3 { 3.0 } else { 0.0 }) + ((i * 7 + j * 13) % 10) as f32 / 10.0 - 0.5
    });
    let c = Classifier::fit(x.view(), &labels, &Budget::default(), 1).unwrap();
    assert_eq!(c.logits(x.view()).unwrap().ncols(), 201);
    assert!(c.accuracy(x.view(), &labels).unwrap() > 0.95);
    // A class with fewer training rows than asked for: the few are that many of each.
    let few = labelled_subset(&labels[..12], 4, 1).unwrap();
    assert_eq!(few.len(), 12);
    assert!(labelled_subset(&labels[..12], 5, 1).unwrap_err().to_string().contains("class 3 has only 4"));
}
