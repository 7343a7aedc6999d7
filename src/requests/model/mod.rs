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

mod outbound;
mod rates;
mod referral;
mod sla;
#[cfg(test)]
mod tests;

pub use outbound::*;
pub use rates::*;
pub use referral::*;
pub use sla::*;

use chrono::{DateTime, Utc};

crate::coded! {
    pub enum Kind: "request_kind" {
        Repair,
        Complaint,
        Suggestion,
        Inquiry,
        Praise,
    }
}

impl Kind {
    /// The Chinese label (the catalog's `request_kind.<code>`; see `web::labels`).
    pub fn zh(self) -> &'static str {
        crate::web::labels::Labelled::label(self, crate::web::i18n::Lang::Zh)
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s || k.zh() == s)
    }
}

crate::coded! {
    pub enum Channel: "request_channel" {
        ResidentPage,
        StaffPhone,
        StaffWalkIn,
        Supervisor,
        GridMember,
        Open311,
    }
}

impl Channel {
    /// Staff entering it for a resident (the reporter is the household's member, not the caller).
    pub fn on_behalf(self) -> bool {
        matches!(self, Channel::StaffPhone | Channel::StaffWalkIn)
    }
    /// The Chinese label (the catalog's `request_channel.<code>`; see `web::labels`).
    pub fn zh(self) -> &'static str {
        crate::web::labels::Labelled::label(self, crate::web::i18n::Lang::Zh)
    }
}

crate::coded! {
    pub enum State: "request_state" {
        Pending,
        Dispatched,
        InProgress,
        Suspended,
        Escalated,
        AwaitingRating,
        Closed,
        Voided,
    }
}

impl State {
    /// The Chinese label (the catalog's `request_state.<code>`; see `web::labels`).
    pub fn zh(self) -> &'static str {
        crate::web::labels::Labelled::label(self, crate::web::i18n::Lang::Zh)
    }
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
    /// Still someone's work (counts for SLAs and overdue boards).
    pub fn is_open(self) -> bool {
        !matches!(self, State::AwaitingRating | State::Closed | State::Voided)
    }
    /// Its status colour (the stylesheet's `st-*`): waiting for someone, being worked, done, off.
    pub fn tone(self) -> &'static str {
        match self {
            State::Pending | State::Dispatched | State::Suspended => "wait",
            State::InProgress | State::Escalated => "work",
            State::AwaitingRating | State::Closed => "done",
            State::Voided => "off",
        }
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
    /// A cadre or grid member working the request's referral in the government inbox (上报 answered).
    Government,
}

crate::coded! {
    /// Where a request outside the property's remit is sent (上报): the project's community, its street
    /// (both government-side org nodes with their own inbox), or the 12345 hotline.
    pub enum Outside: "referral_target" {
        Community,
        Street,
        Hotline,
    }
}

impl Outside {
    pub fn zh(self) -> &'static str {
        crate::web::labels::Labelled::label(self, crate::web::i18n::Lang::Zh)
    }
    /// The stored code, or the form's `12345` for the hotline.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "12345" => Some(Outside::Hotline),
            s => s.parse().ok(),
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
        (S::Escalated, A::OutsideAnswer { resolved: true, .. }, Dispatcher | Government) => next(S::AwaitingRating),
        (S::Escalated, A::OutsideAnswer { resolved: false, .. }, Dispatcher | Government) => next(S::InProgress),
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
        Actor::Government => "社区/街道",
    }
}
