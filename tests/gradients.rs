//! Finite-difference gradient checks for every layer, activation, loss, dropout
//! (with a fixed mask), weight penalty, and the whole autoencoder.
//!
//! The engine computes in f32, so the checks use central differences with
//! h = 1e-2 on a loss summed in f64: the truncation error is O(h²) ≈ 1e-4
//! relative for these smooth functions and f32 rounding adds about 1e-7·|L|/h
//! ≈ 1e-5. We compare whole gradient vectors with the relative error
//! ‖a − n‖ / (‖a‖ + ‖n‖) (cs231n's measure) and require < 1e-3; a wrong factor
//! or sign gives errors near 0.3–1.

use autoencoder_playground::config::{Init, LossKind, ModelConfig, ModelKind, SparsityKind, TrainConfig};
use autoencoder_playground::nn::{
    loss, sigmoid_into, Activation, ActivationLayer, Dropout, Layer, Linear, WeightPenalty,
};
use autoencoder_playground::rng::from_seed;
use autoencoder_playground::Autoencoder;
use ndarray::{Array2, ArrayView2};
use rand::RngExt;

const H: f32 = 1e-2;
const TOL: f64 = 1e-3;

fn rel_error(a: &[f64], n: &[f64]) -> f64 {
    let diff: f64 = a.iter().zip(n).map(|(x, y)| (x - y) * (x - y)).sum::<f64>().sqrt();
    let norm: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt() + n.iter().map(|x| x * x).sum::<f64>().sqrt();
    if norm == 0.0 {
        0.0
    } else {
        diff / norm
    }
}

/// Random values in (-1, 1) kept at least `gap` away from 0 (ReLU's kink).
fn random(rows: usize, cols: usize, seed: u64, gap: f32) -> Array2<f32> {
    let mut rng = from_seed(seed);
    Array2::from_shape_simple_fn((rows, cols), || loop {
        let v: f32 = rng.random_range(-1.0..1.0);
        if v.abs() > gap {
            return v;
        }
    })
}

/// L = Σ r ⊙ y, in f64.
fn weighted_sum(y: ArrayView2<f32>, r: &Array2<f32>) -> f64 {
    y.iter().zip(r.iter()).map(|(&a, &b)| a as f64 * b as f64).sum()
}

/// Checks dL/dx of `layer` by finite differences, L = Σ r ⊙ layer(x).
fn check_input_grad(layer: &mut dyn Layer, x: &Array2<f32>, name: &str) {
    let r = random(x.nrows(), layer.forward(x.view(), true).ncols(), 99, 0.0);
    layer.forward(x.view(), true);
    let analytic: Vec<f64> = layer.backward(r.view()).iter().map(|&g| g as f64).collect();
    let mut numeric = Vec::new();
    for i in 0..x.len() {
        let mut xp = x.clone();
        xp.as_slice_mut().unwrap()[i] += H;
        let lp = weighted_sum(layer.forward(xp.view(), true), &r);
        xp.as_slice_mut().unwrap()[i] -= 2.0 * H;
        let lm = weighted_sum(layer.forward(xp.view(), true), &r);
        numeric.push((lp - lm) / (2.0 * H as f64));
    }
    let e = rel_error(&analytic, &numeric);
    assert!(e < TOL, "{name}: input gradient relative error {e:.2e} ≥ {TOL:.0e}");
}

#[test]
fn linear_input_and_parameter_gradients() {
    let mut rng = from_seed(1);
    for init in [Init::He, Init::Xavier] {
        let mut lin = Linear::new(5, 4, init, &mut rng);
        lin.bias = ndarray::Array1::from_vec(vec![0.1, -0.2, 0.3, 0.05]);
        let x = random(3, 5, 2, 0.0);
        check_input_grad(&mut lin, &x, "linear");

        let r = random(3, 4, 3, 0.0);
        lin.grad_weight.fill(0.0);
        lin.grad_bias.fill(0.0);
        lin.forward(x.view(), true);
        lin.backward(r.view());
        let analytic_w: Vec<f64> = lin.grad_weight.iter().map(|&g| g as f64).collect();
        let analytic_b: Vec<f64> = lin.grad_bias.iter().map(|&g| g as f64).collect();
        let mut numeric_w = Vec::new();
        for i in 0..lin.weight.len() {
            lin.weight.as_slice_mut().unwrap()[i] += H;
            let lp = weighted_sum(lin.forward(x.view(), true), &r);
            lin.weight.as_slice_mut().unwrap()[i] -= 2.0 * H;
            let lm = weighted_sum(lin.forward(x.view(), true), &r);
            lin.weight.as_slice_mut().unwrap()[i] += H;
            numeric_w.push((lp - lm) / (2.0 * H as f64));
        }
        let mut numeric_b = Vec::new();
        for i in 0..lin.bias.len() {
            lin.bias[i] += H;
            let lp = weighted_sum(lin.forward(x.view(), true), &r);
            lin.bias[i] -= 2.0 * H;
            let lm = weighted_sum(lin.forward(x.view(), true), &r);
            lin.bias[i] += H;
            numeric_b.push((lp - lm) / (2.0 * H as f64));
        }
        assert!(rel_error(&analytic_w, &numeric_w) < TOL, "linear weight gradient ({init:?})");
        assert!(rel_error(&analytic_b, &numeric_b) < TOL, "linear bias gradient ({init:?})");
    }
}

#[test]
fn linear_init_bounds_follow_he_and_xavier() {
    let mut rng = from_seed(5);
    let he = Linear::new(400, 100, Init::He, &mut rng);
    let xavier = Linear::new(400, 100, Init::Xavier, &mut rng);
    let max = |w: &Array2<f32>| w.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    let var = |w: &Array2<f32>| w.iter().map(|v| v * v).sum::<f32>() / w.len() as f32;
    // Uniform on ±b has variance b²/3: He gives 2/fan_in, Xavier 2/(fan_in+fan_out).
    assert!(max(&he.weight) <= (6.0f32 / 400.0).sqrt());
    assert!((var(&he.weight) / (2.0 / 400.0) - 1.0).abs() < 0.05, "He variance {}", var(&he.weight));
    assert!(max(&xavier.weight) <= (6.0f32 / 500.0).sqrt());
    assert!((var(&xavier.weight) / (2.0 / 500.0) - 1.0).abs() < 0.05);
}

#[test]
fn every_activation_has_the_right_derivative() {
    for act in [Activation::Relu, Activation::LeakyRelu, Activation::Sigmoid, Activation::Tanh, Activation::Identity] {
        // Keep inputs 0.05 from the ReLU kink so h = 0.01 never straddles it.
        let x = random(4, 6, 7, 0.05);
        check_input_grad(&mut ActivationLayer::new(act), &x, act.name());
    }
}

#[test]
fn dropout_with_a_fixed_mask_has_the_right_gradient_and_scales_kept_units() {
    let mut d = Dropout::new(0.5, from_seed(3));
    let mask = Array2::from_shape_fn((3, 4), |(i, j)| if (i + j) % 2 == 0 { 2.0 } else { 0.0 });
    d.fix_mask(mask.clone());
    let x = random(3, 4, 8, 0.0);
    check_input_grad(&mut d, &x, "dropout");
    let y = d.forward(x.view(), true).to_owned();
    assert_eq!(y, &x * &mask);
    // Evaluation mode is the identity.
    assert_eq!(d.forward(x.view(), false).to_owned(), x);
}

#[test]
fn dropout_keeps_the_expected_fraction() {
    let mut d = Dropout::new(0.3, from_seed(4));
    let x = Array2::<f32>::ones((100, 100));
    let y = d.forward(x.view(), true).to_owned();
    let kept = y.iter().filter(|&&v| v > 0.0).count() as f32 / 10_000.0;
    assert!((kept - 0.7).abs() < 0.02, "kept {kept}");
    // Inverted dropout keeps the mean: E[y] = x.
    assert!((y.mean().unwrap() - 1.0).abs() < 0.03);
}

fn loss_grad_check(
    name: &str,
    value: impl Fn(ArrayView2<f32>) -> f32,
    grad: impl Fn(ArrayView2<f32>, &mut Array2<f32>),
    x: &Array2<f32>,
) {
    let mut g = Array2::zeros((0, 0));
    grad(x.view(), &mut g);
    let analytic: Vec<f64> = g.iter().map(|&v| v as f64).collect();
    // Losses are means over few elements; a smaller step keeps truncation error small.
    let h = 1e-3f32;
    let mut numeric = Vec::new();
    for i in 0..x.len() {
        let mut xp = x.clone();
        xp.as_slice_mut().unwrap()[i] += h;
        let lp = value(xp.view()) as f64;
        xp.as_slice_mut().unwrap()[i] -= 2.0 * h;
        let lm = value(xp.view()) as f64;
        numeric.push((lp - lm) / (2.0 * h as f64));
    }
    let e = rel_error(&analytic, &numeric);
    assert!(e < 5e-3, "{name}: relative error {e:.2e}");
}

#[test]
fn mse_and_bce_gradients_match_finite_differences() {
    let pred = random(3, 5, 11, 0.0).mapv(|v| 0.5 + 0.4 * v);
    let target = random(3, 5, 12, 0.0).mapv(|v| if v > 0.0 { 1.0 } else { 0.0 });
    let t = target.clone();
    loss_grad_check("mse", |p| loss::mse(p, t.view()), |p, g| loss::mse_grad(p, t.view(), g), &pred);
    let logits = random(3, 5, 13, 0.0).mapv(|v| 3.0 * v);
    loss_grad_check(
        "bce",
        |z| loss::bce_with_logits(z, t.view()),
        |z, g| loss::bce_with_logits_grad(z, t.view(), g),
        &logits,
    );
}

/// The training step's fused BCE: the gradient bit for bit the two-pass one's,
/// the output bit for bit the sigmoid's, the loss (and the validation loss's
/// `bce_with_logits_sum`) within 1e-6 of the f64 one,
/// on ordinary and saturated logits, at shapes whose two parts (cut at a whole
/// number of 256-pixel blocks) are empty and not, with and without a partial
/// block.
#[test]
fn the_fused_bce_matches_the_f64_loss_and_the_gradient_bit_for_bit() {
    for (rows, cols) in [(16, 49), (7, 37), (1, 3), (64, 784), (33, 785)] {
        let mut logits = random(rows, cols, 31, 0.0).mapv(|v| 8.0 * v);
        logits[[0, 0]] = 200.0;
        logits[[0, 1]] = -200.0;
        logits[[0, 2]] = 0.0;
        let target = random(rows, cols, 32, 0.0).mapv(|v| (v + 1.0) / 2.0);
        let (mut fused, mut two_pass) = (Array2::zeros((0, 0)), Array2::zeros((0, 0)));
        let mut probs = Array2::zeros((0, 0));
        let v = loss::bce_with_logits_and_grad(logits.view(), target.view(), &mut fused, &mut probs);
        loss::bce_with_logits_grad(logits.view(), target.view(), &mut two_pass);
        assert!(
            fused.iter().zip(&two_pass).all(|(a, b)| a.to_bits() == b.to_bits()),
            "{rows}×{cols}: the gradients differ"
        );
        let mut sigmoid = vec![0.0f32; logits.len()];
        sigmoid_into(&mut sigmoid, logits.as_slice().unwrap());
        let same = probs.iter().zip(&sigmoid).all(|(a, b)| a.to_bits() == b.to_bits());
        assert!(same, "{rows}×{cols}: the output is not the sigmoid's");
        let want = loss::bce_with_logits(logits.view(), target.view());
        assert!((v - want).abs() <= 1e-6 * want.abs().max(1.0), "{rows}×{cols}: fused {v} vs f64 {want}");
        // The validation loss's sum over the same output.
        let eval = (loss::bce_with_logits_sum(logits.view(), probs.view(), target.view()) / logits.len() as f64) as f32;
        assert!((eval - want).abs() <= 1e-6 * want.abs().max(1.0), "{rows}×{cols}: validation {eval} vs f64 {want}");
    }
}

/// The training step's fused MSE, for every output activation: the output bit
/// for bit the activation's (the sigmoid's loop for the sigmoid), the gradient
/// bit for bit the two-pass one's (`mse_grad`, then times act′(y)), the loss
/// within 1e-6 of the f64 textbook sum, at shapes whose two parts are empty
/// and not, with and without partial lanes.
#[test]
fn the_fused_mse_matches_the_two_pass_gradient_bit_for_bit_and_the_f64_loss() {
    for act in [Activation::Sigmoid, Activation::Identity, Activation::Relu, Activation::LeakyRelu, Activation::Tanh] {
        for (rows, cols) in [(16, 49), (7, 37), (1, 3), (64, 784), (33, 785)] {
            let logits = random(rows, cols, 41, 0.0).mapv(|v| 6.0 * v);
            let target = random(rows, cols, 42, 0.0).mapv(|v| (v + 1.0) / 2.0);
            let (mut grad, mut out) = (Array2::zeros((0, 0)), Array2::zeros((0, 0)));
            let v = loss::mse_and_grad(logits.view(), target.view(), act, &mut grad, &mut out);
            let mut want_out = logits.mapv(|z| act.apply(z));
            if act == Activation::Sigmoid {
                sigmoid_into(want_out.as_slice_mut().unwrap(), logits.as_slice().unwrap());
            }
            let same = out.iter().zip(&want_out).all(|(a, b)| a.to_bits() == b.to_bits());
            assert!(same, "{act:?} {rows}×{cols}: the output is not the activation's");
            let mut two_pass = Array2::zeros((0, 0));
            loss::mse_grad(want_out.view(), target.view(), &mut two_pass);
            two_pass.zip_mut_with(&want_out, |g, &y| *g *= act.derivative_from_output(y));
            let same = grad.iter().zip(&two_pass).all(|(a, b)| a.to_bits() == b.to_bits());
            assert!(same, "{act:?} {rows}×{cols}: the gradients differ");
            let want = want_out.iter().zip(&target).map(|(&y, &t)| (y as f64 - t as f64).powi(2)).sum::<f64>()
                / want_out.len() as f64;
            assert!((v as f64 - want).abs() <= 1e-6 * want.max(1.0), "{act:?} {rows}×{cols}: fused {v} vs f64 {want}");
        }
    }
}

#[cfg(feature = "lab")] // missing values come with tables, in the lab build
#[test]
fn mse_over_present_cells_matches_finite_differences_and_the_textbook_sum() {
    let pred = random(4, 6, 21, 0.0);
    // A third of the targets missing (NaN): a table's empty cells.
    let target = random(4, 6, 22, 0.0).mapv(|v| if v.abs() < 0.33 { f32::NAN } else { v });
    let t = target.clone();
    let present = t.iter().filter(|v| !v.is_nan()).count();
    assert!((4..=20).contains(&present), "{present} of 24 present");
    loss_grad_check(
        "mse over present cells",
        |p| loss::mse_present(p, t.view()),
        |p, g| loss::mse_present_grad(p, t.view(), g),
        &pred,
    );
    let mut g = Array2::zeros((0, 0));
    loss::mse_present_grad(pred.view(), t.view(), &mut g);
    assert!(g.iter().zip(t.iter()).all(|(&g, &t)| !t.is_nan() || g == 0.0), "a missing cell gets no gradient");
    // The f64 textbook: the mean of the squared differences over the present cells only.
    let want = pred
        .iter()
        .zip(t.iter())
        .filter(|(_, t)| !t.is_nan())
        .map(|(&p, &t)| (p as f64 - t as f64).powi(2))
        .sum::<f64>()
        / present as f64;
    assert!((loss::mse_present(pred.view(), t.view()) as f64 - want).abs() < 1e-6);
    // With nothing missing it is the plain MSE, bit for bit, value and gradient.
    let full = random(4, 6, 23, 0.0);
    assert_eq!(loss::mse_present(pred.view(), full.view()).to_bits(), loss::mse(pred.view(), full.view()).to_bits());
    let (mut a, mut b) = (Array2::zeros((0, 0)), Array2::zeros((0, 0)));
    loss::mse_present_grad(pred.view(), full.view(), &mut a);
    loss::mse_grad(pred.view(), full.view(), &mut b);
    assert_eq!(a, b);
}

/// The evaluation's MSE summed slice by slice (`SquaredErrors`, as a conv
/// model evaluates in 64-digit slices) is `recon_mse` over the whole batch,
/// bit for bit: in slices of 1, 3 and 64 rows and in one piece, with
/// missing targets (lab build) and without.
#[test]
fn the_mse_summed_slice_by_slice_is_the_whole_batchs_bit_for_bit() {
    // Thirds: full mantissas, so a square's bits reach far below a running sum's last
    // (random()'s multiples of 2^-22 square and add up exactly, in any order).
    let pred = random(70, 9, 31, 0.0).mapv(|v| v / 3.0);
    let full = random(70, 9, 32, 0.0).mapv(|v| v / 3.0);
    let mut targets = vec![full.clone()];
    if cfg!(feature = "lab") {
        targets.push(full.mapv(|v| if v.abs() < 0.2 { f32::NAN } else { v }));
    }
    for target in &targets {
        let whole = loss::recon_mse(pred.view(), target.view());
        let mut one_piece = loss::SquaredErrors::default();
        one_piece.add(pred.view(), target.view());
        for rows in [1usize, 3, 64, 70] {
            let mut squares = loss::SquaredErrors::default();
            for at in (0..70).step_by(rows) {
                let end = (at + rows).min(70);
                squares.add(pred.slice(ndarray::s![at..end, ..]), target.slice(ndarray::s![at..end, ..]));
            }
            assert_eq!(squares.mean().to_bits(), whole.to_bits(), "slices of {rows}: {} vs {whole}", squares.mean());
            // The f64 sum itself, where another order of the additions shows.
            assert_eq!(squares.sum().to_bits(), one_piece.sum().to_bits(), "slices of {rows}: the sum");
        }
        // Against an f64 textbook sum, in any order (the rows of 9 cells put each row's first cell in another lane).
        let textbook: f64 = pred
            .iter()
            .zip(target.iter())
            .filter(|(_, t)| !t.is_nan())
            .map(|(&p, &t)| (p - t) as f64 * (p - t) as f64)
            .sum();
        assert!((one_piece.sum() - textbook).abs() <= 1e-12 * textbook, "{} vs {textbook}", one_piece.sum());
        assert!(whole > 0.0);
    }
    assert_eq!(loss::SquaredErrors::default().mean(), 0.0, "nothing added");
}

#[test]
fn bce_from_logits_is_finite_on_saturated_pixels_and_matches_the_textbook_formula() {
    let target = Array2::from_shape_vec((1, 4), vec![0.0, 1.0, 0.0, 1.0]).unwrap();
    // Logits so large that sigmoid(z) rounds to exactly 0 or 1 in f32.
    let logits = Array2::from_shape_vec((1, 4), vec![200.0, -200.0, -200.0, 200.0]).unwrap();
    let v = loss::bce_with_logits(logits.view(), target.view());
    assert!(v.is_finite(), "bce is {v}");
    // Two confidently wrong pixels cost 200 each, two right ones ~0: mean 100.
    assert!((v - 100.0).abs() < 1e-3, "{v}");
    // Against −[t ln p + (1−t) ln(1−p)] where that is computable.
    let z = Array2::from_shape_vec((1, 3), vec![-1.5f32, 0.2, 2.0]).unwrap();
    let t = Array2::from_shape_vec((1, 3), vec![0.0f32, 1.0, 0.7]).unwrap();
    let textbook: f64 = z
        .iter()
        .zip(t.iter())
        .map(|(&z, &t)| {
            let p = 1.0 / (1.0 + (-(z as f64)).exp());
            -(t as f64 * p.ln() + (1.0 - t as f64) * (1.0 - p).ln())
        })
        .sum::<f64>()
        / 3.0;
    assert!((loss::bce_with_logits(z.view(), t.view()) as f64 - textbook).abs() < 1e-6);
}

#[test]
fn weight_penalty_gradient_matches_finite_differences() {
    let pen = WeightPenalty { l2: 0.3, l1: 0.2 };
    let w: Vec<f32> = random(1, 12, 21, 0.05).iter().copied().collect();
    let analytic: Vec<f64> = w.iter().map(|&x| pen.grad(x) as f64).collect();
    let numeric: Vec<f64> = (0..w.len())
        .map(|i| {
            let mut p = w.clone();
            p[i] += H;
            let lp = pen.value(&p);
            p[i] -= 2.0 * H;
            (lp - pen.value(&p)) / (2.0 * H as f64)
        })
        .collect();
    assert!(rel_error(&analytic, &numeric) < TOL);
}

/// The whole network: every parameter's gradient from `forward_backward`
/// against finite differences of the objective it returns (reconstruction plus
/// whichever penalties `train` turns on). Dropout is off and the VAE's ε is held
/// still, so the objective is a deterministic function of the parameters.
fn check_autoencoder(model: ModelConfig, train: TrainConfig, what: &str) {
    let mut ae = Autoencoder::new(&model, 3).unwrap();
    let x = random(4, model.input, 31, 0.0).mapv(|v| 0.5 + 0.5 * v);
    if model.kind == ModelKind::Vae {
        assert!(ae.fix_vae_noise(random(4, model.latent, 32, 0.0)));
    }
    let objective = |ae: &mut Autoencoder| {
        let t = ae.forward_backward(x.view(), x.view(), &train);
        ae.zero_grad();
        t.total as f64
    };
    ae.zero_grad();
    let terms = ae.forward_backward(x.view(), x.view(), &train);
    let mut analytic = Vec::new();
    ae.params_and_grads(&mut |p| analytic.extend(p.grad.iter().map(|&g| g as f64)));
    ae.zero_grad();
    let params = ae.export_params();
    let h = 1e-3f32;
    let mut numeric = Vec::new();
    for i in 0..params.len() {
        let mut p = params.clone();
        p[i] += h;
        ae.import_params(&p).unwrap();
        let lp = objective(&mut ae);
        p[i] -= 2.0 * h;
        ae.import_params(&p).unwrap();
        let lm = objective(&mut ae);
        numeric.push((lp - lm) / (2.0 * h as f64));
    }
    let e = rel_error(&analytic, &numeric);
    assert!(e < 5e-3, "{what}: relative error {e:.2e} (terms {terms:?})");
}

fn small(act: Activation) -> ModelConfig {
    ModelConfig { input: 6, encoder: vec![5], latent: 3, activation: act, ..ModelConfig::default() }
}

#[test]
fn whole_autoencoder_gradients_match_finite_differences() {
    for act in [Activation::Tanh, Activation::Sigmoid, Activation::LeakyRelu] {
        for loss in [LossKind::Mse, LossKind::Bce] {
            check_autoencoder(small(act), TrainConfig { loss, ..TrainConfig::default() }, &format!("{act:?} {loss:?}"));
        }
    }
    // No hidden layer: the code layer sits on the pixels.
    let shallow = ModelConfig { encoder: vec![], ..small(Activation::Tanh) };
    check_autoencoder(shallow, TrainConfig::default(), "no hidden layer");
}

#[test]
fn sparsity_penalty_gradients_match_finite_differences() {
    let sigmoid_code = ModelConfig { latent_activation: Activation::Sigmoid, ..small(Activation::Tanh) };
    let l1 = TrainConfig { sparsity: SparsityKind::L1, sparsity_weight: 0.05, ..TrainConfig::default() };
    check_autoencoder(sigmoid_code.clone(), l1, "L1 activity");
    let kl = TrainConfig {
        sparsity: SparsityKind::Kl,
        sparsity_weight: 0.05,
        sparsity_target: 0.1,
        ..TrainConfig::default()
    };
    check_autoencoder(sigmoid_code, kl, "KL sparsity");
}

#[test]
fn contractive_penalty_gradients_match_finite_differences() {
    for code in [Activation::Sigmoid, Activation::Tanh, Activation::Identity] {
        let train = TrainConfig { contractive: 0.1, ..TrainConfig::default() };
        let deep = ModelConfig { latent_activation: code, ..small(Activation::Tanh) };
        check_autoencoder(deep.clone(), train.clone(), &format!("contractive {code:?}"));
        let shallow = ModelConfig { encoder: vec![], ..deep };
        check_autoencoder(shallow, train, &format!("contractive one-layer {code:?}"));
    }
}

#[test]
fn vae_gradients_with_the_kl_term_match_finite_differences() {
    let vae = ModelConfig { kind: ModelKind::Vae, ..small(Activation::Tanh) };
    for beta in [1.0, 4.0] {
        for loss in [LossKind::Mse, LossKind::Bce] {
            check_autoencoder(
                vae.clone(),
                TrainConfig { beta, loss, ..TrainConfig::default() },
                &format!("VAE β={beta} {loss:?}"),
            );
        }
    }
}

/// Convolutions: in the lab build only (docs/wasm-api.md).
#[cfg(feature = "lab")]
mod conv {
    use super::*;
    use autoencoder_playground::config::{ConvBlock, ImageShape};
    use autoencoder_playground::nn::{Conv2d, ConvTranspose2d, Param};

    /// Checks every parameter's gradient of `layer` by finite differences, L = Σ r ⊙ layer(x).
    fn check_param_grads(layer: &mut dyn Layer, x: &Array2<f32>, name: &str) {
        let r = random(x.nrows(), layer.forward(x.view(), true).ncols(), 98, 0.0);
        layer.params_and_grads(&mut |p: Param<'_>| p.grad.fill(0.0));
        layer.forward(x.view(), true);
        layer.backward(r.view());
        let mut analytic = Vec::new();
        layer.params_and_grads(&mut |p| analytic.extend(p.grad.iter().map(|&g| g as f64)));
        let mut numeric = Vec::new();
        let mut count = 0;
        layer.params_and_grads(&mut |p| count += p.value.len());
        for i in 0..count {
            let nudge = |layer: &mut dyn Layer, by: f32| {
                let mut at = 0;
                layer.params_and_grads(&mut |p| {
                    if (at..at + p.value.len()).contains(&i) {
                        p.value[i - at] += by;
                    }
                    at += p.value.len();
                });
            };
            nudge(layer, H);
            let lp = weighted_sum(layer.forward(x.view(), true), &r);
            nudge(layer, -2.0 * H);
            let lm = weighted_sum(layer.forward(x.view(), true), &r);
            nudge(layer, H);
            numeric.push((lp - lm) / (2.0 * H as f64));
        }
        let e = rel_error(&analytic, &numeric);
        assert!(e < TOL, "{name}: parameter gradient relative error {e:.2e} ≥ {TOL:.0e}");
    }

    /// Every (kernel, stride) pair the presets use, and odd shapes around them:
    /// padding ⌊k/2⌋, images that are not square and sides the stride does not divide.
    const WINDOWS: [(usize, usize); 6] = [(3, 2), (3, 1), (1, 1), (5, 2), (2, 2), (4, 3)];

    /// Batches for both backward paths: 2 images take the whole-batch pass
    /// (but where a plane has a multiple of 16 pixels), 32 always the two
    /// halves of 16, whose dLoss/dW and dLoss/db are summed apart
    /// (src/nn/conv/mod.rs).
    const BATCHES: [usize; 2] = [2, 32];

    #[test]
    fn conv2d_input_and_parameter_gradients_match_finite_differences() {
        let mut rng = from_seed(5);
        for (k, s) in WINDOWS {
            // 29 channels: an unfolded matrix of more than 256 rows (k ≥ 3), made on the matrix kernel.
            for (c_in, h, w) in [(1, 7, 6), (2, 5, 5), (29, 5, 4)] {
                let image = ImageShape { channels: c_in, height: h, width: w };
                let window = ModelConfig::window(&ConvBlock { channels: 3, kernel: k, stride: s });
                let mut conv = Conv2d::new(image, 3, window, Init::He, &mut rng);
                conv.bias = ndarray::Array1::from_vec(vec![0.1, -0.2, 0.3]);
                for batch in BATCHES {
                    let x = random(batch, image.len(), 6, 0.0);
                    let what = format!("conv2d k{k} s{s} {c_in}×{h}×{w} batch {batch}");
                    check_input_grad(&mut conv, &x, &what);
                    check_param_grads(&mut conv, &x, &what);
                }
            }
        }
    }

    #[test]
    fn conv_transpose2d_input_and_parameter_gradients_match_finite_differences() {
        let mut rng = from_seed(7);
        for (k, s) in WINDOWS {
            // Grows back to the image its mirror convolution started from, odd sides included.
            for (c_out, h, w) in [(1, 7, 6), (2, 5, 5), (29, 5, 4)] {
                let output = ImageShape { channels: c_out, height: h, width: w };
                let window = ModelConfig::window(&ConvBlock { channels: 3, kernel: k, stride: s });
                let mut convt = ConvTranspose2d::new(3, output, window, Init::Xavier, &mut rng);
                convt.bias = ndarray::Array1::from_iter((0..c_out).map(|c| 0.1 * c as f32 - 0.05));
                for batch in BATCHES {
                    let x = random(batch, convt.input_shape().len(), 8, 0.0);
                    let what = format!("conv_transpose2d k{k} s{s} → {c_out}×{h}×{w} batch {batch}");
                    check_input_grad(&mut convt, &x, &what);
                    check_param_grads(&mut convt, &x, &what);
                }
            }
        }
    }

    /// A conv model on 1×7×6 images (or 2×6×6 with `channels`), two blocks.
    fn small_conv(act: Activation, channels: usize) -> ModelConfig {
        let image = if channels == 1 {
            ImageShape { channels: 1, height: 7, width: 6 }
        } else {
            ImageShape { channels, height: 6, width: 6 }
        };
        ModelConfig {
            input: image.len(),
            image: Some(image),
            encoder: vec![],
            conv: vec![
                ConvBlock { channels: 3, kernel: 3, stride: 2 },
                ConvBlock { channels: 2, kernel: 3, stride: 1 },
            ],
            latent: 3,
            activation: act,
            ..ModelConfig::default()
        }
    }

    #[test]
    fn whole_conv_autoencoder_gradients_match_finite_differences() {
        for act in [Activation::Tanh, Activation::LeakyRelu] {
            for loss in [LossKind::Mse, LossKind::Bce] {
                let train = TrainConfig { loss, ..TrainConfig::default() };
                check_autoencoder(small_conv(act, 1), train, &format!("conv {act:?} {loss:?}"));
            }
        }
        check_autoencoder(small_conv(Activation::Tanh, 2), TrainConfig::default(), "conv, two input channels");
        let one_block = ModelConfig {
            conv: vec![ConvBlock { channels: 2, kernel: 5, stride: 2 }],
            ..small_conv(Activation::Tanh, 1)
        };
        check_autoencoder(one_block, TrainConfig::default(), "conv, one block");
    }

    #[test]
    fn conv_vae_and_penalties_gradients_match_finite_differences() {
        let vae = ModelConfig { kind: ModelKind::Vae, ..small_conv(Activation::Tanh, 1) };
        check_autoencoder(vae, TrainConfig { beta: 2.0, loss: LossKind::Bce, ..TrainConfig::default() }, "conv VAE");
        let sigmoid_code = ModelConfig { latent_activation: Activation::Sigmoid, ..small_conv(Activation::Tanh, 1) };
        let kl = TrainConfig {
            sparsity: SparsityKind::Kl,
            sparsity_weight: 0.05,
            sparsity_target: 0.1,
            ..TrainConfig::default()
        };
        check_autoencoder(sigmoid_code.clone(), kl, "conv KL sparsity");
        let contractive = TrainConfig { contractive: 0.1, ..TrainConfig::default() };
        check_autoencoder(sigmoid_code, contractive, "conv contractive");
    }
}

/// The optimiser leaves a `Linear`'s gradients spent rather than zeroed
/// (`Param::spent`: the next backward writes them afresh). Training that way
/// must be training on zeroed gradients, bit for bit, with every term that adds
/// to them (the contractive penalty adds to dW before the backward does), every
/// optimiser and the L2 penalty; and whoever else looks at them after a step
/// reads zeros.
#[test]
fn gradients_left_spent_by_a_step_train_as_zeroed_ones() {
    use autoencoder_playground::config::OptimizerKind;
    use autoencoder_playground::nn::{Optimizer, Param};
    let deep = small(Activation::Tanh);
    let vae = ModelConfig { kind: ModelKind::Vae, ..deep.clone() };
    let cases = [
        ("Adam", deep.clone(), TrainConfig::default()),
        ("contractive", deep.clone(), TrainConfig { contractive: 0.5, ..TrainConfig::default() }),
        (
            "momentum, L2",
            deep.clone(),
            TrainConfig { optimizer: OptimizerKind::Momentum, weight_decay: 0.01, ..TrainConfig::default() },
        ),
        ("SGD, L1", deep, TrainConfig { optimizer: OptimizerKind::Sgd, l1: 0.01, lr: 0.1, ..TrainConfig::default() }),
        ("VAE", vae, TrainConfig::default()),
    ];
    for (what, model, train) in cases {
        let x = random(4, model.input, 41, 0.0).mapv(|v| 0.5 + 0.5 * v);
        let (mut spent, mut zeroed) = (Autoencoder::new(&model, 5).unwrap(), Autoencoder::new(&model, 5).unwrap());
        let (mut o_spent, mut o_zeroed) = (Optimizer::new(&train), Optimizer::new(&train));
        for step in 0..6 {
            spent.forward_backward(x.view(), x.view(), &train);
            zeroed.forward_backward(x.view(), x.view(), &train);
            let (mut a, mut b) = (Vec::new(), Vec::new());
            spent.params_and_grads(&mut |p| a.extend_from_slice(p.grad));
            zeroed.params_and_grads(&mut |p| b.extend_from_slice(p.grad));
            assert_eq!(a, b, "{what}: the gradients of step {step}");
            assert!(a.iter().any(|&g| g != 0.0), "{what}: no gradient at step {step}");
            o_spent.step(|f| spent.params_and_grads(f));
            // The same optimiser told to zero every gradient, as for a layer that offers no flag.
            o_zeroed.step(|f| zeroed.params_and_grads(&mut |p| f(Param { spent: None, ..p })));
        }
        let mut after = Vec::new();
        spent.params_and_grads(&mut |p| after.extend_from_slice(p.grad));
        assert!(after.iter().all(|&g| g == 0.0), "{what}: a visit after the step reads the spent gradients");
        assert_eq!(spent.export_params(), zeroed.export_params(), "{what}: the weights");
    }
}
