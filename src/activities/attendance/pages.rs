//! Attendance's pages: the phone's 签到/签退 button, the staff attendance screen with its QR code,
//! 我的积分, 我的签到码, the ranking, and the forms that call the use cases.

use crate::ids::*;
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State as AxState},
    response::{IntoResponse, Redirect},
};
use serde::Deserialize;

use super::{
    actions::{self, *},
    store,
};
use crate::auth::Desk;
use crate::auth::StaffUser;
use crate::{
    activities::{actions::load, model, store::Occurrence},
    app::AppState,
    auth::Auth,
    clock::fmt_datetime,
    error::{AppError, AppResult},
    points::{self, model::Statement},
    web::Chrome,
};

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
    let valid = code_ok(&state, OccurrenceId(id), &q.code, state.clock.now());
    let next = match p.person_id {
        Some(pid) => next_action(&state.db.read, OccurrenceId(id), pid).await?,
        None => "in",
    };
    Ok(AttendPage { c: Chrome::titled(&ctx, "act.attend"), o, code: q.code, valid, next: next.into() })
}

pub async fn attend_post(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<AttendForm>,
) -> AppResult<axum::response::Response> {
    let staff_screen = !f.person_id.trim().is_empty() || !f.person_code.trim().is_empty();
    match attend_checked(&state, &p, &ctx, id, &f).await {
        // Staff at the attendance screen stay on it, with the result in large type: who, what, when.
        Ok(r) if staff_screen => {
            Ok(Redirect::to(&format!("/activities/occurrences/{id}/code?result={}&person={}", r.action, r.person_id))
                .into_response())
        }
        Ok(r) => {
            let msg = if r.action == "in" { "checked_in" } else { "checked_out" };
            Ok(Redirect::to(&format!("/activities/occurrences/{id}?msg={msg}")).into_response())
        }
        // A refused scan at the staff screen: the screen again, red, saying why.
        Err(e) if staff_screen && e.status.is_client_error() && e.status != axum::http::StatusCode::FORBIDDEN => {
            let status = e.status;
            let q = ResultQuery { result: "refused".into(), person: f.person_id.trim().parse().ok(), msg: None };
            let page = code_screen(&state, &p, &ctx, id, q, Some(e.zh)).await?;
            Ok((status, page).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResultQuery {
    /// What the last scan or button did: `in`, `out`, `undone`, `already_in`.
    pub result: String,
    pub person: Option<i64>,
    pub msg: Option<String>,
}

/// The last scan's result, shown full width in green (done), amber (already in) or red (refused).
struct ScanResult {
    /// `ok`, `warn` or `bad`.
    tone: &'static str,
    headline: String,
    name: String,
    detail: String,
    /// The person the buttons act on (签退, 撤销).
    person_id: Option<PersonId>,
    can_undo: bool,
    can_check_out: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "activities/code.html")]
struct CodePage {
    c: Chrome,
    o: Occurrence,
    qr_svg: String,
    url: String,
    people: Vec<Attendee>,
    result: Option<ScanResult>,
    /// Checked in so far, and signed up.
    arrived: usize,
    expected: usize,
}

/// A person on the attendance list, and what staff can do next for them.
struct Attendee {
    person_id: PersonId,
    name: String,
    /// `in` (check in), `out` (check out) or `done`.
    next: &'static str,
    organiser: bool,
}

/// The screen staff show at the activity: the current code as a QR code, and the attendance list with
/// manual check-in and check-out.
pub async fn code_page(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Query(q): Query<ResultQuery>,
) -> AppResult<impl IntoResponse> {
    code_screen(&state, &p, &ctx, id, q, None).await
}

async fn code_screen(
    state: &AppState,
    p: &crate::auth::Principal,
    ctx: &crate::auth::Ctx,
    id: i64,
    q: ResultQuery,
    refused: Option<String>,
) -> AppResult<CodePage> {
    let o = load(state, p, id).await?;
    p.scope.require_write(o.project_id)?;
    let code = attendance_code(&state.secret, OccurrenceId(id), model::code_window(state.clock.now()));
    let url =
        format!("{}/activities/occurrences/{id}/attend?code={code}", state.config.public_url.trim_end_matches('/'));
    let qr_svg = crate::web::qr_svg(&url)?;
    let rows = store::attendees(&state.db.read, OccurrenceId(id)).await?;
    let now = state.clock.now();
    let lang = ctx.lang;
    let hm = |t: chrono::DateTime<chrono::Utc>| crate::clock::to_local(t).format("%H:%M").to_string();
    let who = q.person.and_then(|pid| rows.iter().find(|x| x.person_id == PersonId(pid)));
    let result = match (q.result.as_str(), who) {
        ("refused", _) => Some(ScanResult {
            tone: "bad",
            headline: crate::web::i18n::t(lang, "act.scan_refused").into(),
            name: who.map(|w| w.name.clone()).unwrap_or_default(),
            detail: refused.unwrap_or_default(),
            person_id: None,
            can_undo: false,
            can_check_out: false,
        }),
        (r @ ("in" | "out" | "undone" | "already_in"), Some(w)) => Some(ScanResult {
            tone: if r == "already_in" { "warn" } else { "ok" },
            headline: crate::web::i18n::t(lang, &format!("act.result_{r}")).into(),
            name: w.name.clone(),
            detail: match (r, w.checked_in_at, w.checked_out_at) {
                ("out", Some(i), Some(o)) => format!("{}–{}", hm(i), hm(o)),
                ("in" | "already_in", Some(i), _) => {
                    crate::web::i18n::t(lang, "act.checked_in_at").replace("{n}", &hm(i))
                }
                _ => String::new(),
            },
            person_id: Some(w.person_id),
            can_undo: r == "in" && w.checked_in_at.is_some_and(|i| model::may_undo_check_in(i, w.checked_out_at, now)),
            can_check_out: r == "already_in" && w.checked_out_at.is_none(),
        }),
        _ => None,
    };
    let arrived = rows.iter().filter(|x| x.checked_in_at.is_some()).count();
    let expected = rows.len();
    let people = rows
        .into_iter()
        .map(|x| {
            let st = match (x.checked_in_at, x.checked_out_at) {
                (None, _) => "in",
                (Some(_), None) => "out",
                (Some(_), Some(_)) => "done",
            };
            Attendee { person_id: x.person_id, name: x.name, next: st, organiser: x.role == "organiser" }
        })
        .collect();
    Ok(CodePage {
        c: Chrome::titled(ctx, "act.attendance").with_msg(q.msg.as_deref()),
        o,
        qr_svg,
        url,
        people,
        result,
        arrived,
        expected,
    })
}

/// A line of my points ledger: when, why, the signed points.
struct MineEntry {
    when: String,
    reason: String,
    points: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "activities/mine.html")]
struct MinePage {
    c: Chrome,
    balance: i64,
    hours: String,
    entries: Vec<MineEntry>,
}

/// My service hours and points, with the ledger.
pub async fn mine(AxState(state): AxState<AppState>, Auth(p, ctx): Auth) -> AppResult<impl IntoResponse> {
    let m = match p.person_id {
        Some(pid) => points::store::statement(&state.db.read, pid).await?,
        None => Statement::default(),
    };
    Ok(MinePage {
        c: Chrome::titled(&ctx, "act.my_points"),
        balance: m.balance,
        hours: points::model::hours(m.minutes),
        entries: m
            .entries
            .into_iter()
            .map(|e| MineEntry { when: fmt_datetime(e.created_at), reason: e.reason, points: format!("{:+}", e.delta) })
            .collect(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "activities/rankings.html")]
struct RankingPage {
    c: Chrome,
    project: i64,
    team: i64,
    period: String,
    rows: Vec<points::model::RankLine>,
}

/// 积分榜: a project's volunteers by points for a month or a year (desk users who read the project).
pub async fn rankings(
    AxState(state): AxState<AppState>,
    Desk(p, ctx): Desk,
    Query(q): Query<RankingQuery>,
) -> AppResult<impl IntoResponse> {
    let (project, period, rows) = ranking(&state, &p, &q).await?;
    Ok(RankingPage {
        c: Chrome::titled(&ctx, "act.rankings"),
        project,
        team: q.team.unwrap_or(TeamId(0)).into(),
        period,
        rows: points::model::rank_lines(rows),
    })
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
    let today = crate::clock::to_local(state.clock.now()).date();
    let code = person_code(&state.secret, pid, today);
    Ok(MyCodePage { c: Chrome::titled(&ctx, "act.my_code"), qr_svg: crate::web::qr_svg(&code)?, code })
}

/// Mark (or unmark) an attendee as an organiser, from the attendance screen.
pub async fn set_organiser(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<OrganiserForm>,
) -> AppResult<Redirect> {
    actions::set_organiser(&state, &p, &ctx, id, f).await?;
    Ok(Redirect::to(&format!("/activities/occurrences/{id}/code?msg=saved")))
}

/// Set a project's points per hour for an activity type (its staff).
pub async fn set_rule(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Form(f): Form<RuleForm>,
) -> AppResult<Redirect> {
    actions::set_rule(&state, &p, &ctx, f).await?;
    Ok(Redirect::to("/activities?msg=saved"))
}

/// The 签到表 of one occurrence as `.xlsx` (staff of the project).
pub async fn export(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
) -> AppResult<axum::response::Response> {
    actions::export(&state, &p, &ctx, id).await
}
