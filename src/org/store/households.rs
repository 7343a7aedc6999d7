//! SQL for households: the row, how a home is found (by id, by its label), and its updates.

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use crate::{auth::Principal, db, error::AppError, params};

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Household {
    pub id: i64,
    pub project_id: ProjectId,
    pub room: String,
    pub floor: Option<i32>,
    pub exclusive_area_centi: Option<i64>,
    pub microgrid_id: Option<i64>,
    pub microgrid_name: Option<String>,
    #[serde(skip)]
    pub microgrid_path: Option<String>,
    pub unit_id: i64,
    pub unit_name: String,
    pub building_id: i64,
    pub building_name: String,
    pub project_name: String,
}

impl Household {
    /// 「3栋2单元1001室」
    pub fn label(&self) -> String {
        format!("{}{}{}室", self.building_name, self.unit_name, self.room)
    }
}

pub const HOUSEHOLD_SELECT: &str = "SELECT h.node_id AS id, h.project_id, h.room, h.floor, h.exclusive_area_centi, \
     h.microgrid_id, mg.name AS microgrid_name, mg.path AS microgrid_path, u.id AS unit_id, u.name AS unit_name, \
     b.id AS building_id, b.name AS building_name, p.name AS project_name \
     FROM households h JOIN org_nodes hn ON hn.id = h.node_id JOIN org_nodes u ON u.id = hn.parent_id \
     JOIN org_nodes b ON b.id = u.parent_id JOIN org_nodes p ON p.id = h.project_id \
     LEFT JOIN org_nodes mg ON mg.id = h.microgrid_id";

pub async fn household(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Household>, AppError> {
    Ok(db::one(conn, &format!("{HOUSEHOLD_SELECT} WHERE h.node_id = $1"), params![id]).await?)
}

/// A home's project and building, all ids: what a report checks (read inline through `Db::reader`).
#[derive(Debug, Clone, FromQueryResult)]
pub struct HomeRef {
    pub id: i64,
    pub project_id: ProjectId,
    pub building_id: i64,
}

pub async fn home_ref(conn: &impl ConnectionTrait, id: i64) -> Result<Option<HomeRef>, AppError> {
    let sql = "SELECT h.node_id AS id, h.project_id, u.parent_id AS building_id FROM households h \
         JOIN org_nodes hn ON hn.id = h.node_id JOIN org_nodes u ON u.id = hn.parent_id WHERE h.node_id = $1";
    Ok(db::one(conn, sql, params![id]).await?)
}

/// A household of a project by its label as typed: 「1-1-101」 or 「1栋1单元101(室)」 (staff reporting for a
/// resident, a branch linking a member with a household).
pub async fn household_by_label(
    conn: &impl ConnectionTrait,
    project_id: ProjectId,
    label: &str,
) -> Result<Option<i64>, AppError> {
    let wanted = crate::org::model::household_label_key(label);
    Ok(db::one::<db::IdRow>(
        conn,
        "SELECT h.node_id AS id FROM households h JOIN org_nodes hn ON hn.id = h.node_id \
         JOIN org_nodes u ON u.id = hn.parent_id JOIN org_nodes b ON b.id = u.parent_id \
         WHERE h.project_id = $1 AND b.name || u.name || h.room = $2",
        params![project_id, wanted],
    )
    .await?
    .map(|r| r.id))
}

pub fn household_readable(p: &Principal, h: &Household) -> bool {
    p.scope.can_read_household(HouseholdId(h.id), h.project_id, h.microgrid_path.as_deref())
}

/// Create the household row for a node of kind `household`.
pub async fn create_household(
    conn: &impl ConnectionTrait,
    node_id: i64,
    project_id: ProjectId,
    room: &str,
    area_centi: Option<i64>,
    microgrid_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let floor = floor_of(room);
    db::exec(
        conn,
        "INSERT INTO households (node_id, project_id, room, floor, exclusive_area_centi, microgrid_id, unit_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, (SELECT parent_id FROM org_nodes WHERE id = $1), $7)",
        params![node_id, project_id, room, floor, area_centi, microgrid_id, now],
    )
    .await?;
    Ok(())
}

/// 「1001」→ 10, 「302」→ 3, 「B-1203」→ 12.
pub fn floor_of(room: &str) -> Option<i32> {
    let digits: String = room.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() < 3 {
        return None;
    }
    digits[..digits.len() - 2].parse().ok()
}

pub async fn update_household(
    conn: &impl ConnectionTrait,
    id: i64,
    area_centi: Option<i64>,
    microgrid_id: Option<i64>,
) -> Result<(), AppError> {
    db::exec(
        conn,
        "UPDATE households SET exclusive_area_centi = $1, microgrid_id = $2 WHERE node_id = $3",
        params![area_centi, microgrid_id, id],
    )
    .await?;
    Ok(())
}

/// Fill in an existing household's area and micro-grid where the import gives them (others kept).
pub async fn fill_household(
    conn: &impl ConnectionTrait,
    household: HouseholdId,
    area_centi: Option<i64>,
    microgrid: Option<i64>,
) -> Result<(), AppError> {
    db::exec(
        conn,
        "UPDATE households SET exclusive_area_centi = COALESCE($1, exclusive_area_centi), microgrid_id = COALESCE($2, microgrid_id) WHERE node_id = $3",
        params![area_centi, microgrid, household],
    )
    .await?;
    Ok(())
}
