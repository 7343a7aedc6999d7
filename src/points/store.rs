//! The points ledger's SQL: append an entry, take a person's account, sum a balance, read a rule.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::model::{DEFAULT_ORGANISER_BONUS, DEFAULT_POINTS_PER_HOUR, Entry};
use crate::{db, error::AppError, params};

/// Append one entry (inside the caller's transaction). A second entry with the same source fails on
/// the unique key, so the caller's transaction rolls back.
pub async fn append(conn: &impl ConnectionTrait, e: &Entry, now: DateTime<Utc>) -> Result<(), AppError> {
    db::exec(
        conn,
        "INSERT INTO points_ledger (person_id, project_id, delta, minutes, reason, source, author_user_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        params![
            e.person_id,
            e.project_id,
            e.delta as i32,
            e.minutes as i32,
            e.reason.clone(),
            e.source.clone(),
            e.author,
            now
        ],
    )
    .await?;
    Ok(())
}

/// Take the person's account row in this project for the rest of the transaction (PostgreSQL: a row
/// lock; SQLite: the single writer). Created on first use.
pub async fn lock_account(conn: &impl ConnectionTrait, person_id: i64, project_id: i64) -> Result<(), AppError> {
    db::exec(
        conn,
        "INSERT INTO points_accounts (person_id, project_id, seq) VALUES ($1, $2, 0) \
         ON CONFLICT (person_id, project_id) DO NOTHING",
        params![person_id, project_id],
    )
    .await?;
    db::exec(
        conn,
        "UPDATE points_accounts SET seq = seq + 1 WHERE person_id = $1 AND project_id = $2",
        params![person_id, project_id],
    )
    .await?;
    Ok(())
}

#[derive(FromQueryResult)]
struct Sum {
    n: Option<i64>,
}

/// A person's balance in a project: the sum of the ledger.
pub async fn balance(conn: &impl ConnectionTrait, person_id: i64, project_id: i64) -> Result<i64, AppError> {
    Ok(db::one::<Sum>(
        conn,
        "SELECT CAST(SUM(delta) AS BIGINT) AS n FROM points_ledger WHERE person_id = $1 AND project_id = $2",
        params![person_id, project_id],
    )
    .await?
    .and_then(|s| s.n)
    .unwrap_or(0))
}

/// Minutes and points credited so far for one attendance (its check-out and corrections; not the bonus).
pub async fn credited(conn: &impl ConnectionTrait, signup_id: i64) -> Result<(i64, i64), AppError> {
    #[derive(FromQueryResult)]
    struct C {
        minutes: Option<i64>,
        points: Option<i64>,
    }
    let c = db::one::<C>(
        conn,
        "SELECT CAST(SUM(minutes) AS BIGINT) AS minutes, CAST(SUM(delta) AS BIGINT) AS points FROM points_ledger \
         WHERE source = $1 OR source IN (SELECT $1 || ':correction:' || CAST(c.id AS TEXT) FROM hour_corrections c \
         WHERE c.signup_id = $2 AND c.state = 'approved')",
        params![format!("signup:{signup_id}"), signup_id],
    )
    .await?;
    Ok(c.map(|c| (c.minutes.unwrap_or(0), c.points.unwrap_or(0))).unwrap_or((0, 0)))
}

/// A project's rule for an activity type: points per hour and the organiser bonus.
pub async fn rule(conn: &impl ConnectionTrait, project_id: i64, kind: &str) -> Result<(i64, i64), AppError> {
    #[derive(FromQueryResult)]
    struct R {
        points_per_hour: i32,
        organiser_bonus: i32,
    }
    Ok(db::one::<R>(
        conn,
        "SELECT points_per_hour, organiser_bonus FROM points_rules WHERE project_id = $1 AND kind = $2",
        params![project_id, kind],
    )
    .await?
    .map(|r| (r.points_per_hour as i64, r.organiser_bonus as i64))
    .unwrap_or((DEFAULT_POINTS_PER_HOUR, DEFAULT_ORGANISER_BONUS)))
}
