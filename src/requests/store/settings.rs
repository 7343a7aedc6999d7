//! Request categories' writes (the settings page).

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{
    db::{self, constraint::OnConstraint},
    error::AppError,
    params,
};

/// Create (no `id`) or change a category; a name the project already uses is `duplicate_name`.
#[allow(clippy::too_many_arguments)]
pub async fn save_category(
    conn: &impl ConnectionTrait,
    id: Option<i64>,
    project: ProjectId,
    name: &str,
    respond: i32,
    complete: i32,
    post: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let taken = || AppError::conflict("duplicate_name", format!("本项目已有类别「{name}」"), "Category exists");
    match id {
        Some(id) => db::exec(
            conn,
            "UPDATE request_categories SET name = $1, respond_minutes = $2, complete_hours = $3, handler_post = $4 WHERE id = $5",
            params![name, respond, complete, post, id],
        )
        .await
        .map(|_| id)
        .on_constraint("ux_request_categories_name", taken),
        None => db::insert_id(
            conn,
            "INSERT INTO request_categories (project_id, name, respond_minutes, complete_hours, handler_post, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            params![project, name, respond, complete, post, now],
        )
        .await
        .on_constraint("ux_request_categories_name", taken),
    }
}

#[derive(FromQueryResult)]
struct LadderRow {
    rungs: String,
}

/// A project's escalation ladder, or `None` when it keeps the default.
pub async fn ladder(
    conn: &impl ConnectionTrait,
    project: ProjectId,
) -> Result<Option<Vec<crate::requests::model::Rung>>, AppError> {
    let row =
        db::one::<LadderRow>(conn, "SELECT rungs FROM escalation_ladders WHERE project_id = $1", params![project])
            .await?;
    Ok(row.and_then(|r| serde_json::from_str(&r.rungs).ok()))
}

/// Every project's own ladder (the job reads them once per run).
pub async fn ladders(
    conn: &impl ConnectionTrait,
) -> Result<Vec<(ProjectId, Vec<crate::requests::model::Rung>)>, AppError> {
    #[derive(FromQueryResult)]
    struct R {
        project_id: ProjectId,
        rungs: String,
    }
    Ok(db::all::<R>(conn, "SELECT project_id, rungs FROM escalation_ladders", vec![])
        .await?
        .into_iter()
        .filter_map(|r| serde_json::from_str(&r.rungs).ok().map(|l| (r.project_id, l)))
        .collect())
}

pub async fn set_ladder(
    conn: &impl ConnectionTrait,
    project: ProjectId,
    rungs: &[crate::requests::model::Rung],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let json = serde_json::to_string(rungs).map_err(|_| AppError::internal("ladder json"))?;
    let n = db::exec(
        conn,
        "UPDATE escalation_ladders SET rungs = $1, updated_at = $2 WHERE project_id = $3",
        params![json.clone(), now, project],
    )
    .await?
    .rows_affected();
    if n == 0 {
        db::exec(
            conn,
            "INSERT INTO escalation_ladders (project_id, rungs, updated_at) VALUES ($1, $2, $3)",
            params![project, json, now],
        )
        .await?;
    }
    Ok(())
}
