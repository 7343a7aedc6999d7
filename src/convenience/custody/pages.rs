//! Custody's pages: `/custody` lists the agreements the caller sees (the staff set one up there; an owner
//! sees their home's), and an agreement's page shows the plan, the key log and every check with its
//! photos — with the staff's forms for keys, checks and ending it.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, Request, State},
    response::{IntoResponse, Redirect, Response},
};

use super::{
    actions::{self, AgreementForm, Line, View},
    model::{Item, KeyEvent},
};
use crate::{
    app::AppState,
    auth::{Auth, Desk},
    error::AppResult,
    requests::photos,
    web::{
        Chrome, MsgQuery,
        forms::{Choice, choices},
    },
};

#[derive(Template, WebTemplate)]
#[template(path = "convenience/custody_list.html")]
struct ListPage {
    c: Chrome,
    lines: Vec<Line>,
    projects: Vec<Choice>,
    items: Vec<Choice>,
    today: String,
}

pub async fn list(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let ids = p.scope.write_projects.iter().take(50).map(|x| crate::ids::NodeId(x.get()));
    let projects = crate::org::store::nodes(&state.db.read, ids).await?.into_iter().map(|n| (n.id, n.name));
    Ok(ListPage {
        c: Chrome::titled(&ctx, "custody.title").with_msg(m.msg.as_deref()),
        lines: actions::list(&state, &p, ctx.lang).await?,
        projects: choices(projects),
        items: choices(Item::ALL.iter().map(|i| (i.as_str(), i.label(ctx.lang)))),
        today: state.clock.today().to_string(),
    })
}

pub async fn create(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Redirect> {
    let id = actions::create(&state, &p, &ctx, &AgreementForm::from_pairs(&pairs)).await?;
    Ok(Redirect::to(&format!("/custody/{id}?msg=created")))
}

#[derive(Template, WebTemplate)]
#[template(path = "convenience/custody.html")]
struct AgreementPage {
    c: Chrome,
    v: View,
    items: Vec<(&'static str, &'static str)>,
    events: Vec<Choice>,
    photo_max_mb: usize,
}

pub async fn agreement(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let v = actions::view(&state, &p, id, ctx.lang).await?;
    let items = super::model::items_of(&v.l.a.items).into_iter().map(|i| (i.as_str(), i.label(ctx.lang))).collect();
    Ok(AgreementPage {
        c: Chrome::new(&ctx, v.l.a.home.clone()).with_msg(m.msg.as_deref()),
        items,
        events: choices(KeyEvent::ALL.iter().map(|e| (e.as_str(), e.label(ctx.lang)))),
        photo_max_mb: state.config.max_photo_bytes / (1024 * 1024),
        v,
    })
}

/// A refused multipart form comes back with what was typed (the CSRF layer keeps urlencoded forms only).
fn refill(e: crate::error::AppError, fields: HashMap<String, String>) -> Response {
    let mut r = e.into_response();
    r.extensions_mut().insert(crate::web::refill::Typed(fields.into_iter().collect()));
    r
}

pub async fn key(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    req: Request,
) -> AppResult<Response> {
    actions::keeps(&state, &p, id).await?;
    let (fields, uploads): (HashMap<String, String>, _) = photos::form_with_photos(&state, req).await?;
    match actions::key(&state, &p, &ctx, id, &fields, uploads).await {
        Ok(()) => Ok(Redirect::to(&format!("/custody/{id}?msg=saved#keys")).into_response()),
        Err(e) => Ok(refill(e, fields)),
    }
}

pub async fn check(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    req: Request,
) -> AppResult<Response> {
    actions::keeps(&state, &p, id).await?;
    let (fields, uploads): (HashMap<String, String>, _) = photos::form_with_photos(&state, req).await?;
    match actions::check(&state, &p, &ctx, id, &fields, uploads).await {
        Ok(_) => Ok(Redirect::to(&format!("/custody/{id}?msg=saved#checks")).into_response()),
        Err(e) => Ok(refill(e, fields)),
    }
}

pub async fn end(State(state): State<AppState>, Desk(p, ctx): Desk, Path(id): Path<i64>) -> AppResult<Redirect> {
    actions::end(&state, &p, &ctx, id).await?;
    Ok(Redirect::to(&format!("/custody/{id}?msg=saved")))
}

pub async fn photo(
    State(state): State<AppState>,
    Auth(p, _ctx): Auth,
    Path((id, photo)): Path<(i64, i64)>,
) -> AppResult<Response> {
    actions::photo(&state, &p, id, photo).await
}
