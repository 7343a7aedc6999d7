//! Care's API: the care list in my duty (audited), and recording a visit.

use axum::{
    Json,
    extract::{Path, State},
};

use super::actions::{self, Line, VisitForm};
use crate::{app::AppState, auth::Desk, error::ApiResult};

/// The care list in my duty (staff of the project, grid members of the home's grid), most overdue
/// first. Sensitive: the read is audited.
#[utoipa::path(get, path = "/api/v1/care", tag = "care", responses((status = 200, body = [Line]), (status = 401), (status = 403)))]
pub async fn list(State(state): State<AppState>, Desk(p, ctx): Desk) -> ApiResult<Vec<Line>> {
    Ok(Json(actions::list(&state, &p, &ctx).await?))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct VisitId {
    pub id: i64,
}

/// Record a care visit made today.
#[utoipa::path(post, path = "/api/v1/care/tags/{id}/visits", tag = "care", params(("id" = i64, Path, description = "Care tag")),
    request_body = VisitForm,
    responses((status = 200, body = VisitId), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn visit(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Json(f): Json<VisitForm>,
) -> ApiResult<VisitId> {
    Ok(Json(VisitId { id: actions::visit(&state, &p, &ctx, id, &f).await? }))
}
