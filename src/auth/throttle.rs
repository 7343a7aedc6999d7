//! Log-in counters that hold under concurrency and across instances. Each attempt first takes a place
//! in its key's window with one atomic upsert (`ip:<addr>`, `user:<name>`), before the password is
//! checked, so forty attempts sent at once are counted forty times — not forty times "one". A
//! successful log-in gives its place back. The same counter serves real and unknown user names, so
//! the answer never tells one from the other.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{db, params};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// Attempts in the window, this one included.
    pub n: i64,
    /// When the window ends (and a refused key may try again).
    pub until: DateTime<Utc>,
}

impl Place {
    pub fn over(&self, limit: i64) -> bool {
        self.n > limit
    }
}

#[derive(FromQueryResult)]
struct Row {
    n: i32,
    window_start: DateTime<Utc>,
}

/// The key of a user name as typed (normalised, bounded).
pub fn user_key(username: &str) -> String {
    format!("user:{}", username.chars().take(60).collect::<String>().to_lowercase())
}

pub fn ip_key(ip: &str) -> String {
    format!("ip:{}", ip.chars().take(64).collect::<String>())
}

/// Count one attempt for `key` in a fixed window of `window` starting at its first attempt.
pub async fn take(
    conn: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<Place, sea_orm::DbErr> {
    let row = db::one::<Row>(
        conn,
        "INSERT INTO login_attempts (bucket, n, window_start) VALUES ($1, 1, $2) \
         ON CONFLICT (bucket) DO UPDATE SET \
           n = CASE WHEN login_attempts.window_start > $3 THEN login_attempts.n + 1 ELSE 1 END, \
           window_start = CASE WHEN login_attempts.window_start > $3 THEN login_attempts.window_start ELSE $2 END \
         RETURNING n, window_start",
        params![key, now, now - window],
    )
    .await?
    .ok_or_else(|| sea_orm::DbErr::RecordNotFound("login_attempts upsert returned nothing".into()))?;
    Ok(Place { n: i64::from(row.n), until: row.window_start + window })
}

/// Give a place back (the attempt succeeded).
pub async fn give_back(conn: &impl ConnectionTrait, key: &str) -> Result<(), sea_orm::DbErr> {
    db::exec(conn, "UPDATE login_attempts SET n = n - 1 WHERE bucket = $1 AND n > 0", params![key]).await?;
    Ok(())
}

/// Forget a key (a successful log-in, or an administrator's unlock).
pub async fn clear(conn: &impl ConnectionTrait, key: &str) -> Result<(), sea_orm::DbErr> {
    db::exec(conn, "DELETE FROM login_attempts WHERE bucket = $1", params![key]).await?;
    Ok(())
}
