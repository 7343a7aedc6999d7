//! 上报 on the government side: a request pushed up to a community or street (or the 12345 hotline) is a
//! referral with its own small state machine and time limits, worked in the government inbox.
//!
//! ```text
//! 已上报 ──受理──▶ 已受理 ──答复──▶ 已答复 ──办结──▶ 已办结
//!   │  └──────────────────答复──────▲
//!   └─┬──询问(退回补充)──▶ 待补充 ──物业补充──▶ 已上报 / 已受理 (where it was)
//!     └ 已受理 also may ask back
//! ```
//! Only the government side (the node's cadres, the grid members of its grids) accepts, asks back, answers
//! and closes; the property side answers a question and may record an answer it got another way (a
//! phone call, the hotline). The answer decides the request itself: resolved → 待评价, otherwise back to
//! the property's handling (`Action::OutsideAnswer`).

use chrono::{DateTime, Duration, Utc};

use super::{Outside, TransitionError};

crate::coded! {
    pub enum ReferralState: "referral_state" {
        Sent,
        Accepted,
        AskedBack,
        Answered,
        Closed,
    }
}

impl ReferralState {
    /// Still waiting for the government side's answer.
    pub fn is_open(self) -> bool {
        matches!(self, ReferralState::Sent | ReferralState::Accepted | ReferralState::AskedBack)
    }
}

/// Which side of the referral is acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// A cadre of the node (or above it), or a grid member of the request's grid.
    Government,
    /// The project's staff who pushed it up.
    Property,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReferralAction {
    /// 受理.
    Accept,
    /// 询问 / 退回补充: the government side needs more from the property (the ball goes back to them).
    AskBack { question: String },
    /// 补充说明: the property side answers the question.
    Reply { text: String },
    /// 答复: what was done; `resolved` ends the request's outside part.
    Answer { text: String, resolved: bool },
    /// 办结: the government side closes its part after answering.
    Close,
}

impl ReferralAction {
    pub fn code(&self) -> &'static str {
        match self {
            ReferralAction::Accept => "referral_accept",
            ReferralAction::AskBack { .. } => "referral_ask",
            ReferralAction::Reply { .. } => "referral_reply",
            ReferralAction::Answer { .. } => "referral_answer",
            ReferralAction::Close => "referral_close",
        }
    }
    /// Every action's code, for the catalog and the forms.
    pub const CODES: [&'static str; 5] =
        ["referral_accept", "referral_ask", "referral_reply", "referral_answer", "referral_close"];
    fn text(&self) -> Option<&str> {
        match self {
            ReferralAction::AskBack { question: t } | ReferralAction::Reply { text: t } => Some(t),
            ReferralAction::Answer { text, .. } => Some(text),
            _ => None,
        }
    }
}

/// Apply `action` by `side` to a referral in `state`; `accepted` says whether it had been accepted before
/// (a reply to a question goes back to where it was). Pure.
pub fn referral_transition(
    state: ReferralState,
    action: &ReferralAction,
    side: Side,
    accepted: bool,
) -> Result<ReferralState, TransitionError> {
    use ReferralAction as A;
    use ReferralState as S;
    use Side::*;
    if action.text().is_some_and(|t| t.trim().is_empty()) {
        return Err(TransitionError::new("reason_required", "请填写说明"));
    }
    match (state, action, side) {
        (S::Sent, A::Accept, Government) => Ok(S::Accepted),
        (S::Sent | S::Accepted, A::AskBack { .. }, Government) => Ok(S::AskedBack),
        (S::AskedBack, A::Reply { .. }, Property) => Ok(if accepted { S::Accepted } else { S::Sent }),
        (S::Sent | S::Accepted, A::Answer { .. }, Government) => Ok(S::Answered),
        // The property records an answer it got outside the system (the hotline, a phone call).
        (S::Sent | S::Accepted | S::AskedBack, A::Answer { .. }, Property) => Ok(S::Answered),
        (S::Answered, A::Close, Government) => Ok(S::Closed),
        (s, a, who) => Err(TransitionError::new(
            "illegal_transition",
            format!(
                "上报当前状态「{}」下，{}不能执行此操作（{}）",
                s.label(crate::web::i18n::Lang::Zh),
                if who == Government { "社区/街道" } else { "物业" },
                a.code()
            ),
        )),
    }
}

/// The government side's time limits, set when the referral is sent (a later change of rule does not
/// move the limits of what is already on someone's desk).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferralLimits {
    pub accept_hours: i64,
    pub answer_days: i64,
}

/// 受理 within one working day; 答复 within five days (a community) or ten (a street, which coordinates
/// departments) — the common 12345 practice; the hotline's own limits apply on its side.
pub fn referral_limits(target: Outside) -> ReferralLimits {
    match target {
        Outside::Community | Outside::Hotline => ReferralLimits { accept_hours: 24, answer_days: 5 },
        Outside::Street => ReferralLimits { accept_hours: 24, answer_days: 10 },
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferralDeadlines {
    pub accept_by: DateTime<Utc>,
    pub answer_by: DateTime<Utc>,
}

pub fn referral_deadlines(sent_at: DateTime<Utc>, l: ReferralLimits) -> ReferralDeadlines {
    ReferralDeadlines {
        accept_by: sent_at + Duration::hours(l.accept_hours),
        answer_by: sent_at + Duration::days(l.answer_days),
    }
}

/// What the government side is late with, if anything: not accepted in time, or not answered in time.
/// While it is asked back the ball is with the property, so nothing is the government's lateness.
pub fn referral_overdue(state: ReferralState, d: ReferralDeadlines, now: DateTime<Utc>) -> Option<&'static str> {
    match state {
        ReferralState::Sent | ReferralState::Accepted if now > d.answer_by => Some("answer"),
        ReferralState::Sent if now > d.accept_by => Some("accept"),
        _ => None,
    }
}

/// Timeline steps a resident does not see at all (the exchange between the property and the government
/// side), and steps whose note stays internal (handover reasons). Everything else — including the
/// government side's answer — is shown to the reporter.
pub fn hidden_from_reporter(action: &str) -> bool {
    matches!(action, "referral_ask" | "referral_reply" | "manager_visit")
}

pub fn note_internal(action: &str) -> bool {
    matches!(action, "return" | "transfer" | "void" | "escalate_outside" | "referral_accept" | "referral_close")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 2, 0, 0).unwrap()
    }
    fn answer(resolved: bool) -> ReferralAction {
        ReferralAction::Answer { text: "已联系市政修复路灯".into(), resolved }
    }
    fn all_actions() -> Vec<ReferralAction> {
        vec![
            ReferralAction::Accept,
            ReferralAction::AskBack { question: "请补充具体位置".into() },
            ReferralAction::Reply { text: "东门外第三根灯杆".into() },
            answer(true),
            answer(false),
            ReferralAction::Close,
        ]
    }

    #[test]
    fn the_government_side_accepts_answers_and_closes() {
        let mut s = ReferralState::Sent;
        for a in [ReferralAction::Accept, answer(true), ReferralAction::Close] {
            s = referral_transition(s, &a, Side::Government, s != ReferralState::Sent).unwrap();
        }
        assert_eq!(s, ReferralState::Closed);
    }

    #[test]
    fn a_question_goes_back_to_the_property_and_returns_where_it_was() {
        let ask = ReferralAction::AskBack { question: "哪一根灯杆？".into() };
        let reply = ReferralAction::Reply { text: "东门外第三根".into() };
        for (from, accepted) in [(ReferralState::Sent, false), (ReferralState::Accepted, true)] {
            let s = referral_transition(from, &ask, Side::Government, accepted).unwrap();
            assert_eq!(s, ReferralState::AskedBack);
            // Only the property answers the question.
            assert!(referral_transition(s, &reply, Side::Government, accepted).is_err());
            assert_eq!(referral_transition(s, &reply, Side::Property, accepted).unwrap(), from);
        }
    }

    #[test]
    fn the_property_cannot_work_the_government_side_of_it() {
        for a in [ReferralAction::Accept, ReferralAction::AskBack { question: "x".into() }, ReferralAction::Close] {
            for s in ReferralState::ALL {
                assert!(referral_transition(s, &a, Side::Property, true).is_err(), "{s:?} {a:?}");
            }
        }
    }

    #[test]
    fn answers_and_questions_need_words() {
        let e = referral_transition(
            ReferralState::Sent,
            &ReferralAction::Answer { text: " ".into(), resolved: true },
            Side::Government,
            false,
        )
        .unwrap_err();
        assert_eq!(e.code, "reason_required");
    }

    #[test]
    fn overdue_is_the_government_sides_lateness_only() {
        let d = referral_deadlines(t0(), referral_limits(Outside::Community));
        assert_eq!(d.accept_by, t0() + Duration::hours(24));
        assert_eq!(d.answer_by, t0() + Duration::days(5));
        let day2 = t0() + Duration::hours(25);
        assert_eq!(referral_overdue(ReferralState::Sent, d, day2), Some("accept"));
        assert_eq!(referral_overdue(ReferralState::Accepted, d, day2), None);
        let day6 = t0() + Duration::days(6);
        assert_eq!(referral_overdue(ReferralState::Accepted, d, day6), Some("answer"));
        assert_eq!(referral_overdue(ReferralState::Sent, d, day6), Some("answer"));
        assert_eq!(referral_overdue(ReferralState::AskedBack, d, day6), None);
        assert_eq!(referral_overdue(ReferralState::Answered, d, day6), None);
        assert!(referral_limits(Outside::Street).answer_days > referral_limits(Outside::Community).answer_days);
    }

    #[test]
    fn what_a_resident_sees() {
        assert!(hidden_from_reporter("referral_ask") && hidden_from_reporter("referral_reply"));
        assert!(!hidden_from_reporter("referral_answer") && !note_internal("referral_answer"));
        assert!(note_internal("transfer") && !hidden_from_reporter("escalate_outside"));
    }

    proptest! {
        /// Whatever happens, a closed referral stays closed, and nothing reaches 已办结 without an answer.
        #[test]
        fn closed_is_final_and_only_after_an_answer(steps in proptest::collection::vec((0usize..6, any::<bool>()), 0..30)) {
            let acts = all_actions();
            let mut s = ReferralState::Sent;
            let mut accepted = false;
            let mut answered = false;
            for (i, gov) in steps {
                let side = if gov { Side::Government } else { Side::Property };
                if let Ok(next) = referral_transition(s, &acts[i], side, accepted) {
                    prop_assert!(s != ReferralState::Closed);
                    if next == ReferralState::Accepted { accepted = true; }
                    if next == ReferralState::Answered { answered = true; }
                    if next == ReferralState::Closed { prop_assert!(answered); }
                    s = next;
                }
            }
        }
    }
}
