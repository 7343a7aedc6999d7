//! 组织生活 pages: a branch's board and meetings with the record form, one meeting with its attendance and
//! quorum; and the API for the board and recording.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Json,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect},
};
use chrono::Datelike;

use super::{
    actions::{self, MeetingForm, PlanForm},
    model::{Cell, MeetingKind, Period, Standing},
    store::{self, Attendee, Meeting},
};
use crate::{
    app::AppState,
    auth::Auth,
    error::{ApiResult, AppError, AppResult},
    party::{actions::open, store as party},
    web::{
        Chrome, MsgQuery,
        forms::{Choice, choices},
        i18n::Lang,
    },
};

pub struct BoardCell {
    pub label: String,
    /// `st-done`, `st-wait` or `st-late`.
    pub tone: &'static str,
    pub word: &'static str,
}

pub struct BoardRow {
    pub kind: &'static str,
    pub period: &'static str,
    pub cells: Vec<BoardCell>,
}

fn period_label(lang: Lang, c: &Cell) -> String {
    match (c.rule.period, lang) {
        (Period::Month, Lang::Zh) => format!("{}月", c.from.month()),
        (Period::Month, Lang::En) => c.from.format("%b").to_string(),
        (Period::Quarter, Lang::Zh) => format!("{}季度", c.from.month0() / 3 + 1),
        (Period::Quarter, Lang::En) => format!("Q{}", c.from.month0() / 3 + 1),
        (Period::Year, _) => c.from.year().to_string(),
    }
}

/// The board as rows (one per rule) of cells (one per period).
pub fn rows(lang: Lang, cells: &[Cell]) -> Vec<BoardRow> {
    let mut out: Vec<BoardRow> = Vec::new();
    for c in cells {
        let kind = c.rule.kind.label(lang);
        let cell = BoardCell {
            label: period_label(lang, c),
            tone: match c.standing {
                Standing::Done => "st-done",
                Standing::Due => "st-wait",
                Standing::Overdue => "st-late",
            },
            word: crate::web::i18n::t(
                lang,
                match c.standing {
                    Standing::Done => "party.done",
                    Standing::Due => "party.due",
                    Standing::Overdue => "party.overdue",
                },
            ),
        };
        match out.last_mut() {
            Some(r) if r.kind == kind => r.cells.push(cell),
            _ => out.push(BoardRow { kind, period: c.rule.period.label(lang), cells: vec![cell] }),
        }
    }
    out
}

pub struct MeetingLine {
    pub m: Meeting,
    pub kind: &'static str,
    pub quorate: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "party/meetings.html")]
struct MeetingsPage {
    c: Chrome,
    org_id: i64,
    org_name: String,
    board: Vec<BoardRow>,
    overdue: usize,
    meetings: Vec<MeetingLine>,
    may_record: bool,
    kinds: Vec<Choice>,
    members: Vec<Choice>,
    occasions: Vec<Choice>,
    plan_kinds: Vec<Choice>,
    today: String,
}

pub async fn meetings_page(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let a = open(&state, &p, id).await?;
    let cells = actions::board(&state, &a).await?;
    let today = state.clock.today();
    let from = chrono::NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let meetings = store::of_org(&state.db.read, a.org.id, from)
        .await?
        .into_iter()
        .map(|m| MeetingLine { kind: m.kind.label(ctx.lang), quorate: m.quorate(), m })
        .collect();
    let may_record = actions::may_record(&state, &p, &a).await?;
    let members = if may_record { party::members(&state.db.read, a.org.id).await? } else { vec![] };
    let occasions = if may_record { actions::occasions(&state, &a).await? } else { vec![] };
    Ok(MeetingsPage {
        c: Chrome::titled(&ctx, "party.meetings").with_msg(m.msg.as_deref()),
        org_id: a.org.id,
        org_name: a.org.name.clone(),
        overdue: cells.iter().filter(|c| c.standing == Standing::Overdue).count(),
        board: rows(ctx.lang, &cells),
        meetings,
        may_record,
        kinds: choices(MeetingKind::ALL.iter().map(|k| (k.as_str(), k.label(ctx.lang)))),
        members: choices(members.iter().map(|m| (m.person_id.get(), m.person_name.clone()))),
        occasions: choices(
            occasions.iter().map(|o| (o.id, format!("{} 「{}」", crate::clock::fmt_datetime(o.starts_at), o.title))),
        ),
        // A 主题党日 first: the usual meeting held with a volunteer activity.
        plan_kinds: choices(
            std::iter::once(MeetingKind::ThemeDay)
                .chain(MeetingKind::ALL.iter().copied().filter(|k| *k != MeetingKind::ThemeDay))
                .map(|k| (k.as_str(), k.label(ctx.lang))),
        ),
        today: today.to_string(),
    })
}

pub async fn record(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Redirect> {
    let meeting = actions::record(&state, &p, &ctx, id, &MeetingForm::from_pairs(&pairs)).await?;
    Ok(Redirect::to(&format!("/party/meetings/{meeting}?msg=created")))
}

pub async fn plan(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<PlanForm>,
) -> AppResult<Redirect> {
    let meeting = actions::plan(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/party/meetings/{meeting}?msg=created")))
}

/// Plan a meeting held with an activity date of the branch's project: the members are told, and each
/// check-in to the activity marks the member present.
#[utoipa::path(post, path = "/api/v1/party/orgs/{id}/meetings/planned", tag = "party", request_body = PlanBody,
    params(("id" = i64, Path, description = "Party branch")),
    responses((status = 200, body = Recorded), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn api_plan(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Json(b): Json<PlanBody>,
) -> ApiResult<Recorded> {
    let f = PlanForm { occurrence_id: b.occurrence_id.to_string(), kind: b.kind, title: b.title.unwrap_or_default() };
    Ok(Json(Recorded { id: actions::plan(&state, &p, &ctx, id, &f).await? }))
}

#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct PlanBody {
    /// An activity date of the branch's project, not yet ended.
    pub occurrence_id: i64,
    pub kind: String,
    /// Defaults to the activity's title.
    pub title: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "party/meeting.html")]
struct MeetingPage {
    c: Chrome,
    m: Meeting,
    kind: &'static str,
    org_name: String,
    quorate: bool,
    needs_quorum: bool,
    attendance: Vec<AttendLine>,
    /// The activity it is held with: (occurrence id, title).
    activity: Option<Link>,
    passed: Option<bool>,
    /// The record's photos, and whether the caller may add more.
    photos: Vec<String>,
    may_add_photos: bool,
    photo_max_mb: usize,
}

pub struct Link {
    pub href: String,
    pub label: String,
}

pub struct AttendLine {
    pub a: Attendee,
    pub word: &'static str,
    pub present: bool,
}

pub async fn meeting_page(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Query(q): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let m = store::meeting(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    let a = open(&state, &p, m.org_id).await?;
    let attendance = store::attendance(&state.db.read, m.id)
        .await?
        .into_iter()
        .map(|x| AttendLine {
            word: x.presence.label(ctx.lang),
            present: x.presence == super::model::Presence::Present,
            a: x,
        })
        .collect();
    let activity = actions::held_with(&state, &m).await?.map(|o| Link {
        href: format!("/activities/occurrences/{}", o.id),
        label: format!("{} 「{}」", crate::clock::fmt_datetime(o.starts_at), o.title),
    });
    let photos = super::photos::ids(&state, m.id)
        .await?
        .into_iter()
        .map(|x| format!("/party/meetings/{id}/photos/{x}"))
        .collect();
    Ok(MeetingPage {
        c: Chrome::new(&ctx, m.title.clone()).with_msg(q.msg.as_deref()),
        photos,
        may_add_photos: actions::may_record(&state, &p, &a).await?,
        photo_max_mb: state.config.max_photo_bytes / (1024 * 1024),
        activity,
        passed: m.passed(),
        kind: m.kind.label(ctx.lang),
        org_name: a.org.name,
        quorate: m.quorate(),
        needs_quorum: matches!(m.kind, MeetingKind::Assembly | MeetingKind::Committee),
        attendance,
        m,
    })
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct BoardCellJson {
    pub kind: MeetingKind,
    pub period: Period,
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    pub held: u32,
    /// `done`, `due` or `overdue`.
    pub standing: &'static str,
}

/// A branch's compliance board for the year so far.
#[utoipa::path(get, path = "/api/v1/party/orgs/{id}/compliance", tag = "party",
    params(("id" = i64, Path, description = "Party branch")),
    responses((status = 200, body = [BoardCellJson]), (status = 401), (status = 404)))]
pub async fn api_board(
    State(state): State<AppState>,
    Auth(p, _ctx): Auth,
    Path(id): Path<i64>,
) -> ApiResult<Vec<BoardCellJson>> {
    let a = open(&state, &p, id).await?;
    let cells = actions::board(&state, &a).await?;
    Ok(Json(
        cells
            .into_iter()
            .map(|c| BoardCellJson {
                kind: c.rule.kind,
                period: c.rule.period,
                from: c.from,
                to: c.to,
                held: c.held,
                standing: match c.standing {
                    Standing::Done => "done",
                    Standing::Due => "due",
                    Standing::Overdue => "overdue",
                },
            })
            .collect(),
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct MeetingBody {
    pub kind: String,
    pub title: String,
    /// `YYYY-MM-DD`, not after today.
    pub held_on: String,
    pub place: Option<String>,
    pub minutes: Option<String>,
    /// Only a quorate 党员大会 or 支委会 may take one (409 `no_quorum`).
    pub resolution: Option<String>,
    /// The resolution's vote (required with one): together no more than the voters present; it passes
    /// with more than half of all the voters.
    pub votes_for: Option<u32>,
    pub votes_against: Option<u32>,
    pub votes_abstain: Option<u32>,
    pub present: Vec<i64>,
    pub excused: Vec<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Recorded {
    pub id: i64,
}

/// Record a held meeting with its attendance (members of the branch only).
#[utoipa::path(post, path = "/api/v1/party/orgs/{id}/meetings", tag = "party", request_body = MeetingBody,
    params(("id" = i64, Path, description = "Party branch")),
    responses((status = 200, body = Recorded), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn api_record(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Json(b): Json<MeetingBody>,
) -> ApiResult<Recorded> {
    let f = MeetingForm {
        kind: b.kind,
        title: b.title,
        held_on: b.held_on,
        place: b.place.unwrap_or_default(),
        minutes: b.minutes.unwrap_or_default(),
        resolution: b.resolution.unwrap_or_default(),
        votes_for: b.votes_for.map(|n| n.to_string()).unwrap_or_default(),
        votes_against: b.votes_against.map(|n| n.to_string()).unwrap_or_default(),
        votes_abstain: b.votes_abstain.map(|n| n.to_string()).unwrap_or_default(),
        present: b.present.iter().map(i64::to_string).collect(),
        excused: b.excused.iter().map(i64::to_string).collect(),
    };
    Ok(Json(Recorded { id: actions::record(&state, &p, &ctx, id, &f).await? }))
}

/// Add photos to a meeting's record (multipart).
pub async fn add_photos(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    req: axum::extract::Request,
) -> AppResult<Redirect> {
    let (_, uploads) = crate::requests::photos::pairs_with_photos(&state, req).await?;
    super::photos::add(&state, &p, &ctx, id, uploads).await?;
    Ok(Redirect::to(&format!("/party/meetings/{id}?msg=saved#photos")))
}

/// One photo of a meeting's record (readers of the branch).
pub async fn meeting_photo(
    State(state): State<AppState>,
    Auth(p, _ctx): Auth,
    Path((id, photo)): Path<(i64, i64)>,
) -> AppResult<axum::response::Response> {
    super::photos::serve(&state, &p, id, photo).await
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct FromQuery {
    /// The first day (`YYYY-MM-DD`); the start of this year when absent.
    pub from: Option<String>,
}

/// A branch's meetings from a day on, newest first (readers of the organisation).
#[utoipa::path(get, path = "/api/v1/party/orgs/{id}/meetings", tag = "party",
    params(("id" = i64, Path, description = "Party organisation"), FromQuery),
    responses((status = 200, body = [Meeting]), (status = 401), (status = 404), (status = 422)))]
pub async fn api_meetings(
    State(state): State<AppState>,
    Auth(p, _ctx): Auth,
    Path(id): Path<i64>,
    Query(q): Query<FromQuery>,
) -> ApiResult<Vec<Meeting>> {
    let a = open(&state, &p, id).await?;
    let today = state.clock.today();
    let from = match q.from.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => chrono::NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
        Some(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .filter(|d| (today - *d).num_days() <= 366 * 30)
            .ok_or_else(|| AppError::field("from", "日期无效（格式 2026-01-01）"))?,
    };
    Ok(Json(store::of_org(&state.db.read, a.org.id, from).await?))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MeetingOut {
    pub meeting: Meeting,
    /// Counted by the board: held, attended, and quorate where a quorum applies.
    pub quorate: bool,
    pub passed: Option<bool>,
    pub attendance: Vec<Attendee>,
    /// Photo ids (`/party/meetings/{id}/photos/{photo}`).
    pub photos: Vec<i64>,
}

/// One meeting with who attended (readers of the organisation; the read is audited).
#[utoipa::path(get, path = "/api/v1/party/meetings/{id}", tag = "party", params(("id" = i64, Path, description = "Meeting")),
    responses((status = 200, body = MeetingOut), (status = 401), (status = 404)))]
pub async fn api_meeting(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
) -> ApiResult<MeetingOut> {
    let m = store::meeting(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    let a = open(&state, &p, m.org_id).await?;
    let attendance = store::attendance(&state.db.read, m.id).await?;
    crate::party::actions::audit_read(&state, &ctx, &a, attendance.len()).await?;
    Ok(Json(MeetingOut {
        quorate: m.quorate(),
        passed: m.passed(),
        photos: super::photos::ids(&state, m.id).await?,
        attendance,
        meeting: m,
    }))
}
