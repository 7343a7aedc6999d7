//! 党员联系户 and 先锋岗 rules, plain functions on plain types: how a visit was made, what a visit note
//! must hold, how many households one member keeps in touch with, and the two kinds of post a member
//! holds on a project.

use chrono::NaiveDate;

use crate::error::FieldError;

crate::coded! {
    /// How a 联系户 was reached.
    pub enum VisitHow: "party_visit_how" {
        Door,
        Phone,
        Wechat,
    }
}

crate::coded! {
    /// 党员先锋岗 (a post held in front-line service) or 党员示范岗 (a model post).
    pub enum StationKind: "party_station_kind" {
        Pioneer,
        Model,
    }
}

/// A member keeps in touch with "a handful" of households: more than this is refused (a branch spreads
/// them over its members instead).
pub const MAX_CONTACTS: usize = 10;

/// A visit as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitInput {
    pub visited_on: NaiveDate,
    pub how: VisitHow,
    pub note: String,
    pub raised: Option<String>,
}

/// Check a visit: a day no later than today and within a year back (a log kept up to date, not
/// reconstructed), how, what was found (1–500 characters), what was raised (≤ 500). Every problem at
/// once, each on its field.
pub fn check_visit(
    visited_on: &str,
    how: &str,
    note: &str,
    raised: &str,
    today: NaiveDate,
) -> Result<VisitInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let day = match crate::text::num(visited_on).trim() {
        "" => Some(today),
        s => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().filter(|d| *d <= today && (today - *d).num_days() <= 366),
    };
    if day.is_none() {
        errors.push(FieldError::new("visited_on", "走访日期无效（一年内、不晚于今天）"));
    }
    let how = how.parse::<VisitHow>().ok();
    if how.is_none() {
        errors.push(FieldError::new("how", "请选择走访方式"));
    }
    let note = crate::text::normalize(note);
    if note.is_empty() || note.chars().count() > 500 {
        errors.push(FieldError::new("note", "请填写走访情况（不超过500字）"));
    }
    let raised = crate::text::normalize(raised);
    if raised.chars().count() > 500 {
        errors.push(FieldError::new("raised", "反映的问题不超过500字"));
    }
    match (errors.is_empty(), day, how) {
        (true, Some(visited_on), Some(how)) => {
            Ok(VisitInput { visited_on, how, note, raised: (!raised.is_empty()).then_some(raised) })
        }
        _ => Err(errors),
    }
}

/// A post's title: 2–60 characters, e.g. 「党员先锋岗·客服前台」.
pub fn check_title(title: &str) -> Result<String, FieldError> {
    let t = crate::text::normalize(title);
    let n = t.chars().count();
    if (2..=60).contains(&n) { Ok(t) } else { Err(FieldError::new("title", "请填写岗位名称（2–60字）")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_visit_is_checked_field_by_field() {
        let today = day("2026-11-28");
        let v = check_visit("2026-11-20", "door", " 老人身体好，  想要扶手 ", "", today).unwrap();
        assert_eq!(v.visited_on, day("2026-11-20"));
        assert_eq!(v.how, VisitHow::Door);
        assert_eq!(v.note, "老人身体好，  想要扶手");
        assert_eq!(v.raised, None);
        assert_eq!(check_visit("", "phone", "好", "楼道灯坏了", today).unwrap().visited_on, today);
        let e = check_visit("2026-12-01", "fax", "", &"长".repeat(501), today).unwrap_err();
        let fields: Vec<_> = e.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["visited_on", "how", "note", "raised"]);
        assert!(check_visit("2025-11-01", "door", "好", "", today).is_err(), "more than a year back");
        assert!(check_visit("２０２６-１１-２０", "door", "好", "", today).is_ok(), "full-width digits");
    }

    #[test]
    fn a_title_has_two_to_sixty_characters() {
        assert_eq!(check_title(" 党员先锋岗·客服前台 ").unwrap(), "党员先锋岗·客服前台");
        assert!(check_title("岗").is_err());
        assert!(check_title(&"岗".repeat(61)).is_err());
    }
}
