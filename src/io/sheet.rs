//! Reading a spreadsheet a user sent (.xlsx or .csv) without trusting it. Everything is bounded
//! before it is expanded:
//!
//! * an .xlsx is a zip: the number of entries, each entry's real uncompressed size (counted while
//!   inflating, not taken from the header), the total, and the compression ratio;
//! * the shared-strings part may not declare more strings than the sheet could hold;
//! * the sheet's declared dimension and every cell that holds a value must fall inside the allowed
//!   rows and columns — the reader streams cells into a grid as large as the data, never a rectangle
//!   from A1 to the furthest cell;
//! * each cell's text has a length limit; a CSV has the same row, column and cell limits.
//!
//! Pure functions over bytes: callers run them off the async workers (`crate::heavy`).

use std::io::{Cursor, Read};

use super::model::Cell;

/// The bounds a sheet must keep.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_rows: usize,
    pub max_cols: usize,
    pub max_cell_chars: usize,
    pub max_entries: usize,
    pub max_entry_bytes: u64,
    pub max_total_bytes: u64,
    /// Largest uncompressed ÷ compressed ratio for an entry over 1 MB.
    pub max_ratio: u64,
}

impl Limits {
    /// Room for `data_rows` data rows, a title and a header above them, and a few notes below.
    pub fn for_rows(data_rows: usize) -> Self {
        Self {
            max_rows: data_rows + 20,
            max_cols: 64,
            max_cell_chars: 2_000,
            max_entries: 200,
            max_entry_bytes: 64 * 1024 * 1024,
            max_total_bytes: 128 * 1024 * 1024,
            max_ratio: 200,
        }
    }
    fn max_cells(&self) -> usize {
        self.max_rows * self.max_cols
    }
}

/// Why a sheet was refused: a stable code, a Chinese message, an English one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetError {
    pub code: &'static str,
    pub zh: String,
    pub en: &'static str,
}

impl SheetError {
    fn new(code: &'static str, zh: impl Into<String>, en: &'static str) -> Self {
        Self { code, zh: zh.into(), en }
    }
    /// Over a size limit (413) rather than unreadable (422).
    pub fn is_too_large(&self) -> bool {
        matches!(self.code, "sheet_too_large" | "zip_bomb" | "cell_too_long")
    }
    fn unreadable() -> Self {
        Self::new("not_xlsx", "无法读取该 Excel 文件：请确认是 .xlsx 格式", "Not a readable .xlsx file")
    }
    fn too_large(l: &Limits) -> Self {
        Self::new(
            "sheet_too_large",
            format!("表格过大：最多 {} 行、{} 列，请删去多余的行列或分批导入", l.max_rows, l.max_cols),
            "The sheet has too many rows or columns",
        )
    }
    fn bomb() -> Self {
        Self::new("zip_bomb", "文件解压后过大或压缩比异常，已拒绝", "The file expands beyond the allowed size")
    }
    fn cell(l: &Limits) -> Self {
        Self::new(
            "cell_too_long",
            format!("单元格内容过长：每格最多 {} 个字", l.max_cell_chars),
            "A cell is longer than allowed",
        )
    }
}

pub type Grid = Vec<Vec<Cell>>;

/// Decide the format by content (xlsx is a zip: `PK\x03\x04`), not by the file name alone.
pub fn read_any(name: &str, bytes: &[u8], l: &Limits) -> Result<Grid, SheetError> {
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes, l)
    } else if name.to_lowercase().ends_with(".xls") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Err(SheetError::new("xls_unsupported", "不支持旧版 .xls 格式，请另存为 .xlsx", "Legacy .xls is not supported"))
    } else {
        read_csv(bytes, l)
    }
}

/// A CSV (UTF-8, with or without BOM; GBK is refused with a clear message).
pub fn read_csv(bytes: &[u8], l: &Limits) -> Result<Grid, SheetError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if std::str::from_utf8(bytes).is_err() {
        return Err(SheetError::new(
            "csv_not_utf8",
            "CSV 文件不是 UTF-8 编码（可能是 GBK）：请在 Excel 中“另存为 CSV UTF-8”，或直接上传 .xlsx",
            "The CSV is not UTF-8",
        ));
    }
    let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| SheetError::new("csv_malformed", format!("CSV 格式错误：{e}"), "Malformed CSV"))?;
        if out.len() >= l.max_rows || rec.len() > l.max_cols {
            return Err(SheetError::too_large(l));
        }
        let mut row = Vec::with_capacity(rec.len());
        for s in rec.iter() {
            if s.chars().count() > l.max_cell_chars {
                return Err(SheetError::cell(l));
            }
            row.push(if s.is_empty() { Cell::Empty } else { Cell::Text(s.to_string()) });
        }
        out.push(row);
    }
    Ok(out)
}

/// Inflate every entry once, counting: refuse an archive whose entries, sizes or ratios are over the
/// limits, and read the shared-strings part's declared count. Nothing larger than a limit is ever held.
fn check_zip(bytes: &[u8], l: &Limits) -> Result<(), SheetError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| SheetError::unreadable())?;
    if zip.len() > l.max_entries {
        return Err(SheetError::bomb());
    }
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(|_| SheetError::unreadable())?;
        let name = f.name().map(|n| n.to_string()).unwrap_or_default();
        let compressed = f.compressed_size().max(1);
        let is_sst = name.eq_ignore_ascii_case("xl/sharedStrings.xml");
        let mut head = Vec::new();
        let mut n = 0u64;
        loop {
            let k = f.read(&mut buf).map_err(|_| SheetError::unreadable())?;
            if k == 0 {
                break;
            }
            n += k as u64;
            total += k as u64;
            if n > l.max_entry_bytes || total > l.max_total_bytes || n > 1024 * 1024 && n / compressed > l.max_ratio {
                return Err(SheetError::bomb());
            }
            if is_sst && head.len() < 4096 {
                head.extend_from_slice(&buf[..k.min(4096 - head.len())]);
            }
        }
        if is_sst && declared_count(&head, "uniqueCount").is_some_and(|c| c > l.max_cells() as u64) {
            return Err(SheetError::too_large(l));
        }
    }
    Ok(())
}

/// An attribute of the first `<sst …>` tag, as a number (`None` if absent or not a number).
fn declared_count(head: &[u8], attr: &str) -> Option<u64> {
    let text = String::from_utf8_lossy(head);
    let tag = &text[text.find("<sst")?..];
    let tag = &tag[..tag.find('>')?];
    let at = tag.find(&format!(" {attr}="))? + attr.len() + 2;
    let rest = tag[at..].trim_start_matches(['"', '\'']);
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    // More digits than a u64 holds is "too many" too.
    Some(digits.parse().unwrap_or(u64::MAX)).filter(|_| !digits.is_empty())
}

/// `A1:XFD1048576` → (rows, columns) it spans.
fn span(d: &calamine::Dimensions) -> (u64, u64) {
    (
        u64::from(d.end.0).saturating_sub(u64::from(d.start.0)) + 1,
        u64::from(d.end.1).saturating_sub(u64::from(d.start.1)) + 1,
    )
}

/// The first sheet of an .xlsx, as a grid no larger than its data.
pub fn read_xlsx(bytes: &[u8], l: &Limits) -> Result<Grid, SheetError> {
    use calamine::{DataRef, Reader, Xlsx};
    check_zip(bytes, l)?;
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| SheetError::unreadable())?;
    let name = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| SheetError::new("no_sheet", "Excel 文件中没有工作表", "The workbook has no sheet"))?;
    let mut cells = wb.worksheet_cells_reader(&name).map_err(|_| SheetError::unreadable())?;
    let (rows, cols) = span(&cells.dimensions());
    if rows > l.max_rows as u64 || cols > l.max_cols as u64 {
        return Err(SheetError::too_large(l));
    }
    let mut grid: Grid = Vec::new();
    let mut count = 0usize;
    while let Some(c) = cells.next_cell().map_err(|_| SheetError::unreadable())? {
        let value = match c.get_value() {
            DataRef::Empty | DataRef::Error(_) => continue,
            DataRef::String(s) => Cell::Text(s.clone()),
            DataRef::SharedString(s) => Cell::Text(s.to_string()),
            DataRef::Float(f) => Cell::Number(*f),
            DataRef::Int(i) => Cell::Number(*i as f64),
            DataRef::Bool(b) => Cell::Text(b.to_string()),
            DataRef::DateTime(dt) => match dt.as_datetime() {
                Some(d) => Cell::Date(d.date()),
                None => continue,
            },
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s.clone()),
        };
        let (r, col) = (c.get_position().0 as usize, c.get_position().1 as usize);
        count += 1;
        if r >= l.max_rows || col >= l.max_cols || count > l.max_cells() {
            return Err(SheetError::too_large(l));
        }
        if let Cell::Text(s) = &value
            && s.chars().count() > l.max_cell_chars
        {
            return Err(SheetError::cell(l));
        }
        if grid.len() <= r {
            grid.resize_with(r + 1, Vec::new);
        }
        let row = &mut grid[r];
        if row.len() <= col {
            row.resize(col + 1, Cell::Empty);
        }
        row[col] = value;
    }
    Ok(grid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_declared_string_count_is_read_from_the_sst_tag() {
        let x = br#"<?xml version="1.0"?><sst xmlns="x" count="5" uniqueCount="4000000000">"#;
        assert_eq!(declared_count(x, "uniqueCount"), Some(4_000_000_000));
        assert_eq!(declared_count(x, "count"), Some(5));
        assert_eq!(declared_count(br#"<sst uniqueCount="99999999999999999999999">"#, "uniqueCount"), Some(u64::MAX));
        assert_eq!(declared_count(b"<sst>", "uniqueCount"), None);
    }

    #[test]
    fn a_csv_over_the_limits_is_refused() {
        let l = Limits { max_rows: 3, max_cols: 2, max_cell_chars: 5, ..Limits::for_rows(1) };
        assert!(read_csv(b"a,b\nc,d\n", &l).is_ok());
        assert_eq!(read_csv(b"a\nb\nc\nd\n", &l).unwrap_err().code, "sheet_too_large");
        assert_eq!(read_csv(b"a,b,c\n", &l).unwrap_err().code, "sheet_too_large");
        assert_eq!(read_csv("一二三四五六".as_bytes(), &l).unwrap_err().code, "cell_too_long");
    }
}
