//! Notifications' SQL.

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use crate::{db, params};

/// The active user accounts of a person (usually one).
pub async fn users_of_person(conn: &impl ConnectionTrait, person_id: PersonId) -> Result<Vec<i64>, sea_orm::DbErr> {
    Ok(db::all::<db::IdRow>(
        conn,
        "SELECT id FROM users WHERE person_id = $1 AND is_active = $2",
        params![person_id, true],
    )
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect())
}

/// Users holding `role` with `post` (any post when `None`) at the project itself.
pub async fn project_staff_users(
    conn: &impl ConnectionTrait,
    project_id: ProjectId,
    post: Option<&str>,
) -> Result<Vec<i64>, sea_orm::DbErr> {
    Ok(db::all::<db::IdRow>(
        conn,
        "SELECT DISTINCT u.id FROM role_assignments r JOIN users u ON u.person_id = r.person_id \
         WHERE r.role = 'staff' AND r.node_id = $1 AND ($2 IS NULL OR r.post = $2) AND u.is_active = $3 ORDER BY u.id",
        params![project_id, post, true],
    )
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect())
}

/// Users with a staff or company-admin role at the branch company above the project.
pub async fn branch_users(conn: &impl ConnectionTrait, project_id: ProjectId) -> Result<Vec<i64>, sea_orm::DbErr> {
    Ok(db::all::<db::IdRow>(
        conn,
        "SELECT DISTINCT u.id FROM org_nodes p JOIN org_nodes b ON b.kind = 'branch' AND p.path LIKE b.path || '%' \
         JOIN role_assignments r ON r.node_id = b.id AND r.role IN ('staff','company_admin') \
         JOIN users u ON u.person_id = r.person_id WHERE p.id = $1 AND u.is_active = $2 ORDER BY u.id",
        params![project_id, true],
    )
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect())
}

#[derive(Debug, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct NotificationRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub kind: String,
    /// In the reader's language (stored in Chinese; re-rendered from `message` when it is there).
    pub title: String,
    pub link: Option<String>,
    pub read_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub message: Option<String>,
}

impl NotificationRow {
    /// The title in this language (rows from before the catalog keep their Chinese title).
    pub fn localize(mut self, lang: crate::web::i18n::Lang) -> Self {
        if let Some(m) = self.message.take().as_deref().and_then(super::Msg::from_json) {
            self.title = m.render(lang);
        }
        self
    }
}

pub async fn recent(conn: &impl ConnectionTrait, user_id: UserId) -> Result<Vec<NotificationRow>, sea_orm::DbErr> {
    db::all(
        conn,
        "SELECT id, at, kind, title, link, read_at, message FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT 100",
        params![user_id],
    )
    .await
}

pub async fn insert(
    conn: &impl ConnectionTrait,
    user: UserId,
    at: DateTime<Utc>,
    kind: &str,
    title: &str,
    message: &str,
    link: Option<&str>,
) -> Result<(), sea_orm::DbErr> {
    db::exec(
        conn,
        "INSERT INTO notifications (user_id, at, kind, title, message, link) VALUES ($1, $2, $3, $4, $5, $6)",
        params![user, at, kind, title, message, link],
    )
    .await?;
    Ok(())
}

/// Mark a user's unread notifications (or only one of them) read; returns how many.
pub async fn mark_read(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    only: Option<i64>,
    now: DateTime<Utc>,
) -> Result<u64, sea_orm::DbErr> {
    Ok(db::exec(
        conn,
        "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL AND ($3 IS NULL OR id = $3)",
        params![now, user_id, only],
    )
    .await?
    .rows_affected())
}

/// Mark read the unread notifications pointing at `link`; returns how many.
pub async fn read_link(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    link: &str,
    now: DateTime<Utc>,
) -> Result<u64, sea_orm::DbErr> {
    Ok(db::exec(
        conn,
        "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND link = $3 AND read_at IS NULL",
        params![now, user_id, link],
    )
    .await?
    .rows_affected())
}

pub async fn unread(conn: &impl ConnectionTrait, user_id: UserId) -> Result<i64, sea_orm::DbErr> {
    db::count(conn, "SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL", params![user_id])
        .await
}

/// Of these users, those who turned this group off.
pub async fn muted(conn: &impl ConnectionTrait, users: &[i64], group: &str) -> Result<Vec<i64>, sea_orm::DbErr> {
    if users.is_empty() {
        return Ok(vec![]);
    }
    let mut values: Vec<sea_orm::Value> = vec![group.into()];
    values.extend(users.iter().map(|u| sea_orm::Value::from(*u)));
    let rows: Vec<db::IdRow> = db::all(
        conn,
        &format!(
            "SELECT user_id AS id FROM notification_mutes WHERE kind_group = $1 AND user_id IN ({})",
            db::placeholders(2, users.len())
        ),
        values,
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// The groups a user turned off.
pub async fn mutes_of(conn: &impl ConnectionTrait, user: UserId) -> Result<Vec<String>, sea_orm::DbErr> {
    #[derive(sea_orm::FromQueryResult)]
    struct G {
        kind_group: String,
    }
    Ok(db::all::<G>(conn, "SELECT kind_group FROM notification_mutes WHERE user_id = $1", params![user])
        .await?
        .into_iter()
        .map(|g| g.kind_group)
        .collect())
}

/// Replace a user's turned-off groups.
pub async fn set_mutes(
    conn: &impl ConnectionTrait,
    user: UserId,
    groups: &[&str],
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    db::exec(conn, "DELETE FROM notification_mutes WHERE user_id = $1", params![user]).await?;
    for g in groups {
        db::exec(
            conn,
            "INSERT INTO notification_mutes (user_id, kind_group, created_at) VALUES ($1, $2, $3)",
            params![user, *g, now],
        )
        .await?;
    }
    Ok(())
}
