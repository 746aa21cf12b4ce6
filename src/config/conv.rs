//! Convolutional models' part of the config: the image shape, the blocks, the
//! window each block slides, the feature maps they make, and the checks with
//! their sentences.

use serde::{Deserialize, Serialize};

use super::ModelConfig;
#[cfg(feature = "lab")]
use super::MAX_ENCODER_LAYERS;
use crate::error::{Error, Result};

/// Most channels a conv block may have.
pub const MAX_CHANNELS: usize = 256;
/// Largest conv kernel side.
pub const MAX_KERNEL: usize = 9;
/// Largest conv stride.
pub const MAX_STRIDE: usize = 4;
/// Values one image unfolds to in a conv block (C_in·k·k per output pixel): the
/// im2col buffer is this times the batch, so it bounds a step's memory.
pub const MAX_UNFOLDED: usize = 200_000;
/// Values of one image after a conv block (C·H·W).
pub const MAX_FEATURE_VALUES: usize = 65_536;

/// One image's shape: a row holds C×H×W values, channel-major
/// (value (c, y, x) at `(c·H + y)·W + x`, PyTorch's NCHW with the batch as rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageShape {
    /// Planes (1 for gray).
    pub channels: usize,
    /// Rows.
    pub height: usize,
    /// Columns.
    pub width: usize,
}

impl ImageShape {
    /// Values per image.
    pub fn len(&self) -> usize {
        self.channels * self.height * self.width
    }

    /// True for an image of no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A square sliding window: kernel side, stride and zero padding on every edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Kernel side k (k × k).
    pub kernel: usize,
    /// Step between windows.
    pub stride: usize,
    /// Zeros added on each side.
    pub padding: usize,
}

impl Window {
    /// Output side of a convolution over `side` pixels, or `None` when the
    /// kernel does not fit the padded image.
    pub fn out_side(&self, side: usize) -> Option<usize> {
        let padded = side + 2 * self.padding;
        (padded >= self.kernel && self.stride > 0).then(|| (padded - self.kernel) / self.stride + 1)
    }

    /// The transposed convolution's output_padding that makes it grow `from`
    /// pixels back to `to`, the side its mirror convolution started from.
    pub fn output_padding(&self, from: usize, to: usize) -> usize {
        to + 2 * self.padding - (from - 1) * self.stride - self.kernel
    }
}

/// One convolutional block of the encoder: a k×k convolution to `channels`
/// planes with this stride and zero padding ⌊k/2⌋, then the activation. The
/// decoder mirrors it with a transposed convolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConvBlock {
    /// Output channels.
    pub channels: usize,
    /// Kernel side.
    pub kernel: usize,
    /// Stride (2 halves the image).
    pub stride: usize,
}

impl ModelConfig {
    /// The input as an image: `image`, or a square gray image of `input` pixels
    /// (`None` when `input` is not a square and no `image` is given).
    pub fn image_shape(&self) -> Option<ImageShape> {
        if let Some(image) = self.image {
            return Some(image);
        }
        let side = (self.input as f64).sqrt().round() as usize;
        (side * side == self.input).then_some(ImageShape { channels: 1, height: side, width: side })
    }

    /// The window of conv block `b`: its kernel and stride, padding ⌊k/2⌋.
    pub fn window(b: &ConvBlock) -> Window {
        Window { kernel: b.kernel, stride: b.stride, padding: b.kernel / 2 }
    }

    /// The image after each conv block, the input first; stops early at a block
    /// whose kernel does not fit (the config's `validate` says which).
    pub fn conv_shapes(&self) -> Vec<ImageShape> {
        let Some(mut shape) = self.image_shape() else { return Vec::new() };
        let mut shapes = vec![shape];
        for b in &self.conv {
            let w = Self::window(b);
            match (w.out_side(shape.height), w.out_side(shape.width)) {
                (Some(height), Some(width)) => shape = ImageShape { channels: b.channels, height, width },
                _ => break,
            }
            shapes.push(shape);
        }
        shapes
    }

    /// The small wasm build (no "lab" feature) has no convolution layers.
    #[cfg(not(feature = "lab"))]
    pub(super) fn validate_conv(&self) -> Result<()> {
        Err(Error::config(
            "model.conv",
            "convolutional models train in the lab build of the engine (www/pkg-lab); this is the small build, which has dense layers only",
        ))
    }

    #[cfg(feature = "lab")]
    pub(super) fn validate_conv(&self) -> Result<()> {
        if !self.encoder.is_empty() {
            return Err(Error::config(
                "model.encoder",
                "a convolutional model's hidden layers are its conv blocks; leave encoder empty ([])",
            ));
        }
        if self.conv.len() > MAX_ENCODER_LAYERS {
            return Err(Error::config(
                "model.conv",
                format!("at most {MAX_ENCODER_LAYERS} conv blocks are allowed, got {}", self.conv.len()),
            ));
        }
        let Some(image) = self.image_shape() else {
            return Err(Error::config(
                "model.image",
                format!(
                    "a convolutional model needs the image's shape: {} pixels is not a square, so give image {{channels, height, width}}",
                    self.input
                ),
            ));
        };
        if image.channels == 0 || image.height == 0 || image.width == 0 || image.channels > MAX_CHANNELS {
            return Err(Error::config(
                "model.image",
                format!(
                    "needs at least 1 channel (at most {MAX_CHANNELS}), 1 row and 1 column, got {}×{}×{}",
                    image.channels, image.height, image.width
                ),
            ));
        }
        if image.len() != self.input {
            return Err(Error::config(
                "model.image",
                format!(
                    "{}×{}×{} is {} values, but model.input is {}",
                    image.channels,
                    image.height,
                    image.width,
                    image.len(),
                    self.input
                ),
            ));
        }
        let mut shape = image;
        for (i, b) in self.conv.iter().enumerate() {
            let n = i + 1;
            if b.channels == 0 || b.channels > MAX_CHANNELS {
                return Err(Error::config(
                    "model.conv",
                    format!("block {n} has {} channels; each block needs 1 to {MAX_CHANNELS}", b.channels),
                ));
            }
            if b.kernel == 0 || b.kernel > MAX_KERNEL {
                return Err(Error::config(
                    "model.conv",
                    format!("block {n} has kernel {}; a kernel is 1 to {MAX_KERNEL} pixels wide", b.kernel),
                ));
            }
            if b.stride == 0 || b.stride > MAX_STRIDE {
                return Err(Error::config(
                    "model.conv",
                    format!("block {n} has stride {}; the stride is 1 to {MAX_STRIDE}", b.stride),
                ));
            }
            let w = Self::window(b);
            let fits = b.kernel <= shape.height.min(shape.width);
            let (true, Some(height), Some(width)) = (fits, w.out_side(shape.height), w.out_side(shape.width)) else {
                return Err(Error::config(
                    "model.conv",
                    format!(
                        "block {n}'s {k}×{k} kernel is larger than its {}×{} input; use a smaller kernel or fewer blocks",
                        shape.height,
                        shape.width,
                        k = b.kernel
                    ),
                ));
            };
            let unfolded = shape.channels * b.kernel * b.kernel * height * width;
            if unfolded > MAX_UNFOLDED {
                return Err(Error::config(
                    "model.conv",
                    format!(
                        "block {n} unfolds {unfolded} values per image ({} channels in × {k}×{k} kernel × {height}×{width} outputs); the limit is {MAX_UNFOLDED}: use fewer channels, a smaller kernel or a larger stride",
                        shape.channels,
                        k = b.kernel
                    ),
                ));
            }
            shape = ImageShape { channels: b.channels, height, width };
            if shape.len() > MAX_FEATURE_VALUES {
                return Err(Error::config(
                    "model.conv",
                    format!(
                        "block {n} makes {height}×{width}×{} = {} values per image; the limit is {MAX_FEATURE_VALUES}: use fewer channels or a larger stride",
                        b.channels,
                        shape.len()
                    ),
                ));
            }
        }
        Ok(())
    }
}
