//! The organisation tree's use cases (C0.1): add a root (区), a child node of the next level, a Party
//! organisation, and change a household (area, micro-grid) — each checks scope, validates and writes in
//! one audited transaction; the pages and the JSON API both call these.

use crate::ids::*;
use serde::Deserialize;

use super::{
    model::{NodeKind, PartyOrgKind, ProjectKind, parse_uscc},
    store,
};
use crate::{
    app::AppState,
    audit::{self, Entry},
    error::{AppError, AppResult},
    people::model::{format_area, parse_area_centi},
};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChildForm {
    pub name: String,
    pub project_kind: String,
    pub uscc: String,
    pub area: String,
}

/// Validate and create a child node (and the household row for a 户). Shared by the page and the API.
pub async fn create_child_checked(
    state: &AppState,
    p: &crate::auth::Principal,
    ctx: &crate::auth::Ctx,
    parent_id: i64,
    f: ChildForm,
) -> AppResult<i64> {
    let parent = store::node(&state.db.read, parent_id).await?.ok_or_else(AppError::not_found)?;
    if !store::node_writable(p, &parent) {
        return Err(AppError::forbidden());
    }
    let kind = parent.kind().child_kind().ok_or_else(|| {
        AppError::bad_request("no_children", "该节点下不能再建下级", "This node cannot have children")
    })?;
    let name = crate::text::normalize(&f.name);
    if name.is_empty() || name.chars().count() > 50 {
        return Err(AppError::field("name", "名称不能为空，且不超过50个字"));
    }
    let mut n = store::NewNode::named(kind, name.clone());
    if kind == NodeKind::Project {
        let pk =
            ProjectKind::parse(&f.project_kind).ok_or_else(|| AppError::field("project_kind", "请选择项目类型"))?;
        n.project_kind = Some(pk.as_str().into());
    }
    if !f.uscc.trim().is_empty() {
        n.uscc = Some(parse_uscc(&f.uscc).map_err(|m| AppError::field("uscc", m))?);
    }
    let area = if kind == NodeKind::Household && !f.area.trim().is_empty() {
        Some(parse_area_centi(&f.area).map_err(|m| AppError::field("area", m))?)
    } else {
        None
    };
    let now = state.clock.now();
    let tx = sea_orm::TransactionTrait::begin(&state.db.write).await?;
    let id = store::create_node(&tx, Some(&parent), n, now).await?;
    if kind == NodeKind::Project {
        crate::capability::project_created(&tx, ProjectId(id), now).await?;
    }
    if kind == NodeKind::Household {
        let pid = parent.project_id.ok_or_else(|| AppError::internal("unit without project"))?;
        store::create_household(&tx, id, pid, &name, area, None, now).await?;
    }
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: kind.as_str(),
            entity_id: Some(id),
            project_id: parent.project_id.or((kind == NodeKind::Project).then_some(ProjectId(id))),
            summary: format!("在「{}」下新增{}「{}」", parent.name, kind.zh(), name),
        },
    )
    .await?;
    Ok(id)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HouseholdForm {
    pub area: String,
    pub microgrid_id: String,
}

pub async fn update_household_checked(
    state: &AppState,
    p: &crate::auth::Principal,
    ctx: &crate::auth::Ctx,
    id: i64,
    area: Option<&str>,
    microgrid: Option<Option<i64>>,
) -> AppResult<()> {
    let h = store::household(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    if !store::household_readable(p, &h) {
        return Err(AppError::not_found());
    }
    p.scope.require_write(h.project_id)?;
    let area = match area.map(str::trim) {
        Some("") | None => h.exclusive_area_centi,
        Some(a) => Some(parse_area_centi(a).map_err(|m| AppError::field("area", m))?),
    };
    let microgrid_id = match microgrid {
        None => h.microgrid_id,
        Some(None) => None,
        Some(Some(mg)) => {
            let ok = store::project_microgrids(&state.db.read, h.project_id).await?.iter().any(|(id, _)| *id == mg);
            if !ok {
                return Err(AppError::field("microgrid_id", "微网格须属于本项目所在社区"));
            }
            Some(mg)
        }
    };
    let now = state.clock.now();
    let tx = sea_orm::TransactionTrait::begin(&state.db.write).await?;
    store::update_household(&tx, id, area, microgrid_id).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "household",
            entity_id: Some(id),
            project_id: Some(h.project_id),
            summary: format!(
                "修改「{}」：面积 {} m²，微网格 {}",
                h.label(),
                area.map(format_area).unwrap_or_default(),
                microgrid_id.map(|m| m.to_string()).unwrap_or_else(|| "无".into())
            ),
        },
    )
    .await?;
    Ok(())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RootForm {
    pub name: String,
}

/// A new 区 (the root of a government-side tree). Company admins maintain the government tree.
pub async fn create_root_checked(
    state: &AppState,
    p: &crate::auth::Principal,
    ctx: &crate::auth::Ctx,
    f: RootForm,
) -> AppResult<i64> {
    if p.scope.admin_paths.is_empty() {
        return Err(AppError::forbidden());
    }
    let name = crate::text::normalize(&f.name);
    if name.is_empty() || name.chars().count() > 50 {
        return Err(AppError::field("name", "名称不能为空，且不超过50个字"));
    }
    let now = state.clock.now();
    let tx = sea_orm::TransactionTrait::begin(&state.db.write).await?;
    let (node, created) = store::find_or_create_child(&tx, None, NodeKind::District, &name, now).await?;
    if !created {
        return Err(AppError::conflict(
            "duplicate_name",
            format!("已有名为「{name}」的区"),
            "This district already exists",
        ));
    }
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "district",
            entity_id: Some(node.id),
            project_id: None,
            summary: format!("新增区「{name}」"),
        },
    )
    .await?;
    Ok(node.id)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PartyOrgForm {
    pub kind: String,
    pub name: String,
    pub uscc: String,
}

/// Attach a Party organisation (公司党委, 项目党支部, 社区党委, 街道党工委) to a node of the matching level.
pub async fn create_party_org_checked(
    state: &AppState,
    p: &crate::auth::Principal,
    ctx: &crate::auth::Ctx,
    node_id: i64,
    f: PartyOrgForm,
) -> AppResult<i64> {
    let node = store::node(&state.db.read, node_id).await?.ok_or_else(AppError::not_found)?;
    let paths = store::readable_project_paths(&state.db.read, p).await?;
    if !store::node_readable(p, &node, &paths) {
        return Err(AppError::not_found());
    }
    if !store::node_writable(p, &node) {
        return Err(AppError::forbidden());
    }
    let kind = PartyOrgKind::parse(&f.kind).ok_or_else(|| AppError::field("kind", "请选择党组织类型"))?;
    if !kind.attaches_to(node.kind()) {
        return Err(AppError::field("kind", format!("{}不能设在{}一级", kind.zh(), node.kind().zh())));
    }
    let name = crate::text::normalize(&f.name);
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::field("name", "名称不能为空，且不超过100个字"));
    }
    let uscc = match f.uscc.trim() {
        "" => None,
        s => Some(parse_uscc(s).map_err(|m| AppError::field("uscc", m))?),
    };
    let now = state.clock.now();
    let tx = sea_orm::TransactionTrait::begin(&state.db.write).await?;
    let id = store::create_party_org(&tx, node.id, kind.as_str(), &name, uscc, now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "party_org",
            entity_id: Some(id),
            project_id: node.project_id,
            summary: format!("在「{}」设立{}「{name}」", node.name, kind.zh()),
        },
    )
    .await?;
    Ok(id)
}

/// Where a home is (its project and building), from memory while the stamp this request read with its
/// credential holds (`crate::refs`: the org tree's epoch moves on every move of a node or a home).
pub async fn home_ref(
    state: &AppState,
    ctx: &crate::auth::Ctx,
    id: HouseholdId,
) -> AppResult<Option<std::sync::Arc<store::HomeRef>>> {
    let r = state.db.reader();
    state.refs.load(ctx.refs, ("org.home", id.get()), || store::home_ref(&r, id.get())).await
}
