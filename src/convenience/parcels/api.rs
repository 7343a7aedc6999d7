//! Parcel delivery's API: my requests and (staff) the queue, asking, and taking one on.

use axum::{
    Json,
    extract::{Path, Request, State},
};

use super::actions::{self, Line, ParcelForm};
use crate::{app::AppState, auth::Auth, error::ApiResult, requests::photos};

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Board {
    pub mine: Vec<Line>,
    /// The staff's queue: open first, the elderly and disabled first among them, then the oldest.
    pub queue: Vec<Line>,
}

/// My delivery requests, and the queue of my projects when I am staff.
#[utoipa::path(get, path = "/api/v1/parcels", tag = "convenience", responses((status = 200, body = Board), (status = 401)))]
pub async fn board(State(state): State<AppState>, Auth(p, _ctx): Auth) -> ApiResult<Board> {
    let (mine, queue) = actions::board(&state, &p).await?;
    Ok(Json(Board { mine, queue }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ParcelId {
    pub id: i64,
}

/// Ask for parcels to be brought to my door (or, staff, to a resident's: project, room and name).
#[utoipa::path(post, path = "/api/v1/parcels", tag = "convenience", request_body = ParcelForm,
    responses((status = 200, body = ParcelId), (status = 401), (status = 403), (status = 422)))]
pub async fn ask(State(state): State<AppState>, Auth(p, ctx): Auth, Json(f): Json<ParcelForm>) -> ApiResult<ParcelId> {
    Ok(Json(ParcelId { id: actions::ask(&state, &p, &ctx, &f).await? }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Done {
    pub ok: bool,
}

/// Take a request on (the project's staff; the second of two at once gets 409).
#[utoipa::path(post, path = "/api/v1/parcels/{id}/take", tag = "convenience", params(("id" = i64, Path, description = "Request")),
    responses((status = 200, body = Done), (status = 401), (status = 403), (status = 404), (status = 409)))]
pub async fn take(State(state): State<AppState>, Auth(p, ctx): Auth, Path(id): Path<i64>) -> ApiResult<Done> {
    actions::take(&state, &p, &ctx, id).await?;
    Ok(Json(Done { ok: true }))
}

/// Mark a request taken on as delivered (the project's staff): multipart with one to three `photo`
/// files, at least one required (422 `photo` otherwise).
#[utoipa::path(post, path = "/api/v1/parcels/{id}/deliver", tag = "convenience", params(("id" = i64, Path, description = "Request")),
    request_body(content = String, content_type = "multipart/form-data"),
    responses((status = 200, body = Done), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 413), (status = 422)))]
pub async fn deliver(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    req: Request,
) -> ApiResult<Done> {
    actions::may_deliver(&state, &p, id).await?;
    let (_, uploads): (std::collections::HashMap<String, String>, _) = photos::form_with_photos(&state, req).await?;
    actions::deliver(&state, &p, &ctx, id, uploads).await?;
    Ok(Json(Done { ok: true }))
}

/// Cancel a request not yet taken (the resident who asked, or the project's staff); 409 once taken.
#[utoipa::path(post, path = "/api/v1/parcels/{id}/cancel", tag = "convenience", params(("id" = i64, Path, description = "Request")),
    responses((status = 200, body = Done), (status = 401), (status = 404), (status = 409)))]
pub async fn cancel(State(state): State<AppState>, Auth(p, ctx): Auth, Path(id): Path<i64>) -> ApiResult<Done> {
    actions::cancel(&state, &p, &ctx, id).await?;
    Ok(Json(Done { ok: true }))
}
