//! 联系户 and 先锋岗's SQL: the links between a member and the households they keep in touch with, the
//! visit log, and the posts members hold on a project.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use super::model::{StationKind, VisitHow, VisitInput};
use crate::{
    db::{self, constraint::OnConstraint},
    error::AppError,
    ids::{PersonId, ProjectId},
    params,
};

/// A member's link with a household, with the year's visits.
#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Contact {
    pub id: i64,
    pub org_id: i64,
    pub person_id: PersonId,
    pub person_name: String,
    pub household_id: i64,
    /// 「3栋2单元1001室」
    pub household: String,
    pub project_id: ProjectId,
    pub since: NaiveDate,
    /// The day the link ended (none while in force).
    pub until: Option<NaiveDate>,
    /// Visits from the start of the year asked for.
    pub visits: i64,
    pub last_visit: Option<NaiveDate>,
}

const CONTACT_SELECT: &str = "SELECT c.id, c.org_id, c.person_id, pe.name AS person_name, c.household_id, \
     b.name || u.name || h.room || '室' AS household, h.project_id, c.since, c.until, \
     (SELECT COUNT(*) FROM party_contact_visits v WHERE v.contact_id = c.id AND v.visited_on >= $1) AS visits, \
     (SELECT MAX(v.visited_on) FROM party_contact_visits v WHERE v.contact_id = c.id) AS last_visit \
     FROM party_contacts c JOIN persons pe ON pe.id = c.person_id JOIN households h ON h.node_id = c.household_id \
     JOIN org_nodes hn ON hn.id = h.node_id JOIN org_nodes u ON u.id = hn.parent_id JOIN org_nodes b ON b.id = u.parent_id";

/// A branch's links in force, by member and household.
pub async fn of_org(conn: &impl ConnectionTrait, org: i64, year_start: NaiveDate) -> Result<Vec<Contact>, AppError> {
    Ok(db::all(
        conn,
        &format!("{CONTACT_SELECT} WHERE c.org_id = $2 AND c.until IS NULL ORDER BY pe.name, b.name, u.name, h.room"),
        params![year_start, org],
    )
    .await?)
}

/// A member's links in force.
pub async fn of_person(
    conn: &impl ConnectionTrait,
    person: PersonId,
    year_start: NaiveDate,
) -> Result<Vec<Contact>, AppError> {
    Ok(db::all(
        conn,
        &format!("{CONTACT_SELECT} WHERE c.person_id = $2 AND c.until IS NULL ORDER BY b.name, u.name, h.room"),
        params![year_start, person],
    )
    .await?)
}

/// A link (in force or ended).
pub async fn one(conn: &impl ConnectionTrait, id: i64, year_start: NaiveDate) -> Result<Option<Contact>, AppError> {
    Ok(db::one(conn, &format!("{CONTACT_SELECT} WHERE c.id = $2"), params![year_start, id]).await?)
}

/// How many households a member keeps in touch with now.
pub async fn count_of(conn: &impl ConnectionTrait, person: PersonId) -> Result<i64, AppError> {
    Ok(db::count(
        conn,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM party_contacts WHERE person_id = $1 AND until IS NULL",
        params![person],
    )
    .await?)
}

/// Link a member with a household (a second link of the same pair in force: 409).
pub async fn insert(
    conn: &impl ConnectionTrait,
    org: i64,
    person: PersonId,
    household: i64,
    since: NaiveDate,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    db::insert_id(
        conn,
        "INSERT INTO party_contacts (org_id, person_id, household_id, since, current_household_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $3, $5, $6) RETURNING id",
        params![org, person, household, since, by, now],
    )
    .await
    .on_constraint("ux_party_contacts_current", || {
        AppError::conflict("already_linked", "这位党员已联系这一户", "The member already keeps in touch with this household")
    })
}

/// End a link in force; false when it was not.
pub async fn end(conn: &impl ConnectionTrait, id: i64, until: NaiveDate) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE party_contacts SET until = $1, current_household_id = NULL WHERE id = $2 AND until IS NULL",
        params![until, id],
    )
    .await?
    .rows_affected()
        > 0)
}

/// A visit in the log.
#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Visit {
    pub id: i64,
    pub contact_id: i64,
    pub person_name: String,
    pub household: String,
    pub visited_on: NaiveDate,
    pub how: VisitHow,
    pub note: String,
    pub raised: Option<String>,
}

const VISIT_SELECT: &str = "SELECT v.id, v.contact_id, pe.name AS person_name, b.name || u.name || h.room || '室' AS household, \
     v.visited_on, v.how, v.note, v.raised FROM party_contact_visits v JOIN party_contacts c ON c.id = v.contact_id \
     JOIN persons pe ON pe.id = c.person_id JOIN households h ON h.node_id = c.household_id \
     JOIN org_nodes hn ON hn.id = h.node_id JOIN org_nodes u ON u.id = hn.parent_id JOIN org_nodes b ON b.id = u.parent_id";

pub async fn insert_visit(
    conn: &impl ConnectionTrait,
    contact: i64,
    v: &VisitInput,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO party_contact_visits (contact_id, visited_on, how, note, raised, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        params![contact, v.visited_on, v.how.as_str(), v.note.as_str(), v.raised.as_deref(), by, now],
    )
    .await?)
}

/// A branch's latest visits (at most `limit`), newest first.
pub async fn visits_of_org(conn: &impl ConnectionTrait, org: i64, limit: i64) -> Result<Vec<Visit>, AppError> {
    Ok(db::all(
        conn,
        &format!("{VISIT_SELECT} WHERE c.org_id = $1 ORDER BY v.visited_on DESC, v.id DESC LIMIT $2"),
        params![org, limit],
    )
    .await?)
}

/// A member's latest visits (at most `limit`), newest first.
pub async fn visits_of_person(
    conn: &impl ConnectionTrait,
    person: PersonId,
    limit: i64,
) -> Result<Vec<Visit>, AppError> {
    Ok(db::all(
        conn,
        &format!("{VISIT_SELECT} WHERE c.person_id = $1 ORDER BY v.visited_on DESC, v.id DESC LIMIT $2"),
        params![person, limit],
    )
    .await?)
}

/// A 先锋岗 or 示范岗 a member holds on a project.
#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Station {
    pub id: i64,
    pub org_id: i64,
    pub person_id: PersonId,
    pub person_name: String,
    pub project_id: ProjectId,
    pub project_name: String,
    pub kind: StationKind,
    pub title: String,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
}

const STATION_SELECT: &str = "SELECT s.id, s.org_id, s.person_id, pe.name AS person_name, s.project_id, n.name AS project_name, \
     s.kind, s.title, s.since, s.until FROM party_stations s JOIN persons pe ON pe.id = s.person_id JOIN org_nodes n ON n.id = s.project_id";

/// A branch's posts held now.
pub async fn stations_of_org(conn: &impl ConnectionTrait, org: i64) -> Result<Vec<Station>, AppError> {
    Ok(db::all(
        conn,
        &format!("{STATION_SELECT} WHERE s.org_id = $1 AND s.until IS NULL ORDER BY s.kind, pe.name"),
        params![org],
    )
    .await?)
}

/// The posts held now on a project (shown beside the people who serve there).
pub async fn stations_at(conn: &impl ConnectionTrait, project: i64) -> Result<Vec<Station>, AppError> {
    Ok(db::all(
        conn,
        &format!("{STATION_SELECT} WHERE s.project_id = $1 AND s.until IS NULL ORDER BY s.kind, pe.name"),
        params![project],
    )
    .await?)
}

/// The posts a person holds now.
pub async fn stations_of_person(conn: &impl ConnectionTrait, person: PersonId) -> Result<Vec<Station>, AppError> {
    Ok(db::all(conn, &format!("{STATION_SELECT} WHERE s.person_id = $1 AND s.until IS NULL"), params![person]).await?)
}

/// A post (held now or ended).
pub async fn station(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Station>, AppError> {
    Ok(db::one(conn, &format!("{STATION_SELECT} WHERE s.id = $1"), params![id]).await?)
}

pub struct NewStation<'a> {
    pub org: i64,
    pub person: PersonId,
    pub project: i64,
    pub kind: StationKind,
    pub title: &'a str,
    pub since: NaiveDate,
}

pub async fn insert_station(
    conn: &impl ConnectionTrait,
    s: &NewStation<'_>,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO party_stations (org_id, person_id, project_id, kind, title, since, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        params![s.org, s.person, s.project, s.kind.as_str(), s.title, s.since, by, now],
    )
    .await?)
}

pub async fn end_station(conn: &impl ConnectionTrait, id: i64, until: NaiveDate) -> Result<bool, AppError> {
    Ok(db::exec(conn, "UPDATE party_stations SET until = $1 WHERE id = $2 AND until IS NULL", params![until, id])
        .await?
        .rows_affected()
        > 0)
}
