//! User administration's use cases: who an admin manages, creating a user (also the CLI's), resetting a
//! password, lifting a lock — each checked and audited in one transaction.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Deserialize;

use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal, password, store::users as users_store},
    error::{AppError, AppResult},
    ids::*,
};

pub use crate::auth::store::users::UserLine;

/// Users an admin may manage: users whose person holds a role or a home inside the admin's subtree,
/// and users with no person at all (created by an admin before being linked).
pub async fn managed_users(conn: &impl ConnectionTrait, p: &Principal) -> AppResult<Vec<UserLine>> {
    let mut out = Vec::new();
    for path in &p.scope.admin_paths {
        let like = format!("{path}%");
        let rows = users_store::users_under(conn, &like).await?;
        for r in rows {
            if !out.iter().any(|o: &UserLine| o.id == r.id) {
                out.push(r);
            }
        }
    }
    Ok(out)
}

async fn managed(conn: &impl ConnectionTrait, p: &Principal, id: i64) -> AppResult<UserLine> {
    managed_users(conn, p).await?.into_iter().find(|u| u.id == id).ok_or_else(AppError::not_found)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewUserForm {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub person_id: String,
}

/// Create a user. Shared with the `user create` CLI (which passes no principal).
pub async fn create_user_checked(
    state: &AppState,
    admin: Option<(&Principal, &Ctx)>,
    f: NewUserForm,
) -> AppResult<i64> {
    let username = crate::text::normalize(&f.username).to_lowercase();
    let mut errors = Vec::new();
    if username.len() < 3
        || username.len() > 40
        || !username.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        errors.push(crate::error::FieldError::new("username", "用户名为3–40位字母、数字或 . _ -"));
    }
    let display = crate::text::normalize(&f.display_name);
    if display.is_empty() || display.chars().count() > 60 {
        errors.push(crate::error::FieldError::new("display_name", "显示名称不能为空，且不超过60字"));
    }
    if let Err(m) = password::check_strength(&f.password) {
        errors.push(crate::error::FieldError::new("password", m));
    }
    let person_id: Option<PersonId> = match f.person_id.trim() {
        "" => None,
        s => match s.parse::<PersonId>() {
            Ok(v) => Some(v),
            Err(_) => {
                errors.push(crate::error::FieldError::new("person_id", "人员编号应为数字"));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    if let (Some(pid), Some((p, _))) = (person_id, admin) {
        let (read, _) = crate::people::store::person_access(&state.db.read, p, pid).await?;
        if !read {
            return Err(AppError::field("person_id", "找不到该人员，或不在您的管辖范围内"));
        }
    }
    let hash = password::hash(f.password).await?;
    let now = state.clock.now();
    let tx = sea_orm::TransactionTrait::begin(&state.db.write).await?;
    let id = users_store::insert_user(&tx, &username, person_id, &display, &hash, now).await?;
    if let Some((_, ctx)) = admin {
        audit::record(
            &tx,
            ctx,
            now,
            Entry {
                action: "user_create",
                entity: "user",
                entity_id: Some(id),
                project_id: None,
                summary: format!("创建用户「{username}」"),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Set a new password, end all of the user's sessions, revoke their API tokens and lift any lock.
pub async fn set_password(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    hash: String,
    now: DateTime<Utc>,
) -> AppResult<()> {
    // Keep no session: every one of the user's sessions ends.
    crate::auth::store::change_password(conn, user_id, &hash, "", now).await?;
    clear_lock(conn, user_id).await
}

/// Lift the log-in lock of a user (the counter is kept by user name).
pub async fn clear_lock(conn: &impl ConnectionTrait, user_id: UserId) -> AppResult<()> {
    if let Some(name) = users_store::username(conn, user_id).await? {
        crate::auth::throttle::clear(conn, &crate::auth::throttle::user_key(&name)).await?;
    }
    crate::auth::store::throttle::set_failures(conn, user_id, 0, None).await?;
    Ok(())
}

/// Reset a managed user's password: every session of theirs ends, their tokens are revoked, any lock
/// is lifted; audited.
pub async fn reset_password_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i64,
    password: String,
) -> AppResult<()> {
    let u = managed(&state.db.read, p, id).await?;
    password::check_strength(&password).map_err(|m| AppError::field("password", m))?;
    let hash = password::hash(password).await?;
    let now = state.clock.now();
    let tx = sea_orm::TransactionTrait::begin(&state.db.write).await?;
    set_password(&tx, UserId(id), hash, now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "password_reset",
            entity: "user",
            entity_id: Some(id),
            project_id: None,
            summary: format!("重置用户「{}」的密码", u.username),
        },
    )
    .await?;
    Ok(())
}

/// Lift a managed user's log-in lock; audited.
pub async fn unlock_checked(state: &AppState, p: &Principal, ctx: &Ctx, id: i64) -> AppResult<()> {
    let u = managed(&state.db.read, p, id).await?;
    let now = state.clock.now();
    let tx = sea_orm::TransactionTrait::begin(&state.db.write).await?;
    clear_lock(&tx, UserId(id)).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "user_unlock",
            entity: "user",
            entity_id: Some(id),
            project_id: None,
            summary: format!("解除用户「{}」的锁定", u.username),
        },
    )
    .await?;
    Ok(())
}
