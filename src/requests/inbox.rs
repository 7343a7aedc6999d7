//! The government inbox (上报办理): community and street cadres and grid members work the requests pushed
//! up to them; property staff follow what their projects pushed up and answer questions. Thin pages and
//! API over `actions::referrals`.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Json,
    extract::{Path, Query, State as AxState},
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};

use super::{
    actions::referrals::{self, ReferralForm},
    model::{PushState, Side, referral_overdue},
    store::{
        EventRow,
        outbound::PushInfo,
        referrals::{InboxFilter, ReferralRow},
    },
};
use crate::{
    app::AppState,
    auth::{Desk, Principal},
    clock::fmt_datetime,
    error::{ApiResult, AppResult, FieldError},
    web::{Chrome, MsgQuery, i18n::Lang},
};

/// One line of the inbox or one referral on a page, with its times in China time.
pub struct Line {
    pub r: ReferralRow,
    pub state: &'static str,
    pub target: String,
    pub sent_at: String,
    pub accept_by: String,
    pub answer_by: String,
    pub answered_at: String,
    /// `accept`, `answer` or empty.
    pub overdue: &'static str,
    /// The caller works it on the government side.
    pub mine: bool,
}

pub fn line(r: ReferralRow, lang: Lang, mine: bool, now: chrono::DateTime<chrono::Utc>) -> Line {
    Line {
        state: r.state.label(lang),
        target: r.node_name.clone().unwrap_or_else(|| r.target.label(lang).to_string()),
        sent_at: fmt_datetime(r.sent_at),
        accept_by: fmt_datetime(r.accept_by),
        answer_by: fmt_datetime(r.answer_by),
        answered_at: r.answered_at.map(fmt_datetime).unwrap_or_default(),
        overdue: referral_overdue(r.state, r.deadlines(), now).unwrap_or(""),
        mine,
        r,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InboxQuery {
    pub filter: String,
    pub msg: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "requests/inbox.html")]
struct InboxPage {
    c: Chrome,
    filter: &'static str,
    filters: [&'static str; 4],
    lines: Vec<Line>,
    month: crate::requests::store::referrals::ReferralFigures,
}

pub async fn page(
    AxState(state): AxState<AppState>,
    Desk(p, ctx): Desk,
    Query(q): Query<InboxQuery>,
) -> AppResult<impl IntoResponse> {
    let filter = InboxFilter::parse(&q.filter);
    let inbox = referrals::inbox(&state, &p, filter).await?;
    let now = state.clock.now();
    let lines = inbox
        .rows
        .into_iter()
        .map(|r| {
            let mine = inbox.scope.covers(&r);
            line(r, ctx.lang, mine, now)
        })
        .collect();
    Ok(InboxPage {
        c: Chrome::new(&ctx, crate::web::i18n::t(ctx.lang, "ref.inbox")).with_msg(q.msg.as_deref()),
        month: inbox.month,
        filter: filter.code(),
        filters: InboxFilter::ALL.map(|f| f.code()),
        lines,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "requests/referral.html")]
struct ReferralPage {
    c: Chrome,
    l: Line,
    events: Vec<super::pages::EventLine>,
    allowed: Vec<&'static str>,
    /// What was typed into a refused form, and the message beside its field.
    typed: ReferralForm,
    errors: Vec<FieldError>,
    /// Its push to the city's platform, if any; `settle` when the caller may settle an unknown one.
    push: PushInfo,
    push_next: String,
    settle: bool,
}

impl ReferralPage {
    /// What was typed into the refused form of this step (the others start empty).
    pub fn typed_for(&self, action: &str) -> &str {
        if self.typed.action == action { self.typed.text.as_str() } else { "" }
    }
    /// The message beside the text of this step's form, when it was refused.
    pub fn error_for(&self, action: &str) -> Option<&str> {
        if self.typed.action != action {
            return None;
        }
        self.errors.iter().find(|e| e.field == "text").map(|e| e.message.as_str())
    }
}

async fn render(
    state: &AppState,
    p: &Principal,
    ctx: &crate::auth::Ctx,
    id: i64,
    msg: Option<&str>,
    typed: ReferralForm,
    errors: Vec<FieldError>,
) -> AppResult<ReferralPage> {
    let (r, sides) = referrals::load_referral(state, p, id).await?;
    let now = state.clock.now();
    let events = super::store::events(&state.db.read, r.request_id)
        .await?
        .into_iter()
        .map(|e| super::pages::event_line(e, ctx.lang))
        .collect();
    let allowed = referrals::allowed(&r, &sides);
    let mine = sides.contains(&Side::Government);
    let push = referrals::push_info(state, r.id).await?;
    let settle = sides.contains(&Side::Property) && push.push_state == Some(PushState::Unknown);
    Ok(ReferralPage {
        push_next: push.push_next_at.map(fmt_datetime).unwrap_or_default(),
        push,
        settle,
        c: Chrome::new(ctx, format!("#{} {}", r.request_id, r.category_name)).with_msg(msg),
        l: line(r, ctx.lang, mine, now),
        events,
        allowed,
        typed,
        errors,
    })
}

pub async fn detail(
    AxState(state): AxState<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let unread = crate::notify::read_link(&state, &ctx, &format!("/referrals/{id}")).await?;
    let mut page = render(&state, &p, &ctx, id, m.msg.as_deref(), ReferralForm::default(), vec![]).await?;
    page.c.set_unread(unread);
    Ok(page)
}

/// A step from the page. A refused text comes back on the page with what was typed and the message
/// beside the field; anything else is the error page.
pub async fn act(
    AxState(state): AxState<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<ReferralForm>,
) -> AppResult<Response> {
    match referrals::act(&state, &p, &ctx, id, f.clone()).await {
        Ok(_) => Ok(Redirect::to(&format!("/referrals/{id}?msg=saved")).into_response()),
        Err(e) if !e.fields.is_empty() => {
            let status = e.status;
            let page = render(&state, &p, &ctx, id, None, f, e.fields).await?;
            Ok((status, page).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ReferralView {
    #[serde(flatten)]
    pub referral: ReferralRow,
    /// `accept` or `answer` when the government side is past that time limit.
    pub overdue: Option<&'static str>,
    /// Steps the caller may take now: `accept`, `ask`, `reply`, `answer`, `close`.
    pub allowed: Vec<&'static str>,
}

fn view(r: ReferralRow, sides: &[Side], now: chrono::DateTime<chrono::Utc>) -> ReferralView {
    ReferralView {
        overdue: referral_overdue(r.state, r.deadlines(), now),
        allowed: referrals::allowed(&r, sides),
        referral: r,
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct InboxList {
    pub referrals: Vec<ReferralView>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct InboxParams {
    /// `open` (default), `overdue`, `answered`, `all`.
    pub filter: Option<String>,
}

/// The government inbox: referrals the caller works (cadres, grid members) or their projects pushed up.
#[utoipa::path(get, path = "/api/v1/referrals", tag = "requests", params(InboxParams),
    responses((status = 200, body = InboxList), (status = 401), (status = 403)))]
pub async fn api_list(
    AxState(state): AxState<AppState>,
    Desk(p, _): Desk,
    Query(q): Query<InboxParams>,
) -> ApiResult<InboxList> {
    let filter = InboxFilter::parse(q.filter.as_deref().unwrap_or(""));
    let inbox = referrals::inbox(&state, &p, filter).await?;
    let now = state.clock.now();
    let referrals = inbox
        .rows
        .into_iter()
        .map(|r| {
            let sides = referrals::sides(&inbox.scope, &p, &r);
            view(r, &sides, now)
        })
        .collect();
    Ok(Json(InboxList { referrals }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ReferralDetail {
    #[serde(flatten)]
    pub view: ReferralView,
    /// Its push to the city's platform (all empty when it has none).
    pub push: PushInfo,
    /// The request's timeline.
    pub timeline: Vec<EventRow>,
}

/// One referral with the request's timeline.
#[utoipa::path(get, path = "/api/v1/referrals/{id}", tag = "requests", params(("id" = i64, Path)),
    responses((status = 200, body = ReferralDetail), (status = 401), (status = 404)))]
pub async fn api_get(
    AxState(state): AxState<AppState>,
    Desk(p, _): Desk,
    Path(id): Path<i64>,
) -> ApiResult<ReferralDetail> {
    let (r, sides) = referrals::load_referral(&state, &p, id).await?;
    let timeline = super::store::events(&state.db.read, r.request_id).await?;
    let now = state.clock.now();
    let push = referrals::push_info(&state, r.id).await?;
    Ok(Json(ReferralDetail { push, view: view(r, &sides, now), timeline }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReferralBody {
    /// `accept`, `ask`, `reply`, `answer`, `close`.
    pub action: String,
    /// The question (`ask`), the reply (`reply`) or the answer (`answer`).
    pub text: Option<String>,
    /// `answer`: the problem is solved (the request goes to the resident's rating); otherwise it goes
    /// back to the property's handling.
    pub resolved: Option<bool>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ReferralResult {
    /// The referral's state after the step.
    pub state: String,
}

/// A step on a referral; `illegal_transition` (409) when its state or the caller's side does not allow it.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/actions", tag = "requests", params(("id" = i64, Path)),
    request_body = ReferralBody,
    responses((status = 200, body = ReferralResult), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn api_act(
    AxState(state): AxState<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Json(b): Json<ReferralBody>,
) -> ApiResult<ReferralResult> {
    let f = ReferralForm {
        action: b.action,
        text: b.text.unwrap_or_default(),
        resolved: if b.resolved == Some(true) { "1".into() } else { String::new() },
    };
    let s = referrals::act(&state, &p, &ctx, id, f).await?;
    Ok(Json(ReferralResult { state: s.as_str().into() }))
}
