//! SQL for the organisation tree, households and Party organisations.

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use super::model::{NodeKind, child_path};

mod community;
mod households;
use crate::{auth::Principal, db, db::constraint::OnConstraint, error::AppError, params};
pub use community::{people_below, projects_of_community};
pub use households::*;

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Node {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: String,
    pub name: String,
    pub code: Option<String>,
    pub path: String,
    pub depth: i32,
    pub project_id: Option<ProjectId>,
    pub community_id: Option<i64>,
    pub project_kind: Option<String>,
    pub xinghuo_status: Option<String>,
    pub xinghuo_year: Option<i32>,
    pub uscc: Option<String>,
    pub address: Option<String>,
}

impl Node {
    pub fn kind(&self) -> NodeKind {
        NodeKind::parse(&self.kind).unwrap_or(NodeKind::Company)
    }
}

const NODE_COLS: &str = "id, parent_id, kind, name, code, path, depth, project_id, community_id, project_kind, \
                         xinghuo_status, xinghuo_year, uscc, address";

pub async fn node(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Node>, AppError> {
    Ok(db::one(conn, &format!("SELECT {NODE_COLS} FROM org_nodes WHERE id = $1"), params![id]).await?)
}

/// Several nodes by id, in id order (one query instead of one per id).
pub async fn nodes(
    conn: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = impl Into<NodeId>>,
) -> Result<Vec<Node>, AppError> {
    let ids: Vec<sea_orm::Value> = ids.into_iter().map(|id| id.into().into()).collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let sql = format!("SELECT {NODE_COLS} FROM org_nodes WHERE id IN ({}) ORDER BY id", db::placeholders(1, ids.len()));
    Ok(db::all(conn, &sql, ids).await?)
}

/// Projects by id with their names, in id order: what every project chooser and list shows.
pub async fn project_names(
    conn: &impl ConnectionTrait,
    projects: impl IntoIterator<Item = ProjectId>,
) -> Result<Vec<(ProjectId, String)>, AppError> {
    Ok(nodes(conn, projects).await?.into_iter().map(|n| (ProjectId(n.id), n.name)).collect())
}

/// The child of `parent` (None = a root) with this kind and name, created if missing. Returns (node, created).
pub async fn find_or_create_child(
    conn: &impl ConnectionTrait,
    parent: Option<&Node>,
    kind: NodeKind,
    name: &str,
    now: DateTime<Utc>,
) -> Result<(Node, bool), AppError> {
    let existing = match parent {
        Some(p) => {
            db::one::<db::IdRow>(
                conn,
                "SELECT id FROM org_nodes WHERE parent_id = $1 AND kind = $2 AND name = $3",
                params![p.id, kind.as_str(), name],
            )
            .await?
        }
        None => {
            db::one::<db::IdRow>(
                conn,
                "SELECT id FROM org_nodes WHERE parent_id IS NULL AND kind = $1 AND name = $2",
                params![kind.as_str(), name],
            )
            .await?
        }
    };
    let (id, created) = match existing {
        Some(r) => (r.id, false),
        None => (create_node(conn, parent, NewNode::named(kind, name), now).await?, true),
    };
    let n = node(conn, id).await?.ok_or_else(|| AppError::internal("node vanished"))?;
    Ok((n, created))
}

/// Micro-grids of the community a project belongs to: the only ones its households may join.
pub async fn project_microgrids(
    conn: &impl ConnectionTrait,
    project_id: ProjectId,
) -> Result<Vec<(i64, String)>, AppError> {
    #[derive(FromQueryResult)]
    struct M {
        id: i64,
        name: String,
    }
    let rows: Vec<M> = db::all(
        conn,
        "SELECT mg.id, mg.name FROM org_nodes mg JOIN org_nodes c ON mg.path LIKE c.path || '%' \
         JOIN org_nodes p ON p.community_id = c.id WHERE p.id = $1 AND mg.kind = 'microgrid' ORDER BY mg.id",
        params![project_id],
    )
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

pub async fn children(conn: &impl ConnectionTrait, id: i64) -> Result<Vec<Node>, AppError> {
    Ok(db::all(conn, &format!("SELECT {NODE_COLS} FROM org_nodes WHERE parent_id = $1 ORDER BY id"), params![id])
        .await?)
}

pub async fn ancestors(conn: &impl ConnectionTrait, n: &Node) -> Result<Vec<Node>, AppError> {
    let ids: Vec<i64> = n.path.split('/').filter_map(|s| s.parse().ok()).filter(|i| *i != n.id).collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let sql =
        format!("SELECT {NODE_COLS} FROM org_nodes WHERE id IN ({}) ORDER BY depth", db::placeholders(1, ids.len()));
    Ok(db::all(conn, &sql, ids.into_iter().map(Into::into).collect()).await?)
}

/// Nodes down to the project level on the property side and the whole government side.
pub async fn upper_tree(conn: &impl ConnectionTrait) -> Result<Vec<Node>, AppError> {
    Ok(db::all(
        conn,
        &format!(
            "SELECT {NODE_COLS} FROM org_nodes WHERE kind IN ('company','branch','project','district','street','community','grid','microgrid') ORDER BY path"
        ),
        vec![],
    )
    .await?)
}

/// Paths of the projects the principal may read (and the paths of their communities).
pub async fn readable_project_paths(
    conn: &impl ConnectionTrait,
    p: &Principal,
) -> Result<Vec<(String, Option<String>)>, AppError> {
    #[derive(FromQueryResult)]
    struct R {
        path: String,
        cpath: Option<String>,
    }
    let ids: Vec<ProjectId> = p.scope.read_projects.iter().copied().collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let sql = format!(
        "SELECT p.path, c.path AS cpath FROM org_nodes p LEFT JOIN org_nodes c ON c.id = p.community_id WHERE p.id IN ({})",
        db::placeholders(1, ids.len())
    );
    let rows: Vec<R> = db::all(conn, &sql, ids.into_iter().map(Into::into).collect()).await?;
    Ok(rows.into_iter().map(|r| (r.path, r.cpath)).collect())
}

/// May the principal change this node (children, Party organisations, roles held there)?
pub fn node_writable(p: &Principal, n: &Node) -> bool {
    p.scope.can_write_node(n.project_id, &n.path, n.kind().is_property_side())
}

/// Is the principal a cadre at this node or above it (a community's cadres, the street's)? They act for
/// the government side there (grant its honours, sign and assess its 联建 agreements).
pub fn cadre_over(p: &Principal, n: &Node) -> bool {
    p.grants.iter().any(|g| g.role == crate::auth::model::Role::Cadre && n.path.starts_with(&g.node_path))
}

/// May the principal read this node? Households are checked with `household_readable`.
pub fn node_readable(p: &Principal, n: &Node, project_paths: &[(String, Option<String>)]) -> bool {
    let kind = n.kind();
    if kind.is_property_side() {
        if let Some(pid) = n.project_id {
            return p.scope.can_read_project(pid);
        }
        let paths: Vec<String> = project_paths.iter().map(|(pp, _)| pp.clone()).collect();
        return p.scope.can_read_upper_node(&n.path, &paths);
    }
    p.scope.can_read_gov_node(&n.path)
        // The government tree itself is public knowledge; company admins maintain it.
        || !p.scope.admin_paths.is_empty()
        || project_paths.iter().any(|(_, c)| c.as_ref().is_some_and(|c| c.starts_with(&n.path)))
}

pub struct NewNode {
    pub kind: NodeKind,
    pub name: String,
    pub code: Option<String>,
    pub project_kind: Option<String>,
    pub community_id: Option<i64>,
    pub uscc: Option<String>,
    pub address: Option<String>,
    pub xinghuo_status: Option<String>,
    pub xinghuo_year: Option<i32>,
}

impl NewNode {
    pub fn named(kind: NodeKind, name: impl Into<String>) -> Self {
        Self {
            kind,
            name: name.into(),
            code: None,
            project_kind: None,
            community_id: None,
            uscc: None,
            address: None,
            xinghuo_status: None,
            xinghuo_year: None,
        }
    }
}

/// Insert a node under `parent` (None = root). The tree shape is checked; a duplicate name under the
/// same parent is a 409.
pub async fn create_node(
    conn: &impl ConnectionTrait,
    parent: Option<&Node>,
    n: NewNode,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    if !n.kind.allowed_under(parent.map(|p| p.kind())) {
        return Err(AppError::bad_request(
            "invalid_parent",
            format!("{}不能建在{}之下", n.kind.zh(), parent.map(|p| p.kind().zh()).unwrap_or("顶层")),
            "This kind of node cannot be placed there",
        ));
    }
    let depth = parent.map(|p| p.depth + 1).unwrap_or(0);
    let res = db::insert_id(
        conn,
        "INSERT INTO org_nodes (parent_id, kind, name, code, path, depth, project_id, community_id, project_kind, \
         xinghuo_status, xinghuo_year, uscc, address, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, '/', $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
        params![
            parent.map(|p| p.id),
            n.kind.as_str(),
            n.name.clone(),
            n.code.clone(),
            depth,
            parent.and_then(|p| p.project_id),
            n.community_id,
            n.project_kind,
            n.xinghuo_status,
            n.xinghuo_year,
            n.uscc,
            n.address,
            now
        ],
    )
    .await;
    let id = res.map_err(|e| {
        db::constraint::map_violation(
            e,
            &[
                ("ux_org_nodes_parent_kind_name", &|| {
                    AppError::conflict(
                        "duplicate_name",
                        format!("同一上级下已有名为「{}」的{}", n.name, n.kind.zh()),
                        "A node with this name already exists here",
                    )
                }),
                ("ux_org_nodes_code", &|| {
                    AppError::conflict(
                        "duplicate_code",
                        format!("编码「{}」已被使用", n.code.as_deref().unwrap_or_default()),
                        "This code is already used",
                    )
                }),
            ],
        )
    })?;
    let path = child_path(parent.map(|p| p.path.as_str()), id);
    let project_id = if n.kind == NodeKind::Project { Some(ProjectId(id)) } else { parent.and_then(|p| p.project_id) };
    db::exec(conn, "UPDATE org_nodes SET path = $1, project_id = $2 WHERE id = $3", params![path, project_id, id])
        .await?;
    Ok(id)
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct PartyOrg {
    pub id: i64,
    pub node_id: i64,
    pub kind: String,
    pub name: String,
}

pub async fn create_party_org(
    conn: &impl ConnectionTrait,
    node_id: i64,
    kind: &str,
    name: &str,
    uscc: Option<String>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    db::insert_id(
        conn,
        "INSERT INTO party_orgs (node_id, kind, name, uscc, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        params![node_id, kind, name, uscc, now],
    )
    .await
    .on_constraint("ux_party_orgs_node_name", || {
        AppError::conflict(
            "duplicate_name",
            format!("该组织下已有名为「{name}」的党组织"),
            "A Party organisation with this name already exists here",
        )
    })
}

pub async fn party_orgs(conn: &impl ConnectionTrait, node_id: i64) -> Result<Vec<PartyOrg>, AppError> {
    Ok(db::all(conn, "SELECT id, node_id, kind, name FROM party_orgs WHERE node_id = $1 ORDER BY id", params![node_id])
        .await?)
}

#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Counts {
    pub projects: i64,
    pub buildings: i64,
    pub households: i64,
    pub residents: i64,
    pub party_members: i64,
    pub volunteers: i64,
}

/// Counts over the given projects, for the home page.
pub async fn counts(
    conn: &impl ConnectionTrait,
    projects: &[ProjectId],
    today: chrono::NaiveDate,
) -> Result<Counts, AppError> {
    if projects.is_empty() {
        return Ok(Counts::default());
    }
    let ph = db::placeholders(1, projects.len());
    let vals = || projects.iter().map(|v| sea_orm::Value::from(*v)).collect::<Vec<_>>();
    let n = |sql: String, extra: Vec<sea_orm::Value>| async move {
        let mut v = vals();
        v.extend(extra);
        db::count(conn, &sql, v).await
    };
    let k = projects.len() + 1;
    Ok(Counts {
        projects: projects.len() as i64,
        buildings: n(format!("SELECT COUNT(*) AS n FROM org_nodes WHERE kind = 'building' AND project_id IN ({ph})"), vec![]).await?,
        households: n(format!("SELECT COUNT(*) AS n FROM households WHERE project_id IN ({ph})"), vec![]).await?,
        residents: n(
            format!(
                "SELECT COUNT(DISTINCT m.person_id) AS n FROM household_members m JOIN households h ON h.node_id = m.household_id \
                 WHERE h.project_id IN ({ph}) AND (m.moved_out IS NULL OR m.moved_out > ${k})"
            ),
            vec![today.into()],
        )
        .await?,
        party_members: n(
            format!(
                "SELECT COUNT(DISTINCT r.person_id) AS n FROM role_assignments r JOIN org_nodes o ON o.id = r.node_id \
                 WHERE r.role = 'party_member' AND o.project_id IN ({ph})"
            ),
            vec![],
        )
        .await?,
        volunteers: n(
            format!(
                "SELECT COUNT(DISTINCT v.person_id) AS n FROM volunteers v WHERE v.state = 'approved' AND v.project_id IN ({ph})"
            ),
            vec![],
        )
        .await?,
    })
}

/// Households in a grid subtree (by their micro-grid's path).
pub async fn households_in_grid(conn: &impl ConnectionTrait, grid_path: &str) -> Result<i64, AppError> {
    Ok(db::count(
        conn,
        "SELECT COUNT(*) AS n FROM households h JOIN org_nodes mg ON mg.id = h.microgrid_id WHERE mg.path LIKE $1",
        params![format!("{grid_path}%")],
    )
    .await?)
}

/// A household of a grid: its page, where it is, how many live there.
#[derive(Debug, Clone, FromQueryResult)]
pub struct GridHousehold {
    pub id: i64,
    pub project_name: String,
    pub building_name: String,
    pub unit_name: String,
    pub room: String,
    pub members: i64,
    pub microgrid_name: String,
}

/// The households of a grid subtree (by their micro-grid's path), in estate and room order, at most 500.
pub async fn grid_households(conn: &impl ConnectionTrait, grid_path: &str) -> Result<Vec<GridHousehold>, AppError> {
    Ok(db::all(
        conn,
        "SELECT h.node_id AS id, pj.name AS project_name, b.name AS building_name, u.name AS unit_name, h.room, \
         (SELECT COUNT(*) FROM household_members m WHERE m.household_id = h.node_id) AS members, mg.name AS microgrid_name \
         FROM households h JOIN org_nodes mg ON mg.id = h.microgrid_id JOIN org_nodes hn ON hn.id = h.node_id \
         JOIN org_nodes u ON u.id = hn.parent_id JOIN org_nodes b ON b.id = u.parent_id JOIN org_nodes pj ON pj.id = h.project_id \
         WHERE mg.path LIKE $1 ORDER BY pj.name, b.name, u.name, h.room LIMIT 500",
        params![format!("{grid_path}%")],
    )
    .await?)
}

/// A node by its path (the grids a grid member covers are given as paths).
pub async fn node_by_path(conn: &impl ConnectionTrait, path: &str) -> Result<Option<Node>, AppError> {
    let id = db::one::<db::IdRow>(conn, "SELECT id FROM org_nodes WHERE path = $1", params![path]).await?;
    match id {
        Some(r) => node(conn, r.id).await,
        None => Ok(None),
    }
}

/// Households under a node of the property tree (a building, a unit).
pub async fn households_under(conn: &impl ConnectionTrait, path: &str) -> Result<i64, AppError> {
    Ok(db::count(
        conn,
        "SELECT COUNT(*) AS n FROM org_nodes WHERE kind = 'household' AND path LIKE $1",
        params![format!("{path}%")],
    )
    .await?)
}

/// Someone holding a role at a node (phone masked).
#[derive(Debug, Clone, FromQueryResult)]
pub struct NodePerson {
    pub person_id: PersonId,
    pub name: String,
    pub role: String,
    pub post: Option<String>,
    pub phone: Option<String>,
}

pub async fn people_at_node(conn: &impl ConnectionTrait, node: i64) -> Result<Vec<NodePerson>, AppError> {
    Ok(db::all(
        conn,
        "SELECT p.id AS person_id, p.name, r.role, r.post, p.phone_masked AS phone FROM role_assignments r \
         JOIN persons p ON p.id = r.person_id WHERE r.node_id = $1 ORDER BY r.role, p.id",
        params![node],
    )
    .await?)
}

/// A project by id, code or name (the command line's way to name one).
pub async fn project_by_key(conn: &impl ConnectionTrait, id: Option<i64>, key: &str) -> Result<Option<i64>, AppError> {
    Ok(db::one::<db::IdRow>(
        conn,
        "SELECT id FROM org_nodes WHERE kind = 'project' AND (id = $1 OR code = $2 OR name = $2)",
        params![id.unwrap_or(-1), key],
    )
    .await?
    .map(|r| r.id))
}
