//! Autoencoder Playground's engine: autoencoders on handwritten digits, trained
//! one minibatch at a time, in pure Rust that builds natively and for
//! `wasm32-unknown-unknown`. Only `api` knows about JavaScript.

#[cfg(feature = "lab")]
pub mod analysis;
#[cfg(feature = "lab")]
pub mod autorec;
#[cfg(feature = "lab")]
pub mod checkpoint;
pub mod config;
pub mod data;
pub mod error;
pub mod explore;
#[cfg(feature = "lab")]
pub mod generated;
pub mod metrics;
pub mod model;
pub mod nn;
pub mod noise;
#[cfg(feature = "lab")]
pub mod pca;
pub mod rng;
#[cfg(feature = "lab")]
pub mod roofline;
#[cfg(feature = "lab")]
pub mod table;
pub mod train;

#[cfg(target_arch = "wasm32")]
pub mod api;

pub use config::{Config, ModelConfig, TrainConfig};
pub use data::Dataset;
pub use error::{Error, Result};
pub use model::Autoencoder;
pub use train::{EvalStats, StepStats, Trainer};
