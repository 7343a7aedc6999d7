//! JSON API for the organisation tree and households (`/api/v1`).

use crate::ids::*;
use axum::{
    Json,
    extract::{Path, State},
};
use serde::{Deserialize, Serialize};

use super::{actions, store};
use crate::{
    app::AppState,
    auth::{Auth, Desk, StaffUser},
    error::{ApiResult, AppError},
    people::store as people,
};

/// Projects the caller may read.
#[utoipa::path(get, path = "/api/v1/projects", tag = "org", responses((status = 200, body = [store::Node]), (status = 401), (status = 403)))]
pub async fn list_projects(State(state): State<AppState>, Desk(p, _): Desk) -> ApiResult<Vec<store::Node>> {
    Ok(Json(store::nodes(&state.db.read, p.scope.read_projects.iter().copied()).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct NodeDetail {
    pub node: store::Node,
    pub children: Vec<store::Node>,
    pub party_orgs: Vec<store::PartyOrg>,
}

/// One node with its children and Party organisations.
#[utoipa::path(get, path = "/api/v1/nodes/{id}", tag = "org", params(("id" = i64, Path)),
    responses((status = 200, body = NodeDetail), (status = 404)))]
pub async fn get_node(State(state): State<AppState>, Desk(p, _): Desk, Path(id): Path<i64>) -> ApiResult<NodeDetail> {
    let conn = &state.db.read;
    let node = store::node(conn, id).await?.ok_or_else(AppError::not_found)?;
    let paths = store::readable_project_paths(conn, &p).await?;
    let readable = if node.kind() == super::model::NodeKind::Household {
        store::household(conn, id).await?.is_some_and(|h| store::household_readable(&p, &h))
    } else {
        store::node_readable(&p, &node, &paths)
    };
    if !readable {
        return Err(AppError::not_found().into());
    }
    Ok(Json(NodeDetail {
        children: store::children(conn, id).await?,
        party_orgs: store::party_orgs(conn, id).await?,
        node,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewChild {
    /// Name, e.g. `3栋`, `2单元`, `1001`.
    pub name: String,
    /// For a project: `residential`, `office` or `resettlement` (or 住宅小区/写字楼/安置房).
    pub project_kind: Option<String>,
    /// 统一社会信用代码, where the organisation has one.
    pub uscc: Option<String>,
    /// For a household: exclusive area in m², e.g. `89.50`.
    pub area: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Create the next level under a node (branch under company, building under project, …).
#[utoipa::path(post, path = "/api/v1/nodes/{id}/children", tag = "org", params(("id" = i64, Path)), request_body = NewChild,
    responses((status = 200, body = Created), (status = 400), (status = 403), (status = 409), (status = 422)))]
pub async fn create_child(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Json(b): Json<NewChild>,
) -> ApiResult<Created> {
    let f = actions::ChildForm {
        name: b.name,
        project_kind: b.project_kind.unwrap_or_default(),
        uscc: b.uscc.unwrap_or_default(),
        area: b.area.unwrap_or_default(),
    };
    let id = actions::create_child_checked(&state, &p, &ctx, id, f).await?;
    Ok(Json(Created { id }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewDistrict {
    pub name: String,
}

/// Create a 区, the root of a government-side tree (company admins).
#[utoipa::path(post, path = "/api/v1/nodes", tag = "org", request_body = NewDistrict,
    responses((status = 200, body = Created), (status = 403), (status = 409), (status = 422)))]
pub async fn create_root(
    State(state): State<AppState>,
    crate::auth::AdminUser(p, ctx): crate::auth::AdminUser,
    Json(b): Json<NewDistrict>,
) -> ApiResult<Created> {
    Ok(Json(Created { id: actions::create_root_checked(&state, &p, &ctx, actions::RootForm { name: b.name }).await? }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewPartyOrg {
    /// `company_committee`, `project_branch`, `community_committee`, `street_work_committee` (or the Chinese name).
    pub kind: String,
    pub name: String,
    pub uscc: Option<String>,
}

/// Attach a Party organisation to a node of the matching level.
#[utoipa::path(post, path = "/api/v1/nodes/{id}/party-orgs", tag = "org", params(("id" = i64, Path)), request_body = NewPartyOrg,
    responses((status = 200, body = Created), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn create_party_org(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Json(b): Json<NewPartyOrg>,
) -> ApiResult<Created> {
    let f = actions::PartyOrgForm { kind: b.kind, name: b.name, uscc: b.uscc.unwrap_or_default() };
    Ok(Json(Created { id: actions::create_party_org_checked(&state, &p, &ctx, id, f).await? }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct HouseholdDetail {
    pub household: store::Household,
    pub label: String,
    pub members: Vec<people::Membership>,
}

/// A household with its members (phones masked). Residents may read their own.
#[utoipa::path(get, path = "/api/v1/households/{id}", tag = "org", params(("id" = i64, Path)),
    responses((status = 200, body = HouseholdDetail), (status = 404)))]
pub async fn get_household(
    State(state): State<AppState>,
    Auth(p, _): Auth,
    Path(id): Path<i64>,
) -> ApiResult<HouseholdDetail> {
    let h = store::household(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    if !store::household_readable(&p, &h) {
        return Err(AppError::not_found().into());
    }
    let members = people::members_of_household(&state.db.read, HouseholdId(id)).await?;
    Ok(Json(HouseholdDetail { label: h.label(), household: h, members }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct HouseholdPatch {
    /// Exclusive area in m², two decimals.
    pub area: Option<String>,
    /// Micro-grid node id; `null` clears it, absent leaves it.
    #[serde(default, deserialize_with = "double_option")]
    pub microgrid_id: Option<Option<i64>>,
}

fn double_option<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    Ok(Some(Option::<i64>::deserialize(d)?))
}

/// Change a household's exclusive area or micro-grid.
#[utoipa::path(patch, path = "/api/v1/households/{id}", tag = "org", params(("id" = i64, Path)), request_body = HouseholdPatch,
    responses((status = 200, body = HouseholdDetail), (status = 403), (status = 422)))]
pub async fn update_household(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Json(b): Json<HouseholdPatch>,
) -> ApiResult<HouseholdDetail> {
    actions::update_household_checked(&state, &p, &ctx, id, b.area.as_deref(), b.microgrid_id).await?;
    let h = store::household(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    let members = people::members_of_household(&state.db.read, HouseholdId(id)).await?;
    Ok(Json(HouseholdDetail { label: h.label(), household: h, members }))
}
