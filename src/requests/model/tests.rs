//! The state machine's and the time limits' unit and property tests.

use super::*;
use chrono::{Duration, TimeZone};
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
        Action::EscalateOutside { to: Outside::Hotline, reason: "市政路灯".into() },
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
const ACTORS: [Actor; 5] = [Actor::Reporter, Actor::Handler, Actor::Dispatcher, Actor::System, Actor::Government];

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
    let o =
        transition(State::AwaitingRating, &Action::Rate(Rating::new(1, 1, 2).unwrap()), Actor::Reporter, t0()).unwrap();
    assert_eq!(o, Outcome { state: State::InProgress, second_visit: true });
    let o =
        transition(State::AwaitingRating, &Action::Rate(Rating::new(3, 3, 3).unwrap()), Actor::Reporter, t0()).unwrap();
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
    let e = transition(State::InProgress, &Action::Return { reason: "  ".into() }, Actor::Handler, t0()).unwrap_err();
    assert_eq!(e.code, "reason_required");
    let e = transition(State::InProgress, &Action::Suspend { reason: reason(), resume_at: t0() }, Actor::Handler, t0())
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
        (Escalated, "outside_answer", Government),
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
fn a_projects_ladder_sets_its_levels_posts_and_periods() {
    let d = default_ladder(4);
    assert!(check_ladder(&d).is_ok());
    // The default: the manager at once, the branch four hours later, then nothing.
    assert_eq!(next_rung(&d, Level::Handler, t0(), t0()).map(|r| r.level), Some(Level::ProjectManager));
    assert_eq!(next_rung(&d, Level::ProjectManager, t0(), t0() + Duration::hours(3)), None);
    assert_eq!(
        next_rung(&d, Level::ProjectManager, t0(), t0() + Duration::hours(4)).map(|r| r.level),
        Some(Level::Branch)
    );
    assert_eq!(next_rung(&d, Level::Branch, t0(), t0() + Duration::days(9)), None);
    // A project that tells its 客服管家 after two hours and stops there.
    let only = vec![Rung { level: Level::ProjectManager, after_hours: 2, notify_post: Some("客服管家".into()) }];
    assert!(check_ladder(&only).is_ok());
    assert_eq!(next_rung(&only, Level::Handler, t0(), t0() + Duration::hours(1)), None);
    assert_eq!(
        next_rung(&only, Level::Handler, t0(), t0() + Duration::hours(2)).unwrap().notify_post.as_deref(),
        Some("客服管家")
    );
    assert_eq!(next_rung(&only, Level::ProjectManager, t0(), t0() + Duration::days(9)), None);
    // Straight to the branch.
    let branch = vec![Rung { level: Level::Branch, after_hours: 8, notify_post: None }];
    assert_eq!(
        next_rung(&branch, Level::Handler, t0(), t0() + Duration::hours(8)).map(|r| r.level),
        Some(Level::Branch)
    );
    // Refused: out of order, twice, a manager rung without a post, hours out of range.
    let mut bad = d.clone();
    bad.reverse();
    assert!(check_ladder(&bad).is_err());
    assert!(check_ladder(&[d[0].clone(), d[0].clone()]).is_err());
    assert!(check_ladder(&[Rung { notify_post: None, ..d[0].clone() }]).is_err());
    assert!(check_ladder(&[Rung { after_hours: 721, ..d[1].clone() }]).is_err());
    assert_eq!(missed_at(t0(), t0() + Duration::hours(4), false), t0());
    assert_eq!(missed_at(t0(), t0() + Duration::hours(4), true), t0() + Duration::hours(4));
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
    let rates = three_rates(&[f(true, true, Some((5, 5, 5))), f(true, false, None), f(false, true, Some((2, 2, 2)))]);
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

#[test]
fn a_suspension_moves_the_deadline_by_its_length_and_resumes_when_due() {
    let due = t0() + Duration::hours(24);
    let since = t0() + Duration::hours(2);
    assert_eq!(resumed_deadline(due, Some(since), since + Duration::hours(30)), due + Duration::hours(30));
    assert_eq!(resumed_deadline(due, None, t0() + Duration::hours(30)), due, "no start kept: nothing moves");
    assert_eq!(resumed_deadline(due, Some(since), since - Duration::hours(1)), due, "a clock gone back moves nothing");
    let at = Some(t0() + Duration::hours(5));
    assert!(!resume_due(State::Suspended, at, t0() + Duration::hours(4)));
    assert!(resume_due(State::Suspended, at, t0() + Duration::hours(5)));
    assert!(!resume_due(State::InProgress, at, t0() + Duration::hours(6)), "only a suspended request resumes");
    assert!(!resume_due(State::Suspended, None, t0() + Duration::days(9)));
    // While suspended, the completion deadline does not make it overdue.
    let d = Deadlines { respond_by: t0() + Duration::hours(1), complete_by: due };
    assert!(!overdue(State::Suspended, d, Some(t0()), Duration::zero(), due + Duration::hours(5)));
    assert!(overdue(State::InProgress, d, Some(t0()), Duration::zero(), due + Duration::hours(5)));
}

proptest! {
    /// Resuming never pulls a deadline earlier, and moves it by exactly the time suspended.
    #[test]
    fn resuming_never_pulls_a_deadline_earlier(due_h in 0i64..500, since_h in 0i64..500, len_m in -600i64..6000) {
        let due = t0() + Duration::hours(due_h);
        let since = t0() + Duration::hours(since_h);
        let back = resumed_deadline(due, Some(since), since + Duration::minutes(len_m));
        prop_assert!(back >= due);
        prop_assert_eq!(back - due, Duration::minutes(len_m.max(0)));
    }
}
