//! SQL for resident requests: categories, requests, their event timeline, queues.

use crate::ids::*;
mod change;
mod create;
pub mod figures;
pub mod jobs;
pub mod outbound;
pub mod photos;
pub mod referrals;
pub mod settings;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

pub use change::{StateChange, change_state};
pub use create::{NewRequest, create, create_chain, event};

use super::model::{DEFAULT_CATEGORIES, State};
use crate::{db, db::migrations::m0043_open_requests::OPEN_STATES, error::AppError, params};

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Category {
    pub id: i64,
    pub project_id: ProjectId,
    pub name: String,
    pub respond_minutes: i64,
    pub complete_hours: i64,
    pub handler_post: Option<String>,
}

/// The minutes and hours as 64-bit on both databases, so the row also reads through `Db::reader` and in a
/// SQLite write unit (both read integers as `i64`): a report's checks read its category inline.
const CATEGORY_SELECT: &str = "SELECT id, project_id, name, CAST(respond_minutes AS BIGINT) AS respond_minutes, \
     CAST(complete_hours AS BIGINT) AS complete_hours, handler_post FROM request_categories";

pub async fn categories(conn: &impl ConnectionTrait, project_id: ProjectId) -> Result<Vec<Category>, AppError> {
    Ok(db::all(conn, &format!("{CATEGORY_SELECT} WHERE project_id = $1 ORDER BY id"), params![project_id]).await?)
}

pub async fn category(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Category>, AppError> {
    Ok(db::one(conn, &format!("{CATEGORY_SELECT} WHERE id = $1"), params![id]).await?)
}

/// Give a project the default categories (idempotent).
pub async fn ensure_default_categories(
    conn: &impl ConnectionTrait,
    project_id: ProjectId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if db::count(conn, "SELECT COUNT(*) AS n FROM request_categories WHERE project_id = $1", params![project_id])
        .await?
        > 0
    {
        return Ok(());
    }
    for (name, respond, complete, post) in DEFAULT_CATEGORIES {
        db::exec(
            conn,
            "INSERT INTO request_categories (project_id, name, respond_minutes, complete_hours, handler_post, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            params![project_id, name, respond as i32, complete as i32, post, now],
        )
        .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct RequestRow {
    pub id: i64,
    pub project_id: ProjectId,
    pub project_name: String,
    pub category_id: i64,
    pub category_name: String,
    pub kind: String,
    pub channel: String,
    pub state: String,
    pub description: String,
    pub household_id: Option<HouseholdId>,
    /// 「3栋2单元1001室」 or the public spot.
    pub location: Option<String>,
    #[serde(skip)]
    pub reporter_person_id: Option<PersonId>,
    pub reporter_name: Option<String>,
    #[serde(skip)]
    pub assignee_person_id: Option<PersonId>,
    pub assignee_name: Option<String>,
    pub level: String,
    pub respond_by: DateTime<Utc>,
    pub complete_by: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
    pub rating_speed: Option<i16>,
    pub rating_quality: Option<i16>,
    pub rating_attitude: Option<i16>,
    pub chase_count: i32,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    /// The post (岗位) it sits with: the category's default, or where it was transferred.
    pub handler_post: Option<String>,
    /// WGS-84 coordinates of a public spot, when given.
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// A bad rating asked the project manager for a second return visit that is not yet recorded.
    pub manager_visit_due: bool,
    /// While suspended (挂起): since when, and when it resumes by itself.
    pub suspended_at: Option<DateTime<Utc>>,
    pub resume_at: Option<DateTime<Utc>>,
}

impl RequestRow {
    pub fn state(&self) -> State {
        State::parse(&self.state).unwrap_or(State::Pending)
    }
}

/// The columns of a `RequestRow` and the joins that name them, as macros so that `REQUEST_SELECT` and the
/// paged form share one text.
macro_rules! request_cols {
    () => {
        "r.id, r.project_id, pr.name AS project_name, r.category_id, c.name AS category_name, \
     r.kind, r.channel, r.state, r.description, r.household_id, \
     COALESCE(b.name || u.name || h.room || '室', pb.name || COALESCE(pu.name, '') || COALESCE(' ' || r.location_text, ''), r.location_text) AS location, \
     r.reporter_person_id, rp.name AS reporter_name, r.assignee_person_id, ap.name AS assignee_name, r.level, \
     r.respond_by, r.complete_by, r.responded_at, r.rating_speed, r.rating_quality, r.rating_attitude, r.chase_count, r.created_at, \
     r.completed_at, r.handler_post, r.lat, r.lng, r.manager_visit_due, r.suspended_at, r.resume_at \
     "
    };
}
macro_rules! request_joins {
    () => {
        "JOIN org_nodes pr ON pr.id = r.project_id JOIN request_categories c ON c.id = r.category_id \
     LEFT JOIN households h ON h.node_id = r.household_id LEFT JOIN org_nodes hn ON hn.id = h.node_id \
     LEFT JOIN org_nodes u ON u.id = hn.parent_id LEFT JOIN org_nodes b ON b.id = u.parent_id \
     LEFT JOIN org_nodes pb ON pb.id = r.building_id AND r.household_id IS NULL LEFT JOIN org_nodes pu ON pu.id = r.unit_id \
     LEFT JOIN persons rp ON rp.id = r.reporter_person_id LEFT JOIN persons ap ON ap.id = r.assignee_person_id"
    };
}

const REQUEST_SELECT: &str = concat!("SELECT ", request_cols!(), " FROM requests r ", request_joins!());

/// Mark a request as confirmed by another flow than its reporter's rating (`supervision`).
pub async fn set_confirm_via(conn: &impl ConnectionTrait, id: i64, via: &str) -> Result<(), AppError> {
    db::exec(conn, "UPDATE requests SET confirm_via = $1 WHERE id = $2", params![via, id]).await?;
    Ok(())
}

/// The flow that confirms this request, if not its reporter's rating.
pub async fn confirm_via(conn: &impl ConnectionTrait, id: i64) -> Result<Option<String>, AppError> {
    #[derive(FromQueryResult)]
    struct R {
        confirm_via: Option<String>,
    }
    Ok(db::one::<R>(conn, "SELECT confirm_via FROM requests WHERE id = $1", params![id])
        .await?
        .and_then(|r| r.confirm_via))
}

/// A page of requests whose ids `ids_sql` picks (newest first): the ids drive the joins, so only the page's
/// rows are joined, and the planner cannot mistake the page for a semi-join over the whole table.
fn paged(ids_sql: &str) -> String {
    format!(
        concat!(
            "SELECT ",
            request_cols!(),
            " FROM ({}) pg JOIN requests r ON r.id = pg.id ",
            request_joins!(),
            " ORDER BY r.id DESC"
        ),
        ids_sql
    )
}

pub async fn request(conn: &impl ConnectionTrait, id: i64) -> Result<Option<RequestRow>, AppError> {
    Ok(db::one(conn, &format!("{REQUEST_SELECT} WHERE r.id = $1"), params![id]).await?)
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct EventRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub note: Option<String>,
}

pub async fn events(conn: &impl ConnectionTrait, request_id: i64) -> Result<Vec<EventRow>, AppError> {
    Ok(db::all(
        conn,
        "SELECT id, at, actor, action, from_state, to_state, note FROM request_events WHERE request_id = $1 ORDER BY id",
        params![request_id],
    )
    .await?)
}

/// The requests a resident reported, newest first, a page of 25 (keyset: ids below `before`).
pub async fn reported_by(
    conn: &impl ConnectionTrait,
    person_id: PersonId,
    before: Option<i64>,
) -> Result<Vec<RequestRow>, AppError> {
    Ok(db::all(
        conn,
        &paged(&format!(
            "SELECT q.id FROM requests q WHERE q.reporter_person_id = $1 AND q.id < $2 ORDER BY q.id DESC LIMIT {PAGE}"
        )),
        params![person_id, before.unwrap_or(i64::MAX)],
    )
    .await?)
}

#[derive(Debug, Default, Clone, serde::Deserialize, serde::Serialize, utoipa::IntoParams)]
#[serde(default)]
pub struct QueueFilter {
    /// `pending`, `dispatched`, `in_progress`, … ; empty = all open states; `all` = every state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Only requests assigned to me.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mine: Option<String>,
    /// Only overdue open requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue: Option<String>,
    /// Only requests waiting at my post (岗位) in my projects, not yet taken by a person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post: Option<String>,
    /// One project (id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// One category (id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category_id: Option<String>,
    /// One building (楼栋 node id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub building_id: Option<String>,
    /// Keyset pagination: requests with id below this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<i64>,
}

pub const PAGE: i64 = 25;

/// A work queue over the given projects, newest first, 25 per page (keyset on id).
pub async fn queue(
    conn: &impl ConnectionTrait,
    projects: &[ProjectId],
    person_id: Option<PersonId>,
    my_posts: &[(i64, String)],
    f: &QueueFilter,
    now: DateTime<Utc>,
) -> Result<Vec<RequestRow>, AppError> {
    let id = |s: &Option<String>| s.as_deref().and_then(|v| v.trim().parse::<i64>().ok());
    let only: Vec<ProjectId> = match id(&f.project_id) {
        Some(p) => projects.iter().copied().filter(|x| *x == ProjectId(p)).collect(),
        None => projects.to_vec(),
    };
    let projects = &only[..];
    if projects.is_empty() {
        return Ok(vec![]);
    }
    let mut values: Vec<sea_orm::Value> = projects.iter().map(|v| (*v).into()).collect();
    // Two steps in one statement (`paged`): pick the page's ids from the narrow indexes (sorting ids only),
    // then join names and places for those 25 rows — not for every open request of the project.
    let mut sql =
        format!("SELECT q.id FROM requests q WHERE q.project_id IN ({})", db::placeholders(1, projects.len()));
    match f.state.as_deref().and_then(State::parse) {
        Some(s) => {
            values.push(s.as_str().into());
            sql.push_str(&format!(" AND q.state = ${}", values.len()));
        }
        // 「全部」: every state, closed and voided included.
        None if f.state.as_deref() == Some("all") => {}
        // The open states exactly as the partial index `ix_requests_open` has them (m0043): the page walks
        // that index backwards from the project's newest open request, and the overdue board reads the
        // project's open requests from it alone (their deadlines are in it).
        None => sql.push_str(&format!(" AND q.state IN {OPEN_STATES}")),
    }
    if f.mine.as_deref() == Some("1") {
        values.push(person_id.unwrap_or(PersonId(-1)).into());
        sql.push_str(&format!(" AND q.assignee_person_id = ${}", values.len()));
    }
    if f.post.as_deref() == Some("1") {
        if my_posts.is_empty() {
            return Ok(vec![]);
        }
        let mut ors = Vec::new();
        for (project, post) in my_posts {
            values.push((*project).into());
            values.push(post.clone().into());
            ors.push(format!("(q.project_id = ${} AND q.handler_post = ${})", values.len() - 1, values.len()));
        }
        sql.push_str(&format!(" AND q.assignee_person_id IS NULL AND ({})", ors.join(" OR ")));
    }
    let category = id(&f.category_id);
    if let Some(c) = category {
        values.push(c.into());
        sql.push_str(&format!(" AND q.category_id = ${}", values.len()));
    }
    if let Some(b) = id(&f.building_id) {
        values.push(b.into());
        // Without a category, no index can use `building_id`, and `+ 0` hides the column's statistics
        // from the planner: with them, PostgreSQL costs a large building's page below the statement's
        // generic plan and re-plans the twelve-relation join on every call (~2 ms of planning for
        // 0.4 ms of work); without them every building costs alike and it settles on the generic plan
        // (in four passes of five measured: the project's share can still tip it). With a category,
        // `ix_requests_dup` (category_id, building_id, state) finds the page's rows exactly, and `+ 0`
        // would cost it the building column (0.04 → 0.47 ms at 1M rows). docs/benchmarks.md,
        // fourteenth sitting.
        let column = if category.is_some() { "q.building_id" } else { "q.building_id + 0" };
        sql.push_str(&format!(" AND {column} = ${}", values.len()));
    }
    if let Some(b) = f.before {
        values.push(b.into());
        sql.push_str(&format!(" AND q.id < ${}", values.len()));
    }
    if f.overdue.as_deref() != Some("1") {
        sql.push_str(&format!(" ORDER BY q.id DESC LIMIT {PAGE}"));
        return Ok(db::all(conn, &paged(&sql), values).await?);
    }
    values.push(now.into());
    let at = values.len();
    // With the overdue filter, matching rows are rare among the newest ids (new work is not late yet), so
    // walking any index backwards by id reads far; `q.id + 0` makes the planner gather the candidates and
    // sort just the late ones. On PostgreSQL each way of being late is its own arm over its own deadline
    // index (`m0046_late_work`), so only late requests are read; the union of the two arms' newest 25 holds
    // the newest 25 of either. SQLite has no such indexes (they cost its creates): it gathers the project's
    // open requests from `ix_requests_open` and tests both deadlines. Measured in docs/benchmarks.md.
    let top = format!(" ORDER BY q.id + 0 DESC LIMIT {PAGE}");
    let sql = if conn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        let (response, completion) = overdue_arms(at);
        format!(
            "SELECT u.id FROM (({sql} AND {response}{top}) UNION ({sql} AND {completion}{top})) u \
             ORDER BY u.id DESC LIMIT {PAGE}"
        )
    } else {
        format!("{sql} AND {}{top}", overdue_sql(at))
    };
    Ok(db::all(conn, &paged(&sql), values).await?)
}

/// Overdue, as SQL over the queue's alias `q` with the time in parameter `$at`: not answered by its
/// response deadline, or not finished by its completion deadline — a suspended request's completion clock
/// is paused (`model::overdue`). One predicate for the queue's filter and the staff home's count.
fn overdue_sql(at: usize) -> String {
    let (response, completion) = overdue_arms(at);
    format!("({response} OR {completion})")
}

/// The two ways of being late, each as its deadline index's predicate has it (`m0046_late_work`).
fn overdue_arms(at: usize) -> (String, String) {
    (
        format!("(q.responded_at IS NULL AND q.respond_by < ${at})"),
        format!("(q.complete_by < ${at} AND q.state <> 'suspended')"),
    )
}

/// The work waiting in these projects (the staff home): to dispatch, assigned to me and open, overdue,
/// finished and waiting for the resident's rating.
#[derive(Debug, Default, Clone, Copy, FromQueryResult)]
pub struct WorkCounts {
    pub to_dispatch: i64,
    pub mine: i64,
    pub overdue: i64,
    pub awaiting_rating: i64,
}

pub async fn work_counts(
    conn: &impl ConnectionTrait,
    projects: &[ProjectId],
    person_id: Option<PersonId>,
    now: DateTime<Utc>,
) -> Result<WorkCounts, AppError> {
    if projects.is_empty() {
        return Ok(WorkCounts::default());
    }
    let n = projects.len();
    let mut values: Vec<sea_orm::Value> = projects.iter().map(|v| (*v).into()).collect();
    values.push(person_id.unwrap_or(PersonId(-1)).into());
    values.push(now.into());
    let (me, at) = (n + 1, n + 2);
    let overdue = overdue_sql(at);
    let sql = format!(
        "SELECT CAST(COALESCE(SUM(CASE WHEN q.state = 'pending' THEN 1 ELSE 0 END), 0) AS BIGINT) AS to_dispatch, \
         CAST(COALESCE(SUM(CASE WHEN q.assignee_person_id = ${me} AND q.state IN ('dispatched','in_progress','suspended','escalated') \
         THEN 1 ELSE 0 END), 0) AS BIGINT) AS mine, \
         CAST(COALESCE(SUM(CASE WHEN q.state <> 'awaiting_rating' AND {overdue} THEN 1 ELSE 0 END), 0) AS BIGINT) AS overdue, \
         CAST(COALESCE(SUM(CASE WHEN q.state = 'awaiting_rating' THEN 1 ELSE 0 END), 0) AS BIGINT) AS awaiting_rating \
         FROM requests q WHERE q.project_id IN ({}) \
         AND q.state IN ('pending','dispatched','in_progress','suspended','escalated','awaiting_rating')",
        db::placeholders(1, n)
    );
    Ok(db::one(conn, &sql, values).await?.unwrap_or_default())
}

/// Open requests of the same category at the same building (the duplicate hint while reporting).
pub async fn similar_open(
    conn: &impl ConnectionTrait,
    category_id: i64,
    building_id: i64,
) -> Result<Vec<RequestRow>, AppError> {
    Ok(db::all(
        conn,
        &format!(
            "{REQUEST_SELECT} WHERE r.category_id = $1 AND r.building_id = $2 \
             AND r.state IN {OPEN_STATES} ORDER BY r.id DESC LIMIT 5"
        ),
        params![category_id, building_id],
    )
    .await?)
}

/// Return visits owed in these projects: finished requests unrated for `days` days (oldest first), and
/// requests whose bad rating asked the project manager for a second visit.
pub async fn return_visits(
    conn: &impl ConnectionTrait,
    projects: &[ProjectId],
    days: i64,
    now: DateTime<Utc>,
) -> Result<Vec<RequestRow>, AppError> {
    if projects.is_empty() {
        return Ok(vec![]);
    }
    let mut values: Vec<sea_orm::Value> = projects.iter().map(|v| (*v).into()).collect();
    values.push((now - chrono::Duration::days(days)).into());
    let n = values.len();
    values.push(true.into());
    let sql = format!(
        "{REQUEST_SELECT} WHERE r.project_id IN ({}) AND ((r.state = 'awaiting_rating' AND r.completed_at <= ${n}) \
         OR r.manager_visit_due = ${}) ORDER BY r.completed_at, r.id LIMIT 200",
        db::placeholders(1, projects.len()),
        n + 1
    );
    Ok(db::all(conn, &sql, values).await?)
}

// ---- used by the report and action pages ------------------------------------------------------------------

/// The first current member of a household (whom a request entered by staff is reported for).
pub async fn first_member(conn: &impl ConnectionTrait, household: HouseholdId) -> Result<Option<PersonId>, AppError> {
    Ok(db::one::<db::IdRow>(
        conn,
        "SELECT person_id AS id FROM household_members WHERE household_id = $1 AND moved_out IS NULL ORDER BY id LIMIT 1",
        params![household],
    )
    .await?
    .map(|r| PersonId(r.id)))
}

/// Projects with homes in a grid subtree.
pub async fn projects_in_grid(conn: &impl ConnectionTrait, grid_path: &str) -> Result<Vec<ProjectId>, AppError> {
    Ok(db::all::<db::IdRow>(
        conn,
        "SELECT DISTINCT h.project_id AS id FROM households h JOIN org_nodes mg ON mg.id = h.microgrid_id \
         WHERE mg.path LIKE $1",
        params![format!("{grid_path}%")],
    )
    .await?
    .into_iter()
    .map(|r| ProjectId(r.id))
    .collect())
}

/// The project's staff: (person, name, post).
pub async fn project_staff(
    conn: &impl ConnectionTrait,
    project_id: ProjectId,
) -> Result<Vec<(i64, String, Option<String>)>, AppError> {
    #[derive(FromQueryResult)]
    struct S {
        id: i64,
        name: String,
        post: Option<String>,
    }
    Ok(db::all::<S>(
        conn,
        "SELECT p.id, p.name, r.post FROM role_assignments r JOIN persons p ON p.id = r.person_id \
         WHERE r.role = 'staff' AND r.node_id = $1 ORDER BY p.id",
        params![project_id],
    )
    .await?
    .into_iter()
    .map(|s| (s.id, s.name, s.post))
    .collect())
}

#[derive(FromQueryResult)]
pub struct Named {
    pub id: i64,
    pub name: String,
}

/// A place of a project a public-area report may name: a building or a unit, labelled 「1栋」「1栋1单元」.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Place {
    pub id: i64,
    pub project_id: ProjectId,
    pub building_id: i64,
    pub unit_id: Option<i64>,
    pub label: String,
}

const PLACE_SELECT: &str = "SELECT b.id, b.project_id, b.id AS building_id, CAST(NULL AS BIGINT) AS unit_id, b.name AS label \
     FROM org_nodes b WHERE b.kind = 'building' AND {b} \
     UNION ALL SELECT u.id, u.project_id, b.id AS building_id, u.id AS unit_id, b.name || u.name AS label \
     FROM org_nodes u JOIN org_nodes b ON b.id = u.parent_id WHERE u.kind = 'unit' AND {u}";

/// The buildings and units of these projects, in order.
pub async fn places(conn: &impl ConnectionTrait, projects: &[ProjectId]) -> Result<Vec<Place>, AppError> {
    if projects.is_empty() {
        return Ok(vec![]);
    }
    let ph = db::placeholders(1, projects.len());
    let sql = PLACE_SELECT
        .replace("{b}", &format!("b.project_id IN ({ph})"))
        .replace("{u}", &format!("u.project_id IN ({ph})"));
    let values: Vec<sea_orm::Value> = projects.iter().map(|p| sea_orm::Value::from(*p)).collect();
    Ok(db::all(conn, &format!("SELECT * FROM ({sql}) x ORDER BY building_id, unit_id IS NOT NULL, unit_id"), values)
        .await?)
}

/// One building or unit.
pub async fn place(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Place>, AppError> {
    let sql = PLACE_SELECT.replace("{b}", "b.id = $1").replace("{u}", "u.id = $1");
    Ok(db::one(conn, &sql, params![id]).await?)
}

pub async fn buildings(conn: &impl ConnectionTrait, project_id: ProjectId) -> Result<Vec<Named>, AppError> {
    Ok(db::all(
        conn,
        "SELECT id, name FROM org_nodes WHERE kind = 'building' AND project_id = $1 ORDER BY id",
        params![project_id],
    )
    .await?)
}
