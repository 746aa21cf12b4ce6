//! Image-quality numbers for reconstructions (pixels in [0, 1]).

/// Peak signal-to-noise ratio in dB for a mean squared error on data of range 1:
/// 10·log10(1 / mse). Infinite for a perfect reconstruction.
pub fn psnr_from_mse(mse: f32) -> f32 {
    if mse <= 0.0 {
        f32::INFINITY
    } else {
        -10.0 * mse.log10()
    }
}
