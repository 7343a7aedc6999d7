//! Supervision's pages: the board (appointments per project kept, the caller's inspections, a button
//! to inspect where they serve), the phone checklist, an inspection with its findings and what the
//! supervisor may do, the printable appointment letter, the monthly report and its public 公示.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, Request, State},
    response::{IntoResponse, Redirect, Response},
};

use super::{
    actions::{self, AppointForm, Board, ConfirmForm, PublicSupervisor, Report, SendBackForm},
    model::{Area, Scoring},
    store::{Appointment, Finding, Inspection, Item},
};
use crate::{
    app::AppState,
    auth::{Auth, Ctx},
    error::AppResult,
    requests::photos,
    web::{Chrome, MsgQuery},
};

#[derive(Template, WebTemplate)]
#[template(path = "supervision/board.html")]
struct BoardPage {
    c: Chrome,
    b: Board,
}

pub async fn board(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    Ok(BoardPage {
        c: Chrome::titled(&ctx, "sv.title").with_msg(m.msg.as_deref()),
        b: actions::board(&state, &p).await?,
    })
}

pub async fn appoint(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(project): Path<i64>,
    Form(f): Form<AppointForm>,
) -> AppResult<Redirect> {
    let id = actions::appoint(&state, &p, &ctx, project, &f).await?;
    Ok(Redirect::to(&format!("/supervision/appointments/{id}/letter?msg=created")))
}

pub async fn end_appointment(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
) -> AppResult<Redirect> {
    actions::end_appointment(&state, &p, &ctx, id).await?;
    Ok(Redirect::to("/supervision?msg=saved"))
}

#[derive(Template, WebTemplate)]
#[template(path = "supervision/letter.html")]
struct LetterPage {
    c: Chrome,
    a: Appointment,
    /// 「2026年06月24日」.
    signed: String,
}

pub async fn letter(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let a = actions::appointment(&state, &p, id).await?;
    let signed = crate::clock::fmt_date_long(crate::clock::to_local(a.created_at).date());
    Ok(LetterPage { c: Chrome::titled(&ctx, "sv.letter").with_msg(m.msg.as_deref()), a, signed })
}

pub struct ItemLine {
    pub it: Item,
    pub area: &'static str,
    pub scored: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "supervision/inspect.html")]
struct InspectPage {
    c: Chrome,
    a: Appointment,
    items: Vec<ItemLine>,
    photo_max_mb: usize,
}

pub async fn inspect_page(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(project): Path<i64>,
) -> AppResult<impl IntoResponse> {
    let (a, items) = actions::checklist(&state, &p, project).await?;
    Ok(InspectPage {
        c: Chrome::titled(&ctx, "sv.inspect"),
        items: items
            .into_iter()
            .map(|it| ItemLine { area: it.area.label(ctx.lang), scored: it.scoring == Scoring::Score, it })
            .collect(),
        photo_max_mb: state.config.max_photo_bytes / (1024 * 1024),
        a,
    })
}

pub async fn inspect(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(project): Path<i64>,
    req: Request,
) -> AppResult<Response> {
    // Who may inspect here is settled before the upload is read.
    actions::checklist(&state, &p, project).await?;
    let (fields, uploads): (HashMap<String, String>, _) = photos::form_with_photos(&state, req).await?;
    match actions::inspect(&state, &p, &ctx, project, &fields, uploads).await {
        Ok(id) => Ok(Redirect::to(&format!("/supervision/inspections/{id}?msg=created")).into_response()),
        Err(e) => {
            // A refused round comes back on its page with every mark and note as typed (the CSRF
            // layer keeps urlencoded forms; this one is multipart).
            let mut r = e.into_response();
            r.extensions_mut().insert(crate::web::refill::Typed(fields.into_iter().collect()));
            Ok(r)
        }
    }
}

pub struct FindingLine {
    pub f: Finding,
    pub area: &'static str,
    pub mark: String,
    pub state: &'static str,
    pub tone: &'static str,
    /// The staff have finished: the supervisor may confirm or send it back.
    pub ready: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "supervision/inspection.html")]
struct InspectionPage {
    c: Chrome,
    i: Inspection,
    findings: Vec<FindingLine>,
    mine: bool,
    photos: Vec<i64>,
}

fn finding_line(f: Finding, ctx: &Ctx) -> FindingLine {
    use super::model::FindingState::*;
    let mark = match (f.score, f.passed) {
        (Some(s), _) => format!("{s}分"),
        (None, Some(true)) => crate::web::i18n::t(ctx.lang, "sv.pass").to_string(),
        (None, Some(false)) => crate::web::i18n::t(ctx.lang, "sv.fail").to_string(),
        _ => String::new(),
    };
    let ready = f.state == Open && f.request_state.as_deref() == Some("awaiting_rating");
    FindingLine {
        area: f.area.label(ctx.lang),
        state: f.state.label(ctx.lang),
        tone: match f.state {
            Ok => "st-done",
            Open if ready => "st-wait",
            Open => "st-work",
            Closed => "st-done",
        },
        mark,
        ready,
        f,
    }
}

pub async fn inspection_page(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let (i, findings, mine) = actions::inspection(&state, &p, id).await?;
    Ok(InspectionPage {
        c: Chrome::new(&ctx, format!("{} {}", i.project_name, i.inspected_on)).with_msg(m.msg.as_deref()),
        findings: findings.into_iter().map(|f| finding_line(f, &ctx)).collect(),
        photos: actions::photo_ids(&state, id).await?,
        i,
        mine,
    })
}

pub async fn photo(
    State(state): State<AppState>,
    Auth(p, _ctx): Auth,
    Path((id, photo)): Path<(i64, i64)>,
) -> AppResult<Response> {
    actions::photo(&state, &p, id, photo).await
}

pub async fn confirm(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<ConfirmForm>,
) -> AppResult<Redirect> {
    let inspection = actions::confirm(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/supervision/inspections/{inspection}?msg=saved")))
}

pub async fn send_back(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<SendBackForm>,
) -> AppResult<Redirect> {
    let inspection = actions::send_back(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/supervision/inspections/{inspection}?msg=saved")))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct MonthQuery {
    pub month: String,
}

pub struct AreaRow {
    pub area: &'static str,
    pub checked: i64,
    pub failed: i64,
    pub average: String,
}

fn area_rows(r: &Report, ctx: &Ctx) -> Vec<AreaRow> {
    r.figures
        .areas
        .iter()
        .map(|a| AreaRow {
            area: a.area.parse::<Area>().map(|x| x.label(ctx.lang)).unwrap_or(""),
            checked: a.checked,
            failed: a.failed,
            average: a.average_tenths.map(|t| format!("{}.{}", t / 10, t % 10)).unwrap_or_else(|| "—".into()),
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "supervision/report.html")]
struct ReportPage {
    c: Chrome,
    r: Report,
    areas: Vec<AreaRow>,
    people: Vec<PublicSupervisor>,
    public: bool,
}

pub async fn report(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(project): Path<i64>,
    Query(q): Query<MonthQuery>,
) -> AppResult<impl IntoResponse> {
    let month = actions::month_or_now(&state, Some(&q.month));
    let r = actions::report(&state, &p, project, &month).await?;
    Ok(ReportPage {
        c: Chrome::titled(&ctx, "sv.report"),
        areas: area_rows(&r, &ctx),
        r,
        people: vec![],
        public: false,
    })
}

/// 公示: open to anyone, no personal data.
pub async fn disclosure(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(project): Path<i64>,
    Query(q): Query<MonthQuery>,
) -> AppResult<impl IntoResponse> {
    let month = actions::month_or_now(&state, Some(&q.month));
    let (r, people) = actions::disclosure(&state, project, &month).await?;
    Ok(ReportPage { c: Chrome::titled(&ctx, "sv.disclosure"), areas: area_rows(&r, &ctx), r, people, public: true })
}
