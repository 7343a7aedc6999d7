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

use super::{
    model::{Level, Rung, check_ladder, default_ladder},
    store,
};
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
    /// The project's escalation ladder (its own, or the default).
    manager: Option<Rung>,
    branch: Option<Rung>,
    posts: Vec<Choice>,
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
    let ladder = ladder_of(&state, ProjectId(project)).await?;
    let manager = ladder.iter().find(|r| r.level == Level::ProjectManager).cloned();
    let post = manager.as_ref().and_then(|r| r.notify_post.clone()).unwrap_or_else(|| "项目经理".into());
    Ok(SettingsPage {
        c: Chrome::titled(&ctx, "req.settings").with_msg(MsgQuery { msg: q.msg }.msg.as_deref()),
        project_id: ProjectId(project),
        projects: choices_with(projects, &project.to_string()),
        categories: store::categories(&state.db.read, ProjectId(project)).await?,
        branch: ladder.iter().find(|r| r.level == Level::Branch).cloned(),
        manager,
        posts: crate::auth::model::STAFF_POSTS.iter().map(|x| Choice::new(x, *x).selected_if(*x == post)).collect(),
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
    let respond = crate::text::num(&f.respond_minutes).parse::<i32>().ok().filter(|m| (1..=10_080).contains(m));
    if respond.is_none() {
        errors.push(FieldError::new("respond_minutes", "响应时限应为1至10080分钟"));
    }
    let complete = crate::text::num(&f.complete_hours).parse::<i32>().ok().filter(|h| (1..=2_160).contains(h));
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

// ---- the escalation ladder ---------------------------------------------------------------------------

/// A project's ladder: its own, or the default one.
pub async fn ladder_of(state: &AppState, project: ProjectId) -> AppResult<Vec<Rung>> {
    Ok(store::settings::ladder(&state.db.read, project)
        .await?
        .unwrap_or_else(|| default_ladder(state.config.escalation_hours)))
}

/// Check and save a project's ladder with its audit line.
pub async fn save_ladder(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    project: ProjectId,
    rungs: Vec<Rung>,
) -> AppResult<()> {
    p.scope.require_write(project)?;
    check_ladder(&rungs).map_err(|m| AppError::field("ladder", m))?;
    let now = state.clock.now();
    let tx = sea_orm::TransactionTrait::begin(&state.db.write).await?;
    store::settings::set_ladder(&tx, project, &rungs, now).await?;
    let summary = if rungs.is_empty() {
        "超时升级：不升级".to_string()
    } else {
        let steps: Vec<String> = rungs
            .iter()
            .map(|r| {
                format!(
                    "{}（{}小时{}）",
                    r.level.zh(),
                    r.after_hours,
                    r.notify_post.as_deref().map(|x| format!("，通知{x}")).unwrap_or_default()
                )
            })
            .collect();
        format!("超时升级：{}", steps.join(" → "))
    };
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "escalation_ladder",
            entity_id: Some(project.get()),
            project_id: Some(project),
            summary,
        },
    )
    .await?;
    Ok(())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LadderForm {
    pub project_id: String,
    /// `1` when the manager rung is on.
    pub manager: String,
    pub manager_hours: String,
    pub manager_post: String,
    pub branch: String,
    pub branch_hours: String,
}

fn rungs_of(f: &LadderForm) -> AppResult<Vec<Rung>> {
    let hours = |s: &str, field: &str| {
        crate::text::num(s).parse::<i64>().map_err(|_| AppError::field(field, "升级时间应为0至720小时"))
    };
    let mut v = Vec::new();
    if f.manager == "1" {
        v.push(Rung {
            level: Level::ProjectManager,
            after_hours: hours(&f.manager_hours, "manager_hours")?,
            notify_post: Some(f.manager_post.trim().to_string()),
        });
    }
    if f.branch == "1" {
        v.push(Rung { level: Level::Branch, after_hours: hours(&f.branch_hours, "branch_hours")?, notify_post: None });
    }
    Ok(v)
}

pub async fn ladder_post(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Form(f): Form<LadderForm>,
) -> AppResult<Redirect> {
    let project =
        ProjectId(f.project_id.trim().parse::<i64>().map_err(|_| AppError::field("project_id", "请选择项目"))?);
    // Who may change it first: another estate's staff learn nothing from a refused form.
    p.scope.require_write(project)?;
    save_ladder(&state, &p, &ctx, project, rungs_of(&f)?).await?;
    Ok(Redirect::to(&format!("/requests/categories?project={project}&msg=saved")))
}

/// A project's escalation ladder above the handler: the rungs (`manager`, `branch`), the hours after
/// which each is reached (from the missed deadline, or from the rung below) and the post told at the
/// manager rung.
#[utoipa::path(get, path = "/api/v1/projects/{id}/escalation", tag = "requests", params(("id" = i64, Path)),
    responses((status = 200, body = [Rung]), (status = 401), (status = 403), (status = 404)))]
pub async fn ladder_api(
    AxState(state): AxState<AppState>,
    StaffUser(p, _): StaffUser,
    Path(id): Path<i64>,
) -> crate::error::ApiResult<Vec<Rung>> {
    p.scope.require_write(ProjectId(id))?;
    Ok(axum::Json(ladder_of(&state, ProjectId(id)).await?))
}

/// Set a project's escalation ladder (an empty list: overdue requests are not raised).
#[utoipa::path(put, path = "/api/v1/projects/{id}/escalation", tag = "requests", params(("id" = i64, Path)),
    request_body = [Rung],
    responses((status = 200, body = [Rung]), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn ladder_put(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    axum::Json(rungs): axum::Json<Vec<Rung>>,
) -> crate::error::ApiResult<Vec<Rung>> {
    save_ladder(&state, &p, &ctx, ProjectId(id), rungs).await?;
    Ok(axum::Json(ladder_of(&state, ProjectId(id)).await?))
}
