//! C5 rules, plain functions on plain types: a membership's dates (预备期 one year before 转正), the
//! committee's size against the 《中国共产党支部工作条例（试行）》 (shown as warnings, never blocks), and a
//! member's 政治生日.

use chrono::{Datelike, NaiveDate};

use crate::error::FieldError;

crate::coded! {
    /// 预备党员 or 正式党员.
    pub enum MemberStatus: "party_member_status" {
        Probationary,
        Full,
    }
}

crate::coded! {
    /// A post on a branch's committee (支委会).
    pub enum Post: "party_post" {
        Secretary,
        DeputySecretary,
        Organisation,
        Publicity,
        Discipline,
        Member,
    }
}

/// A membership as typed: status, 入党日期, 转正日期.
#[derive(Debug, Clone, PartialEq)]
pub struct MembershipInput {
    pub status: MemberStatus,
    pub joined_on: NaiveDate,
    pub confirmed_on: Option<NaiveDate>,
}

/// The end of a 预备期: one year after joining (29 February joins end on 28 February).
pub fn probation_ends(joined_on: NaiveDate) -> NaiveDate {
    anniversary(joined_on, joined_on.year() + 1)
}

/// Check a membership: dates not in the future, a full member confirmed no earlier than a year after
/// joining, a probationary one not confirmed yet. Every problem at once, each on its field.
pub fn check_membership(
    status: &str,
    joined_on: &str,
    confirmed_on: &str,
    today: NaiveDate,
) -> Result<MembershipInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let date = |s: &str| crate::text::day(s);
    let status = status.parse::<MemberStatus>().ok();
    if status.is_none() {
        errors.push(FieldError::new("status", "请选择预备党员或正式党员"));
    }
    let joined = date(joined_on).filter(|d| *d <= today && d.year() >= 1921);
    if joined.is_none() {
        errors.push(FieldError::new("joined_on", "请填写入党日期（不晚于今天）"));
    }
    let confirmed = match confirmed_on.trim() {
        "" => None,
        s => match date(s) {
            Some(d) if d <= today => Some(d),
            _ => {
                errors.push(FieldError::new("confirmed_on", "转正日期无效或晚于今天"));
                None
            }
        },
    };
    if let (Some(s), Some(j)) = (status, joined) {
        match (s, confirmed) {
            (MemberStatus::Full, None) if confirmed_on.trim().is_empty() => {
                errors.push(FieldError::new("confirmed_on", "正式党员请填写转正日期"))
            }
            (MemberStatus::Full, Some(c)) if c < probation_ends(j) => {
                errors.push(FieldError::new("confirmed_on", "预备期为一年：转正日期不能早于入党满一年"))
            }
            (MemberStatus::Probationary, Some(_)) => {
                errors.push(FieldError::new("confirmed_on", "预备党员还没有转正日期"))
            }
            _ => {}
        }
    }
    match (errors.is_empty(), status, joined) {
        (true, Some(status), Some(joined_on)) => Ok(MembershipInput { status, joined_on, confirmed_on: confirmed }),
        _ => Err(errors),
    }
}

/// What the 条例 asks of a branch's committee, as catalog keys of warnings (a branch may be mid-election:
/// shown, never refused). `full` counts 正式党员; `committee` the posts held now.
pub fn committee_warnings(full: usize, committee: &[Post]) -> Vec<&'static str> {
    let mut w = Vec::new();
    let secretaries = committee.iter().filter(|p| **p == Post::Secretary).count();
    if secretaries == 0 {
        w.push("party.warn.no_secretary");
    }
    if secretaries > 1 {
        w.push("party.warn.two_secretaries");
    }
    if full >= 7 && committee.len() < 3 {
        w.push("party.warn.committee_needed");
    }
    if full >= 7 && committee.len() > 5 && committee.len() <= 7 {
        w.push("party.warn.committee_over_five");
    }
    if committee.len() > 7 {
        w.push("party.warn.committee_over_seven");
    }
    if full < 7 && committee.iter().any(|p| !matches!(p, Post::Secretary | Post::DeputySecretary)) {
        w.push("party.warn.no_committee_under_seven");
    }
    w
}

/// Is today the member's 政治生日 (the day they joined, a year or more ago)?
pub fn political_birthday(joined_on: NaiveDate, today: NaiveDate) -> Option<i32> {
    let years = today.year() - joined_on.year();
    (years > 0 && anniversary(joined_on, today.year()) == today).then_some(years)
}

/// The anniversary of `d` in `year` (29 February kept on 28 February).
fn anniversary(d: NaiveDate, year: i32) -> NaiveDate {
    d.with_year(year).unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 2, 28).unwrap_or(d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_membership_keeps_the_year_of_probation() {
        let today = d("2026-11-30");
        let ok = check_membership("full", "2020-07-01", "2021-07-01", today).unwrap();
        assert_eq!(ok.status, MemberStatus::Full);
        let e = check_membership("full", "2020-07-01", "2021-06-30", today).unwrap_err();
        assert_eq!(e[0].field, "confirmed_on");
        let e = check_membership("full", "2020-07-01", "", today).unwrap_err();
        assert_eq!(e[0].field, "confirmed_on");
        assert!(check_membership("probationary", "2026-07-01", "", today).is_ok());
        let e = check_membership("probationary", "2026-07-01", "2026-08-01", today).unwrap_err();
        assert_eq!(e[0].field, "confirmed_on");
        let e = check_membership("elder", "2027-01-01", "", today).unwrap_err();
        assert_eq!(e.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["status", "joined_on"]);
        // Full-width digits read as digits.
        assert!(check_membership("probationary", "２０２６-０７-０１", "", today).is_ok());
        assert_eq!(probation_ends(d("2024-02-29")), d("2025-02-28"));
    }

    #[test]
    fn committee_warnings_follow_the_regulation() {
        use Post::*;
        assert_eq!(committee_warnings(5, &[Secretary]), Vec::<&str>::new());
        assert_eq!(committee_warnings(5, &[]), ["party.warn.no_secretary"]);
        assert_eq!(committee_warnings(9, &[Secretary]), ["party.warn.committee_needed"]);
        assert!(committee_warnings(9, &[Secretary, Organisation, Publicity]).is_empty());
        assert_eq!(
            committee_warnings(12, &[Secretary, DeputySecretary, Organisation, Publicity, Discipline, Member]),
            ["party.warn.committee_over_five"]
        );
        assert_eq!(committee_warnings(12, &[Secretary; 8]).len(), 2);
        assert_eq!(committee_warnings(4, &[Secretary, Organisation]), ["party.warn.no_committee_under_seven"]);
    }

    #[test]
    fn a_political_birthday_is_the_joining_day_in_a_later_year() {
        assert_eq!(political_birthday(d("2001-07-01"), d("2026-07-01")), Some(25));
        assert_eq!(political_birthday(d("2026-07-01"), d("2026-07-01")), None);
        assert_eq!(political_birthday(d("2001-07-01"), d("2026-07-02")), None);
        assert_eq!(political_birthday(d("2004-02-29"), d("2025-02-28")), Some(21));
    }

    proptest! {
        /// A full member's accepted 转正日期 is always at least a year after joining.
        #[test]
        fn accepted_confirmations_are_after_probation(j in 0i64..20000, c in 0i64..20000) {
            let base = d("1970-01-01");
            let (jd, cd) = (base + chrono::Duration::days(j), base + chrono::Duration::days(c));
            let today = d("2026-11-30");
            if let Ok(m) = check_membership("full", &jd.to_string(), &cd.to_string(), today) {
                prop_assert!(m.confirmed_on.unwrap() >= probation_ends(m.joined_on));
                prop_assert!(m.confirmed_on.unwrap() <= today);
            }
        }
    }
}
