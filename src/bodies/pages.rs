//! The other bodies' desk pages (the list with the form to set one up, a body with its members) and API.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Json,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect},
};

use super::{
    actions::{self, BodyForm, MemberForm},
    model::BodyKind,
    store::{Body, Member},
};
use crate::{
    app::AppState,
    auth::Desk,
    error::{ApiResult, AppResult},
    web::{
        Chrome, MsgQuery,
        forms::{Choice, choices},
    },
};

pub struct BodyLine {
    pub b: Body,
    pub kind: &'static str,
    /// The term has run out: due for 换届.
    pub over: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "bodies/list.html")]
struct ListPage {
    c: Chrome,
    bodies: Vec<BodyLine>,
    places: Vec<Choice>,
    kinds: Vec<Choice>,
}

pub async fn list(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    Ok(ListPage {
        c: Chrome::titled(&ctx, "body.title").with_msg(m.msg.as_deref()),
        bodies: actions::visible(&state, &p)
            .await?
            .into_iter()
            .map(|b| BodyLine {
                kind: b.kind.label(ctx.lang),
                over: super::model::term_over(b.term_end, state.clock.today()),
                b,
            })
            .collect(),
        places: choices(actions::places(&state, &p).await?),
        kinds: choices(BodyKind::ALL.iter().map(|k| (k.as_str(), k.label(ctx.lang)))),
    })
}

pub async fn create(State(state): State<AppState>, Desk(p, ctx): Desk, Form(f): Form<BodyForm>) -> AppResult<Redirect> {
    let id = actions::create(&state, &p, &ctx, &f).await?;
    Ok(Redirect::to(&format!("/bodies/{id}?msg=created")))
}

#[derive(Template, WebTemplate)]
#[template(path = "bodies/body.html")]
struct BodyPage {
    c: Chrome,
    b: Body,
    kind: &'static str,
    members: Vec<Member>,
    write: bool,
    at_project: bool,
    over: bool,
}

pub async fn body_page(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let (a, members) = actions::detail(&state, &p, id).await?;
    Ok(BodyPage {
        c: Chrome::new(&ctx, a.body.name.clone()).with_msg(m.msg.as_deref()),
        kind: a.body.kind.label(ctx.lang),
        members,
        write: a.write,
        at_project: a.node.project_id.is_some(),
        over: super::model::term_over(a.body.term_end, state.clock.today()),
        b: a.body,
    })
}

pub async fn add_member(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Form(f): Form<MemberForm>,
) -> AppResult<Redirect> {
    actions::add_member(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/bodies/{id}?msg=created")))
}

pub async fn end_member(State(state): State<AppState>, Desk(p, ctx): Desk, Path(id): Path<i64>) -> AppResult<Redirect> {
    let body = actions::end_member(&state, &p, &ctx, id).await?;
    Ok(Redirect::to(&format!("/bodies/{body}?msg=saved")))
}

/// The bodies the caller may read (团支部, 居委会, 业委会, partners, tenant companies).
#[utoipa::path(get, path = "/api/v1/bodies", tag = "bodies", responses((status = 200, body = [Body]), (status = 401), (status = 403)))]
pub async fn api_list(State(state): State<AppState>, Desk(p, _ctx): Desk) -> ApiResult<Vec<Body>> {
    Ok(Json(actions::visible(&state, &p).await?))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct BodyOut {
    pub body: Body,
    pub members: Vec<Member>,
}

/// A body with its members now.
#[utoipa::path(get, path = "/api/v1/bodies/{id}", tag = "bodies", params(("id" = i64, Path, description = "Body")),
    responses((status = 200, body = BodyOut), (status = 401), (status = 403), (status = 404)))]
pub async fn api_detail(State(state): State<AppState>, Desk(p, _ctx): Desk, Path(id): Path<i64>) -> ApiResult<BodyOut> {
    let (a, members) = actions::detail(&state, &p, id).await?;
    Ok(Json(BodyOut { body: a.body, members }))
}
