//! 联建's rules, plain functions on plain types: the three lists of 一书三单, a project's status, the two
//! sides that write an assessment, an agreement's term, and the annual review's figures.

use chrono::{Datelike, NaiveDate};

crate::coded! {
    /// The lists of 一书三单.
    pub enum List: "joint_list" {
        /// 资源清单: what each side offers.
        Resource,
        /// 需求清单: what residents need.
        Need,
        /// 项目清单: the joint projects.
        Project,
    }
}

crate::coded! {
    /// A joint project's status.
    pub enum Status: "joint_status" {
        Planned,
        Doing,
        Done,
    }
}

crate::coded! {
    /// Who offers a resource, and who writes an assessment.
    pub enum Side: "joint_side" {
        /// 社区（党委）
        Community,
        /// 物业企业
        Company,
        /// 业主（业委会）
        Owners,
        /// 党员志愿者
        Members,
    }
}

impl Side {
    /// Only the two signing sides write an annual assessment.
    pub fn assesses(self) -> bool {
        matches!(self, Side::Community | Side::Company)
    }
}

/// Why an agreement's dates cannot stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermError {
    /// It ends on or before the day it starts.
    EndsBeforeStart,
    /// Signed after it started by more than a year, or in the future.
    Signed,
    /// Longer than ten years.
    TooLong,
}

/// Check an agreement's term: it ends after it starts, lasts at most ten years, and was signed no later
/// than today.
pub fn check_term(signed: NaiveDate, starts: NaiveDate, ends: NaiveDate, today: NaiveDate) -> Result<(), TermError> {
    if ends <= starts {
        return Err(TermError::EndsBeforeStart);
    }
    if signed > today {
        return Err(TermError::Signed);
    }
    if ends.year() - starts.year() > 10 {
        return Err(TermError::TooLong);
    }
    Ok(())
}

/// A project's done day when its status changes: set on becoming done, kept while done, cleared otherwise.
pub fn done_on(before: Option<NaiveDate>, status: Status, today: NaiveDate) -> Option<NaiveDate> {
    match status {
        Status::Done => Some(before.unwrap_or(today)),
        _ => None,
    }
}

/// Whether an agreement is in force on a day.
pub fn in_force(starts: NaiveDate, ends: NaiveDate, day: NaiveDate) -> bool {
    starts <= day && day <= ends
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_term_ends_after_it_starts_and_was_signed_already() {
        let today = d("2026-11-28");
        assert_eq!(check_term(d("2023-03-01"), d("2023-03-01"), d("2026-02-28"), today), Ok(()));
        assert_eq!(
            check_term(d("2023-03-01"), d("2023-03-01"), d("2023-03-01"), today),
            Err(TermError::EndsBeforeStart)
        );
        assert_eq!(
            check_term(d("2023-03-01"), d("2023-03-01"), d("2022-03-01"), today),
            Err(TermError::EndsBeforeStart)
        );
        assert_eq!(check_term(d("2026-12-01"), d("2027-01-01"), d("2028-01-01"), today), Err(TermError::Signed));
        assert_eq!(check_term(d("2023-03-01"), d("2023-03-01"), d("2040-01-01"), today), Err(TermError::TooLong));
    }

    #[test]
    fn done_keeps_its_first_day() {
        let today = d("2026-11-28");
        assert_eq!(done_on(None, Status::Done, today), Some(today));
        assert_eq!(done_on(Some(d("2026-10-01")), Status::Done, today), Some(d("2026-10-01")));
        assert_eq!(done_on(Some(d("2026-10-01")), Status::Doing, today), None);
        assert!(in_force(d("2023-03-01"), d("2026-02-28"), d("2026-02-28")));
        assert!(!in_force(d("2023-03-01"), d("2026-02-28"), d("2026-03-01")));
        assert!(Side::Community.assesses() && !Side::Owners.assesses());
    }
}
