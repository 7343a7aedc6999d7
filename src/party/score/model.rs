//! 党员积分 rules, plain functions on plain types: the points a member earns in a year from the records
//! (组织生活 attended, 微心愿 fulfilled, 联系户 visits, hours of service), each source with its points per
//! unit and an optional yearly cap. The rules are rows — a branch's own row for a source replaces the
//! default — and the score is never redeemable (it is not the residents' volunteer points ledger).

use crate::error::FieldError;

crate::coded! {
    /// What a member's points come from.
    pub enum Source: "party_score_source" {
        Meeting,
        Wish,
        ContactVisit,
        ServiceHour,
    }
}

/// One rule in force: points per unit of a source, capped per year (none: no cap).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Rule {
    pub source: Source,
    pub points: u32,
    pub yearly_cap: Option<u32>,
    /// The branch's own row rather than the default.
    pub own: bool,
}

/// The rules in force for a branch: for each source, its own row if it has one, else the default; a
/// source with neither earns nothing.
pub fn in_force(defaults: &[Rule], own: &[Rule]) -> Vec<Rule> {
    Source::ALL
        .iter()
        .filter_map(|s| {
            own.iter()
                .find(|r| r.source == *s)
                .map(|r| Rule { own: true, ..*r })
                .or_else(|| defaults.iter().find(|r| r.source == *s).map(|r| Rule { own: false, ..*r }))
        })
        .collect()
}

/// One line of a member's score: how many units, how many points they gave (after the cap).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Line {
    pub source: Source,
    pub units: u32,
    pub points: u32,
}

/// A member's score for the year from their counts per source.
pub fn score(rules: &[Rule], units: impl Fn(Source) -> u32) -> (Vec<Line>, u32) {
    let lines: Vec<Line> = rules
        .iter()
        .map(|r| {
            let n = units(r.source);
            let raw = n.saturating_mul(r.points);
            Line { source: r.source, units: n, points: r.yearly_cap.map_or(raw, |c| raw.min(c)) }
        })
        .collect();
    let total = lines.iter().map(|l| l.points).sum();
    (lines, total)
}

/// A rule as typed by the branch: points 0–100 per unit, a cap 0–1000 or empty.
pub fn check_rule(source: &str, points: &str, cap: &str) -> Result<Rule, Vec<FieldError>> {
    let mut errors = Vec::new();
    let source = source.parse::<Source>().ok();
    if source.is_none() {
        errors.push(FieldError::new("source", "请选择积分来源"));
    }
    let points = crate::text::num(points).parse::<u32>().ok().filter(|n| *n <= 100);
    if points.is_none() {
        errors.push(FieldError::new("points", "每项分值为0–100的整数"));
    }
    let cap = match crate::text::num(cap).as_str() {
        "" => Some(None),
        s => s.parse::<u32>().ok().filter(|n| *n <= 1000).map(Some),
    };
    if cap.is_none() {
        errors.push(FieldError::new("yearly_cap", "年度上限为0–1000的整数，或留空"));
    }
    match (source, points, cap) {
        (Some(source), Some(points), Some(yearly_cap)) if errors.is_empty() => {
            Ok(Rule { source, points, yearly_cap, own: true })
        }
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rule(source: Source, points: u32, cap: Option<u32>) -> Rule {
        Rule { source, points, yearly_cap: cap, own: false }
    }

    #[test]
    fn a_branch_row_replaces_the_default_for_its_source_only() {
        let defaults = [rule(Source::Meeting, 2, None), rule(Source::Wish, 3, Some(30))];
        let own = [Rule { own: true, ..rule(Source::Wish, 5, None) }];
        let r = in_force(&defaults, &own);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0], rule(Source::Meeting, 2, None));
        assert_eq!(r[1], Rule { own: true, ..rule(Source::Wish, 5, None) });
    }

    #[test]
    fn points_are_units_times_rule_capped_per_year() {
        let rules = [rule(Source::Meeting, 2, None), rule(Source::ContactVisit, 1, Some(24))];
        let (lines, total) = score(&rules, |s| if s == Source::Meeting { 14 } else { 30 });
        assert_eq!(lines[0].points, 28);
        assert_eq!(lines[1], Line { source: Source::ContactVisit, units: 30, points: 24 });
        assert_eq!(total, 52);
    }

    #[test]
    fn a_typed_rule_is_checked() {
        assert_eq!(check_rule("wish", "５", "").unwrap(), Rule { own: true, ..rule(Source::Wish, 5, None) });
        assert_eq!(check_rule("meeting", "2", "40").unwrap().yearly_cap, Some(40));
        let e = check_rule("bribe", "101", "-1").unwrap_err();
        assert_eq!(e.len(), 3);
    }

    proptest! {
        /// More of anything never lowers a score, and a capped source never gives more than its cap.
        #[test]
        fn scores_grow_with_the_records_and_respect_caps(
            points in proptest::collection::vec(0u32..=100, 4),
            caps in proptest::collection::vec(proptest::option::of(0u32..=1000), 4),
            units in proptest::collection::vec(0u32..500, 4),
            extra in 0usize..4,
        ) {
            let rules: Vec<Rule> = Source::ALL.iter().enumerate().map(|(i, s)| rule(*s, points[i], caps[i])).collect();
            let pos = |s: Source| Source::ALL.iter().position(|x| *x == s).unwrap();
            let (lines, total) = score(&rules, |s| units[pos(s)]);
            let mut more = units.clone();
            more[extra] += 1;
            let (_, total_more) = score(&rules, |s| more[pos(s)]);
            prop_assert!(total_more >= total);
            for (l, r) in lines.iter().zip(&rules) {
                if let Some(c) = r.yearly_cap { prop_assert!(l.points <= c); }
            }
        }
    }
}
