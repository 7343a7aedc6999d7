//! 微心愿's phone pages: my wishes and the ones I may claim, one wish with what I may do next.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, Request, State},
    response::{IntoResponse, Redirect, Response},
};

use super::{
    actions::{self, Standing, WishForm},
    model::WishState,
    store::Wish,
};
use crate::{
    app::AppState,
    auth::Auth,
    error::AppResult,
    requests::photos,
    web::{
        Chrome, MsgQuery,
        forms::{Choice, choices},
    },
};

pub struct Line {
    pub w: Wish,
    pub resident: String,
    pub state: &'static str,
    pub tone: &'static str,
}

fn tone(s: WishState) -> &'static str {
    match s {
        WishState::Open => "st-wait",
        WishState::Claimed | WishState::Fulfilled => "st-work",
        WishState::Confirmed => "st-done",
        WishState::Withdrawn => "st-off",
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "wishes/board.html")]
struct BoardPage {
    c: Chrome,
    mine: Vec<Line>,
    open: Vec<Line>,
    /// Staff may post for a resident of these projects.
    projects: Vec<Choice>,
}

pub async fn board(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let (mine, open) = actions::board(&state, &p).await?;
    let line = |w: Wish, s: Standing| Line {
        resident: actions::shown_name(&w, s),
        state: w.state.label(ctx.lang),
        tone: tone(w.state),
        w,
    };
    let me = p.person_id;
    let projects = crate::org::store::project_names(&state.db.read, p.scope.write_projects.iter().copied()).await?;
    Ok(BoardPage {
        c: Chrome::titled(&ctx, "wish.title").with_msg(m.msg.as_deref()),
        mine: mine
            .into_iter()
            .map(|w| {
                let s = if me == Some(w.person_id) { Standing::Poster } else { Standing::Claimer };
                line(w, s)
            })
            .collect(),
        open: open.into_iter().map(|w| line(w, Standing::Helper)).collect(),
        projects: choices(projects),
    })
}

pub async fn post(State(state): State<AppState>, Auth(p, ctx): Auth, Form(f): Form<WishForm>) -> AppResult<Redirect> {
    let id = actions::post(&state, &p, &ctx, &f).await?;
    Ok(Redirect::to(&format!("/wishes/{id}?msg=created")))
}

#[derive(Template, WebTemplate)]
#[template(path = "wishes/wish.html")]
struct WishPage {
    c: Chrome,
    l: Line,
    may_claim: bool,
    may_fulfil: bool,
    may_confirm: bool,
    claimer: String,
    photos: Vec<String>,
    photo_max_mb: usize,
}

pub async fn wish_page(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let (w, s) = actions::open(&state, &p, id).await?;
    let photos = actions::photo_ids(&state, id).await?.iter().map(|x| format!("/wishes/{id}/photos/{x}")).collect();
    Ok(WishPage {
        c: Chrome::titled(&ctx, "wish.one").with_msg(m.msg.as_deref()),
        may_claim: s == Standing::Helper && w.state == WishState::Open,
        may_fulfil: s == Standing::Claimer && w.state == WishState::Claimed,
        may_confirm: matches!(s, Standing::Poster | Standing::Staff) && w.state == WishState::Fulfilled,
        claimer: match (s, &w.claimer_name) {
            (Standing::Poster | Standing::Staff | Standing::Claimer, Some(n)) => n.clone(),
            _ => String::new(),
        },
        photos,
        photo_max_mb: state.config.max_photo_bytes / (1024 * 1024),
        l: Line { resident: actions::shown_name(&w, s), state: w.state.label(ctx.lang), tone: tone(w.state), w },
    })
}

pub async fn claim(State(state): State<AppState>, Auth(p, ctx): Auth, Path(id): Path<i64>) -> AppResult<Redirect> {
    actions::claim(&state, &p, &ctx, id).await?;
    Ok(Redirect::to(&format!("/wishes/{id}?msg=saved")))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct FulfilForm {
    pub note: String,
}

pub async fn fulfil(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    req: Request,
) -> AppResult<Redirect> {
    actions::may_fulfil(&state, &p, id).await?;
    let (f, uploads): (FulfilForm, _) = photos::form_with_photos(&state, req).await?;
    actions::fulfil(&state, &p, &ctx, id, &f.note, uploads).await?;
    Ok(Redirect::to(&format!("/wishes/{id}?msg=saved")))
}

pub async fn confirm(State(state): State<AppState>, Auth(p, ctx): Auth, Path(id): Path<i64>) -> AppResult<Redirect> {
    actions::confirm(&state, &p, &ctx, id).await?;
    Ok(Redirect::to(&format!("/wishes/{id}?msg=saved")))
}

pub async fn photo(
    State(state): State<AppState>,
    Auth(p, _ctx): Auth,
    Path((id, photo)): Path<(i64, i64)>,
) -> AppResult<Response> {
    actions::photo(&state, &p, id, photo).await
}
