//! 联建's SQL: agreements with their organisations, the three lists, linked activities, the annual
//! review's figures (three queries whatever the history) and the two sides' assessments.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use super::model::{List, Side, Status};
use crate::{db, error::AppError, params};

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Agreement {
    pub id: i64,
    pub title: String,
    pub project_org_id: i64,
    pub project_org_name: String,
    /// The org node of the project side (the project).
    pub project_node_id: i64,
    pub community_org_id: i64,
    pub community_org_name: String,
    /// The community's org node.
    pub community_node_id: i64,
    pub street_org_id: Option<i64>,
    pub street_org_name: Option<String>,
    pub signed_on: NaiveDate,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub by_community: Option<String>,
    pub by_company: Option<String>,
    pub by_owners: Option<String>,
    pub by_members: Option<String>,
}

const SELECT: &str = "SELECT j.id, j.title, j.project_org_id, po.name AS project_org_name, po.node_id AS project_node_id, \
     j.community_org_id, co.name AS community_org_name, co.node_id AS community_node_id, j.street_org_id, so.name AS street_org_name, \
     j.signed_on, j.starts_on, j.ends_on, j.by_community, j.by_company, j.by_owners, j.by_members \
     FROM joint_agreements j JOIN party_orgs po ON po.id = j.project_org_id JOIN party_orgs co ON co.id = j.community_org_id \
     LEFT JOIN party_orgs so ON so.id = j.street_org_id";

pub async fn one(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Agreement>, AppError> {
    Ok(db::one(conn, &format!("{SELECT} WHERE j.id = $1"), params![id]).await?)
}

/// Every agreement, newest first (the caller filters by what it may read).
pub async fn all(conn: &impl ConnectionTrait) -> Result<Vec<Agreement>, AppError> {
    Ok(db::all(conn, &format!("{SELECT} ORDER BY j.signed_on DESC, j.id DESC LIMIT 1000"), vec![]).await?)
}

pub struct NewAgreement<'a> {
    pub project_org_id: i64,
    pub community_org_id: i64,
    pub street_org_id: Option<i64>,
    pub title: &'a str,
    pub signed_on: NaiveDate,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub by_community: Option<&'a str>,
    pub by_company: Option<&'a str>,
    pub by_owners: Option<&'a str>,
    pub by_members: Option<&'a str>,
    pub created_by: Option<i64>,
}

pub async fn insert(conn: &impl ConnectionTrait, a: &NewAgreement<'_>, now: DateTime<Utc>) -> Result<i64, AppError> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO joint_agreements (project_org_id, community_org_id, street_org_id, title, signed_on, starts_on, ends_on, \
         by_community, by_company, by_owners, by_members, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        params![
            a.project_org_id,
            a.community_org_id,
            a.street_org_id,
            a.title,
            a.signed_on,
            a.starts_on,
            a.ends_on,
            a.by_community,
            a.by_company,
            a.by_owners,
            a.by_members,
            a.created_by,
            now
        ],
    )
    .await?)
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Item {
    pub id: i64,
    pub agreement_id: i64,
    pub list: List,
    pub side: Option<Side>,
    pub title: String,
    pub owner: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub status: Status,
    pub outcome: Option<String>,
    pub done_on: Option<NaiveDate>,
}

const ITEM: &str =
    "SELECT id, agreement_id, list, side, title, owner, due_on, status, outcome, done_on FROM joint_items";

pub async fn items(conn: &impl ConnectionTrait, agreement: i64) -> Result<Vec<Item>, AppError> {
    Ok(db::all(conn, &format!("{ITEM} WHERE agreement_id = $1 ORDER BY list, id"), params![agreement]).await?)
}

pub async fn item(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Item>, AppError> {
    Ok(db::one(conn, &format!("{ITEM} WHERE id = $1"), params![id]).await?)
}

pub struct NewItem<'a> {
    pub agreement_id: i64,
    pub list: List,
    pub side: Option<Side>,
    pub title: &'a str,
    pub owner: Option<&'a str>,
    pub due_on: Option<NaiveDate>,
}

pub async fn insert_item(conn: &impl ConnectionTrait, i: &NewItem<'_>, now: DateTime<Utc>) -> Result<i64, AppError> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO joint_items (agreement_id, list, side, title, owner, due_on, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'planned', $7) RETURNING id",
        params![i.agreement_id, i.list.as_str(), i.side.map(|s| s.as_str()), i.title, i.owner, i.due_on, now],
    )
    .await?)
}

pub async fn set_status(
    conn: &impl ConnectionTrait,
    id: i64,
    status: Status,
    outcome: Option<&str>,
    done_on: Option<NaiveDate>,
) -> Result<(), AppError> {
    db::exec(
        conn,
        "UPDATE joint_items SET status = $1, outcome = COALESCE($2, outcome), done_on = $3 WHERE id = $4",
        params![status.as_str(), outcome, done_on, id],
    )
    .await?;
    Ok(())
}

/// Link an activity (and one of the agreement's projects); false when it was linked already.
pub async fn link(
    conn: &impl ConnectionTrait,
    agreement: i64,
    activity: i64,
    item: Option<i64>,
) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "INSERT INTO joint_activities (agreement_id, activity_id, item_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        params![agreement, activity, item],
    )
    .await?
    .rows_affected()
        > 0)
}

/// The activities linked to an agreement.
pub async fn linked(conn: &impl ConnectionTrait, agreement: i64) -> Result<Vec<i64>, AppError> {
    #[derive(FromQueryResult)]
    struct R {
        activity_id: i64,
    }
    let rows: Vec<R> =
        db::all(conn, "SELECT activity_id FROM joint_activities WHERE agreement_id = $1", params![agreement]).await?;
    Ok(rows.into_iter().map(|r| r.activity_id).collect())
}

/// A linked activity with its dates and attendance in a period.
#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Joint {
    pub activity_id: i64,
    pub title: String,
    pub item_title: Option<String>,
    /// Its dates begun in the period.
    pub held: i64,
    /// Check-ins at those dates.
    pub attended: i64,
}

pub async fn activities(
    conn: &impl ConnectionTrait,
    agreement: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Joint>, AppError> {
    Ok(db::all(
        conn,
        "SELECT ja.activity_id, a.title, i.title AS item_title, \
           (SELECT COUNT(*) FROM activity_occurrences o WHERE o.activity_id = a.id AND o.starts_at >= $2 AND o.starts_at < $3 \
              AND o.state <> 'cancelled') AS held, \
           (SELECT COUNT(*) FROM signups s JOIN activity_occurrences o ON o.id = s.occurrence_id WHERE o.activity_id = a.id \
              AND o.starts_at >= $2 AND o.starts_at < $3 AND s.checked_in_at IS NOT NULL) AS attended \
         FROM joint_activities ja JOIN activities a ON a.id = ja.activity_id LEFT JOIN joint_items i ON i.id = ja.item_id \
         WHERE ja.agreement_id = $1 ORDER BY ja.id",
        params![agreement, from, to],
    )
    .await?)
}

/// Requests the project pushed up to the community (or a node under it) in a period, and how many of
/// them the government side closed as resolved.
pub async fn pushed_up(
    conn: &impl ConnectionTrait,
    project: i64,
    community_path: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<(i64, i64), AppError> {
    #[derive(FromQueryResult)]
    struct R {
        sent: i64,
        resolved: Option<i64>,
    }
    let r: Option<R> = db::one(
        conn,
        "SELECT COUNT(*) AS sent, CAST(SUM(CASE WHEN f.resolved THEN 1 ELSE 0 END) AS BIGINT) AS resolved \
         FROM request_referrals f JOIN org_nodes n ON n.id = f.node_id \
         WHERE f.project_id = $1 AND n.path LIKE $2 AND f.sent_at >= $3 AND f.sent_at < $4",
        params![project, format!("{community_path}%"), from, to],
    )
    .await?;
    Ok(r.map(|r| (r.sent, r.resolved.unwrap_or(0))).unwrap_or((0, 0)))
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Assessment {
    pub side: Side,
    pub assessment: String,
    pub written_at: DateTime<Utc>,
}

pub async fn assessments(conn: &impl ConnectionTrait, agreement: i64, year: i32) -> Result<Vec<Assessment>, AppError> {
    Ok(db::all(
        conn,
        "SELECT side, assessment, written_at FROM joint_reviews WHERE agreement_id = $1 AND year = $2 ORDER BY side",
        params![agreement, year],
    )
    .await?)
}

/// Write (or rewrite) one side's assessment for a year.
pub async fn assess(
    conn: &impl ConnectionTrait,
    agreement: i64,
    year: i32,
    side: Side,
    text: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    db::exec(
        conn,
        "INSERT INTO joint_reviews (agreement_id, year, side, assessment, written_by, written_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (agreement_id, year, side) DO UPDATE SET assessment = excluded.assessment, written_by = excluded.written_by, \
         written_at = excluded.written_at",
        params![agreement, year, side.as_str(), text, by, now],
    )
    .await?;
    Ok(())
}
