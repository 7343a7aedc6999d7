//! JSON API for people (`/api/v1/people`). Phone and ID are masked except from `…/reveal`, which is audited.

use crate::ids::*;
use axum::{
    Json,
    extract::{Path, Query, State},
};
use serde::{Deserialize, Serialize};

use super::{actions, store};
use crate::{
    app::AppState,
    auth::{Auth, Desk, StaffUser},
    error::{ApiResult, AppError},
    org::api::Created,
};

#[derive(Deserialize, utoipa::IntoParams)]
pub struct Q {
    /// Name, full pinyin, pinyin initials (e.g. `zs`) or room number.
    pub q: String,
}

/// Search people in the caller's scope.
#[utoipa::path(get, path = "/api/v1/people", tag = "people", params(Q), responses((status = 200, body = [store::SearchHit])))]
pub async fn search(
    State(state): State<AppState>,
    Desk(p, _): Desk,
    Query(q): Query<Q>,
) -> ApiResult<Vec<store::SearchHit>> {
    Ok(Json(store::search(&state.db.read, &p, &q.q).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PersonDetail {
    pub person: store::PersonView,
    pub households: Vec<store::Membership>,
    pub roles: Vec<store::RoleRow>,
}

async fn detail(state: &AppState, id: i64) -> Result<PersonDetail, AppError> {
    let row = store::person(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    Ok(PersonDetail {
        person: row.into(),
        households: store::memberships_of_person(&state.db.read, PersonId(id)).await?,
        roles: store::roles_of_person(&state.db.read, PersonId(id)).await?,
    })
}

/// One person (masked), with households and roles.
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "people", params(("id" = i64, Path)),
    responses((status = 200, body = PersonDetail), (status = 404)))]
pub async fn get_person(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
) -> ApiResult<PersonDetail> {
    let (read, _) = store::person_access(&state.db.read, &p, PersonId(id)).await?;
    if !read {
        return Err(AppError::not_found().into());
    }
    let d = detail(&state, id).await?;
    actions::log_read(&state, &p, &ctx, id, &d.person.name).await?;
    Ok(Json(d))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PersonPatch {
    pub name: String,
    /// Mainland mobile number; empty clears it.
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub note: String,
}

/// Change a person's name, phone or note.
#[utoipa::path(patch, path = "/api/v1/people/{id}", tag = "people", params(("id" = i64, Path)), request_body = PersonPatch,
    responses((status = 200, body = PersonDetail), (status = 403), (status = 422)))]
pub async fn update_person(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Json(b): Json<PersonPatch>,
) -> ApiResult<PersonDetail> {
    actions::update_person_checked(
        &state,
        &p,
        &ctx,
        id,
        actions::PersonForm { name: b.name, phone: b.phone, note: b.note },
    )
    .await?;
    Ok(Json(detail(&state, id).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Revealed {
    pub phone: Option<String>,
    pub id_number: Option<String>,
}

/// Full phone and ID number. Permitted staff only; every call is written to the audit log.
#[utoipa::path(post, path = "/api/v1/people/{id}/reveal", tag = "people", params(("id" = i64, Path)),
    responses((status = 200, body = Revealed), (status = 403)))]
pub async fn reveal(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
) -> ApiResult<Revealed> {
    let (phone, id_number) = actions::reveal_checked(&state, &p, &ctx, id).await?;
    Ok(Json(Revealed { phone, id_number }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewRole {
    /// e.g. `party_member`, `volunteer`, `staff`, `supervisor` (or the Chinese name).
    pub role: String,
    pub node_id: i64,
    /// Post, required for staff (e.g. 项目经理).
    pub post: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewPerson {
    pub name: String,
    pub phone: Option<String>,
    pub id_number: Option<String>,
    /// The role that places the person: e.g. `staff`, `volunteer`, `cadre`, `grid_member`.
    pub role: String,
    /// The node the role is held at.
    pub node_id: i64,
    /// Post, required for staff (e.g. 项目经理).
    pub post: Option<String>,
}

/// Register a person with a role at a node (found by ID number if already known).
#[utoipa::path(post, path = "/api/v1/people", tag = "people", request_body = NewPerson,
    responses((status = 200, body = Created), (status = 403), (status = 409), (status = 422)))]
pub async fn create_person(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    Json(b): Json<NewPerson>,
) -> ApiResult<Created> {
    let f = actions::NewPersonForm {
        name: b.name,
        phone: b.phone.unwrap_or_default(),
        id_number: b.id_number.unwrap_or_default(),
        role: b.role,
        post: b.post.unwrap_or_default(),
    };
    Ok(Json(Created { id: actions::create_person_checked(&state, &p, &ctx, b.node_id, f).await? }))
}

/// Give a person a role at a node.
#[utoipa::path(post, path = "/api/v1/people/{id}/roles", tag = "people", params(("id" = i64, Path)), request_body = NewRole,
    responses((status = 200, body = Created), (status = 403), (status = 409), (status = 422)))]
pub async fn add_role(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Json(b): Json<NewRole>,
) -> ApiResult<Created> {
    let f = actions::RoleForm { role: b.role, node_id: b.node_id.to_string(), post: b.post.unwrap_or_default() };
    Ok(Json(Created { id: actions::add_role_checked(&state, &p, &ctx, PersonId(id), f).await? }))
}

/// Remove a role.
#[utoipa::path(delete, path = "/api/v1/people/{id}/roles/{rid}", tag = "people", params(("id" = i64, Path), ("rid" = i64, Path)),
    responses((status = 200, body = PersonDetail), (status = 403), (status = 404)))]
pub async fn remove_role(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path((id, rid)): Path<(i64, i64)>,
) -> ApiResult<PersonDetail> {
    actions::remove_role_checked(&state, &p, &ctx, PersonId(id), rid).await?;
    Ok(Json(detail(&state, id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewMember {
    pub name: String,
    pub phone: Option<String>,
    pub id_number: Option<String>,
    /// `owner`, `occupant`, `tenant`, `family` (or 业主/住户/租户/家庭成员).
    pub relation: String,
    /// `YYYY-MM-DD`.
    pub moved_in: Option<String>,
}

/// Register a resident in a household (creates the person, or finds them by ID number).
#[utoipa::path(post, path = "/api/v1/households/{id}/members", tag = "people", params(("id" = i64, Path)), request_body = NewMember,
    responses((status = 200, body = Created), (status = 403), (status = 409), (status = 422)))]
pub async fn add_member(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Json(b): Json<NewMember>,
) -> ApiResult<Created> {
    let f = actions::MemberForm {
        name: b.name,
        phone: b.phone.unwrap_or_default(),
        id_number: b.id_number.unwrap_or_default(),
        relation: b.relation,
        moved_in: b.moved_in.unwrap_or_default(),
    };
    Ok(Json(Created { id: actions::add_member_checked(&state, &p, &ctx, HouseholdId(id), f).await? }))
}
