//! Care's desk pages: the care list (most overdue first) with the form to give a tag, and one tag's page
//! with its plan, the visit form and the visits.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect},
};

use super::{
    actions::{self, Line, NeedsForm, PlanForm, TagForm, VisitForm},
    model::{How, Tag, Wellbeing},
    store::Visit,
};
use crate::{
    app::AppState,
    auth::Desk,
    error::AppResult,
    web::{
        Chrome, MsgQuery,
        forms::{Choice, choices},
    },
};

#[derive(Template, WebTemplate)]
#[template(path = "care/list.html")]
struct ListPage {
    c: Chrome,
    lines: Vec<Line>,
    projects: Vec<Choice>,
    kinds: Vec<Choice>,
}

pub async fn list(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    Ok(ListPage {
        c: Chrome::titled(&ctx, "care.title").with_msg(m.msg.as_deref()),
        lines: actions::list(&state, &p, &ctx).await?,
        projects: choices(actions::projects(&state, &p).await?),
        kinds: choices(Tag::ALL.iter().map(|k| (k.as_str(), k.label(ctx.lang)))),
    })
}

pub async fn create(State(state): State<AppState>, Desk(p, ctx): Desk, Form(f): Form<TagForm>) -> AppResult<Redirect> {
    let id = actions::create(&state, &p, &ctx, &f).await?;
    Ok(Redirect::to(&format!("/care/tags/{id}?msg=created")))
}

#[derive(Template, WebTemplate)]
#[template(path = "care/tag.html")]
struct TagPage {
    c: Chrome,
    l: Line,
    visits: Vec<Visit>,
    staff: bool,
    hows: Vec<Choice>,
    wellbeings: Vec<Choice>,
    categories: Vec<Choice>,
}

pub async fn tag_page(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let (l, visits, staff) = actions::open(&state, &p, &ctx, id).await?;
    let categories = choices(actions::categories(&state, &l.tag).await?);
    Ok(TagPage {
        categories,
        c: Chrome::new(&ctx, l.tag.person_name.clone()).with_msg(m.msg.as_deref()),
        l,
        visits,
        staff,
        hows: choices(How::ALL.iter().map(|k| (k.as_str(), k.label(ctx.lang)))),
        wellbeings: choices(Wellbeing::ALL.iter().map(|k| (k.as_str(), k.label(ctx.lang)))),
    })
}

pub async fn plan(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Form(f): Form<PlanForm>,
) -> AppResult<Redirect> {
    actions::plan(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/care/tags/{id}?msg=saved")))
}

pub async fn visit(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Form(f): Form<VisitForm>,
) -> AppResult<Redirect> {
    actions::visit(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/care/tags/{id}?msg=saved")))
}

pub async fn end(State(state): State<AppState>, Desk(p, ctx): Desk, Path(id): Path<i64>) -> AppResult<Redirect> {
    actions::end(&state, &p, &ctx, id).await?;
    Ok(Redirect::to("/care?msg=saved"))
}

/// A visit's needs become a request; the caller lands on it.
pub async fn to_request(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Form(f): Form<NeedsForm>,
) -> AppResult<Redirect> {
    let request = actions::to_request(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/requests/{request}?msg=created")))
}

/// A visit's needs become a 微心愿 for the resident.
pub async fn to_wish(State(state): State<AppState>, Desk(p, ctx): Desk, Path(id): Path<i64>) -> AppResult<Redirect> {
    let wish = actions::to_wish(&state, &p, &ctx, id).await?;
    Ok(Redirect::to(&format!("/wishes/{wish}?msg=created")))
}
