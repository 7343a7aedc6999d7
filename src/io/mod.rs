//! C0.6 Import and export of households, residents and roles. A file is applied all-or-nothing in one
//! transaction; any bad row means nothing is written and the user gets the row-level report. Exports
//! write the same columns to `.xlsx` (the 台账), masked unless full numbers are asked for (audited).

use crate::ids::*;
use crate::web::forms::{Choice, choices};
pub mod actions;
pub mod model;
pub mod sheet;

pub mod store;

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Multipart, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, TransactionTrait};
use serde::Deserialize;

use crate::{
    access::RouteDef,
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, StaffUser, model::Access},
    error::{AppError, AppResult},
    org::{model::NodeKind, store as org},
    people::{
        model::{format_area, gender_from_id, mask_id, mask_phone},
        store as people,
    },
    web::Chrome,
};
use model::{Col, Parsed, RowError};

pub fn routes() -> Vec<RouteDef> {
    vec![
        RouteDef::new("GET", "/import", Access::Staff, get(import_page)),
        RouteDef::new("POST", "/import", Access::Staff, post(import_upload)),
        RouteDef::new("GET", "/import/template.xlsx", Access::Staff, get(template)),
        RouteDef::new("GET", "/export/ledger.xlsx", Access::Staff, get(export_ledger)),
    ]
}

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Summary {
    pub rows: usize,
    pub households_created: usize,
    pub persons_created: usize,
    pub members_added: usize,
    pub roles_added: usize,
    pub duplicates_skipped: usize,
    pub blank_rows: usize,
}

pub enum Outcome {
    Done(Summary),
    Rejected(Vec<RowError>),
}

/// Apply parsed rows to a project inside one transaction. `progress` is called after each row.
pub async fn apply(
    conn: &impl TransactionTrait,
    vault: &crate::vault::Vault,
    project_id: ProjectId,
    parsed: &Parsed,
    now: DateTime<Utc>,
    audit: Option<(&crate::auth::Ctx, &str)>,
    mut progress: impl FnMut(usize),
) -> Result<Outcome, AppError> {
    if !parsed.errors.is_empty() {
        return Ok(Outcome::Rejected(parsed.errors.clone()));
    }
    let tx = conn.begin().await?;
    let project = org::node(&tx, project_id.into()).await?.ok_or_else(AppError::not_found)?;
    if project.kind() != NodeKind::Project {
        return Err(AppError::bad_request("not_a_project", "请选择一个项目", "Pick a project"));
    }
    let microgrids: HashMap<String, i64> =
        org::project_microgrids(&tx, project_id).await?.into_iter().map(|(id, name)| (name, id)).collect();
    let mut errors = Vec::new();
    let mut s = Summary {
        rows: parsed.rows.len(),
        duplicates_skipped: parsed.duplicates.len(),
        blank_rows: parsed.blank_rows,
        ..Default::default()
    };
    let mut nodes: HashMap<(i64, String), org::Node> = HashMap::new();
    async fn child(
        tx: &impl ConnectionTrait,
        cache: &mut HashMap<(i64, String), org::Node>,
        parent: &org::Node,
        kind: NodeKind,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<(org::Node, bool), AppError> {
        if let Some(n) = cache.get(&(parent.id, name.to_string())) {
            return Ok((n.clone(), false));
        }
        let (n, created) = org::find_or_create_child(tx, Some(parent), kind, name, now).await?;
        cache.insert((parent.id, name.to_string()), n.clone());
        Ok((n, created))
    }
    for (i, r) in parsed.rows.iter().enumerate() {
        let microgrid_id = match &r.microgrid {
            None => None,
            Some(name) => match microgrids.get(name) {
                Some(id) => Some(*id),
                None => {
                    errors.push(RowError {
                        row: r.line,
                        column: Col::Microgrid.header().into(),
                        reason: format!("本项目所在社区没有名为“{name}”的微网格"),
                    });
                    continue;
                }
            },
        };
        let (b, _) = child(&tx, &mut nodes, &project, NodeKind::Building, &r.building, now).await?;
        let (u, _) = child(&tx, &mut nodes, &b, NodeKind::Unit, &r.unit, now).await?;
        let (h, created) = child(&tx, &mut nodes, &u, NodeKind::Household, &r.room, now).await?;
        if created {
            org::create_household(&tx, h.id, project_id, &r.room, r.area_centi, microgrid_id, now).await?;
            s.households_created += 1;
        } else if r.area_centi.is_some() || microgrid_id.is_some() {
            org::fill_household(&tx, HouseholdId(h.id), r.area_centi, microgrid_id).await?;
        }
        // The same person: by ID number anywhere, else by name among this household's current members.
        let existing_member = if r.id_number.is_none() {
            people::current_member_named(&tx, HouseholdId(h.id), &r.name).await?
        } else {
            None
        };
        let person_id = match existing_member {
            Some(id) => id,
            None => {
                let np = people::NewPerson {
                    name: r.name.clone(),
                    gender: r.id_number.as_deref().and_then(gender_from_id).map(str::to_string),
                    phone: r.phone.clone(),
                    id_number: r.id_number.clone(),
                };
                let (id, created) =
                    people::upsert_person(&tx, vault, &np, &people::Within::Project(project_id), now).await?;
                if created {
                    s.persons_created += 1;
                }
                id
            }
        };
        if !people::is_current_member(&tx, HouseholdId(h.id), person_id).await? {
            people::add_member(&tx, HouseholdId(h.id), person_id, r.relation.as_str(), r.moved_in, now).await?;
            s.members_added += 1;
        }
        for role in &r.roles {
            if !people::holds_role(&tx, person_id, role.as_str(), project_id.into()).await? {
                people::add_role(&tx, person_id, role.as_str(), project_id.into(), None, r.moved_in, now).await?;
                s.roles_added += 1;
            }
        }
        progress(i + 1);
    }
    if !errors.is_empty() {
        tx.rollback().await?;
        return Ok(Outcome::Rejected(errors));
    }
    match audit {
        // The audit line is part of the import: both commit or neither.
        Some((ctx, file_name)) => {
            audit::commit(
                tx,
                ctx,
                now,
                Entry {
                    action: "import",
                    entity: "project",
                    entity_id: Some(project_id.get()),
                    project_id: Some(project_id),
                    summary: format!(
                        "导入「{file_name}」：{} 行，新增 {} 户、{} 人，登记 {} 条住户关系、{} 个角色",
                        s.rows, s.households_created, s.persons_created, s.members_added, s.roles_added
                    ),
                },
            )
            .await?
        }
        None => tx.commit().await?,
    }
    Ok(Outcome::Done(s))
}

#[derive(Template, WebTemplate)]
#[template(path = "io/import.html")]
struct ImportPage {
    c: Chrome,
    projects: Vec<Choice>,
    errors: Vec<RowError>,
    /// The stable code of a whole-file refusal (`sheet_too_large`, `zip_bomb`, …).
    error_code: Option<&'static str>,
    summary: Option<Summary>,
    max_mb: usize,
    max_rows: usize,
}

async fn writable_projects(state: &AppState, p: &crate::auth::Principal) -> AppResult<Vec<(ProjectId, String)>> {
    org::project_names(&state.db.read, p.scope.write_projects.iter().copied()).await
}

fn page(state: &AppState, ctx: &Ctx, projects: Vec<(ProjectId, String)>) -> ImportPage {
    ImportPage {
        c: Chrome::titled(ctx, "nav.import"),
        projects: choices(projects),
        errors: vec![],
        error_code: None,
        summary: None,
        max_mb: state.config.max_upload_bytes / (1024 * 1024),
        max_rows: state.config.max_import_rows,
    }
}

pub async fn import_page(State(state): State<AppState>, StaffUser(p, ctx): StaffUser) -> AppResult<impl IntoResponse> {
    Ok(page(&state, &ctx, writable_projects(&state, &p).await?))
}

pub async fn import_upload(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    mut mp: Multipart,
) -> AppResult<Response> {
    let mut project: Option<i64> = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    let limit = state.config.max_upload_bytes;
    let too_large = || AppError::too_large(format!("文件过大：最大 {} MB", limit / (1024 * 1024)), "File too large");
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(_) => {
                return Err(AppError::bad_request(
                    "bad_upload",
                    "上传内容无法解析，请重新选择文件",
                    "Malformed upload",
                ));
            }
        };
        match field.name() {
            Some("project_id") => project = field.text().await.ok().and_then(|t| t.trim().parse().ok()),
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_string();
                let bytes = field.bytes().await.map_err(|e| {
                    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        too_large()
                    } else {
                        AppError::bad_request("bad_upload", "上传中断，请重试", "Upload interrupted")
                    }
                })?;
                if bytes.len() > limit {
                    return Err(too_large());
                }
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    let project = project.ok_or_else(|| AppError::field("project_id", "请选择导入到哪个项目"))?;
    p.scope.require_write(ProjectId(project))?;
    let (name, bytes) =
        file.filter(|(_, b)| !b.is_empty()).ok_or_else(|| AppError::field("file", "请选择要导入的文件"))?;
    let projects = writable_projects(&state, &p).await?;
    let mut pg = page(&state, &ctx, projects);
    match actions::import_checked(&state, &ctx, ProjectId(project), name, bytes).await? {
        actions::Imported::Unreadable(e) => {
            let status =
                if e.is_too_large() { StatusCode::PAYLOAD_TOO_LARGE } else { StatusCode::UNPROCESSABLE_ENTITY };
            pg.errors = vec![RowError { row: 0, column: String::new(), reason: e.zh }];
            pg.error_code = Some(e.code);
            Ok((status, pg).into_response())
        }
        actions::Imported::Rejected(errors) => {
            pg.errors = errors;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, pg).into_response())
        }
        actions::Imported::Done(s) => {
            pg.summary = Some(s);
            Ok(pg.into_response())
        }
    }
}

/// An `.xlsx` download with a Chinese file name (and an ASCII fallback for old clients).
pub fn xlsx_response(bytes: Vec<u8>, filename: &str) -> Response {
    let ascii: String =
        filename.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect();
    let disposition =
        format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", crate::auth::url_encode(filename));
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// The import template: header row, one fictitious example row, and a sheet of instructions.
pub fn template_bytes() -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let ws = wb.add_worksheet();
    ws.set_name("住户导入").map_err(AppError::internal)?;
    for (i, c) in Col::ALL.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, c.header(), &bold).map_err(AppError::internal)?;
        ws.set_column_format(i as u16, &text).map_err(AppError::internal)?;
        ws.set_column_width(i as u16, 16).map_err(AppError::internal)?;
    }
    let example = [
        "1栋",
        "1单元",
        "101",
        "89.50",
        "张示例",
        "11010519491231002X",
        "13800000000",
        "业主",
        "2024-05-01",
        "党员、志愿者",
        "",
    ];
    for (i, v) in example.iter().enumerate() {
        ws.write_string_with_format(1, i as u16, *v, &text).map_err(AppError::internal)?;
    }
    let notes = wb.add_worksheet();
    notes.set_name("填写说明").map_err(AppError::internal)?;
    let lines = [
        "必填列：楼栋、单元、房号、姓名、与房屋关系（业主/住户/租户/家庭成员）。",
        "身份证号、手机号请按“文本”格式填写，否则 Excel 会丢失身份证号后几位。",
        "专有部分面积单位为平方米，最多两位小数。入住日期格式：2024-05-01。",
        "角色可填：党员、志愿者、物业服务质量监督员、业委会成员，多个用顿号分隔。",
        "一个文件要么全部导入，要么一行都不导入；有错误时会列出行号、列名和原因。",
        "示例行中的姓名和号码均为虚构，导入前请删除。",
    ];
    for (i, l) in lines.iter().enumerate() {
        notes.write_string(i as u32, 0, *l).map_err(AppError::internal)?;
    }
    notes.set_column_width(0, 90).map_err(AppError::internal)?;
    wb.save_to_buffer().map_err(AppError::internal)
}

pub async fn template(StaffUser(_, _): StaffUser) -> AppResult<Response> {
    Ok(xlsx_response(template_bytes()?, "住户导入模板.xlsx"))
}

#[derive(FromQueryResult)]
pub struct LedgerRow {
    pub project: String,
    pub building: String,
    pub unit: String,
    pub room: String,
    pub area: Option<i64>,
    pub name: Option<String>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub relation: Option<String>,
    pub moved_in: Option<chrono::NaiveDate>,
    pub microgrid: Option<String>,
    pub person_id: Option<PersonId>,
    pub id_number_enc: Option<String>,
    pub phone_enc: Option<String>,
}

/// Put the full numbers in place of the masked ones (the audited full export only).
pub fn unseal_ledger(rows: &mut [LedgerRow], vault: &crate::vault::Vault) -> Result<(), AppError> {
    for r in rows {
        let (phone, idn) = crate::people::seal::open_pair(vault, r.phone_enc.as_deref(), r.id_number_enc.as_deref())?;
        r.phone = phone;
        r.id_number = idn;
    }
    Ok(())
}

pub use store::{ledger_rows, role_names};

/// Write the ledger as .xlsx. Phone and ID are masked unless `full`.
pub fn ledger_xlsx(
    rows: &[LedgerRow],
    roles: &HashMap<PersonId, Vec<String>>,
    full: bool,
    generated: &str,
) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("住户台账").map_err(AppError::internal)?;
    let bold = Format::new().set_bold();
    let mut headers: Vec<&str> = Col::ALL.iter().map(|c| c.header()).collect();
    headers.push("项目");
    for (i, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold).map_err(AppError::internal)?;
        ws.set_column_width(i as u16, 16).map_err(AppError::internal)?;
    }
    let area_fmt = Format::new().set_num_format("0.00");
    for (i, r) in rows.iter().enumerate() {
        let row = (i + 1) as u32;
        let w = |c: u16, s: &str, ws: &mut rust_xlsxwriter::Worksheet| {
            ws.write_string(row, c, s).map(|_| ()).map_err(AppError::internal)
        };
        w(0, &r.building, ws)?;
        w(1, &r.unit, ws)?;
        w(2, &r.room, ws)?;
        if let Some(a) = r.area {
            ws.write_number_with_format(row, 3, a as f64 / 100.0, &area_fmt).map_err(AppError::internal)?;
        }
        w(4, r.name.as_deref().unwrap_or(""), ws)?;
        let idn = r.id_number.as_deref().map(|s| if full { s.to_string() } else { mask_id(s) }).unwrap_or_default();
        w(5, &idn, ws)?;
        let ph = r.phone.as_deref().map(|s| if full { s.to_string() } else { mask_phone(s) }).unwrap_or_default();
        w(6, &ph, ws)?;
        w(7, r.relation.as_deref().and_then(crate::people::model::Relation::parse).map(|x| x.zh()).unwrap_or(""), ws)?;
        w(8, &r.moved_in.map(|d| d.to_string()).unwrap_or_default(), ws)?;
        let rl = r.person_id.and_then(|p| roles.get(&p)).map(|v| v.join("、")).unwrap_or_default();
        w(9, &rl, ws)?;
        w(10, r.microgrid.as_deref().unwrap_or(""), ws)?;
        w(11, &r.project, ws)?;
    }
    let _ = format_area;
    let info = wb.add_worksheet();
    info.set_name("导出说明").map_err(AppError::internal)?;
    info.write_string(0, 0, generated).map_err(AppError::internal)?;
    wb.save_to_buffer().map_err(AppError::internal)
}

#[derive(Deserialize, Default)]
pub struct ExportQuery {
    pub project: Option<i64>,
    pub full: Option<String>,
}

pub async fn export_ledger(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    Query(q): Query<ExportQuery>,
) -> AppResult<Response> {
    let project_id = q.project.ok_or_else(|| AppError::field("project", "请选择要导出的项目"))?;
    let (bytes, file_name) =
        actions::export_checked(&state, &p, &ctx, ProjectId(project_id), q.full.as_deref() == Some("1")).await?;
    Ok(xlsx_response(bytes, &file_name))
}

const NAV: &[crate::capability::NavEntry] = &[crate::capability::NavEntry {
    order: 72,
    href: "/import",
    label: |_| "nav.import",
    shown: |p, _| p.has(crate::auth::model::Access::Staff),
}];

pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability { nav: NAV, ..crate::capability::Capability::new("io", routes) }
}
