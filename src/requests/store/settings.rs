//! Request categories' writes (the settings page).

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

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
