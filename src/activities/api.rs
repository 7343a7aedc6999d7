//! JSON API for activities: the coming month's occurrences, sign-up and cancellation.

use axum::{
    Json,
    extract::{Path, State as AxState},
};
use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::{actions, store};
use crate::{app::AppState, auth::Auth, error::ApiResult};

/// The coming month's activities in the caller's estates, soonest first.
#[utoipa::path(get, path = "/api/v1/activities", tag = "activities",
    responses((status = 200, body = [store::Occurrence]), (status = 401)))]
pub async fn list(AxState(state): AxState<AppState>, Auth(p, _): Auth) -> ApiResult<Vec<store::Occurrence>> {
    let projects = p.scope.visible_projects();
    let now = state.clock.now();
    Ok(Json(store::upcoming(&state.db.read, &projects, now - Duration::hours(3), now + Duration::days(31)).await?))
}

#[derive(Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct SignupBody {
    /// Staff signing up a resident without a phone: the home (`1-1-101`) and the resident's name.
    pub room: Option<String>,
    pub name: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SignupResult {
    /// `confirmed`, `waitlisted`, or `cancelled`.
    pub state: String,
    /// After a cancellation: the person promoted from the wait list, if any.
    pub promoted_person_id: Option<i64>,
}

fn form(b: SignupBody) -> actions::SignupForm {
    actions::SignupForm { room: b.room.unwrap_or_default(), name: b.name.unwrap_or_default() }
}

/// Sign up for one occurrence: confirmed while there is room, else on the wait list.
#[utoipa::path(post, path = "/api/v1/occurrences/{id}/signup", tag = "activities", params(("id" = i64, Path)), request_body = SignupBody,
    responses((status = 200, body = SignupResult), (status = 403), (status = 404), (status = 409)))]
pub async fn signup(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Json(b): Json<SignupBody>,
) -> ApiResult<SignupResult> {
    let place = actions::signup_checked(&state, &p, &ctx, id, form(b)).await?;
    Ok(Json(SignupResult { state: place.as_str().into(), promoted_person_id: None }))
}

/// Cancel a sign-up; the first on the wait list takes the place and is notified.
#[utoipa::path(post, path = "/api/v1/occurrences/{id}/cancel", tag = "activities", params(("id" = i64, Path)), request_body = SignupBody,
    responses((status = 200, body = SignupResult), (status = 404), (status = 409)))]
pub async fn cancel(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Json(b): Json<SignupBody>,
) -> ApiResult<SignupResult> {
    let promoted = actions::cancel_checked(&state, &p, &ctx, id, form(b)).await?;
    Ok(Json(SignupResult { state: super::model::SignupState::Cancelled.as_str().into(), promoted_person_id: promoted }))
}
