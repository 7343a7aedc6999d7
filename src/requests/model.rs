//! The closed loop of a resident request as plain types and functions, no I/O.
//!
//! ```text
//! 待受理 ──派单──▶ 已派单 ──接单──▶ 处理中 ──完成──▶ 待评价 ──评价(3–5)──▶ 已办结
//!   │  ▲            │  ▲  转单(留在已派单)   │  ▲   │             │ 评价(1–2) / 重新打开
//!   │  └────退单────┘  └──────退单──────────┘  │   └─挂起⇄恢复    ▼
//!   ├──上报(社区/街道/12345)──▶ 已上报 ──外部答复──▶ 待评价 / 处理中      处理中
//!   └──作废──▶ 已作废                       已办结 ──重新打开──▶ 处理中
//! ```
//! 催办 (a chase) is recorded in any open state without changing it. Every transition names who may make
//! it; anything else is refused with a stable error code.

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Repair,
    Complaint,
    Suggestion,
    Inquiry,
    Praise,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Repair, Kind::Complaint, Kind::Suggestion, Kind::Inquiry, Kind::Praise];
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Repair => "repair",
            Kind::Complaint => "complaint",
            Kind::Suggestion => "suggestion",
            Kind::Inquiry => "inquiry",
            Kind::Praise => "praise",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Kind::Repair => "报事报修",
            Kind::Complaint => "投诉",
            Kind::Suggestion => "建议",
            Kind::Inquiry => "咨询",
            Kind::Praise => "表扬",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s || k.zh() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    ResidentPage,
    StaffPhone,
    StaffWalkIn,
    Supervisor,
    GridMember,
    Open311,
}

impl Channel {
    /// Staff entering it for a resident (the reporter is the household's member, not the caller).
    pub fn on_behalf(self) -> bool {
        matches!(self, Channel::StaffPhone | Channel::StaffWalkIn)
    }
    pub const ALL: [Channel; 6] = [
        Channel::ResidentPage,
        Channel::StaffPhone,
        Channel::StaffWalkIn,
        Channel::Supervisor,
        Channel::GridMember,
        Channel::Open311,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::ResidentPage => "resident_page",
            Channel::StaffPhone => "staff_phone",
            Channel::StaffWalkIn => "staff_walk_in",
            Channel::Supervisor => "supervisor",
            Channel::GridMember => "grid_member",
            Channel::Open311 => "open311",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Channel::ResidentPage => "业主手机端",
            Channel::StaffPhone => "电话代报",
            Channel::StaffWalkIn => "来访代报",
            Channel::Supervisor => "质量监督员",
            Channel::GridMember => "网格员",
            Channel::Open311 => "Open311",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    Pending,
    Dispatched,
    InProgress,
    Suspended,
    Escalated,
    AwaitingRating,
    Closed,
    Voided,
}

impl State {
    pub const ALL: [State; 8] = [
        State::Pending,
        State::Dispatched,
        State::InProgress,
        State::Suspended,
        State::Escalated,
        State::AwaitingRating,
        State::Closed,
        State::Voided,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Dispatched => "dispatched",
            State::InProgress => "in_progress",
            State::Suspended => "suspended",
            State::Escalated => "escalated",
            State::AwaitingRating => "awaiting_rating",
            State::Closed => "closed",
            State::Voided => "voided",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            State::Pending => "待受理",
            State::Dispatched => "已派单",
            State::InProgress => "处理中",
            State::Suspended => "挂起",
            State::Escalated => "已上报",
            State::AwaitingRating => "待评价",
            State::Closed => "已办结",
            State::Voided => "已作废",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// Still someone's work (counts for SLAs and overdue boards).
    pub fn is_open(self) -> bool {
        !matches!(self, State::AwaitingRating | State::Closed | State::Voided)
    }
    /// Open311 `status`: open or closed.
    pub fn open311_status(self) -> &'static str {
        if matches!(self, State::Closed | State::Voided) { "closed" } else { "open" }
    }
}

/// Who is acting, relative to this request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The resident who reported it.
    Reporter,
    /// The person it is assigned to.
    Handler,
    /// Project staff who dispatch (客服, 项目经理).
    Dispatcher,
    /// The background SLA job.
    System,
}

/// Where a request outside the property's remit is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outside {
    Community,
    Street,
    Hotline12345,
}

impl Outside {
    pub fn zh(self) -> &'static str {
        match self {
            Outside::Community => "社区",
            Outside::Street => "街道",
            Outside::Hotline12345 => "12345热线",
        }
    }
}

/// A rating in three parts, each 1–5 (响应速度, 处理质量, 服务态度).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rating {
    pub speed: u8,
    pub quality: u8,
    pub attitude: u8,
}

impl Rating {
    pub fn new(speed: u8, quality: u8, attitude: u8) -> Result<Self, TransitionError> {
        if [speed, quality, attitude].iter().all(|v| (1..=5).contains(v)) {
            Ok(Self { speed, quality, attitude })
        } else {
            Err(TransitionError::new("invalid_rating", "评分须为1至5分"))
        }
    }
    /// The overall score: the rounded mean of the three parts.
    pub fn overall(self) -> u8 {
        ((self.speed as u16 + self.quality as u16 + self.attitude as u16) as f64 / 3.0).round() as u8
    }
    /// 1–2 overall is a bad rating: the request goes back to handling and the manager visits again.
    pub fn is_bad(self) -> bool {
        self.overall() <= 2
    }
    /// 4–5 overall counts as satisfied for the 满意率.
    pub fn is_satisfied(self) -> bool {
        self.overall() >= 4
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// 派单: assign to a handler.
    Dispatch,
    /// 接单: the handler starts.
    Accept,
    /// 退单: the handler gives it back, with a reason.
    Return { reason: String },
    /// 转单: to another post or person, with a reason; stays 已派单 for the new handler.
    Transfer { reason: String },
    /// 挂起: waiting (for parts…), with a reason and when to resume.
    Suspend { reason: String, resume_at: DateTime<Utc> },
    /// 恢复.
    Resume,
    /// 上报: outside the property's remit.
    EscalateOutside { to: Outside, reason: String },
    /// The outside body's answer; `resolved` sends it to rating, otherwise back to handling.
    OutsideAnswer { note: String, resolved: bool },
    /// 完成.
    Complete { note: String },
    /// 催办: recorded, no state change.
    Chase,
    /// 重新打开: "not fixed" — back to handling, never silently closed.
    Reopen { reason: String },
    /// 评价.
    Rate(Rating),
    /// 回访 by staff when the resident did not rate within N days: closes it.
    ReturnVisit { note: String },
    /// 作废: duplicate or spam, with a reason.
    Void { reason: String },
    /// 二次回访: the project manager's visit after a bad rating; recorded, no state change. The caller
    /// checks that one is due.
    ManagerVisit { note: String },
}

impl Action {
    pub fn code(&self) -> &'static str {
        match self {
            Action::Dispatch => "dispatch",
            Action::Accept => "accept",
            Action::Return { .. } => "return",
            Action::Transfer { .. } => "transfer",
            Action::Suspend { .. } => "suspend",
            Action::Resume => "resume",
            Action::EscalateOutside { .. } => "escalate_outside",
            Action::OutsideAnswer { .. } => "outside_answer",
            Action::Complete { .. } => "complete",
            Action::Chase => "chase",
            Action::Reopen { .. } => "reopen",
            Action::Rate(_) => "rate",
            Action::ReturnVisit { .. } => "return_visit",
            Action::Void { .. } => "void",
            Action::ManagerVisit { .. } => "manager_visit",
        }
    }
    fn reason(&self) -> Option<&str> {
        match self {
            Action::Return { reason }
            | Action::Transfer { reason }
            | Action::Suspend { reason, .. }
            | Action::EscalateOutside { reason, .. }
            | Action::Reopen { reason }
            | Action::Void { reason }
            | Action::ManagerVisit { note: reason } => Some(reason),
            Action::OutsideAnswer { note, .. } | Action::Complete { note } | Action::ReturnVisit { note } => Some(note),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionError {
    pub code: &'static str,
    pub zh: String,
}

impl TransitionError {
    fn new(code: &'static str, zh: impl Into<String>) -> Self {
        Self { code, zh: zh.into() }
    }
}

/// What a transition leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub state: State,
    /// A bad rating also asks the project manager for a second return visit.
    pub second_visit: bool,
}

/// Apply `action` by `actor` to a request in `state` at `now`. Pure: the caller records the event.
pub fn transition(state: State, action: &Action, actor: Actor, now: DateTime<Utc>) -> Result<Outcome, TransitionError> {
    use Action as A;
    use Actor::*;
    use State as S;
    if let Some(r) = action.reason()
        && r.trim().is_empty()
        && !matches!(action, A::Complete { .. } | A::ReturnVisit { .. })
    {
        return Err(TransitionError::new("reason_required", "请填写原因"));
    }
    if let A::Suspend { resume_at, .. } = action
        && *resume_at <= now
    {
        return Err(TransitionError::new("invalid_resume_time", "恢复时间须晚于现在"));
    }
    let next = |s| Ok(Outcome { state: s, second_visit: false });
    match (state, action, actor) {
        (S::Pending, A::Dispatch, Dispatcher) => next(S::Dispatched),
        (S::Dispatched, A::Accept, Handler) => next(S::InProgress),
        (S::Dispatched | S::InProgress, A::Return { .. }, Handler) => next(S::Pending),
        (S::Dispatched | S::InProgress, A::Transfer { .. }, Handler | Dispatcher) => next(S::Dispatched),
        (S::InProgress, A::Suspend { .. }, Handler) => next(S::Suspended),
        (S::Suspended, A::Resume, Handler | Dispatcher | System) => next(S::InProgress),
        (S::Pending | S::Dispatched | S::InProgress, A::EscalateOutside { .. }, Dispatcher) => next(S::Escalated),
        (S::Escalated, A::OutsideAnswer { resolved: true, .. }, Dispatcher) => next(S::AwaitingRating),
        (S::Escalated, A::OutsideAnswer { resolved: false, .. }, Dispatcher) => next(S::InProgress),
        (S::InProgress, A::Complete { .. }, Handler | Dispatcher) => next(S::AwaitingRating),
        (s, A::Chase, Reporter) if s.is_open() => next(s),
        (S::AwaitingRating | S::Closed, A::Reopen { .. }, Reporter) => next(S::InProgress),
        (S::AwaitingRating, A::Rate(r), Reporter) => {
            if r.is_bad() {
                Ok(Outcome { state: S::InProgress, second_visit: true })
            } else {
                next(S::Closed)
            }
        }
        (S::AwaitingRating, A::ReturnVisit { .. }, Dispatcher) => next(S::Closed),
        (S::Pending | S::Dispatched, A::Void { .. }, Dispatcher) => next(S::Voided),
        (s, A::ManagerVisit { .. }, Dispatcher) if s != S::Voided => next(s),
        (s, a, who) => Err(TransitionError::new(
            "illegal_transition",
            format!("当前状态「{}」下，{}不能执行此操作（{}）", s.zh(), actor_zh(who), a.code()),
        )),
    }
}

fn actor_zh(a: Actor) -> &'static str {
    match a {
        Actor::Reporter => "报事人",
        Actor::Handler => "处理人",
        Actor::Dispatcher => "物业客服",
        Actor::System => "系统",
    }
}

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

/// Escalation ladder inside the company: handler → project manager → branch company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Handler,
    ProjectManager,
    Branch,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Handler => "handler",
            Level::ProjectManager => "manager",
            Level::Branch => "branch",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Level::Handler => "处理人",
            Level::ProjectManager => "项目经理",
            Level::Branch => "分公司",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Level::Handler, Level::ProjectManager, Level::Branch].into_iter().find(|l| l.as_str() == s)
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

/// One request's facts for the monthly figures.
#[derive(Debug, Clone, Copy)]
pub struct MonthFacts {
    pub responded_in_time: bool,
    pub closed: bool,
    pub rating: Option<Rating>,
}

/// 三率 in per-mille (‰), so they are exact integers: 响应率, 办结率, 满意率.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ThreeRates {
    pub total: usize,
    pub response_permille: u32,
    pub closure_permille: u32,
    pub satisfaction_permille: u32,
    pub rated: usize,
}

/// What the 三率 are computed from: counts, so the database can produce them with one aggregate query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MonthCounts {
    pub total: usize,
    pub responded_in_time: usize,
    pub closed: usize,
    pub rated: usize,
    pub satisfied: usize,
}

impl MonthCounts {
    pub fn of(facts: &[MonthFacts]) -> Self {
        let rated: Vec<Rating> = facts.iter().filter_map(|f| f.rating).collect();
        Self {
            total: facts.len(),
            responded_in_time: facts.iter().filter(|f| f.responded_in_time).count(),
            closed: facts.iter().filter(|f| f.closed).count(),
            rated: rated.len(),
            satisfied: rated.iter().filter(|r| r.is_satisfied()).count(),
        }
    }
}

/// The whole project's counts are the sum of its categories'.
impl std::iter::Sum for MonthCounts {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::default(), |a, c| Self {
            total: a.total + c.total,
            responded_in_time: a.responded_in_time + c.responded_in_time,
            closed: a.closed + c.closed,
            rated: a.rated + c.rated,
            satisfied: a.satisfied + c.satisfied,
        })
    }
}

/// The sum of the three parts at or above which a rating counts as satisfied (`overall() >= 4`): the
/// rounded mean reaches 4 exactly when the sum reaches 11. SQL uses it; a test checks it against
/// `Rating::is_satisfied` for every rating.
pub const SATISFIED_SUM: u8 = 11;

pub fn three_rates_from(c: MonthCounts) -> ThreeRates {
    let permille = |n: usize, d: usize| (n * 1000 + d / 2).checked_div(d).unwrap_or(0) as u32;
    ThreeRates {
        total: c.total,
        response_permille: permille(c.responded_in_time, c.total),
        closure_permille: permille(c.closed, c.total),
        satisfaction_permille: permille(c.satisfied, c.rated),
        rated: c.rated,
    }
}

pub fn three_rates(facts: &[MonthFacts]) -> ThreeRates {
    three_rates_from(MonthCounts::of(facts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 2, 0, 0).unwrap()
    }
    fn reason() -> String {
        "配件未到".into()
    }

    fn all_actions() -> Vec<Action> {
        vec![
            Action::Dispatch,
            Action::Accept,
            Action::Return { reason: reason() },
            Action::Transfer { reason: reason() },
            Action::Suspend { reason: reason(), resume_at: t0() + Duration::days(1) },
            Action::Resume,
            Action::EscalateOutside { to: Outside::Hotline12345, reason: "市政路灯".into() },
            Action::OutsideAnswer { note: "已修复".into(), resolved: true },
            Action::OutsideAnswer { note: "未处理".into(), resolved: false },
            Action::Complete { note: "已更换灯泡".into() },
            Action::Chase,
            Action::Reopen { reason: "还是不亮".into() },
            Action::Rate(Rating::new(5, 5, 5).unwrap()),
            Action::Rate(Rating::new(1, 2, 1).unwrap()),
            Action::ReturnVisit { note: "电话回访".into() },
            Action::Void { reason: "重复报事".into() },
            Action::ManagerVisit { note: "经理上门".into() },
        ]
    }
    const ACTORS: [Actor; 4] = [Actor::Reporter, Actor::Handler, Actor::Dispatcher, Actor::System];

    #[test]
    fn the_main_path_runs_from_report_to_closed() {
        let mut s = State::Pending;
        for (a, who) in [
            (Action::Dispatch, Actor::Dispatcher),
            (Action::Accept, Actor::Handler),
            (Action::Complete { note: "修好了".into() }, Actor::Handler),
            (Action::Rate(Rating::new(5, 4, 5).unwrap()), Actor::Reporter),
        ] {
            s = transition(s, &a, who, t0()).unwrap().state;
        }
        assert_eq!(s, State::Closed);
    }

    #[test]
    fn a_one_star_rating_reopens_and_asks_for_a_second_visit() {
        let o = transition(State::AwaitingRating, &Action::Rate(Rating::new(1, 1, 2).unwrap()), Actor::Reporter, t0())
            .unwrap();
        assert_eq!(o, Outcome { state: State::InProgress, second_visit: true });
        let o = transition(State::AwaitingRating, &Action::Rate(Rating::new(3, 3, 3).unwrap()), Actor::Reporter, t0())
            .unwrap();
        assert_eq!(o.state, State::Closed);
    }

    #[test]
    fn not_fixed_goes_back_to_handling_even_after_closing() {
        for s in [State::AwaitingRating, State::Closed] {
            let o = transition(s, &Action::Reopen { reason: "还在漏水".into() }, Actor::Reporter, t0()).unwrap();
            assert_eq!(o.state, State::InProgress);
        }
        assert!(transition(State::Closed, &Action::Reopen { reason: "x".into() }, Actor::Handler, t0()).is_err());
    }

    #[test]
    fn outside_matters_wait_for_the_outside_answer() {
        let s = transition(
            State::Pending,
            &Action::EscalateOutside { to: Outside::Community, reason: "园区外市政路灯".into() },
            Actor::Dispatcher,
            t0(),
        )
        .unwrap()
        .state;
        assert_eq!(s, State::Escalated);
        assert!(transition(s, &Action::Complete { note: String::new() }, Actor::Handler, t0()).is_err());
        let done = Action::OutsideAnswer { note: "社区已修复".into(), resolved: true };
        assert_eq!(transition(s, &done, Actor::Dispatcher, t0()).unwrap().state, State::AwaitingRating);
    }

    #[test]
    fn reasons_and_sensible_resume_times_are_required() {
        let e =
            transition(State::InProgress, &Action::Return { reason: "  ".into() }, Actor::Handler, t0()).unwrap_err();
        assert_eq!(e.code, "reason_required");
        let e =
            transition(State::InProgress, &Action::Suspend { reason: reason(), resume_at: t0() }, Actor::Handler, t0())
                .unwrap_err();
        assert_eq!(e.code, "invalid_resume_time");
        assert_eq!(Rating::new(0, 3, 3).unwrap_err().code, "invalid_rating");
        assert_eq!(Rating::new(3, 6, 3).unwrap_err().code, "invalid_rating");
    }

    #[test]
    fn a_chase_changes_nothing_and_only_while_open() {
        for s in State::ALL {
            let r = transition(s, &Action::Chase, Actor::Reporter, t0());
            assert_eq!(r.is_ok(), s.is_open(), "{s:?}");
            if let Ok(o) = r {
                assert_eq!(o.state, s);
            }
        }
    }

    #[test]
    fn illegal_transitions_name_the_state_in_chinese() {
        let e = transition(State::Closed, &Action::Dispatch, Actor::Dispatcher, t0()).unwrap_err();
        assert_eq!(e.code, "illegal_transition");
        assert!(e.zh.contains("已办结"));
    }

    #[test]
    fn the_transition_table_is_exactly_the_documented_one() {
        // Every (state, action, actor) triple the machine allows, written out: a change to the table must
        // change this list.
        use Actor::*;
        use State::*;
        let expected: std::collections::BTreeSet<(&str, &str, &str)> = [
            (Pending, "dispatch", Dispatcher),
            (Pending, "escalate_outside", Dispatcher),
            (Pending, "void", Dispatcher),
            (Pending, "chase", Reporter),
            (Dispatched, "accept", Handler),
            (Dispatched, "return", Handler),
            (Dispatched, "transfer", Handler),
            (Dispatched, "transfer", Dispatcher),
            (Dispatched, "escalate_outside", Dispatcher),
            (Dispatched, "void", Dispatcher),
            (Dispatched, "chase", Reporter),
            (InProgress, "return", Handler),
            (InProgress, "transfer", Handler),
            (InProgress, "transfer", Dispatcher),
            (InProgress, "suspend", Handler),
            (InProgress, "escalate_outside", Dispatcher),
            (InProgress, "complete", Handler),
            (InProgress, "complete", Dispatcher),
            (InProgress, "chase", Reporter),
            (Suspended, "resume", Handler),
            (Suspended, "resume", Dispatcher),
            (Suspended, "resume", System),
            (Suspended, "chase", Reporter),
            (Escalated, "outside_answer", Dispatcher),
            (Escalated, "chase", Reporter),
            (AwaitingRating, "reopen", Reporter),
            (AwaitingRating, "rate", Reporter),
            (AwaitingRating, "return_visit", Dispatcher),
            (Closed, "reopen", Reporter),
        ]
        .into_iter()
        .chain(
            [Pending, Dispatched, InProgress, Suspended, Escalated, AwaitingRating, Closed]
                .map(|s| (s, "manager_visit", Dispatcher)),
        )
        .map(|(s, a, who)| (s.as_str(), a, actor_zh(who)))
        .collect();
        let mut actual = std::collections::BTreeSet::new();
        for s in State::ALL {
            for a in all_actions() {
                for who in ACTORS {
                    if transition(s, &a, who, t0()).is_ok() {
                        actual.insert((s.as_str(), a.code(), actor_zh(who)));
                    }
                }
            }
        }
        assert_eq!(actual, expected);
        // Nothing leaves a voided request.
        for a in all_actions() {
            for who in ACTORS {
                assert!(transition(State::Voided, &a, who, t0()).is_err());
            }
        }
    }

    #[test]
    fn overdue_counts_response_and_completion_but_not_outside_or_finished_work() {
        let d = deadlines(t0(), Sla { respond_minutes: 30, complete_hours: 24 });
        assert!(!overdue(State::Pending, d, None, Duration::zero(), t0() + Duration::minutes(29)));
        assert!(overdue(State::Pending, d, None, Duration::zero(), t0() + Duration::minutes(31)));
        assert!(!overdue(State::InProgress, d, Some(t0()), Duration::zero(), t0() + Duration::hours(23)));
        assert!(overdue(State::InProgress, d, Some(t0()), Duration::zero(), t0() + Duration::hours(25)));
        assert!(!overdue(State::InProgress, d, Some(t0()), Duration::hours(3), t0() + Duration::hours(25)));
        assert!(!overdue(State::Escalated, d, None, Duration::zero(), t0() + Duration::days(9)));
        assert!(!overdue(State::AwaitingRating, d, Some(t0()), Duration::zero(), t0() + Duration::days(9)));
    }

    #[test]
    fn a_return_visit_is_due_only_for_unrated_finished_requests_after_n_days() {
        let done = Some(t0());
        assert!(!return_visit_due(State::AwaitingRating, done, 3, t0() + Duration::days(2)));
        assert!(return_visit_due(State::AwaitingRating, done, 3, t0() + Duration::days(3)));
        assert!(!return_visit_due(State::Closed, done, 3, t0() + Duration::days(9)));
        assert!(!return_visit_due(State::AwaitingRating, None, 3, t0() + Duration::days(9)));
    }

    #[test]
    fn escalation_climbs_one_level_per_period_and_stops_at_the_branch() {
        let p = Duration::hours(4);
        assert_eq!(escalate(Level::Handler, None, p, t0()), Some(Level::ProjectManager));
        assert_eq!(escalate(Level::ProjectManager, Some(t0()), p, t0() + Duration::hours(1)), None);
        assert_eq!(escalate(Level::ProjectManager, Some(t0()), p, t0() + Duration::hours(5)), Some(Level::Branch));
        assert_eq!(escalate(Level::Branch, None, p, t0()), None);
    }

    #[test]
    fn three_rates_are_exact_per_mille() {
        let f = |r: bool, c: bool, s: Option<(u8, u8, u8)>| MonthFacts {
            responded_in_time: r,
            closed: c,
            rating: s.map(|(a, b, c)| Rating::new(a, b, c).unwrap()),
        };
        let rates =
            three_rates(&[f(true, true, Some((5, 5, 5))), f(true, false, None), f(false, true, Some((2, 2, 2)))]);
        assert_eq!(rates.total, 3);
        assert_eq!(rates.response_permille, 667);
        assert_eq!(rates.closure_permille, 667);
        assert_eq!(rates.satisfaction_permille, 500);
        assert_eq!(three_rates(&[]), ThreeRates::default());
    }

    #[test]
    fn the_satisfied_sum_matches_the_rounded_mean_for_every_rating() {
        for a in 1..=5 {
            for b in 1..=5 {
                for c in 1..=5 {
                    let r = Rating::new(a, b, c).unwrap();
                    assert_eq!(r.is_satisfied(), a + b + c >= SATISFIED_SUM, "{r:?}");
                }
            }
        }
    }

    fn arb_action() -> impl Strategy<Value = Action> {
        (0..all_actions().len()).prop_map(|i| all_actions()[i].clone())
    }
    fn arb_actor() -> impl Strategy<Value = Actor> {
        prop::sample::select(ACTORS.to_vec())
    }

    proptest! {
        /// Any sequence of attempted actions keeps the request in a known state; a request is only ever
        /// closed through a rating of 3+ or a staff return visit, never silently.
        #[test]
        fn random_walks_never_close_silently(steps in prop::collection::vec((arb_action(), arb_actor()), 0..40)) {
            let mut s = State::Pending;
            for (a, who) in steps {
                match transition(s, &a, who, t0()) {
                    Ok(o) => {
                        if o.state == State::Closed && s != State::Closed {
                            let by_rating = matches!(&a, Action::Rate(r) if !r.is_bad());
                            prop_assert!(by_rating || matches!(a, Action::ReturnVisit { .. }), "closed by {:?}", a);
                        }
                        if matches!(a, Action::Chase) {
                            prop_assert_eq!(o.state, s);
                        }
                        s = o.state;
                    }
                    Err(e) => prop_assert!(matches!(e.code, "illegal_transition" | "reason_required" | "invalid_resume_time")),
                }
            }
        }

        #[test]
        fn the_overall_rating_stays_within_its_parts(a in 1u8..=5, b in 1u8..=5, c in 1u8..=5) {
            let r = Rating::new(a, b, c).unwrap();
            prop_assert!(r.overall() >= a.min(b).min(c) && r.overall() <= a.max(b).max(c));
            prop_assert!(!(r.is_bad() && r.is_satisfied()));
        }
    }
}
