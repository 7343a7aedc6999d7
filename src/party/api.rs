//! C5 JSON API (`/api/v1/party`): organisations, one with its members and committee, registering a member.

use axum::{
    Json,
    extract::{Path, State},
};
use serde::Serialize;

use super::{
    actions::{self, MemberForm},
    store::{self, Membership, PartyOrg, PostRow},
};
use crate::{app::AppState, auth::Auth, error::ApiResult};

/// The Party organisations I may see, in tree order.
#[utoipa::path(get, path = "/api/v1/party/orgs", tag = "party",
    responses((status = 200, body = [PartyOrg]), (status = 401), (status = 403)))]
pub async fn list(State(state): State<AppState>, Auth(p, _ctx): Auth) -> ApiResult<Vec<PartyOrg>> {
    Ok(Json(actions::visible(&state, &p).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct OrgDetail {
    pub org: PartyOrg,
    pub members: Vec<Membership>,
    pub committee: Vec<PostRow>,
    /// The 条例's warnings on the committee (catalog keys).
    pub warnings: Vec<&'static str>,
}

/// One organisation with its current members and committee (the read is audited).
#[utoipa::path(get, path = "/api/v1/party/orgs/{id}", tag = "party",
    params(("id" = i64, Path, description = "Party organisation")),
    responses((status = 200, body = OrgDetail), (status = 401), (status = 404)))]
pub async fn detail(State(state): State<AppState>, Auth(p, ctx): Auth, Path(id): Path<i64>) -> ApiResult<OrgDetail> {
    let a = actions::open(&state, &p, id).await?;
    let members = store::members(&state.db.read, a.org.id).await?;
    actions::audit_read(&state, &ctx, &a, members.len()).await?;
    let committee = store::posts(&state.db.read, a.org.id, state.clock.today()).await?;
    let full = members.iter().filter(|m| m.status == super::model::MemberStatus::Full).count();
    let posts: Vec<_> = committee.iter().map(|c| c.post).collect();
    let warnings = if a.org.kind().holds_members() { super::model::committee_warnings(full, &posts) } else { vec![] };
    Ok(Json(OrgDetail { org: a.org, members, committee, warnings }))
}

#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct MemberBody {
    pub person_id: i64,
    /// `probationary` or `full`.
    pub status: String,
    /// `YYYY-MM-DD`.
    pub joined_on: String,
    pub confirmed_on: Option<String>,
    pub since: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Register a member of a branch (409 `already_member` when they are a member elsewhere).
#[utoipa::path(post, path = "/api/v1/party/orgs/{id}/members", tag = "party", request_body = MemberBody,
    params(("id" = i64, Path, description = "Party branch")),
    responses((status = 200, body = Created), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn add_member(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Json(b): Json<MemberBody>,
) -> ApiResult<Created> {
    let f = MemberForm {
        person_id: b.person_id.to_string(),
        status: b.status,
        joined_on: b.joined_on,
        confirmed_on: b.confirmed_on.unwrap_or_default(),
        since: b.since.unwrap_or_default(),
    };
    Ok(Json(Created { id: actions::add_member(&state, &p, &ctx, id, &f).await? }))
}
