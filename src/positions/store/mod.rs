//! SQL for positions: centres, hours, closed days, versions, rooms, bookings and their slots.

use crate::ids::*;
mod closed;
mod visits;
pub use closed::*;
pub use visits::*;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use super::model::{self, BookingState, Hours, Rules};
use crate::{db, db::constraint::OnConstraint, error::AppError, params};

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Centre {
    pub id: i64,
    pub project_id: ProjectId,
    pub project_name: String,
    pub name: String,
    pub address: Option<String>,
}

const CENTRE_SELECT: &str = "SELECT c.id, c.project_id, p.name AS project_name, c.name, c.address FROM centres c JOIN org_nodes p ON p.id = c.project_id";

pub async fn centre(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Centre>, AppError> {
    Ok(db::one(conn, &format!("{CENTRE_SELECT} WHERE c.id = $1"), params![id]).await?)
}

pub async fn centres_in(conn: &impl ConnectionTrait, projects: &[ProjectId]) -> Result<Vec<Centre>, AppError> {
    if projects.is_empty() {
        return Ok(vec![]);
    }
    Ok(db::all(
        conn,
        &format!(
            "{CENTRE_SELECT} WHERE c.project_id IN ({}) ORDER BY c.project_id, c.id",
            db::placeholders(1, projects.len())
        ),
        projects.iter().map(|p| (*p).into()).collect(),
    )
    .await?)
}

pub async fn create_centre(
    conn: &impl ConnectionTrait,
    project_id: ProjectId,
    name: &str,
    address: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    db::insert_id(
        conn,
        "INSERT INTO centres (project_id, name, address, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        params![project_id, name, address, now],
    )
    .await
    .on_constraint("ux_centres_project_name", || {
        AppError::conflict("duplicate_centre", "本项目已有同名服务中心", "A centre with this name exists")
    })
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct HoursRow {
    pub weekday: i32,
    pub opens: String,
    pub closes: String,
}

pub async fn hours(conn: &impl ConnectionTrait, centre_id: i64) -> Result<Vec<HoursRow>, AppError> {
    Ok(db::all(
        conn,
        "SELECT weekday, opens, closes FROM centre_hours WHERE centre_id = $1 ORDER BY weekday",
        params![centre_id],
    )
    .await?)
}

pub fn parse_hours(rows: &[HoursRow]) -> Vec<Hours> {
    let t = |s: &str| NaiveTime::parse_from_str(s, "%H:%M").ok();
    rows.iter()
        .filter_map(|r| match (t(&r.opens), t(&r.closes)) {
            (Some(o), Some(c)) => Hours::new(r.weekday as u8, o, c).ok(),
            _ => None,
        })
        .collect()
}

/// Replace a centre's weekly hours (days absent are closed).
pub async fn set_hours(conn: &impl ConnectionTrait, centre_id: i64, hours: &[Hours]) -> Result<(), AppError> {
    db::exec(conn, "DELETE FROM centre_hours WHERE centre_id = $1", params![centre_id]).await?;
    for h in hours {
        db::exec(
            conn,
            "INSERT INTO centre_hours (centre_id, weekday, opens, closes) VALUES ($1, $2, $3, $4)",
            params![
                centre_id,
                h.weekday as i32,
                h.opens.format("%H:%M").to_string(),
                h.closes.format("%H:%M").to_string()
            ],
        )
        .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, FromQueryResult)]
struct DayRow {
    day: NaiveDate,
}

pub async fn closed_days(conn: &impl ConnectionTrait, centre_id: i64) -> Result<Vec<NaiveDate>, AppError> {
    Ok(db::all::<DayRow>(
        conn,
        "SELECT day FROM centre_closed_days WHERE centre_id = $1 ORDER BY day",
        params![centre_id],
    )
    .await?
    .into_iter()
    .map(|d| d.day)
    .collect())
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Version {
    pub id: i64,
    pub version: String,
    pub effective_on: NaiveDate,
    pub summary: String,
}

pub async fn versions(conn: &impl ConnectionTrait, centre_id: i64) -> Result<Vec<Version>, AppError> {
    Ok(db::all(
        conn,
        "SELECT id, version, effective_on, summary FROM centre_versions WHERE centre_id = $1 ORDER BY effective_on DESC, id DESC",
        params![centre_id],
    )
    .await?)
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Room {
    pub id: i64,
    pub centre_id: i64,
    pub name: String,
    pub function: String,
    pub capacity: i32,
    pub needs_approval: bool,
    pub min_minutes: i32,
    pub max_minutes: i32,
    pub notice_minutes: i32,
    pub weekly_quota: i32,
    pub horizon_days: i32,
    pub no_show_minutes: i32,
}

impl Room {
    pub fn rules(&self) -> Rules {
        Rules {
            min_minutes: self.min_minutes as i64,
            max_minutes: self.max_minutes as i64,
            notice_minutes: self.notice_minutes as i64,
            weekly_quota: self.weekly_quota as i64,
            horizon_days: self.horizon_days as i64,
        }
    }
}

const ROOM_COLS: &str = "id, centre_id, name, function, capacity, needs_approval, min_minutes, max_minutes, notice_minutes, \
     weekly_quota, horizon_days, no_show_minutes";

pub async fn rooms(conn: &impl ConnectionTrait, centre_id: i64) -> Result<Vec<Room>, AppError> {
    Ok(db::all(conn, &format!("SELECT {ROOM_COLS} FROM rooms WHERE centre_id = $1 ORDER BY id"), params![centre_id])
        .await?)
}

pub async fn room(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Room>, AppError> {
    Ok(db::one(conn, &format!("SELECT {ROOM_COLS} FROM rooms WHERE id = $1"), params![id]).await?)
}

pub struct NewRoom<'a> {
    pub centre_id: i64,
    pub name: &'a str,
    pub function: &'a str,
    pub capacity: i32,
    pub needs_approval: bool,
    pub rules: Rules,
    pub no_show_minutes: i32,
}

pub async fn create_room(conn: &impl ConnectionTrait, r: &NewRoom<'_>, now: DateTime<Utc>) -> Result<i64, AppError> {
    db::insert_id(
        conn,
        "INSERT INTO rooms (centre_id, name, function, capacity, needs_approval, min_minutes, max_minutes, notice_minutes, \
         weekly_quota, no_show_minutes, created_at, horizon_days) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        params![
            r.centre_id,
            r.name,
            r.function,
            r.capacity,
            r.needs_approval,
            r.rules.min_minutes as i32,
            r.rules.max_minutes as i32,
            r.rules.notice_minutes as i32,
            r.rules.weekly_quota as i32,
            r.no_show_minutes,
            now,
            r.rules.horizon_days as i32
        ],
    )
    .await
    .on_constraint("ux_rooms_centre_name", || {
        AppError::conflict("duplicate_room", "本中心已有同名功能室", "A room with this name exists")
    })
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Booking {
    pub id: i64,
    pub room_id: i64,
    pub room_name: String,
    pub centre_id: i64,
    pub project_id: ProjectId,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub state: String,
    pub purpose: String,
    pub household_id: Option<HouseholdId>,
    pub org_name: Option<String>,
    #[serde(skip)]
    pub booked_by: Option<UserId>,
    /// Who booked (shown to staff only).
    #[serde(skip)]
    pub booker_name: Option<String>,
}

impl Booking {
    pub fn state(&self) -> BookingState {
        BookingState::parse(&self.state).unwrap_or(BookingState::Cancelled)
    }
}

const BOOKING_SELECT: &str = "SELECT b.id, b.room_id, r.name AS room_name, r.centre_id, c.project_id, b.starts_at, b.ends_at, \
     b.state, b.purpose, b.household_id, b.org_name, b.booked_by, u.display_name AS booker_name \
     FROM bookings b JOIN rooms r ON r.id = b.room_id JOIN centres c ON c.id = r.centre_id \
     LEFT JOIN users u ON u.id = b.booked_by";

pub async fn booking(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Booking>, AppError> {
    Ok(db::one(conn, &format!("{BOOKING_SELECT} WHERE b.id = $1"), params![id]).await?)
}

/// Active and past bookings of a centre's rooms from `from` on (a week's view), oldest first.
pub async fn centre_bookings(
    conn: &impl ConnectionTrait,
    centre_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Booking>, AppError> {
    Ok(db::all(
        conn,
        &format!(
            "{BOOKING_SELECT} WHERE r.centre_id = $1 AND b.starts_at >= $2 AND b.starts_at < $3 \
             AND b.state IN ('pending','approved') ORDER BY b.starts_at, b.id"
        ),
        params![centre_id, from, to],
    )
    .await?)
}

/// Bookings waiting for approval in these projects that have not begun, soonest first (at most 200).
pub async fn awaiting_approval(
    conn: &impl ConnectionTrait,
    projects: &[ProjectId],
    now: DateTime<Utc>,
) -> Result<Vec<Booking>, AppError> {
    if projects.is_empty() {
        return Ok(vec![]);
    }
    let n = projects.len();
    let mut values: Vec<sea_orm::Value> = projects.iter().map(|p| (*p).into()).collect();
    values.push(now.into());
    Ok(db::all(
        conn,
        &format!(
            "{BOOKING_SELECT} WHERE c.project_id IN ({}) AND b.state = 'pending' AND b.starts_at > ${} \
             ORDER BY b.starts_at, b.id LIMIT 200",
            db::placeholders(1, n),
            n + 1
        ),
        values,
    )
    .await?)
}

/// The caller's own bookings, newest first.
pub async fn bookings_by(conn: &impl ConnectionTrait, user_id: UserId) -> Result<Vec<Booking>, AppError> {
    Ok(db::all(conn, &format!("{BOOKING_SELECT} WHERE b.booked_by = $1 ORDER BY b.id DESC LIMIT 50"), params![user_id])
        .await?)
}

/// A household's active bookings whose start lies in [from, to) (the weekly quota).
pub async fn household_active_between(
    conn: &impl ConnectionTrait,
    household_id: HouseholdId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(db::count(
        conn,
        "SELECT COUNT(*) AS n FROM bookings WHERE household_id = $1 AND starts_at >= $2 AND starts_at < $3 \
         AND state IN ('pending','approved')",
        params![household_id, from, to],
    )
    .await?)
}

pub struct NewBooking<'a> {
    pub room_id: i64,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub state: BookingState,
    pub purpose: &'a str,
    pub household_id: Option<HouseholdId>,
    pub person_id: Option<PersonId>,
    pub org_name: Option<&'a str>,
    pub booked_by: UserId,
}

/// Insert a booking and one row per 30-minute slot. A slot another active booking holds violates the
/// unique (room, slot) key: the caller's transaction fails with `slot_taken`, and nothing is kept.
pub async fn insert_booking(
    conn: &impl ConnectionTrait,
    b: &NewBooking<'_>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let id = db::insert_id(
        conn,
        "INSERT INTO bookings (room_id, starts_at, ends_at, state, purpose, household_id, person_id, org_name, booked_by, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
        params![
            b.room_id,
            b.starts_at,
            b.ends_at,
            b.state.as_str(),
            b.purpose,
            b.household_id,
            b.person_id,
            b.org_name,
            b.booked_by,
            now
        ],
    )
    .await?;
    take_slots(conn, id, b.room_id, b.starts_at, b.ends_at).await?;
    Ok(id)
}

/// One row per 30-minute slot of a booking under the unique (room, slot) key: a slot another active
/// booking holds fails with `slot_taken`.
async fn take_slots(
    conn: &impl ConnectionTrait,
    booking_id: i64,
    room_id: i64,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> Result<(), AppError> {
    for slot in model::slots(starts_at, ends_at) {
        db::exec(
            conn,
            "INSERT INTO booking_slots (booking_id, room_id, slot_start) VALUES ($1, $2, $3)",
            params![booking_id, room_id, slot],
        )
        .await
        .on_constraint("ux_booking_slots_room_slot", slot_taken)?;
    }
    Ok(())
}

/// Move a booking to a new time: its slots are taken again, so a clash fails the caller's transaction
/// with `slot_taken`.
pub async fn move_booking(
    conn: &impl ConnectionTrait,
    id: i64,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    #[derive(FromQueryResult)]
    struct R {
        room_id: i64,
        state: String,
    }
    let Some(r) = db::one::<R>(conn, "SELECT room_id, state FROM bookings WHERE id = $1", params![id]).await? else {
        return Ok(());
    };
    if !BookingState::parse(&r.state).is_some_and(|s| s.holds_slots()) {
        return Ok(()); // cancelled meanwhile: nothing to move
    }
    db::exec(
        conn,
        "UPDATE bookings SET starts_at = $1, ends_at = $2, updated_at = $3 WHERE id = $4",
        params![starts_at, ends_at, now, id],
    )
    .await?;
    db::exec(conn, "DELETE FROM booking_slots WHERE booking_id = $1", params![id]).await?;
    take_slots(conn, id, r.room_id, starts_at, ends_at).await
}

pub fn slot_taken() -> AppError {
    AppError::conflict("slot_taken", "该时段已被预约，请换一个时间", "That time is already booked")
}

/// Move a booking to `to` if it is still `from` (compare-and-set); slots are released when the new state
/// holds none. Returns false when someone changed it first.
pub async fn set_booking_state(
    conn: &impl ConnectionTrait,
    id: i64,
    from: BookingState,
    to: BookingState,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let n = db::exec(
        conn,
        "UPDATE bookings SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4",
        params![to.as_str(), now, id, from.as_str()],
    )
    .await?
    .rows_affected();
    if n == 1 && !to.holds_slots() {
        db::exec(conn, "DELETE FROM booking_slots WHERE booking_id = $1", params![id]).await?;
    }
    Ok(n == 1)
}

/// Record an upgrade of a centre (its version history).
pub async fn add_version(
    conn: &impl ConnectionTrait,
    centre: i64,
    version: &str,
    effective_on: NaiveDate,
    summary: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    db::exec(
        conn,
        "INSERT INTO centre_versions (centre_id, version, effective_on, summary, created_at) VALUES ($1, $2, $3, $4, $5)",
        params![centre, version, effective_on, summary, now],
    )
    .await?;
    Ok(())
}
