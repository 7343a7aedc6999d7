//! SQL for the rolling horizon of recurring activities: which series are due to be laid out further,
//! moving a series' mark compare-and-set (so two instances extend it once), and ending or restarting a
//! series when "this and following" splits it.

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{db, error::AppError, params};

#[derive(Debug, Clone, FromQueryResult)]
pub struct SeriesDue {
    pub id: i64,
    pub project_id: ProjectId,
    pub title: String,
    pub organiser: String,
    pub room_id: Option<i64>,
    pub created_by: Option<UserId>,
    pub duration_minutes: i32,
    pub rrule: String,
    pub series_start: DateTime<Utc>,
    pub series_until: Option<DateTime<Utc>>,
    pub laid_until: DateTime<Utc>,
}

/// Open series laid out only up to before `mark` (200 per run, the least laid out first).
pub async fn due(conn: &impl ConnectionTrait, mark: DateTime<Utc>) -> Result<Vec<SeriesDue>, AppError> {
    Ok(db::all(
        conn,
        "SELECT id, project_id, title, organiser, room_id, created_by, duration_minutes, rrule, series_start, series_until, laid_until \
         FROM activities WHERE rrule IS NOT NULL AND series_start IS NOT NULL AND laid_until < $1 \
         AND (series_until IS NULL OR laid_until < series_until) ORDER BY laid_until, id LIMIT 200",
        params![mark],
    )
    .await?)
}

/// Move a series' mark from `from` to `to`; `false` if another instance moved it first.
pub async fn advance(
    conn: &impl ConnectionTrait,
    id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<bool, AppError> {
    Ok(db::exec(conn, "UPDATE activities SET laid_until = $1 WHERE id = $2 AND laid_until = $3", params![to, id, from])
        .await?
        .rows_affected()
        == 1)
}

/// A series ends: no date after `until` is laid out any more.
pub async fn end(conn: &impl ConnectionTrait, id: i64, until: DateTime<Utc>) -> Result<(), AppError> {
    db::exec(conn, "UPDATE activities SET series_until = $1 WHERE id = $2", params![until, id]).await?;
    Ok(())
}

/// A series (re)starts its rule at `start`, laid out as far as `laid_until` (a split's second half takes
/// the first half's mark).
pub async fn restart(
    conn: &impl ConnectionTrait,
    id: i64,
    start: DateTime<Utc>,
    laid_until: Option<DateTime<Utc>>,
) -> Result<(), AppError> {
    db::exec(
        conn,
        "UPDATE activities SET series_start = $1, laid_until = COALESCE($2, laid_until) WHERE id = $3",
        params![start, laid_until, id],
    )
    .await?;
    Ok(())
}

#[derive(FromQueryResult)]
struct Mark {
    laid_until: Option<DateTime<Utc>>,
}

pub async fn laid_until(conn: &impl ConnectionTrait, id: i64) -> Result<Option<DateTime<Utc>>, AppError> {
    Ok(db::one::<Mark>(conn, "SELECT laid_until FROM activities WHERE id = $1", params![id])
        .await?
        .and_then(|m| m.laid_until))
}
