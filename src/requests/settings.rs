//! Category and SLA settings per project (project staff): add a category, change its response and
//! completion limits and its default handler post. Existing requests keep the deadlines they were given.

use crate::ids::*;
use crate::web::forms::{Choice, choices_with};
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State as AxState},
    response::{IntoResponse, Redirect},
};
use serde::Deserialize;

use super::store;
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal, StaffUser},
    error::{AppError, AppResult, FieldError},
    org::store as org,
    web::{Chrome, MsgQuery},
};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SettingsQuery {
    pub project: Option<i64>,
    pub msg: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "requests/settings.html")]
struct SettingsPage {
    c: Chrome,
    project_id: ProjectId,
    projects: Vec<Choice>,
    categories: Vec<store::Category>,
}

pub async fn page(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Query(q): Query<SettingsQuery>,
) -> AppResult<impl IntoResponse> {
    let project = match q.project {
        Some(id) => id,
        None => (*p.scope.write_projects.iter().next().ok_or_else(AppError::forbidden)?).into(),
    };
    p.scope.require_write(ProjectId(project))?;
    let projects = org::project_names(&state.db.read, p.scope.write_projects.iter().copied()).await?;
    Ok(SettingsPage {
        c: Chrome::titled(&ctx, "req.settings").with_msg(MsgQuery { msg: q.msg }.msg.as_deref()),
        project_id: ProjectId(project),
        projects: choices_with(projects, &project.to_string()),
        categories: store::categories(&state.db.read, ProjectId(project)).await?,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CategoryForm {
    pub project_id: String,
    pub name: String,
    pub respond_minutes: String,
    pub complete_hours: String,
    pub handler_post: String,
}

struct Valid {
    name: String,
    respond: i32,
    complete: i32,
    post: Option<String>,
}

fn validate(f: &CategoryForm) -> AppResult<Valid> {
    let mut errors = Vec::new();
    let name = crate::text::normalize(&f.name);
    if name.is_empty() || name.chars().count() > 20 {
        errors.push(FieldError::new("name", "类别名称不能为空，且不超过20个字"));
    }
    let respond = f.respond_minutes.trim().parse::<i32>().ok().filter(|m| (1..=10_080).contains(m));
    if respond.is_none() {
        errors.push(FieldError::new("respond_minutes", "响应时限应为1至10080分钟"));
    }
    let complete = f.complete_hours.trim().parse::<i32>().ok().filter(|h| (1..=2_160).contains(h));
    if complete.is_none() {
        errors.push(FieldError::new("complete_hours", "办结时限应为1至2160小时"));
    }
    if let (Some(r), Some(c)) = (respond, complete)
        && r as i64 > c as i64 * 60
    {
        errors.push(FieldError::new("respond_minutes", "响应时限不能长于办结时限"));
    }
    let post = crate::text::normalize(&f.handler_post);
    if post.chars().count() > 40 {
        errors.push(FieldError::new("handler_post", "岗位不能超过40字"));
    }
    match (errors.is_empty(), respond, complete) {
        (true, Some(respond), Some(complete)) => {
            Ok(Valid { name, respond, complete, post: (!post.is_empty()).then_some(post) })
        }
        _ => Err(AppError::validation(errors)),
    }
}

pub async fn save_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: Option<i64>,
    f: CategoryForm,
) -> AppResult<i64> {
    let project = match id {
        Some(id) => store::category(&state.db.read, id).await?.ok_or_else(AppError::not_found)?.project_id,
        None => ProjectId(f.project_id.trim().parse::<i64>().map_err(|_| AppError::field("project_id", "请选择项目"))?),
    };
    p.scope.require_write(project)?;
    let v = validate(&f)?;
    let now = state.clock.now();
    let tx = sea_orm::TransactionTrait::begin(&state.db.write).await?;
    let saved =
        store::settings::save_category(&tx, id, project, &v.name, v.respond, v.complete, v.post.as_deref(), now)
            .await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: if id.is_some() { "update" } else { "create" },
            entity: "request_category",
            entity_id: Some(saved),
            project_id: Some(project),
            summary: format!("诉求类别「{}」：响应{}分钟，办结{}小时", v.name, v.respond, v.complete),
        },
    )
    .await?;
    Ok(project.into())
}

pub async fn create(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Form(f): Form<CategoryForm>,
) -> AppResult<Redirect> {
    let project = save_checked(&state, &p, &ctx, None, f).await?;
    Ok(Redirect::to(&format!("/requests/categories?project={project}&msg=saved")))
}

pub async fn update(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<CategoryForm>,
) -> AppResult<Redirect> {
    let project = save_checked(&state, &p, &ctx, Some(id), f).await?;
    Ok(Redirect::to(&format!("/requests/categories?project={project}&msg=saved")))
}
