//! Open311 API keys per project: issued and revoked by the project's manager (or a company admin) on a
//! page, or with `xinghuo open311-key`. A key is shown once; only its SHA-256 is stored.

use crate::ids::*;
use crate::web::forms::{Choice, choices};
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State as AxState},
    response::{IntoResponse, Redirect},
};
use serde::Deserialize;

use super::open311;
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Principal, StaffUser, model::Role},
    clock::fmt_datetime,
    error::{AppError, AppResult},
    org::store as org,
    web::{Chrome, MsgQuery},
};

/// Projects whose keys the caller manages: a project manager's own projects; all writable ones for a
/// company admin.
pub fn managed_projects(p: &Principal) -> Vec<ProjectId> {
    if p.has_role(Role::CompanyAdmin) {
        return p.scope.write_projects.iter().copied().collect();
    }
    p.staff_posts().into_iter().filter(|(_, post)| post == "项目经理").map(|(pid, _)| ProjectId(pid)).collect()
}

pub struct KeyLine {
    pub id: i64,
    pub project: String,
    pub label: String,
    pub prefix: String,
    pub created: String,
    pub revoked: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "requests/keys.html")]
struct KeysPage {
    c: Chrome,
    projects: Vec<Choice>,
    keys: Vec<KeyLine>,
    /// A key just issued: shown this once.
    new_key: Option<String>,
    endpoint: String,
}

async fn render(state: &AppState, p: &Principal, c: Chrome, new_key: Option<String>) -> AppResult<KeysPage> {
    let managed = managed_projects(p);
    if managed.is_empty() {
        return Err(AppError::forbidden());
    }
    let projects: Vec<(i64, String)> =
        org::nodes(&state.db.read, managed.iter().copied()).await?.into_iter().map(|n| (n.id, n.name)).collect();
    let name = |id: i64| projects.iter().find(|(p, _)| *p == id).map(|(_, n)| n.clone()).unwrap_or_default();
    let keys = open311::keys(&state.db.read, &managed)
        .await?
        .into_iter()
        .map(|k| KeyLine {
            id: k.id,
            project: name(k.project_id.into()),
            label: k.label,
            prefix: k.key_prefix,
            created: fmt_datetime(k.created_at),
            revoked: k.revoked_at.map(fmt_datetime).unwrap_or_default(),
        })
        .collect();
    Ok(KeysPage {
        c,
        projects: choices(projects),
        keys,
        new_key,
        endpoint: format!("{}/open311/v2", state.config.public_url.trim_end_matches('/')),
    })
}

pub async fn page(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    render(&state, &p, Chrome::titled(&ctx, "o311.title").with_msg(m.msg.as_deref()), None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewKeyForm {
    pub project_id: String,
    pub label: String,
}

pub async fn create(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Form(f): Form<NewKeyForm>,
) -> AppResult<impl IntoResponse> {
    let project: ProjectId = f.project_id.trim().parse().map_err(|_| AppError::field("project_id", "请选择项目"))?;
    if !managed_projects(&p).contains(&project) {
        return Err(AppError::forbidden());
    }
    let label = crate::text::normalize(&f.label);
    if label.is_empty() || label.chars().count() > 100 {
        return Err(AppError::field("label", "请填写用途（不超过100字），例如「12345热线对接」"));
    }
    let now = state.clock.now();
    let tx = sea_orm::TransactionTrait::begin(&state.db.write).await?;
    let (id, key) = open311::create_key(&tx, project, &label, Some(p.user_id), now).await?;
    audit::commit(
        tx,
        &ctx,
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
    render(&state, &p, Chrome::titled(&ctx, "o311.title"), Some(key)).await
}

pub async fn revoke(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
) -> AppResult<Redirect> {
    let k = open311::key_by_id(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    if !managed_projects(&p).contains(&k.project_id) {
        return Err(AppError::not_found());
    }
    let now = state.clock.now();
    let tx = sea_orm::TransactionTrait::begin(&state.db.write).await?;
    if open311::revoke_key(&tx, id, now).await? {
        audit::record(
            &tx,
            &ctx,
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
    }
    tx.commit().await?;
    Ok(Redirect::to("/requests/open311-keys?msg=saved"))
}
