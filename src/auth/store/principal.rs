//! The principal's SQL: the user row, the scope in one query, sessions and tokens by their hash.

use crate::ids::*;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{db, error::AppError, params};

/// A validated credential's caller, in the one query every authenticated request makes: the user's
/// row, the credential's own bookkeeping, the versions a cached principal is checked against
/// (`auth::cache`) and the unread-notification count for the navigation.
#[derive(FromQueryResult)]
pub struct CallerRow {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub person_id: Option<PersonId>,
    pub large_type: bool,
    pub lang: String,
    pub is_active: bool,
    pub auth_version: i64,
    pub epoch: i64,
    /// The reference-data epoch (`m0045_ref_epoch`): with `epoch`, what `crate::refs` checks its rows against.
    pub ref_epoch: i64,
    pub unread: i64,
    /// The session's log-in, or the token's issue.
    pub created_at: DateTime<Utc>,
    /// The session's last use, or the token's (none yet).
    pub last_at: Option<DateTime<Utc>>,
    /// When the session or token runs out (none outside HTTP).
    pub expires_at: Option<DateTime<Utc>>,
    /// Tokens: the token's id and `read` or `write` (0 and `write` for a session).
    pub token_id: i64,
    pub access: String,
}

const CALLER_COLUMNS: &str = "u.id AS user_id, u.username, u.display_name, u.person_id, u.large_type, u.lang, \
    u.is_active, u.auth_version, (SELECT e.v FROM auth_epoch e WHERE e.id = 1) AS epoch, \
    (SELECT e.v FROM auth_epoch e WHERE e.id = 2) AS ref_epoch, \
    (SELECT COUNT(*) FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL) AS unread";

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

/// A person's grants, homes, writable and readable projects as of `today`, in one round trip.
pub async fn scope_rows(
    conn: &impl ConnectionTrait,
    person_id: PersonId,
    today: NaiveDate,
) -> Result<Vec<ScopeRow>, AppError> {
    Ok(db::all(conn, SCOPE_SQL, params![person_id, today]).await?)
}

/// A live session by its hash (not expired, not past its maximum age), with its caller.
pub async fn session_caller(
    conn: &impl ConnectionTrait,
    id_hash: &str,
    now: DateTime<Utc>,
    born_after: DateTime<Utc>,
) -> Result<Option<CallerRow>, AppError> {
    let sql = format!(
        "SELECT {CALLER_COLUMNS}, s.created_at, s.last_seen_at AS last_at, s.expires_at, CAST(0 AS BIGINT) AS token_id, \
         'write' AS access FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.id = $1 AND s.expires_at > $2 AND s.created_at > $3"
    );
    Ok(db::one(conn, &sql, params![id_hash, now, born_after]).await?)
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

/// A live (neither revoked nor expired) API token by its hash, with its caller.
pub async fn token_caller(
    conn: &impl ConnectionTrait,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<CallerRow>, AppError> {
    let sql = format!(
        "SELECT {CALLER_COLUMNS}, t.created_at, t.last_used_at AS last_at, t.expires_at, t.id AS token_id, t.access \
         FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2"
    );
    Ok(db::one(conn, &sql, params![hash, now]).await?)
}

/// A user's row as a caller outside HTTP (the demo's history) sees it: no credential.
pub async fn user_caller(conn: &impl ConnectionTrait, user_id: UserId) -> Result<Option<CallerRow>, AppError> {
    let sql = format!(
        "SELECT {CALLER_COLUMNS}, u.created_at, CAST(NULL AS TIMESTAMPTZ) AS last_at, CAST(NULL AS TIMESTAMPTZ) AS expires_at, CAST(0 AS BIGINT) AS token_id, \
         'write' AS access FROM users u WHERE u.id = $1"
    );
    Ok(db::one(conn, &sql, params![user_id]).await?)
}

pub async fn touch_token(conn: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<(), AppError> {
    db::exec(conn, "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", params![now, id]).await?;
    Ok(())
}
