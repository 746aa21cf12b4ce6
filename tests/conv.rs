//! Convolutional autoencoders: the layers against textbook f64 definitions
//! (direct convolution; the transposed convolution as PyTorch defines it, a
//! scatter), a whole small conv net against an f64 forward pass written out
//! layer by layer, the adjoint identity, determinism, learning on the digits,
//! and the config's readable refusals.
#![cfg(feature = "lab")] // conv models are in the lab build only (docs/wasm-api.md)

mod common;
#[path = "common/conv_reference.rs"]
mod conv_reference;

use autoencoder_playground::config::{Config, ConvBlock, ImageShape, Init, ModelConfig, ModelKind};
use autoencoder_playground::nn::{Activation, ActivationLayer, Conv2d, ConvTranspose2d, Layer, Sequential, Window};
use autoencoder_playground::noise::NoiseKind;
use autoencoder_playground::rng::from_seed;
use autoencoder_playground::{Autoencoder, Trainer};
use conv_reference::{direct_conv, direct_conv_transpose, images, max_diff, weights4};
use ndarray::{Array2, Array4};
use rand::RngExt;

fn random(rows: usize, cols: usize, seed: u64) -> Array2<f32> {
    let mut rng = from_seed(seed);
    Array2::from_shape_simple_fn((rows, cols), || rng.random_range(-1.0..1.0))
}

/// A convolution or transposed convolution that absorbs the activation
/// pushed after it (`Layer::absorb`: applied as it writes its output,
/// differentiated as the gradient comes in) computes what the layer and an
/// `ActivationLayer` compute, bit for bit: output, dLoss/dInput and every
/// parameter's gradient, for every activation, at strides 1 and 2.
#[test]
fn a_conv_that_absorbs_its_activation_is_the_conv_then_the_activation_bit_for_bit() {
    let bits = |a: ndarray::ArrayView2<f32>| a.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    let image = ImageShape { channels: 3, height: 10, width: 9 };
    for act in [Activation::Relu, Activation::LeakyRelu, Activation::Sigmoid, Activation::Tanh, Activation::Identity] {
        for s in [1, 2] {
            let win = Window { kernel: 3, stride: s, padding: 1 };
            for transposed in [false, true] {
                let run = |absorbed: bool| {
                    let mut seq = Sequential::new();
                    let inputs = if transposed {
                        let mut up = ConvTranspose2d::new(4, image, win, Init::He, &mut from_seed(3));
                        up.bias = ndarray::arr1(&[0.3, -0.2, -0.5]);
                        let inputs = up.input_shape().len();
                        seq.push(up);
                        inputs
                    } else {
                        let mut conv = Conv2d::new(image, 4, win, Init::He, &mut from_seed(3));
                        conv.bias = ndarray::arr1(&[0.3, -0.2, 0.0, -0.5]);
                        seq.push(conv);
                        image.len()
                    };
                    if absorbed {
                        seq.push_activation(act);
                    } else {
                        seq.push(ActivationLayer::new(act));
                    }
                    let x = random(5, inputs, 4);
                    let y = bits(seq.forward(x.view(), true));
                    // What the layer itself hands on: f(z) when it absorbed f.
                    let layer_out = bits(seq.output(0));
                    let g = random(5, y.len() / 5, 5);
                    let grad_in = bits(seq.backward(g.view()));
                    let mut grads = Vec::new();
                    seq.params_and_grads(&mut |p| grads.extend(p.grad.iter().map(|v| v.to_bits())));
                    (y, layer_out, grad_in, grads)
                };
                let (apart, absorbed) = (run(false), run(true));
                let name = format!("{}{} s{s}", act.name(), if transposed { " transposed" } else { "" });
                assert!(absorbed.1 == absorbed.0, "{name}: the layer did not absorb the activation");
                assert!(absorbed.0 == apart.0, "{name}: the outputs differ");
                assert!(absorbed.2 == apart.2, "{name}: dLoss/dInput differs");
                assert!(absorbed.3 == apart.3, "{name}: the parameter gradients differ");
            }
        }
    }
}

const CASES: [(usize, usize); 5] = [(3, 2), (3, 1), (5, 2), (1, 1), (4, 3)];

#[test]
fn conv2d_is_the_direct_convolution() {
    let mut rng = from_seed(1);
    for (k, s) in CASES {
        let image = ImageShape { channels: 2, height: 9, width: 8 };
        let win = Window { kernel: k, stride: s, padding: k / 2 };
        let mut conv = Conv2d::new(image, 3, win, Init::He, &mut rng);
        conv.bias = ndarray::arr1(&[0.5, -0.25, 0.125]);
        let x = random(3, image.len(), 2);
        let y = conv.forward(x.view(), false).to_owned();
        let want = direct_conv(&images(&x, image), &weights4(&conv.weight, 3, 2, k), &[0.5, -0.25, 0.125], win);
        assert_eq!(conv.output_shape().len(), want.len() / 3);
        assert_eq!(y.len(), want.len(), "k{k} s{s}: output size");
        let e = max_diff(&want, &y);
        assert!(e < 1e-5, "k{k} s{s}: max |engine − f64| = {e:.2e}");
    }
}

#[test]
fn conv_transpose2d_is_pytorchs_scatter_and_the_adjoint_of_conv2d() {
    let mut rng = from_seed(3);
    for (k, s) in CASES {
        let big = ImageShape { channels: 2, height: 9, width: 8 };
        let win = Window { kernel: k, stride: s, padding: k / 2 };
        let mut convt = ConvTranspose2d::new(3, big, win, Init::Xavier, &mut rng);
        convt.bias = ndarray::arr1(&[0.3, -0.1]);
        let small = convt.input_shape();
        let x = random(2, small.len(), 4);
        let y = convt.forward(x.view(), false).to_owned();
        let want = direct_conv_transpose(
            &images(&x, small),
            &weights4(&convt.weight, 3, 2, k),
            &[0.3, -0.1],
            win,
            (big.height, big.width),
        );
        let e = max_diff(&want, &y);
        assert!(e < 1e-5, "k{k} s{s}: max |engine − f64| = {e:.2e}");
        // PyTorch's size rule with the implied output_padding, which must be below the stride.
        let op = (win.output_padding(small.height, big.height), win.output_padding(small.width, big.width));
        assert!(op.0 < s.max(1) && op.1 < s.max(1), "output_padding {op:?} for stride {s}");
        assert_eq!((small.height - 1) * s + k + op.0 - 2 * (k / 2), big.height);

        // ⟨conv(u), v⟩ = ⟨u, convᵀ(v)⟩ with the same kernels and no bias.
        let mut conv = Conv2d::new(big, 3, win, Init::He, &mut rng);
        conv.weight.assign(&convt.weight);
        convt.bias.fill(0.0);
        let u = random(2, big.len(), 5);
        let cu = conv.forward(u.view(), false).to_owned();
        let ctv = convt.forward(x.view(), false).to_owned();
        let lhs: f64 = cu.iter().zip(x.iter()).map(|(&a, &b)| a as f64 * b as f64).sum();
        let rhs: f64 = u.iter().zip(ctv.iter()).map(|(&a, &b)| a as f64 * b as f64).sum();
        assert!((lhs - rhs).abs() < 1e-4 * (1.0 + lhs.abs()), "k{k} s{s}: {lhs} vs {rhs}");
    }
}

fn act(a: Activation, v: f64) -> f64 {
    match a {
        Activation::Relu => v.max(0.0),
        Activation::LeakyRelu => {
            if v > 0.0 {
                v
            } else {
                0.01 * v
            }
        }
        Activation::Sigmoid => 1.0 / (1.0 + (-v).exp()),
        Activation::Tanh => v.tanh(),
        Activation::Identity => v,
    }
}

/// The blog-shaped model, 1×28×28 → 16 → 8 → 8 channels (4×4) → code, in f64
/// from the exported parameters, following the safetensors layout's order.
#[test]
fn a_conv_autoencoder_matches_an_f64_forward_pass() {
    let model = ModelConfig {
        encoder: vec![],
        conv: vec![
            ConvBlock { channels: 16, kernel: 3, stride: 2 },
            ConvBlock { channels: 8, kernel: 3, stride: 2 },
            ConvBlock { channels: 8, kernel: 3, stride: 2 },
        ],
        latent: 16,
        activation: Activation::LeakyRelu,
        latent_activation: Activation::Tanh,
        ..ModelConfig::default()
    };
    let mut ae = Autoencoder::new(&model, 9).unwrap();
    // 1→16: 2·16·9 + 1 + 16; 16→8: 2·128·9 + 24; 8→8: 2·64·9 + 16; dense 128↔16: 2·2048 + 144
    // (tests/unit-js/state.test.mjs counts the same model with latent 32: 12,153).
    assert_eq!(ae.export_params().len(), 305 + 2328 + 1168 + 4240);
    assert_eq!(model.param_count(), 8041);
    let params: Vec<f64> = ae.export_params().iter().map(|&v| v as f64).collect();
    let x = random(3, 784, 10).mapv(|v| 0.5 + 0.5 * v);
    let got = ae.reconstruct(x.view()).unwrap();

    let shapes = model.conv_shapes();
    assert_eq!(
        shapes.iter().map(|s| (s.channels, s.height, s.width)).collect::<Vec<_>>(),
        [(1, 28, 28), (16, 14, 14), (8, 7, 7), (8, 4, 4)]
    );
    let mut at = 0;
    let mut take = |n: usize| {
        at += n;
        params[at - n..at].to_vec()
    };
    let mut h = images(&x, shapes[0]);
    for (i, b) in model.conv.iter().enumerate() {
        let (c_in, c_out, k) = (shapes[i].channels, b.channels, b.kernel);
        let w = Array4::from_shape_vec((c_out, c_in, k, k), take(c_out * c_in * k * k)).unwrap();
        let bias = take(c_out);
        h = direct_conv(&h, &w, &bias, ModelConfig::window(b)).mapv(|v| act(model.activation, v));
    }
    let dense = |v: &Array2<f64>, w: Vec<f64>, b: Vec<f64>, a: Activation| {
        let w = Array2::from_shape_vec((v.ncols(), b.len()), w).unwrap();
        (v.dot(&w) + &ndarray::Array1::from_vec(b)).mapv(|z| act(a, z))
    };
    let flat = shapes[3].len();
    let hv = h.into_shape_with_order((3, flat)).unwrap();
    let code = dense(&hv, take(flat * 16), take(16), model.latent_activation);
    let up = dense(&code, take(16 * flat), take(flat), model.activation);
    let mut g = up.into_shape_with_order((3, 8, 4, 4)).unwrap();
    for i in (0..3).rev() {
        let (c_in, c_out, k) = (shapes[i + 1].channels, shapes[i].channels, model.conv[i].kernel);
        let w = Array4::from_shape_vec((c_in, c_out, k, k), take(c_in * c_out * k * k)).unwrap();
        let bias = take(c_out);
        let a = if i == 0 { Activation::Sigmoid } else { model.activation };
        g = direct_conv_transpose(
            &g,
            &w,
            &bias,
            ModelConfig::window(&model.conv[i]),
            (shapes[i].height, shapes[i].width),
        )
        .mapv(|v| act(a, v));
    }
    assert_eq!(at, params.len(), "every parameter was used once");
    let e = max_diff(&g, &got);
    assert!(e < 1e-5, "max |engine − f64| = {e:.2e}");
}

fn conv_config() -> Config {
    let mut cfg = Config::default();
    cfg.model.encoder = vec![];
    cfg.model.conv =
        vec![ConvBlock { channels: 8, kernel: 3, stride: 2 }, ConvBlock { channels: 8, kernel: 3, stride: 2 }];
    cfg.model.latent = 16;
    cfg
}

#[test]
fn conv_training_is_deterministic_and_learns_the_digits() {
    let d = common::digits();
    let mut cfg = conv_config();
    cfg.model.dropout = 0.1;
    let run = |cfg: &Config| {
        let mut t = Trainer::new(cfg.clone(), &d).unwrap();
        t.step(100).unwrap();
        let losses: Vec<u32> = t.history().losses.iter().map(|l| l.to_bits()).collect();
        (losses, t.evaluate().unwrap().mse)
    };
    let a = run(&cfg).0;
    assert_eq!(a, run(&cfg).0, "two runs with one seed differ");
    cfg.train.seed = Some(2);
    assert_ne!(a, run(&cfg).0, "a different seed should give a different run");
    // The mean image scores about 0.067 on these digits; a conv model that learns beats it clearly.
    cfg.model.dropout = 0.0;
    cfg.train.lr = 5e-3;
    let mut t = Trainer::new(cfg.clone(), &d).unwrap();
    t.step(300).unwrap();
    let mse = t.evaluate().unwrap().mse;
    assert!(mse < 0.04, "validation MSE {mse} after 300 steps");
    // Every corruption of the denoising lesson trains a conv model too.
    for noise in [NoiseKind::Gaussian, NoiseKind::Masking, NoiseKind::SaltPepper, NoiseKind::Block] {
        let mut c = cfg.clone();
        c.train.noise = noise;
        let mut t = Trainer::new(c, &d).unwrap();
        t.step(20).unwrap();
        let e = t.evaluate().unwrap();
        assert!(e.mse.is_finite() && e.mse < 0.2, "{noise:?}: {e:?}");
    }
    cfg.model.kind = ModelKind::Vae;
    cfg.model.dropout = 0.0;
    let mut vae = Trainer::new(cfg, &d).unwrap();
    vae.step(50).unwrap();
    assert!(vae.evaluate().unwrap().mse.is_finite());
}

fn error_of(edit: impl FnOnce(&mut Config)) -> String {
    let d = common::synthetic(200, 784);
    let mut cfg = conv_config();
    edit(&mut cfg);
    match Trainer::new(cfg, &d) {
        Ok(_) => panic!("config was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_conv_configs_are_refused_with_a_reason() {
    type Edit = Box<dyn FnOnce(&mut Config)>;
    let block = |channels, kernel, stride| ConvBlock { channels, kernel, stride };
    let cases: Vec<(Edit, &str)> = vec![
        (Box::new(|c| c.model.conv[1].channels = 0), "model.conv: block 2 has 0 channels; each block needs 1 to 256"),
        (Box::new(|c| c.model.conv[0].kernel = 0), "block 1 has kernel 0; a kernel is 1 to 9 pixels wide"),
        (Box::new(|c| c.model.conv[0].stride = 0), "block 1 has stride 0; the stride is 1 to 4"),
        (
            Box::new(move |c| c.model.conv = vec![block(4, 3, 4), block(4, 3, 4), block(4, 9, 1)]),
            "block 3's 9×9 kernel is larger than its 2×2 input; use a smaller kernel or fewer blocks",
        ),
        (Box::new(|c| c.model.encoder = vec![64]), "model.encoder: a convolutional model's hidden layers are its conv blocks"),
        (
            Box::new(|c| c.model.image = Some(ImageShape { channels: 3, height: 28, width: 28 })),
            "model.image: 3×28×28 is 2352 values, but model.input is 784",
        ),
        (
            Box::new(move |c| c.model.conv = vec![block(64, 3, 1), block(8, 3, 1)]),
            "block 2 unfolds 451584 values per image (64 channels in × 3×3 kernel × 28×28 outputs); the limit is 200000",
        ),
        (Box::new(move |c| c.model.conv = vec![block(128, 3, 1)]), "makes 28×28×128 = 100352 values per image; the limit is 65536"),
        (Box::new(move |c| c.model.conv = vec![block(2, 3, 2); 9]), "at most 8 conv blocks"),
    ];
    for (edit, want) in cases {
        let got = error_of(edit);
        assert!(got.contains(want), "error {got:?} does not say {want:?}");
    }
    let mut odd = conv_config().model;
    odd.input = 780;
    let e = odd.validate().unwrap_err().to_string();
    assert!(e.contains("780 pixels is not a square, so give image {channels, height, width}"), "{e}");
    odd.image = Some(ImageShape { channels: 3, height: 20, width: 13 });
    odd.validate().unwrap();
    // The image shape belongs to conv models.
    let mut dense = Config::default();
    dense.model.image = Some(ImageShape { channels: 1, height: 28, width: 28 });
    let e = Trainer::new(dense, &common::synthetic(200, 784)).err().unwrap().to_string();
    assert!(e.contains("the image shape is for convolutional models"), "{e}");
}

/// The weight gradients' product C ← A·Bᵀ + β·C (`nn::rows`) against the f64
/// sums: at shapes whose rows and columns leave partial 4 × 2 blocks and whose
/// depth leaves a partial group of 4 (or is under 4), with β 0, 1 and 0.5,
/// on column views of wider matrices (rows contiguous, the matrix not: a batch
/// half's columns). Within f32 rounding of a K-term sum; and no element
/// outside C is touched.
#[test]
fn the_row_products_are_the_f64_sums_of_a_times_b_transposed() {
    use autoencoder_playground::nn::rows::rows_times_rows;
    use ndarray::s;
    let mut checked = 0;
    for &(m, n, k) in &[(1, 1, 1), (3, 5, 3), (4, 2, 4), (5, 9, 7), (8, 72, 512), (16, 9, 6273), (7, 3, 1001)] {
        let a_wide = random(m, k + 5, 1);
        let b_wide = random(n, k + 3, 2);
        let (a, b) = (a_wide.slice(s![.., 2..2 + k]), b_wide.slice(s![.., 1..1 + k]));
        for beta in [0.0f32, 1.0, 0.5] {
            let mut c_wide = random(m + 2, n + 2, 3);
            let before = c_wide.clone();
            rows_times_rows(a, b, beta, c_wide.slice_mut(s![1..1 + m, 1..1 + n]));
            for i in 0..m + 2 {
                for j in 0..n + 2 {
                    let got = c_wide[[i, j]] as f64;
                    if i == 0 || j == 0 || i > m || j > n {
                        assert_eq!(got, before[[i, j]] as f64, "{m}×{n}×{k}: ({i}, {j}) outside C changed");
                        continue;
                    }
                    let (r, c) = (i - 1, j - 1);
                    let dot: f64 = (0..k).map(|p| a[[r, p]] as f64 * b[[c, p]] as f64).sum();
                    let abs: f64 = (0..k).map(|p| (a[[r, p]] as f64 * b[[c, p]] as f64).abs()).sum();
                    let want = beta as f64 * before[[i, j]] as f64 + dot;
                    let tol = 2e-7 * (k as f64).sqrt() * (abs + 1.0) + 1e-7;
                    assert!((got - want).abs() <= tol, "{m}×{n}×{k} β{beta} at ({r}, {c}): {got} vs {want}");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 2_000, "{checked} elements");
}
