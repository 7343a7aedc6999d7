//! Open311 API keys per project: issued and revoked by the project's manager (or a company admin) on a
//! page, or with `xinghuo open311-key`. A key is shown once; only its SHA-256 is stored.

use crate::ids::ProjectId;
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
    auth::{Principal, StaffUser},
    clock::fmt_datetime,
    error::{AppError, AppResult},
    org::store as org,
    web::{Chrome, MsgQuery},
};

pub use super::actions::keys::managed_projects;

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
    let projects = org::project_names(&state.db.read, managed.iter().copied()).await?;
    let name = |id: ProjectId| projects.iter().find(|(p, _)| *p == id).map(|(_, n)| n.clone()).unwrap_or_default();
    let keys = open311::keys(&state.db.read, &managed)
        .await?
        .into_iter()
        .map(|k| KeyLine {
            id: k.id,
            project: name(k.project_id),
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
    let key = super::actions::keys::create_key_checked(&state, &p, &ctx, &f.project_id, &f.label).await?;
    render(&state, &p, Chrome::titled(&ctx, "o311.title"), Some(key)).await
}

pub async fn revoke(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
) -> AppResult<Redirect> {
    super::actions::keys::revoke_key_checked(&state, &p, &ctx, id).await?;
    Ok(Redirect::to("/requests/open311-keys?msg=saved"))
}
