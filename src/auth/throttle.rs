//! Log-in counters that hold under concurrency and across instances. Each attempt first takes a place
//! in its key's window with one atomic upsert (`ip:<addr>`, `user:<name>`), before the password is
//! checked, so forty attempts sent at once are counted forty times — not forty times "one". A
//! successful log-in gives its place back. The same counter serves real and unknown user names, so
//! the answer never tells one from the other.

use crate::ids::*;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, TransactionTrait};

use super::store::throttle as store;
use crate::audit::{self, Entry};

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
    let row = store::take(conn, key, now, window)
        .await?
        .ok_or_else(|| sea_orm::DbErr::RecordNotFound("login_attempts upsert returned nothing".into()))?;
    Ok(Place { n: i64::from(row.n), until: row.window_start + window })
}

/// Give a place back (the attempt succeeded).
pub async fn give_back(conn: &impl ConnectionTrait, key: &str) -> Result<(), sea_orm::DbErr> {
    store::give_back(conn, key).await
}

/// A failed attempt. The account, if the name is real (`user_id`, already looked up by the caller),
/// shows the count and, at the threshold, the lock for administrators; the audit log says what
/// happened. Real and unknown names answer alike.
pub async fn record_failure(
    conn: &(impl ConnectionTrait + TransactionTrait),
    ctx: &super::Ctx,
    username: &str,
    user_id: Option<UserId>,
    place: Place,
    threshold: i64,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let locks = place.n >= threshold;
    let tx = conn.begin().await?;
    if let Some(id) = user_id {
        store::set_failures(&tx, id, place.n as i32, locks.then_some(place.until)).await?;
    }
    let who: String = username.chars().take(40).collect();
    audit::record(
        &tx,
        ctx,
        now,
        Entry {
            action: if locks { "account_locked" } else { "login_failed" },
            entity: "user",
            entity_id: user_id.map(UserId::get),
            project_id: None,
            summary: match user_id {
                Some(_) => format!("用户「{who}」登录失败（第{}次）", place.n),
                None => format!("未知用户名「{who}」登录失败"),
            },
        },
    )
    .await?;
    tx.commit().await
}

/// A successful log-in gives the address's place back and clears the name's count.
pub async fn record_success(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    ip_key: Option<&str>,
    user_key: &str,
) -> Result<(), sea_orm::DbErr> {
    if let Some(k) = ip_key {
        give_back(conn, k).await?;
    }
    clear(conn, user_key).await?;
    store::set_failures(conn, user_id, 0, None).await?;
    Ok(())
}

/// Forget a key (a successful log-in, or an administrator's unlock).
pub async fn clear(conn: &impl ConnectionTrait, key: &str) -> Result<(), sea_orm::DbErr> {
    store::clear(conn, key).await
}
