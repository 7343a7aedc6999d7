//! 党费 rules, plain functions on plain types: the monthly due from the published brackets — kept as data
//! (rows), so a change of rule is a change of rows — and the months a member has not paid.
//!
//! The brackets (中组部《关于中国共产党党费收缴、使用和管理的规定》): members in work pay on their monthly
//! income ≤ 3,000 yuan 0.5 %, 3,000–5,000 1 %, 5,000–10,000 1.5 %, above 10,000 2 % (the rate of the
//! bracket applies to the whole income); retirees ≤ 5,000 0.5 %, above 1 %; students, the unemployed and
//! those on 低保 0.2 yuan a month.

use chrono::{Datelike, NaiveDate};

crate::coded! {
    /// Which brackets apply to a member.
    pub enum Category: "party_dues_category" {
        InWork,
        Retired,
        /// Students, the unemployed, those on 低保: a fixed small amount.
        Special,
    }
}

/// One bracket: for `category`, incomes above `above_fen` up to `upto_fen` (none: no upper bound) pay
/// `permille`‰ of the whole income, or `fixed_fen` a month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bracket {
    pub category: Category,
    pub above_fen: i64,
    pub upto_fen: Option<i64>,
    pub permille: i64,
    pub fixed_fen: Option<i64>,
}

/// The published brackets (also the migration's seed rows).
pub const DEFAULT_BRACKETS: [Bracket; 7] = [
    Bracket { category: Category::InWork, above_fen: 0, upto_fen: Some(300_000), permille: 5, fixed_fen: None },
    Bracket { category: Category::InWork, above_fen: 300_000, upto_fen: Some(500_000), permille: 10, fixed_fen: None },
    Bracket {
        category: Category::InWork,
        above_fen: 500_000,
        upto_fen: Some(1_000_000),
        permille: 15,
        fixed_fen: None,
    },
    Bracket { category: Category::InWork, above_fen: 1_000_000, upto_fen: None, permille: 20, fixed_fen: None },
    Bracket { category: Category::Retired, above_fen: 0, upto_fen: Some(500_000), permille: 5, fixed_fen: None },
    Bracket { category: Category::Retired, above_fen: 500_000, upto_fen: None, permille: 10, fixed_fen: None },
    Bracket { category: Category::Special, above_fen: -1, upto_fen: None, permille: 0, fixed_fen: Some(20) },
];

/// The monthly due in fen for this category and monthly income (fen), rounded half up to the fen; none
/// when no bracket covers it (an income of 0 in work: nothing is due).
pub fn monthly_due(brackets: &[Bracket], category: Category, income_fen: i64) -> Option<i64> {
    let b = brackets
        .iter()
        .find(|b| b.category == category && income_fen > b.above_fen && b.upto_fen.is_none_or(|u| income_fen <= u))?;
    Some(match b.fixed_fen {
        Some(f) => f,
        None => (income_fen * b.permille + 500) / 1000,
    })
}

/// `YYYY-MM` of a day.
pub fn month_of(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

/// The months from `since` up to and including `until`, as `YYYY-MM` (at most 120).
pub fn months(since: NaiveDate, until: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    let (mut y, mut m) = (since.year(), since.month());
    while (y, m) <= (until.year(), until.month()) && out.len() < 120 {
        out.push(format!("{y:04}-{m:02}"));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

/// The months owed this year: every month from `since` (or 1 January) to last month — the current month
/// is not late yet — with no payment. Earlier years are settled by the annual 党费 check, not here.
pub fn arrears(since: NaiveDate, today: NaiveDate, paid: &[String]) -> Vec<String> {
    let since = since.max(NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(since));
    let first = today.with_day(1).unwrap_or(today);
    let Some(last) = first.pred_opt() else { return vec![] };
    if last < since {
        return vec![];
    }
    months(since, last).into_iter().filter(|m| !paid.contains(m)).collect()
}

pub use crate::text::{fen_to_yuan, yuan_to_fen};

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_published_brackets() {
        let b = &DEFAULT_BRACKETS;
        assert_eq!(monthly_due(b, Category::InWork, 300_000), Some(1_500)); // 3,000 → 15.00
        assert_eq!(monthly_due(b, Category::InWork, 300_001), Some(3_000)); // just above → 1 %
        assert_eq!(monthly_due(b, Category::InWork, 800_000), Some(12_000)); // 8,000 → 1.5 % = 120.00
        assert_eq!(monthly_due(b, Category::InWork, 1_200_000), Some(24_000)); // 12,000 → 2 %
        assert_eq!(monthly_due(b, Category::Retired, 450_000), Some(2_250));
        assert_eq!(monthly_due(b, Category::Retired, 600_000), Some(6_000));
        assert_eq!(monthly_due(b, Category::Special, 0), Some(20));
        assert_eq!(monthly_due(b, Category::InWork, 0), None);
        assert_eq!(monthly_due(b, Category::InWork, 123_457), Some(617)); // 6.17285 → 6.17
    }

    #[test]
    fn arrears_are_the_unpaid_months_before_this_one() {
        let paid = vec!["2026-09".to_string()];
        assert_eq!(arrears(d("2026-08-15"), d("2026-11-30"), &paid), ["2026-08", "2026-10"]);
        assert!(arrears(d("2026-11-02"), d("2026-11-30"), &[]).is_empty());
        // Only this year's months are counted.
        assert_eq!(arrears(d("2020-01-01"), d("2026-03-10"), &paid), ["2026-01", "2026-02"]);
        assert_eq!(months(d("2025-12-01"), d("2026-01-31")), ["2025-12", "2026-01"]);
    }

    #[test]
    fn amounts_read_as_people_type_them() {
        assert_eq!(yuan_to_fen("3500"), Some(350_000));
        assert_eq!(yuan_to_fen("3,500.5"), Some(350_050));
        assert_eq!(yuan_to_fen("３５００"), Some(350_000));
        assert_eq!(yuan_to_fen("0.2"), Some(20));
        assert_eq!(yuan_to_fen("-5"), None);
        assert_eq!(yuan_to_fen("1.234"), None);
        assert_eq!(fen_to_yuan(1_750), "17.50");
    }

    proptest! {
        /// Within a bracket the due grows with income, and every income in work above 0 owes something.
        #[test]
        fn dues_follow_income(a in 1i64..5_000_000, b in 1i64..5_000_000) {
            let (lo, hi) = (a.min(b), a.max(b));
            let due = |x| monthly_due(&DEFAULT_BRACKETS, Category::InWork, x).unwrap();
            prop_assert!(due(lo) <= due(hi));
            prop_assert!(due(lo) >= 0 && due(hi) <= hi / 50 + 1);
        }
    }
}
