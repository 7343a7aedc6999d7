//! Changing an activity's dates (`edit.rs`): this date, or this and the later ones of a series.

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{
    db::{self, constraint::OnConstraint},
    error::AppError,
    params,
};

#[derive(FromQueryResult)]
pub struct DateRow {
    pub id: i64,
    pub starts_at: DateTime<Utc>,
    pub booking_id: Option<i64>,
}

/// This and every later scheduled date of an activity.
pub async fn dates_from(
    conn: &impl ConnectionTrait,
    activity: i64,
    from: DateTime<Utc>,
) -> Result<Vec<DateRow>, AppError> {
    Ok(db::all(
        conn,
        "SELECT id, starts_at, booking_id FROM activity_occurrences WHERE activity_id = $1 AND starts_at >= $2 \
         AND state = 'scheduled' ORDER BY starts_at",
        params![activity, from],
    )
    .await?)
}

pub async fn dates_by_id(conn: &impl ConnectionTrait, id: i64) -> Result<Vec<DateRow>, AppError> {
    Ok(db::all(conn, "SELECT id, starts_at, booking_id FROM activity_occurrences WHERE id = $1", params![id]).await?)
}

/// How many dates of the activity come before `at` (0: `at` is its first).
pub async fn dates_before(conn: &impl ConnectionTrait, activity: i64, at: DateTime<Utc>) -> Result<i64, AppError> {
    Ok(db::count(
        conn,
        "SELECT COUNT(*) AS n FROM activity_occurrences WHERE activity_id = $1 AND starts_at < $2",
        params![activity, at],
    )
    .await?)
}

pub async fn update_activity(
    conn: &impl ConnectionTrait,
    activity: i64,
    title: &str,
    place: Option<&str>,
    capacity: i32,
    duration: i64,
) -> Result<(), AppError> {
    db::exec(
        conn,
        "UPDATE activities SET title = $1, place = $2, capacity = $3, duration_minutes = $4 WHERE id = $5",
        params![title, place, capacity, duration as i32, activity],
    )
    .await?;
    Ok(())
}

/// A copy of the activity with new details (a series split at a date); returns its id.
#[allow(clippy::too_many_arguments)]
pub async fn copy_activity(
    conn: &impl ConnectionTrait,
    activity: i64,
    title: &str,
    place: Option<&str>,
    capacity: i32,
    duration: i64,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO activities (project_id, kind, title, series, organiser, co_organisers, place, audience, team_id, room_id, \
         capacity, rrule, duration_minutes, created_by, created_at) SELECT project_id, kind, $1, series, organiser, \
         co_organisers, $2, audience, team_id, room_id, $3, rrule, $4, $5, $6 FROM activities WHERE id = $7 RETURNING id",
        params![title, place, capacity, duration as i32, by, now, activity],
    )
    .await?)
}

fn date_taken() -> AppError {
    AppError::conflict("date_taken", "这个时间已有同一活动的场次", "Another date of this activity is at that time")
}

/// One date gets its own details and time.
pub async fn override_date(
    conn: &impl ConnectionTrait,
    id: i64,
    title: &str,
    place: Option<&str>,
    capacity: i32,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
) -> Result<(), AppError> {
    db::exec(
        conn,
        "UPDATE activity_occurrences SET title = $1, place = $2, capacity = $3, starts_at = $4, ends_at = $5 WHERE id = $6",
        params![title, place, capacity, starts, ends, id],
    )
    .await
    .on_constraint("ux_occurrences_activity_start", date_taken)?;
    Ok(())
}

/// A date joins an activity (the series' details, no overrides) at a new time.
pub async fn move_date(
    conn: &impl ConnectionTrait,
    id: i64,
    activity: i64,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
) -> Result<(), AppError> {
    db::exec(
        conn,
        "UPDATE activity_occurrences SET activity_id = $1, title = NULL, place = NULL, capacity = NULL, starts_at = $2, \
         ends_at = $3 WHERE id = $4",
        params![activity, starts, ends, id],
    )
    .await
    .on_constraint("ux_occurrences_activity_start", date_taken)?;
    Ok(())
}

/// People signed up (confirmed or waiting) for a date.
pub async fn signed_up(conn: &impl ConnectionTrait, occurrence: OccurrenceId) -> Result<Vec<PersonId>, AppError> {
    #[derive(FromQueryResult)]
    struct P {
        person_id: PersonId,
    }
    Ok(db::all::<P>(
        conn,
        "SELECT person_id FROM signups WHERE occurrence_id = $1 AND state IN ('confirmed', 'waitlisted')",
        params![occurrence],
    )
    .await?
    .into_iter()
    .map(|p| p.person_id)
    .collect())
}

/// Skipped dates after `after` follow the rest of the series to its new activity.
pub async fn move_skipped_dates(
    conn: &impl ConnectionTrait,
    from: i64,
    to: i64,
    after: DateTime<Utc>,
) -> Result<(), AppError> {
    db::exec(
        conn,
        "UPDATE activity_occurrences SET activity_id = $1 WHERE activity_id = $2 AND starts_at > $3 AND state <> 'scheduled'",
        params![to, from, after],
    )
    .await?;
    Ok(())
}
