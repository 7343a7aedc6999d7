//! "我的信息": everything the platform holds about the signed-in person (PIPL art. 45) — their record
//! with the full phone and ID number, homes, roles, requests, bookings, activities, points, volunteer
//! registrations, 爱心超市 redemptions, centre visits and log-in sessions — on a phone page, as `.xlsx`
//! and as JSON. Each download is audited under the person's projects.
//!
//! One description per section (title, columns with their types, one query by person), so the page,
//! the spreadsheet and the JSON say the same thing.

use crate::ids::*;
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Json,
    extract::State,
    response::{IntoResponse, Response},
};
use serde::Serialize;

use crate::{
    app::AppState,
    auth::{Auth, Ctx, Principal},
    clock::fmt_datetime,
    error::{ApiResult, AppError, AppResult},
    web::Chrome,
};

use super::store::mydata::{SECTIONS, section_rows};

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

/// Everything held about one person.
pub async fn gather(state: &AppState, person_id: PersonId) -> AppResult<MyData> {
    let conn = &state.db.read;
    let row = super::store::person(conn, person_id.into()).await?.ok_or_else(AppError::not_found)?;
    let (phone, id_number) = super::seal::open_contact(conn, &state.vault, person_id).await?;
    let mut sections = Vec::new();
    for s in SECTIONS {
        let rows = section_rows(conn, s, person_id).await?;
        sections.push(Section {
            key: s.key.into(),
            title: s.title.into(),
            columns: s.columns.iter().map(|(c, _)| c.to_string()).collect(),
            rows,
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

fn own_person(p: &Principal) -> AppResult<PersonId> {
    p.person_id.ok_or_else(|| {
        AppError::new(
            axum::http::StatusCode::NOT_FOUND,
            "no_person",
            "您的账号没有关联人员信息",
            "This account is not linked to a person",
        )
    })
}

async fn log_download(state: &AppState, ctx: &Ctx, person_id: PersonId, what: &str) -> AppResult<()> {
    let summary = format!("本人下载个人信息（{what}）");
    super::store::audit_person(&state.db.write, ctx, &[person_id.into()], "self_export", &summary, state.clock.now())
        .await
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
    person: PersonId,
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
