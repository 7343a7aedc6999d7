//! Service-quality supervision's rules on plain types: the five areas and how an item is scored, when a
//! finding fails (and becomes a rectification request), which request category an area's findings go
//! to, an appointment's term and letter number, what the monthly report adds up, and how a supervisor's
//! name shows on the public list.

use chrono::{Datelike, NaiveDate};

crate::coded! {
    /// The checklist's areas.
    pub enum Area: "sv_area" {
        Sanitation,
        Order,
        Facilities,
        Greening,
        Service,
    }
}

crate::coded! {
    /// How an item is judged.
    pub enum Scoring: "sv_scoring" {
        /// 1–5 (2 or below fails).
        Score,
        /// 合格 / 不合格.
        Pass,
    }
}

crate::coded! {
    /// Where a finding stands.
    pub enum FindingState: "sv_state" {
        /// Nothing wrong.
        Ok,
        /// Failed: its rectification is under way (or back with the staff).
        Open,
        /// The supervisor confirmed the rectification.
        Closed,
    }
}

/// (area, item, scoring): the checklist every project starts with.
pub const DEFAULT_ITEMS: &[(Area, &str, Scoring)] = &[
    (Area::Sanitation, "楼道、电梯轿厢清洁无杂物", Scoring::Score),
    (Area::Sanitation, "垃圾分类投放点整洁、按时清运", Scoring::Score),
    (Area::Order, "门岗人员在岗、外来人员车辆登记", Scoring::Pass),
    (Area::Order, "消防通道畅通无占用", Scoring::Pass),
    (Area::Facilities, "公共照明完好", Scoring::Pass),
    (Area::Facilities, "电梯运行正常、年检标志在有效期内", Scoring::Pass),
    (Area::Greening, "绿地修剪整齐、无枯死补种不及时", Scoring::Score),
    (Area::Service, "客服前台有人接待、报修响应及时", Scoring::Score),
    (Area::Service, "公告栏信息及时更新", Scoring::Pass),
];

/// A judgement as typed: a score of 1–5 for a scored item, pass or fail for the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Score(i16),
    Pass(bool),
}

/// Read a judgement (`"1"`…`"5"`, `"pass"`, `"fail"`) for an item; `None` when it does not fit.
pub fn mark(scoring: Scoring, typed: &str) -> Option<Mark> {
    match (scoring, typed.trim()) {
        (Scoring::Pass, "pass") => Some(Mark::Pass(true)),
        (Scoring::Pass, "fail") => Some(Mark::Pass(false)),
        (Scoring::Score, t) => t.parse::<i16>().ok().filter(|s| (1..=5).contains(s)).map(Mark::Score),
        _ => None,
    }
}

/// Does this judgement fail the item (a rectification follows)?
pub fn fails(m: Mark) -> bool {
    match m {
        Mark::Score(s) => s <= 2,
        Mark::Pass(p) => !p,
    }
}

/// The request categories an area's findings go to, in order of preference (the project's own names
/// first; the defaults of `requests::model::DEFAULT_CATEGORIES` are among them).
pub fn categories_for(area: Area) -> &'static [&'static str] {
    match area {
        Area::Sanitation => &["保洁", "环境卫生"],
        Area::Order => &["安防", "秩序维护"],
        Area::Facilities => &["公共照明", "水电", "电梯", "设施设备"],
        Area::Greening => &["绿化"],
        Area::Service => &["市政", "客户服务"],
    }
}

/// An appointment's term: it ends after it starts and lasts at most five years (an 业委会's term).
pub fn check_term(start: NaiveDate, end: NaiveDate) -> Result<(), &'static str> {
    if end <= start {
        return Err("任期结束须晚于开始");
    }
    if (end - start).num_days() > 5 * 366 {
        return Err("任期最长五年");
    }
    Ok(())
}

/// 「和悦监聘〔2026〕第3号」: the project's short name, the year, the appointment's number that year.
pub fn letter_no(project_short: &str, start: NaiveDate, n: i64) -> String {
    format!("{project_short}监聘〔{}〕第{n}号", start.year())
}

/// A supervisor's name on the public list: the surname and 「*」 (「张*」).
pub fn public_name(name: &str) -> String {
    let mut c = name.chars();
    match c.next() {
        Some(first) => format!("{first}*"),
        None => String::new(),
    }
}

/// The first day of the month `YYYY-MM` and of the next, or `None`.
pub fn month_bounds(month: &str) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::parse_from_str(&format!("{}-01", month.trim()), "%Y-%m-%d").ok()?;
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)?
    };
    Some((first, next))
}

/// Average of scores in tenths (「4.3」 is 43), `None` for none.
pub fn average_tenths(scores: &[i16]) -> Option<i64> {
    if scores.is_empty() {
        return None;
    }
    let sum: i64 = scores.iter().map(|s| i64::from(*s)).sum();
    Some((sum * 10 + scores.len() as i64 / 2) / scores.len() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn marks_are_read_by_the_items_scoring_and_low_ones_fail() {
        assert_eq!(mark(Scoring::Score, "4"), Some(Mark::Score(4)));
        assert_eq!(mark(Scoring::Score, "6"), None);
        assert_eq!(mark(Scoring::Score, "pass"), None);
        assert_eq!(mark(Scoring::Pass, "fail"), Some(Mark::Pass(false)));
        assert_eq!(mark(Scoring::Pass, "3"), None);
        assert!(fails(Mark::Score(2)) && !fails(Mark::Score(3)));
        assert!(fails(Mark::Pass(false)) && !fails(Mark::Pass(true)));
    }

    #[test]
    fn the_default_list_matches_the_migrations_and_every_area_finds_a_default_category() {
        let m = crate::db::migrations::m0034_supervision::DEFAULT_ITEMS;
        assert_eq!(m.len(), DEFAULT_ITEMS.len());
        for ((a, t, s), (ma, mt, ms)) in DEFAULT_ITEMS.iter().zip(m) {
            assert_eq!((a.as_str(), *t, s.as_str()), (*ma, *mt, *ms));
        }
        let defaults: Vec<&str> = crate::requests::model::DEFAULT_CATEGORIES.iter().map(|c| c.0).collect();
        for a in Area::ALL {
            assert!(categories_for(a).iter().any(|c| defaults.contains(c)), "{a:?}");
        }
    }

    #[test]
    fn terms_letters_names_and_months() {
        assert!(check_term(d("2026-06-20"), d("2031-06-19")).is_ok());
        assert!(check_term(d("2026-06-20"), d("2026-06-20")).is_err());
        assert!(check_term(d("2026-06-20"), d("2032-06-20")).is_err());
        assert_eq!(letter_no("和悦", d("2026-06-20"), 3), "和悦监聘〔2026〕第3号");
        assert_eq!(public_name("张三丰"), "张*");
        assert_eq!(month_bounds("2026-12"), Some((d("2026-12-01"), d("2027-01-01"))));
        assert_eq!(month_bounds("2026-13"), None);
        assert_eq!(average_tenths(&[4, 5, 4]), Some(43));
        assert_eq!(average_tenths(&[]), None);
    }

    proptest! {
        #[test]
        fn an_average_lies_between_the_lowest_and_highest(v in proptest::collection::vec(1i16..=5, 1..50)) {
            let a = average_tenths(&v).unwrap();
            let lo = i64::from(*v.iter().min().unwrap()) * 10;
            let hi = i64::from(*v.iter().max().unwrap()) * 10;
            prop_assert!(lo <= a && a <= hi);
        }
    }
}

/// One finding as the monthly report sees it.
#[derive(Debug, Clone)]
pub struct Fact {
    pub area: Area,
    pub score: Option<i16>,
    pub failed: bool,
    pub closed: bool,
    /// Hours from the inspection to the supervisor's confirmation, once closed.
    pub hours_to_fix: Option<i64>,
    /// Still open past its request's deadline.
    pub overdue: bool,
}

/// One area's line of the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct AreaLine {
    pub area: String,
    pub checked: i64,
    pub failed: i64,
    /// Average score in tenths of the scored items (「4.3」 is 43).
    pub average_tenths: Option<i64>,
}

/// The month's figures: by area, and findings opened, closed, still open past their deadline, and the
/// average hours to fix.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Figures {
    pub areas: Vec<AreaLine>,
    pub opened: i64,
    pub closed: i64,
    pub overdue: i64,
    pub average_hours_to_fix: Option<i64>,
}

pub fn figures(facts: &[Fact]) -> Figures {
    let areas = Area::ALL
        .iter()
        .map(|a| {
            let mine: Vec<&Fact> = facts.iter().filter(|f| f.area == *a).collect();
            let scores: Vec<i16> = mine.iter().filter_map(|f| f.score).collect();
            AreaLine {
                area: a.as_str().to_string(),
                checked: mine.len() as i64,
                failed: mine.iter().filter(|f| f.failed).count() as i64,
                average_tenths: average_tenths(&scores),
            }
        })
        .collect();
    let fixed: Vec<i64> = facts.iter().filter_map(|f| f.hours_to_fix).collect();
    Figures {
        areas,
        opened: facts.iter().filter(|f| f.failed).count() as i64,
        closed: facts.iter().filter(|f| f.failed && f.closed).count() as i64,
        overdue: facts.iter().filter(|f| f.failed && !f.closed && f.overdue).count() as i64,
        average_hours_to_fix: (!fixed.is_empty())
            .then(|| (fixed.iter().sum::<i64>() + fixed.len() as i64 / 2) / fixed.len() as i64),
    }
}

#[cfg(test)]
mod figure_tests {
    use super::*;

    #[test]
    fn the_month_adds_up_by_area_and_fix() {
        let f = |area, score, failed, closed, hours, overdue| Fact {
            area,
            score,
            failed,
            closed,
            hours_to_fix: hours,
            overdue,
        };
        let facts = [
            f(Area::Sanitation, Some(4), false, false, None, false),
            f(Area::Sanitation, Some(2), true, true, Some(30), false),
            f(Area::Facilities, None, true, false, None, true),
            f(Area::Facilities, None, true, true, Some(10), false),
            f(Area::Facilities, None, false, false, None, false),
        ];
        let g = figures(&facts);
        assert_eq!((g.opened, g.closed, g.overdue, g.average_hours_to_fix), (3, 2, 1, Some(20)));
        let s = &g.areas[0];
        assert_eq!((s.checked, s.failed, s.average_tenths), (2, 1, Some(30)));
        let fac = g.areas.iter().find(|a| a.area == "facilities").unwrap();
        assert_eq!((fac.checked, fac.failed, fac.average_tenths), (3, 2, None));
        assert_eq!(figures(&[]).opened, 0);
    }
}
