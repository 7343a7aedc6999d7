//! Roles and scopes (C0.4) as plain types: who holds which role at which node, and what that lets
//! them read or change. The server computes a `Scope` once per request from the person's role
//! assignments and household memberships; handlers ask it yes/no questions.

use crate::ids::*;
use std::collections::BTreeSet;

use crate::org::model::NodeKind;

crate::coded! {
    pub enum Role: "role" {
        CompanyAdmin,
        Staff,
        Cadre,
        GridMember,
        PartyMember,
        Volunteer,
        Supervisor,
        CommitteeMember,
    }
}

impl Role {
    /// The Chinese label (the catalog's `role.<code>`; see `web::labels`).
    pub fn zh(self) -> &'static str {
        crate::web::labels::Labelled::label(self, crate::web::i18n::Lang::Zh)
    }
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.into_iter().find(|r| r.as_str() == s || r.zh() == s).or(match s {
            "员工" => Some(Role::Staff),
            "干部" | "社区干部" | "街道干部" => Some(Role::Cadre),
            "监督员" => Some(Role::Supervisor),
            "业委会" => Some(Role::CommitteeMember),
            _ => None,
        })
    }
    /// Which kind of node the role is scoped to.
    pub fn fits(self, node: NodeKind) -> bool {
        use NodeKind::*;
        match self {
            Role::CompanyAdmin => matches!(node, Company | Branch),
            Role::Staff => matches!(node, Company | Branch | Project),
            Role::Cadre => matches!(node, District | Street | Community),
            Role::GridMember => matches!(node, Grid | Microgrid),
            Role::PartyMember => true,
            Role::Volunteer | Role::Supervisor | Role::CommitteeMember => matches!(node, Project),
        }
    }
}

/// Posts of property staff (物业员工岗位).
pub const STAFF_POSTS: [&str; 8] =
    ["项目经理", "客服管家", "工程维修", "保洁", "秩序维护", "绿化", "党建专员", "分公司管理"];

/// One role held at one node.
#[derive(Debug, Clone)]
pub struct Grant {
    pub role: Role,
    pub node_id: i64,
    pub node_path: String,
    pub node_kind: NodeKind,
    pub node_name: String,
    pub post: Option<String>,
}

/// What a user may see and change, resolved from their grants.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Projects whose data the user may change (staff, company admins).
    pub write_projects: BTreeSet<ProjectId>,
    /// Projects whose data the user may read (the above plus cadres' communities).
    pub read_projects: BTreeSet<ProjectId>,
    /// Government-side subtrees the user covers (cadres and grid members).
    pub gov_paths: Vec<String>,
    /// Grid subtrees (grid members): households in these micro-grids are readable.
    pub grid_paths: Vec<String>,
    /// Property-side subtrees a company admin administers (user admin).
    pub admin_paths: Vec<String>,
    /// Households the user lives in or owns (current membership).
    pub households: BTreeSet<HouseholdId>,
    /// The same homes with their projects (household → project), resolved in the scope query.
    pub homes: std::collections::BTreeMap<HouseholdId, ProjectId>,
}

impl Scope {
    /// Projects the user lives in, each once.
    pub fn home_projects(&self) -> Vec<ProjectId> {
        let mut v: Vec<ProjectId> = self.homes.values().copied().collect();
        v.sort_unstable();
        v.dedup();
        v
    }
    /// Projects whose centres, activities and 爱心超市 the user sees: readable ones and the ones they
    /// live in.
    pub fn visible_projects(&self) -> Vec<ProjectId> {
        let mut v: Vec<ProjectId> = self.read_projects.iter().copied().collect();
        for p in self.home_projects() {
            if !v.contains(&p) {
                v.push(p);
            }
        }
        v
    }
    /// The user's home in a project, if any.
    /// A project whose centres, activities and 爱心超市 the user sees: readable, or where they live
    /// (the membership test of [`Scope::visible_projects`], without building the list).
    pub fn can_see_project(&self, project: ProjectId) -> bool {
        self.can_read_project(project) || self.home_in(project).is_some()
    }
    pub fn home_in(&self, project: ProjectId) -> Option<HouseholdId> {
        self.homes.iter().find(|(_, p)| **p == project).map(|(h, _)| *h)
    }
}

/// Coarse access a route needs; the finer scope check happens in the handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user (residents included).
    Authenticated,
    /// Desk users: staff, company admins, cadres, grid members.
    Desk,
    /// Those who may change property-side data: staff and company admins.
    Staff,
    /// Company admins (user administration).
    Admin,
}

impl Access {
    pub fn allows(self, grants: &[Grant]) -> bool {
        let has = |rs: &[Role]| grants.iter().any(|g| rs.contains(&g.role));
        match self {
            Access::Public | Access::Authenticated => true,
            Access::Desk => has(&[Role::Staff, Role::CompanyAdmin, Role::Cadre, Role::GridMember]),
            Access::Staff => has(&[Role::Staff, Role::CompanyAdmin]),
            Access::Admin => has(&[Role::CompanyAdmin]),
        }
    }
}

impl Scope {
    pub fn can_read_project(&self, project_id: ProjectId) -> bool {
        self.read_projects.contains(&project_id)
    }
    pub fn can_write_project(&self, project_id: ProjectId) -> bool {
        self.write_projects.contains(&project_id)
    }
    /// The one check before changing something of a project: a project the caller cannot even see
    /// is "not found" (its existence is not told); one they see (they read it, or live there) but may
    /// not change is "forbidden".
    pub fn require_write(&self, project_id: ProjectId) -> Result<(), crate::error::AppError> {
        if self.can_write_project(project_id) {
            Ok(())
        } else if self.can_see_project(project_id) {
            Err(crate::error::AppError::forbidden())
        } else {
            Err(crate::error::AppError::not_found())
        }
    }
    /// A household: its project is readable, the user lives there, or it lies in the user's grid.
    pub fn can_read_household(
        &self,
        household_id: HouseholdId,
        project_id: ProjectId,
        microgrid_path: Option<&str>,
    ) -> bool {
        self.can_read_project(project_id)
            || self.households.contains(&household_id)
            || microgrid_path.is_some_and(|p| self.grid_paths.iter().any(|g| p.starts_with(g.as_str())))
    }
    /// A government-side node: inside a cadre's or grid member's area (or an ancestor of it, for context).
    pub fn can_read_gov_node(&self, path: &str) -> bool {
        self.gov_paths.iter().any(|g| path.starts_with(g.as_str()) || g.starts_with(path))
    }
    /// A property node above projects (company, branch): an admin's subtree, or an ancestor of a readable project.
    pub fn can_read_upper_node(&self, path: &str, project_paths: &[String]) -> bool {
        self.admin_paths.iter().any(|a| path.starts_with(a.as_str()))
            || project_paths.iter().any(|p| p.starts_with(path))
    }
    pub fn is_admin_over(&self, path: &str) -> bool {
        self.admin_paths.iter().any(|a| path.starts_with(a.as_str()))
    }
    /// May the user change a node (and what hangs off it: children, Party organisations, roles)?
    /// Inside a project: staff of that project. Above projects: company admins over that subtree.
    /// The government side: company admins, who maintain the (public) government tree.
    pub fn can_write_node(&self, project_id: Option<ProjectId>, path: &str, property_side: bool) -> bool {
        match project_id {
            Some(pid) => self.can_write_project(pid),
            None if property_side => self.is_admin_over(path),
            None => !self.admin_paths.is_empty(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: Role) -> Grant {
        Grant {
            role,
            node_id: 1,
            node_path: "/1/".into(),
            node_kind: NodeKind::Project,
            node_name: "x".into(),
            post: None,
        }
    }

    #[test]
    fn access_levels_follow_roles() {
        assert!(Access::Authenticated.allows(&[]));
        assert!(!Access::Desk.allows(&[grant(Role::Volunteer)]));
        assert!(Access::Desk.allows(&[grant(Role::Cadre)]));
        assert!(!Access::Staff.allows(&[grant(Role::Cadre)]));
        assert!(Access::Staff.allows(&[grant(Role::Staff)]));
        assert!(!Access::Admin.allows(&[grant(Role::Staff)]));
        assert!(Access::Admin.allows(&[grant(Role::CompanyAdmin)]));
    }

    #[test]
    fn households_are_readable_by_project_residence_or_grid() {
        let mut s = Scope::default();
        s.households.insert(HouseholdId(7));
        s.grid_paths.push("/50/51/52/".into());
        assert!(s.can_read_household(HouseholdId(7), ProjectId(99), None));
        assert!(s.can_read_household(HouseholdId(8), ProjectId(99), Some("/50/51/52/53/")));
        assert!(!s.can_read_household(HouseholdId(8), ProjectId(99), Some("/50/51/520/")));
        assert!(!s.can_read_household(HouseholdId(8), ProjectId(99), None));
        s.read_projects.insert(ProjectId(99));
        assert!(s.can_read_household(HouseholdId(8), ProjectId(99), None));
    }

    #[test]
    fn nodes_are_writable_by_project_staff_or_admins_only() {
        let mut s = Scope::default();
        s.write_projects.insert(ProjectId(5));
        assert!(s.can_write_node(Some(ProjectId(5)), "/1/2/5/", true));
        assert!(!s.can_write_node(Some(ProjectId(6)), "/1/2/6/", true));
        assert!(!s.can_write_node(None, "/1/2/", true));
        assert!(!s.can_write_node(None, "/40/41/", false));
        s.admin_paths.push("/1/2/".into());
        assert!(s.can_write_node(None, "/1/2/", true));
        assert!(!s.can_write_node(None, "/1/", true));
        assert!(s.can_write_node(None, "/40/41/", false));
    }

    #[test]
    fn roles_fit_their_node_kinds() {
        assert!(Role::Staff.fits(NodeKind::Project));
        assert!(!Role::Staff.fits(NodeKind::Household));
        assert!(Role::Cadre.fits(NodeKind::Community));
        assert!(!Role::GridMember.fits(NodeKind::Project));
        for r in Role::ALL {
            assert_eq!(Role::parse(r.zh()), Some(r));
        }
    }

    #[test]
    fn homes_make_their_projects_visible_once() {
        let mut s = Scope::default();
        s.read_projects.insert(ProjectId(5));
        s.homes.insert(HouseholdId(101), ProjectId(7));
        s.homes.insert(HouseholdId(102), ProjectId(7));
        s.homes.insert(HouseholdId(103), ProjectId(5));
        assert_eq!(s.home_projects(), vec![ProjectId(5), ProjectId(7)]);
        assert_eq!(s.visible_projects(), vec![ProjectId(5), ProjectId(7)]);
        assert_eq!(s.home_in(ProjectId(7)), Some(HouseholdId(101)));
        assert_eq!(s.home_in(ProjectId(9)), None);
    }
}
