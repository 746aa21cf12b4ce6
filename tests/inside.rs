//! Inside the network: per-layer gradient and update sizes of a step, every
//! layer's activations, dead ReLU units, the VAE's Gaussian and one step in
//! slow motion — each checked against the same quantity measured from outside.

mod common;

use autoencoder_playground::config::{Config, ModelKind, OptimizerKind};
use autoencoder_playground::model::{layer_names, LayerKind};
use autoencoder_playground::nn::{Activation, Optimizer};
use autoencoder_playground::{Autoencoder, Error, Trainer};
use ndarray::{Array2, Axis};

fn config(kind: ModelKind, opt: OptimizerKind) -> Config {
    let mut cfg = Config::default();
    cfg.model.kind = kind;
    cfg.model.encoder = vec![48, 24];
    cfg.model.latent = 6;
    cfg.train.optimizer = opt;
    cfg.train.lr = 3e-3;
    cfg.train.batch_size = 16;
    cfg
}

fn close(a: f32, b: f32, rel: f32) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()) + 1e-12
}

fn norm(v: &[f32]) -> f64 {
    v.iter().map(|&x| (x as f64) * (x as f64)).sum::<f64>().sqrt()
}

/// Splits `parameters()` into the weight matrices, in layer order.
fn weights(cfg: &Config, params: &[f32]) -> Vec<Vec<f32>> {
    let w = cfg.model.encoder_widths();
    let mut shapes = Vec::new();
    for pair in w[..w.len() - 1].windows(2) {
        shapes.push((pair[0], pair[1]));
    }
    let last = w[w.len() - 2];
    shapes.push((last, cfg.model.latent));
    if cfg.model.kind == ModelKind::Vae {
        shapes.push((last, cfg.model.latent));
    }
    let rev: Vec<usize> = w.iter().rev().copied().collect();
    for pair in rev.windows(2) {
        shapes.push((pair[0], pair[1]));
    }
    let mut at = 0;
    let mut out = Vec::new();
    for (a, b) in shapes {
        out.push(params[at..at + a * b].to_vec());
        at += a * b + b;
    }
    assert_eq!(at, params.len());
    out
}

#[test]
fn the_optimiser_sums_each_tensors_gradient_weight_and_update_in_its_loop() {
    let data = common::synthetic(200, 784);
    let x = data.split().unwrap().train.to_matrix(16);
    // With penalties and without: Adam without one sums in a loop of its own (adam_tracked).
    let cases = [OptimizerKind::Adam, OptimizerKind::Momentum, OptimizerKind::Sgd].map(|opt| [(opt, 0.0), (opt, 1e-3)]);
    for (opt, penalty) in cases.into_iter().flatten() {
        let mut cfg = config(ModelKind::Autoencoder, opt);
        cfg.train.weight_decay = penalty;
        cfg.train.l1 = penalty / 10.0;
        let mut model = Autoencoder::new(&cfg.model, 3).unwrap();
        let mut optimizer = Optimizer::new(&cfg.train);
        optimizer.track_stats(true);
        for step in 0..3 {
            model.forward_backward(x.view(), x.view(), &cfg.train);
            let (mut grads, mut before) = (Vec::new(), Vec::new());
            model.params_and_grads(&mut |p| {
                grads.push(p.grad.to_vec());
                before.push(p.value.to_vec());
            });
            optimizer.step(|f| model.params_and_grads(f));
            let mut after = Vec::new();
            model.params_and_grads(&mut |p| after.push(p.value.to_vec()));
            let stats = optimizer.tensor_stats();
            assert_eq!(stats.len(), grads.len());
            for (i, s) in stats.iter().enumerate() {
                let g = norm(&grads[i]) as f32;
                assert!(
                    close(s.grad_norm(), g, 1e-5),
                    "{opt:?} penalty {penalty} step {step} tensor {i}: {} vs {g}",
                    s.grad_norm()
                );
                let w = norm(&before[i]) as f32;
                assert!(close(s.weight_norm(), w, 1e-5), "{opt:?} tensor {i}: weight norm");
                let delta: Vec<f32> = after[i].iter().zip(&before[i]).map(|(a, b)| a - b).collect();
                if w > 0.0 {
                    let ratio = (norm(&delta) / w as f64) as f32;
                    assert!(
                        close(s.update_ratio(), ratio, 1e-5),
                        "{opt:?} tensor {i}: {} vs {ratio}",
                        s.update_ratio()
                    );
                }
            }
        }
    }
}

#[test]
fn tracking_the_stats_does_not_change_training_and_off_still_zeroes_the_gradients() {
    let data = common::synthetic(400, 784);
    let kinds = [ModelKind::Autoencoder, ModelKind::Vae];
    let cases = [OptimizerKind::Adam, OptimizerKind::Momentum, OptimizerKind::Sgd].map(|opt| kinds.map(|k| (opt, k)));
    for (opt, kind) in cases.into_iter().flatten() {
        for penalty in [0.0, 1e-3] {
            let mut cfg = config(kind, opt);
            cfg.train.weight_decay = penalty;
            let (mut on, mut off) =
                (Trainer::new(cfg.clone(), &data).unwrap(), Trainer::new(cfg.clone(), &data).unwrap());
            on.track_layer_stats(true);
            // Off for a while, then on, then off again: each switch keeps the run on the same path.
            off.step(5).unwrap();
            off.track_layer_stats(true);
            off.step(5).unwrap();
            assert!(
                off.layer_stats().grad_norm.iter().all(|&g| g > 0.0),
                "{opt:?} {kind:?} penalty {penalty}: sums once on"
            );
            off.track_layer_stats(false);
            assert!(
                off.layer_stats().grad_norm.iter().all(|&g| g == 0.0),
                "{opt:?} {kind:?} penalty {penalty}: forgotten once off"
            );
            off.step(10).unwrap();
            on.step(20).unwrap();
            assert_eq!(
                on.parameters(),
                off.parameters(),
                "{opt:?} {kind:?} penalty {penalty}: bit for bit the same weights"
            );
            // Gradients accumulate across backward passes: an update that left one unzeroed would show here.
            let mut model_off = Autoencoder::new(&cfg.model, 9).unwrap();
            let mut model_on = Autoencoder::new(&cfg.model, 9).unwrap();
            let (mut o_off, mut o_on) = (Optimizer::new(&cfg.train), Optimizer::new(&cfg.train));
            o_on.track_stats(true);
            let x = data.split().unwrap().train.to_matrix(8);
            for _ in 0..2 {
                model_off.forward_backward(x.view(), x.view(), &cfg.train);
                model_on.forward_backward(x.view(), x.view(), &cfg.train);
                o_off.step(|f| model_off.params_and_grads(f));
                o_on.step(|f| model_on.params_and_grads(f));
                model_off.params_and_grads(&mut |p| assert!(p.grad.iter().all(|&g| g == 0.0), "zeroed with stats off"));
            }
            let (mut a, mut b) = (Vec::new(), Vec::new());
            model_off.params_and_grads(&mut |p| a.extend_from_slice(p.value));
            model_on.params_and_grads(&mut |p| b.extend_from_slice(p.value));
            assert_eq!(a, b);
        }
    }
}

#[test]
fn sampled_sums_are_that_steps_sums_bit_for_bit_and_training_is_unchanged() {
    let data = common::synthetic(400, 784);
    for opt in [OptimizerKind::Adam, OptimizerKind::Momentum] {
        let cfg = config(ModelKind::Autoencoder, opt);
        let (mut every, mut sampled, mut plain) = (
            Trainer::new(cfg.clone(), &data).unwrap(),
            Trainer::new(cfg.clone(), &data).unwrap(),
            Trainer::new(cfg.clone(), &data).unwrap(),
        );
        every.track_layer_stats(true);
        assert_eq!(sampled.layer_stats().step, 0, "{opt:?}: of no step before one is summed");
        sampled.step(3).unwrap();
        sampled.sample_layer_stats();
        assert_eq!(sampled.layer_stats().step, 0, "{opt:?}: asked for, not yet summed");
        sampled.step(1).unwrap();
        every.step(4).unwrap();
        let (a, b) = (every.layer_stats(), sampled.layer_stats());
        assert_eq!((a.step, b.step), (4, 4), "{opt:?}");
        assert_eq!(a, b, "{opt:?}: step 4's sums, bit for bit");
        // Not summed again until asked: the later steps leave step 4's sums.
        sampled.step(6).unwrap();
        assert_eq!(sampled.layer_stats(), b, "{opt:?}: still step 4's");
        sampled.sample_layer_stats();
        sampled.step(2).unwrap();
        every.step(7).unwrap();
        assert_eq!(every.layer_stats().step, 11);
        assert_eq!(sampled.layer_stats().step, 11, "{opt:?}: the step after the second ask");
        assert_eq!(sampled.layer_stats(), every.layer_stats(), "{opt:?}: step 11's sums");
        every.step(1).unwrap();
        plain.step(12).unwrap();
        let want = plain.parameters();
        for t in [&mut every, &mut sampled] {
            assert_eq!(t.parameters(), want, "{opt:?}: the same training, bit for bit");
        }
        // Off forgets both the sums and an ask not yet served.
        sampled.sample_layer_stats();
        sampled.track_layer_stats(false);
        sampled.step(1).unwrap();
        assert_eq!(sampled.layer_stats().step, 0, "{opt:?}: off");
        assert!(sampled.layer_stats().grad_norm.iter().all(|&g| g == 0.0));
    }
}

#[test]
fn layer_stats_name_every_linear_layer_and_match_a_step_measured_from_outside() {
    let data = common::synthetic(400, 784);
    for kind in [ModelKind::Autoencoder, ModelKind::Vae] {
        let cfg = config(kind, OptimizerKind::Adam);
        let mut t = Trainer::new(cfg.clone(), &data).unwrap();
        let zero = t.layer_stats();
        assert_eq!(zero.names, layer_names(&cfg.model));
        assert!(zero.grad_norm.iter().all(|&g| g == 0.0), "zeros before the first step");
        t.step(2).unwrap();
        assert!(t.layer_stats().grad_norm.iter().all(|&g| g == 0.0), "zeros while tracking is off");
        t.track_layer_stats(true);
        let before = weights(&cfg, &t.parameters());
        // A traced step is a real step; its gradients are the model's own.
        let trace = t.trace_step(16, "encoder.0", 0).unwrap();
        let after = weights(&cfg, &t.parameters());
        let s = t.layer_stats();
        let expected: Vec<&str> = match kind {
            ModelKind::Autoencoder => {
                vec!["encoder.0", "encoder.1", "code", "decoder.0", "decoder.1", "decoder.2"]
            }
            ModelKind::Vae => {
                vec!["encoder.0", "encoder.1", "code.mu", "code.logvar", "decoder.0", "decoder.1", "decoder.2"]
            }
        };
        assert_eq!(s.names, expected);
        for (i, name) in s.names.iter().enumerate() {
            let (gname, gnorm, grad) = &trace.grads[i];
            assert_eq!(gname, name);
            assert!(close(s.grad_norm[i], norm(grad) as f32, 1e-5), "{name}: {} vs {}", s.grad_norm[i], gnorm);
            assert!(close(s.weight_norm[i], norm(&before[i]) as f32, 1e-5), "{name}: weight norm");
            let delta: Vec<f32> = after[i].iter().zip(&before[i]).map(|(a, b)| a - b).collect();
            let ratio = (norm(&delta) / norm(&before[i])) as f32;
            assert!(close(s.update_ratio[i], ratio, 1e-5), "{name}: ratio {} vs {ratio}", s.update_ratio[i]);
            assert!(ratio > 0.0 && ratio < 1.0, "{name}: a small step moved the weights ({ratio})");
        }
    }
}

#[cfg(feature = "lab")]
#[test]
fn layer_names_are_the_checkpoints_tensor_prefixes() {
    for kind in [ModelKind::Autoencoder, ModelKind::Vae] {
        let cfg = config(kind, OptimizerKind::Adam);
        let prefixes: Vec<String> = autoencoder_playground::checkpoint::layout(&cfg.model)
            .into_iter()
            .filter_map(|(name, _)| name.strip_suffix(".weight").map(str::to_string))
            .collect();
        assert_eq!(layer_names(&cfg.model), prefixes);
    }
}

#[test]
fn activations_are_the_forward_pass_layer_by_layer() {
    let data = common::synthetic(400, 784);
    let cfg = config(ModelKind::Autoencoder, OptimizerKind::Adam);
    let mut t = Trainer::new(cfg.clone(), &data).unwrap();
    t.step(5).unwrap();
    let x = t.data().validation.to_matrix(1);
    let layers = t.model_mut().activations(x.view()).unwrap();
    let names: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["input", "encoder.0", "encoder.1", "code", "decoder.0", "decoder.1", "decoder.2"]);
    let kinds: Vec<LayerKind> = layers.iter().map(|l| l.kind).collect();
    use LayerKind::*;
    assert_eq!(kinds, [Input, Hidden, Hidden, Code, Hidden, Hidden, Output]);
    assert_eq!(layers[3].activation, Activation::Identity);
    assert_eq!(layers[6].activation, Activation::Sigmoid);
    assert_eq!(layers[0].values, x);
    let rec = t.model_mut().reconstruct(x.view()).unwrap();
    assert_eq!(layers[6].values, rec, "the output is reconstruct(x)");
    assert_eq!(layers[3].values, t.model_mut().encode(x.view()).unwrap(), "the code is encode(x)");
    // By hand: encoder.0 = relu(x·W + b) with the layer's stored weights.
    let params = t.parameters();
    let w = Array2::from_shape_vec((784, 48), params[..784 * 48].to_vec()).unwrap();
    let b = &params[784 * 48..784 * 48 + 48];
    let mut h = x.dot(&w);
    for (v, &bias) in h.iter_mut().zip(b) {
        *v = (*v + bias).max(0.0);
    }
    for (a, e) in layers[1].values.iter().zip(&h) {
        assert!((a - e).abs() <= 1e-5 * (1.0 + e.abs()), "encoder.0: {a} vs {e}");
    }
    assert_eq!(layers[1].values.dim(), (1, 48));
}

#[test]
fn a_unit_with_a_very_negative_bias_is_reported_dead() {
    let data = common::synthetic(400, 784);
    let mut cfg = config(ModelKind::Autoencoder, OptimizerKind::Adam);
    cfg.model.dropout = 0.1;
    let mut t = Trainer::new(cfg.clone(), &data).unwrap();
    t.step(3).unwrap();
    let mut params = t.parameters();
    params[784 * 48 + 5] = -1e4; // encoder.0's bias of unit 5
    t.restore(&params, 3, 0).unwrap();
    let x = t.data().validation.to_matrix(usize::MAX);
    let dead = t.model_mut().dead_units(x.view()).unwrap();
    let names: Vec<&str> = dead.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["encoder.0", "encoder.1", "code", "decoder.0", "decoder.1", "decoder.2"]);
    assert_eq!(dead[0].dead.len(), 48);
    assert_eq!(dead[0].dead[5], 1);
    assert_eq!(dead[0].count, dead[0].dead.iter().filter(|&&d| d == 1).count());
    assert!(dead[0].count >= 1);
    // Counted from outside: a unit is dead when its activation is 0 on every digit.
    let layers = t.model_mut().activations(x.view()).unwrap();
    let by_hand: Vec<u8> = layers[1].values.axis_iter(Axis(1)).map(|u| u8::from(u.iter().all(|&v| v <= 0.0))).collect();
    assert_eq!(dead[0].dead, by_hand);
    assert!(dead[2].dead.is_empty() && dead[2].count == 0, "a linear code has no dead units");
    assert!(dead[5].dead.is_empty(), "nor has the sigmoid output");
}

#[test]
fn the_vaes_gaussian_is_its_code_and_a_positive_variance() {
    let data = common::synthetic(400, 784);
    let mut t = Trainer::new(config(ModelKind::Vae, OptimizerKind::Adam), &data).unwrap();
    t.step(5).unwrap();
    let x = t.data().validation.to_matrix(4);
    let (mu, log_var) = t.model_mut().encode_distribution(x.view()).unwrap();
    assert_eq!(mu.dim(), (4, 6));
    assert_eq!(log_var.dim(), (4, 6));
    assert_eq!(mu, t.model_mut().encode(x.view()).unwrap());
    assert!(log_var.iter().all(|lv| lv.exp() > 0.0 && lv.is_finite()));
    let at_mu = t.model_mut().decode(mu.view()).unwrap();
    assert_eq!(at_mu, t.model_mut().reconstruct(x.view()).unwrap(), "decoding μ is the reconstruction");

    let mut plain = Trainer::new(config(ModelKind::Autoencoder, OptimizerKind::Adam), &data).unwrap();
    let e = plain.model_mut().encode_distribution(x.view()).unwrap_err();
    assert!(matches!(&e, Error::InvalidConfig { field, .. } if field == "model.kind"), "{e:?}");
    assert!(e.to_string().contains("only a VAE"), "{e}");
}

#[test]
fn a_traced_step_shows_the_update_the_trainer_applied() {
    let data = common::synthetic(400, 784);
    for opt in [OptimizerKind::Adam, OptimizerKind::Momentum, OptimizerKind::Sgd] {
        let cfg = config(ModelKind::Autoencoder, opt);
        let mut t = Trainer::new(cfg.clone(), &data).unwrap();
        t.step(4).unwrap();
        let index = 784 * 3 + 7;
        let before_params = t.parameters();
        let tr = t.trace_step(8, "encoder.0", index).unwrap();
        assert_eq!(tr.step, 5, "{opt:?}: one step");
        assert_eq!(t.steps_done(), 5);
        assert_eq!(tr.batch.dim(), (8, 784));
        assert_eq!(tr.input, tr.batch, "no noise: the input is the batch");
        let o = &tr.optimizer;
        let w = &o.weight;
        assert_eq!((o.kind, o.lr, o.t), (opt, 3e-3, 5));
        assert_eq!(w.before, before_params[index]);
        assert_eq!(w.after, t.parameters()[index], "after is the trainer's weight");
        assert_eq!(w.before - w.update, w.after);
        assert_eq!(tr.grads[0].2[index], w.grad);
        // The update is what the stored weight moved by: within a rounding of the weight of the formula's value.
        let near =
            |formula: f32| (formula - w.update).abs() <= 1e-5 * formula.abs() + 2.0 * f32::EPSILON * w.before.abs();
        match opt {
            OptimizerKind::Adam => {
                let (m_hat, v_hat) = (w.m_hat.unwrap(), w.v_hat.unwrap());
                let update = o.lr * m_hat / (v_hat.sqrt() + o.eps.unwrap());
                assert!(near(update), "Adam's formula: {update} vs {}", w.update);
                let (b1, b2, t) = (o.beta1.unwrap(), o.beta2.unwrap(), o.t);
                assert!(close(m_hat, w.m.unwrap() / (1.0 - b1.powi(t)), 1e-6));
                assert!(close(v_hat, w.v.unwrap() / (1.0 - b2.powi(t)), 1e-6));
            }
            OptimizerKind::Momentum => assert!(near(o.lr * w.m.unwrap())),
            OptimizerKind::Sgd => {
                assert!(w.m.is_none());
                assert!(near(o.lr * w.grad), "{} vs {}", w.update, o.lr * w.grad);
            }
        }
        let new_w = &tr.new_weights[0];
        assert_eq!(new_w.0, "encoder.0");
        assert_eq!(new_w.1[..], t.parameters()[..784 * 48]);
        let names: Vec<&str> = tr.layers.iter().map(|l| l.0.as_str()).collect();
        assert_eq!(names, ["encoder.0", "encoder.1", "code", "decoder.0", "decoder.1", "decoder.2"]);
        assert_eq!(tr.layers[5].1.dim(), (8, 784));
        // The loss after: a fresh forward of the same batch through the updated network.
        let (terms, _) = t.model_mut().evaluate_terms(tr.input.view(), tr.batch.view(), &cfg.train).unwrap();
        assert_eq!(tr.loss_after, terms.total);
        assert!(tr.terms.total.is_finite() && tr.terms.total > 0.0);
    }
}

#[test]
fn a_traced_step_is_the_same_step_as_step_1() {
    let data = common::synthetic(400, 784);
    for (kind, dropout, noise) in [(ModelKind::Autoencoder, 0.0, false), (ModelKind::Vae, 0.2, true)] {
        let mut cfg = config(kind, OptimizerKind::Adam);
        cfg.model.dropout = dropout;
        if noise {
            cfg.train.noise = autoencoder_playground::noise::NoiseKind::Gaussian;
        }
        let (mut a, mut b) = (Trainer::new(cfg.clone(), &data).unwrap(), Trainer::new(cfg.clone(), &data).unwrap());
        a.track_layer_stats(true);
        b.track_layer_stats(true);
        a.step(3).unwrap();
        b.step(3).unwrap();
        let tr = a.trace_step(16, "decoder.0", 2).unwrap();
        let s = b.step(1).unwrap();
        assert_eq!(tr.terms.total, s.batch_loss, "{kind:?}: the same loss");
        assert_eq!(a.parameters(), b.parameters(), "{kind:?}: the same weights");
        assert_eq!(a.layer_stats(), b.layer_stats());
        // And the runs go on together.
        a.step(30).unwrap();
        b.step(30).unwrap();
        assert_eq!(a.parameters(), b.parameters(), "{kind:?}: still the same 30 steps later");
        assert_eq!(a.history().losses, b.history().losses);
    }
}

#[test]
fn a_trace_step_refuses_what_it_cannot_show() {
    let data = common::synthetic(400, 784);
    let mut t = Trainer::new(config(ModelKind::Autoencoder, OptimizerKind::Adam), &data).unwrap();
    let e = t.trace_step(17, "encoder.0", 0).unwrap_err();
    assert!(e.to_string().contains("1 to 16"), "{e}");
    let e = t.trace_step(4, "encoder.9", 0).unwrap_err();
    assert!(e.to_string().contains("encoder.0, encoder.1, code"), "{e}");
    let e = t.trace_step(4, "code", 24 * 6).unwrap_err();
    assert!(e.to_string().contains("144 weights"), "{e}");
    assert_eq!(t.steps_done(), 0, "a refused trace takes no step");
}
