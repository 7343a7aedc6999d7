//! 组织生活's rules, plain functions on plain types: the kinds of meeting (三会一课, 主题党日, 组织生活会,
//! 民主评议), the quorum a 党员大会 or 支委会 needs (computed from attendance, never typed in), and the
//! compliance board — what each rule asks in each period, done, due or overdue on a given day. The
//! rules themselves are rows (`party_rules`), so a company can tighten them.

use chrono::{Datelike, NaiveDate};

crate::coded! {
    /// A kind of Party meeting.
    pub enum MeetingKind: "party_meeting_kind" {
        /// 支部党员大会
        Assembly,
        /// 支部委员会
        Committee,
        /// 党小组会
        Group,
        /// 党课
        Lecture,
        /// 主题党日
        ThemeDay,
        /// 组织生活会
        LifeMeeting,
        /// 民主评议党员
        Appraisal,
    }
}

crate::coded! {
    /// How often a rule asks for a meeting.
    pub enum Period: "party_period" {
        Month,
        Quarter,
        Year,
    }
}

crate::coded! {
    /// One attendance mark.
    pub enum Presence: "party_presence" {
        Present,
        /// 请假: excused, still not present for the quorum.
        Excused,
        Absent,
    }
}

/// Does a meeting of this kind count? A 党员大会 needs more than half of the members with a vote (正式
/// 党员) present; a 支委会 more than half of the committee; other kinds have no quorum. `voters` and
/// `present_voters` count the body the rule is about.
pub fn quorate(kind: MeetingKind, voters: usize, present_voters: usize) -> bool {
    match kind {
        MeetingKind::Assembly | MeetingKind::Committee => voters > 0 && present_voters * 2 > voters,
        _ => true,
    }
}

/// Does a meeting count on the board on `today`: it has taken place (a meeting planned with an activity
/// may lie ahead), someone was there (a meeting nobody attended did not happen), and it had its quorum.
pub fn counts(kind: MeetingKind, voters: usize, present_voters: usize, held_on: NaiveDate, today: NaiveDate) -> bool {
    held_on <= today && present_voters > 0 && quorate(kind, voters, present_voters)
}

/// A resolution's vote as counted: 赞成, 反对, 弃权.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Votes {
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
}

/// Why a vote count cannot stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteError {
    /// More votes than members with a vote present.
    MoreThanPresent,
}

/// Check a vote count against those with a vote who were present, and say whether it passes: under the
/// 党章 (art. 10) a resolution needs the votes of more than half of *all* the members with a vote (应到会
/// 有表决权的党员), not of those present — so a quorate meeting can still fail to pass one.
pub fn passes(voters: usize, present_voters: usize, v: Votes) -> Result<bool, VoteError> {
    let cast = v.yes as usize + v.no as usize + v.abstain as usize;
    if cast > present_voters {
        return Err(VoteError::MoreThanPresent);
    }
    Ok(voters > 0 && (v.yes as usize) * 2 > voters)
}

/// A period's first and last day containing `day`.
pub fn period_of(period: Period, day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let y = day.year();
    let (start, next) = match period {
        Period::Month => {
            let s = NaiveDate::from_ymd_opt(y, day.month(), 1).unwrap_or(day);
            let n = if day.month() == 12 {
                NaiveDate::from_ymd_opt(y + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(y, day.month() + 1, 1)
            };
            (s, n.unwrap_or(day))
        }
        Period::Quarter => {
            let q0 = (day.month0() / 3) * 3;
            let s = NaiveDate::from_ymd_opt(y, q0 + 1, 1).unwrap_or(day);
            let n = if q0 == 9 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, q0 + 4, 1) };
            (s, n.unwrap_or(day))
        }
        Period::Year => {
            (NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(day), NaiveDate::from_ymd_opt(y + 1, 1, 1).unwrap_or(day))
        }
    };
    (start, next.pred_opt().unwrap_or(next))
}

/// A rule: meetings of `kind`, at least `min_count` (counting only quorate ones) per `period`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub kind: MeetingKind,
    pub period: Period,
    pub min_count: u32,
}

/// The regulation's defaults (《中国共产党支部工作条例（试行）》): 党员大会 each quarter, 支委会 and
/// 党小组会 each month, 主题党日 each month, 党课 and 组织生活会 and 民主评议 once a year.
pub const DEFAULT_RULES: [Rule; 7] = [
    Rule { kind: MeetingKind::Assembly, period: Period::Quarter, min_count: 1 },
    Rule { kind: MeetingKind::Committee, period: Period::Month, min_count: 1 },
    Rule { kind: MeetingKind::Group, period: Period::Month, min_count: 1 },
    Rule { kind: MeetingKind::ThemeDay, period: Period::Month, min_count: 1 },
    Rule { kind: MeetingKind::Lecture, period: Period::Year, min_count: 1 },
    Rule { kind: MeetingKind::LifeMeeting, period: Period::Year, min_count: 1 },
    Rule { kind: MeetingKind::Appraisal, period: Period::Year, min_count: 1 },
];

/// Does a rule apply to this branch? A 支委会 only where there is a committee (7 or more full members),
/// a 党小组会 only where the branch has groups.
pub fn applies(kind: MeetingKind, full_members: usize, groups: usize) -> bool {
    match kind {
        MeetingKind::Committee => full_members >= 7,
        MeetingKind::Group => groups > 0,
        _ => true,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Enough quorate meetings held in the period.
    Done,
    /// The period is running and not yet met.
    Due,
    /// The period ended without enough.
    Overdue,
}

/// One cell of the board: a rule in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub rule: Rule,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub held: u32,
    pub standing: Standing,
}

/// The board from `from` to `today`: every period of every rule that has begun, with the quorate meetings
/// held in it (`meetings`: (kind, day, quorate)).
pub fn board(
    rules: &[Rule],
    meetings: &[(MeetingKind, NaiveDate, bool)],
    from: NaiveDate,
    today: NaiveDate,
) -> Vec<Cell> {
    let mut out = Vec::new();
    for r in rules {
        let mut day = period_of(r.period, from).0;
        while day <= today {
            let (a, b) = period_of(r.period, day);
            let held = meetings.iter().filter(|(k, d, q)| *k == r.kind && *q && *d >= a && *d <= b).count() as u32;
            let standing = if held >= r.min_count {
                Standing::Done
            } else if b < today {
                Standing::Overdue
            } else {
                Standing::Due
            };
            out.push(Cell { rule: *r, from: a, to: b, held, standing });
            day = b.succ_opt().unwrap_or(b);
            if day == b {
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn quorum_is_more_than_half_of_those_with_a_vote() {
        assert!(!quorate(MeetingKind::Assembly, 10, 5));
        assert!(quorate(MeetingKind::Assembly, 10, 6));
        assert!(quorate(MeetingKind::Committee, 3, 2));
        assert!(!quorate(MeetingKind::Committee, 0, 0));
        assert!(quorate(MeetingKind::ThemeDay, 10, 1));
    }

    #[test]
    fn a_meeting_counts_once_held_attended_and_quorate() {
        let day = d("2026-11-10");
        assert!(counts(MeetingKind::ThemeDay, 10, 1, day, day));
        assert!(!counts(MeetingKind::ThemeDay, 10, 0, day, day), "nobody came");
        assert!(!counts(MeetingKind::ThemeDay, 10, 4, d("2026-11-11"), day), "still ahead");
        assert!(!counts(MeetingKind::Assembly, 10, 5, day, day), "no quorum");
        assert!(counts(MeetingKind::Assembly, 10, 6, day, day));
    }

    #[test]
    fn a_resolution_needs_more_than_half_of_all_voters() {
        let v = |yes, no, abstain| Votes { yes, no, abstain };
        assert_eq!(passes(10, 6, v(6, 0, 0)), Ok(true));
        assert_eq!(passes(10, 6, v(5, 1, 0)), Ok(false), "5 of 10 is not more than half");
        assert_eq!(passes(10, 6, v(5, 1, 1)), Err(VoteError::MoreThanPresent));
        assert_eq!(passes(0, 0, v(0, 0, 0)), Ok(false));
    }

    proptest! {
        #[test]
        fn a_passed_resolution_had_a_quorate_meeting(voters in 0usize..40, present in 0usize..40, yes in 0u32..40, no in 0u32..40) {
            let present = present.min(voters);
            if let Ok(true) = passes(voters, present, Votes { yes, no, abstain: 0 }) {
                prop_assert!(quorate(MeetingKind::Assembly, voters, present));
            }
        }
    }

    #[test]
    fn committee_and_group_meetings_apply_where_there_is_one() {
        assert!(!applies(MeetingKind::Committee, 6, 0));
        assert!(applies(MeetingKind::Committee, 7, 0));
        assert!(!applies(MeetingKind::Group, 20, 0));
        assert!(applies(MeetingKind::Group, 3, 2));
        assert!(applies(MeetingKind::ThemeDay, 1, 0));
    }

    #[test]
    fn periods_are_calendar_months_quarters_and_years() {
        assert_eq!(period_of(Period::Month, d("2026-02-14")), (d("2026-02-01"), d("2026-02-28")));
        assert_eq!(period_of(Period::Quarter, d("2026-11-30")), (d("2026-10-01"), d("2026-12-31")));
        assert_eq!(period_of(Period::Quarter, d("2026-05-01")), (d("2026-04-01"), d("2026-06-30")));
        assert_eq!(period_of(Period::Year, d("2026-07-01")), (d("2026-01-01"), d("2026-12-31")));
        assert_eq!(period_of(Period::Month, d("2026-12-31")), (d("2026-12-01"), d("2026-12-31")));
    }

    #[test]
    fn the_board_marks_done_due_and_overdue() {
        let rules = [Rule { kind: MeetingKind::ThemeDay, period: Period::Month, min_count: 1 }];
        let held = [
            (MeetingKind::ThemeDay, d("2026-09-05"), true),
            // not quorate: does not count
            (MeetingKind::ThemeDay, d("2026-10-05"), false),
            (MeetingKind::Lecture, d("2026-11-05"), true),
        ];
        let cells = board(&rules, &held, d("2026-09-01"), d("2026-11-30"));
        let s: Vec<_> = cells.iter().map(|c| (c.from, c.standing)).collect();
        assert_eq!(
            s,
            [(d("2026-09-01"), Standing::Done), (d("2026-10-01"), Standing::Overdue), (d("2026-11-01"), Standing::Due)]
        );
    }

    proptest! {
        /// Every day from `from` to `today` falls in exactly one cell of each rule, and periods tile.
        #[test]
        fn the_board_tiles_time(start in 0i64..3000, len in 0i64..800, p in 0usize..3) {
            let period = [Period::Month, Period::Quarter, Period::Year][p];
            let from = d("2020-01-01") + chrono::Duration::days(start);
            let today = from + chrono::Duration::days(len);
            let rules = [Rule { kind: MeetingKind::Lecture, period, min_count: 1 }];
            let cells = board(&rules, &[], from, today);
            for w in cells.windows(2) {
                prop_assert_eq!(w[0].to.succ_opt().unwrap(), w[1].from);
            }
            prop_assert!(cells.first().unwrap().from <= from && cells.last().unwrap().to >= today);
            prop_assert!(cells.iter().all(|c| c.standing != Standing::Done));
            prop_assert_eq!(cells.iter().filter(|c| c.standing == Standing::Due).count(), 1);
        }
    }
}
