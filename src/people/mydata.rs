//! "我的信息": everything the platform holds about the signed-in person (PIPL art. 45) — their record
//! with the full phone and ID number, homes, roles, requests, bookings, activities, points, volunteer
//! registrations, 爱心超市 redemptions, centre visits and log-in sessions — on a phone page, as `.xlsx`
//! and as JSON. Each download is audited under the person's projects.
//!
//! One description per section (title, columns with their types, one query by person), so the page,
//! the spreadsheet and the JSON say the same thing.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Json,
    extract::State,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, QueryResult, Statement};
use serde::Serialize;

use crate::{
    app::AppState,
    auth::{Auth, Ctx, Principal},
    clock::fmt_datetime,
    error::{ApiResult, AppError, AppResult},
    web::Chrome,
};

#[derive(Clone, Copy)]
enum Ty {
    Text,
    Int,
    Time,
    Date,
    /// A stored code shown by its Chinese label (the capability's own model says which).
    Code(fn(&str) -> &'static str),
}

fn relation_zh(s: &str) -> &'static str {
    super::model::Relation::parse(s).map(|r| r.zh()).unwrap_or("")
}
fn role_zh(s: &str) -> &'static str {
    crate::auth::model::Role::parse(s).map(|r| r.zh()).unwrap_or("")
}
fn request_state_zh(s: &str) -> &'static str {
    crate::requests::model::State::parse(s).map(|r| r.zh()).unwrap_or("")
}
fn booking_state_zh(s: &str) -> &'static str {
    crate::positions::model::BookingState::parse(s).map(|r| r.zh()).unwrap_or("")
}
fn via_zh(s: &str) -> &'static str {
    match s {
        "qr" => "扫码签到",
        "staff" => "工作人员登记",
        _ => "",
    }
}

struct Spec {
    key: &'static str,
    title: &'static str,
    columns: &'static [(&'static str, Ty)],
    /// `$1` is the person's id.
    sql: &'static str,
}

use Ty::{Code, Date, Int, Text, Time};

const SECTIONS: &[Spec] = &[
    Spec {
        key: "homes",
        title: "我的房屋",
        columns: &[("项目", Text), ("房屋", Text), ("关系", Code(relation_zh)), ("入住日期", Date), ("迁出日期", Date)],
        sql: "SELECT pr.name, b.name || u.name || h.room || '室', m.relation, m.moved_in, m.moved_out \
              FROM household_members m JOIN households h ON h.node_id = m.household_id \
              JOIN org_nodes hn ON hn.id = h.node_id JOIN org_nodes u ON u.id = hn.parent_id \
              JOIN org_nodes b ON b.id = u.parent_id JOIN org_nodes pr ON pr.id = h.project_id \
              WHERE m.person_id = $1 ORDER BY m.id",
    },
    Spec {
        key: "roles",
        title: "我的角色",
        columns: &[("角色", Code(role_zh)), ("所在组织", Text), ("岗位", Text), ("起始日期", Date), ("结束日期", Date)],
        sql: "SELECT r.role, n.name, r.post, r.since, r.until FROM role_assignments r \
              JOIN org_nodes n ON n.id = r.node_id WHERE r.person_id = $1 ORDER BY r.id",
    },
    Spec {
        key: "requests",
        title: "我的报事报修",
        columns: &[("编号", Int), ("提交时间", Time), ("类别", Text), ("状态", Code(request_state_zh)), ("内容", Text)],
        sql: "SELECT r.id, r.created_at, c.name, r.state, r.description FROM requests r \
              JOIN request_categories c ON c.id = r.category_id WHERE r.reporter_person_id = $1 ORDER BY r.id",
    },
    Spec {
        key: "bookings",
        title: "我的场地预约",
        columns: &[("功能室", Text), ("开始", Time), ("结束", Time), ("状态", Code(booking_state_zh)), ("用途", Text)],
        sql: "SELECT rm.name, b.starts_at, b.ends_at, b.state, b.purpose FROM bookings b \
              JOIN rooms rm ON rm.id = b.room_id WHERE b.person_id = $1 ORDER BY b.id",
    },
    Spec {
        key: "signups",
        title: "我的活动",
        columns: &[
            ("活动", Text),
            ("开始", Time),
            ("报名状态", Code(crate::activities::model::signup_state_zh)),
            ("签到", Time),
            ("签退", Time),
            ("服务分钟", Int),
        ],
        sql: "SELECT a.title, o.starts_at, s.state, s.checked_in_at, s.checked_out_at, s.service_minutes \
              FROM signups s JOIN activity_occurrences o ON o.id = s.occurrence_id \
              JOIN activities a ON a.id = o.activity_id WHERE s.person_id = $1 ORDER BY s.id",
    },
    Spec {
        key: "points",
        title: "我的积分",
        columns: &[("时间", Time), ("积分", Int), ("服务分钟", Int), ("事由", Text)],
        sql: "SELECT created_at, delta, minutes, reason FROM points_ledger WHERE person_id = $1 ORDER BY id",
    },
    Spec {
        key: "volunteers",
        title: "我的志愿者登记",
        columns: &[
            ("项目", Text),
            ("状态", Code(crate::volunteers::model::volunteer_state_zh)),
            ("特长", Text),
            ("登记时间", Time),
        ],
        sql: "SELECT n.name, v.state, v.skills, v.created_at FROM volunteers v JOIN org_nodes n ON n.id = v.project_id \
              WHERE v.person_id = $1 ORDER BY v.id",
    },
    Spec {
        key: "redemptions",
        title: "我的爱心超市兑换",
        columns: &[
            ("物品", Text),
            ("数量", Int),
            ("积分", Int),
            ("状态", Code(crate::volunteers::model::redemption_state_zh)),
            ("时间", Time),
        ],
        sql: "SELECT i.name, r.quantity, r.points, r.state, r.created_at FROM redemptions r \
              JOIN reward_items i ON i.id = r.item_id WHERE r.person_id = $1 ORDER BY r.id",
    },
    Spec {
        key: "visits",
        title: "我的到访记录",
        columns: &[("服务中心", Text), ("时间", Time), ("方式", Code(via_zh))],
        sql: "SELECT c.name, v.at, v.via FROM centre_visits v JOIN centres c ON c.id = v.centre_id \
              WHERE v.person_id = $1 ORDER BY v.id",
    },
    Spec {
        key: "sessions",
        title: "我的登录会话",
        columns: &[("登录时间", Time), ("最近使用", Time), ("网络地址", Text), ("浏览器", Text)],
        sql: "SELECT s.created_at, s.last_seen_at, s.ip, s.user_agent FROM sessions s JOIN users u ON u.id = s.user_id \
              WHERE u.person_id = $1 ORDER BY s.created_at",
    },
];

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Section {
    pub key: String,
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyData {
    pub name: String,
    pub gender: Option<String>,
    /// The full number: this is the person's own data.
    pub phone: Option<String>,
    pub id_number: Option<String>,
    pub note: Option<String>,
    pub generated_at: String,
    pub sections: Vec<Section>,
}

fn cell(r: &QueryResult, i: usize, ty: Ty) -> String {
    match ty {
        Text => r.try_get_by_index::<Option<String>>(i).ok().flatten().unwrap_or_default(),
        Int => r.try_get_by_index::<Option<i64>>(i).ok().flatten().map(|v| v.to_string()).unwrap_or_default(),
        Time => r.try_get_by_index::<Option<DateTime<Utc>>>(i).ok().flatten().map(fmt_datetime).unwrap_or_default(),
        Date => r.try_get_by_index::<Option<NaiveDate>>(i).ok().flatten().map(|d| d.to_string()).unwrap_or_default(),
        Code(zh) => {
            let code = r.try_get_by_index::<Option<String>>(i).ok().flatten().unwrap_or_default();
            match zh(&code) {
                "" => code,
                label => label.to_string(),
            }
        }
    }
}

/// Everything held about one person.
pub async fn gather(state: &AppState, person_id: i64) -> AppResult<MyData> {
    let conn = &state.db.read;
    let row = super::store::person(conn, person_id).await?.ok_or_else(AppError::not_found)?;
    let (phone, id_number) = super::seal::open_contact(conn, &state.vault, person_id).await?;
    let mut sections = Vec::new();
    for s in SECTIONS {
        let rows = conn
            .query_all(Statement::from_sql_and_values(conn.get_database_backend(), s.sql, [person_id.into()]))
            .await?;
        sections.push(Section {
            key: s.key.into(),
            title: s.title.into(),
            columns: s.columns.iter().map(|(c, _)| c.to_string()).collect(),
            rows: rows
                .iter()
                .map(|r| s.columns.iter().enumerate().map(|(i, (_, ty))| cell(r, i, *ty)).collect())
                .collect(),
        });
    }
    Ok(MyData {
        name: row.name,
        gender: row.gender,
        phone,
        id_number,
        note: row.note,
        generated_at: fmt_datetime(state.clock.now()),
        sections,
    })
}

pub fn to_xlsx(d: &MyData) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name("基本信息").map_err(AppError::internal)?;
    let basics = [
        ("姓名", d.name.clone()),
        ("性别", d.gender.clone().unwrap_or_default()),
        ("手机号", d.phone.clone().unwrap_or_default()),
        ("身份证号", d.id_number.clone().unwrap_or_default()),
        ("备注", d.note.clone().unwrap_or_default()),
        ("导出时间", d.generated_at.clone()),
    ];
    ws.set_column_width(0, 12).map_err(AppError::internal)?;
    ws.set_column_width(1, 30).map_err(AppError::internal)?;
    for (i, (k, v)) in basics.iter().enumerate() {
        ws.write_string_with_format(i as u32, 0, *k, &bold).map_err(AppError::internal)?;
        ws.write_string(i as u32, 1, v).map_err(AppError::internal)?;
    }
    for s in &d.sections {
        let ws = wb.add_worksheet();
        // Sheet names may not hold some characters and are at most 31 long; ours are short Chinese titles.
        ws.set_name(s.title.trim_start_matches("我的")).map_err(AppError::internal)?;
        for (c, h) in s.columns.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold).map_err(AppError::internal)?;
            ws.set_column_width(c as u16, 18).map_err(AppError::internal)?;
        }
        for (r, row) in s.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32 + 1, c as u16, v).map_err(AppError::internal)?;
            }
        }
    }
    wb.save_to_buffer().map_err(AppError::internal)
}

fn own_person(p: &Principal) -> AppResult<i64> {
    p.person_id.ok_or_else(|| {
        AppError::new(
            axum::http::StatusCode::NOT_FOUND,
            "no_person",
            "您的账号没有关联人员信息",
            "This account is not linked to a person",
        )
    })
}

async fn log_download(state: &AppState, ctx: &Ctx, person_id: i64, what: &str) -> AppResult<()> {
    let summary = format!("本人下载个人信息（{what}）");
    super::store::audit_person(&state.db.write, ctx, &[person_id], "self_export", &summary, state.clock.now()).await
}

#[derive(Template, WebTemplate)]
#[template(path = "people/mydata.html")]
pub struct MyDataPage {
    c: Chrome,
    d: MyData,
    /// My correction and deletion requests.
    asks: Vec<super::datarequests::DataRequest>,
    /// Records other projects made with my ID number, waiting for me to say whether they are me.
    links: Vec<super::links::Link>,
    /// The request form as typed, with its errors (when it was refused).
    kind: String,
    details: String,
    errors: Vec<crate::error::FieldError>,
}

impl MyDataPage {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

/// The page shows the numbers masked; the downloads carry them in full.
pub async fn render(
    state: &AppState,
    ctx: &Ctx,
    person: i64,
    form: Option<(String, String, Vec<crate::error::FieldError>)>,
) -> AppResult<MyDataPage> {
    let mut d = gather(state, person).await?;
    d.phone = d.phone.as_deref().map(super::model::mask_phone);
    d.id_number = d.id_number.as_deref().map(super::model::mask_id);
    let asks = super::datarequests::of_person(&state.db.read, person).await?;
    let links = super::links::pending_for_person(&state.db.read, person).await?;
    let (kind, details, errors) = form.unwrap_or_default();
    Ok(MyDataPage { c: Chrome::titled(ctx, "mydata.title"), d, asks, links, kind, details, errors })
}

pub async fn page(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    axum::extract::Query(m): axum::extract::Query<crate::web::MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let id = own_person(&p)?;
    let mut page = render(&state, &ctx, id, None).await?;
    page.c = page.c.with_msg(m.msg.as_deref());
    Ok(page)
}

pub async fn xlsx(State(state): State<AppState>, Auth(p, ctx): Auth) -> AppResult<Response> {
    let id = own_person(&p)?;
    let d = gather(&state, id).await?;
    let bytes = to_xlsx(&d)?;
    log_download(&state, &ctx, id, ".xlsx").await?;
    Ok(crate::io::xlsx_response(bytes, "我的信息.xlsx"))
}

/// Everything the platform holds about the signed-in person, full numbers included (audited).
#[utoipa::path(get, path = "/api/v1/me/data", tag = "people",
    responses((status = 200, body = MyData), (status = 401), (status = 404)))]
pub async fn json(State(state): State<AppState>, Auth(p, ctx): Auth) -> ApiResult<MyData> {
    let id = own_person(&p)?;
    let d = gather(&state, id).await?;
    log_download(&state, &ctx, id, "JSON").await?;
    Ok(Json(d))
}
