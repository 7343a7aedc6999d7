//! Parcel delivery's SQL: requests with their home and people, moves by compare-and-set on the state.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use super::model::ParcelState;
use crate::{
    db,
    error::AppError,
    ids::{PersonId, ProjectId},
    params,
    requests::photos::Owner,
};

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Parcel {
    pub id: i64,
    pub project_id: ProjectId,
    pub household_id: i64,
    /// 「1栋1单元101室」.
    pub home: String,
    pub person_id: PersonId,
    pub person_name: String,
    pub pieces: i32,
    /// Where and how to pick up: station and pick-up codes.
    pub pickup: String,
    pub note: Option<String>,
    /// Elderly living alone or disabled (a care tag when asked): first in the queue.
    pub priority: bool,
    pub state: ParcelState,
    pub taker_person_id: Option<PersonId>,
    pub taker_name: Option<String>,
    pub taken_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT x.id, x.project_id, x.household_id, b.name || u.name || h.room || '室' AS home, x.person_id, \
     pe.name AS person_name, x.pieces, x.pickup, x.note, x.priority, x.state, x.taker_person_id, tp.name AS taker_name, \
     x.taken_at, x.delivered_at, x.created_at \
     FROM parcels x JOIN persons pe ON pe.id = x.person_id \
     JOIN households h ON h.node_id = x.household_id JOIN org_nodes hn ON hn.id = h.node_id \
     JOIN org_nodes u ON u.id = hn.parent_id JOIN org_nodes b ON b.id = u.parent_id \
     LEFT JOIN persons tp ON tp.id = x.taker_person_id";

pub async fn one(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Parcel>, AppError> {
    Ok(db::one(conn, &format!("{SELECT} WHERE x.id = $1"), params![id]).await?)
}

/// Open requests of these projects and those closed in the last week.
pub async fn in_projects(
    conn: &impl ConnectionTrait,
    projects: &[ProjectId],
    since: DateTime<Utc>,
) -> Result<Vec<Parcel>, AppError> {
    if projects.is_empty() {
        return Ok(vec![]);
    }
    let n = projects.len();
    Ok(db::all(
        conn,
        &format!(
            "{SELECT} WHERE x.project_id IN ({}) AND (x.state IN ('requested','taken') OR x.created_at >= ${}) \
             ORDER BY x.id DESC LIMIT 500",
            db::placeholders(1, n),
            n + 1
        ),
        projects.iter().map(|p| (*p).into()).chain(std::iter::once(since.into())).collect(),
    )
    .await?)
}

/// A person's own requests, latest first.
pub async fn of_person(conn: &impl ConnectionTrait, person: PersonId) -> Result<Vec<Parcel>, AppError> {
    Ok(db::all(conn, &format!("{SELECT} WHERE x.person_id = $1 ORDER BY x.id DESC LIMIT 30"), params![person]).await?)
}

pub struct NewParcel<'a> {
    pub project: ProjectId,
    pub household: i64,
    pub person: PersonId,
    pub pieces: i64,
    pub pickup: &'a str,
    pub note: Option<&'a str>,
    pub priority: bool,
}

pub async fn insert(
    conn: &impl ConnectionTrait,
    x: &NewParcel<'_>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO parcels (project_id, household_id, person_id, pieces, pickup, note, priority, state, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'requested', $8, $9) RETURNING id",
        params![x.project, x.household, x.person, x.pieces, x.pickup, x.note, x.priority, by, now],
    )
    .await?)
}

/// Take an open request; false when someone was first (or it was cancelled).
pub async fn take(conn: &impl ConnectionTrait, id: i64, by: PersonId, now: DateTime<Utc>) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE parcels SET state = 'taken', taker_person_id = $1, taken_at = $2 WHERE id = $3 AND state = 'requested'",
        params![by, now, id],
    )
    .await?
    .rows_affected()
        == 1)
}

/// Mark a request delivered from the state it was read in; false when it moved meanwhile.
pub async fn deliver(
    conn: &impl ConnectionTrait,
    id: i64,
    from: ParcelState,
    by: PersonId,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE parcels SET state = 'delivered', taker_person_id = COALESCE(taker_person_id, $1), \
         taken_at = COALESCE(taken_at, $2), delivered_at = $2 WHERE id = $3 AND state = $4",
        params![by, now, id, from.as_str()],
    )
    .await?
    .rows_affected()
        == 1)
}

/// Cancel a request not yet taken; false when it was taken meanwhile.
pub async fn cancel(conn: &impl ConnectionTrait, id: i64) -> Result<bool, AppError> {
    Ok(db::exec(conn, "UPDATE parcels SET state = 'cancelled' WHERE id = $1 AND state = 'requested'", params![id])
        .await?
        .rows_affected()
        == 1)
}

pub fn photos_of(parcel: i64) -> Owner {
    Owner { table: "parcel_photos", column: "parcel_id", id: parcel, prefix: "parcels" }
}

#[derive(Debug, FromQueryResult)]
pub struct PhotoRef {
    pub id: i64,
    pub parcel_id: i64,
}

pub async fn photos_in(conn: &impl ConnectionTrait, parcels: &[i64]) -> Result<Vec<PhotoRef>, AppError> {
    if parcels.is_empty() {
        return Ok(vec![]);
    }
    Ok(db::all(
        conn,
        &format!(
            "SELECT id, parcel_id FROM parcel_photos WHERE parcel_id IN ({}) ORDER BY id",
            db::placeholders(1, parcels.len())
        ),
        parcels.iter().map(|p| (*p).into()).collect(),
    )
    .await?)
}
