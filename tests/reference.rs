//! The optimised trainer against an unoptimised one: plain f64 loops, no
//! ndarray, no reused buffers, written from the textbook formulas. Both start
//! from the same weights and see the same minibatches; their losses must agree
//! step by step to float tolerance (f32 against f64 over 40 Adam steps).

mod common;

use autoencoder_playground::config::Config;
use autoencoder_playground::rng::{seeded, Stream};
use autoencoder_playground::Trainer;
use rand::seq::SliceRandom;

/// A dense layer y = x·W + b with W stored in × out, as the engine does.
struct Dense {
    w: Vec<f64>,
    b: Vec<f64>,
    n_in: usize,
    n_out: usize,
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

impl Dense {
    fn forward(&self, x: &[f64]) -> Vec<f64> {
        (0..self.n_out)
            .map(|j| self.b[j] + (0..self.n_in).map(|i| x[i] * self.w[i * self.n_out + j]).sum::<f64>())
            .collect()
    }
}

#[test]
fn optimised_trainer_matches_a_plain_reference_step_by_step() {
    let d = common::synthetic(600, 16);
    let mut cfg = Config::default();
    cfg.model.input = 16;
    cfg.model.encoder = vec![8];
    cfg.model.latent = 3;
    cfg.train.batch_size = 10;
    cfg.train.lr = 1e-2;
    cfg.train.seed = Some(4);
    let mut t = Trainer::new(cfg.clone(), &d).unwrap();
    // The same starting weights, in the engine's layout: encoder.0, code, decoder.0, decoder.1.
    let p: Vec<f64> = t.model_mut().export_params().iter().map(|&v| v as f64).collect();
    let shapes = [(16, 8), (8, 3), (3, 8), (8, 16)];
    let mut layers = Vec::new();
    let mut at = 0;
    for &(n_in, n_out) in &shapes {
        let w = p[at..at + n_in * n_out].to_vec();
        at += n_in * n_out;
        let b = p[at..at + n_out].to_vec();
        at += n_out;
        layers.push(Dense { w, b, n_in, n_out });
    }
    assert_eq!(at, p.len());
    // The same batches: the trainer's first-epoch order comes from the shuffle stream of its seed.
    let train = &t.data().train.clone();
    let mut order: Vec<u32> = (0..train.len() as u32).collect();
    order.shuffle(&mut seeded(4, Stream::Shuffle, 0));

    // Adam state per tensor, in the textbook form: m̂/(√v̂ + ε).
    let (b1, b2, eps, lr) = (0.9f64, 0.999f64, 1e-8f64, 1e-2f64);
    let mut m: Vec<Vec<f64>> = layers.iter().flat_map(|l| [vec![0.0; l.w.len()], vec![0.0; l.b.len()]]).collect();
    let mut v = m.clone();
    let steps = 40;
    let mut reference = Vec::new();
    for s in 0..steps {
        let idx = &order[s * 10..(s + 1) * 10];
        let mut grads: Vec<Vec<f64>> = m.iter().map(|g| vec![0.0; g.len()]).collect();
        let mut loss = 0.0;
        for &i in idx {
            let x: Vec<f64> = train.image(i as usize).unwrap().iter().map(|&p| p as f64 / 255.0).collect();
            // Forward: ReLU hidden, linear code, ReLU hidden, sigmoid output.
            let a0 = layers[0].forward(&x);
            let h0: Vec<f64> = a0.iter().map(|&a| a.max(0.0)).collect();
            let z = layers[1].forward(&h0);
            let a2 = layers[2].forward(&z);
            let h2: Vec<f64> = a2.iter().map(|&a| a.max(0.0)).collect();
            let y: Vec<f64> = layers[3].forward(&h2).iter().map(|&a| sigmoid(a)).collect();
            let n = (10 * 16) as f64;
            loss += y.iter().zip(&x).map(|(a, b)| (a - b) * (a - b)).sum::<f64>() / n;
            // Backward, one layer at a time.
            let mut g: Vec<f64> = y.iter().zip(&x).map(|(a, b)| 2.0 * (a - b) / n * a * (1.0 - a)).collect();
            let inputs = [&x, &h0, &z, &h2];
            let relu_after = [Some(&a0), None, Some(&a2), None];
            for k in (0..4).rev() {
                let l = &layers[k];
                for i in 0..l.n_in {
                    for j in 0..l.n_out {
                        grads[2 * k][i * l.n_out + j] += inputs[k][i] * g[j];
                    }
                }
                for j in 0..l.n_out {
                    grads[2 * k + 1][j] += g[j];
                }
                if k > 0 {
                    let mut gi: Vec<f64> =
                        (0..l.n_in).map(|i| (0..l.n_out).map(|j| l.w[i * l.n_out + j] * g[j]).sum()).collect();
                    if let Some(a) = relu_after[k - 1] {
                        for (gv, &av) in gi.iter_mut().zip(a.iter()) {
                            if av <= 0.0 {
                                *gv = 0.0;
                            }
                        }
                    }
                    g = gi;
                }
            }
        }
        reference.push(loss);
        let t_ = (s + 1) as i32;
        for (k, l) in layers.iter_mut().enumerate() {
            for (slot, values) in [(2 * k, &mut l.w), (2 * k + 1, &mut l.b)] {
                for (q, w) in values.iter_mut().enumerate() {
                    let gq = grads[slot][q];
                    m[slot][q] = b1 * m[slot][q] + (1.0 - b1) * gq;
                    v[slot][q] = b2 * v[slot][q] + (1.0 - b2) * gq * gq;
                    let mh = m[slot][q] / (1.0 - b1.powi(t_));
                    let vh = v[slot][q] / (1.0 - b2.powi(t_));
                    *w -= lr * mh / (vh.sqrt() + eps);
                }
            }
        }
    }
    t.step(steps as u32).unwrap();
    let ours = &t.history().losses;
    for (s, (&a, &b)) in ours.iter().zip(&reference).enumerate() {
        let rel = (a as f64 - b).abs() / b.abs();
        assert!(rel < 1e-3, "step {}: optimised {a} vs reference {b} (relative {rel:.1e})", s + 1);
    }
    assert!(reference[steps - 1] < 0.8 * reference[0], "the reference itself learns");
}
