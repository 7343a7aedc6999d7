//! The spots page of a project: the list, and for staff who may change it an add form (a refused name
//! comes back in the form with its message) and 停用/恢复 per spot.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};

use super::{
    actions::{self, SpotForm},
    store,
};
use crate::{
    app::AppState,
    auth::{Desk, Principal, StaffUser},
    error::{ApiResult, AppResult},
    ids::ProjectId,
    web::{Chrome, MsgQuery},
};

#[derive(Template, WebTemplate)]
#[template(path = "org/spots.html")]
struct SpotsPage {
    c: Chrome,
    project_id: i64,
    project_name: String,
    spots: Vec<store::Spot>,
    can_write: bool,
    typed: SpotForm,
    name_error: Option<String>,
    lat_error: Option<String>,
}

async fn render(
    state: &AppState,
    p: &Principal,
    ctx: &crate::auth::Ctx,
    id: i64,
    msg: Option<&str>,
    typed: SpotForm,
    errors: &[crate::error::FieldError],
) -> AppResult<SpotsPage> {
    let node = actions::project(state, p, id, false).await?;
    let can_write = crate::org::store::node_writable(p, &node);
    let spots = store::of_project(&state.db.read, ProjectId(node.id)).await?;
    let err = |f: &str| errors.iter().find(|e| e.field == f).map(|e| e.message.clone());
    Ok(SpotsPage {
        c: Chrome::titled(ctx, "spots.title").with_msg(msg),
        project_id: node.id,
        project_name: node.name,
        spots,
        can_write,
        name_error: err("name"),
        lat_error: err("lat"),
        typed,
    })
}

pub async fn page(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    render(&state, &p, &ctx, id, m.msg.as_deref(), SpotForm::default(), &[]).await
}

pub async fn add(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<SpotForm>,
) -> AppResult<Response> {
    match actions::add(&state, &p, &ctx, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/org/{id}/spots?msg=created")).into_response()),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let page = render(&state, &p, &ctx, id, None, f, &e.fields).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ActiveForm {
    /// "1" brings the spot back; anything else retires it.
    pub active: String,
}

pub async fn set_active(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path((id, spot)): Path<(i64, i64)>,
    Form(f): Form<ActiveForm>,
) -> AppResult<Redirect> {
    actions::set_active(&state, &p, &ctx, id, spot, f.active == "1").await?;
    Ok(Redirect::to(&format!("/org/{id}/spots?msg=saved")))
}

/// The spots of a project, for API clients reporting a public-area request (`spot_id`).
#[utoipa::path(get, path = "/api/v1/projects/{id}/spots", tag = "org",
    params(("id" = i64, Path, description = "project")),
    responses((status = 200, body = [store::Spot]), (status = 401), (status = 404)))]
pub async fn api_list(
    State(state): State<AppState>,
    Desk(p, _ctx): Desk,
    Path(id): Path<i64>,
) -> ApiResult<Vec<store::Spot>> {
    let node = actions::project(&state, &p, id, false).await?;
    Ok(axum::Json(store::of_project(&state.db.read, ProjectId(node.id)).await?))
}
