//! 便民物资共享's rules on plain types: what an item is, where a loan stands and the moves between, the
//! due date, when a borrower is reminded, how late a loan is, how much deposit goes back, and when a
//! reservation not picked up lapses.

use chrono::{DateTime, Duration, NaiveDate, Utc};

crate::coded! {
    /// What kind of thing is lent.
    pub enum ItemKind: "lend_kind" {
        Ladder,
        Wheelchair,
        Toolkit,
        Umbrella,
        Stroller,
        Other,
    }
}

crate::coded! {
    /// Where a loan stands.
    pub enum LoanState: "loan_state" {
        /// Asked for by a resident on the phone; the item is kept for them until picked up.
        Reserved,
        /// Handed over; due back on `due_on`.
        Out,
        /// Back at the centre.
        Returned,
        /// The reservation was withdrawn or lapsed.
        Cancelled,
    }
}

crate::coded! {
    /// An item's condition, as checked on return.
    pub enum Condition: "lend_condition" {
        Good,
        Worn,
        /// Not lent again until repaired.
        Damaged,
    }
}

/// What someone does to a loan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    HandOver,
    Return,
    Cancel,
}

pub use crate::error::Refused;

pub const ITEM_OUT: Refused = Refused {
    code: "item_out",
    zh: "这件物品已被借出或预约，请选择其他物品",
    en: "This item is already lent or reserved",
};

/// The state a move leads to, or why not.
pub fn next(state: LoanState, m: Move) -> Result<LoanState, Refused> {
    use LoanState::*;
    match (state, m) {
        (Reserved, Move::HandOver) => Ok(Out),
        (Reserved, Move::Cancel) => Ok(Cancelled),
        (Out, Move::Return) => Ok(Returned),
        (Returned, _) => {
            Err(Refused { code: "loan_returned", zh: "这件物品已归还", en: "The item was returned" })
        }
        (Cancelled, _) => {
            Err(Refused { code: "loan_cancelled", zh: "这次借用已取消", en: "The loan was cancelled" })
        }
        (Out, Move::Cancel) => Err(Refused {
            code: "loan_out",
            zh: "物品已借出，不能取消，请归还",
            en: "The item is out; return it instead of cancelling",
        }),
        _ => Err(Refused {
            code: "wrong_state",
            zh: "借用状态已变化，请刷新",
            en: "The loan is not in a state for this",
        }),
    }
}

/// May this item be lent now (not retired, not damaged)? Whether it is already out is the database's
/// answer (the unique open loan), not this one's.
pub fn lendable(condition: Condition, retired: bool) -> Result<(), Refused> {
    if retired {
        return Err(Refused { code: "item_retired", zh: "这件物品已停用", en: "The item is no longer lent" });
    }
    if condition == Condition::Damaged {
        return Err(Refused {
            code: "item_damaged", zh: "这件物品待维修，暂不外借", en: "The item is being repaired"
        });
    }
    Ok(())
}

/// Longest loan and largest deposit a centre may set.
pub const MAX_DAYS: i64 = 90;
pub const MAX_DEPOSIT_FEN: i64 = 200_000;

/// The day an item handed over on `day` for `days` days is due back.
pub fn due_on(day: NaiveDate, days: i64) -> NaiveDate {
    day + Duration::days(days.clamp(1, MAX_DAYS))
}

/// Days late on `today` (0 when not yet due).
pub fn days_late(due: NaiveDate, today: NaiveDate) -> i64 {
    (today - due).num_days().max(0)
}

/// Is a reminder due today: the day before the due date, the due date, and every day after while out —
/// each at most once a day (`last` is the last day one was sent).
pub fn remind_today(due: NaiveDate, today: NaiveDate, last: Option<NaiveDate>) -> bool {
    today >= due - Duration::days(1) && last.is_none_or(|l| l < today)
}

/// A reservation not picked up within two days lapses (the item goes back on the shelf).
pub fn reservation_lapsed(requested_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - requested_at >= Duration::hours(48)
}

/// The deposit kept on return, checked: from 0 to what was taken; kept only for damage.
pub fn deposit_kept(taken: i64, kept: i64, condition: Condition) -> Result<i64, Refused> {
    if !(0..=taken).contains(&kept) {
        return Err(Refused {
            code: "deposit_kept",
            zh: "扣留押金须在0与所收押金之间",
            en: "The deposit kept must be between 0 and the deposit taken",
        });
    }
    if kept > 0 && condition != Condition::Damaged {
        return Err(Refused {
            code: "deposit_kept",
            zh: "物品完好时押金应全额退还",
            en: "The deposit goes back in full when nothing is damaged",
        });
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_loan_moves_reserved_out_returned_and_nothing_else() {
        use LoanState::*;
        assert_eq!(next(Reserved, Move::HandOver), Ok(Out));
        assert_eq!(next(Reserved, Move::Cancel), Ok(Cancelled));
        assert_eq!(next(Out, Move::Return), Ok(Returned));
        assert_eq!(next(Out, Move::Cancel).unwrap_err().code, "loan_out");
        assert_eq!(next(Out, Move::HandOver).unwrap_err().code, "wrong_state");
        assert_eq!(next(Reserved, Move::Return).unwrap_err().code, "wrong_state");
        for m in [Move::HandOver, Move::Return, Move::Cancel] {
            assert_eq!(next(Returned, m).unwrap_err().code, "loan_returned");
            assert_eq!(next(Cancelled, m).unwrap_err().code, "loan_cancelled");
        }
    }

    #[test]
    fn damaged_or_retired_items_are_not_lent() {
        assert!(lendable(Condition::Good, false).is_ok());
        assert!(lendable(Condition::Worn, false).is_ok());
        assert_eq!(lendable(Condition::Damaged, false).unwrap_err().code, "item_damaged");
        assert_eq!(lendable(Condition::Good, true).unwrap_err().code, "item_retired");
    }

    #[test]
    fn reminders_start_the_day_before_and_come_once_a_day() {
        let due = d("2026-12-10");
        assert!(!remind_today(due, d("2026-12-08"), None));
        assert!(remind_today(due, d("2026-12-09"), None));
        assert!(!remind_today(due, d("2026-12-09"), Some(d("2026-12-09"))));
        assert!(remind_today(due, d("2026-12-10"), Some(d("2026-12-09"))));
        assert!(remind_today(due, d("2026-12-15"), Some(d("2026-12-14"))));
        assert_eq!(days_late(due, d("2026-12-09")), 0);
        assert_eq!(days_late(due, d("2026-12-13")), 3);
    }

    #[test]
    fn deposit_goes_back_unless_damaged() {
        assert_eq!(deposit_kept(5000, 0, Condition::Good), Ok(0));
        assert_eq!(deposit_kept(5000, 2000, Condition::Damaged), Ok(2000));
        assert_eq!(deposit_kept(5000, 2000, Condition::Worn).unwrap_err().code, "deposit_kept");
        assert_eq!(deposit_kept(5000, 6000, Condition::Damaged).unwrap_err().code, "deposit_kept");
        assert_eq!(deposit_kept(5000, -1, Condition::Damaged).unwrap_err().code, "deposit_kept");
    }

    #[test]
    fn a_reservation_lapses_after_two_days() {
        let t = DateTime::parse_from_rfc3339("2026-11-28T02:00:00Z").unwrap().with_timezone(&Utc);
        assert!(!reservation_lapsed(t, t + Duration::hours(47)));
        assert!(reservation_lapsed(t, t + Duration::hours(48)));
    }

    proptest! {
        #[test]
        fn due_is_within_the_limit_and_late_days_never_negative(days in -10i64..200, off in -400i64..400) {
            let day = d("2026-06-01");
            let due = due_on(day, days);
            let span = (due - day).num_days();
            prop_assert!((1..=MAX_DAYS).contains(&span));
            let today = day + Duration::days(off);
            prop_assert!(days_late(due, today) >= 0);
            prop_assert_eq!(days_late(due, today) > 0, today > due);
        }
    }
}
