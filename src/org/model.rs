//! Plain rules of the organisation tree (C0.1): which node kinds exist on the property side and the
//! government side, which parent each may have, project kinds, Party organisations, and the Unified
//! Social Credit Code (GB 32100-2015) check character. No I/O.

use crate::text::compact;

crate::coded! {
    pub enum NodeKind: "node_kind" {
        Company,
        Branch,
        Project,
        Building,
        Unit,
        Household,
        District,
        Street,
        Community,
        Grid,
        Microgrid,
    }
}

impl NodeKind {
    /// The Chinese label (the catalog's `node_kind.<code>`; see `web::labels`).
    pub fn zh(self) -> &'static str {
        crate::web::labels::Labelled::label(self, crate::web::i18n::Lang::Zh)
    }
    pub fn en(self) -> &'static str {
        match self {
            NodeKind::Company => "Company",
            NodeKind::Branch => "Branch",
            NodeKind::Project => "Project",
            NodeKind::Building => "Building",
            NodeKind::Unit => "Unit",
            NodeKind::Household => "Household",
            NodeKind::District => "District",
            NodeKind::Street => "Street",
            NodeKind::Community => "Community",
            NodeKind::Grid => "Grid",
            NodeKind::Microgrid => "Micro-grid",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s || k.zh() == s)
    }
    /// `true` for the property side (公司 … 户), `false` for the government side (区 … 微网格).
    pub fn is_property_side(self) -> bool {
        matches!(
            self,
            NodeKind::Company
                | NodeKind::Branch
                | NodeKind::Project
                | NodeKind::Building
                | NodeKind::Unit
                | NodeKind::Household
        )
    }
    /// May a node of this kind sit under `parent` (None = a root)?
    pub fn allowed_under(self, parent: Option<NodeKind>) -> bool {
        use NodeKind::*;
        matches!(
            (self, parent),
            (Company, None)
                | (District, None)
                | (Branch, Some(Company))
                | (Project, Some(Branch | Company))
                | (Building, Some(Project))
                | (Unit, Some(Building))
                | (Household, Some(Unit))
                | (Street, Some(District))
                | (Community, Some(Street))
                | (Grid, Some(Community))
                | (Microgrid, Some(Grid))
        )
    }
    /// The kind a "新增下级" button creates under this kind.
    pub fn child_kind(self) -> Option<NodeKind> {
        use NodeKind::*;
        match self {
            Company => Some(Branch),
            Branch => Some(Project),
            Project => Some(Building),
            Building => Some(Unit),
            Unit => Some(Household),
            District => Some(Street),
            Street => Some(Community),
            Community => Some(Grid),
            Grid => Some(Microgrid),
            Household | Microgrid => None,
        }
    }
}

crate::coded! {
    pub enum ProjectKind: "project_kind" {
        Residential,
        Office,
        Resettlement,
    }
}

impl ProjectKind {
    /// The Chinese label (the catalog's `project_kind.<code>`; see `web::labels`).
    pub fn zh(self) -> &'static str {
        crate::web::labels::Labelled::label(self, crate::web::i18n::Lang::Zh)
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s || k.zh() == s)
    }
}

/// 星火社区 creation status of a project (C14 builds the assessment on it).
pub fn xinghuo_status_zh(s: &str) -> &'static str {
    match s {
        "planned" => "拟创建",
        "building" => "创建中",
        "built" => "已建成",
        "review" => "复评",
        "upgraded" => "升级",
        _ => "未参与",
    }
}

crate::coded! {
    pub enum PartyOrgKind: "party_org_kind" {
        CompanyCommittee,
        ProjectBranch,
        CommunityCommittee,
        StreetWorkCommittee,
        /// 党总支: between a committee and its branches.
        GeneralBranch,
        /// 党支部 anywhere but a project (the company's own, a partner's, a community's).
        Branch,
        /// 党小组 inside a branch.
        Group,
    }
}

impl PartyOrgKind {
    /// The Chinese label (the catalog's `party_org_kind.<code>`; see `web::labels`).
    pub fn zh(self) -> &'static str {
        crate::web::labels::Labelled::label(self, crate::web::i18n::Lang::Zh)
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s || k.zh() == s)
    }
    /// Which node kinds this Party organisation may be attached to.
    pub fn attaches_to(self, node: NodeKind) -> bool {
        use NodeKind as N;
        matches!(
            (self, node),
            (PartyOrgKind::CompanyCommittee, N::Company | N::Branch)
                | (PartyOrgKind::ProjectBranch, N::Project)
                | (PartyOrgKind::CommunityCommittee, N::Community)
                | (PartyOrgKind::StreetWorkCommittee, N::Street)
                | (PartyOrgKind::GeneralBranch, N::Company | N::Branch | N::Community | N::Street)
                | (PartyOrgKind::Branch, N::Company | N::Branch | N::Community | N::Street | N::Grid)
                | (PartyOrgKind::Group, N::Company | N::Branch | N::Project | N::Community | N::Grid | N::Microgrid)
        )
    }
    /// Its level in the Party's own tree: 党委/党工委 0, 党总支 1, 党支部 2, 党小组 3.
    pub fn rank(self) -> u8 {
        match self {
            PartyOrgKind::CompanyCommittee | PartyOrgKind::CommunityCommittee | PartyOrgKind::StreetWorkCommittee => 0,
            PartyOrgKind::GeneralBranch => 1,
            PartyOrgKind::ProjectBranch | PartyOrgKind::Branch => 2,
            PartyOrgKind::Group => 3,
        }
    }
    /// May it sit under `parent` in the tree (a strictly higher level; a group only under a branch)?
    pub fn may_be_under(self, parent: PartyOrgKind) -> bool {
        match self {
            PartyOrgKind::Group => parent.rank() == 2,
            _ => parent.rank() < self.rank(),
        }
    }
    /// A branch (党支部) is where members are registered and 组织生活 is held.
    pub fn holds_members(self) -> bool {
        matches!(self, PartyOrgKind::ProjectBranch | PartyOrgKind::Branch)
    }
}

/// The 31 characters of GB 32100 (no I, O, Z, S, V).
const USCC_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// The check character for the first 17 characters of a Unified Social Credit Code.
pub fn uscc_check_char(first17: &str) -> Option<char> {
    if first17.chars().count() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in first17.chars().zip(USCC_WEIGHTS) {
        sum += USCC_CHARS.find(c)? as u32 * w;
    }
    let r = (31 - sum % 31) % 31;
    USCC_CHARS.chars().nth(r as usize)
}

/// Validate a 统一社会信用代码 (GB 32100-2015): 18 characters from the code set, valid check character.
pub fn parse_uscc(input: &str) -> Result<String, &'static str> {
    let s = compact(input).to_ascii_uppercase();
    if s.chars().count() != 18 {
        return Err("统一社会信用代码应为18位");
    }
    if let Some(bad) = s.chars().find(|c| !USCC_CHARS.contains(*c)) {
        return Err(if matches!(bad, 'I' | 'O' | 'Z' | 'S' | 'V') {
            "统一社会信用代码不使用字母 I、O、Z、S、V"
        } else {
            "统一社会信用代码只能包含数字和大写字母"
        });
    }
    let (body, check) = s.split_at(17);
    if uscc_check_char(body) != check.chars().next() {
        return Err("统一社会信用代码校验位不正确");
    }
    Ok(s)
}

/// A materialised path of ancestor ids, e.g. `/1/4/17/`. Descendants share the prefix.
pub fn child_path(parent_path: Option<&str>, id: i64) -> String {
    format!("{}{id}/", parent_path.unwrap_or("/"))
}

/// A home as staff type it — 「1-1-101」 (any dash) or 「1栋1单元101(室)」 — as the label the tree builds
/// from building, unit and room names (`b.name || u.name || h.room`), to look the home up.
pub fn household_label_key(typed: &str) -> String {
    let t: String = crate::text::normalize(typed)
        .chars()
        .map(|c| match c {
            '－' | '—' | '–' | '―' => '-',
            c => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect();
    let t = t.trim_end_matches('室');
    let parts: Vec<&str> = t.split('-').collect();
    if parts.len() == 3 && parts.iter().all(|x| !x.is_empty()) {
        format!("{}栋{}单元{}", parts[0], parts[1], parts[2])
    } else {
        t.to_string()
    }
}

pub fn path_contains(ancestor_path: &str, path: &str) -> bool {
    path.starts_with(ancestor_path)
}

#[cfg(test)]
mod tests {
    #[test]
    fn typed_homes_become_tree_labels() {
        assert_eq!(household_label_key("1-1-101"), "1栋1单元101");
        assert_eq!(household_label_key(" 1－1－101室 "), "1栋1单元101");
        assert_eq!(household_label_key("1栋1单元101室"), "1栋1单元101");
        assert_eq!(household_label_key("1--101"), "1--101");
    }

    use super::*;
    use proptest::prelude::*;

    #[test]
    fn published_uscc_examples_validate() {
        // Codes printed on public business licences.
        for code in ["91350100M000100Y43", "91110000100010433L", "914403001922038216"] {
            assert_eq!(parse_uscc(code), Ok(code.to_string()), "{code}");
        }
        assert_eq!(parse_uscc(" 91350100m000100y43 ").unwrap(), "91350100M000100Y43");
        assert!(parse_uscc("91350100M000100Y44").unwrap_err().contains("校验位"));
        assert!(parse_uscc("91350100M000100Y4").unwrap_err().contains("18"));
        assert!(parse_uscc("91350100M0001O0Y43").unwrap_err().contains("I、O"));
    }

    #[test]
    fn the_tree_allows_only_its_own_shape() {
        use NodeKind::*;
        assert!(Project.allowed_under(Some(Branch)));
        assert!(Household.allowed_under(Some(Unit)));
        assert!(!Household.allowed_under(Some(Project)));
        assert!(!Community.allowed_under(Some(Project)));
        assert!(Microgrid.allowed_under(Some(Grid)));
        assert!(!Branch.allowed_under(None));
        for k in NodeKind::ALL {
            if let Some(c) = k.child_kind() {
                assert!(c.allowed_under(Some(k)), "{k:?} → {c:?}");
                assert_eq!(c.is_property_side(), k.is_property_side());
            }
            assert_eq!(NodeKind::parse(k.as_str()), Some(k));
            assert_eq!(NodeKind::parse(k.zh()), Some(k));
        }
    }

    #[test]
    fn party_orgs_attach_to_their_own_level() {
        assert!(PartyOrgKind::ProjectBranch.attaches_to(NodeKind::Project));
        assert!(PartyOrgKind::CommunityCommittee.attaches_to(NodeKind::Community));
        assert!(!PartyOrgKind::CommunityCommittee.attaches_to(NodeKind::Project));
    }

    #[test]
    fn paths_contain_descendants_only() {
        let p = child_path(Some("/1/"), 12);
        assert_eq!(p, "/1/12/");
        assert!(path_contains("/1/", &p));
        assert!(!path_contains("/1/2/", "/1/21/"));
    }

    proptest! {
        #[test]
        fn any_17_code_characters_get_a_check_that_validates(body in "[0-9A-HJ-NP-RTUWXY]{17}") {
            let check = uscc_check_char(&body).unwrap();
            let code = format!("{body}{check}");
            prop_assert_eq!(parse_uscc(&code), Ok(code.clone()));
            let wrong = USCC_CHARS.chars().find(|c| *c != check).unwrap();
            let bad = format!("{}{}", body, wrong);
            prop_assert!(parse_uscc(&bad).is_err());
        }
    }
}
