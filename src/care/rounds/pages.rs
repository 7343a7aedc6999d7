//! Festival rounds' pages: the rounds the caller takes part in (staff put one on there), and a round's
//! page — coverage by building, who still needs a visit, the volunteer's own stops with the delivery
//! form (photo), and the open ones to take.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, Request, State},
    response::{IntoResponse, Redirect, Response},
};

use super::{
    actions::{self, DeliverForm, RoundForm, View},
    store::Round,
};
use crate::{
    app::AppState,
    auth::{Auth, Desk},
    care::model::Tag,
    error::AppResult,
    requests::photos,
    web::{
        Chrome, MsgQuery,
        forms::{Choice, choices},
    },
};

#[derive(Template, WebTemplate)]
#[template(path = "care/rounds.html")]
struct ListPage {
    c: Chrome,
    rounds: Vec<Round>,
    projects: Vec<Choice>,
    kinds: Vec<Choice>,
    today: String,
}

pub async fn list(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    Ok(ListPage {
        c: Chrome::titled(&ctx, "care.rounds").with_msg(m.msg.as_deref()),
        rounds: actions::mine(&state, &p).await?,
        projects: choices(crate::care::actions::projects(&state, &p).await?),
        kinds: choices(Tag::ALL.iter().map(|k| (k.as_str(), k.label(ctx.lang)))),
        today: state.clock.today().to_string(),
    })
}

pub async fn create(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Form(f): Form<RoundForm>,
) -> AppResult<Redirect> {
    let id = actions::create(&state, &p, &ctx, &f).await?;
    Ok(Redirect::to(&format!("/care/rounds/{id}?msg=created")))
}

#[derive(Template, WebTemplate)]
#[template(path = "care/round.html")]
struct RoundPage {
    c: Chrome,
    v: View,
    pct: String,
    left: usize,
    mine: usize,
    /// Stops still to visit that are not the caller's: open ones and ones others took.
    waiting: usize,
    /// Of those, the ones nobody has taken (the take button shows only when there are some).
    untaken: usize,
    photo_max_mb: usize,
}

pub async fn round_page(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let v = actions::view(&state, &p, &ctx, id).await?;
    Ok(RoundPage {
        c: Chrome::new(&ctx, v.round.title.clone()).with_msg(m.msg.as_deref()),
        pct: crate::grid::campaigns::model::pct(v.round.delivered, v.round.stops),
        left: v.stops.iter().filter(|s| s.state != "delivered").count(),
        mine: v.stops.iter().filter(|s| s.state == "mine").count(),
        waiting: v.stops.iter().filter(|s| s.state == "open" || s.state == "taken").count(),
        untaken: v.stops.iter().filter(|s| s.state == "open").count(),
        photo_max_mb: state.config.max_photo_bytes / (1024 * 1024),
        v,
    })
}

/// The ticked stops (`stop`, repeated).
pub async fn take(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Redirect> {
    let stops: Vec<i64> = pairs.iter().filter(|(k, _)| k == "stop").filter_map(|(_, v)| v.parse().ok()).collect();
    actions::take(&state, &p, &ctx, id, &stops).await?;
    Ok(Redirect::to(&format!("/care/rounds/{id}?msg=saved#mine")))
}

pub async fn release(State(state): State<AppState>, Auth(p, ctx): Auth, Path(id): Path<i64>) -> AppResult<Redirect> {
    let round = actions::release(&state, &p, &ctx, id).await?;
    Ok(Redirect::to(&format!("/care/rounds/{round}?msg=saved")))
}

pub async fn deliver(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    req: Request,
) -> AppResult<Redirect> {
    // Who may deliver is settled before the upload is read.
    actions::may_deliver(&state, &p, id).await?;
    let (f, uploads): (DeliverForm, _) = photos::form_with_photos(&state, req).await?;
    let round = actions::deliver(&state, &p, &ctx, id, &f, uploads).await?;
    Ok(Redirect::to(&format!("/care/rounds/{round}?msg=saved")))
}

pub async fn photo(
    State(state): State<AppState>,
    Auth(p, _ctx): Auth,
    Path((id, photo)): Path<(i64, i64)>,
) -> AppResult<Response> {
    actions::photo(&state, &p, id, photo).await
}
