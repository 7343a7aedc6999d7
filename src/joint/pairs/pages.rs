//! 结对's desk pages (the pairings, one pairing with its rotations and outcomes, the forms) and API.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Json,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect},
};

use super::{
    actions::{self, OutcomeForm, PairingForm, RotationForm},
    store::{Outcome, Pairing, Rotation},
};
use crate::{
    app::AppState,
    auth::Desk,
    error::{ApiResult, AppResult},
    web::{
        Chrome, MsgQuery,
        forms::{Choice, choices},
    },
};

#[derive(Template, WebTemplate)]
#[template(path = "joint/pairings.html")]
struct ListPage {
    c: Chrome,
    pairings: Vec<Pairing>,
    projects: Vec<Choice>,
}

pub async fn list(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    Ok(ListPage {
        c: Chrome::titled(&ctx, "pair.title").with_msg(m.msg.as_deref()),
        pairings: actions::visible(&state, &p).await?,
        projects: choices(actions::pairable(&state, &p).await?),
    })
}

pub async fn create(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Form(f): Form<PairingForm>,
) -> AppResult<Redirect> {
    let id = actions::create(&state, &p, &ctx, &f).await?;
    Ok(Redirect::to(&format!("/pairings/{id}?msg=created")))
}

pub struct RotationLine {
    pub r: Rotation,
    pub state: &'static str,
    pub current: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "joint/pairing.html")]
struct PairingPage {
    c: Chrome,
    p: Pairing,
    write: bool,
    rotations: Vec<RotationLine>,
    outcomes: Vec<Outcome>,
    staff: Vec<Choice>,
    sides: Vec<Choice>,
}

pub async fn pairing_page(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let d = actions::detail(&state, &p, id).await?;
    let x = d.access;
    Ok(PairingPage {
        c: Chrome::new(&ctx, x.p.title.clone()).with_msg(m.msg.as_deref()),
        write: x.write,
        rotations: d
            .rotations
            .into_iter()
            .map(|(r, s)| RotationLine {
                state: s.label(ctx.lang),
                current: s == super::model::RotationState::Current,
                r,
            })
            .collect(),
        outcomes: d.outcomes,
        staff: choices(d.staff),
        sides: choices([(x.b.id, format!("→ {}", x.b.name)), (x.a.id, format!("→ {}", x.a.name))]),
        p: x.p,
    })
}

pub async fn rotate(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Form(f): Form<RotationForm>,
) -> AppResult<Redirect> {
    actions::rotate(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/pairings/{id}?msg=created#rotations")))
}

pub async fn log_outcome(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Form(f): Form<OutcomeForm>,
) -> AppResult<Redirect> {
    actions::log_outcome(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/pairings/{id}?msg=created#outcomes")))
}

/// The 结对 agreements the caller may read.
#[utoipa::path(get, path = "/api/v1/pairings", tag = "joint", responses((status = 200, body = [Pairing]), (status = 401), (status = 403)))]
pub async fn api_list(State(state): State<AppState>, Desk(p, _ctx): Desk) -> ApiResult<Vec<Pairing>> {
    Ok(Json(actions::visible(&state, &p).await?))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PairingOut {
    pub pairing: Pairing,
    pub rotations: Vec<Rotation>,
    pub outcomes: Vec<Outcome>,
}

/// A pairing with its staff rotations and outcomes log.
#[utoipa::path(get, path = "/api/v1/pairings/{id}", tag = "joint", params(("id" = i64, Path, description = "Pairing")),
    responses((status = 200, body = PairingOut), (status = 401), (status = 403), (status = 404)))]
pub async fn api_detail(
    State(state): State<AppState>,
    Desk(p, _ctx): Desk,
    Path(id): Path<i64>,
) -> ApiResult<PairingOut> {
    let d = actions::detail(&state, &p, id).await?;
    Ok(Json(PairingOut {
        pairing: d.access.p,
        rotations: d.rotations.into_iter().map(|(r, _)| r).collect(),
        outcomes: d.outcomes,
    }))
}

/// Send a staff member to the paired project for a while (JSON body as the form's fields).
#[utoipa::path(post, path = "/api/v1/pairings/{id}/rotations", tag = "joint", params(("id" = i64, Path, description = "Pairing")),
    request_body = RotationForm,
    responses((status = 200, body = Created), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn api_rotate(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Json(f): Json<RotationForm>,
) -> ApiResult<Created> {
    Ok(Json(Created { id: actions::rotate(&state, &p, &ctx, id, &f).await? }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}
