//! JSON API for positions: a centre with its rooms, hours and the next two weeks' bookings; booking a
//! room; cancelling, approving or rejecting a booking.

use axum::{
    Json,
    extract::{Path, State as AxState},
};
use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::{actions, store};
use crate::{app::AppState, auth::Auth, error::ApiResult};

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
