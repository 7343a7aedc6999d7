//! 联建's desk pages: the agreements, and one agreement with its commitments, three lists, joint
//! activities and the year's review.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect},
};

use super::{
    actions::{self, AgreementForm, AssessForm, ItemForm, LinkForm, Review, StatusForm},
    api::YearQuery,
    model::{List, Side, Status},
    store::{self, Agreement, Item},
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
#[template(path = "joint/list.html")]
struct ListPage {
    c: Chrome,
    agreements: Vec<Agreement>,
    projects: Vec<Choice>,
    communities: Vec<Choice>,
    streets: Vec<Choice>,
    today: String,
}

pub async fn list(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let agreements = actions::visible(&state, &p).await?;
    let ps = actions::parties(&state, &p).await?;
    Ok(ListPage {
        c: Chrome::titled(&ctx, "joint.title").with_msg(m.msg.as_deref()),
        agreements,
        projects: choices(ps.projects),
        communities: choices(ps.communities),
        streets: choices(
            std::iter::once((String::new(), String::new()))
                .chain(ps.streets.into_iter().map(|(i, n)| (i.to_string(), n))),
        ),
        today: state.clock.today().to_string(),
    })
}

pub async fn create(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Form(f): Form<AgreementForm>,
) -> AppResult<Redirect> {
    let id = actions::create(&state, &p, &ctx, &f).await?;
    Ok(Redirect::to(&format!("/joint/{id}?msg=created")))
}

pub struct ItemLine {
    pub i: Item,
    pub side: &'static str,
    pub status: &'static str,
    pub done: bool,
    /// The status choices with this item's selected.
    pub statuses: Vec<Choice>,
}

#[derive(Template, WebTemplate)]
#[template(path = "joint/agreement.html")]
struct AgreementPage {
    c: Chrome,
    a: Agreement,
    resources: Vec<ItemLine>,
    needs: Vec<ItemLine>,
    projects: Vec<ItemLine>,
    review: Review,
    years: Vec<i32>,
    company: bool,
    government: bool,
    may_edit: bool,
    lists: Vec<Choice>,
    sides: Vec<Choice>,
    activities: Vec<Choice>,
    project_items: Vec<Choice>,
    community_text: String,
    company_text: String,
}

pub async fn agreement_page(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let x = actions::open(&state, &p, id).await?;
    let today = state.clock.today();
    let year = actions::review_year(&x, q.year, today)?;
    let review = actions::review(&state, &x, year).await?;
    let items = store::items(&state.db.read, x.a.id).await?;
    let line = |i: &Item| ItemLine {
        side: i.side.map(|s| s.label(ctx.lang)).unwrap_or(""),
        status: i.status.label(ctx.lang),
        done: i.status == Status::Done,
        statuses: crate::web::forms::choices_with(
            Status::ALL.iter().map(|s| (s.as_str(), s.label(ctx.lang))),
            i.status.as_str(),
        ),
        i: i.clone(),
    };
    let of = |l: List| items.iter().filter(|i| i.list == l).map(line).collect::<Vec<_>>();
    let activities = if x.company { actions::linkable(&state, &x).await? } else { vec![] };
    let text =
        |s: Side| review.assessments.iter().find(|a| a.side == s).map(|a| a.assessment.clone()).unwrap_or_default();
    use chrono::Datelike;
    Ok(AgreementPage {
        c: Chrome::new(&ctx, x.a.title.clone()).with_msg(m.msg.as_deref()),
        resources: of(List::Resource),
        needs: of(List::Need),
        projects: of(List::Project),
        years: (x.a.starts_on.year()..=today.year().min(x.a.ends_on.year().max(x.a.starts_on.year()))).rev().collect(),
        community_text: text(Side::Community),
        company_text: text(Side::Company),
        review,
        company: x.company,
        government: x.government,
        may_edit: x.company || x.government,
        lists: choices(List::ALL.iter().map(|l| (l.as_str(), l.label(ctx.lang)))),
        sides: choices(std::iter::once(("", "")).chain(Side::ALL.iter().map(|s| (s.as_str(), s.label(ctx.lang))))),
        activities: choices(activities),
        project_items: choices(
            std::iter::once((String::new(), String::new()))
                .chain(items.iter().filter(|i| i.list == List::Project).map(|i| (i.id.to_string(), i.title.clone()))),
        ),
        a: x.a,
    })
}

pub async fn add_item(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Form(f): Form<ItemForm>,
) -> AppResult<Redirect> {
    actions::add_item(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/joint/{id}?msg=saved#lists")))
}

pub async fn set_status(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Form(f): Form<StatusForm>,
) -> AppResult<Redirect> {
    let agreement = actions::set_status(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/joint/{agreement}?msg=saved#lists")))
}

pub async fn link_activity(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Form(f): Form<LinkForm>,
) -> AppResult<Redirect> {
    actions::link_activity(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/joint/{id}?msg=saved#review")))
}

pub async fn assess(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Form(f): Form<AssessForm>,
) -> AppResult<Redirect> {
    let year = actions::assess(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/joint/{id}?year={year}&msg=saved#review")))
}
