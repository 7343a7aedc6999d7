//! The points ledger's SQL: append an entry, take a person's account, sum a balance, read a rule.

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::model::{DEFAULT_ORGANISER_BONUS, DEFAULT_POINTS_PER_HOUR, Entry, RankRow, Statement};
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
pub async fn lock_account(
    conn: &impl ConnectionTrait,
    person_id: PersonId,
    project_id: ProjectId,
) -> Result<(), AppError> {
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
pub async fn balance(conn: &impl ConnectionTrait, person_id: PersonId, project_id: ProjectId) -> Result<i64, AppError> {
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
pub async fn credited(conn: &impl ConnectionTrait, signup_id: SignupId) -> Result<(i64, i64), AppError> {
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
pub async fn rule(conn: &impl ConnectionTrait, project_id: ProjectId, kind: &str) -> Result<(i64, i64), AppError> {
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

/// Whether an entry with this source exists (a credit that must count once).
pub async fn has_source(conn: &impl ConnectionTrait, source: &str) -> Result<bool, AppError> {
    Ok(db::count(conn, "SELECT COUNT(*) AS n FROM points_ledger WHERE source = $1", params![source]).await? > 0)
}

/// Set a project's rule for an activity type (replacing the one before).
pub async fn set_rule(
    conn: &impl ConnectionTrait,
    project_id: ProjectId,
    kind: &str,
    per_hour: i32,
    bonus: i32,
) -> Result<(), AppError> {
    db::exec(conn, "DELETE FROM points_rules WHERE project_id = $1 AND kind = $2", params![project_id, kind]).await?;
    db::exec(
        conn,
        "INSERT INTO points_rules (project_id, kind, points_per_hour, organiser_bonus) VALUES ($1, $2, $3, $4)",
        params![project_id, kind, per_hour, bonus],
    )
    .await?;
    Ok(())
}

#[derive(FromQueryResult)]
struct Sums {
    balance: Option<i64>,
    minutes: Option<i64>,
}

/// A person's points and service minutes over all projects, and their latest 50 entries.
pub async fn statement(conn: &impl ConnectionTrait, person_id: PersonId) -> Result<Statement, AppError> {
    let sums: Option<Sums> = db::one(
        conn,
        "SELECT CAST(SUM(delta) AS BIGINT) AS balance, CAST(SUM(minutes) AS BIGINT) AS minutes FROM points_ledger WHERE person_id = $1",
        params![person_id],
    )
    .await?;
    let entries = db::all(
        conn,
        "SELECT id, delta, minutes, reason, created_at FROM points_ledger WHERE person_id = $1 ORDER BY id DESC LIMIT 50",
        params![person_id],
    )
    .await?;
    Ok(Statement {
        balance: sums.as_ref().and_then(|s| s.balance).unwrap_or(0),
        minutes: sums.as_ref().and_then(|s| s.minutes).unwrap_or(0),
        entries,
    })
}

/// Points earned (spending left out) in a project between two instants — or only by the current members
/// of one of its teams — highest first, at most 50.
pub async fn ranking(
    conn: &impl ConnectionTrait,
    project: ProjectId,
    team: Option<TeamId>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<RankRow>, AppError> {
    Ok(db::all(
        conn,
        "SELECT l.person_id, pe.name, CAST(SUM(l.delta) AS BIGINT) AS points, CAST(SUM(l.minutes) AS BIGINT) AS minutes \
         FROM points_ledger l JOIN persons pe ON pe.id = l.person_id \
         WHERE l.project_id = $1 AND l.created_at >= $2 AND l.created_at < $3 AND (l.source IS NULL OR l.source NOT LIKE 'redemption:%') \
         AND ($4 = 0 OR l.person_id IN (SELECT m.person_id FROM team_members m WHERE m.team_id = $4)) \
         GROUP BY l.person_id, pe.name ORDER BY points DESC, minutes DESC, l.person_id LIMIT 50",
        params![project, start, end, team.unwrap_or(TeamId(0))],
    )
    .await?)
}
