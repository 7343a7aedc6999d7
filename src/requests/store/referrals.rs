//! SQL for 上报: the referral rows, the government inbox, who on the government side hears of one, and
//! the figures of what was pushed up.

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use crate::requests::model::{Outside, ReferralDeadlines, ReferralState};
use crate::{db, error::AppError, params};

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct ReferralRow {
    pub id: i64,
    pub request_id: i64,
    pub project_id: ProjectId,
    pub project_name: String,
    pub target: Outside,
    /// The community or street it went to (none for the hotline).
    pub node_id: Option<NodeId>,
    pub node_name: Option<String>,
    #[serde(skip)]
    pub node_path: Option<String>,
    /// The hotline's (or the outside system's) ticket number.
    pub outside_ref: Option<String>,
    pub state: ReferralState,
    /// Why the property pushed it up.
    pub reason: String,
    pub sent_at: DateTime<Utc>,
    pub accept_by: DateTime<Utc>,
    pub answer_by: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The government side's last question (询问), shown to the property until answered.
    pub question: Option<String>,
    pub answer: Option<String>,
    pub resolved: Option<bool>,
    /// The request it is about, for the inbox's lines.
    pub category_name: String,
    pub description: String,
    pub location: Option<String>,
    pub request_state: String,
}

impl ReferralRow {
    pub fn deadlines(&self) -> ReferralDeadlines {
        ReferralDeadlines { accept_by: self.accept_by, answer_by: self.answer_by }
    }
}

const SELECT: &str = "SELECT f.id, f.request_id, f.project_id, pr.name AS project_name, f.target, f.node_id, \
    n.name AS node_name, n.path AS node_path, f.outside_ref, f.state, f.reason, f.sent_at, f.accept_by, f.answer_by, \
    f.accepted_at, f.answered_at, f.closed_at, f.question, f.answer, f.resolved, c.name AS category_name, \
    r.description, COALESCE(b.name || u.name || h.room || '室', r.location_text) AS location, \
    r.state AS request_state \
    FROM request_referrals f JOIN requests r ON r.id = f.request_id JOIN org_nodes pr ON pr.id = f.project_id \
    JOIN request_categories c ON c.id = r.category_id LEFT JOIN org_nodes n ON n.id = f.node_id \
    LEFT JOIN households h ON h.node_id = r.household_id LEFT JOIN org_nodes hn ON hn.id = h.node_id \
    LEFT JOIN org_nodes u ON u.id = hn.parent_id LEFT JOIN org_nodes b ON b.id = u.parent_id";

pub struct NewReferral<'a> {
    pub request_id: i64,
    pub project_id: ProjectId,
    pub target: Outside,
    pub node_id: Option<NodeId>,
    pub outside_ref: Option<&'a str>,
    pub reason: &'a str,
    pub sent_by: UserId,
    pub deadlines: ReferralDeadlines,
}

pub async fn insert(conn: &impl ConnectionTrait, n: &NewReferral<'_>, now: DateTime<Utc>) -> Result<i64, AppError> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO request_referrals (request_id, project_id, target, node_id, outside_ref, state, reason, sent_by, sent_at, \
         accept_by, answer_by) VALUES ($1, $2, $3, $4, $5, 'sent', $6, $7, $8, $9, $10) RETURNING id",
        params![
            n.request_id,
            n.project_id,
            n.target.as_str(),
            n.node_id,
            n.outside_ref,
            n.reason,
            n.sent_by,
            now,
            n.deadlines.accept_by,
            n.deadlines.answer_by
        ],
    )
    .await?)
}

pub async fn referral(conn: &impl ConnectionTrait, id: i64) -> Result<Option<ReferralRow>, AppError> {
    Ok(db::one(conn, &format!("{SELECT} WHERE f.id = $1"), params![id]).await?)
}

/// A request's referrals, oldest first (a request may be pushed up again after an answer).
pub async fn for_request(conn: &impl ConnectionTrait, request_id: i64) -> Result<Vec<ReferralRow>, AppError> {
    Ok(db::all(conn, &format!("{SELECT} WHERE f.request_id = $1 ORDER BY f.id"), params![request_id]).await?)
}

/// The change a referral step writes, applied only if the referral is still in `from` (compare-and-set).
pub struct ReferralChange<'a> {
    pub id: i64,
    pub from: ReferralState,
    pub to: ReferralState,
    pub question: Option<&'a str>,
    pub answer: Option<(&'a str, bool)>,
}

pub async fn change(conn: &impl ConnectionTrait, c: &ReferralChange<'_>, now: DateTime<Utc>) -> Result<u64, AppError> {
    let accepted = c.to == ReferralState::Accepted;
    let (answer, resolved) = c.answer.map(|(a, r)| (Some(a), Some(r))).unwrap_or((None, None));
    Ok(db::exec(
        conn,
        "UPDATE request_referrals SET state = $1, \
         accepted_at = CASE WHEN $2 AND accepted_at IS NULL THEN $3 ELSE accepted_at END, \
         question = COALESCE($4, question), \
         answer = COALESCE($5, answer), resolved = COALESCE($6, resolved), \
         answered_at = CASE WHEN $1 = 'answered' THEN $3 ELSE answered_at END, \
         closed_at = CASE WHEN $1 = 'closed' THEN $3 ELSE closed_at END \
         WHERE id = $7 AND state = $8",
        params![c.to.as_str(), accepted, now, c.question, answer, resolved, c.id, c.from.as_str()],
    )
    .await?
    .rows_affected())
}

/// Who sees a referral in the government inbox: cadres whose area holds its node (the community's, or
/// the street's above it), and grid members for the projects of their grids.
#[derive(Debug, Clone, Default)]
pub struct InboxScope {
    pub cadre_paths: Vec<String>,
    pub grid_projects: Vec<ProjectId>,
    /// Property staff: what their projects pushed up (listed, not worked on the government side).
    pub own_projects: Vec<ProjectId>,
}

impl InboxScope {
    pub fn is_empty(&self) -> bool {
        self.cadre_paths.is_empty() && self.grid_projects.is_empty() && self.own_projects.is_empty()
    }
    /// The government side of the inbox query, for one row: may the caller work it as the community,
    /// street or grid?
    pub fn covers(&self, r: &ReferralRow) -> bool {
        r.node_path.as_deref().is_some_and(|p| self.cadre_paths.iter().any(|c| p.starts_with(c.as_str())))
            || (r.node_id.is_some() && self.grid_projects.contains(&r.project_id))
    }
    /// `(… OR …)` over `f`/`n` with parameters from `$start`.
    fn sql(&self, start: usize) -> (String, Vec<sea_orm::Value>) {
        let mut parts = Vec::new();
        let mut values: Vec<sea_orm::Value> = Vec::new();
        for p in &self.cadre_paths {
            parts.push(format!("n.path LIKE ${}", start + values.len()));
            values.push(format!("{p}%").into());
        }
        if !self.grid_projects.is_empty() {
            parts.push(format!(
                "(f.node_id IS NOT NULL AND f.project_id IN ({}))",
                db::placeholders(start + values.len(), self.grid_projects.len())
            ));
            values.extend(self.grid_projects.iter().map(|p| sea_orm::Value::from(*p)));
        }
        if !self.own_projects.is_empty() {
            parts
                .push(format!("f.project_id IN ({})", db::placeholders(start + values.len(), self.own_projects.len())));
            values.extend(self.own_projects.iter().map(|p| sea_orm::Value::from(*p)));
        }
        if parts.is_empty() {
            parts.push("1 = 0".into());
        }
        (format!("({})", parts.join(" OR ")), values)
    }
}

/// Which referrals the inbox lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxFilter {
    /// Waiting for the government side or asked back (not answered yet).
    Open,
    /// Open and past a time limit.
    Overdue,
    /// Answered but not closed.
    Answered,
    /// Everything, newest first.
    All,
}

impl InboxFilter {
    pub fn parse(s: &str) -> Self {
        match s {
            "overdue" => InboxFilter::Overdue,
            "answered" => InboxFilter::Answered,
            "all" => InboxFilter::All,
            _ => InboxFilter::Open,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            InboxFilter::Open => "open",
            InboxFilter::Overdue => "overdue",
            InboxFilter::Answered => "answered",
            InboxFilter::All => "all",
        }
    }
    pub const ALL: [InboxFilter; 4] =
        [InboxFilter::Open, InboxFilter::Overdue, InboxFilter::Answered, InboxFilter::All];
}

/// The user who pushed a referral up (a list: none when that account is gone).
pub async fn sender(conn: &impl ConnectionTrait, id: i64) -> Result<Vec<i64>, AppError> {
    Ok(db::all::<db::IdRow>(
        conn,
        "SELECT u.id FROM request_referrals f JOIN users u ON u.id = f.sent_by WHERE f.id = $1 AND u.is_active = $2",
        params![id, true],
    )
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect())
}

pub async fn inbox(
    conn: &impl ConnectionTrait,
    scope: &InboxScope,
    filter: InboxFilter,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<ReferralRow>, AppError> {
    let (cond, mut values) = scope.sql(1);
    let k = values.len();
    let extra = match filter {
        InboxFilter::Open => "AND f.state IN ('sent', 'accepted', 'asked_back')".to_string(),
        InboxFilter::Overdue => format!(
            "AND ((f.state IN ('sent', 'accepted') AND f.answer_by < ${a}) OR (f.state = 'sent' AND f.accept_by < ${a}))",
            a = k + 1
        ),
        InboxFilter::Answered => "AND f.state = 'answered'".to_string(),
        InboxFilter::All => String::new(),
    };
    if filter == InboxFilter::Overdue {
        values.push(now.into());
    }
    let sql = format!("{SELECT} WHERE {cond} {extra} ORDER BY f.sent_at DESC, f.id DESC LIMIT {limit}");
    Ok(db::all(conn, &sql, values).await?)
}

/// Users on the government side who hear of a new referral to `node`: its cadres, and grid members of
/// grids under it whose households include the project's.
pub async fn node_users(
    conn: &impl ConnectionTrait,
    node: NodeId,
    project: ProjectId,
    today: chrono::NaiveDate,
) -> Result<Vec<i64>, AppError> {
    Ok(db::all::<db::IdRow>(
        conn,
        "SELECT DISTINCT u.id FROM role_assignments ra JOIN users u ON u.person_id = ra.person_id \
         JOIN org_nodes g ON g.id = ra.node_id JOIN org_nodes t ON t.id = $1 \
         WHERE u.is_active = $3 AND (ra.until IS NULL OR ra.until >= $4) AND ( \
           (ra.role = 'cadre' AND ra.node_id = $1) \
           OR (ra.role = 'grid_member' AND g.path LIKE t.path || '%' AND EXISTS ( \
               SELECT 1 FROM households h JOIN org_nodes mg ON mg.id = h.microgrid_id \
               WHERE h.project_id = $2 AND mg.path LIKE g.path || '%'))) ORDER BY u.id",
        params![node, project, true, today],
    )
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect())
}

/// What was pushed up from these projects in `[from, to)`, for the figures.
#[derive(Debug, Clone, Default, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct ReferralFigures {
    /// Pushed up in the period.
    pub sent: i64,
    /// Of those, answered (by now).
    pub answered: i64,
    /// Of those, answered as resolved.
    pub resolved: i64,
    /// Still open and past a time limit, now.
    pub overdue: i64,
    /// Mean hours from push-up to answer, over the answered ones.
    pub mean_hours_to_answer: Option<f64>,
}

#[derive(FromQueryResult)]
struct SentRow {
    sent_at: DateTime<Utc>,
    answered_at: Option<DateTime<Utc>>,
    resolved: Option<bool>,
    state: ReferralState,
    accept_by: DateTime<Utc>,
    answer_by: DateTime<Utc>,
}

pub async fn figures(
    conn: &impl ConnectionTrait,
    projects: &[ProjectId],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<ReferralFigures, AppError> {
    if projects.is_empty() {
        return Ok(ReferralFigures::default());
    }
    let sql = format!(
        "SELECT sent_at, answered_at, resolved, state, accept_by, answer_by FROM request_referrals \
         WHERE project_id IN ({}) AND sent_at >= $1 AND sent_at < $2",
        db::placeholders(3, projects.len())
    );
    let mut values = params![from, to];
    values.extend(projects.iter().map(|p| sea_orm::Value::from(*p)));
    let rows: Vec<SentRow> = db::all(conn, &sql, values).await?;
    let answered: Vec<f64> =
        rows.iter().filter_map(|r| r.answered_at.map(|a| (a - r.sent_at).num_minutes() as f64 / 60.0)).collect();
    Ok(ReferralFigures {
        sent: rows.len() as i64,
        answered: answered.len() as i64,
        resolved: rows.iter().filter(|r| r.resolved == Some(true)).count() as i64,
        overdue: rows
            .iter()
            .filter(|r| {
                let d = ReferralDeadlines { accept_by: r.accept_by, answer_by: r.answer_by };
                crate::requests::model::referral_overdue(r.state, d, now).is_some()
            })
            .count() as i64,
        mean_hours_to_answer: (!answered.is_empty()).then(|| answered.iter().sum::<f64>() / answered.len() as f64),
    })
}
