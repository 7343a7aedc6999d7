//! The other bodies' rules, plain functions on plain types: where each kind sits in the tree, which
//! kinds are elected and for how long (居民委员会 five years — 《城市居民委员会组织法》 art. 8; 业主委员会
//! at most five — 《业主大会和业主委员会指导规则》 art. 32; a 团支部 two or three years — 《中国共产主义青年团
//! 章程》 art. 23), and a member's post.

use chrono::{Datelike, NaiveDate};

use crate::{error::FieldError, org::model::NodeKind};

crate::coded! {
    /// A body beside the Party organisations.
    pub enum BodyKind: "body_kind" {
        /// 团支部
        YouthBranch,
        /// 党团突击队 (Party and League members together)
        Commando,
        /// 居民委员会
        ResidentsCommittee,
        /// 业主委员会
        OwnersCommittee,
        /// 邻里小区 (a neighbouring estate not managed by the company)
        PartnerEstate,
        /// 共建单位
        PartnerUnit,
        /// 楼宇企业 (a tenant company of an office building)
        Tenant,
    }
}

impl BodyKind {
    /// May a body of this kind sit at a node of this kind?
    pub fn attaches_to(self, node: NodeKind) -> bool {
        use BodyKind::*;
        match self {
            ResidentsCommittee => node == NodeKind::Community,
            OwnersCommittee | Tenant => node == NodeKind::Project,
            YouthBranch | Commando => matches!(node, NodeKind::Project | NodeKind::Branch | NodeKind::Company),
            PartnerEstate | PartnerUnit => matches!(node, NodeKind::Project | NodeKind::Community | NodeKind::Street),
        }
    }

    /// The longest term in years, for the elected bodies (they must give one).
    pub fn max_term_years(self) -> Option<i32> {
        match self {
            BodyKind::ResidentsCommittee | BodyKind::OwnersCommittee => Some(5),
            BodyKind::YouthBranch => Some(3),
            _ => None,
        }
    }
}

/// A term as typed: both dates or neither; an elected body needs one no longer than its law allows.
pub fn check_term(kind: BodyKind, start: &str, end: &str) -> Result<Option<(NaiveDate, NaiveDate)>, Vec<FieldError>> {
    let date = |s: &str| crate::text::day(s);
    let (s, e) = (start.trim(), end.trim());
    if s.is_empty() && e.is_empty() {
        return match kind.max_term_years() {
            Some(_) => Err(vec![FieldError::new("term_start", "选举产生的组织请填写任期")]),
            None => Ok(None),
        };
    }
    let mut errors = Vec::new();
    let (ds, de) = (date(s).filter(|d| d.year() >= 1980), date(e));
    if ds.is_none() {
        errors.push(FieldError::new("term_start", "任期开始日期无效（格式 2021-07-01）"));
    }
    if de.is_none() {
        errors.push(FieldError::new("term_end", "任期结束日期无效（格式 2026-06-30）"));
    }
    if let (Some(ds), Some(de)) = (ds, de) {
        if de <= ds {
            errors.push(FieldError::new("term_end", "任期结束须晚于开始"));
        } else if let Some(max) = kind.max_term_years()
            && de > ds.with_year(ds.year() + max).unwrap_or(ds + chrono::Duration::days(365 * max as i64))
        {
            errors.push(FieldError::new("term_end", format!("每届任期不超过{max}年")));
        }
    }
    match (errors.is_empty(), ds, de) {
        (true, Some(ds), Some(de)) => Ok(Some((ds, de))),
        _ => Err(errors),
    }
}

/// Has an elected body's term run out (it is due for 换届)?
pub fn term_over(term_end: Option<NaiveDate>, today: NaiveDate) -> bool {
    term_end.is_some_and(|e| e < today)
}

/// A post (主任, 委员, 团支部书记, 成员 …): 1–20 characters.
pub fn check_post(post: &str) -> Result<String, FieldError> {
    let p = crate::text::normalize(post);
    if (1..=20).contains(&p.chars().count()) {
        Ok(p)
    } else {
        Err(FieldError::new("post", "请填写职务（不超过20字）"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_sits_where_it_belongs() {
        assert!(BodyKind::ResidentsCommittee.attaches_to(NodeKind::Community));
        assert!(!BodyKind::ResidentsCommittee.attaches_to(NodeKind::Project));
        assert!(BodyKind::OwnersCommittee.attaches_to(NodeKind::Project));
        assert!(!BodyKind::OwnersCommittee.attaches_to(NodeKind::Community));
        assert!(BodyKind::Tenant.attaches_to(NodeKind::Project));
        assert!(BodyKind::PartnerEstate.attaches_to(NodeKind::Community));
        assert!(!BodyKind::YouthBranch.attaches_to(NodeKind::Household));
    }

    #[test]
    fn elected_bodies_have_a_lawful_term() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            check_term(BodyKind::ResidentsCommittee, "2021-07-01", "2026-07-01").unwrap(),
            Some((d("2021-07-01"), d("2026-07-01")))
        );
        assert!(check_term(BodyKind::ResidentsCommittee, "2021-07-01", "2026-07-02").is_err(), "over five years");
        assert!(check_term(BodyKind::OwnersCommittee, "", "").is_err(), "an elected body needs a term");
        assert_eq!(check_term(BodyKind::Tenant, "", "").unwrap(), None);
        assert!(check_term(BodyKind::YouthBranch, "2024-01-01", "2027-06-01").is_err(), "over three years");
        let e = check_term(BodyKind::PartnerUnit, "2024-01-01", "2023-01-01").unwrap_err();
        assert_eq!(e[0].field, "term_end");
        assert!(check_term(BodyKind::PartnerUnit, "x", "").is_err());
    }

    #[test]
    fn a_term_runs_out_the_day_after_it_ends() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(!term_over(Some(d("2026-06-19")), d("2026-06-19")));
        assert!(term_over(Some(d("2026-06-19")), d("2026-06-20")));
        assert!(!term_over(None, d("2026-06-20")));
    }

    #[test]
    fn a_post_is_short() {
        assert_eq!(check_post(" 主任 ").unwrap(), "主任");
        assert!(check_post("").is_err());
        assert!(check_post(&"委".repeat(21)).is_err());
    }
}
