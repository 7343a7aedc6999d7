//! Honours' API: the public wall, and granting one (JSON, without certificate photos).

use axum::{
    Json,
    extract::{Path, State},
};

use super::{actions, store::Honour};
use crate::{app::AppState, auth::Desk, error::ApiResult};

/// A project's or community's honour wall (a community's adds its projects'), newest first.
#[utoipa::path(get, path = "/api/v1/honours/wall/{node}", tag = "honours",
    params(("node" = i64, Path, description = "A project or community")),
    responses((status = 200, body = [Honour]), (status = 404)))]
pub async fn wall(State(state): State<AppState>, Path(node): Path<i64>) -> ApiResult<Vec<Honour>> {
    Ok(Json(actions::wall(&state, node).await?.1))
}

#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct AwardBody {
    /// `org` or `person`.
    pub recipient_kind: String,
    pub recipient_node_id: Option<i64>,
    pub recipient_person_id: Option<i64>,
    pub title: String,
    /// `national`, `provincial`, `city`, `district`, `street`, `community` or `company`.
    pub level: String,
    pub grantor_node_id: Option<i64>,
    /// An outside body (「牧马山社区居民委员会」); the grantor node's name when empty.
    pub grantor_name: Option<String>,
    /// `YYYY-MM-DD`, not after today.
    pub awarded_on: String,
    pub citation: Option<String>,
    /// Activities of the project or community it rests on.
    pub activities: Vec<i64>,
    /// Requests of the project or community it rests on.
    pub requests: Vec<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Awarded {
    pub id: i64,
}

/// Grant an honour at a project (its staff) or community (its cadres).
#[utoipa::path(post, path = "/api/v1/org/{id}/honours", tag = "honours", request_body = AwardBody,
    params(("id" = i64, Path, description = "A project or community")),
    responses((status = 200, body = Awarded), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn award(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Json(b): Json<AwardBody>,
) -> ApiResult<Awarded> {
    let s = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
    let f = actions::AwardForm {
        recipient_kind: b.recipient_kind,
        recipient_node_id: s(b.recipient_node_id),
        recipient_person_id: s(b.recipient_person_id),
        title: b.title,
        level: b.level,
        grantor_node_id: s(b.grantor_node_id),
        grantor_name: b.grantor_name.unwrap_or_default(),
        awarded_on: b.awarded_on,
        citation: b.citation.unwrap_or_default(),
        activities: b.activities.iter().map(i64::to_string).collect(),
        requests: b.requests.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
    };
    Ok(Json(Awarded { id: actions::award(&state, &p, &ctx, id, &f, Vec::new()).await? }))
}
