//! Door-to-door campaigns' SQL. A campaign's target is every household whose micro-grid lies under the
//! campaign's node; coverage counts the distinct households visited, grouped by micro-grid, building and
//! member. A visit is written with `ON CONFLICT DO NOTHING` on (campaign, household, member, day), so a
//! second record of the day is merged into the first whichever arrives first, on either database.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use super::model::{How, Topic};
use crate::{
    db::{self, constraint::OnConstraint},
    error::AppError,
    ids::PersonId,
    params,
};

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Campaign {
    pub id: i64,
    pub node_id: i64,
    pub node_name: String,
    #[serde(skip)]
    pub node_path: String,
    pub topic: Topic,
    pub title: String,
    pub brief: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

const SELECT: &str = "SELECT c.id, c.node_id, n.name AS node_name, n.path AS node_path, c.topic, c.title, c.brief, \
     c.starts_on, c.ends_on FROM grid_campaigns c JOIN org_nodes n ON n.id = c.node_id";

/// Campaigns ending on or after `since`, latest first (the caller keeps those it may read).
pub async fn recent(conn: &impl ConnectionTrait, since: NaiveDate) -> Result<Vec<Campaign>, AppError> {
    Ok(db::all(
        conn,
        &format!("{SELECT} WHERE c.ends_on >= $1 ORDER BY c.starts_on DESC, c.id DESC LIMIT 500"),
        params![since],
    )
    .await?)
}

pub async fn one(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Campaign>, AppError> {
    Ok(db::one(conn, &format!("{SELECT} WHERE c.id = $1"), params![id]).await?)
}

pub struct NewCampaign<'a> {
    pub node_id: i64,
    pub topic: Topic,
    pub title: &'a str,
    pub brief: Option<&'a str>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

pub async fn insert(
    conn: &impl ConnectionTrait,
    c: &NewCampaign<'_>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO grid_campaigns (node_id, topic, title, brief, starts_on, ends_on, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        params![c.node_id, c.topic.as_str(), c.title, c.brief, c.starts_on, c.ends_on, by, now],
    )
    .await?)
}

/// One household of a campaign's target, as the member's phone lists it.
#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Door {
    pub household_id: i64,
    pub project_name: String,
    /// 「1栋1单元101室」.
    pub home: String,
    pub microgrid_path: String,
    /// The last day anyone visited it in this campaign.
    pub last_visit: Option<NaiveDate>,
}

/// The target households under `area` that lie in one of `grids` (a member's micro-grids), by home.
pub async fn doors(
    conn: &impl ConnectionTrait,
    campaign: i64,
    area: &str,
    grids: &[String],
) -> Result<Vec<Door>, AppError> {
    if grids.is_empty() {
        return Ok(vec![]);
    }
    let mut values = params![campaign, format!("{area}%")];
    let ors: Vec<String> = grids
        .iter()
        .enumerate()
        .map(|(i, g)| {
            values.push(format!("{g}%").into());
            format!("mg.path LIKE ${}", i + 3)
        })
        .collect();
    Ok(db::all(
        conn,
        &format!(
            "SELECT h.node_id AS household_id, pr.name AS project_name, b.name || u.name || h.room || '室' AS home, \
             mg.path AS microgrid_path, v.last_visit FROM households h JOIN org_nodes mg ON mg.id = h.microgrid_id \
             JOIN org_nodes hn ON hn.id = h.node_id JOIN org_nodes u ON u.id = hn.parent_id JOIN org_nodes b ON b.id = u.parent_id \
             JOIN org_nodes pr ON pr.id = h.project_id \
             LEFT JOIN (SELECT household_id, MAX(visited_on) AS last_visit FROM grid_visits WHERE campaign_id = $1 GROUP BY household_id) v \
               ON v.household_id = h.node_id \
             WHERE mg.path LIKE $2 AND ({}) ORDER BY pr.name, b.name, u.name, h.room LIMIT 2000",
            ors.join(" OR ")
        ),
        values,
    )
    .await?)
}

/// The household's micro-grid path, if it has one.
pub async fn household_grid(conn: &impl ConnectionTrait, household: i64) -> Result<Option<String>, AppError> {
    #[derive(FromQueryResult)]
    struct R {
        path: String,
    }
    Ok(db::one::<R>(
        conn,
        "SELECT mg.path FROM households h JOIN org_nodes mg ON mg.id = h.microgrid_id WHERE h.node_id = $1",
        params![household],
    )
    .await?
    .map(|r| r.path))
}

/// A figure of coverage: a group (micro-grid, building or member), its target and how many it reached.
#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Cover {
    pub name: String,
    pub target: i64,
    pub visited: i64,
}

/// The micro-grids under the area, as a subquery on parameter `$n` (the area's path with `%`).
fn area_grids(n: usize) -> String {
    format!("SELECT id FROM org_nodes WHERE kind = 'microgrid' AND path LIKE ${n}")
}

#[derive(FromQueryResult)]
struct Count {
    id: i64,
    n: i64,
}

#[derive(FromQueryResult)]
struct Named {
    id: i64,
    name: String,
}

fn join_figures(groups: Vec<Named>, targets: Vec<Count>, reached: Vec<Count>) -> Vec<Cover> {
    let find = |v: &[Count], id: i64| v.iter().find(|c| c.id == id).map(|c| c.n).unwrap_or(0);
    groups
        .into_iter()
        .map(|g| Cover { target: find(&targets, g.id), visited: find(&reached, g.id), name: g.name })
        .filter(|c| c.target > 0 || c.visited > 0)
        .collect()
}

/// Coverage by micro-grid under the area: targets from the households' micro-grid index, reached from
/// `grid_reached` — neither reads a visit.
pub async fn by_microgrid(conn: &impl ConnectionTrait, campaign: i64, area: &str) -> Result<Vec<Cover>, AppError> {
    let like = format!("{area}%");
    let groups: Vec<Named> = db::all(
        conn,
        "SELECT id, name FROM org_nodes WHERE kind = 'microgrid' AND path LIKE $1 ORDER BY path",
        params![like.clone()],
    )
    .await?;
    let targets: Vec<Count> = db::all(
        conn,
        &format!(
            "SELECT microgrid_id AS id, CAST(COUNT(*) AS BIGINT) AS n FROM households \
             WHERE microgrid_id IN ({}) GROUP BY microgrid_id",
            area_grids(1)
        ),
        params![like.clone()],
    )
    .await?;
    let reached: Vec<Count> = db::all(
        conn,
        "SELECT microgrid_id AS id, CAST(COUNT(*) AS BIGINT) AS n FROM grid_reached \
         WHERE campaign_id = $1 GROUP BY microgrid_id",
        params![campaign],
    )
    .await?;
    Ok(join_figures(groups, targets, reached))
}

/// A campaign's target and reached households in all (the list's figure).
pub async fn totals(conn: &impl ConnectionTrait, campaign: i64, area: &str) -> Result<(i64, i64), AppError> {
    let like = format!("{area}%");
    let target = db::count(
        conn,
        &format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM households WHERE microgrid_id IN ({})", area_grids(1)),
        params![like.clone()],
    )
    .await?;
    let reached = db::count(
        conn,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM grid_reached WHERE campaign_id = $1",
        params![campaign],
    )
    .await?;
    Ok((target, reached))
}

/// Coverage by building (with its estate) under the area: households counted per unit from the
/// `(microgrid_id, unit_id)` index, units then rolled up to their buildings.
pub async fn by_building(conn: &impl ConnectionTrait, campaign: i64, area: &str) -> Result<Vec<Cover>, AppError> {
    let like = format!("{area}%");
    let roll = |inner: String| {
        format!(
            "SELECT b.id, CAST(SUM(t.n) AS BIGINT) AS n FROM ({inner}) t JOIN org_nodes u ON u.id = t.unit \
             JOIN org_nodes b ON b.id = u.parent_id GROUP BY b.id"
        )
    };
    let targets: Vec<Count> = db::all(
        conn,
        &roll(format!(
            "SELECT unit_id AS unit, COUNT(*) AS n FROM households WHERE microgrid_id IN ({}) GROUP BY unit_id",
            area_grids(1)
        )),
        params![like.clone()],
    )
    .await?;
    let reached: Vec<Count> = db::all(
        conn,
        &roll("SELECT unit_id AS unit, COUNT(*) AS n FROM grid_reached WHERE campaign_id = $1 GROUP BY unit_id".into()),
        params![campaign],
    )
    .await?;
    if targets.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<i64> = targets.iter().map(|c| c.id).collect();
    let groups: Vec<Named> = db::all(
        conn,
        &format!(
            "SELECT b.id, pr.name || ' ' || b.name AS name FROM org_nodes b JOIN org_nodes pr ON pr.id = b.project_id \
             WHERE b.id IN ({}) ORDER BY pr.name, b.name",
            db::placeholders(1, ids.len())
        ),
        ids.into_iter().map(Into::into).collect(),
    )
    .await?;
    Ok(join_figures(groups, targets, reached))
}

/// What each member did (from the counters kept with each visit): households reached (target: their
/// visits).
pub async fn by_member(conn: &impl ConnectionTrait, campaign: i64) -> Result<Vec<Cover>, AppError> {
    Ok(db::all(
        conn,
        "SELECT p.name, c.visits AS target, c.households AS visited FROM grid_member_counts c \
         JOIN persons p ON p.id = c.member_person_id WHERE c.campaign_id = $1 \
         ORDER BY c.households DESC, p.name LIMIT 200",
        params![campaign],
    )
    .await?)
}

/// Keep the counters of a new visit row, in its transaction: the household first reached in the
/// campaign, and the member's visits and households.
async fn count_visit(conn: &impl ConnectionTrait, v: &NewVisit<'_>) -> Result<(), AppError> {
    db::exec(
        conn,
        "INSERT INTO grid_reached (campaign_id, household_id, microgrid_id, unit_id, first_on) \
         SELECT $1, h.node_id, h.microgrid_id, h.unit_id, $3 FROM households h \
         WHERE h.node_id = $2 ON CONFLICT (campaign_id, household_id) DO NOTHING",
        params![v.campaign_id, v.household_id, v.day],
    )
    .await?;
    let first = db::count(
        conn,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM grid_visits WHERE campaign_id = $1 AND household_id = $2 AND member_person_id = $3",
        params![v.campaign_id, v.household_id, v.member],
    )
    .await?
        == 1;
    db::exec(
        conn,
        "INSERT INTO grid_member_counts (campaign_id, member_person_id, visits, households) VALUES ($1, $2, 1, $3) \
         ON CONFLICT (campaign_id, member_person_id) DO UPDATE SET visits = grid_member_counts.visits + 1, \
         households = grid_member_counts.households + $3",
        params![v.campaign_id, v.member, i64::from(first)],
    )
    .await?;
    Ok(())
}

/// The visit already recorded under a key (first record or merged into another), with its member.
pub async fn by_key(conn: &impl ConnectionTrait, key: &str) -> Result<Option<(i64, PersonId, i64)>, AppError> {
    #[derive(FromQueryResult)]
    struct R {
        id: i64,
        member_person_id: PersonId,
        campaign_id: i64,
    }
    let r: Option<R> = db::one(
        conn,
        "SELECT v.id, v.member_person_id, v.campaign_id FROM grid_visits v WHERE v.idem_key = $1 \
         UNION ALL SELECT v.id, v.member_person_id, v.campaign_id FROM grid_visit_keys k JOIN grid_visits v ON v.id = k.visit_id \
         WHERE k.idem_key = $1",
        params![key],
    )
    .await?;
    Ok(r.map(|r| (r.id, r.member_person_id, r.campaign_id)))
}

pub struct NewVisit<'a> {
    pub campaign_id: i64,
    pub household_id: i64,
    pub member: PersonId,
    pub day: NaiveDate,
    pub how: How,
    pub reached: Option<&'a str>,
    pub found: Option<&'a str>,
    pub key: &'a str,
    pub by: i64,
}

/// Write a visit: a new row (`Ok(Some(id))`), or nothing when the member already has one for this
/// household and day (`Ok(None)`: merge it).
pub async fn insert_visit(
    conn: &impl ConnectionTrait,
    v: &NewVisit<'_>,
    now: DateTime<Utc>,
) -> Result<Option<i64>, AppError> {
    let id = db::one::<db::IdRow>(
        conn,
        "INSERT INTO grid_visits (campaign_id, household_id, member_person_id, visited_on, how, reached, found, idem_key, \
         created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
         ON CONFLICT (campaign_id, household_id, member_person_id, visited_on) DO NOTHING RETURNING id",
        params![v.campaign_id, v.household_id, v.member, v.day, v.how.as_str(), v.reached, v.found, v.key, v.by, now],
    )
    .await
    .on_constraint("ux_grid_visits_key", || {
        AppError::conflict("visit_in_flight", "这条走访记录正在提交，请稍后刷新", "This visit is being sent; reload shortly")
    })?
    .map(|r| r.id);
    if id.is_some() {
        count_visit(conn, v).await?;
    }
    Ok(id)
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct DayVisit {
    pub id: i64,
    pub reached: Option<String>,
    pub found: Option<String>,
}

/// The member's visit of this household on this day (the one to merge into), locked for the update.
pub async fn day_visit(conn: &impl ConnectionTrait, v: &NewVisit<'_>) -> Result<Option<DayVisit>, AppError> {
    db::exec(
        conn,
        "UPDATE grid_visits SET updated_at = updated_at WHERE campaign_id = $1 AND household_id = $2 \
         AND member_person_id = $3 AND visited_on = $4",
        params![v.campaign_id, v.household_id, v.member, v.day],
    )
    .await?;
    Ok(db::one(
        conn,
        "SELECT id, reached, found FROM grid_visits WHERE campaign_id = $1 AND household_id = $2 \
         AND member_person_id = $3 AND visited_on = $4",
        params![v.campaign_id, v.household_id, v.member, v.day],
    )
    .await?)
}

/// Merge a second record of the day into the first: the latest way of reaching, the words joined, and
/// the second key kept so its replay finds this visit.
pub async fn merge(
    conn: &impl ConnectionTrait,
    id: i64,
    how: How,
    reached: Option<&str>,
    found: Option<&str>,
    key: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    db::exec(
        conn,
        "UPDATE grid_visits SET how = $1, reached = $2, found = $3, updated_at = $4 WHERE id = $5",
        params![how.as_str(), reached, found, now, id],
    )
    .await?;
    db::exec(
        conn,
        "INSERT INTO grid_visit_keys (idem_key, visit_id, created_at) VALUES ($1, $2, $3) ON CONFLICT (idem_key) DO NOTHING",
        params![key, id, now],
    )
    .await?;
    Ok(())
}

/// A visit's photos (一户一表 with a photo).
pub fn photos_of(visit: i64) -> crate::requests::photos::Owner {
    crate::requests::photos::Owner { table: "grid_visit_photos", column: "visit_id", id: visit, prefix: "grid-visits" }
}

/// A visit's member, campaign and how many photos it has.
#[derive(Debug, FromQueryResult)]
pub struct VisitOwner {
    pub member_person_id: PersonId,
    pub campaign_id: i64,
    pub photos: i64,
}

pub async fn visit_owner(conn: &impl ConnectionTrait, visit: i64) -> Result<Option<VisitOwner>, AppError> {
    Ok(db::one(
        conn,
        "SELECT v.member_person_id, v.campaign_id, \
         (SELECT CAST(COUNT(*) AS BIGINT) FROM grid_visit_photos p WHERE p.visit_id = v.id) AS photos \
         FROM grid_visits v WHERE v.id = $1",
        params![visit],
    )
    .await?)
}

/// The member's visits in a campaign on a day, by household, with their photo ids.
#[derive(Debug, Clone, FromQueryResult)]
pub struct MineToday {
    pub household_id: i64,
    pub id: i64,
    pub photo_id: Option<i64>,
}

pub async fn mine_on(
    conn: &impl ConnectionTrait,
    campaign: i64,
    member: PersonId,
    day: NaiveDate,
) -> Result<Vec<MineToday>, AppError> {
    Ok(db::all(
        conn,
        "SELECT v.household_id, v.id, p.id AS photo_id FROM grid_visits v LEFT JOIN grid_visit_photos p ON p.visit_id = v.id \
         WHERE v.campaign_id = $1 AND v.member_person_id = $2 AND v.visited_on = $3 ORDER BY v.id, p.id LIMIT 5000",
        params![campaign, member, day],
    )
    .await?)
}
