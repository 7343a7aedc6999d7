//! Festival rounds' API: a round as the caller sees it, taking stops, and marking a delivery (multipart,
//! with its photo).

use axum::{
    Json,
    extract::{Path, Request, State},
};

use super::actions::{self, DeliverForm, View};
use crate::{app::AppState, auth::Auth, error::ApiResult, requests::photos};

/// A festival round: coverage by building and its stops (family names only for volunteers). The read is
/// audited.
#[utoipa::path(get, path = "/api/v1/care/rounds/{id}", tag = "care", params(("id" = i64, Path, description = "Round")),
    responses((status = 200, body = View), (status = 401), (status = 404)))]
pub async fn round(State(state): State<AppState>, Auth(p, ctx): Auth, Path(id): Path<i64>) -> ApiResult<View> {
    Ok(Json(actions::view(&state, &p, &ctx, id).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct TakeBody {
    /// Stop ids of this round: all are taken, or none.
    pub stops: Vec<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Taken {
    pub taken: usize,
}

/// Take stops of a round (a volunteer signed up for its activity date, or staff).
#[utoipa::path(post, path = "/api/v1/care/rounds/{id}/take", tag = "care", params(("id" = i64, Path, description = "Round")),
    request_body = TakeBody,
    responses((status = 200, body = Taken), (status = 401), (status = 404), (status = 409), (status = 422)))]
pub async fn take(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Json(b): Json<TakeBody>,
) -> ApiResult<Taken> {
    Ok(Json(Taken { taken: actions::take(&state, &p, &ctx, id, &b.stops).await? }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Delivered {
    pub round_id: i64,
}

/// Mark a stop delivered: multipart with `note` and one to three `photo` files (a photo is required).
#[utoipa::path(post, path = "/api/v1/care/stops/{id}/deliver", tag = "care", params(("id" = i64, Path, description = "Stop")),
    request_body(content = DeliverForm, content_type = "multipart/form-data"),
    responses((status = 200, body = Delivered), (status = 400), (status = 401), (status = 404), (status = 409), (status = 413), (status = 422)))]
pub async fn deliver(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    req: Request,
) -> ApiResult<Delivered> {
    actions::may_deliver(&state, &p, id).await?;
    let (f, uploads): (DeliverForm, _) = photos::form_with_photos(&state, req).await?;
    Ok(Json(Delivered { round_id: actions::deliver(&state, &p, &ctx, id, &f, uploads).await? }))
}
