//! The audit log's SQL.

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use super::Entry;
use crate::{auth::Ctx, db, db::chain::Chain, error::AppError, params};

#[derive(Debug, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub project_id: Option<ProjectId>,
    pub summary: String,
    pub ip: Option<String>,
}

/// The audit table's insert, up to its values (a chain's audit line names the new row's id in them).
macro_rules! audit_into {
    () => {
        "INSERT INTO audit_log (at, user_id, actor, action, entity, entity_id, project_id, summary, ip, request_id) VALUES "
    };
}

pub async fn insert(
    conn: &impl ConnectionTrait,
    ctx: &Ctx,
    actor: &str,
    at: DateTime<Utc>,
    e: &Entry<'_>,
    summary: &str,
) -> Result<(), sea_orm::DbErr> {
    db::exec(
        conn,
        concat!(audit_into!(), "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"),
        params![
            at,
            ctx.user_id(),
            actor,
            e.action,
            e.entity,
            e.entity_id,
            e.project_id,
            summary,
            ctx.ip.clone(),
            ctx.request_id.clone()
        ],
    )
    .await?;
    Ok(())
}

/// The audit line of a chain's new row (`db::chain`): its entity id is the row's, and its summary is
/// `before`, the id and `after` (「提交诉求#12（…）」), so the line goes in the same one statement.
pub fn then_insert(c: &mut Chain, ctx: &Ctx, actor: &str, at: DateTime<Utc>, e: &Entry<'_>, before: &str, after: &str) {
    c.then(
        concat!(audit_into!(), "($1, $2, $3, $4, $5, $id, $6, $7 || CAST($id AS TEXT) || $8, $9, $10)"),
        params![
            at,
            ctx.user_id(),
            actor,
            e.action,
            e.entity,
            e.project_id,
            before,
            after,
            ctx.ip.clone(),
            ctx.request_id.clone()
        ],
    );
}

/// Entries a reader sees: their own, those of `projects`, and (administrators) those without a
/// project; newest first, 50 before `before`.
pub async fn visible(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    projects: &[ProjectId],
    with_unattached: bool,
    action: Option<&str>,
    before: Option<i64>,
) -> Result<Vec<AuditRow>, AppError> {
    let mut values = params![user_id, before.unwrap_or(i64::MAX)];
    let mut sql = format!(
        "SELECT id, at, actor, action, entity, entity_id, project_id, summary, ip FROM audit_log \
         WHERE id < $2 AND (user_id = $1 OR project_id IN ({})",
        db::placeholders(3, projects.len())
    );
    values.extend(projects.iter().map(|v| sea_orm::Value::from(*v)));
    if with_unattached {
        sql.push_str(" OR project_id IS NULL");
    }
    sql.push(')');
    if let Some(a) = action {
        values.push(a.into());
        sql.push_str(&format!(" AND action = ${}", values.len()));
    }
    sql.push_str(" ORDER BY id DESC LIMIT 50");
    Ok(db::all::<AuditRow>(conn, &sql, values).await?)
}
