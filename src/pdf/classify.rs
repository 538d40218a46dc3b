//! Page classification (visible text, invisible OCR text, image only, empty) and the
//! garbled-text check.

use super::text::{is_wide, PageText};

/// What a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// Visible text (images may be present too).
    Text,
    /// Only invisible text (render mode 3), normally an OCR layer over a scan.
    OcrText,
    /// Images and no text.
    ImageOnly,
    /// Neither text nor images.
    Empty,
}

/// Classifies a page.
pub fn classify_page(page: &PageText) -> PageKind {
    let has_text = |invisible: bool| {
        page.items
            .iter()
            .any(|i| i.invisible == invisible && i.text.chars().any(|c| !c.is_whitespace()))
    };
    if has_text(false) {
        PageKind::Text
    } else if has_text(true) {
        PageKind::OcrText
    } else if page.images > 0 {
        PageKind::ImageOnly
    } else {
        PageKind::Empty
    }
}

/// Counts of characters that tell readable text from garbage.
#[derive(Debug, Default, Clone, Copy)]
pub struct TextQuality {
    /// Non-whitespace characters.
    pub chars: usize,
    /// CJK ideographs and full-width forms.
    pub cjk: usize,
    /// Replacement, private-use and control characters.
    pub bad: usize,
}

impl TextQuality {
    /// Adds the characters of `text`.
    pub fn add(&mut self, text: &str) {
        for c in text.chars().filter(|c| !c.is_whitespace()) {
            self.chars += 1;
            if is_wide(c) {
                self.cjk += 1;
            }
            if c == '\u{FFFD}'
                || matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0x10FFFF)
                || c.is_control()
            {
                self.bad += 1;
            }
        }
    }

    /// Lots of text but almost no Chinese, or a good share of unreadable characters.
    pub fn is_garbled(&self) -> bool {
        self.chars >= 10 && (self.bad * 10 > self.chars || self.cjk * 20 < self.chars)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbled_detection() {
        let mut q = TextQuality::default();
        q.add("关于做好政务公开工作的通知（此件公开发布）");
        assert!(!q.is_garbled());
        let mut q = TextQuality::default();
        q.add("\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}");
        assert!(q.is_garbled());
        let mut q = TextQuality::default();
        q.add("!\"#$%&'()*+,-./0123456789");
        assert!(q.is_garbled());
    }
}
