//! SQL of `people/datarequests.rs`.

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{
    clock::fmt_datetime,
    db,
    error::AppError,
    params,
    people::datarequests::{Kind, state_zh},
};

#[derive(Debug, Clone, FromQueryResult)]
pub struct DataRequest {
    pub id: i64,
    pub person_id: PersonId,
    pub person_name: String,
    pub kind: String,
    pub details: String,
    pub state: String,
    pub answer: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl DataRequest {
    pub fn kind_zh(&self) -> &'static str {
        Kind::parse(&self.kind).map(|k| k.zh()).unwrap_or("")
    }
    pub fn state_zh(&self) -> &'static str {
        state_zh(&self.state)
    }
    pub fn created(&self) -> String {
        fmt_datetime(self.created_at)
    }
    pub fn decided(&self) -> String {
        self.decided_at.map(fmt_datetime).unwrap_or_default()
    }
    pub fn is_open(&self) -> bool {
        self.state == "open"
    }
}

const SELECT: &str = "SELECT d.id, d.person_id, p.name AS person_name, d.kind, d.details, d.state, d.answer, \
     d.created_at, d.decided_at FROM data_requests d JOIN persons p ON p.id = d.person_id";

pub async fn of_person(conn: &impl ConnectionTrait, person_id: PersonId) -> Result<Vec<DataRequest>, AppError> {
    Ok(db::all(conn, &format!("{SELECT} WHERE d.person_id = $1 ORDER BY d.id DESC"), params![person_id]).await?)
}

pub async fn one(conn: &impl ConnectionTrait, id: i64) -> Result<Option<DataRequest>, AppError> {
    Ok(db::one(conn, &format!("{SELECT} WHERE d.id = $1"), params![id]).await?)
}

/// Requests of people in these projects (through a home or a role there), open ones first.
pub async fn in_projects(conn: &impl ConnectionTrait, projects: &[ProjectId]) -> Result<Vec<DataRequest>, AppError> {
    if projects.is_empty() {
        return Ok(vec![]);
    }
    let ph = db::placeholders(1, projects.len());
    let sql = format!(
        "{SELECT} WHERE d.person_id IN (\
           SELECT m.person_id FROM household_members m JOIN households h ON h.node_id = m.household_id WHERE h.project_id IN ({ph}) \
           UNION SELECT r.person_id FROM role_assignments r JOIN org_nodes n ON n.id = r.node_id WHERE n.project_id IN ({ph})) \
         ORDER BY CASE WHEN d.state = 'open' THEN 0 ELSE 1 END, d.id DESC LIMIT 200"
    );
    Ok(db::all(conn, &sql, projects.iter().map(|p| sea_orm::Value::from(*p)).collect()).await?)
}

pub async fn insert(
    conn: &impl ConnectionTrait,
    person_id: PersonId,
    kind: &str,
    details: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO data_requests (person_id, kind, details, state, created_at) VALUES ($1, $2, $3, 'open', $4) RETURNING id",
        params![person_id, kind, details, now],
    )
    .await?)
}

/// Answer an open request; `false` when it was answered already (compare-and-set).
pub async fn decide(
    conn: &impl ConnectionTrait,
    id: i64,
    outcome: &str,
    answer: Option<&str>,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let n = db::exec(
        conn,
        "UPDATE data_requests SET state = $1, answer = $2, decided_by = $3, decided_at = $4 WHERE id = $5 AND state = 'open'",
        params![outcome, answer, by, now, id],
    )
    .await?
    .rows_affected();
    Ok(n > 0)
}

/// A granted deletion: the person's phone, ID number and note are gone (the record of who lived where stays).
pub async fn erase_contact(
    conn: &impl ConnectionTrait,
    person_id: PersonId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    db::exec(
        conn,
        "UPDATE persons SET phone = NULL, id_number = NULL, phone_masked = NULL, phone_enc = NULL, phone_hash = NULL, \
         id_masked = NULL, id_number_enc = NULL, id_number_hash = NULL, note = NULL, updated_at = $1 WHERE id = $2",
        params![now, person_id],
    )
    .await?;
    Ok(())
}
