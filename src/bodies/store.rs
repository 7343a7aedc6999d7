//! The other bodies' SQL: bodies at org nodes, their members with posts and dates.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use super::model::BodyKind;
use crate::{
    db::{self, constraint::OnConstraint},
    error::AppError,
    ids::{PersonId, ProjectId},
    params,
};

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Body {
    pub id: i64,
    pub kind: BodyKind,
    pub name: String,
    pub node_id: i64,
    pub node_name: String,
    pub term_start: Option<NaiveDate>,
    pub term_end: Option<NaiveDate>,
    pub note: Option<String>,
    /// Members now.
    pub members: i64,
}

const SELECT: &str = "SELECT b.id, b.kind, b.name, b.node_id, n.name AS node_name, b.term_start, b.term_end, b.note, \
     (SELECT COUNT(*) FROM body_members m WHERE m.body_id = b.id AND m.until IS NULL) AS members \
     FROM bodies b JOIN org_nodes n ON n.id = b.node_id";

/// Every body, by node and name (the caller filters by what it may read).
pub async fn all(conn: &impl ConnectionTrait) -> Result<Vec<Body>, AppError> {
    Ok(db::all(conn, &format!("{SELECT} ORDER BY n.path, b.kind, b.name"), vec![]).await?)
}

pub async fn one(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Body>, AppError> {
    Ok(db::one(conn, &format!("{SELECT} WHERE b.id = $1"), params![id]).await?)
}

pub struct NewBody<'a> {
    pub kind: BodyKind,
    pub name: &'a str,
    pub node_id: i64,
    pub term: Option<(NaiveDate, NaiveDate)>,
    pub note: Option<&'a str>,
}

pub async fn insert(
    conn: &impl ConnectionTrait,
    b: &NewBody<'_>,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    db::insert_id(
        conn,
        "INSERT INTO bodies (kind, name, node_id, term_start, term_end, note, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        params![b.kind.as_str(), b.name, b.node_id, b.term.map(|t| t.0), b.term.map(|t| t.1), b.note, by, now],
    )
    .await
    .on_constraint("ux_bodies_node_name", || {
        AppError::conflict("body_exists", "这里已有同名的组织", "A body of this name exists here")
    })
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Member {
    pub id: i64,
    pub body_id: i64,
    pub person_id: PersonId,
    pub person_name: String,
    pub post: String,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
}

const MEMBER_SELECT: &str = "SELECT m.id, m.body_id, m.person_id, p.name AS person_name, m.post, m.since, m.until \
     FROM body_members m JOIN persons p ON p.id = m.person_id";

/// A body's members now, by when they joined.
pub async fn members(conn: &impl ConnectionTrait, body: i64) -> Result<Vec<Member>, AppError> {
    Ok(db::all(
        conn,
        &format!("{MEMBER_SELECT} WHERE m.body_id = $1 AND m.until IS NULL ORDER BY m.since, m.id"),
        params![body],
    )
    .await?)
}

pub async fn member(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Member>, AppError> {
    Ok(db::one(conn, &format!("{MEMBER_SELECT} WHERE m.id = $1"), params![id]).await?)
}

pub async fn insert_member(
    conn: &impl ConnectionTrait,
    body: i64,
    person: PersonId,
    post: &str,
    since: NaiveDate,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    db::insert_id(
        conn,
        "INSERT INTO body_members (body_id, person_id, post, since, current_person_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $2, $5, $6) RETURNING id",
        params![body, person, post, since, by, now],
    )
    .await
    .on_constraint("ux_body_members_current", || {
        AppError::conflict("already_in_body", "此人已是这个组织的成员", "Already a member of this body")
    })
}

/// End a membership in force; false when it was not.
pub async fn end_member(conn: &impl ConnectionTrait, id: i64, until: NaiveDate) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE body_members SET until = $1, current_person_id = NULL WHERE id = $2 AND until IS NULL",
        params![until, id],
    )
    .await?
    .rows_affected()
        > 0)
}

/// Is the person now a member of a body at this project (a tenant's employee, an owners' committee
/// member)? They take part in its activities without a home in the register.
pub async fn member_at(conn: &impl ConnectionTrait, person: PersonId, project: ProjectId) -> Result<bool, AppError> {
    Ok(db::count(
        conn,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM body_members m JOIN bodies b ON b.id = m.body_id \
         WHERE m.person_id = $1 AND b.node_id = $2 AND m.until IS NULL",
        params![person, project],
    )
    .await?
        > 0)
}

/// A current member of a body at this project by name (one only: two of the same name are ambiguous).
pub async fn member_by_name(
    conn: &impl ConnectionTrait,
    project: ProjectId,
    name: &str,
) -> Result<Option<PersonId>, AppError> {
    #[derive(FromQueryResult)]
    struct R {
        person_id: PersonId,
    }
    let rows: Vec<R> = db::all(
        conn,
        "SELECT DISTINCT m.person_id FROM body_members m JOIN bodies b ON b.id = m.body_id JOIN persons p ON p.id = m.person_id \
         WHERE b.node_id = $1 AND p.name = $2 AND m.until IS NULL",
        params![project, name],
    )
    .await?;
    Ok(match rows.as_slice() {
        [one] => Some(one.person_id),
        _ => None,
    })
}
