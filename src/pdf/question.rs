//! Why a PDF is a question for the auditor: the stable codes of `PdfCheck.reason` (the `reason`
//! of `gongkai pdf check --format json`, and the evidence of a `pdf_unreadable` finding).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why the machine could not decide on a PDF; serialised as its snake_case code.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[serde(rename_all = "snake_case")]
pub enum PdfQuestion {
    /// Scanned pages without a text layer.
    ImageOnly,
    /// Text that decodes to nonsense (fonts without a usable mapping).
    Garbled,
    /// The document needs a password.
    Encrypted,
    /// The structure could not be read completely.
    Broken,
    /// The file, a stream or the decoded data is over its limit.
    TooBig,
    /// The file holds more objects than may be loaded (a hostile or broken file).
    TooManyObjects,
    /// More pages than are read, and none of those read carries a marking.
    TooManyPages,
    /// The time limit ran out.
    Timeout,
    /// The file is not a PDF.
    NotPdf,
    /// Readable, but (almost) no text.
    NoText,
    /// The reader failed (a caught panic, a lost task).
    InternalError,
}

impl PdfQuestion {
    /// Every question, for tests and documentation.
    pub const ALL: [PdfQuestion; 11] = [
        PdfQuestion::ImageOnly,
        PdfQuestion::Garbled,
        PdfQuestion::Encrypted,
        PdfQuestion::Broken,
        PdfQuestion::TooBig,
        PdfQuestion::TooManyObjects,
        PdfQuestion::TooManyPages,
        PdfQuestion::Timeout,
        PdfQuestion::NotPdf,
        PdfQuestion::NoText,
        PdfQuestion::InternalError,
    ];

    /// The stable code, e.g. `image_only`.
    pub fn as_str(self) -> &'static str {
        match self {
            PdfQuestion::ImageOnly => "image_only",
            PdfQuestion::Garbled => "garbled",
            PdfQuestion::Encrypted => "encrypted",
            PdfQuestion::Broken => "broken",
            PdfQuestion::TooBig => "too_big",
            PdfQuestion::TooManyObjects => "too_many_objects",
            PdfQuestion::TooManyPages => "too_many_pages",
            PdfQuestion::Timeout => "timeout",
            PdfQuestion::NotPdf => "not_pdf",
            PdfQuestion::NoText => "no_text",
            PdfQuestion::InternalError => "internal_error",
        }
    }

    /// The code back to the question (`None` for an unknown code).
    pub fn parse(code: &str) -> Option<PdfQuestion> {
        PdfQuestion::ALL.into_iter().find(|q| q.as_str() == code)
    }

    /// One sentence in Simplified Chinese for the auditor.
    pub fn detail(self) -> &'static str {
        match self {
            PdfQuestion::ImageOnly => "PDF为扫描图片，没有可读文字，需人工查看",
            PdfQuestion::Garbled => "PDF文字无法正确解码（乱码），需人工查看",
            PdfQuestion::Encrypted => "PDF已加密，需要密码才能打开，需人工查看",
            PdfQuestion::Broken => "PDF文件已损坏，无法完整读取，需人工查看",
            PdfQuestion::TooBig => "PDF文件或其数据超过大小限制，需人工查看",
            PdfQuestion::TooManyObjects => {
                "PDF内部对象数量超过读取上限（疑为异常文件），需人工查看"
            }
            PdfQuestion::TooManyPages => {
                "PDF页数超过读取上限，已读页中未找到公开属性标识，需人工查看"
            }
            PdfQuestion::Timeout => "读取PDF超时，需人工查看",
            PdfQuestion::NotPdf => "文件不是PDF格式，需人工查看",
            PdfQuestion::NoText => "PDF没有可读文字，需人工查看",
            PdfQuestion::InternalError => "读取PDF时发生内部错误，需人工查看",
        }
    }
}

impl fmt::Display for PdfQuestion {
    /// The stable code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::PdfQuestion;

    #[test]
    fn codes_are_the_serde_names_and_parse_back() {
        for q in PdfQuestion::ALL {
            let json = serde_json::to_string(&q).unwrap();
            assert_eq!(json, format!("\"{}\"", q.as_str()));
            assert_eq!(PdfQuestion::parse(q.as_str()), Some(q));
            assert_eq!(q.to_string(), q.as_str());
        }
        assert_eq!(PdfQuestion::parse("scanned"), None);
    }
}
