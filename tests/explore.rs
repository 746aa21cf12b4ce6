//! Views of what a model learned (`explore`), checked against direct
//! computations: interpolation is the decoded straight line between two codes,
//! per-image quality is each image's metrics, and the lab build's `Views` give
//! what a fresh PCA fit, the anomaly functions and the decoder give when
//! called by hand.

mod common;

use autoencoder_playground::config::{Config, MNIST_SIDE};
use autoencoder_playground::explore;
use autoencoder_playground::metrics;
use autoencoder_playground::{Error, Trainer};
use ndarray::{Array2, Axis};

/// A small model trained a little on 300 synthetic images of `pixels` pixels
/// (30 of them test digits, 30 validation digits).
fn trained(pixels: usize, latent: usize, configure: impl FnOnce(&mut Config)) -> Trainer {
    let mut cfg = Config::default();
    cfg.model.input = pixels;
    cfg.model.encoder = vec![16];
    cfg.model.latent = latent;
    cfg.train.batch_size = 8;
    cfg.train.seed = Some(3);
    configure(&mut cfg);
    let mut t = Trainer::new(cfg, &common::synthetic(300, pixels)).unwrap();
    t.step(20).unwrap();
    t
}

fn max_diff(a: &Array2<f32>, b: &Array2<f32>) -> f32 {
    assert_eq!(a.dim(), b.dim());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

fn field(e: Error) -> String {
    match e {
        Error::InvalidConfig { field, .. } => field,
        other => panic!("expected an InvalidConfig error, got {other:?}"),
    }
}

#[test]
fn interpolation_decodes_the_straight_line_between_the_two_codes() {
    let mut t = trained(784, 3, |_| {});
    let x = t.data().validation.to_matrix(2);
    let (a, b) = (x.slice(ndarray::s![0..1, ..]), x.slice(ndarray::s![1..2, ..]));
    let model = t.model_mut();
    let path = explore::interpolate(model, a, b, 5).unwrap();
    assert_eq!(path.dim(), (5, 784));
    // Row i decodes (1 − t)·z_a + t·z_b, t = i/4, built here by hand.
    let (za, zb) = (model.encode(a).unwrap(), model.encode(b).unwrap());
    let mut z = Array2::zeros((5, 3));
    for (i, mut row) in z.axis_iter_mut(Axis(0)).enumerate() {
        let t = i as f32 / 4.0;
        row.assign(&(&za.row(0) * (1.0 - t) + &zb.row(0) * t));
    }
    assert_eq!(path, model.decode(z.view()).unwrap());
    // The ends are the two reconstructions; the same image twice gives its reconstruction at every step.
    let ends = model.reconstruct(x.view()).unwrap();
    assert!(max_diff(&path.select(Axis(0), &[0, 4]), &ends) < 1e-6);
    let still = explore::interpolate(model, a, a, 3).unwrap();
    let rec = model.reconstruct(a).unwrap();
    for row in still.rows() {
        assert!(row.iter().zip(rec.row(0)).all(|(p, q)| (p - q).abs() < 1e-6));
    }
}

#[test]
fn interpolation_names_what_is_wrong() {
    let mut t = trained(784, 3, |_| {});
    let x = t.data().validation.to_matrix(2);
    let one = x.slice(ndarray::s![0..1, ..]);
    let model = t.model_mut();
    for steps in [0, 1, 65] {
        let e = explore::interpolate(model, one, one, steps).unwrap_err();
        assert!(e.to_string().contains("between 2 and 64"), "{e}");
        assert_eq!(field(e), "steps");
    }
    assert!(explore::interpolate(model, one, one, 2).is_ok());
    assert!(explore::interpolate(model, one, one, 64).is_ok());
    let e = explore::interpolate(model, x.view(), one, 3).unwrap_err();
    assert!(matches!(&e, Error::Shape(m) if m.contains("one image each")), "{e:?}");
}

#[test]
fn quality_is_each_images_metrics_of_its_reconstruction() {
    let mut t = trained(784, 4, |_| {});
    let x = t.data().validation.to_matrix(3);
    let q = explore::quality(t.model_mut(), x.view()).unwrap();
    let y = t.model_mut().reconstruct(x.view()).unwrap();
    assert_eq!(q.mse.len(), 3);
    for i in 0..3 {
        let (a, b) = (y.row(i).to_vec(), x.row(i).to_vec());
        assert_eq!(q.mse[i], metrics::mse(&a, &b).unwrap());
        assert_eq!(q.bce[i], metrics::bce(&a, &b).unwrap());
        assert_eq!(q.psnr[i], metrics::psnr(&a, &b).unwrap());
        assert_eq!(q.ssim[i], metrics::ssim(&a, &b, MNIST_SIDE, MNIST_SIDE).unwrap());
        assert_eq!(q.ms_ssim[i], metrics::ms_ssim(&a, &b, MNIST_SIDE, MNIST_SIDE).unwrap());
    }
}

#[test]
fn validation_quality_is_the_mean_over_the_validation_digits() {
    let mut t = trained(784, 4, |_| {});
    let s = explore::validation_quality(&mut t).unwrap();
    let x = t.data().validation.to_matrix(usize::MAX);
    let q = explore::quality(t.model_mut(), x.view()).unwrap();
    let mean = |v: &[f32]| (v.iter().map(|&x| x as f64).sum::<f64>() / v.len() as f64) as f32;
    // Every image has 784 pixels, so the MSE over all pixels is the mean of the per-image MSEs.
    assert!((s.mse - mean(&q.mse)).abs() < 1e-6, "{} vs {}", s.mse, mean(&q.mse));
    assert!((s.bce - mean(&q.bce)).abs() < 1e-5);
    assert!((s.ssim - mean(&q.ssim)).abs() < 1e-6);
    assert!((s.ms_ssim - mean(&q.ms_ssim)).abs() < 1e-6);
    // PSNR of the mean MSE, as `evaluate` reports it: 10·log10(1/mse).
    assert_eq!(s.psnr, metrics::psnr_from_mse(s.mse));
    assert!((s.psnr - (-10.0 * s.mse.log10())).abs() < 1e-5);
    assert_eq!(s.mse, t.evaluate().unwrap().mse, "the same validation MSE as evaluate()");
}

/// Pictures of any shape (lab build): gray 28×28 gives `validation_quality`'s numbers bit for bit; colour
/// pictures get SSIM and MS-SSIM per channel, averaged (scikit-image's `channel_axis`), and MSE over all values.
#[cfg(feature = "lab")]
#[test]
fn validation_quality_of_any_image_shape_averages_ssim_over_channels() {
    use autoencoder_playground::config::ImageShape;
    let mut t = trained(784, 4, |_| {});
    let gray = explore::validation_quality_of(&mut t, ImageShape { channels: 1, height: 28, width: 28 }).unwrap();
    assert_eq!(gray, explore::validation_quality(&mut t).unwrap());

    let shape = ImageShape { channels: 3, height: 16, width: 14 };
    let mut t = trained(shape.len(), 4, |_| {});
    let s = explore::validation_quality_of(&mut t, shape).unwrap();
    let x = t.data().validation.to_matrix(usize::MAX);
    let y = t.model_mut().reconstruct(x.view()).unwrap();
    let plane = 16 * 14;
    let (mut ssim, mut ms) = (0.0f64, 0.0f64);
    for c in 0..3 {
        for (a, b) in y.axis_iter(Axis(0)).zip(x.axis_iter(Axis(0))) {
            let (a, b) = (a.to_vec(), b.to_vec());
            let (a, b) = (&a[c * plane..(c + 1) * plane], &b[c * plane..(c + 1) * plane]);
            ssim += metrics::ssim(a, b, 14, 16).unwrap() as f64;
            ms += metrics::ms_ssim(a, b, 14, 16).unwrap() as f64;
        }
    }
    let n = (3 * x.nrows()) as f64;
    assert!((s.ssim as f64 - ssim / n).abs() < 1e-5, "{} vs {}", s.ssim, ssim / n);
    assert!((s.ms_ssim as f64 - ms / n).abs() < 1e-5);
    assert_eq!(s.mse, t.evaluate().unwrap().mse);
    let wrong = ImageShape { channels: 3, height: 16, width: 16 };
    let e = explore::validation_quality_of(&mut t, wrong).unwrap_err().to_string();
    assert!(e.contains("do not match the network's 672 inputs"), "{e}");
}

#[cfg(feature = "lab")]
mod views {
    use autoencoder_playground::analysis::anomaly;
    use autoencoder_playground::explore::Views;
    use autoencoder_playground::nn::loss;
    use autoencoder_playground::pca::Pca;
    use autoencoder_playground::Error;
    use ndarray::{array, s};

    use super::{field, max_diff, trained};

    #[test]
    fn fit_pca_measures_a_fresh_fit_and_smaller_k_reuse_it() {
        let t = trained(64, 3, |_| {});
        let (train, val) = (t.data().train.to_matrix(usize::MAX), t.data().validation.to_matrix(usize::MAX));
        let mut views = Views::default();
        let e = views.pca_reconstruct(val.view()).unwrap_err();
        assert!(matches!(&e, Error::Data(m) if m.contains("fitPca")), "{e:?}");
        for k in [6, 6, 3, 5] {
            let fit = views.fit_pca(&t, k).unwrap();
            let fresh = Pca::fit(train.view(), k).unwrap();
            let rec = fresh.reconstruct(val.view()).unwrap();
            assert_eq!(fit.k, k);
            // Truncating the 6-component fit equals fitting 3 (up to the eigensolver's rounding).
            assert!((fit.val_mse - loss::mse(rec.view(), val.view())).abs() < 1e-6, "k = {k}");
            assert!((fit.explained - fresh.explained_variance_ratio().sum()).abs() < 1e-5, "k = {k}");
            assert!(max_diff(&views.pca_reconstruct(val.view()).unwrap(), &rec) < 1e-4, "k = {k}");
        }
        assert_eq!(field(views.fit_pca(&t, 0).unwrap_err()), "k");
        assert_eq!(field(views.fit_pca(&t, 65).unwrap_err()), "k");
    }

    #[test]
    fn a_code_of_two_units_or_fewer_is_the_map_itself() {
        for latent in [1, 2] {
            let mut t = trained(64, latent, |_| {});
            let mut views = Views::default();
            assert_eq!(views.latent_map(&mut t, 0).unwrap().points.nrows(), 1, "n = 0 maps one digit");
            let m = views.latent_map(&mut t, 7).unwrap();
            let x = t.data().validation.to_matrix(7);
            let codes = t.model_mut().encode(x.view()).unwrap();
            assert_eq!(m.points.dim(), (7, 2));
            assert_eq!(m.points.slice(s![.., ..latent]), codes);
            assert!(m.points.slice(s![.., latent..]).iter().all(|&v| v == 0.0), "unused axes are 0");
            assert_eq!(m.labels, t.data().validation.labels()[..7]);
            assert!(!m.projected);
            assert_eq!(m.explained, 1.0);
            // Decoding a point decodes its first `latent` coordinates.
            let p = array![[0.5f32, -1.0], [2.0, 3.0]];
            let want = t.model_mut().decode(p.slice(s![.., ..latent])).unwrap();
            assert_eq!(views.decode_points(&mut t, p.view()).unwrap(), want);
        }
    }

    #[test]
    fn a_larger_code_is_projected_on_its_first_two_principal_components() {
        let mut t = trained(64, 4, |_| {});
        let mut views = Views::default();
        let p = array![[0.5f32, -1.0], [2.0, 3.0]];
        let e = views.decode_points(&mut t, p.view()).unwrap_err();
        assert!(matches!(&e, Error::Data(m) if m.contains("call latentMap(n) before decodePoints")), "{e:?}");
        let e = views.latent_map(&mut t, 1).unwrap_err();
        assert!(
            matches!(&e, Error::Data(m) if m.contains("at least 2 images")),
            "one code has no principal components"
        );
        let m = views.latent_map(&mut t, 30).unwrap();
        let x = t.data().validation.to_matrix(30);
        let codes = t.model_mut().encode(x.view()).unwrap();
        let proj = Pca::fit(codes.view(), 2).unwrap();
        assert!(m.projected);
        assert_eq!(m.points, proj.transform(codes.view()).unwrap());
        assert_eq!(m.explained, proj.explained_variance_ratio().sum());
        let z = proj.inverse_transform(p.view()).unwrap();
        assert_eq!(views.decode_points(&mut t, p.view()).unwrap(), t.model_mut().decode(z.view()).unwrap());
        let e = views.decode_points(&mut t, array![[1.0f32, 2.0, 3.0]].view()).unwrap_err();
        assert!(matches!(e, Error::Shape(_)), "{e:?}");
    }

    #[test]
    fn the_anomaly_report_is_the_scores_percentile_and_roc_of_the_test_digits() {
        let mut t = trained(64, 3, |c| c.train.exclude_class = Some(3));
        let mut views = Views::default();
        let e = views.precision_recall(0.1).unwrap_err();
        assert!(matches!(&e, Error::Data(m) if m.contains("call anomalyReport() first")), "{e:?}");
        let r = views.anomaly_report(&mut t).unwrap().clone();
        let (test, val) = (t.data().test.to_matrix(usize::MAX), t.data().validation.to_matrix(usize::MAX));
        assert!(!t.data().validation.labels().contains(&3), "the excluded class is not validation data");
        let scores = anomaly::scores(t.model_mut(), test.view()).unwrap();
        let val_scores = anomaly::scores(t.model_mut(), val.view()).unwrap();
        assert_eq!(r.test_scores, scores);
        assert_eq!(r.test_labels, t.data().test.labels());
        assert_eq!(r.val_scores, val_scores);
        assert_eq!(r.threshold, anomaly::percentile(&val_scores, 99.0).unwrap());
        assert_eq!(r.excluded, Some(3));
        let flags = anomaly::is_class(&r.test_labels, 3);
        assert_eq!(r.roc.as_deref(), Some(&anomaly::roc_curve(&scores, &flags).unwrap()[..]));
        assert_eq!(r.auc(), Some(anomaly::roc_auc(&scores, &flags).unwrap()));
        let pr = views.precision_recall(r.threshold).unwrap();
        assert_eq!(pr, anomaly::precision_recall(&scores, &flags, r.threshold).unwrap());
        for bad in [f32::NAN, f32::INFINITY] {
            assert_eq!(field(views.precision_recall(bad).unwrap_err()), "threshold");
        }
    }

    #[test]
    fn without_an_excluded_class_there_is_no_roc_and_nothing_to_find() {
        let mut t = trained(64, 3, |_| {});
        let mut views = Views::default();
        let r = views.anomaly_report(&mut t).unwrap();
        assert_eq!((r.excluded, r.roc.is_none(), r.auc()), (None, true, None));
        assert_eq!(r.test_scores.len(), t.data().test.len());
        let e = views.precision_recall(0.1).unwrap_err();
        assert!(matches!(&e, Error::Data(m) if m.contains("with a class excluded")), "{e:?}");
    }
}
