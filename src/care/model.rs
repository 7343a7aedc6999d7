//! Care's rules on plain types: the tags (sensitive personal information), how often each kind is
//! visited by default, how late a visit is, and the order of the care list (most overdue first).

use chrono::{Duration, NaiveDate};

crate::coded! {
    /// Why a resident is looked after.
    pub enum Tag: "care_tag" {
        /// 高龄独居: elderly and living alone.
        ElderlyAlone,
        Disabled,
        /// 低保.
        LowIncome,
        /// 失独.
        Bereaved,
        SeriousIllness,
        /// 留守 (elderly or children left behind).
        LeftBehind,
    }
}

crate::coded! {
    /// How a care visit was made.
    pub enum How: "care_how" {
        InPerson,
        Phone,
    }
}

crate::coded! {
    /// How the person was found.
    pub enum Wellbeing: "care_wellbeing" {
        Good,
        Fair,
        /// Needs something now (a request or a 微心愿 follows).
        Poor,
    }
}

/// Days between visits a plan starts with: 高龄独居 and 重病 weekly, 失独 and 留守 every two weeks,
/// 残疾 and 低保 monthly.
pub fn default_every(t: Tag) -> i64 {
    match t {
        Tag::ElderlyAlone | Tag::SeriousIllness => 7,
        Tag::Bereaved | Tag::LeftBehind => 14,
        Tag::Disabled | Tag::LowIncome => 30,
    }
}

pub const MAX_EVERY: i64 = 90;

/// The day the next visit is due: from the last visit, or from the day the tag was given.
pub fn due(last_visit: Option<NaiveDate>, since: NaiveDate, every: i64) -> NaiveDate {
    last_visit.unwrap_or(since) + Duration::days(every.clamp(1, MAX_EVERY))
}

/// Days overdue on `today` (0 when not yet due).
pub fn overdue(due: NaiveDate, today: NaiveDate) -> i64 {
    (today - due).num_days().max(0)
}

/// Send a reminder today: overdue, and not yet reminded today.
pub fn remind(due: NaiveDate, today: NaiveDate, last: Option<NaiveDate>) -> bool {
    today > due && last.is_none_or(|l| l < today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn plans_start_weekly_for_the_elderly_alone_and_monthly_for_the_disabled() {
        assert_eq!(default_every(Tag::ElderlyAlone), 7);
        assert_eq!(default_every(Tag::Disabled), 30);
        let since = d("2026-11-01");
        assert_eq!(due(None, since, 7), d("2026-11-08"));
        assert_eq!(due(Some(d("2026-11-20")), since, 7), d("2026-11-27"));
        assert_eq!(overdue(d("2026-11-27"), d("2026-11-28")), 1);
        assert_eq!(overdue(d("2026-11-27"), d("2026-11-27")), 0);
        assert!(remind(d("2026-11-27"), d("2026-11-28"), None));
        assert!(!remind(d("2026-11-27"), d("2026-11-28"), Some(d("2026-11-28"))));
        assert!(!remind(d("2026-11-27"), d("2026-11-27"), None));
    }

    proptest! {
        #[test]
        fn a_visit_today_is_never_overdue(every in -5i64..200, off in 0i64..400) {
            let today = d("2026-06-01") + Duration::days(off);
            prop_assert_eq!(overdue(due(Some(today), d("2020-01-01"), every), today), 0);
            let dd = due(None, today, every);
            prop_assert!((1..=MAX_EVERY).contains(&(dd - today).num_days()));
        }
    }
}
