//! JSON API for positions: a centre with its rooms, hours and the next two weeks' bookings; booking a
//! room; cancelling, approving or rejecting a booking.

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

/// A held time, without who holds it (residents see that a time is taken, not by whom).
#[derive(Serialize, utoipa::ToSchema)]
pub struct Taken {
    pub room_id: i64,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub ends_at: chrono::DateTime<chrono::Utc>,
    pub state: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CentreDetail {
    pub centre: store::Centre,
    /// Weekly hours, 1 = Monday; days absent are closed.
    pub hours: Vec<store::HoursRow>,
    pub rooms: Vec<store::Room>,
    pub versions: Vec<store::Version>,
    /// Held times in the next 14 days.
    pub taken: Vec<Taken>,
}

/// A centre with its rooms, hours, versions and the times already booked.
#[utoipa::path(get, path = "/api/v1/centres/{id}", tag = "positions", params(("id" = i64, Path)),
    responses((status = 200, body = CentreDetail), (status = 401), (status = 404)))]
pub async fn centre(
    AxState(state): AxState<AppState>,
    Auth(p, _): Auth,
    Path(id): Path<i64>,
) -> ApiResult<CentreDetail> {
    let c = actions::load_centre(&state, &p, id).await?;
    let now = state.clock.now();
    let taken = store::centre_bookings(&state.db.read, id, now - Duration::hours(12), now + Duration::days(14))
        .await?
        .into_iter()
        .map(|b| Taken { room_id: b.room_id, starts_at: b.starts_at, ends_at: b.ends_at, state: b.state })
        .collect();
    Ok(Json(CentreDetail {
        hours: store::hours(&state.db.read, id).await?,
        rooms: store::rooms(&state.db.read, id).await?,
        versions: store::versions(&state.db.read, id).await?,
        taken,
        centre: c,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewBooking {
    /// `YYYY-MM-DD`, China time.
    pub date: String,
    /// `HH:MM` on the half hour.
    pub start: String,
    pub end: String,
    pub purpose: String,
    /// Staff booking for a partner organisation.
    pub org_name: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct BookingResult {
    pub id: i64,
    /// `approved`, or `pending` where the room needs approval.
    pub state: String,
}

/// Book a room. Overlaps are refused with `slot_taken` (409); rule breaks with their own codes (422).
#[utoipa::path(post, path = "/api/v1/rooms/{id}/bookings", tag = "positions", params(("id" = i64, Path)), request_body = NewBooking,
    responses((status = 200, body = BookingResult), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn book(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Json(b): Json<NewBooking>,
) -> ApiResult<BookingResult> {
    let f = actions::BookingForm {
        date: b.date,
        start: b.start,
        end: b.end,
        purpose: b.purpose,
        org_name: b.org_name.unwrap_or_default(),
    };
    let (id, st) = actions::book_checked(&state, &p, &ctx, id, f).await?;
    Ok(Json(BookingResult { id, state: st.as_str().into() }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct BookingAction {
    /// `cancel`, `approve` or `reject`.
    pub action: String,
}

/// Cancel (the booker or staff, before it starts), approve or reject (staff) a booking.
#[utoipa::path(post, path = "/api/v1/bookings/{id}/actions", tag = "positions", params(("id" = i64, Path)), request_body = BookingAction,
    responses((status = 200, body = BookingResult), (status = 404), (status = 409)))]
pub async fn act(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Json(b): Json<BookingAction>,
) -> ApiResult<BookingResult> {
    let st = actions::booking_act_checked(&state, &p, &ctx, id, b.action.trim()).await?;
    Ok(Json(BookingResult { id, state: st.as_str().into() }))
}

// ---- a resident's own bookings, and the staff side -------------------------------------------------------

/// The caller's own bookings (newest first, 50), with their state.
#[utoipa::path(get, path = "/api/v1/me/bookings", tag = "positions",
    responses((status = 200, body = [store::Booking]), (status = 401)))]
pub async fn mine(AxState(state): AxState<AppState>, Auth(p, _): Auth) -> ApiResult<Vec<store::Booking>> {
    Ok(Json(store::bookings_by(&state.db.read, p.user_id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewCentre {
    pub project_id: i64,
    pub name: String,
    pub address: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CentreCreated {
    pub id: i64,
}

/// Open a centre in a project (its staff), open 09:00–21:00 every day until its hours are set.
#[utoipa::path(post, path = "/api/v1/centres", tag = "positions", request_body = NewCentre,
    responses((status = 200, body = CentreCreated), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn create_centre(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Json(b): Json<NewCentre>,
) -> ApiResult<CentreCreated> {
    let f = actions::NewCentreForm {
        project_id: b.project_id.to_string(),
        name: b.name,
        address: b.address.unwrap_or_default(),
    };
    Ok(Json(CentreCreated { id: actions::create_centre_checked(&state, &p, &ctx, f).await? }))
}

/// A room and its booking rules.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewRoom {
    pub name: String,
    /// One of the article's functions (议事厅, 党员活动室, 儿童之家 …).
    pub function: String,
    pub capacity: i32,
    #[serde(default)]
    pub needs_approval: bool,
    pub min_minutes: i32,
    pub max_minutes: i32,
    pub notice_minutes: i32,
    /// Bookings a household may hold in one week (0: no limit).
    pub weekly_quota: i32,
    /// How far ahead it may be booked.
    pub horizon_days: i32,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Saved {
    pub saved: bool,
}

/// Add a room to a centre (its staff).
#[utoipa::path(post, path = "/api/v1/centres/{id}/rooms", tag = "positions", params(("id" = i64, Path)), request_body = NewRoom,
    responses((status = 200, body = Saved), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn create_room(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Json(b): Json<NewRoom>,
) -> ApiResult<Saved> {
    let f = actions::NewRoomForm {
        name: b.name,
        function: b.function,
        capacity: b.capacity.to_string(),
        needs_approval: if b.needs_approval { "1".into() } else { String::new() },
        min_minutes: b.min_minutes.to_string(),
        max_minutes: b.max_minutes.to_string(),
        notice_minutes: b.notice_minutes.to_string(),
        weekly_quota: b.weekly_quota.to_string(),
        horizon_days: b.horizon_days.to_string(),
    };
    actions::create_room_checked(&state, &p, &ctx, id, f).await?;
    Ok(Json(Saved { saved: true }))
}

/// One day's opening hours.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct DayHours {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// `HH:MM`.
    pub opens: String,
    pub closes: String,
}

/// Set a centre's weekly hours (days left out are closed).
#[utoipa::path(put, path = "/api/v1/centres/{id}/hours", tag = "positions", params(("id" = i64, Path)), request_body = [DayHours],
    responses((status = 200, body = Saved), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn set_hours(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Json(days): Json<Vec<DayHours>>,
) -> ApiResult<Saved> {
    if days.len() > 7 || days.iter().any(|d| !(1..=7).contains(&d.weekday)) {
        return Err(crate::error::AppError::field("weekday", "星期应为1（周一）至7（周日），每天一次").into());
    }
    let mut f = std::collections::HashMap::new();
    for d in days {
        f.insert(format!("opens_{}", d.weekday), d.opens);
        f.insert(format!("closes_{}", d.weekday), d.closes);
    }
    actions::set_hours_checked(&state, &p, &ctx, id, f).await?;
    Ok(Json(Saved { saved: true }))
}
