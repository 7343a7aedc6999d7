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

/// A finished request waits for the resident's rating; after `days` without one, staff owe a return visit.
pub fn return_visit_due(state: State, completed_at: Option<DateTime<Utc>>, days: i64, now: DateTime<Utc>) -> bool {
    state == State::AwaitingRating && completed_at.is_some_and(|t| now - t >= Duration::days(days))
}
