//! A grid's one-page profile and figures in SQL: its micro-grids and their households, who serves
//! it, the issues at its homes and those its members filed or pushed up, and each member's and
//! micro-grid's work in a window of days. Every figure reads the window's rows through an index
//! (households by micro-grid, requests by household or by filer, visits by member and day).

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use crate::{
    db,
    error::AppError,
    ids::PersonId,
    params,
    requests::model::{ReferralState, State},
};

/// States that are nobody's work any more.
const DONE: &str = "('awaiting_rating', 'closed', 'voided')";

/// The micro-grids under an area, as a subquery on parameter `$n` (the area's path with `%`).
fn area_grids(n: usize) -> String {
    format!("SELECT id FROM org_nodes WHERE kind = 'microgrid' AND path LIKE ${n}")
}

/// Rows of `sql` for these members: `{members}` in it becomes their placeholders from `$2`; `$1` is
/// `first`. No members, no rows (and no query).
async fn of_members<T: FromQueryResult>(
    conn: &impl ConnectionTrait,
    sql: &str,
    first: sea_orm::Value,
    members: &[PersonId],
) -> Result<Vec<T>, AppError> {
    if members.is_empty() {
        return Ok(vec![]);
    }
    let sql = sql.replace("{members}", &db::placeholders(2, members.len()));
    Ok(db::all(conn, &sql, std::iter::once(first).chain(members.iter().map(|m| (*m).into())).collect()).await?)
}

fn like(area: &str) -> String {
    format!("{area}%")
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Microgrid {
    pub id: i64,
    pub name: String,
    #[serde(skip)]
    pub path: String,
}

pub async fn microgrids(conn: &impl ConnectionTrait, area: &str) -> Result<Vec<Microgrid>, AppError> {
    Ok(db::all(
        conn,
        "SELECT id, name, path FROM org_nodes WHERE kind = 'microgrid' AND path LIKE $1 ORDER BY path LIMIT 500",
        params![like(area)],
    )
    .await?)
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct Count {
    pub id: i64,
    pub n: i64,
}

pub fn find(v: &[Count], id: i64) -> i64 {
    v.iter().find(|c| c.id == id).map(|c| c.n).unwrap_or(0)
}

/// Households per micro-grid under the area (from the households' micro-grid index).
pub async fn households(conn: &impl ConnectionTrait, area: &str) -> Result<Vec<Count>, AppError> {
    Ok(db::all(
        conn,
        &format!(
            "SELECT microgrid_id AS id, CAST(COUNT(*) AS BIGINT) AS n FROM households \
             WHERE microgrid_id IN ({}) GROUP BY microgrid_id",
            area_grids(1)
        ),
        params![like(area)],
    )
    .await?)
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Building {
    pub id: i64,
    /// 「保利荔园天府和悦 3栋」.
    pub name: String,
    pub households: i64,
}

/// Households per building under the area (units rolled up to their building).
pub async fn buildings(conn: &impl ConnectionTrait, area: &str) -> Result<Vec<Building>, AppError> {
    Ok(db::all(
        conn,
        &format!(
            "SELECT b.id, pr.name || ' ' || b.name AS name, CAST(SUM(t.n) AS BIGINT) AS households FROM \
             (SELECT unit_id, CAST(COUNT(*) AS BIGINT) AS n FROM households WHERE microgrid_id IN ({}) GROUP BY unit_id) t \
             JOIN org_nodes u ON u.id = t.unit_id JOIN org_nodes b ON b.id = u.parent_id JOIN org_nodes pr ON pr.id = b.project_id \
             GROUP BY b.id, pr.name, b.name, b.path ORDER BY b.path LIMIT 500",
            area_grids(1)
        ),
        params![like(area)],
    )
    .await?)
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Member {
    pub person_id: PersonId,
    pub name: String,
    /// The grid or micro-grid they serve.
    pub node_name: String,
    /// 1 when they are also the property company's staff (物业人员进网格).
    pub property: i32,
}

/// Grid members serving the area on `today`: of the area or a grid inside it, or of the grid it lies in.
pub async fn members(conn: &impl ConnectionTrait, area: &str, today: NaiveDate) -> Result<Vec<Member>, AppError> {
    Ok(db::all(
        conn,
        "SELECT DISTINCT p.id AS person_id, p.name, n.name AS node_name, n.path, \
         CASE WHEN EXISTS (SELECT 1 FROM role_assignments s WHERE s.person_id = p.id AND s.role = 'staff') THEN 1 ELSE 0 END AS property \
         FROM role_assignments ra JOIN org_nodes n ON n.id = ra.node_id JOIN persons p ON p.id = ra.person_id \
         WHERE ra.role = 'grid_member' AND (n.path LIKE $1 OR $2 LIKE n.path || '%') \
         AND (ra.since IS NULL OR ra.since <= $3) AND (ra.until IS NULL OR ra.until >= $3) \
         ORDER BY n.path, p.name LIMIT 200",
        params![like(area), area, today],
    )
    .await?)
}

/// An issue with when it was opened and done (None while it is someone's work), grouped by `id`
/// (a micro-grid or a member).
#[derive(Debug, Clone, FromQueryResult)]
pub struct Dated {
    pub id: i64,
    pub opened: DateTime<Utc>,
    pub done: Option<DateTime<Utc>>,
}

/// Issues opened since `from` at the homes of the area's micro-grids, by micro-grid.
pub async fn issues_by_microgrid(
    conn: &impl ConnectionTrait,
    area: &str,
    from: DateTime<Utc>,
) -> Result<Vec<Dated>, AppError> {
    Ok(db::all(
        conn,
        &format!(
            "SELECT h.microgrid_id AS id, r.created_at AS opened, \
             CASE WHEN r.state IN {DONE} THEN COALESCE(r.completed_at, r.closed_at, r.updated_at) END AS done \
             FROM households h JOIN requests r ON r.household_id = h.node_id \
             WHERE h.microgrid_id IN ({}) AND r.created_at >= $2 AND r.state <> 'voided' LIMIT 20000",
            area_grids(1)
        ),
        params![like(area), from],
    )
    .await?)
}

/// Issues these members filed from their rounds (channel 网格员) since `from`, by member.
pub async fn issues_by_member(
    conn: &impl ConnectionTrait,
    members: &[PersonId],
    from: DateTime<Utc>,
) -> Result<Vec<Dated>, AppError> {
    of_members(
        conn,
        &format!(
            "SELECT u.person_id AS id, r.created_at AS opened, \
             CASE WHEN r.state IN {DONE} THEN COALESCE(r.completed_at, r.closed_at, r.updated_at) END AS done \
             FROM users u JOIN requests r ON r.created_by = u.id \
             WHERE u.person_id IN ({{members}}) AND r.channel = 'grid_member' AND r.created_at >= $1 AND r.state <> 'voided' LIMIT 20000"
        ),
        from.into(),
        members,
    )
    .await
}

/// Pushed up (上报) by these members since `from`: sent and answered, by member.
pub async fn referrals_by_member(
    conn: &impl ConnectionTrait,
    members: &[PersonId],
    from: DateTime<Utc>,
) -> Result<Vec<Dated>, AppError> {
    of_members(
        conn,
        "SELECT u.person_id AS id, rr.sent_at AS opened, rr.answered_at AS done \
         FROM users u JOIN request_referrals rr ON rr.sent_by = u.id \
         WHERE u.person_id IN ({members}) AND rr.sent_at >= $1 LIMIT 20000",
        from.into(),
        members,
    )
    .await
}

/// Door visits and distinct households reached by these members since `from`.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Visits {
    pub id: i64,
    pub visits: i64,
    pub households: i64,
}

pub async fn visits_by_member(
    conn: &impl ConnectionTrait,
    members: &[PersonId],
    from: NaiveDate,
) -> Result<Vec<Visits>, AppError> {
    of_members(
        conn,
        "SELECT member_person_id AS id, CAST(COUNT(*) AS BIGINT) AS visits, CAST(COUNT(DISTINCT household_id) AS BIGINT) AS households \
         FROM grid_visits WHERE member_person_id IN ({members}) AND visited_on >= $1 GROUP BY member_person_id",
        from.into(),
        members,
    )
    .await
}

/// Care visits made by these members since `from`.
pub async fn care_visits_by_member(
    conn: &impl ConnectionTrait,
    members: &[PersonId],
    from: NaiveDate,
) -> Result<Vec<Count>, AppError> {
    of_members(
        conn,
        "SELECT visitor_person_id AS id, CAST(COUNT(*) AS BIGINT) AS n FROM care_visits \
         WHERE visitor_person_id IN ({members}) AND visited_on >= $1 GROUP BY visitor_person_id",
        from.into(),
        members,
    )
    .await
}

/// Door visits since `from` at the homes of each micro-grid under the area.
pub async fn visits_by_microgrid(
    conn: &impl ConnectionTrait,
    area: &str,
    from: NaiveDate,
) -> Result<Vec<Count>, AppError> {
    Ok(db::all(
        conn,
        &format!(
            "SELECT h.microgrid_id AS id, CAST(COUNT(*) AS BIGINT) AS n FROM grid_visits v \
             JOIN households h ON h.node_id = v.household_id \
             WHERE h.microgrid_id IN ({}) AND v.visited_on >= $2 GROUP BY h.microgrid_id",
            area_grids(1)
        ),
        params![like(area), from],
    )
    .await?)
}

/// A running campaign over (part of) the area: its area's path and how many households it reached in
/// each micro-grid (from `grid_reached`, kept by every visit).
#[derive(Debug, Clone, FromQueryResult)]
pub struct Running {
    pub id: i64,
    pub path: String,
}

pub async fn running(conn: &impl ConnectionTrait, area: &str, today: NaiveDate) -> Result<Vec<Running>, AppError> {
    Ok(db::all(
        conn,
        "SELECT c.id, n.path FROM grid_campaigns c JOIN org_nodes n ON n.id = c.node_id \
         WHERE c.starts_on <= $1 AND c.ends_on >= $1 AND (n.path LIKE $2 OR $3 LIKE n.path || '%') ORDER BY c.id LIMIT 100",
        params![today, like(area), area],
    )
    .await?)
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct Reached {
    pub campaign_id: i64,
    pub id: i64,
    pub n: i64,
}

pub async fn reached(conn: &impl ConnectionTrait, campaigns: &[i64], area: &str) -> Result<Vec<Reached>, AppError> {
    if campaigns.is_empty() {
        return Ok(vec![]);
    }
    Ok(db::all(
        conn,
        &format!(
            "SELECT campaign_id, microgrid_id AS id, CAST(COUNT(*) AS BIGINT) AS n FROM grid_reached \
             WHERE campaign_id IN ({}) AND microgrid_id IN ({}) GROUP BY campaign_id, microgrid_id",
            db::placeholders(2, campaigns.len()),
            area_grids(1)
        ),
        std::iter::once(like(area).into()).chain(campaigns.iter().map(|c| (*c).into())).collect(),
    )
    .await?)
}

/// An issue still someone's work at a home of the area, or filed by one of its members from a round.
#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct OpenIssue {
    pub id: i64,
    pub state: State,
    pub category: String,
    /// 「3栋1单元402室」 or where it was seen (「东门外市政路灯」).
    pub place: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub async fn open_issues(
    conn: &impl ConnectionTrait,
    area: &str,
    members: &[PersonId],
) -> Result<Vec<OpenIssue>, AppError> {
    let by_members = if members.is_empty() {
        String::new()
    } else {
        format!(
            " UNION SELECT r.id FROM users u JOIN requests r ON r.created_by = u.id \
             WHERE u.person_id IN ({}) AND r.channel = 'grid_member' AND r.state NOT IN {DONE}",
            db::placeholders(2, members.len())
        )
    };
    Ok(db::all(
        conn,
        &format!(
            "SELECT r.id, r.state, c.name AS category, \
             COALESCE(b.name || u.name || h.room || '室', r.location_text) AS place, r.created_at \
             FROM requests r JOIN request_categories c ON c.id = r.category_id \
             LEFT JOIN households h ON h.node_id = r.household_id LEFT JOIN org_nodes hn ON hn.id = h.node_id \
             LEFT JOIN org_nodes u ON u.id = hn.parent_id LEFT JOIN org_nodes b ON b.id = u.parent_id \
             WHERE r.id IN (SELECT r2.id FROM households h2 JOIN requests r2 ON r2.household_id = h2.node_id \
             WHERE h2.microgrid_id IN ({}) AND r2.state NOT IN {DONE}{by_members}) \
             ORDER BY r.created_at LIMIT 100",
            area_grids(1)
        ),
        std::iter::once(like(area).into()).chain(members.iter().map(|m| (*m).into())).collect(),
    )
    .await?)
}

/// What the area's members pushed up (上报), newest first, with the government side's state.
#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct PushedUp {
    pub request_id: i64,
    pub category: String,
    pub place: Option<String>,
    /// The community or street it went to.
    pub to_name: Option<String>,
    pub state: ReferralState,
    pub sent_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
}

pub async fn pushed_up(
    conn: &impl ConnectionTrait,
    members: &[PersonId],
    from: DateTime<Utc>,
) -> Result<Vec<PushedUp>, AppError> {
    of_members(
        conn,
        "SELECT rr.request_id, c.name AS category, r.location_text AS place, n.name AS to_name, rr.state, rr.sent_at, rr.answered_at \
         FROM users us JOIN request_referrals rr ON rr.sent_by = us.id JOIN requests r ON r.id = rr.request_id \
         JOIN request_categories c ON c.id = r.category_id LEFT JOIN org_nodes n ON n.id = rr.node_id \
         WHERE us.person_id IN ({members}) AND rr.sent_at >= $1 ORDER BY rr.sent_at DESC LIMIT 50",
        from.into(),
        members,
    )
    .await
}
