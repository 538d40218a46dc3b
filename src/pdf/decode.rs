//! Bounded stream decoding: every decoded byte is counted against a per-stream and a
//! per-document budget, and the time limit is checked on the way.

use std::io::Read;
use std::time::Instant;

use lopdf::{Object, Stream};

use super::error::PdfError;
use super::PdfLimits;

/// What one document may still spend: decoded bytes and time.
#[derive(Debug)]
pub struct Budget {
    max_stream: usize,
    remaining: usize,
    deadline: Instant,
    /// CMap entries the document's fonts may still hold (expanded ranges take memory).
    pub cmap_entries_left: usize,
}

/// CMap entries one document may hold in all (about 50 bytes each).
const MAX_CMAP_ENTRIES: usize = 600_000;

impl Budget {
    /// A fresh budget for one document.
    pub fn new(limits: &PdfLimits, start: Instant) -> Self {
        Budget {
            max_stream: limits.max_stream_bytes,
            remaining: limits.max_total_decoded_bytes,
            deadline: start + limits.time_limit,
            cmap_entries_left: MAX_CMAP_ENTRIES,
        }
    }

    /// Fails with [`PdfError::Timeout`] once the deadline has passed.
    pub fn check_time(&self) -> Result<(), PdfError> {
        if Instant::now() > self.deadline {
            Err(PdfError::Timeout)
        } else {
            Ok(())
        }
    }

    /// The most bytes the next stream may decode to.
    fn stream_cap(&self) -> usize {
        self.max_stream.min(self.remaining)
    }

    fn spend(&mut self, n: usize) -> Result<(), PdfError> {
        if n > self.remaining {
            self.remaining = 0;
            return Err(PdfError::TooBig("total decoded data".into()));
        }
        self.remaining -= n;
        Ok(())
    }
}

/// Decodes a stream's content within the budget.
///
/// A lone FlateDecode filter (by far the most common for content streams) is inflated here
/// with a hard cap, keeping what was inflated before a corrupt tail; every other filter chain
/// goes through lopdf's bounded decoder.
pub fn decode_stream(stream: &Stream, budget: &mut Budget) -> Result<Vec<u8>, PdfError> {
    budget.check_time()?;
    let cap = budget.stream_cap();
    let filters: Vec<&[u8]> = stream.filters().unwrap_or_default();
    let has_params = match stream.dict.get(b"DecodeParms") {
        Ok(Object::Null) | Err(_) => false,
        Ok(_) => true,
    };
    let out = if filters.is_empty() {
        if stream.content.len() > cap {
            return Err(PdfError::TooBig("stream".into()));
        }
        stream.content.clone()
    } else if filters == [b"FlateDecode".as_slice()] && !has_params {
        inflate_capped(&stream.content, cap)?
    } else {
        stream.decompressed_content_with_limit(cap)?
    };
    budget.spend(out.len())?;
    Ok(out)
}

/// Inflates zlib data (or raw deflate as a fallback) into at most `cap` bytes.
///
/// Output beyond the cap is an error ([`PdfError::TooBig`]); a corrupt stream yields what was
/// inflated before the damage, or an error if nothing was.
pub fn inflate_capped(input: &[u8], cap: usize) -> Result<Vec<u8>, PdfError> {
    let zlib = read_capped(flate2::read::ZlibDecoder::new(input), cap)?;
    match zlib {
        (out, true) => Ok(out),
        (out, false) if !out.is_empty() => Ok(out),
        _ => {
            let (raw, ok) = read_capped(flate2::read::DeflateDecoder::new(input), cap)?;
            if ok || !raw.is_empty() {
                Ok(raw)
            } else {
                Err(PdfError::Broken("flate stream".into()))
            }
        }
    }
}

/// Reads up to `cap` bytes; returns the data and whether the reader ended cleanly.
fn read_capped<R: Read>(mut reader: R, cap: usize) -> Result<(Vec<u8>, bool), PdfError> {
    let mut out = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return Ok((out, true)),
            Ok(n) => {
                if out.len() + n > cap {
                    return Err(PdfError::TooBig("stream".into()));
                }
                out.extend_from_slice(&buf[..n]);
            }
            Err(_) => return Ok((out, false)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::ZlibEncoder;
    use std::io::Write;

    #[test]
    fn inflate_respects_cap() {
        let mut enc = ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(&vec![0u8; 1 << 20]).unwrap();
        let data = enc.finish().unwrap();
        assert!(matches!(
            inflate_capped(&data, 1000),
            Err(PdfError::TooBig(_))
        ));
        assert_eq!(inflate_capped(&data, 2 << 20).unwrap().len(), 1 << 20);
    }

    #[test]
    fn inflate_keeps_prefix_of_truncated_stream() {
        let mut enc = ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        let text: Vec<u8> = (0..20000u32).flat_map(|i| i.to_le_bytes()).collect();
        enc.write_all(&text).unwrap();
        let data = enc.finish().unwrap();
        let out = inflate_capped(&data[..data.len() / 2], 1 << 20).unwrap();
        assert!(!out.is_empty());
        assert_eq!(&text[..out.len()], &out[..]);
    }
}
