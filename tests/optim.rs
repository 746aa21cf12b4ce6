//! The optimisers' hand-made flush-to-zero (src/nn/optim.rs `flush`): decaying
//! moments never pass through f32's subnormals, and the steps are Adam's.

use autoencoder_playground::config::OptimizerKind;
use autoencoder_playground::nn::{Optimizer, Param};
use autoencoder_playground::TrainConfig;

/// One step of `opt` on `w` with gradient `g` (the gradient is zeroed by the step).
fn step(opt: &mut Optimizer, w: &mut [f32], g: &[f32]) {
    let mut grad = g.to_vec();
    opt.step(|f| f(Param { value: w, grad: &mut grad, is_weight: true, spent: None }));
}

fn optimizer(kind: OptimizerKind) -> Optimizer {
    Optimizer::new(&TrainConfig { optimizer: kind, ..TrainConfig::default() })
}

/// A gradient of 1, 1e-3 or 1e-6 once, then zeros: m (×β₁ a step) would
/// be subnormal from about step 800 on; and a gradient of 1e-20 every step,
/// whose square is. No moment is ever subnormal: each reaches exactly 0, on
/// one of the steps that flush the moments (every 16th).
#[test]
fn decaying_moments_reach_zero_without_passing_through_the_subnormals() {
    for kind in [OptimizerKind::Adam, OptimizerKind::Momentum] {
        let mut opt = optimizer(kind);
        let mut w = vec![0.5f32; 4];
        step(&mut opt, &mut w, &[1.0, 1e-3, 1e-6, 1e-20]);
        let mut zero_at = [None; 4];
        for t in 2..=3000 {
            step(&mut opt, &mut w, &[0.0, 0.0, 0.0, 1e-20]);
            for (i, at) in zero_at.iter_mut().enumerate() {
                let s = opt.moments(0, i).unwrap();
                assert!(!s.m.is_subnormal() && !s.v.is_subnormal(), "{kind:?} step {t} value {i}: {s:?}");
                if s.m == 0.0 && at.is_none() {
                    *at = Some(t);
                }
            }
        }
        // Adam flushes a gradient of 1e-20 from the first step (momentum's m settles at a normal 1e-19);
        // the others decay to 0 before 0.9ᵗ·g is subnormal.
        if kind == OptimizerKind::Adam {
            assert_eq!(zero_at[3], Some(2), "a gradient of 1e-20 leaves Adam's m at 0");
        }
        for (i, at) in zero_at[..3].iter().enumerate() {
            assert!(at.is_some_and(|t| t < 800), "{kind:?} value {i}: m reached 0 at {at:?}");
            if kind == OptimizerKind::Adam {
                assert!(at.is_some_and(|t| t % 16 == 0), "value {i}: m reached 0 at {at:?}, not a flushing step");
            }
        }
        assert!(w.iter().all(|x| x.is_finite()));
    }
}

/// The flushed Adam follows the textbook one, nothing flushed, on gradients
/// that stop, restart and shrink: to 1e-9 the same arithmetic in f32 (the
/// flushed moments' steps are below the weights' rounding), and to 1e-5 in
/// f64 (f32's rounding over 2,000 steps).
#[test]
fn flushing_leaves_adams_steps_as_the_textbook_ones() {
    let cfg = TrainConfig::default();
    let (lr, b1, b2, eps) = (cfg.lr as f64, cfg.beta1 as f64, cfg.beta2 as f64, cfg.eps as f64);
    let mut opt = optimizer(OptimizerKind::Adam);
    let n = 6;
    let mut w = vec![0.25f32; n];
    let (mut w64, mut m64, mut v64) = (vec![0.25f64; n], vec![0.0f64; n], vec![0.0f64; n]);
    let (mut w32, mut m32, mut v32) = (vec![0.25f32; n], vec![0.0f32; n], vec![0.0f32; n]);
    let mut flushed = false;
    for t in 1..=2000 {
        // Each value's gradient: on for a stretch, then off for longer, at scales from 1 to 1e-12.
        let g: Vec<f32> = (0..n)
            .map(|i| {
                let on = (t / (50 * (i + 1))) % 4 == 0;
                if on {
                    10f32.powi(-2 * i as i32) * if t % 3 == 0 { -1.0 } else { 1.0 }
                } else {
                    0.0
                }
            })
            .collect();
        step(&mut opt, &mut w, &g);
        let (c1, c2) = (cfg.beta1, cfg.beta2);
        let bc2 = 1.0 - c2.powi(t as i32);
        let (adam_lr, adam_eps) = (cfg.lr * bc2.sqrt() / (1.0 - c1.powi(t as i32)), cfg.eps * bc2.sqrt());
        for i in 0..n {
            m32[i] = c1 * m32[i] + (1.0 - c1) * g[i];
            v32[i] = c2 * v32[i] + (1.0 - c2) * g[i] * g[i];
            w32[i] -= adam_lr * m32[i] / (v32[i].sqrt() + adam_eps);
            flushed |= opt.moments(0, i).unwrap().m == 0.0 && m32[i] != 0.0;
        }
        for i in 0..n {
            let g = g[i] as f64;
            m64[i] = b1 * m64[i] + (1.0 - b1) * g;
            v64[i] = b2 * v64[i] + (1.0 - b2) * g * g;
            let m_hat = m64[i] / (1.0 - b1.powi(t as i32));
            let v_hat = v64[i] / (1.0 - b2.powi(t as i32));
            w64[i] -= lr * m_hat / (v_hat.sqrt() + eps);
        }
    }
    for i in 0..n {
        assert!((w[i] - w32[i]).abs() < 1e-9, "value {i}: {} against {} unflushed", w[i], w32[i]);
        assert!((w[i] as f64 - w64[i]).abs() < 1e-5, "value {i}: {} against {} in f64", w[i], w64[i]);
    }
    assert!(flushed, "some moment was flushed (the test covers it)");
}
