//! The escalation job's SQL.

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{db, error::AppError, params};

#[derive(FromQueryResult)]
pub struct Due {
    pub id: i64,
    pub project_id: ProjectId,
    pub category_name: String,
    pub state: String,
    pub level: String,
    pub last_escalated_at: Option<DateTime<Utc>>,
    pub respond_by: DateTime<Utc>,
    pub complete_by: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
}

/// Open requests past a deadline at a level below the top whose last raise is older than `cutoff`
/// (500, oldest first). `r.id + 0` keeps PostgreSQL from walking the whole primary key for the order:
/// the candidates come from `ix_requests_escalation` and only they are sorted.
pub async fn overdue(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    cutoff: DateTime<Utc>,
) -> Result<Vec<Due>, AppError> {
    Ok(db::all(
        conn,
        "SELECT r.id, r.project_id, c.name AS category_name, r.state, r.level, r.last_escalated_at, \
         r.respond_by, r.complete_by, r.responded_at \
         FROM requests r JOIN request_categories c ON c.id = r.category_id \
         WHERE r.state IN ('pending','dispatched','in_progress') AND r.level IN ('handler','manager') \
           AND ((r.responded_at IS NULL AND r.respond_by < $1) OR r.complete_by < $1) \
           AND (r.last_escalated_at IS NULL OR r.last_escalated_at <= $2) \
         ORDER BY r.id + 0 LIMIT 500",
        params![now, cutoff],
    )
    .await?)
}

/// Raise one level, once: `false` when another instance raised it first (compare-and-set on the level
/// and on the last raise it was decided from).
pub async fn raise_level(
    conn: &impl ConnectionTrait,
    id: i64,
    from: &str,
    to: &str,
    now: DateTime<Utc>,
    last: Option<DateTime<Utc>>,
) -> Result<bool, AppError> {
    let n = db::exec(
        conn,
        "UPDATE requests SET level = $1, last_escalated_at = $2, updated_at = $2 \
         WHERE id = $3 AND level = $4 AND ((last_escalated_at IS NULL AND $5 IS NULL) OR last_escalated_at = $5)",
        params![to, now, id, from, last],
    )
    .await?
    .rows_affected();
    Ok(n > 0)
}

/// A suspended request whose resume time has come.
#[derive(FromQueryResult)]
pub struct ToResume {
    pub id: i64,
    pub category_name: String,
    pub assignee_person_id: Option<PersonId>,
    pub complete_by: DateTime<Utc>,
    pub suspended_at: Option<DateTime<Utc>>,
    pub resume_at: Option<DateTime<Utc>>,
}

/// Suspended requests due to resume at `now` (500, soonest first), from `ix_requests_resume_at`.
pub async fn due_to_resume(conn: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Vec<ToResume>, AppError> {
    Ok(db::all(
        conn,
        "SELECT r.id, c.name AS category_name, r.assignee_person_id, r.complete_by, r.suspended_at, r.resume_at \
         FROM requests r JOIN request_categories c ON c.id = r.category_id \
         WHERE r.resume_at <= $1 AND r.state = 'suspended' ORDER BY r.resume_at LIMIT 500",
        params![now],
    )
    .await?)
}

/// Resume one suspended request, once: back in progress, the pause ended and the deadline moved to
/// `complete_by`; `false` when it was no longer suspended (resumed by hand, or by another instance).
pub async fn resume(
    conn: &impl ConnectionTrait,
    id: i64,
    complete_by: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let n = db::exec(
        conn,
        "UPDATE requests SET state = 'in_progress', suspended_at = NULL, resume_at = NULL, complete_by = $1, \
         updated_at = $2 WHERE id = $3 AND state = 'suspended' AND resume_at <= $2",
        params![complete_by, now, id],
    )
    .await?
    .rows_affected();
    Ok(n > 0)
}
