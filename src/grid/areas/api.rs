//! A grid's profile and KPIs as JSON.

use axum::{
    Json,
    extract::{Path, Query, State},
};

use super::actions::{self, Area, Profile};
use crate::{app::AppState, auth::Desk, error::ApiResult};

/// The grids and communities the caller opens (a member's own grids; a cadre's community).
#[utoipa::path(get, path = "/api/v1/grid/areas", tag = "grid", responses((status = 200, body = [Area]), (status = 401), (status = 403)))]
pub async fn areas(State(state): State<AppState>, Desk(p, _ctx): Desk) -> ApiResult<Vec<Area>> {
    Ok(Json(actions::areas(&state, &p).await?))
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct Window {
    /// 4, 13 or 52 (weeks); anything else is 4.
    pub weeks: Option<String>,
}

impl Window {
    pub fn weeks(&self) -> Option<u32> {
        self.weeks.as_deref().and_then(|w| w.trim().parse().ok())
    }
}

/// One area's profile: households, who serves it, the care list (for a member with that duty), open
/// and pushed-up issues, and each micro-grid's and member's figures over the window.
#[utoipa::path(get, path = "/api/v1/grid/areas/{id}", tag = "grid", params(("id" = i64, Path, description = "Grid, micro-grid or community"), Window),
    responses((status = 200, body = Profile), (status = 401), (status = 403), (status = 404)))]
pub async fn profile(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Query(w): Query<Window>,
) -> ApiResult<Profile> {
    Ok(Json(actions::profile(&state, &p, &ctx, id, w.weeks()).await?))
}
