//! Honours' rules: the levels (国家 … 公司, highest first on a wall), who may receive one, and the checks
//! an award must pass — plain functions on plain types.

use chrono::NaiveDate;

crate::coded! {
    /// The level of the body granting an honour.
    pub enum Level: "honour_level" {
        National,
        Provincial,
        City,
        District,
        Street,
        Community,
        Company,
    }
}

crate::coded! {
    /// Who receives it: an organisation (an org node, e.g. the project) or a person.
    pub enum RecipientKind: "honour_recipient" {
        Org,
        Person,
    }
}

impl Level {
    /// Higher levels first on a wall.
    pub fn rank(self) -> u8 {
        match self {
            Level::National => 0,
            Level::Provincial => 1,
            Level::City => 2,
            Level::District => 3,
            Level::Street => 4,
            Level::Community => 5,
            Level::Company => 6,
        }
    }
}

/// Why an award cannot stand (each maps to a field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwardError {
    /// Before the People's Republic, or after today.
    Date,
    Title,
    Grantor,
    Citation,
}

/// Check an award's own facts: a title and grantor of sensible length, a date from 1949-10-01 to today,
/// a citation of at most 1,000 characters.
pub fn check(title: &str, grantor: &str, awarded_on: NaiveDate, citation: &str, today: NaiveDate) -> Vec<AwardError> {
    let mut out = Vec::new();
    let len = |s: &str| s.chars().count();
    if len(title) == 0 || len(title) > 60 {
        out.push(AwardError::Title);
    }
    if len(grantor) == 0 || len(grantor) > 60 {
        out.push(AwardError::Grantor);
    }
    let founding = NaiveDate::from_ymd_opt(1949, 10, 1).unwrap_or(NaiveDate::MIN);
    if awarded_on < founding || awarded_on > today {
        out.push(AwardError::Date);
    }
    if len(citation) > 1000 {
        out.push(AwardError::Citation);
    }
    out
}

/// Order a wall: newest first, and on one day the higher level first.
pub fn wall_order(a: (NaiveDate, Level), b: (NaiveDate, Level)) -> std::cmp::Ordering {
    b.0.cmp(&a.0).then(a.1.rank().cmp(&b.1.rank()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn an_award_has_a_title_a_grantor_and_a_date_that_happened() {
        let today = d("2026-11-28");
        assert!(check("爱心单位", "牧马山社区居民委员会", d("2023-07-01"), "", today).is_empty());
        assert_eq!(check("", "x", today, "", today), vec![AwardError::Title]);
        assert_eq!(check("x", "", today, "", today), vec![AwardError::Grantor]);
        assert_eq!(check("x", "y", d("2026-11-29"), "", today), vec![AwardError::Date]);
        assert_eq!(check("x", "y", d("1949-09-30"), "", today), vec![AwardError::Date]);
        assert_eq!(check("x", "y", today, &"字".repeat(1001), today), vec![AwardError::Citation]);
    }

    #[test]
    fn a_wall_shows_the_newest_first_then_the_higher_level() {
        let mut v = vec![
            (d("2023-07-01"), Level::Community),
            (d("2024-01-01"), Level::Company),
            (d("2023-07-01"), Level::City),
        ];
        v.sort_by(|a, b| wall_order(*a, *b));
        assert_eq!(
            v,
            vec![
                (d("2024-01-01"), Level::Company),
                (d("2023-07-01"), Level::City),
                (d("2023-07-01"), Level::Community)
            ]
        );
    }
}
