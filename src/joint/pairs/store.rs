//! 结对's SQL: pairings between two projects, their staff rotations, their outcomes log.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use super::model::{PairingInput, RotationInput};
use crate::{
    db::{self, constraint::OnConstraint},
    error::AppError,
    ids::PersonId,
    params,
};

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Pairing {
    pub id: i64,
    pub project_a: i64,
    pub a_name: String,
    pub project_b: i64,
    pub b_name: String,
    pub title: String,
    pub aims: Option<String>,
    pub signed_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

const SELECT: &str = "SELECT p.id, p.project_a, a.name AS a_name, p.project_b, b.name AS b_name, p.title, p.aims, p.signed_on, p.ends_on \
     FROM pairings p JOIN org_nodes a ON a.id = p.project_a JOIN org_nodes b ON b.id = p.project_b";

pub async fn all(conn: &impl ConnectionTrait) -> Result<Vec<Pairing>, AppError> {
    Ok(db::all(conn, &format!("{SELECT} ORDER BY p.signed_on DESC, p.id"), vec![]).await?)
}

pub async fn one(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Pairing>, AppError> {
    Ok(db::one(conn, &format!("{SELECT} WHERE p.id = $1"), params![id]).await?)
}

/// Are these two projects paired already (either way round)?
pub async fn paired(conn: &impl ConnectionTrait, a: i64, b: i64) -> Result<bool, AppError> {
    Ok(db::count(
        conn,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM pairings WHERE (project_a = $1 AND project_b = $2) OR (project_a = $2 AND project_b = $1)",
        params![a, b],
    )
    .await?
        > 0)
}

pub async fn insert(
    conn: &impl ConnectionTrait,
    a: i64,
    b: i64,
    p: &PairingInput,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    db::insert_id(
        conn,
        "INSERT INTO pairings (project_a, project_b, title, aims, signed_on, ends_on, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        params![a, b, p.title.as_str(), p.aims.as_deref(), p.signed_on, p.ends_on, by, now],
    )
    .await
    .on_constraint("ux_pairings_pair", already_paired)
}

pub fn already_paired() -> AppError {
    AppError::conflict("already_paired", "这两个项目已经结对", "These two projects are paired already")
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Rotation {
    pub id: i64,
    pub pairing_id: i64,
    pub person_id: PersonId,
    pub person_name: String,
    pub from_project: i64,
    pub from_name: String,
    pub to_project: i64,
    pub to_name: String,
    pub duty: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

const ROTATION_SELECT: &str = "SELECT r.id, r.pairing_id, r.person_id, pe.name AS person_name, r.from_project, f.name AS from_name, \
     r.to_project, t.name AS to_name, r.duty, r.starts_on, r.ends_on FROM pairing_rotations r \
     JOIN persons pe ON pe.id = r.person_id JOIN org_nodes f ON f.id = r.from_project JOIN org_nodes t ON t.id = r.to_project";

pub async fn rotations_of(conn: &impl ConnectionTrait, pairing: i64) -> Result<Vec<Rotation>, AppError> {
    Ok(db::all(
        conn,
        &format!("{ROTATION_SELECT} WHERE r.pairing_id = $1 ORDER BY r.starts_on DESC, r.id DESC"),
        params![pairing],
    )
    .await?)
}

/// The rotations into or out of a project not yet over on a day and starting within `ahead` days.
pub async fn rotations_at(
    conn: &impl ConnectionTrait,
    project: i64,
    today: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<Rotation>, AppError> {
    Ok(db::all(
        conn,
        &format!(
            "{ROTATION_SELECT} WHERE (r.to_project = $1 OR r.from_project = $1) AND r.ends_on >= $2 AND r.starts_on <= $3 \
             ORDER BY r.starts_on, r.id"
        ),
        params![project, today, until],
    )
    .await?)
}

/// Take the person's row lock for this transaction (PostgreSQL: a row lock; SQLite: the single writer),
/// so two rotations of one person decided at once are checked one after the other.
pub async fn lock_person(conn: &impl ConnectionTrait, person: PersonId) -> Result<(), AppError> {
    db::exec(conn, "UPDATE persons SET id = id WHERE id = $1", params![person]).await?;
    Ok(())
}

/// A person's rotations (for the overlap check).
pub async fn rotations_of_person(conn: &impl ConnectionTrait, person: PersonId) -> Result<Vec<Rotation>, AppError> {
    Ok(db::all(conn, &format!("{ROTATION_SELECT} WHERE r.person_id = $1"), params![person]).await?)
}

/// Who goes where under which pairing.
pub struct Move {
    pub pairing: i64,
    pub person: PersonId,
    pub from: i64,
    pub to: i64,
}

pub async fn insert_rotation(
    conn: &impl ConnectionTrait,
    m: &Move,
    r: &RotationInput,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO pairing_rotations (pairing_id, person_id, from_project, to_project, duty, starts_on, ends_on, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        params![m.pairing, m.person, m.from, m.to, r.duty.as_str(), r.starts_on, r.ends_on, by, now],
    )
    .await?)
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Outcome {
    pub id: i64,
    pub day: NaiveDate,
    pub text: String,
}

pub async fn outcomes_of(conn: &impl ConnectionTrait, pairing: i64) -> Result<Vec<Outcome>, AppError> {
    Ok(db::all(
        conn,
        "SELECT id, day, text FROM pairing_outcomes WHERE pairing_id = $1 ORDER BY day DESC, id DESC",
        params![pairing],
    )
    .await?)
}

pub async fn insert_outcome(
    conn: &impl ConnectionTrait,
    pairing: i64,
    day: NaiveDate,
    text: &str,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO pairing_outcomes (pairing_id, day, text, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        params![pairing, day, text, by, now],
    )
    .await?)
}
