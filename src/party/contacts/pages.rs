//! 联系户 and 先锋岗 pages: the branch's desk page for its leaders (links with the year's visits, the
//! latest visits and what was raised, the posts; forms to link, end, give a post), the visit form a
//! member uses from 我的党组织, and the API.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Json,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect},
};

use super::{
    actions::{self, LinkForm, StationForm, VisitForm},
    model::{StationKind, VisitHow},
    store::{Contact, Station, Visit},
};
use crate::{
    app::AppState,
    auth::Auth,
    error::{ApiResult, AppResult},
    web::{
        Chrome, MsgQuery,
        forms::{Choice, choices},
    },
};

pub struct VisitLine {
    pub v: Visit,
    pub how: &'static str,
}

pub struct StationLine {
    pub s: Station,
    pub kind: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "party/contacts.html")]
struct ContactsPage {
    c: Chrome,
    org_id: i64,
    org_name: String,
    contacts: Vec<Contact>,
    visits: Vec<VisitLine>,
    stations: Vec<StationLine>,
    members: Vec<Choice>,
    kinds: Vec<Choice>,
    hows: Vec<Choice>,
    max: usize,
}

pub fn visit_line(v: Visit, lang: crate::web::i18n::Lang) -> VisitLine {
    VisitLine { how: v.how.label(lang), v }
}

pub fn station_line(s: Station, lang: crate::web::i18n::Lang) -> StationLine {
    StationLine { kind: s.kind.label(lang), s }
}

/// The ways of visiting, for a select.
pub fn hows(lang: crate::web::i18n::Lang) -> Vec<Choice> {
    choices(VisitHow::ALL.iter().map(|h| (h.as_str(), h.label(lang))))
}

pub async fn contacts_page(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let o = actions::overview(&state, &p, &ctx, id).await?;
    let members = crate::party::store::members(&state.db.read, o.access.org.id).await?;
    Ok(ContactsPage {
        c: Chrome::titled(&ctx, "party.contacts").with_msg(m.msg.as_deref()),
        org_id: o.access.org.id,
        org_name: o.access.org.name,
        contacts: o.contacts,
        visits: o.visits.into_iter().map(|v| visit_line(v, ctx.lang)).collect(),
        stations: o.stations.into_iter().map(|s| station_line(s, ctx.lang)).collect(),
        members: choices(members.iter().map(|m| (m.person_id.get(), m.person_name.clone()))),
        kinds: choices(StationKind::ALL.iter().map(|k| (k.as_str(), k.label(ctx.lang)))),
        hows: hows(ctx.lang),
        max: super::model::MAX_CONTACTS,
    })
}

pub async fn link(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<LinkForm>,
) -> AppResult<Redirect> {
    actions::link(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/party/orgs/{id}/contacts?msg=created")))
}

pub async fn unlink(State(state): State<AppState>, Auth(p, ctx): Auth, Path(id): Path<i64>) -> AppResult<Redirect> {
    let org = actions::unlink(&state, &p, &ctx, id).await?;
    Ok(Redirect::to(&format!("/party/orgs/{org}/contacts?msg=saved")))
}

pub async fn visit(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<VisitForm>,
) -> AppResult<Redirect> {
    let (org, own) = actions::visit(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&if own {
        "/party/me?msg=saved#my-contacts".to_string()
    } else {
        format!("/party/orgs/{org}/contacts?msg=saved")
    }))
}

pub async fn add_station(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<StationForm>,
) -> AppResult<Redirect> {
    actions::add_station(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/party/orgs/{id}/contacts?msg=created#stations")))
}

pub async fn end_station(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
) -> AppResult<Redirect> {
    let org = actions::end_station(&state, &p, &ctx, id).await?;
    Ok(Redirect::to(&format!("/party/orgs/{org}/contacts?msg=saved#stations")))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ContactsOut {
    pub contacts: Vec<Contact>,
    pub visits: Vec<Visit>,
    pub stations: Vec<Station>,
}

/// A branch's 联系户 (with the year's visits), latest visits and 先锋岗/示范岗 — its leaders only.
#[utoipa::path(get, path = "/api/v1/party/orgs/{id}/contacts", tag = "party",
    params(("id" = i64, Path, description = "branch")),
    responses((status = 200, body = ContactsOut), (status = 401), (status = 403), (status = 404)))]
pub async fn api_contacts(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
) -> ApiResult<ContactsOut> {
    let o = actions::overview(&state, &p, &ctx, id).await?;
    Ok(Json(ContactsOut { contacts: o.contacts, visits: o.visits, stations: o.stations }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Logged {
    pub org_id: i64,
}

/// Log a visit to a 联系户 (the member who keeps in touch with it, or the branch's leaders).
#[utoipa::path(post, path = "/api/v1/party/contacts/{id}/visits", tag = "party",
    params(("id" = i64, Path, description = "contact link")),
    request_body = VisitForm,
    responses((status = 200, body = Logged), (status = 401), (status = 404), (status = 422)))]
pub async fn api_visit(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Json(f): Json<VisitForm>,
) -> ApiResult<Logged> {
    let (org_id, _) = actions::visit(&state, &p, &ctx, id, &f).await?;
    Ok(Json(Logged { org_id }))
}
