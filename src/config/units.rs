//! Where a description's units come from: `[[units]]` tables, or `[units] file = "units.csv"`,
//! the list an office keeps in Excel (`名称,类别,别名,邮箱`, UTF-8 with or without BOM, or GBK).
//! A bad row is refused with the file, its line and the problem.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::{ConfigError, UnitClass, UnitConfig};
use crate::model::Table;

/// The `units` key as a description writes it.
#[derive(Debug, Clone)]
pub enum UnitsSource {
    /// `[[units]]`: the tables themselves.
    Listed(Vec<UnitConfig>),
    /// `[units] file = "units.csv"`: the office's list, relative to the description.
    File(PathBuf),
}

impl Default for UnitsSource {
    fn default() -> Self {
        UnitsSource::Listed(Vec::new())
    }
}

/// The table form, with nothing but the file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitsFile {
    file: PathBuf,
}

// By hand rather than `untagged`: each form keeps its own error messages and key paths
// (`units[3].code`, `units.fil`) instead of "data did not match any variant".
impl<'de> Deserialize<'de> for UnitsSource {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Either;
        impl<'de> Visitor<'de> for Either {
            type Value = UnitsSource;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("单位表 [[units]]，或写明单位名单文件的 [units] file = \"units.csv\"")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<UnitsSource, A::Error> {
                Vec::deserialize(SeqAccessDeserializer::new(seq)).map(UnitsSource::Listed)
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<UnitsSource, A::Error> {
                UnitsFile::deserialize(MapAccessDeserializer::new(map))
                    .map(|f| UnitsSource::File(f.file))
            }
        }
        deserializer.deserialize_any(Either)
    }
}

impl UnitsSource {
    /// The units themselves; a file is read relative to the description at `described`.
    pub(super) fn resolve(self, described: &Path) -> Result<Vec<UnitConfig>, ConfigError> {
        let file = match self {
            UnitsSource::Listed(units) => return Ok(units),
            UnitsSource::File(file) => file,
        };
        let path = described
            .parent()
            .map_or_else(|| file.clone(), |dir| dir.join(&file));
        let bytes = std::fs::read(&path).map_err(|e| ConfigError::Invalid {
            path: described.to_path_buf(),
            key: "units.file".into(),
            message: format!("无法读取单位名单 {}：{e}", path.display()),
        })?;
        read_csv(&bytes, &path)
    }
}

/// The columns of the office's list; `代码` (the site's unit code) may be added.
const NAME: &str = "名称";
const CATEGORY: &str = "类别";
const ALIASES: &str = "别名";
const EMAILS: &str = "邮箱";
const CODE: &str = "代码";

/// Reads the office's unit list; `path` names the file in messages.
pub fn read_csv(bytes: &[u8], path: &Path) -> Result<Vec<UnitConfig>, ConfigError> {
    let whole = |message: String| ConfigError::Parse {
        path: path.to_path_buf(),
        message,
    };
    let row = |line: u64, message: String| ConfigError::UnitRow {
        path: path.to_path_buf(),
        line,
        message,
    };
    let text = decode(bytes).map_err(whole)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| row(line_of(&text, &e), format!("无法读取表头（{e}）")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let column = |name: &str| header.iter().position(|h| h == name);
    let required = |name: &str| {
        column(name).ok_or_else(|| {
            row(
                1,
                format!("表头缺少“{name}”列：表头应为 {NAME},{CATEGORY},{ALIASES},{EMAILS}"),
            )
        })
    };
    let (name_at, category_at, aliases_at, emails_at) = (
        required(NAME)?,
        required(CATEGORY)?,
        required(ALIASES)?,
        required(EMAILS)?,
    );
    let code_at = column(CODE);
    let mut units: Vec<UnitConfig> = Vec::new();
    // Every name and alias seen so far, with the unit and line that hold it.
    let mut known: HashMap<String, (usize, u64)> = HashMap::new();
    let mut codes: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| row(line_of(&text, &e), format!("无法读取（{e}）")))?;
        let line = record.position().map_or(0, |p| line_at(&text, p));
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        // Excel keeps the commas of rows it has emptied.
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if let Some(extra) = record
            .iter()
            .skip(header.len())
            .find(|f| !f.trim().is_empty())
        {
            return Err(row(
                line,
                format!("比表头多出一列（“{extra}”）：名称或别名中有逗号时须整格加英文引号"),
            ));
        }
        let name = field(name_at);
        if name.is_empty() {
            return Err(row(line, "“名称”为空".into()));
        }
        let (table, class) = category(field(category_at)).map_err(|m| row(line, m))?;
        let index = units.len();
        let mut unit = UnitConfig {
            name: name.to_string(),
            table,
            class,
            code: None,
            aliases: Vec::new(),
            emails: Vec::new(),
        };
        for (i, n) in std::iter::once(name)
            .chain(split(field(aliases_at)))
            .enumerate()
        {
            match known.get(n) {
                // The same name written twice for one unit says nothing new.
                Some(&(u, _)) if u == index => continue,
                Some(&(u, other)) => {
                    let what = if i == 0 { "名称" } else { "别名" };
                    return Err(row(
                        line,
                        format!(
                            "{what}“{n}”重复：第 {other} 行的单位“{}”已使用",
                            units[u].name
                        ),
                    ));
                }
                None => {}
            }
            known.insert(n.to_string(), (index, line));
            if i > 0 {
                unit.aliases.push(n.to_string());
            }
        }
        for email in split(field(emails_at)) {
            if email.parse::<lettre::Address>().is_err() {
                return Err(row(line, format!("邮箱“{email}”格式不正确")));
            }
            unit.emails.push(email.to_string());
        }
        if let Some(code) = code_at.map(field).filter(|c| !c.is_empty()) {
            if !super::validate::is_unit_code(code) {
                return Err(row(
                    line,
                    format!("单位代码“{code}”只能由字母、数字、-、_ 组成"),
                ));
            }
            if let Some(other) = codes.insert(code.to_string(), line) {
                return Err(row(
                    line,
                    format!("单位代码“{code}”重复：第 {other} 行已使用"),
                ));
            }
            unit.code = Some(code.to_string());
        }
        units.push(unit);
    }
    if units.is_empty() {
        return Err(whole("没有任何单位（只有表头）".into()));
    }
    Ok(units)
}

/// The text of the file: UTF-8 when it is valid UTF-8 (a BOM dropped), else GBK (GB18030).
fn decode(bytes: &[u8]) -> Result<String, String> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(
            "文件是 UTF-16 编码（Excel 的“Unicode 文本”）：请另存为“CSV UTF-8（逗号分隔）”".into(),
        );
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.strip_prefix('\u{feff}').unwrap_or(text).to_string());
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| text.into_owned())
        .ok_or_else(|| "文字既不是 UTF-8 也不是 GBK 编码：请另存为“CSV UTF-8（逗号分隔）”".into())
}

/// 类别: 乡镇, or the class A or B of a department (`a`, full-width `Ａ`, `A类` also read).
fn category(text: &str) -> Result<(Table, Option<UnitClass>), String> {
    let class: String = text
        .trim_end_matches('类')
        .chars()
        .map(|c| match c {
            // Full-width forms of ASCII, as a Chinese input method types them.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect();
    match class.as_str() {
        "乡镇" => Ok((Table::Township, None)),
        "A" => Ok((Table::Department, Some(UnitClass::A))),
        "B" => Ok((Table::Department, Some(UnitClass::B))),
        "" => Err("“类别”为空：应为 乡镇、A 或 B".into()),
        _ => Err(format!("未知的类别“{text}”：应为 乡镇、A 或 B")),
    }
}

/// The values of a cell holding several, separated by `;` or `；`.
fn split(cell: &str) -> impl Iterator<Item = &str> {
    cell.split([';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn line_of(text: &str, e: &csv::Error) -> u64 {
    e.position().map_or(1, |p| line_at(text, p))
}

/// The line a record starts on, as an editor numbers it: the reader's own count, and the
/// place it gives, leave out the blank lines it skipped before the record.
fn line_at(text: &str, at: &csv::Position) -> u64 {
    let bytes = text.as_bytes();
    let mut upto = usize::try_from(at.byte()).map_or(bytes.len(), |b| b.min(bytes.len()));
    while upto < bytes.len() && matches!(bytes[upto], b'\r' | b'\n') {
        upto += 1;
    }
    bytes[..upto].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "名称,类别,别名,邮箱\n";

    fn read(text: &str) -> Result<Vec<UnitConfig>, String> {
        read_csv(text.as_bytes(), Path::new("单位.csv")).map_err(|e| e.to_string())
    }

    fn refused(rows: &str) -> String {
        read(&format!("{HEADER}{rows}")).unwrap_err()
    }

    #[test]
    fn reads_what_excel_writes() {
        let text = "\u{feff}名称,类别,别名,邮箱\r\n\
            田园镇,乡镇,田园镇人民政府；昌宁县田园镇,\r\n\
            发改局,A类,\"县发展和改革局;昌宁县发展和改革局\",fgj@example.cn; gk@example.cn\r\n\
            \"档案馆,史志办\",ｂ,,\r\n\
            ,,,\r\n";
        let units = read(text).unwrap();
        assert_eq!(units.len(), 3);
        assert_eq!(units[0].table, Table::Township);
        assert_eq!(units[0].class, None);
        assert_eq!(units[0].aliases, ["田园镇人民政府", "昌宁县田园镇"]);
        assert_eq!(units[1].class, Some(UnitClass::A));
        assert_eq!(units[1].aliases.len(), 2);
        assert_eq!(units[1].emails, ["fgj@example.cn", "gk@example.cn"]);
        assert_eq!(units[2].name, "档案馆,史志办");
        assert_eq!(units[2].class, Some(UnitClass::B));
        assert!(units.iter().all(|u| u.code.is_none()));
    }

    #[test]
    fn columns_are_found_by_name_and_a_code_column_is_read() {
        let units = read("代码,邮箱,别名,类别,名称,备注\nfgj,,县发改局,A,发改局,见通知\n").unwrap();
        assert_eq!(units[0].name, "发改局");
        assert_eq!(units[0].code.as_deref(), Some("fgj"));
        assert_eq!(units[0].aliases, ["县发改局"]);
    }

    #[test]
    fn gbk_is_read_and_other_encodings_refused() {
        let text = format!("{HEADER}勐统镇,乡镇,勐统镇人民政府,\n");
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        assert!(std::str::from_utf8(&gbk).is_err());
        let units = read_csv(&gbk, Path::new("u.csv")).unwrap();
        assert_eq!(units[0].aliases, ["勐统镇人民政府"]);
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.bytes()).collect();
        let err = read_csv(&utf16, Path::new("u.csv"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("u.csv") && err.contains("UTF-16"), "{err}");
        let err = read_csv(&[0x81, 0x20, 0xFF], Path::new("u.csv"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("GBK"), "{err}");
    }

    #[test]
    fn each_bad_row_is_named_by_file_and_line() {
        let err = refused("田园镇,乡镇,,\n发改局,C,,\n");
        assert!(
            err.contains("单位.csv") && err.contains("第 3 行") && err.contains("未知的类别“C”"),
            "{err}"
        );
        let err = refused("发改局,,,\n");
        assert!(
            err.contains("第 2 行") && err.contains("“类别”为空"),
            "{err}"
        );
        let err = refused("田园镇,乡镇,,\n ,A,县发改局,\n");
        assert!(
            err.contains("第 3 行") && err.contains("“名称”为空"),
            "{err}"
        );
        let err = refused("田园镇,乡镇,,\n\n田园镇,乡镇,,\n");
        assert!(
            err.contains("第 4 行") && err.contains("名称“田园镇”重复") && err.contains("第 2 行"),
            "{err}"
        );
        let err = refused("发改局,A,县发改局,\n工信局,A,县工信局；县发改局,\n");
        assert!(
            err.contains("第 3 行") && err.contains("别名“县发改局”重复") && err.contains("发改局"),
            "{err}"
        );
        let err = refused("发改局,A,,fgj@example.cn;发改局邮箱\n");
        assert!(
            err.contains("第 2 行") && err.contains("邮箱“发改局邮箱”"),
            "{err}"
        );
        let err = refused("发改局,A,县发改局,,多余\n");
        assert!(err.contains("第 2 行") && err.contains("多余"), "{err}");
        let err = read("名称,类别,别名\n发改局,A,\n").unwrap_err();
        assert!(
            err.contains("第 1 行") && err.contains("缺少“邮箱”列"),
            "{err}"
        );
        let err = read(HEADER).unwrap_err();
        assert!(err.contains("没有任何单位"), "{err}");
        let err = read("名称,类别,别名,邮箱,代码\n发改局,A,,,fgj\n工信局,A,,,fgj\n").unwrap_err();
        assert!(
            err.contains("第 3 行") && err.contains("代码“fgj”重复"),
            "{err}"
        );
        let err = read("名称,类别,别名,邮箱,代码\n发改局,A,,,发改\n").unwrap_err();
        assert!(err.contains("第 2 行") && err.contains("字母"), "{err}");
    }

    #[test]
    fn a_name_repeated_within_its_own_unit_is_kept_once() {
        let units = read(&format!("{HEADER}发改局,A,发改局;县发改局;县发改局,\n")).unwrap();
        assert_eq!(units[0].aliases, ["县发改局"]);
    }
}
