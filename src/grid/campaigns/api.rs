//! Grid work's API: the campaigns I read with their coverage, one campaign's coverage, and a visit sent
//! from the phone (its queue replays one with the same key: taken once).

use axum::{
    Json,
    extract::{Path, State},
};

use super::actions::{self, Coverage, Recorded, VisitForm};
use crate::{app::AppState, auth::Desk, error::ApiResult};

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
