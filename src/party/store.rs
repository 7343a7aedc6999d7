//! C5's SQL: Party organisations (with the node each is attached to), memberships with their history,
//! committee posts.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use super::model::{MemberStatus, MembershipInput, Post};
use crate::{
    db::{self, constraint::OnConstraint},
    error::AppError,
    ids::PersonId,
    params,
};

/// A Party organisation with the org node it belongs to.
#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct PartyOrg {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: String,
    pub name: String,
    pub node_id: i64,
    pub node_name: String,
    /// Current members (预备 and 正式).
    pub members: i64,
}

impl PartyOrg {
    pub fn kind(&self) -> crate::org::model::PartyOrgKind {
        crate::org::model::PartyOrgKind::parse(&self.kind).unwrap_or(crate::org::model::PartyOrgKind::Branch)
    }
}

const ORG_SELECT: &str = "SELECT o.id, o.parent_id, o.kind, o.name, o.node_id, n.name AS node_name, \
     (SELECT COUNT(*) FROM party_memberships m WHERE m.org_id = o.id AND m.until IS NULL) AS members \
     FROM party_orgs o JOIN org_nodes n ON n.id = o.node_id";

/// Every Party organisation, in tree order of their nodes (the caller filters by what it may read).
pub async fn all_orgs(conn: &impl ConnectionTrait) -> Result<Vec<PartyOrg>, AppError> {
    Ok(db::all(conn, &format!("{ORG_SELECT} ORDER BY n.path, o.id"), vec![]).await?)
}

pub async fn org(conn: &impl ConnectionTrait, id: i64) -> Result<Option<PartyOrg>, AppError> {
    Ok(db::one(conn, &format!("{ORG_SELECT} WHERE o.id = $1"), params![id]).await?)
}

pub async fn children(conn: &impl ConnectionTrait, id: i64) -> Result<Vec<PartyOrg>, AppError> {
    Ok(db::all(conn, &format!("{ORG_SELECT} WHERE o.parent_id = $1 ORDER BY o.id"), params![id]).await?)
}

pub async fn set_parent(conn: &impl ConnectionTrait, id: i64, parent: i64) -> Result<(), AppError> {
    db::exec(conn, "UPDATE party_orgs SET parent_id = $1 WHERE id = $2", params![parent, id]).await?;
    Ok(())
}

/// A membership row: current (`until` empty) or past (a transfer or leaving closed it).
#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Membership {
    pub id: i64,
    pub person_id: PersonId,
    pub person_name: String,
    pub org_id: i64,
    pub org_name: String,
    pub status: MemberStatus,
    pub joined_on: NaiveDate,
    pub confirmed_on: Option<NaiveDate>,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
}

const MEMBERSHIP_SELECT: &str = "SELECT m.id, m.person_id, p.name AS person_name, m.org_id, o.name AS org_name, m.status, \
     m.joined_on, m.confirmed_on, m.since, m.until \
     FROM party_memberships m JOIN persons p ON p.id = m.person_id JOIN party_orgs o ON o.id = m.org_id";

/// The current members of an organisation, 正式 first, then by 入党日期.
pub async fn members(conn: &impl ConnectionTrait, org_id: i64) -> Result<Vec<Membership>, AppError> {
    Ok(db::all(
        conn,
        &format!(
            "{MEMBERSHIP_SELECT} WHERE m.org_id = $1 AND m.until IS NULL \
             ORDER BY CASE m.status WHEN 'full' THEN 0 ELSE 1 END, m.joined_on, m.id"
        ),
        params![org_id],
    )
    .await?)
}

pub async fn membership(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Membership>, AppError> {
    Ok(db::one(conn, &format!("{MEMBERSHIP_SELECT} WHERE m.id = $1"), params![id]).await?)
}

/// A person's memberships, newest first: where they are now and where they were.
pub async fn history(conn: &impl ConnectionTrait, person: PersonId) -> Result<Vec<Membership>, AppError> {
    Ok(db::all(
        conn,
        &format!("{MEMBERSHIP_SELECT} WHERE m.person_id = $1 ORDER BY m.since DESC, m.id DESC"),
        params![person],
    )
    .await?)
}

/// The current membership of a person, if any.
pub async fn current_of(conn: &impl ConnectionTrait, person: PersonId) -> Result<Option<Membership>, AppError> {
    Ok(db::one(conn, &format!("{MEMBERSHIP_SELECT} WHERE m.current_person_id = $1"), params![person]).await?)
}

/// Of these people, those who are Party members now (the 党员 badge on staff pages: 亮身份).
pub async fn members_among(conn: &impl ConnectionTrait, people: &[i64]) -> Result<Vec<i64>, AppError> {
    if people.is_empty() {
        return Ok(vec![]);
    }
    let values: Vec<sea_orm::Value> = people.iter().map(|p| sea_orm::Value::from(*p)).collect();
    let sql = format!(
        "SELECT current_person_id AS id FROM party_memberships WHERE current_person_id IN ({})",
        db::placeholders(1, people.len())
    );
    Ok(db::all::<db::IdRow>(conn, &sql, values).await?.into_iter().map(|r| r.id).collect())
}

fn already_member() -> AppError {
    AppError::conflict(
        "already_member",
        "此人已是另一党组织的党员：请用「组织关系转接」转入，而不是重复登记",
        "This person is already a member elsewhere; transfer the membership instead",
    )
}

/// Register a membership in an organisation from `since`; a person already a member anywhere is refused
/// by the unique current-person index (the race is the database's to decide).
pub async fn insert_membership(
    conn: &impl ConnectionTrait,
    person: PersonId,
    org_id: i64,
    m: &MembershipInput,
    since: NaiveDate,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    db::insert_id(
        conn,
        "INSERT INTO party_memberships (person_id, org_id, status, joined_on, confirmed_on, since, until, current_person_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, NULL, $1, $7) RETURNING id",
        params![person, org_id, m.status.as_str(), m.joined_on, m.confirmed_on, since, now],
    )
    .await
    .on_constraint("ux_party_memberships_current", already_member)
}

/// Close a current membership on `until` (a transfer out or leaving); false when it was not current.
pub async fn close_membership(conn: &impl ConnectionTrait, id: i64, until: NaiveDate) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE party_memberships SET until = $1, current_person_id = NULL WHERE id = $2 AND until IS NULL",
        params![until, id],
    )
    .await?
    .rows_affected()
        == 1)
}

/// A post on a committee, current or past.
#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct PostRow {
    pub id: i64,
    pub org_id: i64,
    pub person_id: PersonId,
    pub person_name: String,
    pub post: Post,
    pub term_start: NaiveDate,
    pub term_end: Option<NaiveDate>,
}

/// The posts held on `today` (a term ending today still counts).
pub async fn posts(conn: &impl ConnectionTrait, org_id: i64, today: NaiveDate) -> Result<Vec<PostRow>, AppError> {
    Ok(db::all(
        conn,
        "SELECT t.id, t.org_id, t.person_id, p.name AS person_name, t.post, t.term_start, t.term_end \
         FROM party_posts t JOIN persons p ON p.id = t.person_id \
         WHERE t.org_id = $1 AND t.term_start <= $2 AND (t.term_end IS NULL OR t.term_end >= $2) ORDER BY t.id",
        params![org_id, today],
    )
    .await?)
}

pub async fn post(conn: &impl ConnectionTrait, id: i64) -> Result<Option<PostRow>, AppError> {
    Ok(db::one(
        conn,
        "SELECT t.id, t.org_id, t.person_id, p.name AS person_name, t.post, t.term_start, t.term_end \
         FROM party_posts t JOIN persons p ON p.id = t.person_id WHERE t.id = $1",
        params![id],
    )
    .await?)
}

pub async fn insert_post(
    conn: &impl ConnectionTrait,
    org_id: i64,
    person: PersonId,
    post: Post,
    term_start: NaiveDate,
    term_end: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO party_posts (org_id, person_id, post, term_start, term_end, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        params![org_id, person, post.as_str(), term_start, term_end, now],
    )
    .await?)
}

/// End a post on `day` (the day before a successor starts, or now); false when it had already ended.
pub async fn end_post(conn: &impl ConnectionTrait, id: i64, day: NaiveDate) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE party_posts SET term_end = $1 WHERE id = $2 AND (term_end IS NULL OR term_end > $1)",
        params![day, id],
    )
    .await?
    .rows_affected()
        == 1)
}

/// People who may be registered in an organisation at this node: those holding a Party-member or staff
/// role there or at the project (the register's people, not a free-text name).
pub async fn candidates(conn: &impl ConnectionTrait, node_id: i64) -> Result<Vec<(i64, String)>, AppError> {
    #[derive(FromQueryResult)]
    struct C {
        id: i64,
        name: String,
    }
    Ok(db::all::<C>(
        conn,
        "SELECT DISTINCT p.id, p.name FROM role_assignments r JOIN persons p ON p.id = r.person_id \
         JOIN org_nodes n ON n.id = r.node_id \
         WHERE (r.node_id = $1 OR n.project_id = $1) AND r.role IN ('party_member','staff','cadre','grid_member') \
         ORDER BY p.name, p.id LIMIT 500",
        params![node_id],
    )
    .await?
    .into_iter()
    .map(|c| (c.id, c.name))
    .collect())
}

/// Every current membership (the birthday job reads them all; a company has thousands, not millions).
pub async fn all_current(conn: &impl ConnectionTrait) -> Result<Vec<Membership>, AppError> {
    Ok(db::all(conn, &format!("{MEMBERSHIP_SELECT} WHERE m.until IS NULL ORDER BY m.id"), vec![]).await?)
}

/// Claim a reminder: true when this (kind, subject, period) had not been sent — the caller sends it in the
/// same transaction; false when another run (or instance) already did.
pub async fn claim_reminder(
    conn: &impl ConnectionTrait,
    kind: &str,
    subject: i64,
    period_key: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    // ON CONFLICT DO NOTHING, not a caught error: a failed statement would abort a PostgreSQL transaction.
    Ok(db::exec(
        conn,
        "INSERT INTO party_reminders (kind, subject_id, period_key, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING",
        params![kind, subject, period_key, now],
    )
    .await?
    .rows_affected()
        == 1)
}

/// A member's 双报到 registration: the community where they live and the micro-grid they serve in.
#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Report {
    pub id: i64,
    pub community_id: i64,
    pub community_name: String,
    pub microgrid_id: Option<i64>,
    pub microgrid_name: Option<String>,
    pub since: NaiveDate,
}

pub async fn current_report(conn: &impl ConnectionTrait, person: PersonId) -> Result<Option<Report>, AppError> {
    Ok(db::one(
        conn,
        "SELECT r.id, r.community_id, c.name AS community_name, r.microgrid_id, g.name AS microgrid_name, r.since \
         FROM party_reports r JOIN org_nodes c ON c.id = r.community_id LEFT JOIN org_nodes g ON g.id = r.microgrid_id \
         WHERE r.current_person_id = $1",
        params![person],
    )
    .await?)
}

/// End the registration in force, if any.
pub async fn end_report(conn: &impl ConnectionTrait, person: PersonId, until: NaiveDate) -> Result<(), AppError> {
    db::exec(
        conn,
        "UPDATE party_reports SET until = $1, current_person_id = NULL WHERE current_person_id = $2",
        params![until, person],
    )
    .await?;
    Ok(())
}

/// Register (the one in force: a second at once breaks `ux_party_reports_current`).
pub async fn insert_report(
    conn: &impl ConnectionTrait,
    person: PersonId,
    community: i64,
    microgrid: Option<i64>,
    since: NaiveDate,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    db::insert_id(
        conn,
        "INSERT INTO party_reports (person_id, community_id, microgrid_id, since, current_person_id, created_at) \
         VALUES ($1, $2, $3, $4, $1, $5) RETURNING id",
        params![person, community, microgrid, since, now],
    )
    .await
    .on_constraint("ux_party_reports_current", || {
        AppError::conflict("already_reported", "您已在社区报到", "Already registered with a community")
    })
}

/// The communities where members registered with 双报到 serve: person → community.
pub async fn reported_in(conn: &impl ConnectionTrait, community: i64) -> Result<Vec<PersonId>, AppError> {
    #[derive(FromQueryResult)]
    struct R {
        person_id: PersonId,
    }
    let rows: Vec<R> = db::all(
        conn,
        "SELECT person_id FROM party_reports WHERE community_id = $1 AND current_person_id IS NOT NULL",
        params![community],
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.person_id).collect())
}

/// The secretary and deputy of the branch attached to a project, on a day.
pub async fn branch_leaders(
    conn: &impl ConnectionTrait,
    project: crate::ids::ProjectId,
    today: NaiveDate,
) -> Result<Vec<PersonId>, AppError> {
    #[derive(FromQueryResult)]
    struct R {
        person_id: PersonId,
    }
    let rows: Vec<R> = db::all(
        conn,
        "SELECT DISTINCT t.person_id FROM party_posts t JOIN party_orgs o ON o.id = t.org_id \
         WHERE o.node_id = $1 AND o.kind = 'project_branch' AND t.post IN ('secretary','deputy_secretary') \
         AND t.term_start <= $2 AND (t.term_end IS NULL OR t.term_end >= $2)",
        params![project, today],
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.person_id).collect())
}
