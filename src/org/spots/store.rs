//! Spots' SQL.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use super::model::SpotInput;
use crate::{
    db::{self, constraint::OnConstraint},
    error::AppError,
    ids::ProjectId,
    params,
};

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Spot {
    pub id: i64,
    pub project_id: ProjectId,
    pub name: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub active: bool,
}

const SELECT: &str = "SELECT id, project_id, name, lat, lng, active FROM spots";

/// Every spot of a project, active first, in the order they were added.
pub async fn of_project(conn: &impl ConnectionTrait, project: ProjectId) -> Result<Vec<Spot>, AppError> {
    Ok(db::all(conn, &format!("{SELECT} WHERE project_id = $1 ORDER BY active DESC, id"), params![project]).await?)
}

/// The active spots of these projects (the report form's list).
pub async fn active_of(conn: &impl ConnectionTrait, projects: &[ProjectId]) -> Result<Vec<Spot>, AppError> {
    if projects.is_empty() {
        return Ok(vec![]);
    }
    let mut values: Vec<sea_orm::Value> = vec![true.into()];
    values.extend(projects.iter().map(|p| sea_orm::Value::from(*p)));
    let sql = format!(
        "{SELECT} WHERE active = $1 AND project_id IN ({}) ORDER BY project_id, id",
        db::placeholders(2, projects.len())
    );
    Ok(db::all(conn, &sql, values).await?)
}

pub async fn spot(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Spot>, AppError> {
    Ok(db::one(conn, &format!("{SELECT} WHERE id = $1"), params![id]).await?)
}

pub async fn insert(
    conn: &impl ConnectionTrait,
    project: ProjectId,
    s: &SpotInput,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    db::insert_id(
        conn,
        "INSERT INTO spots (project_id, name, lat, lng, active, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        params![project, s.name.as_str(), s.lat, s.lng, true, now],
    )
    .await
    .on_constraint("ux_spots_project_name", || AppError::field("name", format!("本项目已有名为「{}」的地点", s.name)))
}

/// Retire or bring back a spot; false when it was already so.
pub async fn set_active(conn: &impl ConnectionTrait, id: i64, active: bool) -> Result<bool, AppError> {
    Ok(db::exec(conn, "UPDATE spots SET active = $1 WHERE id = $2 AND active = $3", params![active, id, !active])
        .await?
        .rows_affected()
        == 1)
}
