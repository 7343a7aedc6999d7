//! Activities (活动, C3) as plain rules: types, recurrence by RFC 5545 RRULE (the `rrule` crate), and the
//! sign-up decision with its wait list. No I/O.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

crate::coded! {
    /// Activity types named in the article.
    pub enum ActivityKind: "activity_kind" { PartyDay, ThreeOne, Volunteer, Festival, Sports, Publicity, CareVisit }
}

crate::coded! {
    /// One date of an activity: scheduled, or skipped (this date is off; the series goes on).
    pub enum OccurrenceState: "occurrence_state" { Scheduled, Skipped }
}

crate::coded! {
    /// A sign-up: confirmed or on the wait list, and cancelled when the person withdraws.
    pub enum SignupState: "signup_state" { Confirmed, Waitlisted, Cancelled }
}

/// Why someone may not join, by the activity's audience.
pub fn audience_refusal(audience: &str) -> &'static str {
    match audience {
        "party" => "本活动仅限党员参加",
        "volunteers" => "本活动仅限本项目已审核的志愿者参加",
        "team" => "本活动仅限本队队员参加",
        _ => "本活动面向本项目住户",
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub code: &'static str,
    pub zh: String,
}

impl RuleError {
    pub fn new(code: &'static str, zh: impl Into<String>) -> Self {
        Self { code, zh: zh.into() }
    }
}

/// How far ahead occurrences of a recurring activity are laid out.
pub const HORIZON_DAYS: i64 = 182;
/// At most this many occurrences per activity in the horizon.
pub const MAX_OCCURRENCES: u16 = 200;

/// The starts of an activity: the first start (China time) and, when given, every further one its RRULE
/// yields within the horizon. Only DAILY, WEEKLY and MONTHLY rules are accepted (a 主题党日 every month, a
/// 全员保洁日 every Friday), so a rule can never flood the calendar.
pub fn occurrences(first: NaiveDateTime, rule: Option<&str>) -> Result<Vec<DateTime<Utc>>, RuleError> {
    let first_utc = crate::clock::to_utc(first);
    let Some(rule) = rule.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(vec![first_utc]);
    };
    let rule = rule.trim_start_matches("RRULE:");
    let upper = rule.to_ascii_uppercase();
    if !["FREQ=DAILY", "FREQ=WEEKLY", "FREQ=MONTHLY"].iter().any(|f| upper.contains(f)) {
        return Err(RuleError::new("invalid_rrule", "重复规则只支持按天、按周或按月（如 FREQ=WEEKLY;BYDAY=FR）"));
    }
    let text = format!("DTSTART;TZID=Asia/Shanghai:{}\nRRULE:{}", first.format("%Y%m%dT%H%M%S"), upper);
    let set: rrule::RRuleSet =
        text.parse().map_err(|e| RuleError::new("invalid_rrule", format!("重复规则无效：{e}")))?;
    let until = first_utc + Duration::days(HORIZON_DAYS);
    let v: Vec<DateTime<Utc>> =
        set.all(MAX_OCCURRENCES).dates.into_iter().map(|d| d.with_timezone(&Utc)).take_while(|d| *d <= until).collect();
    if v.is_empty() {
        return Err(RuleError::new("invalid_rrule", "按此规则没有任何一次活动"));
    }
    Ok(v)
}

/// The further starts of a series in `(after, until]`: its rule from its first start (`series_start`,
/// kept in China time so a weekly 09:00 stays 09:00), at most [`MAX_OCCURRENCES`]. What the rolling
/// horizon job lays out as time passes.
pub fn further_occurrences(
    series_start: DateTime<Utc>,
    rule: &str,
    after: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, RuleError> {
    if until <= after {
        return Ok(Vec::new());
    }
    let first = crate::clock::to_local(series_start);
    let rule = rule.trim().trim_start_matches("RRULE:").to_ascii_uppercase();
    let text = format!("DTSTART;TZID=Asia/Shanghai:{}\nRRULE:{}", first.format("%Y%m%dT%H%M%S"), rule);
    let set: rrule::RRuleSet =
        text.parse().map_err(|e| RuleError::new("invalid_rrule", format!("重复规则无效：{e}")))?;
    let tz = rrule::Tz::UTC;
    let set = set.after(after.with_timezone(&tz)).before(until.with_timezone(&tz));
    Ok(set
        .all(MAX_OCCURRENCES)
        .dates
        .into_iter()
        .map(|d| d.with_timezone(&Utc))
        .filter(|d| *d > after && *d <= until)
        .collect())
}

/// Where the rolling horizon stands for a series now: `HORIZON_DAYS` ahead, never past its end.
pub fn horizon(now: DateTime<Utc>, series_until: Option<DateTime<Utc>>) -> DateTime<Utc> {
    let h = now + Duration::days(HORIZON_DAYS);
    series_until.map_or(h, |u| u.min(h))
}

/// A sign-up's place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Confirmed,
    Waitlisted,
}

impl Place {
    pub fn as_str(self) -> &'static str {
        self.state().as_str()
    }
    pub fn state(self) -> SignupState {
        match self {
            Place::Confirmed => SignupState::Confirmed,
            Place::Waitlisted => SignupState::Waitlisted,
        }
    }
}

/// Where a new sign-up goes: confirmed while there is room (capacity 0 = unlimited), else the wait list.
pub fn place(capacity: i64, confirmed: i64) -> Place {
    if capacity <= 0 || confirmed < capacity { Place::Confirmed } else { Place::Waitlisted }
}

/// Sign-ups close when the occurrence starts.
pub fn open_for_signup(starts_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), RuleError> {
    if now >= starts_at {
        return Err(RuleError::new("signup_closed", "活动已开始，不能再报名或取消"));
    }
    Ok(())
}

pub use crate::points::model::DEFAULT_POINTS_PER_HOUR;

/// Service time credited for an attendance: the part of [check-in, check-out] inside the activity's own
/// time, so arriving early or leaving late never adds hours. Whole minutes.
pub fn service_minutes(
    checked_in: DateTime<Utc>,
    checked_out: DateTime<Utc>,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
) -> i64 {
    let from = checked_in.max(starts);
    let to = checked_out.min(ends);
    if to <= from { 0 } else { (to - from).num_minutes() }
}

/// Points for service minutes at a rate per hour (rounded down to whole points).
pub fn points(minutes: i64, per_hour: i64) -> i64 {
    minutes.max(0) * per_hour.max(0) / 60
}

/// Minutes during which staff may take back a check-in made by mistake (the wrong person scanned).
pub const UNDO_MINUTES: i64 = 5;

/// What a scan of a person's code does (pretix's rule: a second scan never checks out by itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scan {
    CheckIn,
    /// Already in since then: say so and offer 签退 as its own step.
    AlreadyIn(DateTime<Utc>),
    /// In and out already: nothing more to do.
    Done,
}

pub fn scan(checked_in: Option<DateTime<Utc>>, checked_out: Option<DateTime<Utc>>) -> Scan {
    match (checked_in, checked_out) {
        (None, _) => Scan::CheckIn,
        (Some(t), None) => Scan::AlreadyIn(t),
        (Some(_), Some(_)) => Scan::Done,
    }
}

/// A check-in may be taken back within [`UNDO_MINUTES`], before check-out.
pub fn may_undo_check_in(checked_in: DateTime<Utc>, checked_out: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    checked_out.is_none() && now >= checked_in && now - checked_in <= chrono::Duration::minutes(UNDO_MINUTES)
}

/// The 5-minute window a rotating attendance code belongs to.
pub fn code_window(now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(300)
}

/// Check-in opens 30 minutes before the start and closes at the end; check-out is allowed until two
/// hours after the end.
pub fn attendance_open(
    action: &str,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), RuleError> {
    match action {
        "in" if now < starts - Duration::minutes(30) => {
            Err(RuleError::new("not_started", "活动还没开始，开始前30分钟可以签到"))
        }
        "in" if now > ends => Err(RuleError::new("already_ended", "活动已结束，不能再签到")),
        "out" if now > ends + Duration::hours(2) => {
            Err(RuleError::new("already_ended", "活动结束已超过两小时，请联系工作人员补录"))
        }
        "in" | "out" | "undo_in" => Ok(()),
        _ => Err(RuleError::new("unknown_action", "未知操作")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, NaiveDate, Weekday};
    use proptest::prelude::*;

    fn friday() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 4).unwrap().and_hms_opt(9, 0, 0).unwrap()
    }

    #[test]
    fn a_series_goes_on_past_its_first_half_year() {
        let start = crate::clock::to_utc(friday());
        let first = occurrences(friday(), Some("FREQ=WEEKLY;BYDAY=FR")).unwrap();
        let last = *first.last().unwrap();
        let more = further_occurrences(start, "FREQ=WEEKLY;BYDAY=FR", last, last + Duration::days(182)).unwrap();
        assert_eq!(more.len(), 26);
        assert_eq!(more[0], last + Duration::days(7), "the next Friday, nothing repeated");
        for d in &more {
            let local = crate::clock::to_local(*d);
            assert_eq!((local.weekday(), local.time()), (Weekday::Fri, friday().time()));
        }
        // The monthly 主题党日 keeps its day of the month.
        let m = further_occurrences(start, "FREQ=MONTHLY", last, last + Duration::days(120)).unwrap();
        assert!(m.iter().all(|d| crate::clock::to_local(*d).day() == 4), "{m:?}");
        assert!(further_occurrences(start, "FREQ=WEEKLY", last, last).unwrap().is_empty());
        // A split series ends where it was split.
        let end = last + Duration::days(30);
        assert_eq!(horizon(last, Some(end)), end);
        assert_eq!(horizon(last, None), last + Duration::days(HORIZON_DAYS));
    }

    #[test]
    fn every_friday_for_half_a_year_at_nine_china_time() {
        let v = occurrences(friday(), Some("FREQ=WEEKLY;BYDAY=FR")).unwrap();
        assert_eq!(v.len(), 27);
        for d in &v {
            let local = crate::clock::to_local(*d);
            assert_eq!(local.weekday(), Weekday::Fri);
            assert_eq!(local.format("%H:%M").to_string(), "09:00");
        }
        assert_eq!(v[0].to_rfc3339(), "2026-12-04T01:00:00+00:00");
        assert_eq!(occurrences(friday(), Some("RRULE:FREQ=WEEKLY;BYDAY=FR;COUNT=3")).unwrap().len(), 3);
        assert_eq!(occurrences(friday(), None).unwrap(), vec![v[0]]);
        assert_eq!(occurrences(friday(), Some("FREQ=MONTHLY")).unwrap().len(), 7, "Dec to the 4th of June");
    }

    #[test]
    fn unsafe_or_broken_rules_are_refused() {
        assert_eq!(occurrences(friday(), Some("FREQ=SECONDLY")).unwrap_err().code, "invalid_rrule");
        assert_eq!(occurrences(friday(), Some("FREQ=WEEKLY;BYDAY=XX")).unwrap_err().code, "invalid_rrule");
        assert_eq!(occurrences(friday(), Some("每周五")).unwrap_err().code, "invalid_rrule");
    }

    #[test]
    fn sign_ups_close_at_the_start() {
        let s = crate::clock::to_utc(friday());
        assert!(open_for_signup(s, s - Duration::minutes(1)).is_ok());
        assert_eq!(open_for_signup(s, s).unwrap_err().code, "signup_closed");
    }

    #[test]
    fn hours_are_capped_by_the_activitys_own_time_and_points_follow_the_rule() {
        let s = crate::clock::to_utc(friday());
        let e = s + Duration::hours(2);
        assert_eq!(service_minutes(s - Duration::minutes(20), e + Duration::minutes(30), s, e), 120);
        assert_eq!(service_minutes(s + Duration::minutes(30), s + Duration::minutes(90), s, e), 60);
        assert_eq!(service_minutes(e + Duration::minutes(1), e + Duration::hours(1), s, e), 0);
        assert_eq!(points(120, 10), 20);
        assert_eq!(points(59, 10), 9);
        assert_eq!(points(-5, 10), 0);
        assert!(attendance_open("in", s, e, s - Duration::minutes(31)).is_err());
        assert!(attendance_open("in", s, e, s - Duration::minutes(30)).is_ok());
        assert_eq!(attendance_open("in", s, e, e + Duration::minutes(1)).unwrap_err().code, "already_ended");
        assert!(attendance_open("out", s, e, e + Duration::minutes(119)).is_ok());
        assert_eq!(code_window(s), code_window(s + Duration::seconds(299) - Duration::seconds(s.timestamp() % 300)));
    }

    proptest! {
        /// Whatever the window, the further dates lie strictly inside it, in order, each once.
        #[test]
        fn further_dates_stay_inside_their_window(a in 0i64..800, len in 0i64..400, weekly in any::<bool>()) {
            let start = crate::clock::to_utc(friday());
            let after = start + Duration::days(a);
            let until = after + Duration::days(len);
            let rule = if weekly { "FREQ=WEEKLY;BYDAY=FR" } else { "FREQ=DAILY" };
            let v = further_occurrences(start, rule, after, until).unwrap();
            prop_assert!(v.iter().all(|d| *d > after && *d <= until));
            prop_assert!(v.windows(2).all(|w| w[0] < w[1]));
        }

        /// Service time never exceeds the activity's duration nor the time actually present.
        #[test]
        fn service_is_within_presence_and_duration(a in 0i64..600, b in 0i64..600, len in 1i64..300) {
            let base = crate::clock::to_utc(friday());
            let (ci, co) = (base + Duration::minutes(a.min(b)), base + Duration::minutes(a.max(b)));
            let (s, e) = (base + Duration::minutes(100), base + Duration::minutes(100 + len));
            let m = service_minutes(ci, co, s, e);
            prop_assert!(m >= 0 && m <= len && m <= (co - ci).num_minutes());
        }

        /// Never more confirmed than the capacity, whatever the order of arrivals.
        #[test]
        fn the_capacity_is_never_exceeded(capacity in 1i64..50, arrivals in 0usize..120) {
            let mut confirmed = 0;
            let mut waiting = 0;
            for _ in 0..arrivals {
                match place(capacity, confirmed) {
                    Place::Confirmed => confirmed += 1,
                    Place::Waitlisted => waiting += 1,
                }
            }
            prop_assert!(confirmed <= capacity);
            prop_assert_eq!(confirmed + waiting, arrivals as i64);
            prop_assert_eq!(confirmed, (arrivals as i64).min(capacity));
        }
    }

    #[test]
    fn a_second_scan_never_checks_out_and_undo_has_a_short_window() {
        let t = crate::clock::to_utc(friday()) + Duration::minutes(2);
        assert_eq!(scan(None, None), Scan::CheckIn);
        assert_eq!(scan(Some(t), None), Scan::AlreadyIn(t));
        assert_eq!(scan(Some(t), Some(t + Duration::hours(2))), Scan::Done);
        assert!(may_undo_check_in(t, None, t + Duration::minutes(UNDO_MINUTES)));
        assert!(!may_undo_check_in(t, None, t + Duration::minutes(UNDO_MINUTES) + Duration::seconds(1)));
        assert!(!may_undo_check_in(t, Some(t + Duration::minutes(1)), t + Duration::minutes(2)));
        assert!(!may_undo_check_in(t, None, t - Duration::seconds(1)));
    }
}
