//! JSON API for resident requests (`/api/v1/requests`).

use axum::{
    Json,
    extract::{Path, Query, State as AxState},
};
use serde::{Deserialize, Serialize};

use super::{
    pages::{self, ActionForm, NewRequestForm},
    store::{self, QueueFilter},
};
use crate::{
    app::AppState,
    auth::{Auth, model::Access},
    error::{ApiResult, AppError},
    org::api::Created,
};

/// Desk users: the work queue of their projects (filters, keyset pagination). Residents: what they reported.
#[utoipa::path(get, path = "/api/v1/requests", tag = "requests", params(QueueFilter),
    responses((status = 200, body = [store::RequestRow]), (status = 401)))]
pub async fn list(
    AxState(state): AxState<AppState>,
    Auth(p, _): Auth,
    Query(f): Query<QueueFilter>,
) -> ApiResult<Vec<store::RequestRow>> {
    let rows = if p.has(Access::Desk) {
        let projects: Vec<i64> = p.scope.read_projects.iter().copied().collect();
        store::queue(&state.db.read, &projects, p.person_id, &f, state.clock.now()).await?
    } else {
        match p.person_id {
            Some(pid) => store::reported_by(&state.db.read, pid).await?,
            None => vec![],
        }
    };
    Ok(Json(rows))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewRequest {
    pub category_id: i64,
    /// `repair`, `complaint`, `suggestion`, `inquiry`, `praise`.
    pub kind: Option<String>,
    pub description: String,
    /// The home concerned; omit for a public spot and give `location_text`.
    pub household_id: Option<i64>,
    pub location_text: Option<String>,
    /// Staff entry on a resident's behalf: `staff_phone` or `staff_walk_in`.
    pub channel: Option<String>,
}

/// Report a request.
#[utoipa::path(post, path = "/api/v1/requests", tag = "requests", request_body = NewRequest,
    responses((status = 200, body = Created), (status = 403), (status = 422)))]
pub async fn create(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Json(b): Json<NewRequest>,
) -> ApiResult<Created> {
    let f = NewRequestForm {
        category_id: b.category_id.to_string(),
        kind: b.kind.unwrap_or_default(),
        description: b.description,
        household_id: b.household_id.map(|h| h.to_string()).unwrap_or_default(),
        location_text: b.location_text.unwrap_or_default(),
        channel: b.channel.unwrap_or_default(),
    };
    Ok(Json(Created { id: pages::create_checked(&state, &p, &ctx, f).await? }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RequestDetail {
    pub request: store::RequestRow,
    pub timeline: Vec<store::EventRow>,
}

/// One request with its timeline.
#[utoipa::path(get, path = "/api/v1/requests/{id}", tag = "requests", params(("id" = i64, Path)),
    responses((status = 200, body = RequestDetail), (status = 404)))]
pub async fn get(AxState(state): AxState<AppState>, Auth(p, _): Auth, Path(id): Path<i64>) -> ApiResult<RequestDetail> {
    let r = store::request(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    if !pages::readable(&p, &r) {
        return Err(AppError::not_found().into());
    }
    Ok(Json(RequestDetail { timeline: store::events(&state.db.read, id).await?, request: r }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ActionBody {
    /// `dispatch`, `accept`, `return`, `transfer`, `suspend`, `resume`, `escalate_outside`, `outside_answer`,
    /// `complete`, `chase`, `reopen`, `rate`, `return_visit`, `void`.
    pub action: String,
    pub reason: Option<String>,
    pub assignee_person_id: Option<i64>,
    /// `YYYY-MM-DDTHH:MM`, China time.
    pub resume_at: Option<String>,
    /// `community`, `street`, `12345`.
    pub outside: Option<String>,
    pub resolved: Option<bool>,
    pub speed: Option<u8>,
    pub quality: Option<u8>,
    pub attitude: Option<u8>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ActionResult {
    /// The request's state after the action.
    pub state: String,
}

/// Apply an action; refused with `illegal_transition` when the state or the caller does not allow it.
#[utoipa::path(post, path = "/api/v1/requests/{id}/actions", tag = "requests", params(("id" = i64, Path)), request_body = ActionBody,
    responses((status = 200, body = ActionResult), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn act(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Json(b): Json<ActionBody>,
) -> ApiResult<ActionResult> {
    let s = |v: Option<u8>| v.map(|x| x.to_string()).unwrap_or_default();
    let f = ActionForm {
        action: b.action,
        reason: b.reason.unwrap_or_default(),
        assignee_person_id: b.assignee_person_id.map(|x| x.to_string()).unwrap_or_default(),
        resume_at: b.resume_at.unwrap_or_default(),
        outside: b.outside.unwrap_or_default(),
        resolved: if b.resolved == Some(true) { "1".into() } else { String::new() },
        speed: s(b.speed),
        quality: s(b.quality),
        attitude: s(b.attitude),
    };
    let st = pages::act_checked(&state, &p, &ctx, id, f).await?;
    Ok(Json(ActionResult { state: st.as_str().into() }))
}
