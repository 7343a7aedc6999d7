//! The city platform's settings (page and API) and settling an unknown push: thin handlers over
//! `actions::outbound`.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Json,
    extract::{Path, Query, State as AxState},
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};

use crate::ids::*;
use crate::requests::actions::outbound::{self, OutboundInput, OutboundView, SettleForm};
use crate::{
    app::AppState,
    auth::{Ctx, Principal, StaffUser},
    error::{ApiResult, AppError, AppResult, FieldError},
    org::store as org,
    web::{
        Chrome,
        forms::{Choice, choices_with},
    },
};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    pub project: Option<i64>,
    pub msg: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "requests/outbound.html")]
struct OutboundPage {
    c: Chrome,
    projects: Vec<Choice>,
    v: OutboundView,
    /// What was typed into a refused form (the key never comes back).
    typed: Option<OutboundInput>,
    errors: Vec<FieldError>,
}

impl OutboundPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
    fn base_url(&self) -> &str {
        self.typed.as_ref().map(|t| t.base_url.as_str()).unwrap_or(&self.v.base_url)
    }
    fn jurisdiction(&self) -> &str {
        match &self.typed {
            Some(t) => &t.jurisdiction_id,
            None => self.v.jurisdiction_id.as_deref().unwrap_or(""),
        }
    }
    fn enabled(&self) -> bool {
        self.typed.as_ref().map(|t| t.enabled).unwrap_or(self.v.enabled)
    }
    fn code(&self, category: &i64) -> &str {
        if let Some(t) = &self.typed {
            return t.codes.iter().find(|(c, _)| c == category).map(|(_, v)| v.as_str()).unwrap_or("");
        }
        self.v
            .service_codes
            .iter()
            .find(|s| s.category_id == *category)
            .and_then(|s| s.service_code.as_deref())
            .unwrap_or("")
    }
    fn code_error(&self, category: &i64) -> Option<&str> {
        self.error(&format!("code_{category}"))
    }
}

async fn render(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    project: ProjectId,
    msg: Option<&str>,
    typed: Option<OutboundInput>,
    errors: Vec<FieldError>,
) -> AppResult<OutboundPage> {
    let v = outbound::view(state, p, project).await?;
    let projects = org::project_names(&state.db.read, p.scope.write_projects.iter().copied()).await?;
    Ok(OutboundPage {
        c: Chrome::titled(ctx, "out.title").with_msg(msg),
        projects: choices_with(projects, &project.to_string()),
        v,
        typed,
        errors,
    })
}

pub async fn page(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Query(q): Query<PageQuery>,
) -> AppResult<impl IntoResponse> {
    let project = match q.project {
        Some(id) => ProjectId(id),
        None => *p.scope.write_projects.iter().next().ok_or_else(AppError::forbidden)?,
    };
    render(&state, &p, &ctx, project, q.msg.as_deref(), None, vec![]).await
}

/// The page's form: the settings and one `code_<category id>` field per category.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OutboundForm {
    pub project_id: String,
    pub base_url: String,
    pub jurisdiction_id: String,
    pub api_key: String,
    pub enabled: String,
    #[serde(flatten)]
    pub rest: HashMap<String, String>,
}

pub async fn save(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Form(f): Form<OutboundForm>,
) -> AppResult<Response> {
    let project =
        ProjectId(f.project_id.trim().parse::<i64>().map_err(|_| AppError::field("project_id", "请选择项目"))?);
    let mut codes: Vec<(i64, String)> = f
        .rest
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("code_").and_then(|id| id.parse().ok()).map(|id| (id, v.clone())))
        .collect();
    codes.sort();
    let input = OutboundInput {
        base_url: f.base_url,
        jurisdiction_id: f.jurisdiction_id,
        api_key: f.api_key,
        enabled: f.enabled == "1",
        codes,
    };
    match outbound::save(&state, &p, &ctx, project, input.clone()).await {
        Ok(()) => Ok(Redirect::to(&format!("/requests/outbound?project={project}&msg=saved")).into_response()),
        Err(e) if !e.fields.is_empty() => {
            let status = e.status;
            let typed = OutboundInput { api_key: String::new(), ..input };
            Ok((status, render(&state, &p, &ctx, project, None, Some(typed), e.fields).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// A project's city platform: address, jurisdiction, whether a key is stored (never the key), whether
/// pushing is on, and each category's service code there.
#[utoipa::path(get, path = "/api/v1/projects/{id}/open311-outbound", tag = "requests", params(("id" = i64, Path)),
    responses((status = 200, body = OutboundView), (status = 401), (status = 403), (status = 404)))]
pub async fn api_get(
    AxState(state): AxState<AppState>,
    StaffUser(p, _): StaffUser,
    Path(id): Path<i64>,
) -> ApiResult<OutboundView> {
    Ok(Json(outbound::view(&state, &p, ProjectId(id)).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CodeBody {
    pub category_id: i64,
    /// Empty or null clears it.
    pub service_code: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct OutboundBody {
    /// `https://…/open311/v2` (the GeoReport v2 base, without a trailing slash).
    pub base_url: String,
    pub jurisdiction_id: Option<String>,
    /// The key the city issued; omit to keep the stored one.
    pub api_key: Option<String>,
    pub enabled: bool,
    #[serde(default)]
    pub service_codes: Vec<CodeBody>,
}

/// Set a project's city platform (project staff). The key is sealed and never returned.
#[utoipa::path(put, path = "/api/v1/projects/{id}/open311-outbound", tag = "requests", params(("id" = i64, Path)),
    request_body = OutboundBody,
    responses((status = 200, body = OutboundView), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn api_put(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Json(b): Json<OutboundBody>,
) -> ApiResult<OutboundView> {
    let input = OutboundInput {
        base_url: b.base_url,
        jurisdiction_id: b.jurisdiction_id.unwrap_or_default(),
        api_key: b.api_key.unwrap_or_default(),
        enabled: b.enabled,
        codes: b.service_codes.into_iter().map(|c| (c.category_id, c.service_code.unwrap_or_default())).collect(),
    };
    outbound::save(&state, &p, &ctx, ProjectId(id), input).await?;
    Ok(Json(outbound::view(&state, &p, ProjectId(id)).await?))
}

/// Settle from the referral page.
pub async fn settle(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<SettleForm>,
) -> AppResult<Redirect> {
    outbound::settle(&state, &p, &ctx, id, f).await?;
    Ok(Redirect::to(&format!("/referrals/{id}?msg=saved")))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SettleBody {
    /// The ticket number found on the city's side; omit to send it again.
    pub remote_id: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SettleResult {
    /// `queued` (sent again by the job) or `sent` (followed by polling).
    pub push_state: String,
}

/// Settle a push whose outcome is unknown (`push_state` = `unknown`), after checking with the city.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/push", tag = "requests", params(("id" = i64, Path)),
    request_body = SettleBody,
    responses((status = 200, body = SettleResult), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn api_settle(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Json(b): Json<SettleBody>,
) -> ApiResult<SettleResult> {
    let s = outbound::settle(&state, &p, &ctx, id, SettleForm { remote_id: b.remote_id.unwrap_or_default() }).await?;
    Ok(Json(SettleResult { push_state: s.as_str().into() }))
}
