//! Custody's rules on plain types: what a check covers, the agreement's days, when the next check is
//! due, when a missed one alerts the manager, and that an ended agreement takes no checks.

use chrono::{Duration, NaiveDate};

pub use crate::error::Refused;

crate::coded! {
    /// What a custody check looks at.
    pub enum Item: "custody_item" {
        Water,
        Gas,
        Windows,
        Plants,
        Power,
        Mail,
    }
}

crate::coded! {
    /// A key log line: the keys taken in from the owner, or given back.
    pub enum KeyEvent: "custody_key" {
        Received,
        Returned,
    }
}

/// Longest agreement (a year) and the check interval's bounds.
pub const MAX_DAYS: i64 = 366;
pub const MAX_EVERY: i64 = 30;

/// The items stored as `water,gas`; unknown codes are dropped.
pub fn items_of(stored: &str) -> Vec<Item> {
    stored.split(',').filter_map(|s| s.trim().parse().ok()).collect()
}

pub fn store_items(items: &[Item]) -> String {
    items.iter().map(|i| i.as_str()).collect::<Vec<_>>().join(",")
}

/// A new agreement's days: it has not already ended, it ends on or after it starts, at most a year.
pub fn days(starts: NaiveDate, ends: NaiveDate, today: NaiveDate) -> Result<(), &'static str> {
    if ends < today {
        return Err("结束日期不能早于今天");
    }
    if ends < starts {
        return Err("结束日期不能早于开始日期");
    }
    if (ends - starts).num_days() > MAX_DAYS {
        return Err("托管最长一年");
    }
    Ok(())
}

/// May a check be recorded today: the agreement has started, has not ended or been ended.
pub fn may_check(
    starts: NaiveDate,
    ends: NaiveDate,
    ended: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), Refused> {
    if ended.is_some() || today > ends {
        return Err(Refused {
            code: "custody_ended", zh: "托管已经结束，不能再登记巡查", en: "The custody has ended"
        });
    }
    if today < starts {
        return Err(Refused {
            code: "custody_not_started", zh: "托管还没有开始", en: "The custody has not started"
        });
    }
    Ok(())
}

/// The day the next check is due: `every` days after the last, or after the start.
pub fn due(last: Option<NaiveDate>, starts: NaiveDate, every: i64) -> NaiveDate {
    match last {
        Some(l) => l + Duration::days(every.clamp(1, MAX_EVERY)),
        None => starts,
    }
}

/// Alert the manager today: in force, the check overdue, and not yet alerted today.
pub fn alert(due: NaiveDate, ends: NaiveDate, ended: bool, today: NaiveDate, last_alert: Option<NaiveDate>) -> bool {
    !ended && today <= ends && today > due && last_alert.is_none_or(|l| l < today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn checks_fall_due_from_the_start_then_every_few_days_and_a_missed_one_alerts_once_a_day() {
        let start = d("2026-11-20");
        assert_eq!(due(None, start, 3), start);
        assert_eq!(due(Some(d("2026-11-25")), start, 3), d("2026-11-28"));
        assert!(!alert(d("2026-11-28"), d("2026-12-31"), false, d("2026-11-28"), None), "due today is not missed");
        assert!(alert(d("2026-11-28"), d("2026-12-31"), false, d("2026-11-29"), None));
        assert!(!alert(d("2026-11-28"), d("2026-12-31"), false, d("2026-11-29"), Some(d("2026-11-29"))));
        assert!(!alert(d("2026-11-28"), d("2026-11-28"), false, d("2026-11-29"), None), "ended by date");
        assert!(!alert(d("2026-11-28"), d("2026-12-31"), true, d("2026-11-29"), None), "ended early");
    }

    #[test]
    fn an_ended_agreement_takes_no_check() {
        let (s, e) = (d("2026-11-20"), d("2026-12-20"));
        assert!(may_check(s, e, None, d("2026-11-28")).is_ok());
        assert_eq!(may_check(s, e, None, d("2026-12-21")).unwrap_err().code, "custody_ended");
        assert_eq!(may_check(s, e, Some(d("2026-11-25")), d("2026-11-28")).unwrap_err().code, "custody_ended");
        assert_eq!(may_check(s, e, None, d("2026-11-19")).unwrap_err().code, "custody_not_started");
        assert!(days(d("2026-11-28"), d("2026-11-28"), d("2026-11-28")).is_ok());
        assert!(days(d("2026-11-20"), d("2026-11-27"), d("2026-11-28")).is_err());
        assert!(days(d("2026-11-28"), d("2027-12-28"), d("2026-11-28")).is_err());
    }

    #[test]
    fn items_round_trip_and_unknown_codes_are_dropped() {
        let all = Item::ALL.to_vec();
        assert_eq!(items_of(&store_items(&all)), all);
        assert_eq!(items_of("water,bogus,gas"), vec![Item::Water, Item::Gas]);
    }

    proptest! {
        #[test]
        fn the_next_check_is_never_more_than_a_month_after_the_last(every in -10i64..100, off in 0i64..400) {
            let last = d("2026-01-01") + Duration::days(off);
            let n = (due(Some(last), d("2025-12-01"), every) - last).num_days();
            prop_assert!((1..=MAX_EVERY).contains(&n));
        }
    }
}
