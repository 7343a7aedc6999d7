//! Time limits: the default categories, deadlines from an SLA, overdue, the escalation ladder and the
//! return visit.

use chrono::{DateTime, Duration, Utc};

use super::State;

/// Categories every project starts with: (name, minutes to respond, hours to complete, handler post).
pub const DEFAULT_CATEGORIES: [(&str, i64, i64, &str); 8] = [
    ("电梯", 15, 4, "工程维修"),
    ("水电", 30, 24, "工程维修"),
    ("公共照明", 60, 48, "工程维修"),
    ("绿化", 120, 72, "绿化"),
    ("保洁", 60, 24, "保洁"),
    ("安防", 15, 4, "秩序维护"),
    ("噪音", 60, 24, "秩序维护"),
    ("市政", 120, 168, "客服管家"),
];

/// A category's service level: minutes to respond (first 接单), hours to complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sla {
    pub respond_minutes: i64,
    pub complete_hours: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    pub respond_by: DateTime<Utc>,
    pub complete_by: DateTime<Utc>,
}

pub fn deadlines(created: DateTime<Utc>, sla: Sla) -> Deadlines {
    Deadlines {
        respond_by: created + Duration::minutes(sla.respond_minutes),
        complete_by: created + Duration::hours(sla.complete_hours),
    }
}

crate::coded! {
    /// Escalation ladder inside the company: handler → project manager → branch company.
    pub enum Level: "request_level" {
        Handler,
        #[strum(serialize = "manager")]
        ProjectManager,
        Branch,
    }
}

impl Level {
    /// The Chinese label (the catalog's `request_level.<code>`; see `web::labels`).
    pub fn zh(self) -> &'static str {
        crate::web::labels::Labelled::label(self, crate::web::i18n::Lang::Zh)
    }
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
    pub fn next(self) -> Option<Level> {
        match self {
            Level::Handler => Some(Level::ProjectManager),
            Level::ProjectManager => Some(Level::Branch),
            Level::Branch => None,
        }
    }
}

/// Is the request overdue at `now`? Suspended time does not count against the completion deadline when
/// the caller passes the suspended duration; responded requests cannot miss the response deadline.
pub fn overdue(
    state: State,
    d: Deadlines,
    responded_at: Option<DateTime<Utc>>,
    suspended_for: Duration,
    now: DateTime<Utc>,
) -> bool {
    if !state.is_open() || state == State::Escalated {
        return false;
    }
    let late_response = responded_at.is_none() && now > d.respond_by;
    let late_completion = now > d.complete_by + suspended_for && state != State::Suspended;
    late_response || late_completion
}

/// The completion deadline after a suspension ends: moved later by the time spent suspended, so the SLA
/// clock does not run while the request waits (挂起). No suspension start (older rows) moves nothing.
pub fn resumed_deadline(
    complete_by: DateTime<Utc>,
    suspended_at: Option<DateTime<Utc>>,
    resumed_at: DateTime<Utc>,
) -> DateTime<Utc> {
    match suspended_at {
        Some(s) if resumed_at > s => complete_by + (resumed_at - s),
        _ => complete_by,
    }
}

/// Is a suspended request due to resume by itself at `now`?
pub fn resume_due(state: State, resume_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    state == State::Suspended && resume_at.is_some_and(|t| t <= now)
}

/// The level an overdue request should be at, one step above `current`, or `None` at the top.
/// The job raises a request by at most one level per overdue period (`period` after the last raise).
pub fn escalate(
    current: Level,
    last_raised: Option<DateTime<Utc>>,
    period: Duration,
    now: DateTime<Utc>,
) -> Option<Level> {
    if last_raised.is_some_and(|t| now - t < period) {
        return None;
    }
    current.next()
}

/// One rung of a project's escalation ladder above the handler: after how many hours it is reached
/// (counted from the deadline missed, or from the rung below), and who is told there — a post of the
/// project (the manager rung: 项目经理 by default), or the branch company's staff (the branch rung).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Rung {
    pub level: Level,
    pub after_hours: i64,
    /// The manager rung's post; ignored on the branch rung.
    pub notify_post: Option<String>,
}

/// The ladder every project has until its staff change it: the project manager at once when a deadline
/// is missed, the branch company `period_hours` later (the behaviour before ladders were configurable).
pub fn default_ladder(period_hours: i64) -> Vec<Rung> {
    vec![
        Rung { level: Level::ProjectManager, after_hours: 0, notify_post: Some("项目经理".into()) },
        Rung { level: Level::Branch, after_hours: period_hours, notify_post: None },
    ]
}

/// A ladder staff may set: rungs in order (manager below branch), each once, 0–720 hours, the manager rung
/// naming one of the staff posts. A project may stop at the manager, or skip it and go to the branch.
pub fn check_ladder(rungs: &[Rung]) -> Result<(), &'static str> {
    if rungs.windows(2).any(|w| w[0].level >= w[1].level) || rungs.iter().any(|r| r.level == Level::Handler) {
        return Err("升级层级应为项目经理、分公司，各一次，由低到高");
    }
    if rungs.iter().any(|r| !(0..=720).contains(&r.after_hours)) {
        return Err("升级时间应为0至720小时");
    }
    if rungs.iter().any(|r| {
        r.level == Level::ProjectManager
            && !r.notify_post.as_deref().is_some_and(|p| crate::auth::model::STAFF_POSTS.contains(&p))
    }) {
        return Err("项目经理一级须选择通知的岗位");
    }
    Ok(())
}

/// The rung an overdue request should climb to now, if any: the first rung above `current`, once
/// `after_hours` have passed since `since` (the last raise, or the deadline it missed).
pub fn next_rung(ladder: &[Rung], current: Level, since: DateTime<Utc>, now: DateTime<Utc>) -> Option<&Rung> {
    let r = ladder.iter().find(|r| r.level > current)?;
    (now - since >= Duration::hours(r.after_hours)).then_some(r)
}

/// When an open request missed its deadline: the response deadline if it was never taken, else the
/// completion deadline (the earlier one passed).
pub fn missed_at(respond_by: DateTime<Utc>, complete_by: DateTime<Utc>, responded: bool) -> DateTime<Utc> {
    if responded { complete_by } else { respond_by.min(complete_by) }
}

/// A finished request waits for the resident's rating; after `days` without one, staff owe a return visit.
pub fn return_visit_due(state: State, completed_at: Option<DateTime<Utc>>, days: i64, now: DateTime<Utc>) -> bool {
    state == State::AwaitingRating && completed_at.is_some_and(|t| now - t >= Duration::days(days))
}
