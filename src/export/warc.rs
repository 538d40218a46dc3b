//! WARC/1.1 records (ISO 28500:2017), each written as its own gzip member, as archive tools
//! expect. Written by hand: the `warc` crate keeps fields in a hash map (no repeated fields,
//! no order), compresses a whole file as one member and computes no digests, and pulls in an
//! old `uuid`; the format itself is a version line, fields, a block and two line ends.

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;
use sha1::{Digest, Sha1};

/// One record: its type, its named fields (after the ones every record has) and its block.
#[derive(Debug, Clone)]
pub struct Record {
    pub kind: &'static str,
    pub id: String,
    /// `WARC-Date`, `YYYY-MM-DDThh:mm:ssZ`.
    pub date: String,
    pub fields: Vec<(&'static str, String)>,
    pub content_type: Option<String>,
    pub block: Vec<u8>,
}

impl Record {
    /// The record as bytes: version line, fields, `WARC-Block-Digest`, `Content-Length`, the
    /// block and the two CRLFs that end it.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut head = format!(
            "WARC/1.1\r\nWARC-Type: {}\r\nWARC-Record-ID: {}\r\nWARC-Date: {}\r\n",
            self.kind, self.id, self.date
        );
        for (name, value) in &self.fields {
            head.push_str(&format!("{name}: {}\r\n", one_line(value)));
        }
        if let Some(ct) = &self.content_type {
            head.push_str(&format!("Content-Type: {ct}\r\n"));
        }
        head.push_str(&format!(
            "WARC-Block-Digest: {}\r\nContent-Length: {}\r\n\r\n",
            sha1_label(&self.block),
            self.block.len()
        ));
        let mut out = head.into_bytes();
        out.extend_from_slice(&self.block);
        out.extend_from_slice(b"\r\n\r\n");
        out
    }

    /// The record compressed as one gzip member.
    pub fn to_gzip_member(&self) -> std::io::Result<Vec<u8>> {
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(&self.to_bytes())?;
        gz.finish()
    }
}

/// A field value on one line (WARC fields allow no line breaks here).
fn one_line(value: &str) -> String {
    value
        .chars()
        .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
        .collect()
}

/// `sha1:` and the digest in base32 (RFC 4648, upper case, padded: 32 characters for SHA-1),
/// the labelled form of the WARC digest fields.
pub fn sha1_label(bytes: &[u8]) -> String {
    format!("sha1:{}", base32(&Sha1::digest(bytes)))
}

/// RFC 4648 base32 with padding.
pub fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    for chunk in bytes.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let n = buf.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let symbols = (chunk.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < symbols {
                out.push(ALPHABET[((n >> (35 - i * 5)) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A record id, `<urn:uuid:…>`, the same for the same name: a name-based (version 5 layout)
/// UUID from SHA-1, so that an export made twice is the same and a record of another run's
/// export can be referred to by its id.
pub fn record_id(name: &str) -> String {
    let d = Sha1::digest(format!("gongkai-warc:{name}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "<urn:uuid:{}-{}-{}-{}-{}>",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_is_rfc_4648() {
        // RFC 4648 section 10.
        for (input, want) in [
            ("", ""),
            ("f", "MY======"),
            ("fo", "MZXQ===="),
            ("foo", "MZXW6==="),
            ("foob", "MZXW6YQ="),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI======"),
        ] {
            assert_eq!(base32(input.as_bytes()), want);
        }
        // The digest of an empty payload as WARC files carry it.
        assert_eq!(sha1_label(b""), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
    }

    #[test]
    fn records_end_with_two_crlf_and_ids_are_stable() {
        let r = Record {
            kind: "resource",
            id: record_id("x"),
            date: "2020-12-15T08:00:00Z".into(),
            fields: vec![("WARC-Target-URI", "http://a/\r\nb".into())],
            content_type: Some("text/plain".into()),
            block: b"hi".to_vec(),
        };
        let bytes = String::from_utf8(r.to_bytes()).unwrap();
        assert!(bytes.starts_with("WARC/1.1\r\nWARC-Type: resource\r\n"));
        assert!(bytes.contains("WARC-Target-URI: http://a/  b\r\n"));
        assert!(bytes.ends_with("Content-Length: 2\r\n\r\nhi\r\n\r\n"));
        assert_eq!(record_id("x"), record_id("x"));
        assert_ne!(record_id("x"), record_id("y"));
        assert_eq!(record_id("x").len(), "<urn:uuid:>".len() + 36);
    }
}
