//! Open311 keys' use cases: issue one (shown once) and revoke one, by the project's manager or a company
//! admin; each audited in its transaction.

use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal, model::Role},
    error::{AppError, AppResult},
    ids::*,
    requests::open311,
};

/// Projects whose keys the caller manages: a project manager's own projects; all writable ones for a
/// company admin.
pub fn managed_projects(p: &Principal) -> Vec<ProjectId> {
    if p.has_role(Role::CompanyAdmin) {
        return p.scope.write_projects.iter().copied().collect();
    }
    p.staff_posts().into_iter().filter(|(_, post)| post == "项目经理").map(|(pid, _)| ProjectId(pid)).collect()
}

/// Issue a key for a project the caller manages; returns the key, which is shown this once.
pub async fn create_key_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    project: &str,
    label: &str,
) -> AppResult<String> {
    let project: ProjectId = project.trim().parse().map_err(|_| AppError::field("project_id", "请选择项目"))?;
    if !managed_projects(p).contains(&project) {
        return Err(AppError::forbidden());
    }
    let label = crate::text::normalize(label);
    if label.is_empty() || label.chars().count() > 100 {
        return Err(AppError::field("label", "请填写用途（不超过100字），例如「12345热线对接」"));
    }
    let now = state.clock.now();
    let tx = sea_orm::TransactionTrait::begin(&state.db.write).await?;
    let (id, key) = open311::create_key(&tx, project, &label, Some(p.user_id), now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "open311_key",
            entity_id: Some(id),
            project_id: Some(project),
            summary: format!("签发 Open311 密钥「{label}」（{}…）", &key[..10]),
        },
    )
    .await?;
    Ok(key)
}

/// Revoke a key of a project the caller manages (404 for any other: its existence is not told).
/// Revoking a revoked key changes nothing and writes no audit line.
pub async fn revoke_key_checked(state: &AppState, p: &Principal, ctx: &Ctx, id: i64) -> AppResult<()> {
    let k = open311::key_by_id(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    if !managed_projects(p).contains(&k.project_id) {
        return Err(AppError::not_found());
    }
    let now = state.clock.now();
    let tx = sea_orm::TransactionTrait::begin(&state.db.write).await?;
    if open311::revoke_key(&tx, id, now).await? {
        audit::commit(
            tx,
            ctx,
            now,
            Entry {
                action: "revoke",
                entity: "open311_key",
                entity_id: Some(id),
                project_id: Some(k.project_id),
                summary: format!("吊销 Open311 密钥「{}」（{}…）", k.label, k.key_prefix),
            },
        )
        .await?;
    } else {
        tx.rollback().await?;
    }
    Ok(())
}
