//! HTML pages for people: person page, edit, reveal (logged), roles, household membership, search.
//! The use cases they call live in `actions`.

use crate::ids::*;
use crate::web::forms::{Choice, choices};
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect},
};
use serde::Deserialize;

use super::{actions::*, model::mask_phone, store};
use crate::{
    app::AppState,
    auth::{Auth, Ctx, Desk, Principal, StaffUser, model::Role},
    error::AppResult,
    org::store as org,
    web::{Chrome, MsgQuery},
};

pub struct RoleLine {
    pub id: i64,
    pub role: String,
    pub node_id: i64,
    pub node: String,
    pub post: String,
}

/// A person's numbers in full, after an audited reveal.
struct Revealed {
    phone: String,
    id_number: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/person.html")]
struct PersonPage {
    c: Chrome,
    p: store::PersonView,
    revealed: Option<Revealed>,
    homes: Vec<store::Membership>,
    roles: Vec<RoleLine>,
    can_write: bool,
    role_options: Vec<Choice>,
    role_nodes: Vec<Choice>,
    /// Honours the person received (C11).
    honours: Vec<crate::web::forms::Fact>,
}

async fn render_person(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i64,
    revealed: Option<Revealed>,
    msg: Option<&str>,
) -> AppResult<PersonPage> {
    let (row, can_write) = load_person(state, p, id).await?;
    let homes = store::memberships_of_person(&state.db.read, PersonId(id)).await?;
    let roles = store::roles_of_person(&state.db.read, PersonId(id))
        .await?
        .into_iter()
        .map(|r| RoleLine {
            id: r.id,
            role: Role::parse(&r.role).map(|x| x.label(ctx.lang)).unwrap_or("").into(),
            node_id: r.node_id,
            node: r.node_name,
            post: r.post.unwrap_or_default(),
        })
        .collect();
    let role_nodes = if can_write {
        org::project_names(&state.db.read, p.scope.write_projects.iter().copied()).await?
    } else {
        Vec::new()
    };
    let honours = crate::honours::actions::of_person(state, PersonId(id))
        .await?
        .into_iter()
        .map(|h| crate::web::forms::Fact::new(h.title, format!("{} · {}", h.grantor_name, h.awarded_on)))
        .collect();
    Ok(PersonPage {
        c: Chrome::new(ctx, row.name.clone()).with_msg(msg),
        honours,
        p: row.into(),
        revealed,
        homes,
        roles,
        can_write,
        role_options: choices(
            Role::ALL.iter().filter(|r| **r != Role::CompanyAdmin).map(|r| (r.as_str(), r.label(ctx.lang))),
        ),
        role_nodes: choices(role_nodes),
    })
}

pub async fn person_page(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let page = render_person(&state, &p, &ctx, id, None, m.msg.as_deref()).await?;
    log_read(&state, &p, &ctx, id, &page.p.name).await?;
    Ok(page)
}

pub async fn reveal(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
) -> AppResult<impl IntoResponse> {
    let (phone, idn) = reveal_checked(&state, &p, &ctx, id).await?;
    let mut page = render_person(
        &state,
        &p,
        &ctx,
        id,
        Some(Revealed { phone: phone.unwrap_or_default(), id_number: idn.unwrap_or_default() }),
        None,
    )
    .await?;
    page.c = page.c.with_msg(Some("reveal_logged"));
    Ok(page)
}

pub async fn update_person(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<PersonForm>,
) -> AppResult<Redirect> {
    update_person_checked(&state, &p, &ctx, id, f).await?;
    Ok(Redirect::to(&format!("/people/{id}?msg=saved")))
}

pub async fn add_role(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<RoleForm>,
) -> AppResult<Redirect> {
    add_role_checked(&state, &p, &ctx, PersonId(id), f).await?;
    Ok(Redirect::to(&format!("/people/{id}?msg=role_added")))
}

pub async fn remove_role(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path((id, rid)): Path<(i64, i64)>,
) -> AppResult<Redirect> {
    remove_role_checked(&state, &p, &ctx, PersonId(id), rid).await?;
    Ok(Redirect::to(&format!("/people/{id}?msg=role_removed")))
}

pub async fn add_member(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<MemberForm>,
) -> AppResult<Redirect> {
    add_member_checked(&state, &p, &ctx, HouseholdId(id), f).await?;
    Ok(Redirect::to(&format!("/households/{id}?msg=member_added")))
}

pub async fn move_out(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path((id, mid)): Path<(i64, i64)>,
    Form(f): Form<MoveOutForm>,
) -> AppResult<Redirect> {
    move_out_checked(&state, &p, &ctx, id, mid, f).await?;
    Ok(Redirect::to(&format!("/households/{id}?msg=moved_out")))
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    pub q: Option<String>,
}

pub struct Hit {
    pub person_id: PersonId,
    pub name: String,
    pub phone: String,
    pub household_id: Option<HouseholdId>,
    pub label: String,
    pub project: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/search.html")]
struct SearchPage {
    c: Chrome,
    /// Staff handle residents' data requests (others are not shown the link).
    staff: bool,
    q: String,
    hits: Vec<Hit>,
    searched: bool,
}

pub async fn search(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Query(q): Query<SearchQuery>,
) -> AppResult<impl IntoResponse> {
    let query = q.q.unwrap_or_default();
    let hits = store::search(&state.db.read, &p, &query)
        .await?
        .into_iter()
        .map(|h| Hit {
            person_id: h.person_id,
            name: h.name,
            phone: h.phone.as_deref().map(mask_phone).unwrap_or_default(),
            household_id: h.household_id,
            label: h.label.unwrap_or_default(),
            project: h.project_name.unwrap_or_default(),
        })
        .collect();
    Ok(SearchPage {
        c: Chrome::titled(&ctx, "search.title"),
        staff: p.has(crate::auth::model::Access::Staff),
        searched: !query.trim().is_empty(),
        q: query,
        hits,
    })
}

pub async fn create_person(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(node_id): Path<i64>,
    Form(f): Form<NewPersonForm>,
) -> AppResult<Redirect> {
    let id = create_person_checked(&state, &p, &ctx, node_id, f).await?;
    Ok(Redirect::to(&format!("/people/{id}?msg=created")))
}
