//! Models built from a `ModelConfig`.

mod autoencoder;

pub use autoencoder::Autoencoder;
