//! How a `ModelConfig` becomes layers: the dense stacks, the conv encoder and
//! its mirrored decoder, and each layer's initialisation (He before ReLU-like
//! units, Xavier elsewhere, unless the config names one).

use crate::config::{Init, ModelConfig};
use crate::nn::{Activation, Dropout, Linear, Sequential};
#[cfg(feature = "lab")]
use crate::nn::{Conv2d, ConvTranspose2d};
use crate::rng::{seeded, Rng, Stream};

pub(super) fn init_for(cfg: &ModelConfig, act: Activation) -> Init {
    match cfg.init {
        Init::Auto if act.is_relu_like() => Init::He,
        Init::Auto => Init::Xavier,
        other => other,
    }
}

/// Linear + activation + dropout for each pair of `widths`; when `logits_last`,
/// the final Linear stands alone (the decoder's output).
pub(super) fn build_stack(
    widths: &[usize],
    cfg: &ModelConfig,
    rng: &mut Rng,
    seed: u64,
    dropout_base: u64,
    logits_last: bool,
) -> Sequential {
    let mut seq = Sequential::new();
    let n = widths.len().saturating_sub(1);
    for (i, pair) in widths.windows(2).enumerate() {
        let output_layer = logits_last && i + 1 == n;
        let act = if output_layer { Activation::Identity } else { cfg.activation };
        let mut lin = Linear::new(pair[0], pair[1], init_for(cfg, act), rng);
        // The encoder's first layer sees pixels, which are not trained.
        lin.input_grad = i > 0 || logits_last;
        seq.push(lin);
        if output_layer {
            continue;
        }
        seq.push_activation(act);
        if cfg.dropout > 0.0 {
            seq.push(Dropout::new(cfg.dropout, seeded(seed, Stream::Dropout, dropout_base + i as u64)));
        }
    }
    seq
}

/// The conv model's encoder body: each block's convolution, activation and dropout.
#[cfg(feature = "lab")]
pub(super) fn build_conv_encoder(cfg: &ModelConfig, rng: &mut Rng, seed: u64) -> Sequential {
    let mut seq = Sequential::new();
    let shapes = cfg.conv_shapes();
    let init = init_for(cfg, cfg.activation);
    for (i, block) in cfg.conv.iter().enumerate() {
        let mut conv = Conv2d::new(shapes[i], block.channels, ModelConfig::window(block), init, rng);
        // The first block sees pixels, which are not trained.
        conv.input_grad = i > 0;
        seq.push(conv);
        push_activation(&mut seq, cfg, cfg.activation, seed, i as u64);
    }
    seq
}

/// The conv model's decoder: a dense layer from the code to the last block's
/// feature maps, then the blocks mirrored by transposed convolutions; the last
/// one produces logits.
#[cfg(feature = "lab")]
pub(super) fn build_conv_decoder(cfg: &ModelConfig, rng: &mut Rng, seed: u64) -> Sequential {
    let mut seq = Sequential::new();
    let shapes = cfg.conv_shapes();
    let flat = shapes[shapes.len() - 1].len();
    seq.push(Linear::new(cfg.latent, flat, init_for(cfg, cfg.activation), rng));
    push_activation(&mut seq, cfg, cfg.activation, seed, 100);
    for (i, block) in cfg.conv.iter().enumerate().rev() {
        let output_layer = i == 0;
        let act = if output_layer { Activation::Identity } else { cfg.activation };
        let window = ModelConfig::window(block);
        seq.push(ConvTranspose2d::new(shapes[i + 1].channels, shapes[i], window, init_for(cfg, act), rng));
        if !output_layer {
            push_activation(&mut seq, cfg, act, seed, 100 + (cfg.conv.len() - i) as u64);
        }
    }
    seq
}

#[cfg(feature = "lab")]
fn push_activation(seq: &mut Sequential, cfg: &ModelConfig, act: Activation, seed: u64, dropout_index: u64) {
    seq.push_activation(act);
    if cfg.dropout > 0.0 {
        seq.push(Dropout::new(cfg.dropout, seeded(seed, Stream::Dropout, dropout_index)));
    }
}

/// Without the lab feature `validate` refuses conv models before the build.
#[cfg(not(feature = "lab"))]
pub(super) fn build_conv_encoder(_: &ModelConfig, _: &mut Rng, _: u64) -> Sequential {
    unreachable!("validate refuses conv models without the lab feature")
}
#[cfg(not(feature = "lab"))]
pub(super) use build_conv_encoder as build_conv_decoder;
