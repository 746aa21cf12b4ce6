//! An autoencoder's parameters as a whole: the filters a learner looks at,
//! the flat vector that saves, loads and copies them, and the checks and
//! resets of their gradients. All go through `params_and_grads`, in its order.

use ndarray::Array2;

use super::Autoencoder;
use crate::error::{Error, Result};

impl Autoencoder {
    /// The filters a learner looks at: the first encoder layer's weights
    /// (input × its width, one column per unit) and the last decoder layer's
    /// (its width × input, one row per unit), each as a row-major array. For a
    /// conv model they are the first block's kernels ((C_in·k·k) × C_out, one
    /// column per output channel) and the last transposed convolution's
    /// (C_1 × (C_in·k·k), one row per channel).
    pub fn filters(&mut self) -> (Array2<f32>, Array2<f32>) {
        let (mut enc, mut dec) = (Vec::new(), Vec::new());
        let mut seen = 0;
        self.params_and_grads(&mut |p| {
            if p.is_weight {
                if seen == 0 {
                    enc = p.value.to_vec();
                }
                // Overwritten until the last weight, the decoder's output layer.
                dec.clear();
                dec.extend_from_slice(p.value);
                seen += 1;
            }
        });
        let (rows, first) = match self.config.conv_shapes().as_slice() {
            [input, first, ..] if self.config.is_conv() => {
                let k = self.config.conv[0].kernel;
                (input.channels * k * k, first.channels)
            }
            _ => {
                let widths = self.config.encoder_widths();
                (widths[0], widths[1])
            }
        };
        let enc = if self.config.is_conv() {
            // Stored C_out × patch (PyTorch's layout); a column per channel here.
            Array2::from_shape_vec((first, rows), enc).expect("first block is C_out × patch").reversed_axes()
        } else {
            Array2::from_shape_vec((rows, first), enc).expect("first layer is input × width")
        };
        let enc = enc.as_standard_layout().into_owned();
        let dec = Array2::from_shape_vec((first, rows), dec).expect("last layer is width × input");
        (enc, dec)
    }

    /// All parameters, flattened in `params_and_grads` order.
    pub fn export_params(&mut self) -> Vec<f32> {
        let mut out = Vec::new();
        self.copy_params_into(&mut out);
        out
    }

    /// Copies parameters from `export_params`'s layout into the model; fails if the length differs.
    pub fn import_params(&mut self, values: &[f32]) -> Result<()> {
        let mut total = 0;
        self.params_and_grads(&mut |p| total += p.value.len());
        if total != values.len() {
            return Err(Error::Shape(format!("expected {total} parameters, got {}", values.len())));
        }
        let mut at = 0;
        self.params_and_grads(&mut |p| {
            let n = p.value.len();
            p.value.copy_from_slice(&values[at..at + n]);
            at += n;
        });
        Ok(())
    }

    /// Copies all parameters into `dst`, reusing its allocation.
    pub fn copy_params_into(&mut self, dst: &mut Vec<f32>) {
        dst.clear();
        self.params_and_grads(&mut |p| dst.extend_from_slice(p.value));
    }

    /// True when every gradient is a finite number.
    pub fn grads_finite(&mut self) -> bool {
        let mut bad = 0u32;
        self.params_and_grads(&mut |p| {
            let g = &*p.grad;
            // A large tensor's halves on two threads where element-wise passes split (an OR: any order).
            if crate::nn::gemm::split_elementwise(g.len()) {
                let (first, second) = g.split_at(g.len() / 2);
                let (mut a, mut b) = (0, 0);
                crate::nn::gemm::join(true, || a = non_finite(first), || b = non_finite(second));
                bad |= a | b;
            } else {
                bad |= non_finite(g);
            }
        });
        bad == 0
    }

    /// Sets every gradient to zero.
    pub fn zero_grad(&mut self) {
        self.params_and_grads(&mut |p| p.grad.fill(0.0));
    }
}

/// 1 if some value is inf or NaN, else 0. An exponent of all ones marks them.
/// OR-ing that test over the bits has no early exit and no float ordering to
/// keep, so it vectorises; `all(is_finite)` ran 10× slower.
fn non_finite(values: &[f32]) -> u32 {
    values.iter().fold(0u32, |acc, g| acc | ((g.to_bits() & 0x7f80_0000) == 0x7f80_0000) as u32)
}
