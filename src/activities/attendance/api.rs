//! Attendance's JSON API: check in or out, my points, the ranking.

use crate::ids::*;
use axum::{
    Json,
    extract::{Path, Query, State as AxState},
};
use serde::{Deserialize, Serialize};

use super::actions::*;
use crate::auth::Desk;
use crate::{
    app::AppState,
    auth::Auth,
    error::ApiResult,
    points::{
        self,
        model::{RankRow, Statement},
    },
};

#[derive(Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct AttendBody {
    /// `in` or `out`.
    pub action: String,
    /// The scanned code (residents).
    pub code: Option<String>,
    /// Staff: the person to check in or out.
    pub person_id: Option<PersonId>,
    /// Staff: a resident's scanned personal code (with `action` `in`, `out` or `auto`).
    pub person_code: Option<String>,
}

/// Check in or out of an activity: residents with the scanned code, staff for a person by hand.
/// Check-out credits service minutes and points (once).
#[utoipa::path(post, path = "/api/v1/occurrences/{id}/attendance", tag = "activities", params(("id" = i64, Path)), request_body = AttendBody,
    responses((status = 200, body = Attended), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn attend_api(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Json(b): Json<AttendBody>,
) -> ApiResult<Attended> {
    let f = AttendForm {
        action: b.action,
        code: b.code.unwrap_or_default(),
        person_id: b.person_id.map(|v| v.to_string()).unwrap_or_default(),
        person_code: b.person_code.unwrap_or_default(),
    };
    Ok(Json(attend_checked(&state, &p, &ctx, id, &f).await?))
}

/// My points balance, service minutes and the latest ledger entries.
#[utoipa::path(get, path = "/api/v1/me/points", tag = "activities", responses((status = 200, body = Statement), (status = 401)))]
pub async fn mine_api(AxState(state): AxState<AppState>, Auth(p, _): Auth) -> ApiResult<Statement> {
    match p.person_id {
        Some(pid) => Ok(Json(points::store::statement(&state.db.read, pid).await?)),
        None => Ok(Json(Statement::default())),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Ranking {
    pub project_id: ProjectId,
    pub period: String,
    pub rows: Vec<RankRow>,
}

/// A project's points ranking for a month (`YYYY-MM`) or a year (`YYYY`).
#[utoipa::path(get, path = "/api/v1/rankings", tag = "activities", params(RankingQuery),
    responses((status = 200, body = Ranking), (status = 403), (status = 404), (status = 422)))]
pub async fn rankings_api(
    AxState(state): AxState<AppState>,
    Desk(p, _): Desk,
    Query(q): Query<RankingQuery>,
) -> ApiResult<Ranking> {
    let (project_id, period, rows) = ranking(&state, &p, &q).await?;
    Ok(Json(Ranking { project_id: ProjectId(project_id), period, rows }))
}
