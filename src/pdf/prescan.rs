//! A cheap look at the raw bytes before lopdf loads them: how many objects the load could
//! create at most. lopdf parses every object of the file into memory at once (about 1 KB each),
//! so a file with hundreds of thousands of tiny objects must be refused before it is loaded.
//!
//! The count is an upper bound for what lopdf keeps: every object header (`N G obj`) in the file,
//! plus, for every object stream, the most members its index can list. It allocates nothing
//! that grows with the file.

use std::sync::OnceLock;

use regex::bytes::Regex;

/// The most objects loading `bytes` can create (an upper bound; comments and strings that
/// happen to hold `obj` only make it larger).
pub fn max_objects(bytes: &[u8]) -> usize {
    static OBJ: OnceLock<Regex> = OnceLock::new();
    let obj = OBJ.get_or_init(|| compile("obj"));
    // Each stretch between two object headers is looked at once: linear in the file.
    let mut count = 0usize;
    let mut region_start = 0;
    for m in obj.find_iter(bytes) {
        // The keyword `obj` that is not the end of `endobj`: every indirect object lopdf reads
        // from the file starts with one.
        if bytes[..m.start()].ends_with(b"end") {
            continue;
        }
        count = count
            .saturating_add(1)
            .saturating_add(packed_members(&bytes[region_start..m.start()]));
        region_start = m.end();
    }
    count.saturating_add(packed_members(&bytes[region_start..]))
}

/// The most members the object stream whose dictionary starts `region` (one object's bytes)
/// can hold, 0 if it is no object stream. lopdf reads a stream's members from the pairs of
/// numbers in its first `/First` bytes (not from `/N`), and a pair takes at least four bytes
/// ("1 2 "), so a stream holds at most `max(/N, (/First + 1) / 4)` members.
fn packed_members(region: &[u8]) -> usize {
    static RES: OnceLock<[Regex; 4]> = OnceLock::new();
    let [objstm, n, first, stream] = RES.get_or_init(|| {
        let gap = r"(?:\s|%[^\r\n]*)*";
        [
            compile(&format!("{}{gap}{}", name("Type"), name("ObjStm"))),
            compile(&format!(r"{}{gap}([0-9]{{1,19}})", name("N"))),
            compile(&format!(r"{}{gap}([0-9]{{1,19}})", name("First"))),
            compile("stream"),
        ]
    });
    let Some(m) = objstm.find(region) else {
        return 0;
    };
    // The dictionary ends at the `stream` keyword; the largest /N and /First in it never
    // undercount (a repeated key, a nested dictionary).
    let dict = stream
        .find_at(region, m.end())
        .map_or(region, |s| &region[..s.start()]);
    let number = |re: &Regex| {
        re.captures_iter(dict)
            .filter_map(|c| std::str::from_utf8(&c[1]).ok()?.parse::<usize>().ok())
            .max()
            .unwrap_or(0)
    };
    number(n).max(number(first).saturating_add(1) / 4)
}

/// A PDF name as lopdf reads it: each character either itself or as a `#xx` escape.
fn name(plain: &str) -> String {
    let chars: String = plain
        .bytes()
        .map(|b| format!("(?:{}|#(?i:{b:02x}))", b as char))
        .collect();
    format!("/{chars}")
}

fn compile(pattern: &str) -> Regex {
    Regex::new(&format!("(?-u){pattern}")).unwrap_or_else(|_| unreachable!("constant regex"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_object_headers_not_their_ends() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n2 0 obj<</A 1>>endobj\n";
        assert_eq!(max_objects(pdf), 2);
    }

    #[test]
    fn counts_what_an_object_stream_can_hold() {
        let honest = b"5 0 obj\n<< /Type /ObjStm /N 3 /First 12 /Length 40 >>\nstream\n";
        assert_eq!(max_objects(honest), 1 + 3);
        // /N lies: the index has room for 250 pairs.
        let lying = b"5 0 obj<</Type/ObjStm/N 1/First 999>>stream\n";
        assert_eq!(max_objects(lying), 1 + 250);
        // Escaped names and comments between key and value are read as lopdf reads them.
        let hidden = b"5 0 obj<</Typ#65 %c\n /Obj#53tm /#4e 70000 /First 9>>stream\n";
        assert_eq!(max_objects(hidden), 1 + 70_000);
    }
}
