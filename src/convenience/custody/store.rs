//! Custody's SQL: agreements with their last check, the key log, the checks, and the alert mark.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use super::model::KeyEvent;
use crate::{
    db::{self, constraint::OnConstraint},
    error::AppError,
    ids::{PersonId, ProjectId},
    params,
    requests::photos::Owner,
};

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Agreement {
    pub id: i64,
    pub project_id: ProjectId,
    pub project_name: String,
    pub household_id: i64,
    /// 「1栋1单元101室」.
    pub home: String,
    pub owner_person_id: PersonId,
    pub owner_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// What each check looks at (`water,gas,windows,plants`).
    pub items: String,
    pub every_days: i32,
    pub note: Option<String>,
    pub ended_on: Option<NaiveDate>,
    pub alerted_on: Option<NaiveDate>,
    #[serde(skip)]
    pub created_by: Option<i64>,
    pub last_check: Option<NaiveDate>,
    /// Keys held now: received and not yet returned.
    pub keys_held: bool,
}

const SELECT: &str = "SELECT g.id, g.project_id, pr.name AS project_name, g.household_id, \
     b.name || u.name || h.room || '室' AS home, g.owner_person_id, pe.name AS owner_name, g.starts_on, g.ends_on, \
     g.items, g.every_days, g.note, g.ended_on, g.alerted_on, g.created_by, \
     (SELECT MAX(c.checked_on) FROM custody_checks c WHERE c.agreement_id = g.id) AS last_check, \
     COALESCE((SELECT k.event = 'received' FROM custody_keys k WHERE k.agreement_id = g.id ORDER BY k.id DESC LIMIT 1), FALSE) AS keys_held \
     FROM custody_agreements g JOIN org_nodes pr ON pr.id = g.project_id JOIN persons pe ON pe.id = g.owner_person_id \
     JOIN households h ON h.node_id = g.household_id JOIN org_nodes hn ON hn.id = h.node_id \
     JOIN org_nodes u ON u.id = hn.parent_id JOIN org_nodes b ON b.id = u.parent_id";

pub async fn one(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Agreement>, AppError> {
    Ok(db::one(conn, &format!("{SELECT} WHERE g.id = $1"), params![id]).await?)
}

/// Agreements of these projects, those in force first, latest first.
pub async fn in_projects(conn: &impl ConnectionTrait, projects: &[ProjectId]) -> Result<Vec<Agreement>, AppError> {
    if projects.is_empty() {
        return Ok(vec![]);
    }
    Ok(db::all(
        conn,
        &format!(
            "{SELECT} WHERE g.project_id IN ({}) ORDER BY g.ends_on DESC, g.id DESC LIMIT 500",
            db::placeholders(1, projects.len())
        ),
        projects.iter().map(|p| (*p).into()).collect(),
    )
    .await?)
}

/// Agreements of the homes this person lives in now.
pub async fn of_person(conn: &impl ConnectionTrait, person: PersonId) -> Result<Vec<Agreement>, AppError> {
    Ok(db::all(
        conn,
        &format!(
            "{SELECT} WHERE g.household_id IN (SELECT household_id FROM household_members WHERE person_id = $1 AND moved_out IS NULL) \
             ORDER BY g.ends_on DESC, g.id DESC LIMIT 50"
        ),
        params![person],
    )
    .await?)
}

/// Is this person living in this home now?
pub async fn lives_in(conn: &impl ConnectionTrait, person: PersonId, household: i64) -> Result<bool, AppError> {
    Ok(db::count(
        conn,
        "SELECT COUNT(*) AS n FROM household_members WHERE person_id = $1 AND household_id = $2 AND moved_out IS NULL",
        params![person, household],
    )
    .await?
        > 0)
}

/// Every agreement in force on this day (the alert job).
pub async fn in_force(conn: &impl ConnectionTrait, today: NaiveDate) -> Result<Vec<Agreement>, AppError> {
    Ok(db::all(
        conn,
        &format!(
            "{SELECT} WHERE g.ended_on IS NULL AND g.starts_on <= $1 AND g.ends_on >= $1 ORDER BY g.id LIMIT 20000"
        ),
        params![today],
    )
    .await?)
}

pub struct NewAgreement<'a> {
    pub project: ProjectId,
    pub household: i64,
    pub owner: PersonId,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub items: &'a str,
    pub every_days: i64,
    pub note: Option<&'a str>,
}

pub async fn insert(
    conn: &impl ConnectionTrait,
    a: &NewAgreement<'_>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO custody_agreements (project_id, household_id, owner_person_id, starts_on, ends_on, items, every_days, \
         note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        params![a.project, a.household, a.owner, a.starts_on, a.ends_on, a.items, a.every_days, a.note, by, now],
    )
    .await?)
}

/// End an agreement in force early; false when it was ended already.
pub async fn end(conn: &impl ConnectionTrait, id: i64, on: NaiveDate) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE custody_agreements SET ended_on = $1 WHERE id = $2 AND ended_on IS NULL",
        params![on, id],
    )
    .await?
    .rows_affected()
        == 1)
}

/// Mark the manager alerted today; false when another instance was first.
pub async fn mark_alerted(conn: &impl ConnectionTrait, id: i64, today: NaiveDate) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE custody_agreements SET alerted_on = $1 WHERE id = $2 AND (alerted_on IS NULL OR alerted_on < $1)",
        params![today, id],
    )
    .await?
    .rows_affected()
        == 1)
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct KeyLine {
    pub id: i64,
    pub event: KeyEvent,
    /// Who handed the keys over or took them back (the owner, a relative named by the owner).
    pub party: String,
    pub note: Option<String>,
    pub by_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub async fn keys(conn: &impl ConnectionTrait, agreement: i64) -> Result<Vec<KeyLine>, AppError> {
    Ok(db::all(
        conn,
        "SELECT k.id, k.event, k.party, k.note, p.name AS by_name, k.created_at FROM custody_keys k \
         LEFT JOIN persons p ON p.id = k.by_person_id WHERE k.agreement_id = $1 ORDER BY k.id LIMIT 200",
        params![agreement],
    )
    .await?)
}

pub async fn insert_key(
    conn: &impl ConnectionTrait,
    agreement: i64,
    event: KeyEvent,
    party: &str,
    note: Option<&str>,
    by: Option<PersonId>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO custody_keys (agreement_id, event, party, note, by_person_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        params![agreement, event.as_str(), party, note, by, now],
    )
    .await?)
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Check {
    pub id: i64,
    pub checked_on: NaiveDate,
    pub by_name: Option<String>,
    /// Items found wrong (`windows`), empty when all was well.
    pub problems: Option<String>,
    pub note: Option<String>,
}

pub async fn checks(conn: &impl ConnectionTrait, agreement: i64) -> Result<Vec<Check>, AppError> {
    Ok(db::all(
        conn,
        "SELECT c.id, c.checked_on, p.name AS by_name, c.problems, c.note FROM custody_checks c \
         LEFT JOIN persons p ON p.id = c.by_person_id WHERE c.agreement_id = $1 ORDER BY c.checked_on DESC LIMIT 400",
        params![agreement],
    )
    .await?)
}

/// The agreement a check belongs to.
pub async fn agreement_of_check(conn: &impl ConnectionTrait, check: i64) -> Result<Option<i64>, AppError> {
    Ok(db::one::<db::IdRow>(conn, "SELECT agreement_id AS id FROM custody_checks WHERE id = $1", params![check])
        .await?
        .map(|r| r.id))
}

pub async fn insert_check(
    conn: &impl ConnectionTrait,
    agreement: i64,
    day: NaiveDate,
    by: Option<PersonId>,
    problems: Option<&str>,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    db::insert_id(
        conn,
        "INSERT INTO custody_checks (agreement_id, checked_on, by_person_id, problems, note, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        params![agreement, day, by, problems, note, now],
    )
    .await
    .on_constraint("ux_custody_checks_day", || {
        AppError::conflict("check_exists", "今天已经登记过这户的巡查", "Today's check is recorded already")
    })
}

#[derive(Debug, FromQueryResult)]
pub struct PhotoRef {
    pub id: i64,
    pub check_id: i64,
}

/// Every photo of an agreement's checks.
pub async fn check_photos(conn: &impl ConnectionTrait, agreement: i64) -> Result<Vec<PhotoRef>, AppError> {
    Ok(db::all(
        conn,
        "SELECT ph.id, ph.check_id FROM custody_check_photos ph JOIN custody_checks c ON c.id = ph.check_id \
         WHERE c.agreement_id = $1 ORDER BY ph.id LIMIT 2000",
        params![agreement],
    )
    .await?)
}

pub fn photos_of_check(check: i64) -> Owner {
    Owner { table: "custody_check_photos", column: "check_id", id: check, prefix: "custody" }
}

pub fn photos_of_key(key: i64) -> Owner {
    Owner { table: "custody_key_photos", column: "key_id", id: key, prefix: "custody-keys" }
}
