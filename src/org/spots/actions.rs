//! Adding a spot and retiring one: staff who may write the project, each change audited.

use sea_orm::TransactionTrait;

use super::{model, store};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    error::{AppError, AppResult},
    ids::ProjectId,
    org::{model::NodeKind, store as org},
};

/// The project, if the caller may read it (`write`: and change it); otherwise not found / forbidden.
pub async fn project(state: &AppState, p: &Principal, id: i64, write: bool) -> AppResult<org::Node> {
    let node = org::node(&state.db.read, id).await?.filter(|n| n.kind() == NodeKind::Project);
    let node = node.ok_or_else(AppError::not_found)?;
    let paths = org::readable_project_paths(&state.db.read, p).await?;
    if !org::node_readable(p, &node, &paths) {
        return Err(AppError::not_found());
    }
    if write && !org::node_writable(p, &node) {
        return Err(AppError::forbidden());
    }
    Ok(node)
}

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct SpotForm {
    pub name: String,
    pub lat: String,
    pub lng: String,
}

pub async fn add(state: &AppState, p: &Principal, ctx: &Ctx, project_id: i64, f: &SpotForm) -> AppResult<i64> {
    let node = project(state, p, project_id, true).await?;
    let s = model::check(&f.name, &f.lat, &f.lng).map_err(AppError::validation)?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let id = store::insert(&tx, ProjectId(node.id), &s, now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "spot",
            entity_id: Some(id),
            project_id: Some(ProjectId(node.id)),
            summary: format!("在「{}」添加公共地点「{}」", node.name, s.name),
        },
    )
    .await?;
    Ok(id)
}

/// Retire a spot (no longer offered; requests that named it keep its name) or bring it back.
pub async fn set_active(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    project_id: i64,
    spot_id: i64,
    active: bool,
) -> AppResult<()> {
    let node = project(state, p, project_id, true).await?;
    let s = store::spot(&state.db.read, spot_id).await?.filter(|s| s.project_id.get() == node.id);
    let s = s.ok_or_else(AppError::not_found)?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::set_active(&tx, s.id, active).await? {
        return Ok(());
    }
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "spot",
            entity_id: Some(s.id),
            project_id: Some(ProjectId(node.id)),
            summary: format!("{}公共地点「{}」", if active { "恢复" } else { "停用" }, s.name),
        },
    )
    .await?;
    Ok(())
}
