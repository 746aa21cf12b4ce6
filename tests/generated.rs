//! The generated data sets (src/generated.rs) trained on as a learner would:
//! rows of values of any width go through the same trainer as the digits.
//! Two claims the lessons make are checked here, against named baselines:
//! on *Curve in 3-D* a 2-number code reconstructs the roll far better than
//! PCA's best plane; on *Machine sensors* an autoencoder trained on healthy
//! windows ranks the faulty ones above the healthy ones better than the
//! distance to the healthy mean and PCA's error do.
#![cfg(feature = "lab")]

use autoencoder_playground::analysis::anomaly::roc_auc;
use autoencoder_playground::config::Config;
use autoencoder_playground::generated::{machine_sensors, swiss_roll};
use autoencoder_playground::metrics::mse_batch;
use autoencoder_playground::nn::Activation;
use autoencoder_playground::pca::Pca;
use autoencoder_playground::{Dataset, Trainer};
use ndarray::{Array2, ArrayView2, Axis};

/// A config for rows of `width` real values (not pixels): linear output, MSE.
fn table_config(width: usize, encoder: &[usize], latent: usize, lr: f32) -> Config {
    let mut cfg = Config::default();
    cfg.model.input = width;
    cfg.model.encoder = encoder.to_vec();
    cfg.model.latent = latent;
    cfg.model.activation = Activation::Tanh;
    cfg.model.output = Activation::Identity;
    cfg.train.lr = lr;
    cfg.train.batch_size = 64;
    cfg.train.seed = Some(5);
    cfg
}

fn per_row_error(a: ArrayView2<f32>, b: ArrayView2<f32>) -> Vec<f32> {
    (&a - &b).mapv(|d| d * d).mean_axis(Axis(1)).unwrap().to_vec()
}

#[test]
fn a_two_number_code_unrolls_the_curve_where_pca_finds_a_plane() {
    let roll = swiss_roll(4000, 0.02, 11).unwrap();
    let data = roll.dataset().unwrap();
    let mut t = Trainer::new(table_config(3, &[64, 64], 2, 0.005), &data).unwrap();
    t.step(6000).unwrap();
    let (train, val) = (t.data().train.to_matrix(usize::MAX), t.data().validation.to_matrix(usize::MAX));
    let ae = mse_batch(t.model_mut().reconstruct(val.view()).unwrap().view(), val.view()).unwrap();
    let pca2 = Pca::fit(train.view(), 2).unwrap();
    let plane = mse_batch(pca2.reconstruct(val.view()).unwrap().view(), val.view()).unwrap();
    let pca1 = Pca::fit(train.view(), 1).unwrap();
    let line = mse_batch(pca1.reconstruct(val.view()).unwrap().view(), val.view()).unwrap();
    println!("Curve in 3-D, validation MSE: autoencoder (2-number code) {ae:.5}, PCA-2 {plane:.5}, PCA-1 {line:.5}");
    assert!(plane < line, "PCA's plane {plane} beats its line {line}");
    assert!(
        ae < 0.25 * plane,
        "the autoencoder's 2-number code ({ae}) should reconstruct far better than PCA-2 ({plane})"
    );
}

/// Rows of `data` whose label is 0, as a dataset of their own.
fn healthy(values: &[f32], labels: &[u8], width: usize) -> Dataset {
    let keep: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == 0).collect();
    let rows: Vec<f32> = keep.iter().flat_map(|&i| values[i * width..(i + 1) * width].iter().copied()).collect();
    Dataset::from_values(rows, vec![0; keep.len()], width).unwrap()
}

#[test]
fn faulty_machine_windows_stand_out_better_than_with_the_baselines() {
    let fit = machine_sensors(3000, 0.0, 21).unwrap();
    let width = fit.width;
    let data = healthy(&fit.values, &fit.labels, width);
    let mut t = Trainer::new(table_config(width, &[64], 8, 0.002), &data).unwrap();
    t.step(3000).unwrap();

    let test = machine_sensors(2000, 0.2, 22).unwrap();
    let x = Array2::from_shape_vec((test.len(), width), test.values.clone()).unwrap();
    let faulty: Vec<bool> = test.labels.iter().map(|&l| l != 0).collect();
    let recon = t.model_mut().reconstruct(x.view()).unwrap();
    let ae = roc_auc(&per_row_error(x.view(), recon.view()), &faulty).unwrap();

    let train = t.data().train.to_matrix(usize::MAX);
    let mean = train.mean_axis(Axis(0)).unwrap();
    let to_mean = per_row_error(x.view(), mean.broadcast(x.dim()).unwrap());
    let by_mean = roc_auc(&to_mean, &faulty).unwrap();
    let pca = Pca::fit(train.view(), 8).unwrap();
    let by_pca = roc_auc(&per_row_error(x.view(), pca.reconstruct(x.view()).unwrap().view()), &faulty).unwrap();
    println!("Machine sensors, ROC AUC of faulty vs healthy windows: autoencoder {ae:.3}, distance to the mean {by_mean:.3}, PCA-8 {by_pca:.3}");
    assert!(ae > 0.9, "the autoencoder's AUC is {ae}");
    assert!(ae > by_mean + 0.1, "autoencoder {ae} vs distance to the healthy mean {by_mean}");
    assert!(ae >= by_pca - 0.02, "autoencoder {ae} vs PCA-8 {by_pca}");
}

#[test]
fn rows_of_values_are_checked_and_trained_as_they_are() {
    // Values outside [0, 1] reach the network unchanged (a byte dataset would be scaled by 1/255).
    let values = vec![-3.0, 0.5, 7.25, 1.0, 2.0, -0.5, 0.0, 4.0, 9.0];
    let d = Dataset::from_values(values.clone(), vec![0, 1, 2], 3).unwrap();
    assert_eq!(d.to_matrix(usize::MAX).into_raw_vec_and_offset().0, values);
    assert_eq!(d.image(0), None);
    let e = Dataset::from_values(vec![1.0, f32::INFINITY, 0.0, 1.0], vec![0, 0], 2).unwrap_err();
    assert!(e.to_string().contains("row 1, value 2 is inf"), "{e}");
    let e = Dataset::from_values(vec![f32::NAN; 4], vec![0, 0], 2).unwrap_err();
    assert!(e.to_string().contains("every value is missing"), "{e}");
    let e = Dataset::from_values(vec![1.0; 5], vec![0, 0], 2).unwrap_err();
    assert!(e.to_string().contains("expected 2 rows of 2 values (4 values), got 5"), "{e}");
    // A trainer on rows of a width other than the config's says so.
    let e = Trainer::new(table_config(4, &[8], 2, 0.01), &d).err().unwrap();
    assert!(e.to_string().contains('3') && e.to_string().contains('4'), "{e}");
}

#[test]
fn split_order_names_the_rows_the_split_trains_on() {
    // Each row's one value is its index: the split's parts read back as indices.
    for n in [3usize, 10, 37, 1000] {
        let d = Dataset::from_values((0..n).map(|i| i as f32).collect(), vec![0; n], 1).unwrap();
        let s = d.split().unwrap();
        let ids = |m: Array2<f32>| m.iter().map(|&v| v as usize).collect::<Vec<_>>();
        let (val, test, train) = autoencoder_playground::data::split_order(n);
        assert_eq!(ids(s.validation.to_matrix(usize::MAX)), val, "n = {n}");
        assert_eq!(ids(s.test.to_matrix(usize::MAX)), test, "n = {n}");
        assert_eq!(ids(s.train.to_matrix(usize::MAX)), train, "n = {n}");
    }
}

#[test]
fn missing_cells_are_left_out_of_the_loss_and_the_rest_is_learnt() {
    // A fifth of the roll's cells missing (NaN), at random.
    let roll = swiss_roll(3000, 0.02, 12).unwrap();
    let mut rng = autoencoder_playground::rng::from_seed(4);
    let values: Vec<f32> =
        roll.values.iter().map(|&v| if rand::RngExt::random::<f32>(&mut rng) < 0.2 { f32::NAN } else { v }).collect();
    let data = Dataset::from_values(values, roll.labels.clone(), 3).unwrap();
    assert!(data.has_missing());
    let mut t = Trainer::new(table_config(3, &[64, 64], 2, 0.005), &data).unwrap();
    let first = t.evaluate().unwrap().mse;
    let stats = t.step(3000).unwrap();
    assert!(stats.batch_loss.is_finite());
    let e = t.evaluate().unwrap();
    assert!(e.mse < 0.2 * first, "validation MSE on the present cells {first} -> {}", e.mse);
    // The reported MSE is the f64 textbook mean over the present cells of the reconstructions
    // of the inputs as the network takes them (missing -> 0).
    let x = t.data().validation.to_matrix(usize::MAX);
    let target = t.data().validation.to_targets(usize::MAX);
    assert!(x.iter().all(|v| v.is_finite()) && target.iter().any(|v| v.is_nan()));
    let y = t.model_mut().reconstruct(x.view()).unwrap();
    let (mut sum, mut present) = (0.0f64, 0usize);
    for (&p, &q) in y.iter().zip(target.iter()) {
        if !q.is_nan() {
            sum += (p as f64 - q as f64).powi(2);
            present += 1;
        }
    }
    assert!(present < target.len() && (e.mse as f64 - sum / present as f64).abs() < 1e-6 * (1.0 + sum));
    // Only the MSE can leave cells out.
    let mut bce = table_config(3, &[8], 2, 0.01);
    bce.train.loss = autoencoder_playground::config::LossKind::Bce;
    bce.model.output = Activation::Sigmoid;
    let e = Trainer::new(bce, &data).err().unwrap();
    assert!(e.to_string().contains("only the MSE loss can leave out"), "{e}");
}
