//! Festival rounds' SQL: rounds with their counts, the stops (generated from the care tags in one
//! statement), taking and delivering by compare-and-set, coverage by building.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use crate::{
    care::model::Tag,
    db,
    error::AppError,
    ids::{PersonId, ProjectId},
    params,
    requests::photos::Owner,
};

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Round {
    pub id: i64,
    pub project_id: ProjectId,
    pub project_name: String,
    pub title: String,
    pub gift: String,
    pub kind: Tag,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// The activity date whose check-in credits the volunteers' hours.
    pub occurrence_id: Option<i64>,
    pub stops: i64,
    pub taken: i64,
    pub delivered: i64,
}

const ROUND: &str = "SELECT r.id, r.project_id, p.name AS project_name, r.title, r.gift, r.kind, r.starts_on, r.ends_on, \
     r.occurrence_id, \
     CAST((SELECT COUNT(*) FROM care_round_stops s WHERE s.round_id = r.id) AS BIGINT) AS stops, \
     CAST((SELECT COUNT(*) FROM care_round_stops s WHERE s.round_id = r.id AND s.taker_person_id IS NOT NULL) AS BIGINT) AS taken, \
     CAST((SELECT COUNT(*) FROM care_round_stops s WHERE s.round_id = r.id AND s.delivered_at IS NOT NULL) AS BIGINT) AS delivered \
     FROM care_rounds r JOIN org_nodes p ON p.id = r.project_id";

pub async fn round(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Round>, AppError> {
    Ok(db::one(conn, &format!("{ROUND} WHERE r.id = $1"), params![id]).await?)
}

/// Rounds of these projects, latest first.
pub async fn in_projects(conn: &impl ConnectionTrait, projects: &[ProjectId]) -> Result<Vec<Round>, AppError> {
    if projects.is_empty() {
        return Ok(vec![]);
    }
    Ok(db::all(
        conn,
        &format!(
            "{ROUND} WHERE r.project_id IN ({}) ORDER BY r.starts_on DESC, r.id DESC LIMIT 50",
            db::placeholders(1, projects.len())
        ),
        projects.iter().map(|p| (*p).into()).collect(),
    )
    .await?)
}

/// Rounds whose activity date this person is signed up for (a volunteer's rounds), latest first.
pub async fn of_volunteer(conn: &impl ConnectionTrait, person: PersonId) -> Result<Vec<Round>, AppError> {
    Ok(db::all(
        conn,
        &format!(
            "{ROUND} WHERE r.occurrence_id IN (SELECT occurrence_id FROM signups WHERE person_id = $1 AND state = 'confirmed') \
             ORDER BY r.starts_on DESC, r.id DESC LIMIT 20"
        ),
        params![person],
    )
    .await?)
}

/// Is this person signed up (confirmed) for the activity date?
pub async fn signed_up(conn: &impl ConnectionTrait, occurrence: i64, person: PersonId) -> Result<bool, AppError> {
    Ok(db::count(
        conn,
        "SELECT COUNT(*) AS n FROM signups WHERE occurrence_id = $1 AND person_id = $2 AND state = 'confirmed'",
        params![occurrence, person],
    )
    .await?
        > 0)
}

/// The project an activity date belongs to.
pub async fn occurrence_project(conn: &impl ConnectionTrait, occurrence: i64) -> Result<Option<i64>, AppError> {
    Ok(db::one::<db::IdRow>(
        conn,
        "SELECT a.project_id AS id FROM activity_occurrences o JOIN activities a ON a.id = o.activity_id WHERE o.id = $1",
        params![occurrence],
    )
    .await?
    .map(|r| r.id))
}

pub struct NewRound<'a> {
    pub project: ProjectId,
    pub title: &'a str,
    pub gift: &'a str,
    pub kind: Tag,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub occurrence: Option<i64>,
}

pub async fn insert(
    conn: &impl ConnectionTrait,
    r: &NewRound<'_>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO care_rounds (project_id, title, gift, kind, starts_on, ends_on, occurrence_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        params![r.project, r.title, r.gift, r.kind.as_str(), r.starts_on, r.ends_on, r.occurrence, by, now],
    )
    .await?)
}

/// The round's list: one stop for every resident with a tag of its kind in force in its project.
pub async fn generate(conn: &impl ConnectionTrait, round: i64, project: ProjectId, kind: Tag) -> Result<u64, AppError> {
    Ok(db::exec(
        conn,
        "INSERT INTO care_round_stops (round_id, tag_id, person_id, household_id) \
         SELECT $1, t.id, t.person_id, t.household_id FROM care_tags t \
         WHERE t.project_id = $2 AND t.kind = $3 AND t.ended_on IS NULL",
        params![round, project, kind.as_str()],
    )
    .await?
    .rows_affected())
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct StopRow {
    pub id: i64,
    pub round_id: i64,
    pub person_id: PersonId,
    pub person_name: String,
    pub building: String,
    /// 「1栋1单元101室」.
    pub home: String,
    pub taker_person_id: Option<PersonId>,
    pub taker_name: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub delivered_by_name: Option<String>,
    pub note: Option<String>,
}

const STOP: &str = "SELECT s.id, s.round_id, s.person_id, pe.name AS person_name, b.name AS building, \
     b.name || u.name || h.room || '室' AS home, s.taker_person_id, tp.name AS taker_name, s.delivered_at, \
     dp.name AS delivered_by_name, s.note \
     FROM care_round_stops s JOIN persons pe ON pe.id = s.person_id \
     JOIN households h ON h.node_id = s.household_id JOIN org_nodes hn ON hn.id = h.node_id \
     JOIN org_nodes u ON u.id = hn.parent_id JOIN org_nodes b ON b.id = u.parent_id \
     LEFT JOIN persons tp ON tp.id = s.taker_person_id LEFT JOIN persons dp ON dp.id = s.delivered_by";

/// A round's stops by building and home.
pub async fn stops(conn: &impl ConnectionTrait, round: i64) -> Result<Vec<StopRow>, AppError> {
    Ok(db::all(
        conn,
        &format!("{STOP} WHERE s.round_id = $1 ORDER BY b.name, u.name, h.room, s.id LIMIT 2000"),
        params![round],
    )
    .await?)
}

pub async fn stop(conn: &impl ConnectionTrait, id: i64) -> Result<Option<StopRow>, AppError> {
    Ok(db::one(conn, &format!("{STOP} WHERE s.id = $1"), params![id]).await?)
}

/// Take an open stop; false when someone was first (or it was delivered).
pub async fn take(conn: &impl ConnectionTrait, id: i64, me: PersonId, now: DateTime<Utc>) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE care_round_stops SET taker_person_id = $1, taken_at = $2 \
         WHERE id = $3 AND taker_person_id IS NULL AND delivered_at IS NULL",
        params![me, now, id],
    )
    .await?
    .rows_affected()
        == 1)
}

/// Give back a stop the caller took and has not delivered.
pub async fn release(conn: &impl ConnectionTrait, id: i64, me: PersonId) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE care_round_stops SET taker_person_id = NULL, taken_at = NULL \
         WHERE id = $1 AND taker_person_id = $2 AND delivered_at IS NULL",
        params![id, me],
    )
    .await?
    .rows_affected()
        == 1)
}

/// Mark a stop delivered (by its taker, or anyone when `any`); false when it was already delivered or
/// taken by someone else meanwhile. An open stop delivered by staff becomes theirs.
pub async fn deliver(
    conn: &impl ConnectionTrait,
    id: i64,
    me: PersonId,
    any: bool,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE care_round_stops SET delivered_at = $1, delivered_by = $2, note = $3, \
         taker_person_id = COALESCE(taker_person_id, $2), taken_at = COALESCE(taken_at, $1) \
         WHERE id = $4 AND delivered_at IS NULL AND (taker_person_id = $2 OR $5)",
        params![now, me, note, id, any],
    )
    .await?
    .rows_affected()
        == 1)
}

/// Where a stop's delivery photos are kept.
pub fn photos_of(stop: i64) -> Owner {
    Owner { table: "care_round_photos", column: "stop_id", id: stop, prefix: "care-rounds" }
}

#[derive(Debug, FromQueryResult)]
pub struct StopPhoto {
    pub id: i64,
    pub stop_id: i64,
}

/// Every delivery photo of a round's stops.
pub async fn photos_of_round(conn: &impl ConnectionTrait, round: i64) -> Result<Vec<StopPhoto>, AppError> {
    Ok(db::all(
        conn,
        "SELECT ph.id, ph.stop_id FROM care_round_photos ph JOIN care_round_stops s ON s.id = ph.stop_id \
         WHERE s.round_id = $1 ORDER BY ph.id LIMIT 5000",
        params![round],
    )
    .await?)
}
