//! User accounts' SQL for administration: the accounts under an administrator, a new account, a name.

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{db, error::AppError, params};

#[derive(FromQueryResult)]
pub struct UserLine {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub person_id: Option<PersonId>,
    pub locked_until: Option<DateTime<Utc>>,
    pub is_active: bool,
}

/// Accounts whose person holds a role or a home under the node path `like` (`/1/5/%`), and accounts
/// with no person at all.
pub async fn users_under(conn: &impl ConnectionTrait, like: &str) -> Result<Vec<UserLine>, AppError> {
    Ok(db::all(
        conn,
        "SELECT u.id, u.username, u.display_name, u.person_id, u.locked_until, u.is_active FROM users u \
         WHERE u.person_id IS NULL \
         OR EXISTS (SELECT 1 FROM role_assignments r JOIN org_nodes n ON n.id = r.node_id WHERE r.person_id = u.person_id AND n.path LIKE $1) \
         OR EXISTS (SELECT 1 FROM household_members m JOIN org_nodes n ON n.id = m.household_id WHERE m.person_id = u.person_id AND n.path LIKE $1) \
         ORDER BY u.id",
        params![like],
    )
    .await?)
}

/// A new, active account; a taken name or a person who already has an account is a coded conflict.
pub async fn insert_user(
    conn: &impl ConnectionTrait,
    username: &str,
    person_id: Option<PersonId>,
    display: &str,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    db::insert_id(
        conn,
        "INSERT INTO users (username, person_id, display_name, password_hash, is_active, failed_logins, large_type, lang, created_at, password_changed_at) \
         VALUES ($1, $2, $3, $4, TRUE, 0, FALSE, 'zh', $5, $5) RETURNING id",
        params![username, person_id, display, hash, now],
    )
    .await
    .map_err(|e| {
        db::constraint::map_violation(
            e,
            &[
                ("ux_users_username", &|| AppError::conflict("username_taken", "用户名已被使用", "Username taken")),
                ("ux_users_person", &|| {
                    AppError::conflict("person_has_account", "该人员已有账号", "This person already has an account")
                }),
            ],
        )
    })
}

pub async fn username(conn: &impl ConnectionTrait, user_id: UserId) -> Result<Option<String>, AppError> {
    #[derive(FromQueryResult)]
    struct Row {
        username: String,
    }
    Ok(db::one::<Row>(conn, "SELECT username FROM users WHERE id = $1", params![user_id]).await?.map(|r| r.username))
}
