//! Hostile PDFs built in memory, deterministic and fast: very many pages, very many tiny
//! objects, and the same objects packed into object streams (where a scan for `obj` keywords
//! cannot see them). Shared by the memory test and the PDF bench (included with `#[path]`).
#![allow(dead_code)]

use std::io::Write;

use flate2::write::ZlibEncoder;
use flate2::Compression;

/// A PDF writer that records each object's offset for a classic xref table.
struct Writer {
    out: Vec<u8>,
    offsets: Vec<usize>,
}

impl Writer {
    fn new() -> Self {
        let mut out = Vec::new();
        out.extend_from_slice(b"%PDF-1.5\n%\xE2\xE3\xCF\xD3\n");
        Writer {
            out,
            offsets: Vec::new(),
        }
    }

    /// Writes object `id` (ids are dense from 1 and written in order).
    fn object(&mut self, id: usize, body: &[u8]) {
        assert_eq!(id, self.offsets.len() + 1, "objects in order");
        self.offsets.push(self.out.len());
        self.out
            .extend_from_slice(format!("{id} 0 obj\n").as_bytes());
        self.out.extend_from_slice(body);
        self.out.extend_from_slice(b"\nendobj\n");
    }

    fn stream(&mut self, id: usize, dict: &str, data: &[u8]) {
        let mut body = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(b"\nendstream");
        self.object(id, &body);
    }

    /// Writes the xref table and trailer; object 1 is the catalog.
    fn finish(mut self) -> Vec<u8> {
        let start = self.out.len();
        let size = self.offsets.len() + 1;
        self.out
            .extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f \n").as_bytes());
        for off in &self.offsets {
            self.out
                .extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
        }
        self.out.extend_from_slice(
            format!("trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{start}\n%%EOF\n")
                .as_bytes(),
        );
        self.out
    }
}

const FONT: &[u8] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";

/// Page dictionary `id` under pages node 2 with content `content` and font 3.
fn page(content: usize) -> Vec<u8> {
    format!(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {content} 0 R \
         /Resources << /Font << /F1 3 0 R >> >> >>"
    )
    .into_bytes()
}

/// `pages` pages, each with a content stream of its own (one line of text): 2 objects a page.
pub fn many_pages(pages: usize) -> Vec<u8> {
    let mut w = Writer::new();
    w.object(1, b"<< /Type /Catalog /Pages 2 0 R >>");
    let kids: String = (0..pages).map(|k| format!("{} 0 R ", 4 + 2 * k)).collect();
    w.object(
        2,
        format!("<< /Type /Pages /Kids [{kids}] /Count {pages} >>").as_bytes(),
    );
    w.object(3, FONT);
    for k in 0..pages {
        let id = 4 + 2 * k;
        w.object(id, &page(id + 1));
        let text = format!(
            "BT /F1 12 Tf 72 700 Td (Page {} of the report) Tj ET",
            k + 1
        );
        w.stream(id + 1, "", text.as_bytes());
    }
    w.finish()
}

/// One page of text and `objects` tiny objects besides, each in the xref table.
pub fn many_objects(objects: usize) -> Vec<u8> {
    let mut w = one_page();
    for k in 0..objects {
        w.object(6 + k, format!("<< /N {k} >>").as_bytes());
    }
    w.finish()
}

/// One page of text and `objects` tiny objects packed into compressed object streams of
/// `per_stream` objects each (only the streams are in the xref table).
pub fn packed_objects(objects: usize, per_stream: usize) -> Vec<u8> {
    let mut w = one_page();
    // Streams are objects 6, 7, ...; members get ids above every stream's.
    let streams = objects.div_ceil(per_stream);
    let mut member = 6 + streams;
    for s in 0..streams {
        let n = per_stream.min(objects - s * per_stream);
        let (mut index, mut body) = (String::new(), String::new());
        for k in 0..n {
            index.push_str(&format!("{} {} ", member + k, body.len()));
            body.push_str(&format!("<< /N {k} >> "));
        }
        member += n;
        let mut plain = index.clone().into_bytes();
        plain.extend_from_slice(body.as_bytes());
        let mut z = ZlibEncoder::new(Vec::new(), Compression::fast());
        z.write_all(&plain).unwrap();
        let data = z.finish().unwrap();
        let dict = format!(
            "/Type /ObjStm /N {n} /First {} /Filter /FlateDecode",
            index.len()
        );
        w.stream(6 + s, &dict, &data);
    }
    w.finish()
}

/// Catalog (1), pages (2), font (3), one page (4) with its content (5).
fn one_page() -> Writer {
    let mut w = Writer::new();
    w.object(1, b"<< /Type /Catalog /Pages 2 0 R >>");
    w.object(2, b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>");
    w.object(3, FONT);
    w.object(4, &page(5));
    w.stream(
        5,
        "",
        b"BT /F1 12 Tf 72 700 Td (Notice on the county work plan for open government) Tj ET",
    );
    w
}
