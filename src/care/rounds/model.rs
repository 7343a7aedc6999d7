//! A festival round's rules on plain types: the days it may run, whether a stop may be taken or
//! delivered, and who sees a resident's full name on it.

use chrono::NaiveDate;

pub use crate::error::Refused;

/// A round lasts at most this many days (a festival's week, with room).
pub const MAX_DAYS: i64 = 31;

/// The days of a new round: start not in the past, end not before start, at most [`MAX_DAYS`] long.
pub fn days(starts: NaiveDate, ends: NaiveDate, today: NaiveDate) -> Result<(), &'static str> {
    if starts < today {
        return Err("开始日期不能早于今天");
    }
    if ends < starts {
        return Err("结束日期不能早于开始日期");
    }
    if (ends - starts).num_days() >= MAX_DAYS {
        return Err("一轮慰问最长31天");
    }
    Ok(())
}

/// Where a stop stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Open,
    Taken { mine: bool },
    Delivered,
}

/// Is the round open for taking and delivering today?
pub fn open_on(starts: NaiveDate, ends: NaiveDate, today: NaiveDate) -> Result<(), Refused> {
    if today < starts {
        return Err(Refused {
            code: "round_not_started", zh: "慰问还没有开始", en: "The round has not started"
        });
    }
    if today > ends {
        return Err(Refused { code: "round_ended", zh: "这轮慰问已经结束", en: "The round has ended" });
    }
    Ok(())
}

/// May the caller take this stop (it is open)?
pub fn may_take(s: Stop) -> Result<(), Refused> {
    match s {
        Stop::Open => Ok(()),
        Stop::Taken { mine: true } => {
            Err(Refused { code: "stop_yours", zh: "这一户已由您认领", en: "You have taken it" })
        }
        Stop::Taken { mine: false } => {
            Err(Refused {
                code: "stop_taken", zh: "这一户已被其他志愿者认领", en: "Someone else has taken it"
            })
        }
        Stop::Delivered => {
            Err(Refused { code: "stop_delivered", zh: "这一户已经送达", en: "Already delivered" })
        }
    }
}

/// May the caller mark this stop delivered: theirs, or any not yet delivered when they are staff.
pub fn may_deliver(s: Stop, staff: bool) -> Result<(), Refused> {
    match s {
        Stop::Taken { mine: true } => Ok(()),
        Stop::Open | Stop::Taken { .. } if staff => Ok(()),
        Stop::Open => Err(Refused { code: "stop_not_taken", zh: "请先认领这一户", en: "Take the stop first" }),
        Stop::Taken { .. } => {
            Err(Refused {
                code: "stop_taken", zh: "这一户已被其他志愿者认领", en: "Someone else has taken it"
            })
        }
        Stop::Delivered => {
            Err(Refused { code: "stop_delivered", zh: "这一户已经送达", en: "Already delivered" })
        }
    }
}

/// A resident's name as a volunteer sees it: the family name and 「*」 for the rest (staff see it whole).
pub fn shown_name(name: &str, staff: bool) -> String {
    if staff {
        return name.to_string();
    }
    let mut cs = name.chars();
    match cs.next() {
        Some(first) => std::iter::once(first).chain(cs.map(|_| '*')).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_round_runs_from_today_for_at_most_a_month() {
        let today = d("2026-11-28");
        assert!(days(today, d("2026-12-05"), today).is_ok());
        assert!(days(d("2026-11-27"), d("2026-12-05"), today).is_err());
        assert!(days(d("2026-12-05"), d("2026-12-04"), today).is_err());
        assert!(days(today, today + chrono::Duration::days(30), today).is_ok());
        assert!(days(today, today + chrono::Duration::days(31), today).is_err());
        assert_eq!(open_on(d("2026-11-29"), d("2026-12-01"), today).unwrap_err().code, "round_not_started");
        assert_eq!(open_on(d("2026-11-20"), d("2026-11-27"), today).unwrap_err().code, "round_ended");
        assert!(open_on(today, today, today).is_ok());
    }

    #[test]
    fn only_an_open_stop_is_taken_and_only_its_taker_or_staff_deliver_it() {
        assert!(may_take(Stop::Open).is_ok());
        assert_eq!(may_take(Stop::Taken { mine: false }).unwrap_err().code, "stop_taken");
        assert_eq!(may_take(Stop::Delivered).unwrap_err().code, "stop_delivered");
        assert!(may_deliver(Stop::Taken { mine: true }, false).is_ok());
        assert_eq!(may_deliver(Stop::Taken { mine: false }, false).unwrap_err().code, "stop_taken");
        assert_eq!(may_deliver(Stop::Open, false).unwrap_err().code, "stop_not_taken");
        assert!(may_deliver(Stop::Open, true).is_ok());
        assert!(may_deliver(Stop::Taken { mine: false }, true).is_ok());
        assert_eq!(may_deliver(Stop::Delivered, true).unwrap_err().code, "stop_delivered");
    }

    #[test]
    fn volunteers_see_the_family_name_only() {
        assert_eq!(shown_name("王秀英", false), "王**");
        assert_eq!(shown_name("王秀英", true), "王秀英");
        assert_eq!(shown_name("", false), "");
    }

    proptest! {
        #[test]
        fn a_delivered_stop_is_never_taken_or_delivered_again(staff: bool, mine: bool) {
            prop_assert!(may_take(Stop::Delivered).is_err());
            prop_assert!(may_deliver(Stop::Delivered, staff).is_err());
            prop_assert_eq!(may_take(Stop::Taken { mine }).is_err(), true);
        }

        #[test]
        fn a_masked_name_keeps_its_length(name in "\\PC{0,10}") {
            prop_assert_eq!(shown_name(&name, false).chars().count(), name.chars().count());
        }
    }
}
