//! Training on the real digits: the loss falls well below the mean-image
//! baseline, runs repeat bit for bit, early stopping restores the best weights,
//! and a diverging run stops with the last good weights kept.

mod common;

use autoencoder_playground::config::{Config, ConvBlock, LossKind, OptimizerKind};
use autoencoder_playground::nn::{loss, Activation};
use autoencoder_playground::train::RESCUE_EVERY;
use autoencoder_playground::{Error, Trainer};
use ndarray::Axis;

/// MSE of predicting the mean training image for every validation digit
/// (about 0.068 on this split): the bar any autoencoder must clear.
fn mean_image_mse(t: &Trainer) -> f32 {
    let train = t.data().train.to_matrix(usize::MAX);
    let mean = train.mean_axis(Axis(0)).unwrap();
    let val = t.data().validation.to_matrix(usize::MAX);
    let pred = ndarray::Array2::from_shape_fn(val.dim(), |(_, j)| mean[j]);
    loss::mse(pred.view(), val.view())
}

/// The validation BCE is the training loss's formula, from the logits, over
/// every validation digit: for a dense and a conv model that saturate no
/// pixel, the (clamped) BCE of their reconstructions, to f32 rounding.
#[test]
fn the_validation_bce_is_the_bce_of_the_reconstructions() {
    let d = common::digits();
    for conv in [false, true] {
        let mut cfg = Config::default();
        cfg.train.loss = LossKind::Bce;
        cfg.model.encoder = vec![32];
        cfg.model.latent = 8;
        if conv {
            if !cfg!(feature = "lab") {
                continue; // the small build has no conv models
            }
            cfg.model.encoder = vec![];
            cfg.model.conv = vec![ConvBlock { channels: 4, kernel: 3, stride: 2 }];
        }
        let mut t = Trainer::new(cfg, &d).unwrap();
        t.step(20).unwrap();
        let val = t.evaluate().unwrap().val_loss;
        let x = t.data().validation.to_matrix(usize::MAX);
        let y = t.model_mut().reconstruct(x.view()).unwrap();
        let want = loss::bce(y.view(), x.view());
        assert!((val - want).abs() <= 1e-5 * want, "conv {conv}: validation {val} vs the reconstructions' {want}");
    }
}

#[test]
fn split_is_8000_1000_1000_and_fixed() {
    let d = common::digits();
    let a = d.split().unwrap();
    assert_eq!((a.train.len(), a.validation.len(), a.test.len()), (8000, 1000, 1000));
    let b = d.split().unwrap();
    assert_eq!(a.validation.labels(), b.validation.labels());
    // Every class is represented in validation (a shuffled split, not class blocks).
    for c in 0..10u8 {
        let n = a.validation.labels().iter().filter(|&&l| l == c).count();
        assert!((60..=140).contains(&n), "class {c} has {n} validation digits");
    }
}

#[test]
fn default_model_learns_well_below_the_mean_image() {
    let d = common::digits();
    let mut t = Trainer::new(Config::default(), &d).unwrap();
    let baseline = mean_image_mse(&t);
    assert!((0.060..0.075).contains(&baseline), "mean-image MSE {baseline} (expected about 0.068)");
    let before = t.evaluate().unwrap().mse;
    let stats = t.step(500).unwrap();
    assert_eq!(stats.step, 500);
    assert_eq!(stats.epoch, 4, "125 batches of 64 per epoch");
    let after = t.evaluate().unwrap();
    assert!(after.mse < 0.5 * baseline, "validation MSE {} is not well below the mean image's {baseline}", after.mse);
    assert!(after.mse < before);
    assert!(after.psnr > 15.0, "PSNR {}", after.psnr);
    let h = t.history();
    assert_eq!(h.losses.len(), 500);
    assert_eq!(h.epochs.len(), 4);
    assert!(h.epochs[3].val_loss < h.epochs[0].val_loss);
    println!("baseline {baseline:.4}, after 500 steps {:.4}", after.mse);
}

#[test]
fn every_optimiser_and_loss_lowers_the_loss() {
    let d = common::digits();
    for (opt, lr, loss_kind) in [
        (OptimizerKind::Sgd, 2.0, LossKind::Mse),
        (OptimizerKind::Momentum, 0.2, LossKind::Mse),
        (OptimizerKind::Adam, 2e-3, LossKind::Bce),
    ] {
        let mut cfg = Config::default();
        cfg.model.encoder = vec![64];
        cfg.model.latent = 16;
        cfg.train.optimizer = opt;
        cfg.train.lr = lr;
        cfg.train.loss = loss_kind;
        let mut t = Trainer::new(cfg, &d).unwrap();
        let first = t.evaluate().unwrap().val_loss;
        t.step(150).unwrap();
        let last = t.evaluate().unwrap().val_loss;
        assert!(last < 0.8 * first, "{opt:?}/{loss_kind:?}: {first} -> {last}");
    }
}

#[test]
fn same_seed_same_losses_bit_for_bit() {
    let d = common::digits();
    let mut cfg = Config::default();
    cfg.model.encoder = vec![64];
    cfg.model.dropout = 0.2;
    cfg.train.weight_decay = 1e-4;
    cfg.train.l1 = 1e-6;
    let run = |cfg: &Config| {
        let mut t = Trainer::new(cfg.clone(), &d).unwrap();
        t.step(140).unwrap();
        (t.history().losses.iter().map(|l| l.to_bits()).collect::<Vec<_>>(), t.evaluate().unwrap().mse.to_bits())
    };
    let a = run(&cfg);
    assert_eq!(a, run(&cfg), "two runs with one seed differ");
    cfg.train.seed = Some(2);
    assert_ne!(a.0, run(&cfg).0, "a different seed should give a different run");
}

/// The page trains with the small wasm build and answers lab-only calls with a
/// copy in the lab build, given the run's weights, step and epoch each time
/// (www/worker/trainer-protocol.js). A copy made that way must compute what the original does.
#[test]
fn a_restored_copy_computes_what_the_original_does() {
    let d = common::digits();
    let mut cfg = Config::default();
    cfg.model.encoder = vec![48];
    cfg.model.latent = 6;
    cfg.model.dropout = 0.1;
    cfg.train.seed = Some(4);
    let mut original = Trainer::new(cfg, &d).unwrap();
    let mut copy = Trainer::new(original.config().clone(), &d).unwrap();
    let x = original.data().validation.to_matrix(20);
    for _ in 0..2 {
        original.step(160).unwrap(); // past an epoch end (8000 / 64 = 125 steps) on the first round
        assert_ne!(
            original.model_mut().reconstruct(x.view()).unwrap(),
            copy.model_mut().reconstruct(x.view()).unwrap()
        );
        let params = original.parameters();
        copy.restore(&params, original.steps_done(), original.epochs_done()).unwrap();
        assert_eq!(copy.parameters(), params);
        assert_eq!((copy.steps_done(), copy.epochs_done()), (original.steps_done(), original.epochs_done()));
        assert_eq!(
            copy.model_mut().reconstruct(x.view()).unwrap(),
            original.model_mut().reconstruct(x.view()).unwrap()
        );
        assert_eq!(copy.evaluate().unwrap(), original.evaluate().unwrap());
    }
    assert_eq!(original.epochs_done(), 2);

    // Wrong length or a non-finite value: refused, weights untouched.
    let before = copy.parameters();
    let short = copy.restore(&before[1..], 1, 0).unwrap_err().to_string();
    assert!(short.contains(&format!("expected {} parameters, got {}", before.len(), before.len() - 1)), "{short}");
    let mut bad = before.clone();
    bad[7] = f32::NAN;
    let nan = copy.restore(&bad, 1, 0).unwrap_err().to_string();
    assert!(nan.contains("parameter 7 is NaN"), "{nan}");
    assert_eq!(copy.parameters(), before);
    assert_eq!(copy.steps_done(), original.steps_done());
}

#[test]
fn missing_seed_is_drawn_and_recorded() {
    let d = common::digits();
    let mut cfg = Config::default();
    cfg.train.seed = None;
    let t = Trainer::new(cfg, &d).unwrap();
    assert!(t.config().train.seed.is_some());
}

#[test]
fn early_stopping_restores_the_best_weights() {
    let d = common::digits();
    let mut cfg = Config::default();
    cfg.model.encoder = vec![32];
    cfg.model.latent = 8;
    // A learning rate this high makes validation loss bounce, so patience 1 triggers soon.
    cfg.train.lr = 0.05;
    cfg.train.batch_size = 400;
    cfg.train.patience = Some(1);
    let mut t = Trainer::new(cfg, &d).unwrap();
    let mut stopped = None;
    for _ in 0..400 {
        let s = t.step(20).unwrap();
        if s.stopped.is_some() {
            stopped = s.stopped;
            break;
        }
    }
    let why = stopped.expect("early stopping should have ended the run");
    assert!(why.contains("did not improve for 1 epochs"), "{why}");
    let best = t.history().epochs.iter().map(|e| e.val_loss).fold(f32::INFINITY, f32::min);
    let now = t.evaluate().unwrap().val_loss;
    assert_eq!(now, best, "the weights in place should be the best epoch's");
    let last = t.history().epochs.last().unwrap().val_loss;
    assert!(last > best);
    // Further steps do nothing once stopped.
    let steps = t.steps_done();
    assert_eq!(t.step(5).unwrap().step, steps);
}

#[test]
fn divergence_stops_with_a_clear_error_and_keeps_the_last_good_weights() {
    let d = common::digits();
    let mut cfg = Config::default();
    // Identity activations and output with plain SGD at lr 10 blow up in a few steps.
    cfg.model.activation = Activation::Identity;
    cfg.model.output = Activation::Identity;
    cfg.train.optimizer = OptimizerKind::Sgd;
    cfg.train.lr = 10.0;
    let mut t = Trainer::new(cfg, &d).unwrap();
    let mut last_good = t.model_mut().export_params();
    let err = loop {
        match t.step(1) {
            Ok(s) => {
                assert!(s.step < 1000, "never diverged");
                last_good = t.model_mut().export_params();
            }
            Err(e) => break e,
        }
    };
    let Error::Diverged { step, .. } = err else { panic!("expected divergence, got {err:?}") };
    assert_eq!(step, t.steps_done() + 1);
    let msg = err.to_string();
    assert!(msg.contains("diverged") && msg.contains("Lower the learning rate"), "{msg}");
    assert_eq!(t.model_mut().export_params(), last_good, "weights changed by the diverged step");
    assert!(last_good.iter().all(|w| w.is_finite()));
    // Stepping again repeats the error without touching the weights.
    assert!(t.step(1).is_err());
    assert_eq!(t.model_mut().export_params(), last_good);
    // A new rate is validated, then accepted: it clears the stop and goes back
    // to the weights saved at the last multiple of RESCUE_EVERY steps.
    assert!(t.set_learning_rate(f32::NAN).unwrap_err().to_string().contains("train.lr"));
    let back_to = t.set_learning_rate(1e-4).unwrap().expect("resumes from saved weights");
    assert_eq!(back_to, (step - 1) / RESCUE_EVERY * RESCUE_EVERY);
    assert_eq!(t.config().train.lr, 1e-4);
    // From there, the smaller rate trains on without diverging.
    for _ in 0..300 {
        t.step(1).expect("the smaller rate trains on");
    }
}

#[test]
fn an_excluded_class_is_left_out_of_training_and_validation_only() {
    let d = common::digits();
    let mut cfg = Config::default();
    cfg.train.exclude_class = Some(3);
    let t = Trainer::new(cfg.clone(), &d).unwrap();
    assert!(!t.data().train.labels().contains(&3));
    assert!(!t.data().validation.labels().contains(&3));
    assert!(t.data().test.labels().contains(&3), "the test set keeps the anomalies");
    assert!((7100..7300).contains(&t.data().train.len()), "{}", t.data().train.len());
    cfg.train.exclude_class = Some(10);
    let e = Trainer::new(cfg, &d).err().unwrap().to_string();
    assert!(e.contains("train.excludeClass: must be a digit from 0 to 9"), "{e}");
}

#[test]
fn the_gradient_check_finds_every_non_finite_value() {
    use autoencoder_playground::Autoencoder;
    let mut ae = Autoencoder::new(&Default::default(), 1).unwrap();
    assert!(ae.grads_finite());
    for (bad, want) in
        [(f32::INFINITY, false), (f32::NEG_INFINITY, false), (f32::NAN, false), (f32::MAX, true), (-1e-40, true)]
    {
        let mut i = 0;
        ae.params_and_grads(&mut |p| {
            if i == 3 {
                p.grad[p.grad.len() - 1] = bad;
            }
            i += 1;
        });
        assert_eq!(ae.grads_finite(), want, "gradient {bad}");
        ae.zero_grad();
    }
}
