//! JSON API for resident requests (`/api/v1/requests`).

use crate::ids::*;
use axum::{
    Json,
    extract::{Path, Query, State as AxState},
};
use serde::{Deserialize, Serialize};

use super::{
    actions::{self, ActionForm, NewRequestForm},
    store::{self, QueueFilter},
};
use crate::auth::StaffUser;
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
        let projects: Vec<ProjectId> = p.scope.read_projects.iter().copied().collect();
        store::queue(&state.db.read, &projects, p.person_id, &p.staff_posts(), &f, state.clock.now()).await?
    } else {
        match p.person_id {
            Some(pid) => store::reported_by(&state.db.read, pid, f.before).await?,
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
    pub household_id: Option<HouseholdId>,
    pub location_text: Option<String>,
    /// Staff entry on a resident's behalf: `staff_phone` or `staff_walk_in`; `supervisor`, `grid_member`.
    pub channel: Option<String>,
    /// WGS-84 coordinates of a public spot (both or neither).
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// Staff entry: the home as `1-1-101` instead of `household_id`.
    pub room: Option<String>,
    /// A public-area report: the building or unit (an org node id) it is in; `location_text` may then
    /// say where in it.
    pub place_id: Option<i64>,
    /// A public-area report: one of the project's named spots (`GET /api/v1/projects/{id}/spots`).
    pub spot_id: Option<i64>,
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
        lat: b.lat.map(|v| v.to_string()).unwrap_or_default(),
        lng: b.lng.map(|v| v.to_string()).unwrap_or_default(),
        room: b.room.unwrap_or_default(),
        place_id: b.place_id.map(|v| v.to_string()).unwrap_or_default(),
        spot_id: b.spot_id.map(|v| v.to_string()).unwrap_or_default(),
    };
    Ok(Json(Created { id: actions::create_checked(&state, &p, &ctx, f, vec![]).await? }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RequestDetail {
    pub request: store::RequestRow,
    pub timeline: Vec<store::EventRow>,
    /// Photo addresses (same authentication as this call).
    pub photos: Vec<String>,
    /// Where it was pushed up (上报) and what came back.
    pub referrals: Vec<super::store::referrals::ReferralRow>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PhotosAdded {
    pub added: usize,
    /// All the request's photo addresses.
    pub photos: Vec<String>,
}

/// Add photos (multipart, field `photo`, JPEG/PNG/WebP checked by content, up to 3 per call and 9 per
/// request).
#[utoipa::path(post, path = "/api/v1/requests/{id}/photos", tag = "requests", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "one or more `photo` files"),
    responses((status = 200, body = PhotosAdded), (status = 403), (status = 404), (status = 409), (status = 413), (status = 422)))]
pub async fn add_photos(
    st: AxState<AppState>,
    a: Auth,
    path: Path<i64>,
    req: axum::extract::Request,
) -> ApiResult<PhotosAdded> {
    super::photos::api_add(st, a, path, req).await
}

/// One request with its timeline.
#[utoipa::path(get, path = "/api/v1/requests/{id}", tag = "requests", params(("id" = i64, Path)),
    responses((status = 200, body = RequestDetail), (status = 404)))]
pub async fn get(AxState(state): AxState<AppState>, Auth(p, _): Auth, Path(id): Path<i64>) -> ApiResult<RequestDetail> {
    let r = actions::load(&state, &p, id).await?;
    let photos =
        super::photos::ids(&state.db.read, id).await?.into_iter().map(|pid| super::photos::url(id, pid)).collect();
    let timeline = actions::referrals::timeline_for(&p, &r, store::events(&state.db.read, id).await?);
    let referrals = actions::referrals::of_request_for(&state, &p, &r).await?;
    Ok(Json(RequestDetail { timeline, referrals, request: r, photos }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ActionBody {
    /// `dispatch`, `accept`, `return`, `transfer`, `suspend`, `resume`, `escalate_outside`, `outside_answer`,
    /// `complete`, `chase`, `reopen`, `rate`, `return_visit`, `void`, `manager_visit`.
    pub action: String,
    pub reason: Option<String>,
    /// Dispatch / transfer to a person of the project…
    pub assignee_person_id: Option<i64>,
    /// …or to a post (岗位), e.g. `工程维修`.
    pub handler_post: Option<String>,
    /// `YYYY-MM-DDTHH:MM`, China time.
    pub resume_at: Option<String>,
    /// `community`, `street`, `12345`.
    pub outside: Option<String>,
    /// The hotline's ticket number (工单号), when pushed up to 12345.
    pub outside_ref: Option<String>,
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
        handler_post: b.handler_post.unwrap_or_default(),
        resume_at: b.resume_at.unwrap_or_default(),
        outside: b.outside.unwrap_or_default(),
        outside_ref: b.outside_ref.unwrap_or_default(),
        resolved: if b.resolved == Some(true) { "1".into() } else { String::new() },
        speed: s(b.speed),
        quality: s(b.quality),
        attitude: s(b.attitude),
    };
    let st = actions::act_checked(&state, &p, &ctx, id, f).await?;
    Ok(Json(ActionResult { state: st.as_str().into() }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Visits {
    /// Days a finished request may wait for a rating before it is listed.
    pub days: i64,
    /// Finished, not rated within `days`: staff visit or call, then record `return_visit`.
    pub unrated: Vec<store::RequestRow>,
    /// A bad rating asked the project manager for a second visit (`manager_visit`).
    pub second: Vec<store::RequestRow>,
}

/// 回访: the return visits owed in the caller's projects.
#[utoipa::path(get, path = "/api/v1/requests/visits", tag = "requests",
    responses((status = 200, body = Visits), (status = 401), (status = 403)))]
pub async fn visits(AxState(state): AxState<AppState>, StaffUser(p, _): StaffUser) -> ApiResult<Visits> {
    let projects: Vec<ProjectId> = p.scope.write_projects.iter().copied().collect();
    let now = state.clock.now();
    let days = state.config.return_visit_days;
    let rows = store::return_visits(&state.db.read, &projects, days, now).await?;
    let (second, unrated): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| r.manager_visit_due);
    let unrated =
        unrated.into_iter().filter(|r| super::model::return_visit_due(r.state(), r.completed_at, days, now)).collect();
    Ok(Json(Visits { days, unrated, second }))
}

/// A project's request categories with their SLAs: for its residents (to report), staff and readers.
#[utoipa::path(get, path = "/api/v1/projects/{id}/request-categories", tag = "requests", params(("id" = i64, Path)),
    responses((status = 200, body = [store::Category]), (status = 401), (status = 404)))]
pub async fn categories(
    AxState(state): AxState<AppState>,
    Auth(p, _): Auth,
    Path(id): Path<i64>,
) -> ApiResult<Vec<store::Category>> {
    let allowed = p.scope.can_read_project(ProjectId(id))
        || p.has_role_at(crate::auth::model::Role::Supervisor, id)
        || p.scope.home_in(ProjectId(id)).is_some();
    if !allowed {
        return Err(AppError::not_found().into());
    }
    Ok(Json(store::categories(&state.db.read, ProjectId(id)).await?))
}
