//! JSON API for volunteers, teams, hour corrections and 爱心超市 — the same rules as the pages.

use crate::ids::*;
use axum::{
    Json,
    extract::{Path, Query, State as AxState},
};
use serde::{Deserialize, Serialize};

use super::{actions, rewards, store};
use crate::auth::StaffUser;
use crate::{app::AppState, auth::Auth, error::ApiResult};

/// My registrations, teams, recent attendances and corrections; for staff and team leaders also what
/// they manage (registrations, teams, corrections to decide).
#[utoipa::path(get, path = "/api/v1/volunteers/me", tag = "volunteers",
    responses((status = 200, body = actions::Overview), (status = 401)))]
pub async fn me(AxState(state): AxState<AppState>, Auth(p, _): Auth) -> ApiResult<actions::Overview> {
    Ok(Json(actions::overview(&state, &p).await?))
}

#[derive(Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct ApplyBody {
    pub project_id: i64,
    /// Skills and when I can help (up to 200 characters).
    pub skills: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Apply to be a volunteer of a project I live in; its staff decide.
#[utoipa::path(post, path = "/api/v1/volunteers", tag = "volunteers", request_body = ApplyBody,
    responses((status = 200, body = Created), (status = 409), (status = 422)))]
pub async fn apply(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Json(b): Json<ApplyBody>,
) -> ApiResult<Created> {
    Ok(Json(Created { id: actions::apply_checked(&state, &p, &ctx, ProjectId(b.project_id), &b.skills).await? }))
}

#[derive(Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct DecisionBody {
    pub approve: bool,
    pub note: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Decided {
    /// The new state.
    pub state: String,
}

/// Approve or reject a volunteer registration (the project's staff).
#[utoipa::path(post, path = "/api/v1/volunteers/{id}/decision", tag = "volunteers", params(("id" = i64, Path)),
    request_body = DecisionBody, responses((status = 200, body = Decided), (status = 403), (status = 404), (status = 409)))]
pub async fn decide(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Json(b): Json<DecisionBody>,
) -> ApiResult<Decided> {
    let s = actions::decide_volunteer_checked(&state, &p, &ctx, id, b.approve, &b.note).await?;
    Ok(Json(Decided { state: s.as_str().into() }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TeamDetail {
    pub team: store::Team,
    pub members: Vec<store::TeamMember>,
}

/// One team with its members (the project's staff and readers, and the team's own members).
#[utoipa::path(get, path = "/api/v1/teams/{id}", tag = "volunteers", params(("id" = i64, Path)),
    responses((status = 200, body = TeamDetail), (status = 404)))]
pub async fn team(AxState(state): AxState<AppState>, Auth(p, _): Auth, Path(id): Path<i64>) -> ApiResult<TeamDetail> {
    let (team, _) = actions::load_team(&state, &p, id).await?;
    Ok(Json(TeamDetail { members: store::members(&state.db.read, TeamId(id)).await?, team }))
}

#[derive(Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct CorrectionBody {
    /// The service minutes the attendance should count for.
    pub minutes: i64,
    pub reason: String,
}

/// Ask to correct the service minutes of one of my attendances (after check-out, or once check-out has
/// closed); a team leader or the project's staff decide.
#[utoipa::path(post, path = "/api/v1/signups/{id}/corrections", tag = "volunteers", params(("id" = i64, Path)),
    request_body = CorrectionBody, responses((status = 200, body = Created), (status = 404), (status = 409), (status = 422)))]
pub async fn request_correction(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Json(b): Json<CorrectionBody>,
) -> ApiResult<Created> {
    Ok(Json(Created {
        id: actions::request_correction_checked(&state, &p, &ctx, SignupId(id), &b.minutes.to_string(), &b.reason)
            .await?,
    }))
}

/// Approve or reject an hour correction; approval appends one ledger entry with the change.
#[utoipa::path(post, path = "/api/v1/corrections/{id}/decision", tag = "volunteers", params(("id" = i64, Path)),
    request_body = DecisionBody, responses((status = 200, body = Decided), (status = 403), (status = 404), (status = 409)))]
pub async fn decide_correction(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Json(b): Json<DecisionBody>,
) -> ApiResult<Decided> {
    let s = actions::decide_correction_checked(&state, &p, &ctx, id, b.approve, &b.note).await?;
    Ok(Json(Decided { state: s.as_str().into() }))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct ProjectQuery {
    /// One project only (default: every project I live in or serve).
    pub project: Option<ProjectId>,
}

/// 爱心超市: the shelves I can see (items, stock, points) with my balance in each, and my redemptions.
#[utoipa::path(get, path = "/api/v1/rewards", tag = "volunteers", params(ProjectQuery),
    responses((status = 200, body = rewards::Catalogue), (status = 401), (status = 404)))]
pub async fn catalogue(
    AxState(state): AxState<AppState>,
    Auth(p, _): Auth,
    Query(q): Query<ProjectQuery>,
) -> ApiResult<rewards::Catalogue> {
    Ok(Json(rewards::catalogue(&state, &p, q.project).await?))
}

#[derive(Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct RedeemBody {
    /// How many (1–10; default 1).
    pub quantity: Option<i64>,
    /// Staff redeeming for a resident without a phone: the home (`1-1-101`) and the name.
    pub room: Option<String>,
    pub name: Option<String>,
}

/// Redeem points for an item: answers the redemption with its pickup code. `insufficient_points` and
/// `out_of_stock` are 409s and write nothing.
#[utoipa::path(post, path = "/api/v1/rewards/{id}/redeem", tag = "volunteers", params(("id" = i64, Path)),
    request_body = RedeemBody, responses((status = 200, body = rewards::Redemption), (status = 404), (status = 409), (status = 422)))]
pub async fn redeem(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Json(b): Json<RedeemBody>,
) -> ApiResult<rewards::Redemption> {
    let for_resident = match (&b.room, &b.name) {
        (None, None) => None,
        (r, n) => Some((r.as_deref().unwrap_or(""), n.as_deref().unwrap_or(""))),
    };
    Ok(Json(rewards::redeem_checked(&state, &p, &ctx, id, b.quantity.unwrap_or(1), for_resident).await?))
}

/// Cancel a redemption not yet collected (the resident, or staff): points and stock come back.
#[utoipa::path(post, path = "/api/v1/redemptions/{id}/cancel", tag = "volunteers", params(("id" = i64, Path)),
    responses((status = 200, body = rewards::Redemption), (status = 404), (status = 409)))]
pub async fn cancel(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
) -> ApiResult<rewards::Redemption> {
    Ok(Json(rewards::cancel_checked(&state, &p, &ctx, id).await?))
}

#[derive(Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct CollectBody {
    pub code: String,
}

/// Mark a redemption collected by its pickup code (the project's staff, at the counter).
#[utoipa::path(post, path = "/api/v1/redemptions/collect", tag = "volunteers", request_body = CollectBody,
    responses((status = 200, body = rewards::Redemption), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn collect(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Json(b): Json<CollectBody>,
) -> ApiResult<rewards::Redemption> {
    Ok(Json(rewards::collect_checked(&state, &p, &ctx, &b.code).await?))
}

#[derive(Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct AwardBody {
    pub project_id: i64,
    /// The resident's home as written on the door (`1-1-101`) and their name.
    pub room: String,
    pub name: String,
    /// Points to add (negative: deduct), −1000…1000.
    pub delta: i64,
    pub reason: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Balance {
    /// The resident's balance in the project after the entry.
    pub balance: i64,
}

/// Award or deduct points by hand (the project's staff): one ledger entry with the reason.
#[utoipa::path(post, path = "/api/v1/points/awards", tag = "volunteers", request_body = AwardBody,
    responses((status = 200, body = Balance), (status = 403), (status = 409), (status = 422)))]
pub async fn award(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Json(b): Json<AwardBody>,
) -> ApiResult<Balance> {
    let a = actions::Award { project: b.project_id, room: &b.room, name: &b.name, delta: b.delta, reason: &b.reason };
    let balance = actions::award_checked(&state, &p, &ctx, a).await?;
    Ok(Json(Balance { balance }))
}
