//! The one error type of the engine. Every message is a sentence a person can act on.

use std::fmt;

/// Everything that can go wrong in the engine, each with the facts needed to fix it.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A config value is out of range: which field, what was given, what is allowed.
    InvalidConfig { field: String, message: String },
    /// An input array has the wrong length or shape.
    Shape(String),
    /// The training data cannot be used (too few digits, a bad label, ...).
    Data(String),
    /// The loss became NaN or infinite; training stopped and the weights were kept.
    Diverged { step: u64, loss: f32 },
}

impl Error {
    /// A config error for `field`, with a sentence saying what is allowed.
    pub fn config(field: &str, message: impl Into<String>) -> Self {
        Error::InvalidConfig { field: field.to_string(), message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidConfig { field, message } => write!(f, "{field}: {message}"),
            Error::Shape(m) | Error::Data(m) => f.write_str(m),
            Error::Diverged { step, loss } => write!(
                f,
                "training diverged at step {step}: the loss became {loss}; the weights were kept \
                 at the last good step. Lower the learning rate and continue."
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand used across the crate.
pub type Result<T> = std::result::Result<T, Error>;
