//! Custody's API: the agreements I see, one with its keys and checks, and recording a check (multipart).

use std::collections::HashMap;

use axum::{
    Json,
    extract::{Path, Request, State},
};

use super::actions::{self, Line, View};
use crate::{app::AppState, auth::Auth, error::ApiResult, requests::photos};

/// Agreements of my projects (staff) and of my home (owner), in force and overdue first.
#[utoipa::path(get, path = "/api/v1/custody", tag = "convenience", responses((status = 200, body = [Line]), (status = 401)))]
pub async fn list(State(state): State<AppState>, Auth(p, ctx): Auth) -> ApiResult<Vec<Line>> {
    Ok(Json(actions::list(&state, &p, ctx.lang).await?))
}

/// One agreement: its plan, key log and every check with its photo ids.
#[utoipa::path(get, path = "/api/v1/custody/{id}", tag = "convenience", params(("id" = i64, Path, description = "Agreement")),
    responses((status = 200, body = View), (status = 401), (status = 404)))]
pub async fn one(State(state): State<AppState>, Auth(p, ctx): Auth, Path(id): Path<i64>) -> ApiResult<View> {
    Ok(Json(actions::view(&state, &p, id, ctx.lang).await?))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CheckId {
    pub id: i64,
}

/// Record today's check (staff): multipart with `ok_<item>` for each item found fine, `note` (needed
/// when one is not), and one to three `photo` files. An ended agreement answers 409 `custody_ended`.
#[utoipa::path(post, path = "/api/v1/custody/{id}/checks", tag = "convenience", params(("id" = i64, Path, description = "Agreement")),
    request_body(content = String, content_type = "multipart/form-data"),
    responses((status = 200, body = CheckId), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 413), (status = 422)))]
pub async fn check(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    req: Request,
) -> ApiResult<CheckId> {
    actions::keeps(&state, &p, id).await?;
    let (fields, uploads): (HashMap<String, String>, _) = photos::form_with_photos(&state, req).await?;
    Ok(Json(CheckId { id: actions::check(&state, &p, &ctx, id, &fields, uploads).await? }))
}
