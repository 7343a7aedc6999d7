//! Log-in counters' SQL: one atomic upsert takes an attempt's place in its window.

use crate::ids::*;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{db, params};

#[derive(FromQueryResult)]
pub struct Row {
    pub n: i32,
    pub window_start: DateTime<Utc>,
}

/// Count this attempt in the key's window (a new window when the last one is over); returns the count
/// and the window's start.
pub async fn take(
    conn: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<Option<Row>, sea_orm::DbErr> {
    db::one::<Row>(
        conn,
        "INSERT INTO login_attempts (bucket, n, window_start) VALUES ($1, 1, $2) \
         ON CONFLICT (bucket) DO UPDATE SET \
           n = CASE WHEN login_attempts.window_start > $3 THEN login_attempts.n + 1 ELSE 1 END, \
           window_start = CASE WHEN login_attempts.window_start > $3 THEN login_attempts.window_start ELSE $2 END \
         RETURNING n, window_start",
        params![key, now, now - window],
    )
    .await
}

pub async fn give_back(conn: &impl ConnectionTrait, key: &str) -> Result<(), sea_orm::DbErr> {
    db::exec(conn, "UPDATE login_attempts SET n = n - 1 WHERE bucket = $1 AND n > 0", params![key]).await?;
    Ok(())
}

pub async fn clear(conn: &impl ConnectionTrait, key: &str) -> Result<(), sea_orm::DbErr> {
    db::exec(conn, "DELETE FROM login_attempts WHERE bucket = $1", params![key]).await?;
    Ok(())
}

/// The account's failure count and lock (shown to administrators).
pub async fn set_failures(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    n: i32,
    locked_until: Option<DateTime<Utc>>,
) -> Result<(), sea_orm::DbErr> {
    db::exec(
        conn,
        "UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3",
        params![n, locked_until, user_id],
    )
    .await?;
    Ok(())
}
