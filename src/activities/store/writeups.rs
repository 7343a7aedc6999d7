//! 活动纪实 (`writeup.rs`) and the personal calendar feed.

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::requests::photos::Owner;
use crate::{db, error::AppError, params};

#[derive(Debug, Clone, FromQueryResult)]
pub struct Writeup {
    pub body: String,
    pub attendance: Option<i32>,
    pub updated_at: DateTime<Utc>,
}

pub async fn writeup(conn: &impl ConnectionTrait, occurrence_id: OccurrenceId) -> Result<Option<Writeup>, AppError> {
    Ok(db::one(
        conn,
        "SELECT body, attendance, updated_at FROM activity_writeups WHERE occurrence_id = $1",
        params![occurrence_id],
    )
    .await?)
}

/// Photo addresses of an occurrence's write-up.
pub async fn photo_urls(conn: &impl ConnectionTrait, occurrence_id: OccurrenceId) -> Result<Vec<String>, AppError> {
    Ok(crate::requests::store::photos::ids_of(conn, &Owner::writeup(occurrence_id))
        .await?
        .into_iter()
        .map(|id| format!("/activities/occurrences/{occurrence_id}/photos/{id}"))
        .collect())
}

pub async fn checked_in(conn: &impl ConnectionTrait, occurrence_id: OccurrenceId) -> Result<i64, AppError> {
    Ok(db::count(
        conn,
        "SELECT COUNT(*) AS n FROM signups WHERE occurrence_id = $1 AND checked_in_at IS NOT NULL",
        params![occurrence_id],
    )
    .await?)
}

/// Write (or rewrite) an occurrence's write-up.
pub async fn save_writeup(
    conn: &impl ConnectionTrait,
    occurrence_id: OccurrenceId,
    body: &str,
    attendance: Option<i32>,
    author: UserId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let n = db::exec(
        conn,
        "UPDATE activity_writeups SET body = $1, attendance = $2, author_user_id = $3, updated_at = $4 WHERE occurrence_id = $5",
        params![body, attendance, author, now, occurrence_id],
    )
    .await?
    .rows_affected();
    if n == 0 {
        db::exec(
            conn,
            "INSERT INTO activity_writeups (occurrence_id, body, attendance, author_user_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5)",
            params![occurrence_id, body, attendance, author, now],
        )
        .await?;
    }
    Ok(())
}

// ---- calendar feeds (calendar.rs) ----

/// The dates a person is signed up for (confirmed or waiting) between two instants, at most 500.
pub async fn dates_of_person(
    conn: &impl ConnectionTrait,
    person: PersonId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<i64>, AppError> {
    Ok(db::all::<db::IdRow>(
        conn,
        "SELECT s.occurrence_id AS id FROM signups s JOIN activity_occurrences o ON o.id = s.occurrence_id \
         WHERE s.person_id = $1 AND s.state IN ('confirmed','waitlisted') AND o.state = 'scheduled' \
         AND o.starts_at >= $2 AND o.starts_at < $3 ORDER BY o.starts_at LIMIT 500",
        params![person, from, to],
    )
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect())
}
