//! Attendance's SQL: a sign-up's check-in and check-out, its role, the attendance list and the 签到表.

use crate::activities::model::SignupState;
use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{db, error::AppResult, params};

#[derive(FromQueryResult)]
pub struct SignupRow {
    pub id: i64,
    pub state: SignupState,
    pub role: String,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_out_at: Option<DateTime<Utc>>,
}

pub async fn signup_row(
    conn: &impl ConnectionTrait,
    occurrence_id: OccurrenceId,
    person_id: PersonId,
) -> AppResult<Option<SignupRow>> {
    Ok(db::one(
        conn,
        "SELECT id, state, role, checked_in_at, checked_out_at FROM signups WHERE occurrence_id = $1 AND person_id = $2",
        params![occurrence_id, person_id],
    )
    .await?)
}

/// Check in; `false` when the sign-up was already checked in (compare-and-set).
pub async fn check_in(conn: &impl ConnectionTrait, signup: SignupId, now: DateTime<Utc>) -> AppResult<bool> {
    let n = db::exec(
        conn,
        "UPDATE signups SET checked_in_at = $1, updated_at = $1 WHERE id = $2 AND checked_in_at IS NULL",
        params![now, signup],
    )
    .await?
    .rows_affected();
    Ok(n > 0)
}

/// Take back a check-in made at `at` (still not checked out); `false` when it changed meanwhile.
pub async fn undo_check_in(
    conn: &impl ConnectionTrait,
    signup: SignupId,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let n = db::exec(
        conn,
        "UPDATE signups SET checked_in_at = NULL, updated_at = $1 WHERE id = $2 AND checked_in_at = $3 AND checked_out_at IS NULL",
        params![now, signup, at],
    )
    .await?
    .rows_affected();
    Ok(n > 0)
}

/// Check out with the minutes credited; `false` when already checked out (compare-and-set).
pub async fn check_out(
    conn: &impl ConnectionTrait,
    signup: SignupId,
    minutes: i64,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let n = db::exec(
        conn,
        "UPDATE signups SET checked_out_at = $1, service_minutes = $2, updated_at = $1 \
         WHERE id = $3 AND checked_out_at IS NULL",
        params![now, minutes as i32, signup],
    )
    .await?
    .rows_affected();
    Ok(n > 0)
}

/// `organiser` or `participant`.
pub async fn set_role(conn: &impl ConnectionTrait, signup: SignupId, role: &str, now: DateTime<Utc>) -> AppResult<()> {
    db::exec(conn, "UPDATE signups SET role = $1, updated_at = $2 WHERE id = $3", params![role, now, signup]).await?;
    Ok(())
}

#[derive(FromQueryResult)]
pub struct Attendee {
    pub person_id: PersonId,
    pub name: String,
    pub role: String,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_out_at: Option<DateTime<Utc>>,
}

/// The confirmed attendees of an occurrence, in sign-up order.
pub async fn attendees(conn: &impl ConnectionTrait, occurrence_id: OccurrenceId) -> AppResult<Vec<Attendee>> {
    Ok(db::all(
        conn,
        "SELECT s.person_id, pe.name, s.role, s.checked_in_at, s.checked_out_at FROM signups s JOIN persons pe ON pe.id = s.person_id \
         WHERE s.occurrence_id = $1 AND s.state = 'confirmed' ORDER BY s.id",
        params![occurrence_id],
    )
    .await?)
}

#[derive(FromQueryResult)]
pub struct SheetRow {
    pub name: String,
    pub state: SignupState,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_out_at: Option<DateTime<Utc>>,
    pub service_minutes: Option<i32>,
    pub points: Option<i32>,
}

/// The 签到表's rows: everyone not cancelled, confirmed first, with the points their check-out earned.
pub async fn sheet(conn: &impl ConnectionTrait, occurrence_id: OccurrenceId) -> AppResult<Vec<SheetRow>> {
    Ok(db::all(
        conn,
        "SELECT pe.name, s.state, s.checked_in_at, s.checked_out_at, s.service_minutes, \
         (SELECT l.delta FROM points_ledger l WHERE l.source = 'signup:' || CAST(s.id AS TEXT)) AS points \
         FROM signups s JOIN persons pe ON pe.id = s.person_id WHERE s.occurrence_id = $1 AND s.state <> 'cancelled' \
         ORDER BY CASE s.state WHEN 'confirmed' THEN 0 ELSE 1 END, s.id",
        params![occurrence_id],
    )
    .await?)
}
