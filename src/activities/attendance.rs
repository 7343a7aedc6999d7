//! Attendance and points (C3 check-in/out, C4 hours and points): a resident checks in and out by scanning
//! the activity's rotating code (it changes every 5 minutes), or staff check them in and out by hand; the
//! check-out credits service time, capped by the activity's own time, and points by the project's rule
//! for the activity type — one append-only ledger entry per attendance, never two.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Json,
    extract::{Path, Query, State as AxState},
    response::{IntoResponse, Redirect},
};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, TransactionTrait};
use serde::{Deserialize, Serialize};

use super::{actions::load, model, store::Occurrence};
use crate::points;
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Auth, Ctx, Principal},
    clock::fmt_datetime,
    db,
    error::{ApiResult, AppError, AppResult},
    params,
    web::{Chrome, MsgQuery},
};

/// The attendance code of an occurrence for a 5-minute window.
pub fn attendance_code(secret: &[u8], occurrence_id: i64, window: i64) -> String {
    crate::auth::short_mac(secret, &format!("attend:{occurrence_id}:{window}"), 4)
}

/// A resident's personal code for the day (「我的签到码」), shown as a QR code on their phone for staff to
/// scan when the resident cannot scan the activity's code: `P<person>-<mac of person and China date>`.
pub fn person_code(secret: &[u8], person_id: i64, day: chrono::NaiveDate) -> String {
    format!("P{person_id}-{}", crate::auth::short_mac(secret, &format!("person:{person_id}:{day}"), 4))
}

/// The person a scanned personal code names, if it is today's.
fn person_from_code(state: &AppState, code: &str, now: DateTime<Utc>) -> Option<i64> {
    let code = crate::text::normalize(code);
    let code = code.trim();
    let id: i64 = code.strip_prefix('P').or_else(|| code.strip_prefix('p'))?.split('-').next()?.parse().ok()?;
    let today = crate::positions::model::to_local(now).date();
    (person_code(&state.secret, id, today).eq_ignore_ascii_case(code)).then_some(id)
}

/// A scanned code is good for its window and the one after (up to 10 minutes).
fn code_ok(state: &AppState, occurrence_id: i64, code: &str, now: DateTime<Utc>) -> bool {
    let w = model::code_window(now);
    [w, w - 1].iter().any(|w| attendance_code(&state.secret, occurrence_id, *w) == code.trim())
}

#[derive(FromQueryResult)]
struct SignupRow {
    id: i64,
    state: String,
    role: String,
    checked_in_at: Option<DateTime<Utc>>,
    checked_out_at: Option<DateTime<Utc>>,
}

async fn signup_row(conn: &impl ConnectionTrait, occurrence_id: i64, person_id: i64) -> AppResult<Option<SignupRow>> {
    Ok(db::one(
        conn,
        "SELECT id, state, role, checked_in_at, checked_out_at FROM signups WHERE occurrence_id = $1 AND person_id = $2",
        params![occurrence_id, person_id],
    )
    .await?)
}

/// What a scan does next for this person: check in, or out once they are in.
async fn next_action(conn: &impl ConnectionTrait, occurrence_id: i64, person_id: i64) -> AppResult<&'static str> {
    let s = signup_row(conn, occurrence_id, person_id).await?;
    Ok(if s.is_some_and(|s| s.checked_in_at.is_some()) { "out" } else { "in" })
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Attended {
    /// `in` or `out`.
    pub action: String,
    /// Credited at check-out.
    pub minutes: Option<i64>,
    pub points: Option<i64>,
}

/// Check a person in or out of an occurrence (one transaction); at check-out credit hours and points.
pub async fn attend(
    state: &AppState,
    ctx: &Ctx,
    by: &Principal,
    o: &Occurrence,
    person_id: i64,
    action: &str,
) -> AppResult<Attended> {
    let now = state.clock.now();
    model::attendance_open(action, o.starts_at, o.ends_at, now)
        .map_err(|e| AppError::conflict(e.code, e.zh, "Attendance is not open"))?;
    // No lock on the occurrence: each attendance touches only its own sign-up row, guarded by
    // compare-and-set updates, so 500 check-ins to one activity run side by side.
    let tx = state.db.write.begin().await?;
    let s: SignupRow = signup_row(&tx, o.id, person_id)
        .await?
        .filter(|s| s.state == "confirmed")
        .ok_or_else(|| AppError::conflict("not_signed_up", "没有报名（或仍在候补），请先报名", "Not signed up"))?;
    let result = match (action, s.checked_in_at, s.checked_out_at) {
        ("in", None, _) => {
            let n = db::exec(
                &tx,
                "UPDATE signups SET checked_in_at = $1, updated_at = $1 WHERE id = $2 AND checked_in_at IS NULL",
                params![now, s.id],
            )
            .await?
            .rows_affected();
            if n == 0 {
                return Err(AppError::conflict("already_checked_in", "已经签到过了", "Already checked in"));
            }
            Attended { action: "in".into(), minutes: None, points: None }
        }
        ("in", Some(_), _) => {
            return Err(AppError::conflict("already_checked_in", "已经签到过了", "Already checked in"));
        }
        ("out", None, _) => return Err(AppError::conflict("not_checked_in", "还没有签到，不能签退", "Not checked in")),
        ("out", Some(_), Some(_)) => {
            return Err(AppError::conflict("already_checked_out", "已经签退过了", "Already checked out"));
        }
        ("out", Some(t_in), None) => {
            let minutes = model::service_minutes(t_in, now, o.starts_at, o.ends_at);
            let (per_hour, bonus) = points::store::rule(&tx, o.project_id, &o.kind).await?;
            let mut points = model::points(minutes, per_hour);
            let n = db::exec(
                &tx,
                "UPDATE signups SET checked_out_at = $1, service_minutes = $2, updated_at = $1 \
                 WHERE id = $3 AND checked_out_at IS NULL",
                params![now, minutes as i32, s.id],
            )
            .await?
            .rows_affected();
            if n == 0 {
                return Err(AppError::conflict("already_checked_out", "已经签退过了", "Already checked out"));
            }
            let entry = points::model::Entry {
                person_id,
                project_id: o.project_id,
                delta: points,
                minutes,
                reason: format!("参加「{}」{}，服务{}分钟", o.title, fmt_datetime(o.starts_at), minutes),
                source: Some(format!("signup:{}", s.id)),
                author: Some(by.user_id),
            };
            points::store::append(&tx, &entry, now).await?;
            if s.role == "organiser" && bonus > 0 {
                points::store::append(&tx, &organiser_entry(o, s.id, person_id, bonus, by.user_id), now).await?;
                points += bonus;
            }
            Attended { action: "out".into(), minutes: Some(minutes), points: Some(points) }
        }
        _ => return Err(AppError::bad_request("unknown_action", "未知操作", "Unknown action")),
    };
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: if action == "in" { "check_in" } else { "check_out" },
            entity: "activity",
            entity_id: Some(o.activity_id),
            project_id: Some(o.project_id),
            summary: format!(
                "「{}」{}{}",
                o.title,
                if action == "in" { "签到" } else { "签退" },
                result.points.map(|p| format!("，记{p}分")).unwrap_or_default()
            ),
        },
    )
    .await?;
    Ok(result)
}

fn organiser_entry(o: &Occurrence, signup_id: i64, person_id: i64, bonus: i64, author: i64) -> points::model::Entry {
    points::model::Entry {
        person_id,
        project_id: o.project_id,
        delta: bonus,
        minutes: 0,
        reason: format!("组织「{}」{}，组织者奖励", o.title, fmt_datetime(o.starts_at)),
        source: Some(format!("signup:{signup_id}:organiser")),
        author: Some(author),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OrganiserForm {
    pub person_id: String,
    /// `1` to mark as organiser, `0` to unmark.
    pub on: String,
}

/// Mark (or unmark) a confirmed attendee as an organiser of this occurrence (project staff). After the
/// attendee has checked out the bonus is credited at once; a credited bonus cannot be taken back here
/// (the ledger is append-only: a correction would be a new entry).
pub async fn set_organiser(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<OrganiserForm>,
) -> AppResult<Redirect> {
    let o = load(&state, &p, id).await?;
    if !p.scope.can_write_project(o.project_id) {
        return Err(AppError::forbidden());
    }
    let person: i64 = f.person_id.trim().parse().map_err(|_| AppError::field("person_id", "请选择人员"))?;
    let on = f.on.trim() == "1";
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let s = signup_row(&tx, id, person)
        .await?
        .filter(|s| s.state == "confirmed")
        .ok_or_else(|| AppError::conflict("not_signed_up", "这位没有报名（或仍在候补）", "Not signed up"))?;
    let source = format!("signup:{}:organiser", s.id);
    let credited =
        db::count(&tx, "SELECT COUNT(*) AS n FROM points_ledger WHERE source = $1", params![source]).await? > 0;
    if !on && credited {
        return Err(AppError::conflict(
            "bonus_credited",
            "组织者奖励已经记入积分，不能撤销",
            "The bonus is already credited",
        ));
    }
    db::exec(
        &tx,
        "UPDATE signups SET role = $1, updated_at = $2 WHERE id = $3",
        params![if on { "organiser" } else { "participant" }, now, s.id],
    )
    .await?;
    if on && s.checked_out_at.is_some() && !credited {
        let (_, bonus) = points::store::rule(&tx, o.project_id, &o.kind).await?;
        if bonus > 0 {
            points::store::append(&tx, &organiser_entry(&o, s.id, person, bonus, p.user_id), now).await?;
        }
    }
    audit::commit(
        tx,
        &ctx,
        now,
        Entry {
            action: "update",
            entity: "activity",
            entity_id: Some(o.activity_id),
            project_id: Some(o.project_id),
            summary: format!("「{}」{}{}组织者", o.title, fmt_datetime(o.starts_at), if on { "设为" } else { "取消" }),
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/activities/occurrences/{id}/code?msg=saved")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AttendQuery {
    pub code: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "activities/attend.html")]
struct AttendPage {
    c: Chrome,
    o: Occurrence,
    code: String,
    valid: bool,
    next: String,
}

/// The page a phone opens from the activity's QR code: one big button, 签到 or 签退.
pub async fn attend_page(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Query(q): Query<AttendQuery>,
) -> AppResult<impl IntoResponse> {
    let o = load(&state, &p, id).await?;
    let valid = code_ok(&state, id, &q.code, state.clock.now());
    let next = match p.person_id {
        Some(pid) => next_action(&state.db.read, id, pid).await?,
        None => "in",
    };
    Ok(AttendPage { c: Chrome::titled(&ctx, "act.attend"), o, code: q.code, valid, next: next.into() })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AttendForm {
    /// `in` or `out`.
    pub action: String,
    /// The scanned code (residents).
    pub code: String,
    /// Staff checking someone in or out by hand.
    pub person_id: String,
    /// Staff scanning a resident's personal code (then `action` may be `auto`: in, or out if already in).
    pub person_code: String,
}

async fn attend_checked(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, f: &AttendForm) -> AppResult<Attended> {
    let o = load(state, p, id).await?;
    let now = state.clock.now();
    let by_staff = !f.person_id.trim().is_empty() || !f.person_code.trim().is_empty();
    let person = if !by_staff {
        if !code_ok(state, id, &f.code, now) {
            return Err(AppError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "expired_code",
                "签到码已过期，请重新扫描现场的二维码",
                "The attendance code has expired",
            ));
        }
        p.person_id.ok_or_else(|| AppError::field("person_id", "此账号未关联住户信息"))?
    } else {
        if !p.scope.can_write_project(o.project_id) {
            return Err(AppError::forbidden());
        }
        if f.person_code.trim().is_empty() {
            f.person_id.trim().parse().map_err(|_| AppError::field("person_id", "请选择人员"))?
        } else {
            person_from_code(state, &f.person_code, now).ok_or_else(|| {
                AppError::new(
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    "bad_person_code",
                    "居民码无效或已过期（每天更新），请让居民刷新「我的签到码」",
                    "Invalid or expired personal code",
                )
            })?
        }
    };
    let action = match f.action.trim() {
        "auto" => next_action(&state.db.read, id, person).await?,
        a => a,
    };
    attend(state, ctx, p, &o, person, action).await
}

pub async fn attend_post(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<AttendForm>,
) -> AppResult<Redirect> {
    let r = attend_checked(&state, &p, &ctx, id, &f).await?;
    let msg = if r.action == "in" { "checked_in" } else { "checked_out" };
    if !f.person_id.trim().is_empty() || !f.person_code.trim().is_empty() {
        // Staff at the attendance screen stay on it.
        return Ok(Redirect::to(&format!("/activities/occurrences/{id}/code?msg={msg}")));
    }
    Ok(Redirect::to(&format!("/activities/occurrences/{id}?msg={msg}")))
}

#[derive(Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct AttendBody {
    /// `in` or `out`.
    pub action: String,
    /// The scanned code (residents).
    pub code: Option<String>,
    /// Staff: the person to check in or out.
    pub person_id: Option<i64>,
    /// Staff: a resident's scanned personal code (with `action` `in`, `out` or `auto`).
    pub person_code: Option<String>,
}

/// Check in or out of an activity: residents with the scanned code, staff for a person by hand.
/// Check-out credits service minutes and points (once).
#[utoipa::path(post, path = "/api/v1/occurrences/{id}/attendance", tag = "activities", params(("id" = i64, Path)), request_body = AttendBody,
    responses((status = 200, body = Attended), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn attend_api(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Json(b): Json<AttendBody>,
) -> ApiResult<Attended> {
    let f = AttendForm {
        action: b.action,
        code: b.code.unwrap_or_default(),
        person_id: b.person_id.map(|v| v.to_string()).unwrap_or_default(),
        person_code: b.person_code.unwrap_or_default(),
    };
    Ok(Json(attend_checked(&state, &p, &ctx, id, &f).await?))
}

#[derive(Template, WebTemplate)]
#[template(path = "activities/code.html")]
struct CodePage {
    c: Chrome,
    o: Occurrence,
    qr_svg: String,
    url: String,
    /// (person, name, next action, organiser?)
    people: Vec<(i64, String, String, bool)>,
}

/// The screen staff show at the activity: the current code as a QR code, and the attendance list with
/// manual check-in and check-out.
pub async fn code_page(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let o = load(&state, &p, id).await?;
    if !p.scope.can_write_project(o.project_id) {
        return Err(AppError::forbidden());
    }
    let code = attendance_code(&state.secret, id, model::code_window(state.clock.now()));
    let url =
        format!("{}/activities/occurrences/{id}/attend?code={code}", state.config.public_url.trim_end_matches('/'));
    let qr_svg = crate::web::qr_svg(&url)?;
    #[derive(FromQueryResult)]
    struct P {
        person_id: i64,
        name: String,
        role: String,
        checked_in_at: Option<DateTime<Utc>>,
        checked_out_at: Option<DateTime<Utc>>,
    }
    let people = db::all::<P>(
        &state.db.read,
        "SELECT s.person_id, pe.name, s.role, s.checked_in_at, s.checked_out_at FROM signups s JOIN persons pe ON pe.id = s.person_id \
         WHERE s.occurrence_id = $1 AND s.state = 'confirmed' ORDER BY s.id",
        params![id],
    )
    .await?
    .into_iter()
    .map(|x| {
        let st = match (x.checked_in_at, x.checked_out_at) {
            (None, _) => "in",
            (Some(_), None) => "out",
            (Some(_), Some(_)) => "done",
        };
        (x.person_id, x.name, st.to_string(), x.role == "organiser")
    })
    .collect();
    Ok(CodePage { c: Chrome::titled(&ctx, "act.attendance").with_msg(m.msg.as_deref()), o, qr_svg, url, people })
}

#[derive(Debug, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct LedgerEntry {
    pub id: i64,
    pub delta: i32,
    pub minutes: i32,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MyPoints {
    pub balance: i64,
    pub minutes: i64,
    pub entries: Vec<LedgerEntry>,
}

#[derive(FromQueryResult)]
struct Sums {
    balance: Option<i64>,
    minutes: Option<i64>,
}

async fn my_points(state: &AppState, person_id: i64) -> AppResult<MyPoints> {
    let sums: Option<Sums> = db::one(
        &state.db.read,
        "SELECT CAST(SUM(delta) AS BIGINT) AS balance, CAST(SUM(minutes) AS BIGINT) AS minutes FROM points_ledger WHERE person_id = $1",
        params![person_id],
    )
    .await?;
    let entries = db::all(
        &state.db.read,
        "SELECT id, delta, minutes, reason, created_at FROM points_ledger WHERE person_id = $1 ORDER BY id DESC LIMIT 50",
        params![person_id],
    )
    .await?;
    Ok(MyPoints {
        balance: sums.as_ref().and_then(|s| s.balance).unwrap_or(0),
        minutes: sums.as_ref().and_then(|s| s.minutes).unwrap_or(0),
        entries,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "activities/mine.html")]
struct MinePage {
    c: Chrome,
    balance: i64,
    hours: String,
    /// (when, reason, signed points)
    entries: Vec<(String, String, String)>,
}

/// My service hours and points, with the ledger.
pub async fn mine(AxState(state): AxState<AppState>, Auth(p, ctx): Auth) -> AppResult<impl IntoResponse> {
    let m = match p.person_id {
        Some(pid) => my_points(&state, pid).await?,
        None => MyPoints { balance: 0, minutes: 0, entries: vec![] },
    };
    Ok(MinePage {
        c: Chrome::titled(&ctx, "act.my_points"),
        balance: m.balance,
        hours: hours(m.minutes),
        entries: m
            .entries
            .into_iter()
            .map(|e| (fmt_datetime(e.created_at), e.reason, format!("{:+}", e.delta)))
            .collect(),
    })
}

/// My points balance, service minutes and the latest ledger entries.
#[utoipa::path(get, path = "/api/v1/me/points", tag = "activities", responses((status = 200, body = MyPoints), (status = 401)))]
pub async fn mine_api(AxState(state): AxState<AppState>, Auth(p, _): Auth) -> ApiResult<MyPoints> {
    match p.person_id {
        Some(pid) => Ok(Json(my_points(&state, pid).await?)),
        None => Ok(Json(MyPoints { balance: 0, minutes: 0, entries: vec![] })),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RuleForm {
    pub project_id: String,
    pub kind: String,
    pub points_per_hour: String,
    /// Points an organiser earns on top, per attendance (empty = 0).
    pub organiser_bonus: String,
}

/// Set a project's points per hour for an activity type (its staff).
pub async fn set_rule(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Form(f): Form<RuleForm>,
) -> AppResult<Redirect> {
    let project: i64 = f.project_id.trim().parse().map_err(|_| AppError::field("project_id", "请选择项目"))?;
    if !p.scope.can_write_project(project) {
        return Err(AppError::forbidden());
    }
    let kind = model::KINDS
        .iter()
        .find(|(c, _)| *c == f.kind.trim())
        .map(|(c, _)| *c)
        .ok_or_else(|| AppError::field("kind", "请选择活动类型"))?;
    let per_hour = f
        .points_per_hour
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|v| (0..=1000).contains(v))
        .ok_or_else(|| AppError::field("points_per_hour", "每小时积分应为0至1000"))?;
    let bonus = match f.organiser_bonus.trim() {
        "" => 0,
        v => v
            .parse::<i32>()
            .ok()
            .filter(|v| (0..=1000).contains(v))
            .ok_or_else(|| AppError::field("organiser_bonus", "组织者奖励应为0至1000"))?,
    };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    db::exec(&tx, "DELETE FROM points_rules WHERE project_id = $1 AND kind = $2", params![project, kind]).await?;
    db::exec(
        &tx,
        "INSERT INTO points_rules (project_id, kind, points_per_hour, organiser_bonus) VALUES ($1, $2, $3, $4)",
        params![project, kind, per_hour, bonus],
    )
    .await?;
    audit::commit(
        tx,
        &ctx,
        now,
        Entry {
            action: "update",
            entity: "points_rule",
            entity_id: None,
            project_id: Some(project),
            summary: format!("积分规则：{}每小时{per_hour}分，组织者奖励{bonus}分", model::kind_zh(kind)),
        },
    )
    .await?;
    Ok(Redirect::to("/activities?msg=saved"))
}

/// The attendee list (签到表) of one occurrence as `.xlsx`: who signed up, when they checked in and out,
/// minutes and points credited. No phone or ID numbers in it. Staff of the project.
pub async fn export(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
) -> AppResult<axum::response::Response> {
    use rust_xlsxwriter::{Format, Workbook};
    let o = load(&state, &p, id).await?;
    if !p.scope.can_write_project(o.project_id) {
        return Err(AppError::forbidden());
    }
    #[derive(FromQueryResult)]
    struct Row {
        name: String,
        state: String,
        checked_in_at: Option<DateTime<Utc>>,
        checked_out_at: Option<DateTime<Utc>>,
        service_minutes: Option<i32>,
        points: Option<i32>,
    }
    let rows: Vec<Row> = db::all(
        &state.db.read,
        "SELECT pe.name, s.state, s.checked_in_at, s.checked_out_at, s.service_minutes, \
         (SELECT l.delta FROM points_ledger l WHERE l.source = 'signup:' || CAST(s.id AS TEXT)) AS points \
         FROM signups s JOIN persons pe ON pe.id = s.person_id WHERE s.occurrence_id = $1 AND s.state <> 'cancelled' \
         ORDER BY CASE s.state WHEN 'confirmed' THEN 0 ELSE 1 END, s.id",
        params![id],
    )
    .await?;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("签到表").map_err(AppError::internal)?;
    let bold = Format::new().set_bold();
    ws.write_string_with_format(0, 0, format!("{} {}", o.title, fmt_datetime(o.starts_at)), &bold)
        .map_err(AppError::internal)?;
    for (i, h) in ["序号", "姓名", "报名状态", "签到时间", "签退时间", "服务分钟", "积分"].iter().enumerate()
    {
        ws.write_string_with_format(2, i as u16, *h, &bold).map_err(AppError::internal)?;
        ws.set_column_width(i as u16, if i == 3 || i == 4 { 18 } else { 10 }).map_err(AppError::internal)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = (i + 3) as u32;
        ws.write_number(row, 0, (i + 1) as f64).map_err(AppError::internal)?;
        ws.write_string(row, 1, &r.name).map_err(AppError::internal)?;
        ws.write_string(row, 2, model::signup_state_zh(&r.state)).map_err(AppError::internal)?;
        ws.write_string(row, 3, r.checked_in_at.map(fmt_datetime).unwrap_or_default()).map_err(AppError::internal)?;
        ws.write_string(row, 4, r.checked_out_at.map(fmt_datetime).unwrap_or_default()).map_err(AppError::internal)?;
        if let Some(m) = r.service_minutes {
            ws.write_number(row, 5, m as f64).map_err(AppError::internal)?;
        }
        if let Some(pts) = r.points {
            ws.write_number(row, 6, pts as f64).map_err(AppError::internal)?;
        }
    }
    let bytes = wb.save_to_buffer().map_err(AppError::internal)?;
    let now = state.clock.now();
    audit::record(
        &state.db.write,
        &ctx,
        now,
        Entry {
            action: "export",
            entity: "activity",
            entity_id: Some(o.activity_id),
            project_id: Some(o.project_id),
            summary: format!("导出「{}」{}签到表，{}人", o.title, fmt_datetime(o.starts_at), rows.len()),
        },
    )
    .await?;
    Ok(crate::io::xlsx_response(bytes, &format!("{}签到表_{}.xlsx", o.title, to_date(o.starts_at))))
}

/// Minutes as hours with one decimal (rounded down), e.g. 90 → 「1.5」.
fn hours(minutes: i64) -> String {
    format!("{}.{}", minutes / 60, (minutes % 60) * 10 / 60)
}

fn to_date(t: DateTime<Utc>) -> String {
    crate::positions::model::to_local(t).format("%Y-%m-%d").to_string()
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct RankingQuery {
    pub project: Option<i64>,
    /// One team of the project: its current members only.
    pub team: Option<i64>,
    /// `YYYY-MM` for a month, `YYYY` for a year; default: this month.
    pub period: String,
}

#[derive(Debug, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct RankRow {
    pub person_id: i64,
    pub name: String,
    pub points: i64,
    pub minutes: i64,
}

/// Points earned in a project — or by the current members of one of its teams — in a month or a year,
/// highest first (the ledger's sums). `period` is `YYYY-MM`, `YYYY`, or empty for this month.
pub async fn ranking_rows(
    state: &AppState,
    project: i64,
    team: Option<i64>,
    period: &str,
) -> AppResult<(String, Vec<RankRow>)> {
    let now_local = crate::positions::model::to_local(state.clock.now());
    let period =
        if period.trim().is_empty() { now_local.format("%Y-%m").to_string() } else { period.trim().to_string() };
    let bad = || AppError::field("period", "期间应为 2026-11（月）或 2026（年）");
    let (start, end) = if period.len() == 4 {
        let y: i32 = period.parse().map_err(|_| bad())?;
        let a = crate::requests::figures::month_bounds(&format!("{y}-01")).ok_or_else(bad)?;
        let b = crate::requests::figures::month_bounds(&format!("{y}-12")).ok_or_else(bad)?;
        (a.0, b.1)
    } else {
        crate::requests::figures::month_bounds(&period).ok_or_else(bad)?
    };
    let rows = db::all(
        &state.db.read,
        "SELECT l.person_id, pe.name, CAST(SUM(l.delta) AS BIGINT) AS points, CAST(SUM(l.minutes) AS BIGINT) AS minutes \
         FROM points_ledger l JOIN persons pe ON pe.id = l.person_id \
         WHERE l.project_id = $1 AND l.created_at >= $2 AND l.created_at < $3 AND (l.source IS NULL OR l.source NOT LIKE 'redemption:%') \
         AND ($4 = 0 OR l.person_id IN (SELECT m.person_id FROM team_members m WHERE m.team_id = $4)) \
         GROUP BY l.person_id, pe.name ORDER BY points DESC, minutes DESC, l.person_id LIMIT 50",
        params![project, start, end, team.unwrap_or(0)],
    )
    .await?;
    Ok((period, rows))
}

/// Ranking rows as page lines: (place, name, points, hours).
pub fn rank_lines(rows: Vec<RankRow>) -> Vec<(usize, String, i64, String)> {
    rows.into_iter().enumerate().map(|(i, r)| (i + 1, r.name, r.points, hours(r.minutes))).collect()
}

/// The ranking a caller asked for: a project they read, or a team of it.
async fn ranking(state: &AppState, p: &Principal, q: &RankingQuery) -> AppResult<(i64, String, Vec<RankRow>)> {
    let project = match (q.team, q.project) {
        (Some(team), _) => crate::volunteers::actions::load_team(state, p, team).await?.0.project_id,
        (None, Some(id)) => id,
        (None, None) => *p.scope.read_projects.iter().next().ok_or_else(AppError::forbidden)?,
    };
    if !p.scope.can_read_project(project) {
        return Err(AppError::not_found());
    }
    let (period, rows) = ranking_rows(state, project, q.team, &q.period).await?;
    Ok((project, period, rows))
}

#[derive(Template, WebTemplate)]
#[template(path = "activities/rankings.html")]
struct RankingPage {
    c: Chrome,
    project: i64,
    team: i64,
    period: String,
    rows: Vec<(usize, String, i64, String)>,
}

/// 积分榜: a project's volunteers by points for a month or a year (desk users who read the project).
pub async fn rankings(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Query(q): Query<RankingQuery>,
) -> AppResult<impl IntoResponse> {
    let (project, period, rows) = ranking(&state, &p, &q).await?;
    Ok(RankingPage {
        c: Chrome::titled(&ctx, "act.rankings"),
        project,
        team: q.team.unwrap_or(0),
        period,
        rows: rank_lines(rows),
    })
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Ranking {
    pub project_id: i64,
    pub period: String,
    pub rows: Vec<RankRow>,
}

/// A project's points ranking for a month (`YYYY-MM`) or a year (`YYYY`).
#[utoipa::path(get, path = "/api/v1/rankings", tag = "activities", params(RankingQuery),
    responses((status = 200, body = Ranking), (status = 403), (status = 404), (status = 422)))]
pub async fn rankings_api(
    AxState(state): AxState<AppState>,
    Auth(p, _): Auth,
    Query(q): Query<RankingQuery>,
) -> ApiResult<Ranking> {
    let (project_id, period, rows) = ranking(&state, &p, &q).await?;
    Ok(Json(Ranking { project_id, period, rows }))
}

#[derive(Template, WebTemplate)]
#[template(path = "activities/mycode.html")]
struct MyCodePage {
    c: Chrome,
    code: String,
    qr_svg: String,
}

/// 「我的签到码」: the resident's personal code for today as a QR code, for staff to scan at an activity.
pub async fn my_code(AxState(state): AxState<AppState>, Auth(p, ctx): Auth) -> AppResult<impl IntoResponse> {
    let pid = p.person_id.ok_or_else(|| AppError::field("person_id", "此账号未关联住户信息"))?;
    let today = crate::positions::model::to_local(state.clock.now()).date();
    let code = person_code(&state.secret, pid, today);
    Ok(MyCodePage { c: Chrome::titled(&ctx, "act.my_code"), qr_svg: crate::web::qr_svg(&code)?, code })
}
