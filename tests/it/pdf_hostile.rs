//! Handmade PDFs: line reconstruction and marking rules, and hostile structures (recursive
//! forms, floods of text, unbalanced state) that must end quickly with a verdict.

use crate::support::pdf_common as common;

use std::time::{Duration, Instant};

use gongkai::pdf::{check_pdf_sync, PdfLimits, PdfQuestion, Verdict};
use lopdf::{dictionary, Document, Object, Stream};

/// UCS-2 hex string for text shown with a /UniGB-UCS2-H font.
fn ucs2(text: &str) -> String {
    let hex: String = text.encode_utf16().map(|u| format!("{u:04X}")).collect();
    format!("<{hex}>")
}

/// A one-page PDF with font /F1 (STSong-Light, UniGB-UCS2-H) and optional XObjects.
fn build(content: &str, xobjects: Vec<(&str, String)>) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => "STSong-Light",
        "Encoding" => "UniGB-UCS2-H",
    });
    let mut xdict = lopdf::Dictionary::new();
    let form_ids: Vec<_> = xobjects.iter().map(|_| doc.new_object_id()).collect();
    for ((name, _), id) in xobjects.iter().zip(&form_ids) {
        xdict.set(name.as_bytes().to_vec(), Object::Reference(*id));
    }
    let resources = dictionary! {
        "Font" => dictionary! { "F1" => font_id },
        "XObject" => xdict,
    };
    let res_id = doc.add_object(resources);
    for ((_, body), id) in xobjects.iter().zip(&form_ids) {
        let stream = Stream::new(
            dictionary! {
                "Type" => "XObject",
                "Subtype" => "Form",
                "BBox" => vec![0.into(), 0.into(), 600.into(), 800.into()],
                "Resources" => res_id,
            },
            body.clone().into_bytes(),
        );
        doc.set_object(*id, stream);
    }
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.as_bytes().to_vec()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Contents" => content_id,
        "Resources" => res_id,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page_id.into()],
            "Count" => 1,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

const BODY: &str = "关于做好全县政务公开工作的通知各乡镇人民政府县直各部门";

fn body_lines() -> String {
    format!(
        "BT /F1 12 Tf 72 700 Td {} Tj 0 -20 Td {} Tj ET\n",
        ucs2(BODY),
        ucs2(BODY)
    )
}

#[test]
fn letter_spaced_marking_is_one_line() {
    let mut content = body_lines();
    content.push_str("BT /F1 12 Tf\n");
    for (k, ch) in "（此件公开发布）".chars().enumerate() {
        content.push_str(&format!(
            "1 0 0 1 {} 300 Tm {} Tj\n",
            72 + k * 20,
            ucs2(&ch.to_string())
        ));
    }
    content.push_str("ET\n");
    let check = check_pdf_sync(&build(&content, vec![]), &PdfLimits::default());
    assert_eq!(check.verdict, Verdict::Marked, "{check:?}");
    assert_eq!(check.page, Some(1));
}

#[test]
fn phrase_inside_a_sentence_is_not_a_marking() {
    let mut content = body_lines();
    content.push_str(&format!(
        "BT /F1 12 Tf 72 300 Td {} Tj ET\n",
        ucs2("请在文件末尾注明（此件公开发布）字样。")
    ));
    let check = check_pdf_sync(&build(&content, vec![]), &PdfLimits::default());
    assert_eq!(check.verdict, Verdict::Unmarked, "{check:?}");
}

#[test]
fn marking_inside_nested_form_xobjects() {
    let content = format!("{}q 1 0 0 1 0 0 cm /Fm1 Do Q\n", body_lines());
    let outer = "q /Fm2 Do Q".to_string();
    let inner = format!(
        "BT /F1 12 Tf 72 200 Td {} Tj ET",
        ucs2("公开方式：依申请公开")
    );
    let check = check_pdf_sync(
        &build(&content, vec![("Fm1", outer), ("Fm2", inner)]),
        &PdfLimits::default(),
    );
    assert_eq!(check.verdict, Verdict::Marked, "{check:?}");
    assert_eq!(check.attribute, Some(gongkai::pdf::Attribute::OnRequest));
}

#[test]
fn self_recursive_form_ends() {
    let content = format!("{}/Fm1 Do\n", body_lines());
    let form = format!(
        "/Fm1 Do /Fm1 Do BT /F1 12 Tf 72 100 Td {} Tj ET",
        ucs2("正文")
    );
    let start = Instant::now();
    let check = check_pdf_sync(&build(&content, vec![("Fm1", form)]), &PdfLimits::default());
    assert!(start.elapsed() < Duration::from_secs(15));
    assert_ne!(check.verdict, Verdict::Marked, "{check:?}");
}

#[test]
fn flood_of_text_is_too_big_not_a_crash() {
    let mut content = String::from("BT /F1 12 Tf\n");
    let show = format!("{} Tj\n", ucs2("字"));
    for _ in 0..250_000 {
        content.push_str(&show);
    }
    content.push_str("ET\n");
    let check = check_pdf_sync(&build(&content, vec![]), &PdfLimits::default());
    assert_eq!(check.verdict, Verdict::Question, "{check:?}");
    assert_eq!(check.reason, Some(PdfQuestion::TooBig));
}

#[test]
fn unbalanced_state_and_syntax_errors_still_read() {
    let mut content = "q q q q cm Q Q Q Q Q Q ) ] >> ".repeat(50);
    content.push_str("\nBT /F1 12 Tf 72 700 Td <zz Tj ET\n");
    content.push_str(&body_lines());
    content.push_str(&format!(
        "BT /F1 12 Tf 72 300 Td {} Tj ET\n",
        ucs2("（此件主动公开）")
    ));
    let check = check_pdf_sync(&build(&content, vec![]), &PdfLimits::default());
    assert_eq!(check.verdict, Verdict::Marked, "{check:?}");
}

/// Kit file 25 (Type0 Identity-H, embedded TrueType, no /ToUnicode), uncompressed, with its
/// FontFile2 and CIDToGIDMap streams handed to `edit` (font bytes, CIDToGIDMap bytes).
fn file25_with(edit: impl FnOnce(&mut Vec<u8>, &mut Vec<u8>)) -> Vec<u8> {
    let kit = common::kit_dir().join("25_fpdf2_type0_identityh_no_tounicode.pdf");
    let mut doc = Document::load(kit).unwrap();
    doc.decompress();
    let find = |doc: &Document, key: &[u8]| {
        doc.objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .find_map(|d| d.get(key).ok().and_then(|r| r.as_reference().ok()))
            .unwrap()
    };
    let font_id = find(&doc, b"FontFile2");
    let map_id = find(&doc, b"CIDToGIDMap");
    let mut font = doc
        .get_object(font_id)
        .unwrap()
        .as_stream()
        .unwrap()
        .content
        .clone();
    let mut map = doc
        .get_object(map_id)
        .unwrap()
        .as_stream()
        .unwrap()
        .content
        .clone();
    edit(&mut font, &mut map);
    for (id, data) in [(font_id, font), (map_id, map)] {
        doc.objects
            .insert(id, Object::Stream(Stream::new(dictionary! {}, data)));
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// The offset of table `tag` in a TrueType font's directory record list.
fn table_record(font: &[u8], tag: &[u8; 4]) -> usize {
    let n = u16::from_be_bytes([font[4], font[5]]) as usize;
    (0..n)
        .map(|i| 12 + 16 * i)
        .find(|&r| &font[r..r + 4] == tag)
        .unwrap()
}

#[test]
fn truetype_cmap_fallback_never_gives_a_wrong_unmarked() {
    let limits = PdfLimits::default();
    let unchanged = check_pdf_sync(&file25_with(|_, _| {}), &limits);
    assert_eq!(unchanged.verdict, Verdict::Marked, "{unchanged:?}");

    // No cmap table at all: the codes cannot be read.
    let no_cmap = file25_with(|font, _| {
        let r = table_record(font, b"cmap");
        font[r..r + 4].copy_from_slice(b"xxxx");
    });
    let check = check_pdf_sync(&no_cmap, &limits);
    assert_eq!(check.reason, Some(PdfQuestion::Garbled), "{check:?}");

    // An empty CIDToGIDMap: no CID reaches a glyph.
    let check = check_pdf_sync(&file25_with(|_, map| map.clear()), &limits);
    assert_eq!(check.reason, Some(PdfQuestion::Garbled), "{check:?}");

    // A cmap whose only subtable is 2000 overlapping full-range segments mapping glyph g to
    // U+g (control and Latin characters): bounded work, and read as garbage.
    let hostile = file25_with(|font, _| {
        let segs = 2000usize;
        let mut sub = Vec::new();
        for v in [4u16, 0, 0, (segs * 2) as u16, 0, 0, 0] {
            sub.extend_from_slice(&v.to_be_bytes());
        }
        let fields: [u16; 4] = [0xFFFE, 0, 0, 0]; // end, start, delta, range offset
        for (k, v) in fields.iter().enumerate() {
            for _ in 0..segs {
                sub.extend_from_slice(&v.to_be_bytes());
            }
            if k == 0 {
                sub.extend_from_slice(&[0, 0]);
            }
        }
        let mut cmap = vec![0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12];
        cmap.extend_from_slice(&sub);
        let r = table_record(font, b"cmap");
        let off = font.len() as u32;
        font[r + 8..r + 12].copy_from_slice(&off.to_be_bytes());
        font[r + 12..r + 16].copy_from_slice(&(cmap.len() as u32).to_be_bytes());
        font.extend_from_slice(&cmap);
    });
    let start = Instant::now();
    let check = check_pdf_sync(&hostile, &limits);
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(check.verdict, Verdict::Question, "{check:?}");
}
