//! 爱心超市's SQL: items, redemptions, the stock moves.

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use super::actions::ItemInput;
use crate::{
    db::{self, constraint::OnConstraint},
    error::{AppError, AppResult},
    params,
};

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Item {
    pub id: i64,
    pub project_id: ProjectId,
    pub name: String,
    pub description: String,
    /// Points for one.
    pub points: i32,
    pub stock: i32,
    pub active: bool,
}

const ITEM_COLS: &str = "id, project_id, name, description, points, stock, active";

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Redemption {
    pub id: i64,
    pub item_id: i64,
    pub item_name: String,
    pub project_id: ProjectId,
    pub person_id: PersonId,
    pub person_name: String,
    pub quantity: i32,
    pub points: i32,
    /// The pickup code (8 characters).
    pub code: String,
    pub state: crate::volunteers::model::RedemptionState,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

const RED_SELECT: &str = "SELECT r.id, r.item_id, i.name AS item_name, r.project_id, r.person_id, pe.name AS person_name, \
     r.quantity, r.points, r.code, r.state, r.created_at, r.closed_at FROM redemptions r \
     JOIN reward_items i ON i.id = r.item_id JOIN persons pe ON pe.id = r.person_id";

pub async fn item(conn: &impl ConnectionTrait, id: i64) -> AppResult<Option<Item>> {
    Ok(db::one(conn, &format!("SELECT {ITEM_COLS} FROM reward_items WHERE id = $1"), params![id]).await?)
}

pub async fn items(conn: &impl ConnectionTrait, projects: &[ProjectId], active_only: bool) -> AppResult<Vec<Item>> {
    if projects.is_empty() {
        return Ok(vec![]);
    }
    let vals: Vec<sea_orm::Value> = projects.iter().map(|v| (*v).into()).collect();
    Ok(db::all(
        conn,
        &format!(
            "SELECT {ITEM_COLS} FROM reward_items WHERE project_id IN ({}){} ORDER BY project_id, points, id",
            db::placeholders(1, projects.len()),
            if active_only { " AND active = TRUE" } else { "" }
        ),
        vals,
    )
    .await?)
}

pub async fn redemption(conn: &impl ConnectionTrait, id: i64) -> AppResult<Option<Redemption>> {
    Ok(db::one(conn, &format!("{RED_SELECT} WHERE r.id = $1"), params![id]).await?)
}

pub async fn redemption_by_code(conn: &impl ConnectionTrait, code: &str) -> AppResult<Option<Redemption>> {
    Ok(db::one(conn, &format!("{RED_SELECT} WHERE r.code = $1"), params![code]).await?)
}

/// A person's redemptions, latest first (at most 50).
pub async fn redemptions_of(conn: &impl ConnectionTrait, person: PersonId) -> AppResult<Vec<Redemption>> {
    Ok(db::all(conn, &format!("{RED_SELECT} WHERE r.person_id = $1 ORDER BY r.id DESC LIMIT 50"), params![person])
        .await?)
}

/// The latest redemptions in these projects (at most 30), for the counter.
pub async fn recent_redemptions(conn: &impl ConnectionTrait, projects: &[ProjectId]) -> AppResult<Vec<Redemption>> {
    if projects.is_empty() {
        return Ok(vec![]);
    }
    let vals: Vec<sea_orm::Value> = projects.iter().map(|v| (*v).into()).collect();
    Ok(db::all(
        conn,
        &format!(
            "{RED_SELECT} WHERE r.project_id IN ({}) ORDER BY r.id DESC LIMIT 30",
            db::placeholders(1, projects.len())
        ),
        vals,
    )
    .await?)
}

pub async fn insert_item(
    conn: &impl ConnectionTrait,
    project: ProjectId,
    i: &ItemInput,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    db::insert_id(
        conn,
        "INSERT INTO reward_items (project_id, name, description, points, stock, active, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6) RETURNING id",
        params![project, i.name.clone(), i.description.clone(), i.points, i.stock, now],
    )
    .await
    .on_constraint("ux_reward_items_project_name", || {
        AppError::conflict("duplicate_item", "已有同名物品，请修改原物品的库存", "Item exists")
    })
}

/// Set an item's points and shelf state and move its stock by `add_stock`; `false` (nothing written)
/// when that would take the stock below zero.
pub async fn update_item(
    conn: &impl ConnectionTrait,
    id: i64,
    points: i32,
    add_stock: i32,
    active: bool,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let n = db::exec(
        conn,
        "UPDATE reward_items SET points = $1, stock = stock + $2, active = $3, updated_at = $4 WHERE id = $5 AND stock + $2 >= 0",
        params![points, add_stock, active, now, id],
    )
    .await?
    .rows_affected();
    Ok(n > 0)
}

/// Take `quantity` from the stock; `false` when there is not that much (the stock never goes below 0).
pub async fn take_stock(conn: &impl ConnectionTrait, item: i64, quantity: i32, now: DateTime<Utc>) -> AppResult<bool> {
    let n = db::exec(
        conn,
        "UPDATE reward_items SET stock = stock - $1, updated_at = $2 WHERE id = $3 AND stock >= $1",
        params![quantity, now, item],
    )
    .await?
    .rows_affected();
    Ok(n > 0)
}

pub async fn put_back_stock(
    conn: &impl ConnectionTrait,
    item: i64,
    quantity: i32,
    now: DateTime<Utc>,
) -> AppResult<()> {
    db::exec(
        conn,
        "UPDATE reward_items SET stock = stock + $1, updated_at = $2 WHERE id = $3",
        params![quantity, now, item],
    )
    .await?;
    Ok(())
}

pub async fn code_taken(conn: &impl ConnectionTrait, code: &str) -> AppResult<bool> {
    Ok(db::count(conn, "SELECT COUNT(*) AS n FROM redemptions WHERE code = $1", params![code]).await? > 0)
}

pub struct NewRedemption<'a> {
    pub item_id: i64,
    pub project_id: ProjectId,
    pub person_id: PersonId,
    pub quantity: i32,
    pub points: i32,
    pub code: &'a str,
    pub created_by: UserId,
}

pub async fn insert_redemption(
    conn: &impl ConnectionTrait,
    r: &NewRedemption<'_>,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO redemptions (item_id, project_id, person_id, quantity, points, code, state, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'reserved', $7, $8) RETURNING id",
        params![r.item_id, r.project_id, r.person_id, r.quantity, r.points, r.code, r.created_by, now],
    )
    .await?)
}

/// Close a reserved redemption (`collected` or `cancelled`); `false` when it was no longer reserved.
pub async fn close_redemption(
    conn: &impl ConnectionTrait,
    id: i64,
    next: crate::volunteers::model::RedemptionState,
    by: UserId,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let n = db::exec(
        conn,
        "UPDATE redemptions SET state = $1, closed_at = $2, closed_by = $3 WHERE id = $4 AND state = 'reserved'",
        params![next, now, by, id],
    )
    .await?
    .rows_affected();
    Ok(n > 0)
}
