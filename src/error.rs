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
    /// A file given to Load is not a model this playground saved, or not one it can use.
    /// (Save and load are the lab build's: the small one is spared these sentences.)
    #[cfg(feature = "lab")]
    ModelFile(FileProblem),
}

/// What is wrong with a file given to `checkpoint::load`: each says what the
/// file is and what was expected, for a person who picked the wrong file.
#[derive(Debug, Clone, PartialEq)]
pub enum FileProblem {
    /// It holds no bytes.
    Empty,
    /// Another kind of file, recognised by its first bytes.
    OtherKind(FileKind),
    /// Too few bytes to be anything, and not a known kind of file.
    TooShort { bytes: usize },
    /// More bytes than a model file can have.
    TooLarge { bytes: usize, limit: usize },
    /// First bytes that are neither a safetensors header nor a known kind of file.
    Unrecognised,
    /// The header's length field claims more than any model file's header needs.
    HeaderTooLarge { declared: u64 },
    /// The file stops before the end its header declares.
    Truncated { bytes: usize, expected: u64 },
    /// The file goes on past the end its header declares.
    TrailingBytes { extra: u64 },
    /// The safetensors header cannot be read; `detail` says how.
    BadHeader { detail: String },
    /// A safetensors file without the playground's "format" tag; `first_tensor` is its first tensor's name.
    Foreign { first_tensor: Option<String> },
    /// The "format" tag names something else (another program, or another version of this one).
    OtherFormat { found: String, expected: &'static str },
    /// The "config" or "summary" entry of the metadata is missing (`detail` None) or cannot be read.
    BadMetadata { key: &'static str, detail: Option<String> },
    /// The config is one the engine refuses (the engine's own error).
    Refused(Box<Error>),
    /// A tensor the config calls for is not in the file.
    MissingTensor { name: String },
    /// A tensor the config does not call for.
    ExtraTensor { name: String },
    /// A tensor with another shape than the config gives it.
    TensorShape { name: String, found: Vec<usize>, expected: Vec<usize> },
    /// A tensor of another number type than 32-bit floats.
    TensorType { name: String, dtype: String },
    /// A weight that is NaN or infinite.
    NotFinite { name: String, value: f32 },
}

/// Kinds of file people pick by mistake, told apart by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Png,
    Jpeg,
    Gif,
    Webp,
    Pdf,
    Zip,
    Gzip,
    /// A web page: what a download link saves when it leads to a page instead of the file.
    Html,
    /// What `git clone` leaves in place of a file kept in Git LFS.
    LfsPointer,
    /// The loss history the playground exports as CSV.
    LossHistory,
    Json,
    Text,
}

/// A count with thousands separators: 12,345.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The end of every sentence that names what the file is.
const NOT_A_MODEL: &str = "not a model file saved by the playground (.safetensors)";

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use FileKind::*;
        match self {
            Png => write!(f, "This is a PNG image, {NOT_A_MODEL}."),
            Jpeg => write!(f, "This is a JPEG image, {NOT_A_MODEL}."),
            Gif => write!(f, "This is a GIF image, {NOT_A_MODEL}."),
            Webp => write!(f, "This is a WebP image, {NOT_A_MODEL}."),
            Pdf => write!(f, "This is a PDF document, {NOT_A_MODEL}."),
            Zip => write!(f, "This is a ZIP archive (as PyTorch's .pt files are), {NOT_A_MODEL}."),
            Gzip => write!(f, "This is a gzip-compressed file, {NOT_A_MODEL}; if it holds one, unpack it first."),
            Html => write!(
                f,
                "This is a web page (HTML), {NOT_A_MODEL}: the link may have saved a page instead of the file."
            ),
            LfsPointer => f.write_str(
                "This is a Git LFS pointer, not the model file it stands for: fetch the file (git lfs pull).",
            ),
            LossHistory => {
                f.write_str("This is the loss history the playground exports (CSV), not a model file (.safetensors).")
            }
            Json => write!(f, "This is a JSON file, {NOT_A_MODEL}."),
            Text => write!(f, "This is a text file, {NOT_A_MODEL}."),
        }
    }
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use FileProblem::*;
        match self {
            Empty => write!(f, "The file is empty (0 bytes), {NOT_A_MODEL}."),
            OtherKind(kind) => kind.fmt(f),
            TooShort { bytes } => write!(f, "The file is only {bytes} bytes long, too short to be a model file."),
            TooLarge { bytes, limit } => write!(
                f,
                "The file is {} MB; a model file of the playground is at most {} MB.",
                bytes.div_ceil(1 << 20),
                limit >> 20
            ),
            Unrecognised => write!(f, "This is {NOT_A_MODEL}: its first bytes match no kind of file the playground knows."),
            HeaderTooLarge { declared } => write!(
                f,
                "The file's header claims to be {} bytes long, more than a model file's header can be: \
                 the file is damaged.",
                grouped(*declared)
            ),
            Truncated { bytes, expected } => write!(
                f,
                "The file ends early: it may have been cut off while downloading (it holds {} bytes of at least {}).",
                grouped(*bytes as u64),
                grouped(*expected)
            ),
            TrailingBytes { extra } => write!(
                f,
                "The file has {} bytes more than its header declares: it was damaged or joined with another file.",
                grouped(*extra)
            ),
            BadHeader { detail } => write!(f, "The file's safetensors header is damaged: {detail}."),
            Foreign { first_tensor } => {
                f.write_str(
                    "This safetensors file was not saved by the playground: its metadata has no \"format\" entry",
                )?;
                match first_tensor {
                    Some(name) => write!(
                        f,
                        ", and its first tensor, \"{name}\", is not named as the playground names its weights \
                         (\"encoder.0.weight\", …)."
                    ),
                    None => f.write_str(", and it holds no tensors."),
                }
            }
            OtherFormat { found, expected } if found.starts_with("autoencoder-playground/") => write!(
                f,
                "This model file was saved by another version of the playground (format \"{found}\"); \
                 this page reads \"{expected}\"."
            ),
            OtherFormat { found, expected } => write!(
                f,
                "This safetensors file was not saved by the playground: its metadata gives the format \"{found}\"{}, \
                 and the playground's is \"{expected}\".",
                if found == "pt" { " (PyTorch's)" } else { "" },
            ),
            BadMetadata { key, detail: None } => write!(
                f,
                "The model file's metadata lacks \"{key}\", which the playground writes: the file was edited or damaged."
            ),
            BadMetadata { key, detail: Some(d) } => write!(
                f,
                "The model file's \"{key}\" entry cannot be read ({d}): the file was edited or damaged."
            ),
            Refused(e) => write!(f, "The model in this file has settings the playground cannot train ({e})."),
            MissingTensor { name } => write!(
                f,
                "The model file lacks the tensor \"{name}\" that its settings call for: the file was edited or damaged."
            ),
            ExtraTensor { name } => write!(
                f,
                "The model file has a tensor \"{name}\" that its settings do not call for: \
                 the file was edited or damaged."
            ),
            TensorShape { name, found, expected } => {
                write!(f, "The tensor \"{name}\" has shape {found:?}, but the model's settings need {expected:?}")?;
                let transposed: Vec<usize> = found.iter().rev().copied().collect();
                if found.len() == 2 && &transposed == expected {
                    f.write_str(" (PyTorch stores a Linear layer's weight transposed)")?;
                }
                f.write_str(".")
            }
            TensorType { name, dtype } => write!(
                f,
                "The tensor \"{name}\" holds {dtype} numbers; the playground's weights are F32 (32-bit floats)."
            ),
            NotFinite { name, value } => {
                write!(f, "The tensor \"{name}\" holds {value}; every weight must be a finite number.")
            }
        }
    }
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
            #[cfg(feature = "lab")]
            Error::ModelFile(problem) => problem.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand used across the crate.
pub type Result<T> = std::result::Result<T, Error>;
