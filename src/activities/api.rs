//! JSON API for activities: the coming month's occurrences, sign-up and cancellation; for staff, putting
//! an activity on, editing a date (or it and the following ones) and skipping one.

use axum::{
    Json,
    extract::{Path, State as AxState},
};
use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::{actions, store};
use crate::{
    app::AppState,
    auth::{Auth, StaffUser},
    error::ApiResult,
};

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

// ---- the staff side ------------------------------------------------------------------------------------

/// A new activity (project staff). Times are China time.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewActivity {
    pub project_id: i64,
    /// `party_day`, `three_one`, `volunteer`, `festival`, `sports`, `publicity`, `care_visit`.
    pub kind: String,
    pub title: String,
    pub series: Option<String>,
    /// Defaults to the project's Party branch.
    pub organiser: Option<String>,
    pub co_organisers: Option<String>,
    pub place: Option<String>,
    /// A room of the project's centre booked for every date.
    pub room_id: Option<i64>,
    /// `all` (default), `party`, `volunteers` or `team:<id>`.
    pub audience: Option<String>,
    /// 0 or absent: no limit.
    pub capacity: Option<i32>,
    /// `YYYY-MM-DD` and `HH:MM`: the first date.
    pub date: String,
    pub start: String,
    pub duration_minutes: i32,
    /// `none` (default), `weekly`, `monthly`, or `custom` with `rrule` (FREQ=DAILY|WEEKLY|MONTHLY…).
    pub repeat: Option<String>,
    pub rrule: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ActivityCreated {
    pub id: i64,
    /// Its first date (an occurrence id).
    pub first_occurrence_id: Option<i64>,
}

/// Put on an activity and lay out its dates (half a year ahead for a series; the horizon job keeps it so).
#[utoipa::path(post, path = "/api/v1/activities", tag = "activities", request_body = NewActivity,
    responses((status = 200, body = ActivityCreated), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn create(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Json(b): Json<NewActivity>,
) -> ApiResult<ActivityCreated> {
    let f = actions::NewActivityForm {
        project_id: b.project_id.to_string(),
        kind: b.kind,
        title: b.title,
        series: b.series.unwrap_or_default(),
        organiser: b.organiser.unwrap_or_default(),
        co_organisers: b.co_organisers.unwrap_or_default(),
        place: b.place.unwrap_or_default(),
        room_id: b.room_id.map(|r| r.to_string()).unwrap_or_default(),
        audience: b.audience.unwrap_or_default(),
        capacity: b.capacity.map(|c| c.to_string()).unwrap_or_default(),
        date: b.date,
        start: b.start,
        duration_minutes: b.duration_minutes.to_string(),
        repeat: b.repeat.unwrap_or_default(),
        rrule: b.rrule.unwrap_or_default(),
    };
    let id = actions::create_checked(&state, &p, &ctx, f).await?;
    Ok(Json(ActivityCreated { id, first_occurrence_id: store::first_occurrence(&state.db.read, id).await? }))
}

/// A change to one date, or to it and every later one of its series (RFC 5545's "this and following").
#[derive(Deserialize, utoipa::ToSchema)]
pub struct EditBody {
    /// `one` or `following`.
    pub scope: String,
    pub title: String,
    pub place: Option<String>,
    pub capacity: i32,
    /// `HH:MM`, China time.
    pub start: String,
    pub duration_minutes: i64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Edited {
    /// How many dates changed.
    pub dates: usize,
}

/// Edit a date that has not begun (or it and the following ones); those signed up are told of a new time.
#[utoipa::path(post, path = "/api/v1/occurrences/{id}/edit", tag = "activities", params(("id" = i64, Path)), request_body = EditBody,
    responses((status = 200, body = Edited), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn edit(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Json(b): Json<EditBody>,
) -> ApiResult<Edited> {
    let f = super::edit::EditForm {
        scope: b.scope,
        title: b.title,
        place: b.place.unwrap_or_default(),
        capacity: b.capacity.to_string(),
        start: b.start,
        duration_minutes: b.duration_minutes.to_string(),
    };
    Ok(Json(Edited { dates: super::edit::edit_checked(&state, &p, &ctx, id, &f).await? }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Skipped {
    /// `skipped`.
    pub state: String,
}

/// Skip one date (the series goes on); those signed up are told.
#[utoipa::path(post, path = "/api/v1/occurrences/{id}/skip", tag = "activities", params(("id" = i64, Path)),
    responses((status = 200, body = Skipped), (status = 401), (status = 403), (status = 404), (status = 409)))]
pub async fn skip(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
) -> ApiResult<Skipped> {
    actions::skip_checked(&state, &p, &ctx, id).await?;
    Ok(Json(Skipped { state: super::model::OccurrenceState::Skipped.as_str().into() }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Cancelled {
    /// Dates taken off (those not yet begun).
    pub dates: usize,
}

/// Cancel an activity from now on: its series ends, the dates not yet begun are off, those signed up
/// are told.
#[utoipa::path(post, path = "/api/v1/activities/{id}/cancel", tag = "activities", params(("id" = i64, Path)),
    responses((status = 200, body = Cancelled), (status = 401), (status = 403), (status = 404), (status = 409)))]
pub async fn cancel_activity(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
) -> ApiResult<Cancelled> {
    Ok(Json(Cancelled { dates: actions::cancel_activity_checked(&state, &p, &ctx, id).await? }))
}

/// 活动纪实 as JSON.
#[derive(Serialize, utoipa::ToSchema)]
pub struct WriteupView {
    pub occurrence_id: i64,
    /// Empty until written.
    pub body: String,
    /// Who came: as written, or those checked in.
    pub attendance: i64,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Photo addresses (same authentication as this call).
    pub photos: Vec<String>,
}

/// An occurrence's write-up (anyone who may see the activity).
#[utoipa::path(get, path = "/api/v1/occurrences/{id}/writeup", tag = "activities", params(("id" = i64, Path)),
    responses((status = 200, body = WriteupView), (status = 401), (status = 404)))]
pub async fn writeup(
    AxState(state): AxState<AppState>,
    Auth(p, _): Auth,
    Path(id): Path<i64>,
) -> ApiResult<WriteupView> {
    Ok(Json(writeup_view(&state, &p, id).await?))
}

async fn writeup_view(state: &AppState, p: &crate::auth::Principal, id: i64) -> crate::error::AppResult<WriteupView> {
    let o = actions::load(state, p, id).await?;
    let w = store::writeup(&state.db.read, crate::ids::OccurrenceId(o.id)).await?;
    let attendance = match w.as_ref().and_then(|w| w.attendance) {
        Some(n) => n as i64,
        None => store::checked_in(&state.db.read, crate::ids::OccurrenceId(o.id)).await?,
    };
    Ok(WriteupView {
        occurrence_id: o.id,
        body: w.as_ref().map(|w| w.body.clone()).unwrap_or_default(),
        updated_at: w.map(|w| w.updated_at),
        attendance,
        photos: store::photo_urls(&state.db.read, crate::ids::OccurrenceId(o.id)).await?,
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct WriteupBody {
    pub body: String,
    /// Who came; absent: those checked in.
    pub attendance: Option<i32>,
}

/// Write or rewrite an occurrence's write-up once it has begun (project staff; photos go through the
/// page's upload).
#[utoipa::path(put, path = "/api/v1/occurrences/{id}/writeup", tag = "activities", params(("id" = i64, Path)),
    request_body = WriteupBody,
    responses((status = 200, body = WriteupView), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn put_writeup(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Json(b): Json<WriteupBody>,
) -> ApiResult<WriteupView> {
    let o = actions::load(&state, &p, id).await?;
    let f = super::writeup::WriteupForm {
        body: b.body,
        attendance: b.attendance.map(|n| n.to_string()).unwrap_or_default(),
    };
    super::writeup::save_checked(&state, &p, &ctx, &o, f, Vec::new()).await?;
    Ok(Json(writeup_view(&state, &p, id).await?))
}
