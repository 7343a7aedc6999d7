//! 结对 rules, plain functions on plain types: a pairing's terms, a staff rotation's dates (within the
//! pairing's term, at most three months — the article's exchange is one month), whether two rotations
//! of one person overlap, and where a rotation stands on a day.

use chrono::{Datelike, NaiveDate};

use crate::error::FieldError;

crate::coded! {
    /// Where a rotation stands on a day.
    pub enum RotationState: "pair_rotation_state" {
        Upcoming,
        Current,
        Done,
    }
}

/// The longest rotation (days, both ends counted).
pub const MAX_ROTATION_DAYS: i64 = 92;

pub fn state(starts: NaiveDate, ends: NaiveDate, today: NaiveDate) -> RotationState {
    if today < starts {
        RotationState::Upcoming
    } else if today <= ends {
        RotationState::Current
    } else {
        RotationState::Done
    }
}

/// Do two date ranges (both ends inclusive) share a day?
pub fn overlaps(a: (NaiveDate, NaiveDate), b: (NaiveDate, NaiveDate)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

fn date(s: &str) -> Option<NaiveDate> {
    crate::text::day(s)
}

/// A pairing as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct PairingInput {
    pub title: String,
    pub aims: Option<String>,
    pub signed_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

/// Check a pairing: a title (2–100), aims (≤ 1000), signed no later than today (and not before 2000),
/// an end (optional) after the signing.
pub fn check_pairing(
    title: &str,
    aims: &str,
    signed_on: &str,
    ends_on: &str,
    today: NaiveDate,
) -> Result<PairingInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let title = crate::text::normalize(title);
    if !(2..=100).contains(&title.chars().count()) {
        errors.push(FieldError::new("title", "请填写结对名称（2–100字）"));
    }
    let aims = aims.trim().to_string();
    if aims.chars().count() > 1000 {
        errors.push(FieldError::new("aims", "结对内容不超过1000字"));
    }
    let signed = date(signed_on).filter(|d| *d <= today && d.year() >= 2000);
    if signed.is_none() {
        errors.push(FieldError::new("signed_on", "签订日期无效（不晚于今天）"));
    }
    let ends = match ends_on.trim() {
        "" => Some(None),
        s => date(s).map(Some),
    };
    match (ends, signed) {
        (None, _) => errors.push(FieldError::new("ends_on", "结束日期无效（格式 2026-12-31）")),
        (Some(Some(e)), Some(s)) if e <= s => errors.push(FieldError::new("ends_on", "结束日期须晚于签订日期")),
        _ => {}
    }
    match (errors.is_empty(), signed, ends) {
        (true, Some(signed_on), Some(ends_on)) => {
            Ok(PairingInput { title, aims: (!aims.is_empty()).then_some(aims), signed_on, ends_on })
        }
        _ => Err(errors),
    }
}

/// A rotation as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct RotationInput {
    pub duty: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// Check a rotation's duty (2–60) and dates: ends on or after it starts, at most
/// [`MAX_ROTATION_DAYS`], inside the pairing's term (from its signing to its end, if any).
pub fn check_rotation(
    duty: &str,
    starts_on: &str,
    ends_on: &str,
    term: (NaiveDate, Option<NaiveDate>),
) -> Result<RotationInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let duty = crate::text::normalize(duty);
    if !(2..=60).contains(&duty.chars().count()) {
        errors.push(FieldError::new("duty", "请填写轮岗岗位（2–60字）"));
    }
    let (s, e) = (date(starts_on), date(ends_on));
    if s.is_none() {
        errors.push(FieldError::new("starts_on", "开始日期无效（格式 2026-12-01）"));
    }
    if e.is_none() {
        errors.push(FieldError::new("ends_on", "结束日期无效（格式 2026-12-31）"));
    }
    if let (Some(s), Some(e)) = (s, e) {
        if e < s {
            errors.push(FieldError::new("ends_on", "结束日期不能早于开始日期"));
        } else if (e - s).num_days() + 1 > MAX_ROTATION_DAYS {
            errors.push(FieldError::new("ends_on", "一次轮岗不超过三个月"));
        }
        if s < term.0 || term.1.is_some_and(|end| e > end) {
            errors.push(FieldError::new("starts_on", "轮岗须在结对期限之内"));
        }
    }
    match (errors.is_empty(), s, e) {
        (true, Some(starts_on), Some(ends_on)) => Ok(RotationInput { duty, starts_on, ends_on }),
        _ => Err(errors),
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
    fn a_rotation_stands_by_the_day() {
        let (s, e) = (d("2026-12-01"), d("2026-12-31"));
        assert_eq!(state(s, e, d("2026-11-30")), RotationState::Upcoming);
        assert_eq!(state(s, e, s), RotationState::Current);
        assert_eq!(state(s, e, e), RotationState::Current);
        assert_eq!(state(s, e, d("2027-01-01")), RotationState::Done);
    }

    #[test]
    fn a_rotation_is_checked_against_the_term() {
        let term = (d("2023-06-01"), Some(d("2027-05-31")));
        let r = check_rotation("客服主管", "2026-12-01", "2026-12-31", term).unwrap();
        assert_eq!((r.starts_on, r.ends_on), (d("2026-12-01"), d("2026-12-31")));
        let e = check_rotation("x", "2026-12-31", "2026-12-01", term).unwrap_err();
        assert_eq!(e.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["duty", "ends_on"]);
        assert!(check_rotation("客服", "2026-01-01", "2026-04-30", term).is_err(), "four months");
        assert!(check_rotation("客服", "2026-01-01", "2026-04-02", term).is_ok(), "92 days");
        assert!(check_rotation("客服", "2023-05-01", "2023-06-15", term).is_err(), "before the signing");
        assert!(check_rotation("客服", "2027-05-15", "2027-06-15", term).is_err(), "after the end");
        assert!(check_rotation("客服", "2030-01-01", "2030-01-31", (term.0, None)).is_ok(), "open-ended");
    }

    #[test]
    fn a_pairing_is_checked() {
        let today = d("2026-11-28");
        let p = check_pairing(" 结对共建 ", "", "2023-06-01", "", today).unwrap();
        assert_eq!((p.title.as_str(), p.aims, p.ends_on), ("结对共建", None, None));
        let e = check_pairing("", "", "2026-12-01", "2026-01-01", today).unwrap_err();
        assert_eq!(e.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["title", "signed_on"]);
        let e = check_pairing("结对", "", "2023-06-01", "2023-05-01", today).unwrap_err();
        assert_eq!(e[0].field, "ends_on");
    }

    proptest! {
        /// Overlap is symmetric and agrees with "some day lies in both".
        #[test]
        fn overlap_is_a_shared_day(a0 in 0i64..60, al in 0i64..20, b0 in 0i64..60, bl in 0i64..20) {
            let base = d("2026-01-01");
            let a = (base + chrono::Duration::days(a0), base + chrono::Duration::days(a0 + al));
            let b = (base + chrono::Duration::days(b0), base + chrono::Duration::days(b0 + bl));
            let shared = (0..100).any(|i| {
                let x = base + chrono::Duration::days(i);
                a.0 <= x && x <= a.1 && b.0 <= x && x <= b.1
            });
            prop_assert_eq!(overlaps(a, b), shared);
            prop_assert_eq!(overlaps(a, b), overlaps(b, a));
        }
    }
}
