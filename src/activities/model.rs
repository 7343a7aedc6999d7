//! Activities (活动, C3) as plain rules: types, recurrence by RFC 5545 RRULE (the `rrule` crate), and the
//! sign-up decision with its wait list. No I/O.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

/// Activity types named in the article.
pub const KINDS: [(&str, &str); 7] = [
    ("party_day", "主题党日"),
    ("three_one", "三会一课"),
    ("volunteer", "志愿服务"),
    ("festival", "节日活动"),
    ("sports", "文体活动"),
    ("publicity", "宣传"),
    ("care_visit", "关爱走访"),
];

pub fn kind_zh(code: &str) -> &'static str {
    KINDS.iter().find(|(c, _)| *c == code).map(|(_, z)| *z).unwrap_or("")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub code: &'static str,
    pub zh: String,
}

impl RuleError {
    fn new(code: &'static str, zh: impl Into<String>) -> Self {
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
    let first_utc = crate::positions::model::to_utc(first);
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

/// A sign-up's place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Confirmed,
    Waitlisted,
}

impl Place {
    pub fn as_str(self) -> &'static str {
        match self {
            Place::Confirmed => "confirmed",
            Place::Waitlisted => "waitlisted",
        }
    }
}

pub fn signup_state_zh(s: &str) -> &'static str {
    match s {
        "confirmed" => "已报名",
        "waitlisted" => "候补中",
        "cancelled" => "已取消",
        _ => "",
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, NaiveDate, Weekday};
    use proptest::prelude::*;

    fn friday() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 4).unwrap().and_hms_opt(9, 0, 0).unwrap()
    }

    #[test]
    fn every_friday_for_half_a_year_at_nine_china_time() {
        let v = occurrences(friday(), Some("FREQ=WEEKLY;BYDAY=FR")).unwrap();
        assert_eq!(v.len(), 27);
        for d in &v {
            let local = crate::positions::model::to_local(*d);
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
        let s = crate::positions::model::to_utc(friday());
        assert!(open_for_signup(s, s - Duration::minutes(1)).is_ok());
        assert_eq!(open_for_signup(s, s).unwrap_err().code, "signup_closed");
    }

    proptest! {
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
}
