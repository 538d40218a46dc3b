//! Embedded TrueType fonts: the `cmap` table read backwards (glyph id → Unicode).
//!
//! Used for Type0 fonts with an Identity encoding and no /ToUnicode (as fpdf2 and some
//! Word / WPS exports write them): the shown codes are CIDs, the CIDToGIDMap turns them
//! into glyph ids, and the font's own `cmap` says which character each glyph draws.
//!
//! Only the table directory and the `cmap` (and `maxp`) tables are read. Every offset and
//! length is checked; the number of codes walked and of glyphs kept is capped, so a hostile
//! font costs bounded time and memory and never panics.

use std::collections::HashMap;

/// Glyph id → character.
pub type GlyphMap = HashMap<u16, char>;

/// Table records read at most (real fonts have fewer than 40).
const MAX_TABLES: usize = 512;
/// cmap encoding records read at most.
const MAX_SUBTABLES: usize = 64;
/// Character codes walked at most over all subtables of one font (overlapping format 4
/// segments or huge format 12 groups would otherwise take billions of steps).
const MAX_CODES_WALKED: usize = 300_000;
/// Format 12 groups read at most.
const MAX_GROUPS: usize = 100_000;

fn u16_at(d: &[u8], off: usize) -> Option<u16> {
    let b = d.get(off..off.checked_add(2)?)?;
    Some(u16::from_be_bytes([b[0], b[1]]))
}

fn u32_at(d: &[u8], off: usize) -> Option<u32> {
    let b = d.get(off..off.checked_add(4)?)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// The bytes of table `tag`, if the directory lists it inside the font.
fn table<'a>(font: &'a [u8], base: usize, tag: &[u8; 4]) -> Option<&'a [u8]> {
    let count = usize::from(u16_at(font, base.checked_add(4)?)?).min(MAX_TABLES);
    for i in 0..count {
        let rec = base.checked_add(12)?.checked_add(16 * i)?;
        let rec_tag = font.get(rec..rec.checked_add(4)?)?;
        if rec_tag == tag {
            let off = u32_at(font, rec + 8)? as usize;
            let len = u32_at(font, rec + 12)? as usize;
            return font.get(off..off.checked_add(len)?);
        }
    }
    None
}

/// Where the table directory starts: 0 for a plain font, the first font's for a collection.
fn directory(font: &[u8]) -> Option<usize> {
    match font.get(0..4)? {
        [0, 1, 0, 0] | b"true" | b"OTTO" => Some(0),
        b"ttcf" => Some(u32_at(font, 12)? as usize),
        _ => None,
    }
}

/// How much a code point is wanted when several share a glyph (lower is better):
/// unified ideographs over Kangxi radicals and compatibility forms, anything over
/// private use.
fn rank(c: char) -> u8 {
    match c as u32 {
        0xE000..=0xF8FF | 0xF0000..=0x10FFFF => 2,
        0x2E80..=0x2FDF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F | 0x2329 | 0x232A => 1,
        c if c < 0x20 || (0x7F..0xA0).contains(&c) => 2,
        _ => 0,
    }
}

struct Builder<'b> {
    map: GlyphMap,
    num_glyphs: u32,
    walked: usize,
    entries_left: &'b mut usize,
}

impl Builder<'_> {
    /// Counts one step; false once the walk budget is spent.
    fn step(&mut self) -> bool {
        self.walked += 1;
        self.walked <= MAX_CODES_WALKED
    }

    fn offer(&mut self, gid: u32, code: u32) {
        if gid == 0 || gid >= self.num_glyphs {
            return;
        }
        let Some(c) = char::from_u32(code) else {
            return;
        };
        let gid = gid as u16;
        match self.map.get_mut(&gid) {
            Some(old) => {
                if (rank(c), c) < (rank(*old), *old) {
                    *old = c;
                }
            }
            None => {
                if *self.entries_left == 0 {
                    return;
                }
                *self.entries_left -= 1;
                self.map.insert(gid, c);
            }
        }
    }

    /// Format 4: segment mapping to delta values (BMP).
    fn format4(&mut self, sub: &[u8]) {
        let Some(seg_x2) = u16_at(sub, 6).map(usize::from) else {
            return;
        };
        let ends = 14;
        let starts = 16 + seg_x2;
        let deltas = starts + seg_x2;
        let ranges = deltas + seg_x2;
        for i in 0..seg_x2 / 2 {
            let (Some(end), Some(start), Some(delta), Some(ro)) = (
                u16_at(sub, ends + 2 * i),
                u16_at(sub, starts + 2 * i),
                u16_at(sub, deltas + 2 * i),
                u16_at(sub, ranges + 2 * i),
            ) else {
                return;
            };
            if start > end {
                continue;
            }
            for code in start..=end {
                if code == 0xFFFF {
                    break;
                }
                if !self.step() {
                    return;
                }
                let gid = if ro == 0 {
                    code.wrapping_add(delta)
                } else {
                    let addr = ranges + 2 * i + usize::from(ro) + 2 * usize::from(code - start);
                    match u16_at(sub, addr) {
                        Some(0) => continue,
                        Some(g) => g.wrapping_add(delta),
                        // The glyph array is cut short: the rest of this segment is too.
                        None => break,
                    }
                };
                self.offer(u32::from(gid), u32::from(code));
            }
        }
    }

    /// Format 12: segmented coverage (all planes).
    fn format12(&mut self, sub: &[u8]) {
        let Some(groups) = u32_at(sub, 12) else {
            return;
        };
        for i in 0..(groups as usize).min(MAX_GROUPS) {
            let rec = 16 + 12 * i;
            let (Some(start), Some(end), Some(first)) =
                (u32_at(sub, rec), u32_at(sub, rec + 4), u32_at(sub, rec + 8))
            else {
                return;
            };
            if start > end || start > 0x10FFFF {
                continue;
            }
            for code in start..=end.min(0x10FFFF) {
                if !self.step() {
                    return;
                }
                let Some(gid) = first.checked_add(code - start) else {
                    break;
                };
                if gid >= self.num_glyphs {
                    break;
                }
                self.offer(gid, code);
            }
        }
    }
}

/// Reads a TrueType / OpenType font's Unicode `cmap` backwards: glyph id → character.
///
/// Considers format 4 and format 12 subtables of platform 3 (encodings 1 and 10) and
/// platform 0; the best one (format 12 first) that maps anything wins. Each glyph kept
/// spends one of `entries_left`. Returns `None` when the font or its `cmap` is unreadable
/// or maps nothing.
pub fn glyph_to_unicode(font: &[u8], entries_left: &mut usize) -> Option<GlyphMap> {
    let base = directory(font)?;
    let cmap = table(font, base, b"cmap")?;
    let num_glyphs = table(font, base, b"maxp")
        .and_then(|m| u16_at(m, 4))
        .map_or(0x1_0000, u32::from);
    let count = usize::from(u16_at(cmap, 2)?).min(MAX_SUBTABLES);
    // (preference, offset, format): lower preference first.
    let mut candidates: Vec<(u8, usize, u16)> = Vec::new();
    for i in 0..count {
        let rec = 4 + 8 * i;
        let (Some(platform), Some(encoding), Some(off)) = (
            u16_at(cmap, rec),
            u16_at(cmap, rec + 2),
            u32_at(cmap, rec + 4),
        ) else {
            break;
        };
        let off = off as usize;
        let Some(format) = u16_at(cmap, off) else {
            continue;
        };
        let unicode = platform == 0 || (platform == 3 && matches!(encoding, 1 | 10));
        if !unicode || !matches!(format, 4 | 12) {
            continue;
        }
        let pref = match (format, platform) {
            (12, 3) => 0,
            (12, _) => 1,
            (_, 3) => 2,
            _ => 3,
        };
        if !candidates.iter().any(|&(_, o, _)| o == off) {
            candidates.push((pref, off, format));
        }
    }
    candidates.sort_unstable();
    let mut builder = Builder {
        map: GlyphMap::new(),
        num_glyphs,
        walked: 0,
        entries_left,
    };
    for (_, off, format) in candidates {
        let sub = &cmap[off..];
        // Bound the subtable by its declared length when that length is plausible.
        let sub = match format {
            12 => u32_at(sub, 4)
                .and_then(|len| sub.get(..len as usize))
                .unwrap_or(sub),
            _ => u16_at(sub, 2)
                .map(usize::from)
                .filter(|&len| len >= 16)
                .and_then(|len| sub.get(..len))
                .unwrap_or(sub),
        };
        if format == 12 {
            builder.format12(sub);
        } else {
            builder.format4(sub);
        }
        if !builder.map.is_empty() {
            break;
        }
    }
    (!builder.map.is_empty()).then_some(builder.map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn be16(v: &mut Vec<u8>, x: u16) {
        v.extend_from_slice(&x.to_be_bytes());
    }

    fn be32(v: &mut Vec<u8>, x: u32) {
        v.extend_from_slice(&x.to_be_bytes());
    }

    /// A format 4 subtable from (start, end, delta, glyph ids or empty for delta mapping).
    fn format4(segments: &[(u16, u16, u16, Vec<u16>)]) -> Vec<u8> {
        let mut segs: Vec<(u16, u16, u16, Vec<u16>)> = segments.to_vec();
        segs.push((0xFFFF, 0xFFFF, 1, Vec::new()));
        let n = segs.len() as u16;
        let mut body = Vec::new();
        be16(&mut body, 4);
        be16(&mut body, 0); // length, patched below
        be16(&mut body, 0);
        be16(&mut body, n * 2);
        be16(&mut body, 0);
        be16(&mut body, 0);
        be16(&mut body, 0);
        for s in &segs {
            be16(&mut body, s.1);
        }
        be16(&mut body, 0);
        for s in &segs {
            be16(&mut body, s.0);
        }
        for s in &segs {
            be16(&mut body, s.2);
        }
        // idRangeOffsets: glyph arrays follow the offsets, in segment order.
        let mut array_pos = 0usize;
        for (k, s) in segs.iter().enumerate() {
            if s.3.is_empty() {
                be16(&mut body, 0);
            } else {
                let from_here = 2 * (segs.len() - k) + 2 * array_pos;
                be16(&mut body, from_here as u16);
                array_pos += s.3.len();
            }
        }
        for s in &segs {
            for g in &s.3 {
                be16(&mut body, *g);
            }
        }
        let len = body.len() as u16;
        body[2..4].copy_from_slice(&len.to_be_bytes());
        body
    }

    /// A font with just `cmap` (one 3/1 record) and `maxp` tables.
    fn font(cmap_sub: &[u8], num_glyphs: u16) -> Vec<u8> {
        let mut cmap = Vec::new();
        be16(&mut cmap, 0);
        be16(&mut cmap, 1);
        be16(&mut cmap, 3);
        be16(&mut cmap, 1);
        be32(&mut cmap, 12);
        cmap.extend_from_slice(cmap_sub);
        let mut maxp = Vec::new();
        be32(&mut maxp, 0x5000);
        be16(&mut maxp, num_glyphs);
        let mut f = Vec::new();
        be32(&mut f, 0x0001_0000);
        be16(&mut f, 2);
        be16(&mut f, 32);
        be16(&mut f, 1);
        be16(&mut f, 0);
        let cmap_off = 12 + 2 * 16;
        let maxp_off = cmap_off + cmap.len();
        for (tag, off, len) in [
            (b"cmap", cmap_off, cmap.len()),
            (b"maxp", maxp_off, maxp.len()),
        ] {
            f.extend_from_slice(tag);
            be32(&mut f, 0);
            be32(&mut f, off as u32);
            be32(&mut f, len as u32);
        }
        f.extend_from_slice(&cmap);
        f.extend_from_slice(&maxp);
        f
    }

    fn sample() -> Vec<u8> {
        // 此 件 公 开 → glyphs 5, 6 (delta) and 7, 8 (glyph array); 'A' → 9; 一 and ⼀ share 10.
        let sub = format4(&[
            (0x0041, 0x0041, 9u16.wrapping_sub(0x41), vec![]),
            (0x2F00, 0x2F00, 10u16.wrapping_sub(0x2F00), vec![]),
            (0x4E00, 0x4E00, 10u16.wrapping_sub(0x4E00), vec![]),
            (0x516C, 0x516C, 0, vec![7]),
            (0x5F00, 0x5F00, 0, vec![8]),
            (0x4EF6, 0x4EF6, 6u16.wrapping_sub(0x4EF6), vec![]),
            (0x6B64, 0x6B64, 5u16.wrapping_sub(0x6B64), vec![]),
        ]);
        font(&sub, 20)
    }

    #[test]
    fn format4_inverted() {
        let mut left = 1000;
        let map = glyph_to_unicode(&sample(), &mut left).unwrap();
        assert_eq!(map.get(&5), Some(&'此'));
        assert_eq!(map.get(&6), Some(&'件'));
        assert_eq!(map.get(&7), Some(&'公'));
        assert_eq!(map.get(&8), Some(&'开'));
        assert_eq!(map.get(&9), Some(&'A'));
        // The unified ideograph wins over the Kangxi radical drawn by the same glyph.
        assert_eq!(map.get(&10), Some(&'一'));
        assert_eq!(map.len(), 6);
        assert_eq!(left, 1000 - 6);
    }

    #[test]
    fn glyphs_beyond_maxp_and_budget_are_dropped() {
        let sub = format4(&[(0x4E00, 0x4E09, 1u16.wrapping_sub(0x4E00), vec![])]);
        let mut left = 1000;
        let map = glyph_to_unicode(&font(&sub, 5), &mut left).unwrap();
        assert_eq!(map.len(), 4);
        assert!(map.keys().all(|g| *g < 5));
        let mut left = 2;
        let map = glyph_to_unicode(&sample(), &mut left).unwrap();
        assert_eq!(map.len(), 2);
        assert_eq!(left, 0);
    }

    #[test]
    fn format12_inverted() {
        let mut sub = Vec::new();
        be16(&mut sub, 12);
        be16(&mut sub, 0);
        be32(&mut sub, 16 + 12 * 2);
        be32(&mut sub, 0);
        be32(&mut sub, 2);
        for (s, e, g) in [(0x4E00u32, 0x4E02u32, 3u32), (0x20000, 0x20000, 1)] {
            be32(&mut sub, s);
            be32(&mut sub, e);
            be32(&mut sub, g);
        }
        let mut left = 100;
        let map = glyph_to_unicode(&font(&sub, 10), &mut left).unwrap();
        assert_eq!(map.get(&3), Some(&'一'));
        assert_eq!(map.get(&5), Some(&'丂'));
        assert_eq!(map.get(&1), Some(&'\u{20000}'));
    }

    #[test]
    fn truncated_and_hostile_fonts_do_not_panic() {
        let good = sample();
        let mut left = usize::MAX;
        for cut in 0..good.len() {
            let _ = glyph_to_unicode(&good[..cut], &mut left);
        }
        // Every byte flipped to every interesting value.
        for pos in 0..good.len() {
            for v in [0x00u8, 0x01, 0x7F, 0x80, 0xFF] {
                let mut f = good.clone();
                f[pos] = v;
                let _ = glyph_to_unicode(&f, &mut left);
            }
        }
        assert!(glyph_to_unicode(b"", &mut left).is_none());
        assert!(glyph_to_unicode(b"not a font at all", &mut left).is_none());
        // Many overlapping full-range segments: the walk stops at its cap.
        let segs: Vec<_> = (0..2000).map(|_| (0u16, 0xFFFEu16, 1u16, vec![])).collect();
        let start = std::time::Instant::now();
        let mut left = 1_000_000;
        let map = glyph_to_unicode(&font(&format4(&segs), 0xFFFF), &mut left).unwrap();
        assert!(map.len() <= MAX_CODES_WALKED);
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
        // A format 12 group claiming the whole code space.
        let mut sub = Vec::new();
        be16(&mut sub, 12);
        be16(&mut sub, 0);
        be32(&mut sub, u32::MAX);
        be32(&mut sub, 0);
        be32(&mut sub, u32::MAX);
        for _ in 0..3 {
            be32(&mut sub, 0);
            be32(&mut sub, u32::MAX);
            be32(&mut sub, 1);
        }
        let mut left = 1_000_000;
        let map = glyph_to_unicode(&font(&sub, 0xFFFF), &mut left).unwrap();
        assert!(map.len() <= MAX_CODES_WALKED);
    }
}
