//! Honours' SQL.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use super::model::{Level, RecipientKind};
use crate::{db, error::AppError, ids::PersonId, params, requests::photos::Owner};

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Honour {
    pub id: i64,
    /// The project or community whose wall shows it.
    pub node_id: i64,
    pub node_name: String,
    pub recipient_kind: RecipientKind,
    pub recipient_node_id: Option<i64>,
    /// Internal: never shown on the public wall.
    #[serde(skip)]
    pub recipient_person_id: Option<PersonId>,
    pub recipient_name: String,
    pub title: String,
    pub level: Level,
    pub grantor_node_id: Option<i64>,
    pub grantor_name: String,
    pub awarded_on: NaiveDate,
    pub citation: Option<String>,
}

const SELECT: &str = "SELECT h.id, h.node_id, n.name AS node_name, h.recipient_kind, h.recipient_node_id, h.recipient_person_id, \
     h.recipient_name, h.title, h.level, h.grantor_node_id, h.grantor_name, h.awarded_on, h.citation \
     FROM honours h JOIN org_nodes n ON n.id = h.node_id";

pub fn photos_of(honour: i64) -> Owner {
    Owner { table: "honour_photos", column: "honour_id", id: honour, prefix: "honours" }
}

pub async fn one(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Honour>, AppError> {
    Ok(db::one(conn, &format!("{SELECT} WHERE h.id = $1"), params![id]).await?)
}

/// The honours shown at these nodes (a community's wall names the community and its projects).
pub async fn at(conn: &impl ConnectionTrait, nodes: &[i64]) -> Result<Vec<Honour>, AppError> {
    if nodes.is_empty() {
        return Ok(vec![]);
    }
    Ok(db::all(
        conn,
        &format!(
            "{SELECT} WHERE h.node_id IN ({}) ORDER BY h.awarded_on DESC, h.id DESC LIMIT 500",
            db::placeholders(1, nodes.len())
        ),
        nodes.iter().map(|n| sea_orm::Value::from(*n)).collect(),
    )
    .await?)
}

/// What an organisation received.
pub async fn of_node(conn: &impl ConnectionTrait, node: i64) -> Result<Vec<Honour>, AppError> {
    Ok(db::all(
        conn,
        &format!("{SELECT} WHERE h.recipient_node_id = $1 ORDER BY h.awarded_on DESC, h.id DESC"),
        params![node],
    )
    .await?)
}

/// What a person received.
pub async fn of_person(conn: &impl ConnectionTrait, person: PersonId) -> Result<Vec<Honour>, AppError> {
    Ok(db::all(
        conn,
        &format!("{SELECT} WHERE h.recipient_person_id = $1 ORDER BY h.awarded_on DESC, h.id DESC"),
        params![person],
    )
    .await?)
}

pub struct NewHonour<'a> {
    pub node_id: i64,
    pub recipient_kind: RecipientKind,
    pub recipient_node_id: Option<i64>,
    pub recipient_person_id: Option<PersonId>,
    pub recipient_name: &'a str,
    pub title: &'a str,
    pub level: Level,
    pub grantor_node_id: Option<i64>,
    pub grantor_name: &'a str,
    pub awarded_on: NaiveDate,
    pub citation: Option<&'a str>,
    pub created_by: i64,
}

pub async fn insert(conn: &impl ConnectionTrait, h: &NewHonour<'_>, now: DateTime<Utc>) -> Result<i64, AppError> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO honours (node_id, recipient_kind, recipient_node_id, recipient_person_id, recipient_name, title, level, \
         grantor_node_id, grantor_name, awarded_on, citation, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        params![
            h.node_id,
            h.recipient_kind.as_str(),
            h.recipient_node_id,
            h.recipient_person_id,
            h.recipient_name,
            h.title,
            h.level.as_str(),
            h.grantor_node_id,
            h.grantor_name,
            h.awarded_on,
            h.citation,
            h.created_by,
            now
        ],
    )
    .await?)
}

/// One piece of evidence: `activity` or `request` with its id, or `hours` with the minutes of volunteer
/// service credited to the person when the honour was granted.
pub async fn add_evidence(conn: &impl ConnectionTrait, honour: i64, kind: &str, ref_id: i64) -> Result<(), AppError> {
    db::exec(
        conn,
        "INSERT INTO honour_evidence (honour_id, kind, ref_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        params![honour, kind, ref_id],
    )
    .await?;
    Ok(())
}

/// An honour's evidence, described without personal data: an activity's title and first date, a
/// request's number, category and state, the hours.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Evidence {
    /// `activity`, `request` or `hours`.
    pub kind: String,
    /// The activity's or request's id; for `hours`, the minutes.
    pub ref_id: i64,
    /// The activity's title or the request's category.
    pub label: Option<String>,
    /// The activity's first date.
    pub on: Option<DateTime<Utc>>,
    /// The request's state.
    pub state: Option<String>,
}

pub async fn evidence(conn: &impl ConnectionTrait, honour: i64) -> Result<Vec<Evidence>, AppError> {
    #[derive(FromQueryResult)]
    struct Row {
        kind: String,
        ref_id: i64,
        label: Option<String>,
        first_on: Option<DateTime<Utc>>,
        state: Option<String>,
    }
    let mut rows: Vec<Row> = db::all(
        conn,
        "SELECT e.kind, e.ref_id, a.title AS label, \
           (SELECT MIN(o.starts_at) FROM activity_occurrences o WHERE o.activity_id = a.id) AS first_on, NULL AS state \
         FROM honour_evidence e JOIN activities a ON a.id = e.ref_id WHERE e.honour_id = $1 AND e.kind = 'activity' ORDER BY e.ref_id",
        params![honour],
    )
    .await?;
    rows.extend(
        db::all::<Row>(
            conn,
            "SELECT e.kind, e.ref_id, c.name AS label, NULL AS first_on, r.state FROM honour_evidence e JOIN requests r ON r.id = e.ref_id \
             JOIN request_categories c ON c.id = r.category_id WHERE e.honour_id = $1 AND e.kind = 'request' ORDER BY e.ref_id",
            params![honour],
        )
        .await?,
    );
    rows.extend(
        db::all::<Row>(
            conn,
            "SELECT kind, ref_id, NULL AS label, NULL AS first_on, NULL AS state FROM honour_evidence WHERE honour_id = $1 AND kind = 'hours'",
            params![honour],
        )
        .await?,
    );
    Ok(rows
        .into_iter()
        .map(|r| Evidence { kind: r.kind, ref_id: r.ref_id, label: r.label, on: r.first_on, state: r.state })
        .collect())
}
