//! Care's SQL: tags with their plan and last visit, the visits of a tag.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use super::model::{How, Tag, Wellbeing};
use crate::{
    db::{self, constraint::OnConstraint},
    error::AppError,
    ids::{PersonId, ProjectId},
    params,
};

/// A care tag in force with what the care list shows of it.
#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct CareTag {
    pub id: i64,
    pub person_id: PersonId,
    pub person_name: String,
    pub project_id: ProjectId,
    pub project_name: String,
    pub household_id: i64,
    /// 「1栋1单元101室」.
    pub home: String,
    #[serde(skip)]
    pub microgrid_path: Option<String>,
    pub kind: Tag,
    pub note: Option<String>,
    pub since: NaiveDate,
    pub every_days: i32,
    pub visitor_person_id: Option<PersonId>,
    pub visitor_name: Option<String>,
    pub reminded_on: Option<NaiveDate>,
    pub last_visit: Option<NaiveDate>,
}

const SELECT: &str = "SELECT t.id, t.person_id, pe.name AS person_name, t.project_id, pr.name AS project_name, t.household_id, \
     b.name || u.name || h.room || '室' AS home, mg.path AS microgrid_path, t.kind, t.note, t.since, t.every_days, \
     t.visitor_person_id, vp.name AS visitor_name, t.reminded_on, \
     (SELECT MAX(v.visited_on) FROM care_visits v WHERE v.tag_id = t.id) AS last_visit \
     FROM care_tags t JOIN persons pe ON pe.id = t.person_id JOIN org_nodes pr ON pr.id = t.project_id \
     JOIN households h ON h.node_id = t.household_id JOIN org_nodes hn ON hn.id = h.node_id \
     JOIN org_nodes u ON u.id = hn.parent_id JOIN org_nodes b ON b.id = u.parent_id \
     LEFT JOIN org_nodes mg ON mg.id = h.microgrid_id LEFT JOIN persons vp ON vp.id = t.visitor_person_id";

/// Tags in force in these projects (the caller keeps those in its care scope).
pub async fn in_projects(conn: &impl ConnectionTrait, projects: &[ProjectId]) -> Result<Vec<CareTag>, AppError> {
    if projects.is_empty() {
        return Ok(vec![]);
    }
    Ok(db::all(
        conn,
        &format!(
            "{SELECT} WHERE t.ended_on IS NULL AND t.project_id IN ({}) ORDER BY t.id LIMIT 5000",
            db::placeholders(1, projects.len())
        ),
        projects.iter().map(|p| (*p).into()).collect(),
    )
    .await?)
}

/// Tags in force whose household lies in one of these grids.
pub async fn in_grids(conn: &impl ConnectionTrait, grids: &[String]) -> Result<Vec<CareTag>, AppError> {
    if grids.is_empty() {
        return Ok(vec![]);
    }
    let ors: Vec<String> = (1..=grids.len()).map(|i| format!("mg.path LIKE ${i}")).collect();
    Ok(db::all(
        conn,
        &format!("{SELECT} WHERE t.ended_on IS NULL AND ({}) ORDER BY t.id LIMIT 5000", ors.join(" OR ")),
        grids.iter().map(|g| format!("{g}%").into()).collect(),
    )
    .await?)
}

pub async fn one(conn: &impl ConnectionTrait, id: i64) -> Result<Option<CareTag>, AppError> {
    Ok(db::one(conn, &format!("{SELECT} WHERE t.id = $1"), params![id]).await?)
}

/// Every tag in force with a plan (the reminder job).
pub async fn all_in_force(conn: &impl ConnectionTrait) -> Result<Vec<CareTag>, AppError> {
    Ok(db::all(
        conn,
        &format!("{SELECT} WHERE t.ended_on IS NULL AND t.visitor_person_id IS NOT NULL ORDER BY t.id LIMIT 20000"),
        vec![],
    )
    .await?)
}

pub struct NewTag<'a> {
    pub person: PersonId,
    pub project: ProjectId,
    pub household: i64,
    pub kind: Tag,
    pub note: Option<&'a str>,
    pub since: NaiveDate,
    pub every_days: i64,
    pub visitor: Option<PersonId>,
}

pub async fn insert(conn: &impl ConnectionTrait, t: &NewTag<'_>, by: i64, now: DateTime<Utc>) -> Result<i64, AppError> {
    db::insert_id(
        conn,
        "INSERT INTO care_tags (person_id, project_id, household_id, kind, note, since, current_person_id, every_days, \
         visitor_person_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $1, $7, $8, $9, $10) RETURNING id",
        params![t.person, t.project, t.household, t.kind.as_str(), t.note, t.since, t.every_days, t.visitor, by, now],
    )
    .await
    .on_constraint("ux_care_tags_current", || {
        AppError::conflict("care_tag_exists", "这位居民已有这项关爱标签", "This resident already has this care tag")
    })
}

/// Set a tag's plan: every how many days, who visits.
pub async fn set_plan(
    conn: &impl ConnectionTrait,
    id: i64,
    every: i64,
    visitor: Option<PersonId>,
) -> Result<(), AppError> {
    db::exec(
        conn,
        "UPDATE care_tags SET every_days = $1, visitor_person_id = $2 WHERE id = $3",
        params![every, visitor, id],
    )
    .await?;
    Ok(())
}

/// End a tag in force; false when it was not.
pub async fn end(conn: &impl ConnectionTrait, id: i64, on: NaiveDate) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE care_tags SET ended_on = $1, current_person_id = NULL WHERE id = $2 AND ended_on IS NULL",
        params![on, id],
    )
    .await?
    .rows_affected()
        == 1)
}

/// Mark the visitor reminded today; false when another instance was first.
pub async fn mark_reminded(conn: &impl ConnectionTrait, id: i64, today: NaiveDate) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE care_tags SET reminded_on = $1 WHERE id = $2 AND (reminded_on IS NULL OR reminded_on < $1)",
        params![today, id],
    )
    .await?
    .rows_affected()
        == 1)
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Visit {
    pub id: i64,
    pub visitor_name: String,
    pub visited_on: NaiveDate,
    pub how: How,
    pub wellbeing: Wellbeing,
    pub note: Option<String>,
    /// The request or 微心愿 its needs became.
    pub request_id: Option<i64>,
    pub wish_id: Option<i64>,
}

pub async fn visits(conn: &impl ConnectionTrait, tag: i64) -> Result<Vec<Visit>, AppError> {
    Ok(db::all(
        conn,
        "SELECT v.id, p.name AS visitor_name, v.visited_on, v.how, v.wellbeing, v.note, v.request_id, v.wish_id FROM care_visits v \
         JOIN persons p ON p.id = v.visitor_person_id WHERE v.tag_id = $1 ORDER BY v.visited_on DESC, v.id DESC LIMIT 100",
        params![tag],
    )
    .await?)
}

pub struct NewVisit<'a> {
    pub tag: i64,
    pub visitor: PersonId,
    pub day: NaiveDate,
    pub how: How,
    pub wellbeing: Wellbeing,
    pub note: Option<&'a str>,
}

pub async fn insert_visit(
    conn: &impl ConnectionTrait,
    v: &NewVisit<'_>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO care_visits (tag_id, visitor_person_id, visited_on, how, wellbeing, note, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        params![v.tag, v.visitor, v.day, v.how.as_str(), v.wellbeing.as_str(), v.note, by, now],
    )
    .await?)
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct VisitRef {
    pub id: i64,
    pub tag_id: i64,
    pub note: Option<String>,
    pub request_id: Option<i64>,
    pub wish_id: Option<i64>,
}

pub async fn visit(conn: &impl ConnectionTrait, id: i64) -> Result<Option<VisitRef>, AppError> {
    Ok(db::one(conn, "SELECT id, tag_id, note, request_id, wish_id FROM care_visits WHERE id = $1", params![id])
        .await?)
}

/// Remember the request a visit's needs became; false when one was made first.
pub async fn link_request(conn: &impl ConnectionTrait, visit: i64, request: i64) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE care_visits SET request_id = $1 WHERE id = $2 AND request_id IS NULL",
        params![request, visit],
    )
    .await?
    .rows_affected()
        == 1)
}

/// Remember the 微心愿 a visit's needs became; false when one was made first.
pub async fn link_wish(conn: &impl ConnectionTrait, visit: i64, wish: i64) -> Result<bool, AppError> {
    Ok(db::exec(conn, "UPDATE care_visits SET wish_id = $1 WHERE id = $2 AND wish_id IS NULL", params![wish, visit])
        .await?
        .rows_affected()
        == 1)
}

/// Has this person a tag of one of these kinds in force? (Other services put them first: parcels.)
pub async fn has_tag(conn: &impl ConnectionTrait, person: PersonId, kinds: &[Tag]) -> Result<bool, AppError> {
    if kinds.is_empty() {
        return Ok(false);
    }
    let mut values: Vec<sea_orm::Value> = vec![person.into()];
    values.extend(kinds.iter().map(|k| k.as_str().into()));
    Ok(db::count(
        conn,
        &format!(
            "SELECT COUNT(*) AS n FROM care_tags WHERE person_id = $1 AND ended_on IS NULL AND kind IN ({})",
            db::placeholders(2, kinds.len())
        ),
        values,
    )
    .await?
        > 0)
}
