//! What a file given to Load is, before anything parses it: another kind of
//! file (told by its first bytes), an empty or cut-off one, or a safetensors
//! file whose header the reader refused — each as a `FileProblem` that says
//! what the file is and what was expected, instead of the parser's words.

use safetensors::tensor::{Metadata, SafeTensorError};

use super::MAX_BYTES;
use crate::error::{Error, FileKind, FileProblem};

/// The safetensors reader's limit on the header (its `MAX_HEADER_SIZE`).
const MAX_HEADER: u64 = 100_000_000;
/// Bytes of the header length that starts a safetensors file.
const LEN: usize = 8;

/// Ok if `bytes` can be a safetensors file whose header is all there; else what the file is.
pub(super) fn check(bytes: &[u8]) -> Result<(), Error> {
    let problem = if bytes.is_empty() {
        FileProblem::Empty
    } else if bytes.len() > MAX_BYTES {
        FileProblem::TooLarge { bytes: bytes.len(), limit: MAX_BYTES }
    } else if looks_like_safetensors(bytes) {
        let n = header_len(bytes);
        if n > MAX_HEADER {
            FileProblem::HeaderTooLarge { declared: n }
        } else if n + LEN as u64 > bytes.len() as u64 {
            FileProblem::Truncated { bytes: bytes.len(), expected: n + LEN as u64 }
        } else {
            return Ok(());
        }
    } else if let Some(kind) = kind_of(bytes) {
        FileProblem::OtherKind(kind)
    } else if bytes.len() <= LEN {
        FileProblem::TooShort { bytes: bytes.len() }
    } else {
        FileProblem::Unrecognised
    };
    Err(Error::ModelFile(problem))
}

/// The reader's refusal of a file that passed `check`, as what it means for the file.
pub(super) fn explain(e: SafeTensorError, bytes: &[u8]) -> Error {
    use SafeTensorError::*;
    let detail = |d: &str| FileProblem::BadHeader { detail: d.to_string() };
    let problem = match e {
        InvalidHeader(_) => detail("it is not text (UTF-8)"),
        InvalidHeaderDeserialization(e) | JsonError(e) => match e.classify() {
            serde_json::error::Category::Eof => detail("its JSON stops in the middle"),
            serde_json::error::Category::Syntax => {
                detail(&format!("it is not valid JSON (line {}, column {})", e.line(), e.column()))
            }
            _ => detail(&format!(
                "a tensor's dtype, shape or data offsets are not valid (line {}, column {})",
                e.line(),
                e.column()
            )),
        },
        InvalidOffset(name) => {
            detail(&format!("the data offsets of tensor \"{name}\" do not follow the tensor before"))
        }
        TensorInvalidInfo | ValidationOverflow | MisalignedSlice | InvalidTensorView(..) => {
            detail("a tensor's shape does not match the size of its data")
        }
        MetadataIncompleteBuffer => {
            // The header was read, so this parses; its tensors end where the file should.
            let n = header_len(bytes) as usize;
            match serde_json::from_slice::<Metadata>(&bytes[LEN..LEN + n]) {
                Ok(meta) => {
                    let expected = (LEN + n + meta.data_len()) as u64;
                    let have = bytes.len() as u64;
                    if have < expected {
                        FileProblem::Truncated { bytes: bytes.len(), expected }
                    } else {
                        FileProblem::TrailingBytes { extra: have - expected }
                    }
                }
                Err(_) => detail("its tensors do not fill the file"),
            }
        }
        other => detail(&other.to_string()),
    };
    Error::ModelFile(problem)
}

/// A safetensors file starts with its header's length (8 bytes, little-endian,
/// far below 4 GB, so the high four are zero) and then the header's JSON object.
fn looks_like_safetensors(bytes: &[u8]) -> bool {
    bytes.len() > LEN && bytes[LEN] == b'{' && bytes[4..LEN] == [0; 4]
}

fn header_len(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes[..LEN].try_into().expect("8 bytes"))
}

/// The kind of file `bytes` starts like, if it is one people pick by mistake.
fn kind_of(bytes: &[u8]) -> Option<FileKind> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    let kind = if starts(b"\x89PNG") {
        FileKind::Png
    } else if starts(b"\xFF\xD8\xFF") {
        FileKind::Jpeg
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        FileKind::Gif
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        FileKind::Webp
    } else if starts(b"%PDF-") {
        FileKind::Pdf
    } else if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") || starts(b"PK\x07\x08") {
        FileKind::Zip
    } else if starts(b"\x1F\x8B") {
        FileKind::Gzip
    } else {
        return text_kind(bytes);
    };
    Some(kind)
}

/// For a file that is text (UTF-8 without control characters in its first KB): which kind of text.
fn text_kind(bytes: &[u8]) -> Option<FileKind> {
    let head = &bytes[..bytes.len().min(1024)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        // Cut inside a character at the end of the first KB: still text.
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).ok()?,
        Err(_) => return None,
    };
    if text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C')) {
        return None;
    }
    let start = text.trim_start();
    let lower: String = start.chars().take(15).collect::<String>().to_ascii_lowercase();
    Some(if start.starts_with("version https://git-lfs.github.com/spec/") {
        FileKind::LfsPointer
    } else if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
        FileKind::Html
    } else if start.starts_with("step,train_loss") {
        FileKind::LossHistory
    } else if start.starts_with('{') || start.starts_with('[') {
        FileKind::Json
    } else {
        FileKind::Text
    })
}
