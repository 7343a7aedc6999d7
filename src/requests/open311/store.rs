//! Open311's SQL: partner keys, services, and the public view of requests (public areas only, never
//! voided, no personal column selected at all).

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{db, error::AppError, params};

#[derive(Debug, Clone, FromQueryResult)]
pub struct KeyRow {
    pub id: i64,
    pub project_id: ProjectId,
    pub label: String,
    pub key_prefix: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Issue a key for a project. Returns (id, the key) — the key is shown once; only its SHA-256 is kept.
pub async fn create_key(
    conn: &impl ConnectionTrait,
    project_id: ProjectId,
    label: &str,
    created_by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(i64, String), AppError> {
    let key = format!("xh311_{}", crate::auth::random_token(24));
    let id = db::insert_id(
        conn,
        "INSERT INTO open311_keys (project_id, label, key_hash, key_prefix, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        params![project_id, label, crate::auth::sha256_hex(&key), key[..10].to_string(), created_by, now],
    )
    .await?;
    Ok((id, key))
}

pub async fn revoke_key(conn: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<bool, AppError> {
    Ok(db::exec(conn, "UPDATE open311_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", params![now, id])
        .await?
        .rows_affected()
        == 1)
}

pub async fn keys(conn: &impl ConnectionTrait, projects: &[ProjectId]) -> Result<Vec<KeyRow>, AppError> {
    if projects.is_empty() {
        return Ok(vec![]);
    }
    Ok(db::all(
        conn,
        &format!(
            "SELECT id, project_id, label, key_prefix, created_at, revoked_at FROM open311_keys \
             WHERE project_id IN ({}) ORDER BY id DESC",
            db::placeholders(1, projects.len())
        ),
        projects.iter().map(|p| (*p).into()).collect(),
    )
    .await?)
}

pub async fn key_by_id(conn: &impl ConnectionTrait, id: i64) -> Result<Option<KeyRow>, AppError> {
    Ok(db::one(
        conn,
        "SELECT id, project_id, label, key_prefix, created_at, revoked_at FROM open311_keys WHERE id = $1",
        params![id],
    )
    .await?)
}

pub async fn key_for(conn: &impl ConnectionTrait, key: &str) -> Result<Option<KeyRow>, AppError> {
    Ok(db::one(
        conn,
        "SELECT id, project_id, label, key_prefix, created_at, revoked_at FROM open311_keys \
         WHERE key_hash = $1 AND revoked_at IS NULL",
        params![crate::auth::sha256_hex(key.trim())],
    )
    .await?)
}

/// A project by `jurisdiction_id` (its id or its code).
pub async fn project_by_jurisdiction(conn: &impl ConnectionTrait, j: &str) -> Result<Option<ProjectId>, AppError> {
    Ok(db::one::<db::IdRow>(
        conn,
        "SELECT id FROM org_nodes WHERE kind = 'project' AND (id = $1 OR code = $2)",
        params![j.parse::<i64>().unwrap_or(-1), j],
    )
    .await?
    .map(|r| ProjectId(r.id)))
}

#[derive(FromQueryResult)]
pub struct ServiceRow {
    pub id: i64,
    pub name: String,
    pub project_name: String,
    pub respond_minutes: i32,
    pub complete_hours: i32,
}

/// The services (request categories) of one project, or of all.
pub async fn services_of(conn: &impl ConnectionTrait, project: Option<ProjectId>) -> Result<Vec<ServiceRow>, AppError> {
    Ok(db::all(
        conn,
        "SELECT c.id, c.name, p.name AS project_name, c.respond_minutes, c.complete_hours \
         FROM request_categories c JOIN org_nodes p ON p.id = c.project_id \
         WHERE ($1 IS NULL OR c.project_id = $1) ORDER BY c.project_id, c.id",
        params![project],
    )
    .await?)
}

#[derive(FromQueryResult)]
pub struct PublicRow {
    pub id: i64,
    pub category_id: i64,
    pub category_name: String,
    pub project_name: String,
    pub state: String,
    pub description: String,
    pub location_text: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub complete_by: DateTime<Utc>,
}

/// Public-area requests only, never voided ones; no personal fields are selected at all.
const PUBLIC_SELECT: &str = "SELECT r.id, r.category_id, c.name AS category_name, p.name AS project_name, r.state, \
     r.description, r.location_text, r.lat, r.lng, r.created_at, r.updated_at, r.complete_by \
     FROM requests r JOIN request_categories c ON c.id = r.category_id JOIN org_nodes p ON p.id = r.project_id \
     WHERE r.household_id IS NULL AND r.state <> 'voided'";

/// The most requests one GET returns (the spec leaves the limit to the server).
pub const MAX_RESULTS: usize = 1000;

/// A GET's filters, already checked: by ids (which override every other filter), or by services, a
/// time window and open/closed.
pub struct PublicFilter {
    pub project: Option<ProjectId>,
    pub ids: Option<Vec<i64>>,
    pub codes: Option<Vec<i64>>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// `Some(true)` open only, `Some(false)` closed only.
    pub open: Option<bool>,
}

pub async fn public_requests(conn: &impl ConnectionTrait, f: &PublicFilter) -> Result<Vec<PublicRow>, AppError> {
    let mut values: Vec<sea_orm::Value> = Vec::new();
    let mut sql = PUBLIC_SELECT.to_string();
    if let Some(p) = f.project {
        values.push(p.into());
        sql.push_str(&format!(" AND r.project_id = ${}", values.len()));
    }
    if let Some(ids) = &f.ids {
        sql.push_str(&format!(" AND r.id IN ({})", db::placeholders(values.len() + 1, ids.len())));
        values.extend(ids.iter().map(|i| (*i).into()));
    } else {
        if let Some(codes) = &f.codes {
            sql.push_str(&format!(" AND r.category_id IN ({})", db::placeholders(values.len() + 1, codes.len())));
            values.extend(codes.iter().map(|c| (*c).into()));
        }
        values.push(f.start.into());
        values.push(f.end.into());
        sql.push_str(&format!(" AND r.created_at >= ${} AND r.created_at <= ${}", values.len() - 1, values.len()));
        match f.open {
            Some(true) => sql.push_str(" AND r.state <> 'closed'"),
            Some(false) => sql.push_str(" AND r.state = 'closed'"),
            None => {}
        }
    }
    sql.push_str(&format!(" ORDER BY r.id DESC LIMIT {MAX_RESULTS}"));
    Ok(db::all(conn, &sql, values).await?)
}

pub async fn public_request(conn: &impl ConnectionTrait, id: i64) -> Result<Option<PublicRow>, AppError> {
    Ok(db::one(conn, &format!("{PUBLIC_SELECT} AND r.id = $1"), params![id]).await?)
}

/// The request a POST's token stands for.
pub async fn request_by_token(conn: &impl ConnectionTrait, token: &str) -> Result<Option<i64>, AppError> {
    Ok(db::one::<db::IdRow>(conn, "SELECT id FROM requests WHERE open311_token = $1", params![token])
        .await?
        .map(|r| r.id))
}
