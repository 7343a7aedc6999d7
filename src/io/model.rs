//! Parsing a households-and-residents sheet (.xlsx or .csv, Chinese headers) into validated rows, with a
//! row-level error report in Chinese. Copes with what real spreadsheets contain: a title row above the
//! header, blank rows, full-width digits and spaces, numbers stored as numbers (room 1001.0, phone
//! 13800138000.0), ID numbers ending in x, ID numbers that Excel turned into imprecise numbers, and
//! duplicate rows. No I/O.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::{
    auth::model::Role,
    people::model::{IdNumber, Phone, Relation, parse_area_centi, parse_name},
    text::normalize,
};

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

impl Cell {
    fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => normalize(s).is_empty(),
            _ => false,
        }
    }
    /// Text form: numbers without a trailing `.0`.
    fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => normalize(s),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Col {
    Building,
    Unit,
    Room,
    Area,
    Name,
    IdNumber,
    Phone,
    Relation,
    MovedIn,
    Roles,
    Microgrid,
}

impl Col {
    pub const ALL: [Col; 11] = [
        Col::Building,
        Col::Unit,
        Col::Room,
        Col::Area,
        Col::Name,
        Col::IdNumber,
        Col::Phone,
        Col::Relation,
        Col::MovedIn,
        Col::Roles,
        Col::Microgrid,
    ];
    /// The header written in templates and exports.
    pub fn header(self) -> &'static str {
        match self {
            Col::Building => "楼栋",
            Col::Unit => "单元",
            Col::Room => "房号",
            Col::Area => "专有部分面积(m²)",
            Col::Name => "姓名",
            Col::IdNumber => "身份证号",
            Col::Phone => "手机号",
            Col::Relation => "与房屋关系",
            Col::MovedIn => "入住日期",
            Col::Roles => "角色",
            Col::Microgrid => "微网格",
        }
    }
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Col::Building => &["楼栋", "楼号", "栋", "楼栋号", "幢"],
            Col::Unit => &["单元", "单元号"],
            Col::Room => &["房号", "房间号", "室", "门牌号", "户号"],
            Col::Area => &["专有部分面积", "专有面积", "套内面积"],
            Col::Name => &["姓名", "住户姓名", "业主姓名"],
            Col::IdNumber => &["身份证号", "身份证号码", "身份证", "证件号码", "公民身份号码"],
            Col::Phone => &["手机号", "手机号码", "手机", "联系电话", "电话"],
            Col::Relation => &["与房屋关系", "关系", "身份", "住户类型"],
            Col::MovedIn => &["入住日期", "入住时间", "迁入日期"],
            Col::Roles => &["角色", "身份标签", "标签"],
            Col::Microgrid => &["微网格", "所属微网格"],
        }
    }
    fn required(self) -> bool {
        matches!(self, Col::Building | Col::Unit | Col::Room | Col::Name | Col::Relation)
    }
    fn matches(self, header: &str) -> bool {
        let h: String = normalize(header).chars().filter(|c| !c.is_whitespace() && *c != '*').collect();
        let h = h.split(['(', '（']).next().unwrap_or_default().to_string();
        self.aliases().iter().any(|a| *a == h)
    }
}

/// A validated row.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    /// Row number as the user sees it in the spreadsheet (1-based).
    pub line: usize,
    pub building: String,
    pub unit: String,
    pub room: String,
    pub area_centi: Option<i64>,
    pub name: String,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub relation: Relation,
    pub moved_in: Option<NaiveDate>,
    pub roles: Vec<Role>,
    pub microgrid: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    /// Spreadsheet row (1-based); 0 for a problem with the whole file.
    pub row: usize,
    pub column: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Parsed {
    pub rows: Vec<ImportRow>,
    pub errors: Vec<RowError>,
    /// Rows skipped because they repeat an earlier row exactly.
    pub duplicates: Vec<(usize, usize)>,
    pub blank_rows: usize,
}

/// Roles an import may grant (all scoped to the project).
pub const IMPORTABLE_ROLES: [Role; 4] = [Role::PartyMember, Role::Volunteer, Role::Supervisor, Role::CommitteeMember];

fn err(row: usize, col: Option<Col>, reason: impl Into<String>) -> RowError {
    RowError { row, column: col.map(|c| c.header().to_string()).unwrap_or_default(), reason: reason.into() }
}

/// "3" → "3栋", "3号楼" stays, "２单元" → "2单元".
fn with_suffix(s: &str, suffix: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) { format!("{s}{suffix}") } else { s.to_string() }
}

fn parse_date(c: &Cell) -> Result<Option<NaiveDate>, &'static str> {
    match c {
        Cell::Date(d) => Ok(Some(*d)),
        Cell::Number(n) if *n > 20000.0 && *n < 80000.0 && n.fract() == 0.0 => {
            // An Excel serial date that reached us as a plain number.
            let base = NaiveDate::from_ymd_opt(1899, 12, 30).expect("static date");
            Ok(base.checked_add_signed(chrono::Duration::days(*n as i64)))
        }
        _ => {
            let s = c.text();
            if s.is_empty() {
                return Ok(None);
            }
            let s2 = s.replace(['年', '月', '/', '.'], "-").replace('日', "");
            for fmt in ["%Y-%m-%d", "%Y%m%d"] {
                if let Ok(d) = NaiveDate::parse_from_str(&s2, fmt) {
                    return Ok(Some(d));
                }
            }
            Err("日期格式应为 2024-05-01")
        }
    }
}

/// Parse a sheet (rows of cells). `max_rows` bounds the data rows.
pub fn parse_sheet(grid: &[Vec<Cell>], today: NaiveDate, max_rows: usize) -> Parsed {
    let mut out = Parsed::default();
    // Find the header row within the first 10 rows: the first with both 姓名 and 房号.
    let header_at = grid.iter().take(10).position(|r| {
        let has = |c: Col| r.iter().any(|cell| c.matches(&cell.text()));
        has(Col::Name) && has(Col::Room)
    });
    let Some(h) = header_at else {
        out.errors.push(err(0, None, "找不到表头：前10行中应有一行包含“姓名”“房号”等列名，请使用导入模板"));
        return out;
    };
    let mut cols: HashMap<Col, usize> = HashMap::new();
    for (i, cell) in grid[h].iter().enumerate() {
        if let Some(c) = Col::ALL.into_iter().find(|c| c.matches(&cell.text())) {
            cols.entry(c).or_insert(i);
        }
    }
    for c in Col::ALL.into_iter().filter(|c| c.required() && !cols.contains_key(c)) {
        out.errors.push(err(h + 1, Some(c), format!("缺少必填列“{}”", c.header())));
    }
    if !out.errors.is_empty() {
        return out;
    }
    let data_rows = grid.len() - h - 1;
    if data_rows > max_rows {
        out.errors.push(err(
            0,
            None,
            format!("数据行过多：最多 {max_rows} 行，本文件有 {data_rows} 行，请拆分后分批导入"),
        ));
        return out;
    }
    let mut seen: HashMap<Vec<String>, usize> = HashMap::new();
    let mut id_names: HashMap<String, (String, usize)> = HashMap::new();
    for (i, raw) in grid.iter().enumerate().skip(h + 1) {
        let line = i + 1;
        if raw.iter().all(Cell::is_blank) {
            out.blank_rows += 1;
            continue;
        }
        let get = |c: Col| cols.get(&c).and_then(|i| raw.get(*i)).cloned().unwrap_or(Cell::Empty);
        let key: Vec<String> = Col::ALL.iter().map(|c| get(*c).text().to_uppercase()).collect();
        if let Some(first) = seen.get(&key) {
            out.duplicates.push((line, *first));
            continue;
        }
        seen.insert(key, line);
        let before = out.errors.len();
        let mut text = |c: Col, what: &str| {
            let s = get(c).text();
            if s.is_empty() && c.required() {
                out.errors.push(err(line, Some(c), format!("{what}不能为空")));
            }
            s
        };
        let building = with_suffix(&text(Col::Building, "楼栋"), "栋");
        let unit = with_suffix(&text(Col::Unit, "单元"), "单元");
        let room = text(Col::Room, "房号");
        let name_raw = text(Col::Name, "姓名");
        let relation_raw = text(Col::Relation, "与房屋关系");
        for (c, v, max) in [(Col::Building, &building, 20), (Col::Unit, &unit, 20), (Col::Room, &room, 20)] {
            if v.chars().count() > max {
                out.errors.push(err(line, Some(c), format!("不能超过{max}个字")));
            }
        }
        let name = if name_raw.is_empty() {
            None
        } else {
            parse_name(&name_raw).map_err(|m| out.errors.push(err(line, Some(Col::Name), m))).ok()
        };
        let relation = if relation_raw.is_empty() {
            None
        } else {
            let r = Relation::parse(&relation_raw);
            if r.is_none() {
                out.errors.push(err(
                    line,
                    Some(Col::Relation),
                    format!("“{relation_raw}”无法识别，应为业主、住户、租户或家庭成员"),
                ));
            }
            r
        };
        let area_centi = match get(Col::Area) {
            Cell::Empty => None,
            c => {
                let s = c.text();
                if s.is_empty() {
                    None
                } else {
                    parse_area_centi(&s).map_err(|m| out.errors.push(err(line, Some(Col::Area), m))).ok()
                }
            }
        };
        let id_number = match get(Col::IdNumber) {
            Cell::Number(n) if n.abs() >= 1e15 => {
                out.errors.push(err(
                    line,
                    Some(Col::IdNumber),
                    "身份证号被 Excel 存成了数字，后几位已经丢失；请把该列设为“文本”格式后重新填写",
                ));
                None
            }
            c => {
                let s = c.text();
                if s.is_empty() {
                    None
                } else {
                    IdNumber::parse(&s, today)
                        .map(|i| i.reveal().to_string())
                        .map_err(|m| out.errors.push(err(line, Some(Col::IdNumber), m)))
                        .ok()
                }
            }
        };
        let phone = {
            let s = get(Col::Phone).text();
            if s.is_empty() {
                None
            } else {
                Phone::parse(&s)
                    .map(|p| p.reveal().to_string())
                    .map_err(|m| out.errors.push(err(line, Some(Col::Phone), m)))
                    .ok()
            }
        };
        let moved_in = match parse_date(&get(Col::MovedIn)) {
            Ok(Some(d)) if d > today => {
                out.errors.push(err(line, Some(Col::MovedIn), "入住日期不能晚于今天"));
                None
            }
            Ok(d) => d,
            Err(m) => {
                out.errors.push(err(line, Some(Col::MovedIn), m));
                None
            }
        };
        let mut roles = Vec::new();
        for part in get(Col::Roles).text().split(['、', ',', '，', ';', '；', '/', ' ']).filter(|s| !s.is_empty()) {
            match Role::parse(part).filter(|r| IMPORTABLE_ROLES.contains(r)) {
                Some(r) if !roles.contains(&r) => roles.push(r),
                Some(_) => {}
                None => out.errors.push(err(
                    line,
                    Some(Col::Roles),
                    format!("“{part}”不能通过导入设置；可用：党员、志愿者、物业服务质量监督员、业委会成员"),
                )),
            }
        }
        let microgrid = Some(get(Col::Microgrid).text()).filter(|s| !s.is_empty());
        if let (Some(idn), Some(n)) = (&id_number, &name) {
            match id_names.get(idn) {
                Some((other, l)) if other != n => out.errors.push(err(
                    line,
                    Some(Col::IdNumber),
                    format!("与第{l}行身份证号相同但姓名不同（{other}）"),
                )),
                _ => {
                    id_names.insert(idn.clone(), (n.clone(), line));
                }
            }
        }
        if out.errors.len() > before {
            continue;
        }
        out.rows.push(ImportRow {
            line,
            building,
            unit,
            room,
            area_centi,
            name: name.unwrap_or_default(),
            id_number,
            phone,
            relation: relation.unwrap_or(Relation::Occupant),
            moved_in,
            roles,
            microgrid,
        });
    }
    if out.rows.is_empty() && out.errors.is_empty() {
        out.errors.push(err(0, None, "文件中没有数据行"));
    }
    out
}

/// Read a CSV with room for a million rows (our own files, tests); uploads go through
/// `super::sheet` with the configured limits.
pub fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, String> {
    super::sheet::read_csv(bytes, &super::sheet::Limits::for_rows(1_000_000)).map_err(|e| e.zh)
}

/// Read the first sheet of an .xlsx, with the same room.
pub fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, String> {
    super::sheet::read_xlsx(bytes, &super::sheet::Limits::for_rows(1_000_000)).map_err(|e| e.zh)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }
    fn t(s: &str) -> Cell {
        if s.is_empty() { Cell::Empty } else { Cell::Text(s.into()) }
    }
    fn row(v: &[&str]) -> Vec<Cell> {
        v.iter().map(|s| t(s)).collect()
    }
    const HEADER: [&str; 11] = [
        "楼栋",
        "单元",
        "房号",
        "专有部分面积(m²)",
        "姓名",
        "身份证号",
        "手机号",
        "与房屋关系",
        "入住日期",
        "角色",
        "微网格",
    ];

    #[test]
    fn a_title_row_blank_rows_and_full_width_text_are_handled() {
        let grid = vec![
            row(&["保利叶语住户台账（2026年）"]),
            row(&HEADER),
            row(&[
                "３",
                "２",
                "１００１",
                "８９.５",
                " 张 三 ",
                "11010519491231002x",
                "１３８ ００１３ ８０００",
                "业主",
                "2020/5/1",
                "党员、志愿者",
                "",
            ]),
            row(&["", "", "", "", "", "", "", "", "", "", ""]),
            vec![
                Cell::Number(3.0),
                Cell::Number(2.0),
                Cell::Number(1002.0),
                Cell::Number(120.0),
                t("李四"),
                Cell::Empty,
                Cell::Number(13900000001.0),
                t("租户"),
                Cell::Date(NaiveDate::from_ymd_opt(2021, 3, 4).unwrap()),
            ],
        ];
        let p = parse_sheet(&grid, today(), 100);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.blank_rows, 1);
        assert_eq!(p.rows.len(), 2);
        let a = &p.rows[0];
        assert_eq!((a.building.as_str(), a.unit.as_str(), a.room.as_str()), ("3栋", "2单元", "1001"));
        assert_eq!(a.line, 3);
        assert_eq!(a.area_centi, Some(8950));
        assert_eq!(a.name, "张三");
        assert_eq!(a.id_number.as_deref(), Some("11010519491231002X"));
        assert_eq!(a.phone.as_deref(), Some("13800138000"));
        assert_eq!(a.moved_in, NaiveDate::from_ymd_opt(2020, 5, 1));
        assert_eq!(a.roles, vec![Role::PartyMember, Role::Volunteer]);
        let b = &p.rows[1];
        assert_eq!(b.room, "1002");
        assert_eq!(b.phone.as_deref(), Some("13900000001"));
        assert_eq!(b.relation, Relation::Tenant);
    }

    #[test]
    fn an_id_number_stored_as_a_number_is_reported_not_guessed() {
        let grid = vec![
            row(&HEADER),
            vec![
                t("1"),
                t("1"),
                t("101"),
                Cell::Empty,
                t("王五"),
                Cell::Number(110105194912310020.0),
                Cell::Empty,
                t("业主"),
            ],
        ];
        let p = parse_sheet(&grid, today(), 100);
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].row, 2);
        assert_eq!(p.errors[0].column, "身份证号");
        assert!(p.errors[0].reason.contains("文本"));
    }

    #[test]
    fn every_bad_cell_is_reported_with_row_and_column() {
        let grid = vec![
            row(&HEADER),
            row(&["1", "1", "101", "abc", "张3", "110105194912310021", "12345", "邻居", "明天", "党委书记", ""]),
        ];
        let p = parse_sheet(&grid, today(), 100);
        let cols: Vec<&str> = p.errors.iter().map(|e| e.column.as_str()).collect();
        for c in ["专有部分面积(m²)", "姓名", "身份证号", "手机号", "与房屋关系", "入住日期", "角色"]
        {
            assert!(cols.contains(&c), "missing error for {c}: {:?}", p.errors);
        }
        assert!(p.rows.is_empty());
        assert!(p.errors.iter().all(|e| e.row == 2));
    }

    #[test]
    fn exact_duplicate_rows_are_skipped_and_conflicting_ids_refused() {
        let a = row(&["1", "1", "101", "", "张三", "11010519491231002X", "", "业主", "", "", ""]);
        let b = row(&["1", "1", "102", "", "李四", "11010519491231002X", "", "业主", "", "", ""]);
        let p = parse_sheet(&[row(&HEADER), a.clone(), a, b], today(), 100);
        assert_eq!(p.duplicates, vec![(3, 2)]);
        assert_eq!(p.errors.len(), 1);
        assert!(p.errors[0].reason.contains("第2行"));
    }

    #[test]
    fn missing_headers_and_too_many_rows_are_file_errors() {
        let p = parse_sheet(&[row(&["a", "b"]), row(&["1", "2"])], today(), 100);
        assert!(p.errors[0].reason.contains("表头"));
        let p = parse_sheet(&[row(&["姓名", "房号"])], today(), 100);
        assert!(p.errors.iter().any(|e| e.reason.contains("楼栋")));
        let mut g = vec![row(&HEADER)];
        for i in 0..5 {
            g.push(row(&["1", "1", &format!("10{i}"), "", "张三", "", "", "业主"]));
        }
        let p = parse_sheet(&g, today(), 3);
        assert!(p.errors[0].reason.contains("最多 3 行"));
    }

    #[test]
    fn csv_with_bom_reads_and_gbk_is_refused() {
        let g = read_csv("\u{FEFF}姓名,房号\n张三,101\n".as_bytes()).unwrap();
        assert_eq!(g[0][0], Cell::Text("姓名".into()));
        assert!(read_csv(&[0xD5, 0xC5, 0xC8, 0xFD]).unwrap_err().contains("UTF-8"));
        let l = crate::io::sheet::Limits::for_rows(10);
        assert!(crate::io::sheet::read_any("a.xls", &[0xD0, 0xCF, 0x11, 0xE0, 0], &l).unwrap_err().zh.contains(".xls"));
    }
}
