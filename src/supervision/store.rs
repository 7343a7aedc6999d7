//! Supervision's SQL: appointments, the checklist, inspections with their findings (joined to the
//! rectification request's state and deadline), and the month's facts for the report.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use super::model::{Area, DEFAULT_ITEMS, FindingState, Scoring};
use crate::{
    db::{self, constraint::OnConstraint},
    error::AppError,
    ids::{PersonId, ProjectId},
    params,
    requests::photos::Owner,
};

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Appointment {
    pub id: i64,
    pub project_id: ProjectId,
    pub project_name: String,
    pub person_id: PersonId,
    pub person_name: String,
    pub body_name: String,
    pub term_start: NaiveDate,
    pub term_end: NaiveDate,
    pub letter_no: String,
    pub role_id: Option<i64>,
    pub ended_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

const APPT: &str = "SELECT a.id, a.project_id, n.name AS project_name, a.person_id, p.name AS person_name, a.body_name, \
     a.term_start, a.term_end, a.letter_no, a.role_id, a.ended_on, a.created_at FROM sv_appointments a \
     JOIN org_nodes n ON n.id = a.project_id JOIN persons p ON p.id = a.person_id";

/// A project's appointments in force, by term.
pub async fn appointments(conn: &impl ConnectionTrait, project: ProjectId) -> Result<Vec<Appointment>, AppError> {
    Ok(db::all(
        conn,
        &format!("{APPT} WHERE a.project_id = $1 AND a.ended_on IS NULL ORDER BY a.term_start, a.id"),
        params![project],
    )
    .await?)
}

pub async fn appointment(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Appointment>, AppError> {
    Ok(db::one(conn, &format!("{APPT} WHERE a.id = $1"), params![id]).await?)
}

/// The person's appointment in force at a project on a day, if any.
pub async fn serving(
    conn: &impl ConnectionTrait,
    project: ProjectId,
    person: PersonId,
    day: NaiveDate,
) -> Result<Option<Appointment>, AppError> {
    Ok(db::one(
        conn,
        &format!(
            "{APPT} WHERE a.project_id = $1 AND a.person_id = $2 AND a.ended_on IS NULL AND a.term_start <= $3 AND a.term_end >= $3"
        ),
        params![project, person, day],
    )
    .await?)
}

/// The projects where the person serves on a day.
pub async fn serving_projects(
    conn: &impl ConnectionTrait,
    person: PersonId,
    day: NaiveDate,
) -> Result<Vec<Appointment>, AppError> {
    Ok(db::all(
        conn,
        &format!("{APPT} WHERE a.person_id = $1 AND a.ended_on IS NULL AND a.term_start <= $2 AND a.term_end >= $2 ORDER BY n.name"),
        params![person, day],
    )
    .await?)
}

/// Appointments made at the project in a year (the letter's number follows).
pub async fn count_in_year(
    conn: &impl ConnectionTrait,
    project: ProjectId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64, AppError> {
    Ok(db::count(
        conn,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM sv_appointments WHERE project_id = $1 AND term_start >= $2 AND term_start < $3",
        params![project, from, to],
    )
    .await?)
}

pub struct NewAppointment<'a> {
    pub project: ProjectId,
    pub person: PersonId,
    pub body_name: &'a str,
    pub term: (NaiveDate, NaiveDate),
    pub letter_no: &'a str,
    pub role_id: Option<i64>,
}

pub async fn insert_appointment(
    conn: &impl ConnectionTrait,
    a: &NewAppointment<'_>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    db::insert_id(
        conn,
        "INSERT INTO sv_appointments (project_id, person_id, body_name, term_start, term_end, letter_no, role_id, current_person_id, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $2, $8, $9) RETURNING id",
        params![a.project, a.person, a.body_name, a.term.0, a.term.1, a.letter_no, a.role_id, by, now],
    )
    .await
    .on_constraint("ux_sv_appointments_current", || {
        AppError::conflict("already_supervisor", "此人已是本项目的监督员", "Already a supervisor of this project")
    })
}

/// End an appointment in force; false when it was not.
pub async fn end_appointment(conn: &impl ConnectionTrait, id: i64, on: NaiveDate) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE sv_appointments SET ended_on = $1, current_person_id = NULL WHERE id = $2 AND ended_on IS NULL",
        params![on, id],
    )
    .await?
    .rows_affected()
        == 1)
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Item {
    pub id: i64,
    pub area: Area,
    pub text: String,
    pub scoring: Scoring,
}

/// A project's checklist in force, in order.
pub async fn items(conn: &impl ConnectionTrait, project: ProjectId) -> Result<Vec<Item>, AppError> {
    Ok(db::all(
        conn,
        "SELECT id, area, text, scoring FROM sv_items WHERE project_id = $1 AND retired_at IS NULL ORDER BY position, id",
        params![project],
    )
    .await?)
}

/// A new project's checklist: the defaults.
pub async fn insert_default_items(conn: &impl ConnectionTrait, project: i64) -> Result<(), AppError> {
    for (n, (area, text, scoring)) in DEFAULT_ITEMS.iter().enumerate() {
        db::exec(
            conn,
            "INSERT INTO sv_items (project_id, area, text, scoring, position) VALUES ($1, $2, $3, $4, $5)",
            params![project, area.as_str(), *text, scoring.as_str(), n as i32],
        )
        .await?;
    }
    Ok(())
}

pub fn photos_of(inspection: i64) -> Owner {
    Owner { table: "sv_inspection_photos", column: "inspection_id", id: inspection, prefix: "inspections" }
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Inspection {
    pub id: i64,
    pub project_id: ProjectId,
    pub project_name: String,
    pub person_id: PersonId,
    pub person_name: String,
    pub inspected_on: NaiveDate,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Failed findings, and those still open.
    pub failed: i64,
    pub open: i64,
}

const INSP: &str = "SELECT i.id, i.project_id, n.name AS project_name, i.person_id, p.name AS person_name, i.inspected_on, i.note, \
     i.created_at, (SELECT COUNT(*) FROM sv_findings f WHERE f.inspection_id = i.id AND f.state <> 'ok') AS failed, \
     (SELECT COUNT(*) FROM sv_findings f WHERE f.inspection_id = i.id AND f.state = 'open') AS open \
     FROM sv_inspections i JOIN org_nodes n ON n.id = i.project_id JOIN persons p ON p.id = i.person_id";

pub async fn inspection(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Inspection>, AppError> {
    Ok(db::one(conn, &format!("{INSP} WHERE i.id = $1"), params![id]).await?)
}

/// The latest inspections of these projects (or by this person), newest first.
pub async fn inspections_in(conn: &impl ConnectionTrait, projects: &[ProjectId]) -> Result<Vec<Inspection>, AppError> {
    if projects.is_empty() {
        return Ok(vec![]);
    }
    Ok(db::all(
        conn,
        &format!(
            "{INSP} WHERE i.project_id IN ({}) ORDER BY i.inspected_on DESC, i.id DESC LIMIT 50",
            db::placeholders(1, projects.len())
        ),
        projects.iter().map(|p| (*p).into()).collect(),
    )
    .await?)
}

pub async fn inspections_by(conn: &impl ConnectionTrait, person: PersonId) -> Result<Vec<Inspection>, AppError> {
    Ok(db::all(
        conn,
        &format!("{INSP} WHERE i.person_id = $1 ORDER BY i.inspected_on DESC, i.id DESC LIMIT 50"),
        params![person],
    )
    .await?)
}

pub async fn insert_inspection(
    conn: &impl ConnectionTrait,
    project: ProjectId,
    person: PersonId,
    day: NaiveDate,
    note: Option<&str>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO sv_inspections (project_id, person_id, inspected_on, note, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        params![project, person, day, note, by, now],
    )
    .await?)
}

pub struct NewFinding<'a> {
    pub inspection: i64,
    pub project: ProjectId,
    pub item: &'a Item,
    pub score: Option<i16>,
    pub passed: Option<bool>,
    pub note: Option<&'a str>,
    pub request_id: Option<i64>,
    pub state: FindingState,
}

pub async fn insert_finding(conn: &impl ConnectionTrait, f: &NewFinding<'_>) -> Result<i64, AppError> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO sv_findings (inspection_id, project_id, item_id, area, item_text, score, passed, note, request_id, state, reworks) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0) RETURNING id",
        params![
            f.inspection,
            f.project,
            f.item.id,
            f.item.area.as_str(),
            f.item.text.as_str(),
            f.score,
            f.passed,
            f.note,
            f.request_id,
            f.state.as_str()
        ],
    )
    .await?)
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Finding {
    pub id: i64,
    pub inspection_id: i64,
    pub project_id: ProjectId,
    pub area: Area,
    pub item_text: String,
    pub score: Option<i16>,
    pub passed: Option<bool>,
    pub note: Option<String>,
    pub request_id: Option<i64>,
    /// The rectification request's state (`awaiting_rating` once staff have finished).
    pub request_state: Option<String>,
    pub complete_by: Option<DateTime<Utc>>,
    pub state: FindingState,
    pub reworks: i32,
    pub closed_at: Option<DateTime<Utc>>,
}

const FIND: &str = "SELECT f.id, f.inspection_id, f.project_id, f.area, f.item_text, f.score, f.passed, f.note, f.request_id, \
     r.state AS request_state, r.complete_by, f.state, f.reworks, f.closed_at FROM sv_findings f \
     LEFT JOIN requests r ON r.id = f.request_id";

pub async fn findings_of(conn: &impl ConnectionTrait, inspection: i64) -> Result<Vec<Finding>, AppError> {
    Ok(db::all(conn, &format!("{FIND} WHERE f.inspection_id = $1 ORDER BY f.id"), params![inspection]).await?)
}

pub async fn finding(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Finding>, AppError> {
    Ok(db::one(conn, &format!("{FIND} WHERE f.id = $1"), params![id]).await?)
}

/// Close an open finding (the supervisor confirmed); false when it was not open.
pub async fn close(conn: &impl ConnectionTrait, id: i64, by: i64, now: DateTime<Utc>) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE sv_findings SET state = 'closed', closed_at = $1, closed_by = $2 WHERE id = $3 AND state = 'open'",
        params![now, by, id],
    )
    .await?
    .rows_affected()
        == 1)
}

/// The demo's closed finding: when it was confirmed.
pub async fn close_demo(conn: &impl ConnectionTrait, id: i64, by: i64, at: DateTime<Utc>) -> Result<(), AppError> {
    db::exec(conn, "UPDATE sv_findings SET closed_at = $1, closed_by = $2 WHERE id = $3", params![at, by, id]).await?;
    Ok(())
}

/// Count a send-back on an open finding; false when it was not open.
pub async fn rework(conn: &impl ConnectionTrait, id: i64) -> Result<bool, AppError> {
    Ok(db::exec(conn, "UPDATE sv_findings SET reworks = reworks + 1 WHERE id = $1 AND state = 'open'", params![id])
        .await?
        .rows_affected()
        == 1)
}

/// The month's findings of a project, with the inspection's time (for the report).
#[derive(Debug, Clone, FromQueryResult)]
pub struct MonthFinding {
    pub area: Area,
    pub score: Option<i16>,
    pub state: FindingState,
    pub inspected_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub complete_by: Option<DateTime<Utc>>,
}

pub async fn month_findings(
    conn: &impl ConnectionTrait,
    project: ProjectId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<MonthFinding>, AppError> {
    Ok(db::all(
        conn,
        "SELECT f.area, f.score, f.state, i.created_at AS inspected_at, f.closed_at, r.complete_by FROM sv_findings f \
         JOIN sv_inspections i ON i.id = f.inspection_id LEFT JOIN requests r ON r.id = f.request_id \
         WHERE i.project_id = $1 AND i.inspected_on >= $2 AND i.inspected_on < $3 LIMIT 20000",
        params![project, from, to],
    )
    .await?)
}

/// Inspections of a project in a month.
pub async fn month_inspections(
    conn: &impl ConnectionTrait,
    project: ProjectId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64, AppError> {
    Ok(db::count(
        conn,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM sv_inspections WHERE project_id = $1 AND inspected_on >= $2 AND inspected_on < $3",
        params![project, from, to],
    )
    .await?)
}
