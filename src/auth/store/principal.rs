//! The principal's SQL: the user row, the scope in one query, sessions and tokens by their hash.

use crate::ids::*;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{db, error::AppError, params};

#[derive(FromQueryResult)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub person_id: Option<PersonId>,
    pub large_type: bool,
    pub lang: String,
    pub is_active: bool,
    pub unread: i64,
}

#[derive(FromQueryResult)]
pub struct ScopeRow {
    pub k: String,
    pub role: Option<String>,
    pub node_id: i64,
    pub path: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub post: Option<String>,
    /// The project of a home (`h` rows).
    pub project_id: Option<ProjectId>,
}

/// $1 = person id, $2 = today. Roles whose `until` has passed and homes moved out of do not count.
const SCOPE_SQL: &str = "\
    WITH gr AS ( \
      SELECT r.role, r.post, n.id, n.path, n.kind, n.name FROM role_assignments r JOIN org_nodes n ON n.id = r.node_id \
       WHERE r.person_id = $1 AND (r.until IS NULL OR r.until >= $2)) \
    SELECT 'g' AS k, gr.role AS role, gr.id AS node_id, gr.path AS path, gr.kind AS kind, gr.name AS name, gr.post AS post, \
      CAST(NULL AS BIGINT) AS project_id FROM gr \
    UNION ALL \
    SELECT 'h', NULL, m.household_id, NULL, NULL, NULL, NULL, h.project_id FROM household_members m \
      JOIN households h ON h.node_id = m.household_id \
     WHERE m.person_id = $1 AND (m.moved_out IS NULL OR m.moved_out > $2) \
    UNION ALL \
    SELECT 'w', NULL, p.id, NULL, NULL, NULL, NULL, NULL \
      FROM gr JOIN org_nodes p ON p.kind = 'project' AND p.path LIKE gr.path || '%' \
     WHERE gr.role IN ('staff', 'company_admin') \
    UNION ALL \
    SELECT 'c', NULL, p.id, NULL, NULL, NULL, NULL, NULL \
      FROM gr JOIN org_nodes c ON c.kind = 'community' AND c.path LIKE gr.path || '%' \
      JOIN org_nodes p ON p.community_id = c.id AND p.kind = 'project' \
     WHERE gr.role = 'cadre'";

#[derive(FromQueryResult)]
pub struct SessionRow {
    pub user_id: UserId,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
pub struct TokenRow {
    pub id: i64,
    pub user_id: UserId,
    pub access: String,
    pub last_used_at: Option<DateTime<Utc>>,
}

pub async fn user_row(conn: &impl ConnectionTrait, user_id: UserId) -> Result<Option<UserRow>, AppError> {
    Ok(db::one(
        conn,
        "SELECT id, username, display_name, person_id, large_type, lang, is_active, \
         (SELECT COUNT(*) FROM notifications n WHERE n.user_id = users.id AND n.read_at IS NULL) AS unread \
         FROM users WHERE id = $1",
        params![user_id],
    )
    .await?)
}

/// A person's grants, homes, writable and readable projects as of `today`, in one round trip.
pub async fn scope_rows(
    conn: &impl ConnectionTrait,
    person_id: PersonId,
    today: NaiveDate,
) -> Result<Vec<ScopeRow>, AppError> {
    Ok(db::all(conn, SCOPE_SQL, params![person_id, today]).await?)
}

/// A live session by its hash (not expired, not past its maximum age).
pub async fn session(
    conn: &impl ConnectionTrait,
    id_hash: &str,
    now: DateTime<Utc>,
    born_after: DateTime<Utc>,
) -> Result<Option<SessionRow>, AppError> {
    Ok(db::one(
        conn,
        "SELECT user_id, created_at, last_seen_at FROM sessions WHERE id = $1 AND expires_at > $2 AND created_at > $3",
        params![id_hash, now, born_after],
    )
    .await?)
}

pub async fn touch_session(
    conn: &impl ConnectionTrait,
    id_hash: &str,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> Result<(), AppError> {
    db::exec(
        conn,
        "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3",
        params![now, expires, id_hash],
    )
    .await?;
    Ok(())
}

/// A live (neither revoked nor expired) API token by its hash.
pub async fn live_token(
    conn: &impl ConnectionTrait,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<TokenRow>, AppError> {
    Ok(db::one(
        conn,
        "SELECT id, user_id, access, last_used_at FROM api_tokens \
         WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2",
        params![hash, now],
    )
    .await?)
}

pub async fn touch_token(conn: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<(), AppError> {
    db::exec(conn, "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", params![now, id]).await?;
    Ok(())
}
