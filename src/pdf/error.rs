//! Internal error type of the PDF reader; mapped to a [`PdfQuestion`] at the boundary.

use thiserror::Error;

use super::PdfQuestion;

/// Why a PDF (or a part of it) could not be read.
#[derive(Debug, Error)]
pub enum PdfError {
    /// The input does not start like a PDF.
    #[error("not a PDF")]
    NotPdf,
    /// The file, a stream or the total decoded data is over its limit.
    #[error("over size limit: {0}")]
    TooBig(String),
    /// The file holds more objects than may be loaded (the count found).
    #[error("too many objects: {0}")]
    TooManyObjects(usize),
    /// The time limit ran out.
    #[error("time limit exceeded")]
    Timeout,
    /// The document needs a password.
    #[error("encrypted")]
    Encrypted,
    /// The structure could not be read.
    #[error("broken: {0}")]
    Broken(String),
}

impl PdfError {
    /// The question reported for this error.
    pub fn reason(&self) -> PdfQuestion {
        match self {
            PdfError::NotPdf => PdfQuestion::NotPdf,
            PdfError::TooBig(_) => PdfQuestion::TooBig,
            PdfError::TooManyObjects(_) => PdfQuestion::TooManyObjects,
            PdfError::Timeout => PdfQuestion::Timeout,
            PdfError::Encrypted => PdfQuestion::Encrypted,
            PdfError::Broken(_) => PdfQuestion::Broken,
        }
    }
}

impl From<lopdf::Error> for PdfError {
    fn from(err: lopdf::Error) -> Self {
        match err {
            lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => {
                PdfError::TooBig(err.to_string())
            }
            lopdf::Error::InvalidPassword
            | lopdf::Error::Decryption(_)
            | lopdf::Error::UnsupportedSecurityHandler(_) => PdfError::Encrypted,
            other => PdfError::Broken(other.to_string()),
        }
    }
}
