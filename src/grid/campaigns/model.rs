//! Door-to-door campaigns' rules on plain types: the topics and ways of reaching a household, a
//! campaign's period, the idempotency key a phone makes for a visit, how a second visit of the day is
//! merged into the first, and coverage as a percentage.

use chrono::{Duration, NaiveDate};

crate::coded! {
    /// What a campaign is about (the article's three, and any the community defines).
    pub enum Topic: "grid_topic" {
        WasteSorting,
        GasSafety,
        AntiFraud,
        Other,
    }
}

crate::coded! {
    /// How a household was reached.
    pub enum How: "grid_how" {
        /// 入户: at the door, inside.
        Door,
        Phone,
        Wechat,
        /// 张贴: a notice left (nobody at home).
        Poster,
    }
}

pub use crate::error::Refused;

/// The longest campaign.
pub const MAX_DAYS: i64 = 366;

/// A campaign's period as typed: it ends on or after it starts, lasts at most a year, and does not
/// start more than a year ago.
pub fn check_period(start: NaiveDate, end: NaiveDate, today: NaiveDate) -> Result<(), Refused> {
    if end < start {
        return Err(Refused {
            code: "period", zh: "结束日期不能早于开始日期", en: "The end is before the start"
        });
    }
    if (end - start).num_days() > MAX_DAYS {
        return Err(Refused {
            code: "period", zh: "一次走访活动最长一年", en: "A campaign lasts at most a year"
        });
    }
    if start < today - Duration::days(MAX_DAYS) || start > today + Duration::days(MAX_DAYS) {
        return Err(Refused {
            code: "period",
            zh: "开始日期须在前后一年内",
            en: "The start must be within a year of today",
        });
    }
    Ok(())
}

/// May a visit be recorded on `day` (China date)?
pub fn open_on(start: NaiveDate, end: NaiveDate, day: NaiveDate) -> Result<(), Refused> {
    if day < start {
        return Err(Refused {
            code: "campaign_not_started",
            zh: "走访活动还没有开始",
            en: "The campaign has not started",
        });
    }
    if day > end {
        return Err(Refused { code: "campaign_ended", zh: "走访活动已经结束", en: "The campaign has ended" });
    }
    Ok(())
}

/// A phone's key for one visit: 8–64 letters, digits, `-` or `_` (a UUID fits).
pub fn valid_key(k: &str) -> bool {
    (8..=64).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What was found, after a second record of the same visit day: the new words after the old ones
/// (once), within the limit.
pub fn merge_found(old: Option<&str>, new: Option<&str>) -> Option<String> {
    let joined = match (old.filter(|s| !s.is_empty()), new.filter(|s| !s.is_empty())) {
        (Some(o), Some(n)) if o.contains(n) => o.to_string(),
        (Some(o), Some(n)) => format!("{o}；{n}"),
        (Some(o), None) => o.to_string(),
        (None, Some(n)) => n.to_string(),
        (None, None) => return None,
    };
    Some(joined.chars().take(MAX_FOUND).collect())
}

pub const MAX_FOUND: usize = 1000;

/// Coverage in tenths of a percent (「37.5%」 is 375), rounded down so that 100% means every household;
/// 0 for an empty target.
pub fn permille(visited: i64, target: i64) -> i64 {
    if target <= 0 { 0 } else { visited.clamp(0, target) * 1000 / target }
}

/// 「37.5%」.
/// The most photos one visit keeps.
pub const PHOTOS_PER_VISIT: i64 = 3;

/// May `adding` photos join the `has` a visit keeps?
pub fn room_for_photos(has: i64, adding: usize) -> Result<(), Refused> {
    if has >= PHOTOS_PER_VISIT || has + adding as i64 > PHOTOS_PER_VISIT {
        return Err(Refused {
            code: "visit_photos_full",
            zh: "每条走访记录最多3张照片",
            en: "A visit keeps at most 3 photos",
        });
    }
    Ok(())
}

pub fn pct(visited: i64, target: i64) -> String {
    let p = permille(visited, target);
    format!("{}.{}%", p / 10, p % 10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_visit_keeps_at_most_three_photos() {
        assert!(room_for_photos(0, 3).is_ok());
        assert!(room_for_photos(2, 1).is_ok());
        assert!(room_for_photos(0, 0).is_ok());
        assert_eq!(room_for_photos(2, 2).unwrap_err().code, "visit_photos_full");
        assert!(room_for_photos(3, 0).is_err(), "full before the upload is read");
    }

    #[test]
    fn periods_are_ordered_bounded_and_near() {
        let today = d("2026-11-28");
        assert!(check_period(d("2026-11-01"), d("2026-12-31"), today).is_ok());
        assert_eq!(check_period(d("2026-12-01"), d("2026-11-01"), today).unwrap_err().code, "period");
        assert_eq!(check_period(d("2026-01-01"), d("2027-06-01"), today).unwrap_err().code, "period");
        assert_eq!(check_period(d("2024-01-01"), d("2024-02-01"), today).unwrap_err().code, "period");
        assert_eq!(open_on(d("2026-11-01"), d("2026-11-30"), d("2026-12-01")).unwrap_err().code, "campaign_ended");
        assert_eq!(
            open_on(d("2026-12-01"), d("2026-12-30"), d("2026-11-30")).unwrap_err().code,
            "campaign_not_started"
        );
        assert!(open_on(d("2026-11-01"), d("2026-11-30"), d("2026-11-30")).is_ok());
    }

    #[test]
    fn keys_are_short_plain_tokens() {
        assert!(valid_key("0b6f1c2e-5d7a-4c1e-9a55-3f0d2b7c9e11"));
        assert!(!valid_key("short"));
        assert!(!valid_key("有中文的键有中文的键"));
        assert!(!valid_key(&"a".repeat(65)));
        assert!(!valid_key("a b c d e f g h"));
    }

    #[test]
    fn a_second_record_of_the_day_adds_its_words_once() {
        assert_eq!(merge_found(Some("燃气软管老化"), Some("已提醒更换")).as_deref(), Some("燃气软管老化；已提醒更换"));
        assert_eq!(merge_found(Some("燃气软管老化"), Some("燃气软管老化")).as_deref(), Some("燃气软管老化"));
        assert_eq!(merge_found(None, Some("无")).as_deref(), Some("无"));
        assert_eq!(merge_found(Some(""), None), None);
        assert_eq!(merge_found(Some(&"字".repeat(999)), Some("多出来的")).unwrap().chars().count(), MAX_FOUND);
    }

    #[test]
    fn coverage_reads_as_people_write_it() {
        assert_eq!(pct(3, 8), "37.5%");
        assert_eq!(pct(0, 0), "0.0%");
        assert_eq!(pct(8, 8), "100.0%");
        assert_eq!(pct(1, 3), "33.3%");
    }

    proptest! {
        #[test]
        fn coverage_is_between_zero_and_a_hundred(v in -10i64..2000, t in 0i64..2000) {
            let p = permille(v, t);
            prop_assert!((0..=1000).contains(&p));
            prop_assert_eq!(p == 1000, t > 0 && v >= t);
        }
    }
}
