//! SQL for accounts: credentials, display preferences, passwords and API tokens. (Sessions and the
//! principal are in `auth/mod.rs`, log-in counters in `throttle.rs`.)

use crate::ids::*;
pub mod principal;
pub mod throttle;
pub mod users;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::pages::TokenLine;
use crate::{db, error::AppError, params};

#[derive(FromQueryResult)]
pub struct Cred {
    pub id: UserId,
    pub password_hash: String,
    pub is_active: bool,
}

pub async fn credentials(conn: &impl ConnectionTrait, username: &str) -> Result<Option<Cred>, AppError> {
    Ok(db::one(conn, "SELECT id, password_hash, is_active FROM users WHERE username = $1", params![username]).await?)
}

pub async fn set_large_type(conn: &impl ConnectionTrait, user: UserId, on: bool) -> Result<(), AppError> {
    db::exec(conn, "UPDATE users SET large_type = $1 WHERE id = $2", params![on, user]).await?;
    Ok(())
}

pub async fn set_lang(conn: &impl ConnectionTrait, user: UserId, code: &str) -> Result<(), AppError> {
    db::exec(conn, "UPDATE users SET lang = $1 WHERE id = $2", params![code, user]).await?;
    Ok(())
}

/// A user's tokens that are neither revoked nor expired.
pub async fn live_tokens(
    conn: &impl ConnectionTrait,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<Vec<TokenLine>, AppError> {
    Ok(db::all(
        conn,
        "SELECT id, name, access, created_at, expires_at, last_used_at FROM api_tokens \
         WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 ORDER BY id",
        params![user, now],
    )
    .await?)
}

pub async fn password_hash(conn: &impl ConnectionTrait, user: UserId) -> Result<Option<String>, AppError> {
    #[derive(FromQueryResult)]
    struct H {
        password_hash: String,
    }
    Ok(db::one::<H>(conn, "SELECT password_hash FROM users WHERE id = $1", params![user])
        .await?
        .map(|h| h.password_hash))
}

/// A new password ends the user's other sessions (all but `keep_session`, a session-id hash) and every
/// API token: a leaked token must not outlive the password.
pub async fn change_password(
    conn: &impl ConnectionTrait,
    user: UserId,
    hash: &str,
    keep_session: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    db::exec(
        conn,
        "UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3",
        params![hash, now, user],
    )
    .await?;
    db::exec(conn, "DELETE FROM sessions WHERE user_id = $1 AND id <> $2", params![user, keep_session]).await?;
    db::exec(
        conn,
        "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        params![now, user],
    )
    .await?;
    Ok(())
}

pub async fn insert_token(
    conn: &impl ConnectionTrait,
    user: UserId,
    name: &str,
    token_hash: &str,
    access: &str,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at, access) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        params![user, name, token_hash, now, expires, access],
    )
    .await?)
}

/// Revoke one of the user's live tokens; false if there is no such token.
pub async fn revoke_token(
    conn: &impl ConnectionTrait,
    user: UserId,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        params![now, id, user],
    )
    .await?
    .rows_affected()
        > 0)
}

/// A new session, stored by the hash of its token.
pub async fn insert_session(
    conn: &impl ConnectionTrait,
    id_hash: &str,
    user_id: UserId,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
    ip: Option<String>,
    user_agent: Option<String>,
) -> Result<(), AppError> {
    db::exec(
        conn,
        "INSERT INTO sessions (id, user_id, created_at, expires_at, last_seen_at, ip, user_agent) \
         VALUES ($1, $2, $3, $4, $3, $5, $6)",
        params![id_hash, user_id, now, expires, ip, user_agent],
    )
    .await?;
    Ok(())
}

pub async fn delete_session(conn: &impl ConnectionTrait, id_hash: &str) -> Result<(), AppError> {
    db::exec(conn, "DELETE FROM sessions WHERE id = $1", params![id_hash]).await?;
    Ok(())
}

/// A secret every instance shares (stored once by whichever starts first): returns the stored value.
pub async fn shared_secret(
    conn: &impl ConnectionTrait,
    name: &str,
    candidate: &str,
) -> Result<Option<String>, sea_orm::DbErr> {
    #[derive(FromQueryResult)]
    struct Row {
        value: String,
    }
    db::exec(
        conn,
        "INSERT INTO app_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        params![name, candidate],
    )
    .await?;
    Ok(db::one::<Row>(conn, "SELECT value FROM app_secrets WHERE name = $1", params![name]).await?.map(|r| r.value))
}
