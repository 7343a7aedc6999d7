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
    web::{Chrome, MsgQuery},
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
) -> AppResult<Redirect> {
    let r = attend_checked(&state, &p, &ctx, id, &f).await?;
    let msg = if r.action == "in" { "checked_in" } else { "checked_out" };
    if !f.person_id.trim().is_empty() || !f.person_code.trim().is_empty() {
        // Staff at the attendance screen stay on it.
        return Ok(Redirect::to(&format!("/activities/occurrences/{id}/code?msg={msg}")));
    }
    Ok(Redirect::to(&format!("/activities/occurrences/{id}?msg={msg}")))
}

#[derive(Template, WebTemplate)]
#[template(path = "activities/code.html")]
struct CodePage {
    c: Chrome,
    o: Occurrence,
    qr_svg: String,
    url: String,
    people: Vec<Attendee>,
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
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let o = load(&state, &p, id).await?;
    p.scope.require_write(o.project_id)?;
    let code = attendance_code(&state.secret, OccurrenceId(id), model::code_window(state.clock.now()));
    let url =
        format!("{}/activities/occurrences/{id}/attend?code={code}", state.config.public_url.trim_end_matches('/'));
    let qr_svg = crate::web::qr_svg(&url)?;
    let people = store::attendees(&state.db.read, OccurrenceId(id))
        .await?
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
    Ok(CodePage { c: Chrome::titled(&ctx, "act.attendance").with_msg(m.msg.as_deref()), o, qr_svg, url, people })
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
