//! Grid work's API: the campaigns I read with their coverage, one campaign's coverage, and a visit sent
//! from the phone (its queue replays one with the same key: taken once), and photos added to a visit.

use axum::{
    Json,
    extract::{Path, Request, State},
};

use super::actions::{self, Coverage, Recorded, VisitForm};
use crate::{app::AppState, auth::Desk, error::ApiResult, requests::photos};

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CampaignOut {
    pub campaign: super::store::Campaign,
    pub target: i64,
    pub visited: i64,
}

/// Campaigns I run or whose area meets my grids (running, or ended within a month).
#[utoipa::path(get, path = "/api/v1/grid/campaigns", tag = "grid", responses((status = 200, body = [CampaignOut]), (status = 401), (status = 403)))]
pub async fn campaigns(State(state): State<AppState>, Desk(p, _ctx): Desk) -> ApiResult<Vec<CampaignOut>> {
    let o = actions::overview(&state, &p).await?;
    Ok(Json(
        o.campaigns.into_iter().map(|(campaign, target, visited)| CampaignOut { campaign, target, visited }).collect(),
    ))
}

/// A campaign's coverage now: overall, by micro-grid, building and member.
#[utoipa::path(get, path = "/api/v1/grid/campaigns/{id}", tag = "grid", params(("id" = i64, Path, description = "Campaign")),
    responses((status = 200, body = Coverage), (status = 401), (status = 403), (status = 404)))]
pub async fn coverage(State(state): State<AppState>, Desk(p, _ctx): Desk, Path(id): Path<i64>) -> ApiResult<Coverage> {
    Ok(Json(actions::coverage(&state, &p, id).await?))
}

/// Record a visit at a household of my grids. The same `key` sent again answers with the visit it made
/// (`replayed`); a second visit of the household by me today is added to the first (`merged`).
#[utoipa::path(post, path = "/api/v1/grid/visits", tag = "grid", request_body = VisitForm,
    responses((status = 200, body = Recorded), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn visit(State(state): State<AppState>, Desk(p, ctx): Desk, Json(f): Json<VisitForm>) -> ApiResult<Recorded> {
    Ok(Json(actions::visit(&state, &p, &ctx, &f).await?))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PhotosAdded {
    pub ok: bool,
}

/// Add one to three `photo` files (multipart) to a visit the caller recorded; a visit keeps at most
/// three (409 `visit_photos_full`); another member's visit is 404.
#[utoipa::path(post, path = "/api/v1/grid/visits/{id}/photos", tag = "grid", params(("id" = i64, Path, description = "Visit")),
    request_body(content = String, content_type = "multipart/form-data"),
    responses((status = 200, body = PhotosAdded), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 413), (status = 422)))]
pub async fn add_photos(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    req: Request,
) -> ApiResult<PhotosAdded> {
    actions::may_add_photos(&state, &p, id).await?;
    let (_, uploads): (std::collections::HashMap<String, String>, _) = photos::form_with_photos(&state, req).await?;
    actions::add_photos(&state, &p, &ctx, id, uploads).await?;
    Ok(Json(PhotosAdded { ok: true }))
}
