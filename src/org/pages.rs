//! HTML pages of the organisation tree: home, tree, node pages (company … unit, district … micro-grid),
//! household page. Thin: parse → check scope → call store → render.

use crate::ids::*;
use crate::web::forms::{Choice, Fact, Link, choices};
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
};

use super::{
    actions::*,
    model::{NodeKind, PartyOrgKind, ProjectKind, xinghuo_status_zh},
    store::{self, Household, Node},
};
use crate::{
    app::AppState,
    auth::{Auth, Desk, StaffUser, model::Access},
    error::{AppError, AppResult},
    people::{
        model::{Relation, format_area, mask_phone},
        store as people,
    },
    web::{Chrome, MsgQuery},
};

pub struct Row {
    pub href: String,
    pub name: String,
    pub kind: String,
    pub depth: usize,
    pub note: String,
}

/// One of my homes on the home page: its page, the estate, the home itself.
struct HomeButton {
    id: i64,
    estate: String,
    home: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    desk: bool,
    counts: store::Counts,
    scope: Vec<String>,
    projects: Vec<Row>,
    homes: Vec<HomeButton>,
    grid_households: i64,
    /// What each capability shows this user (their requests, bookings, points, the work waiting).
    cards: Vec<crate::capability::HomeCard>,
    /// The phone's service grid (宫格): where to go, icon, words.
    services: Vec<Service>,
}

struct Service {
    href: String,
    icon: &'static str,
    label: &'static str,
}

/// The phone home's service grid: every place this resident's navigation offers, with its icon.
fn services(p: &crate::auth::Principal, lang: crate::web::i18n::Lang, homes: &[HomeButton]) -> Vec<Service> {
    const ICONS: &[(&str, &str, &str)] = &[
        ("/requests", "repair", "home.svc.requests"),
        ("/activities", "calendar", "home.svc.activities"),
        ("/positions", "building", "home.svc.positions"),
        ("/volunteers", "hands", "home.svc.volunteers"),
        ("/rewards", "gift", "home.svc.rewards"),
        ("/wishes", "star", "home.svc.wishes"),
        ("/lending", "box", "home.svc.lending"),
        ("/parcels", "truck", "home.svc.parcels"),
        ("/custody", "key", "home.svc.custody"),
        ("/notifications", "bell", "home.svc.notifications"),
    ];
    let nav = crate::capability::nav(p, false);
    let mut out: Vec<Service> = ICONS
        .iter()
        .filter(|(href, _, _)| nav.iter().any(|e| e.href == *href))
        .map(|(href, icon, key)| Service { href: (*href).into(), icon, label: crate::web::i18n::t(lang, key) })
        .collect();
    if let Some(h) = homes.first() {
        out.push(Service {
            href: format!("/households/{}", h.id),
            icon: "home",
            label: crate::web::i18n::t(lang, "home.svc.household"),
        });
    }
    out.push(Service { href: "/account".into(), icon: "user", label: crate::web::i18n::t(lang, "home.svc.account") });
    out
}

pub async fn home(State(state): State<AppState>, Auth(p, ctx): Auth, Query(m): Query<MsgQuery>) -> AppResult<Response> {
    let desk = p.has(Access::Desk);
    let projects: Vec<ProjectId> = p.scope.read_projects.iter().copied().collect();
    let counts = store::counts(&state.db.read, &projects, state.clock.today()).await?;
    let rows: Vec<Row> = store::nodes(&state.db.read, projects.iter().copied())
        .await?
        .into_iter()
        .map(|n| Row {
            href: format!("/org/{}", n.id),
            kind: n
                .project_kind
                .as_deref()
                .and_then(ProjectKind::parse)
                .map(|k| k.label(ctx.lang))
                .unwrap_or("")
                .into(),
            note: n.xinghuo_status.as_deref().map(xinghuo_status_zh).unwrap_or("").into(),
            name: n.name,
            depth: 0,
        })
        .collect();
    let mut homes = Vec::new();
    for h in &p.scope.households {
        if let Some(hh) = store::household(&state.db.read, (*h).into()).await? {
            homes.push(HomeButton { id: hh.id, estate: hh.project_name.clone(), home: hh.label() });
        }
    }
    let mut grid_households = 0;
    for g in &p.scope.grid_paths {
        grid_households += store::households_in_grid(&state.db.read, g).await?;
    }
    let scope = p
        .grants
        .iter()
        .map(|g| {
            format!(
                "{} · {}{}",
                g.node_name,
                g.role.label(ctx.lang),
                g.post.as_ref().map(|s| format!("（{s}）")).unwrap_or_default()
            )
        })
        .collect();
    let cards = crate::capability::home_cards(&state, &p, ctx.lang).await?;
    let services = if desk { Vec::new() } else { services(&p, ctx.lang, &homes) };
    Ok(HomePage {
        c: Chrome::titled(&ctx, if desk { "home.title" } else { "nav.myhome" }).with_msg(m.msg.as_deref()),
        cards,
        services,
        desk,
        counts,
        scope,
        projects: rows,
        homes,
        grid_households,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "org/tree.html")]
struct TreePage {
    c: Chrome,
    is_admin: bool,
    property: Vec<Row>,
    government: Vec<Row>,
}

pub async fn tree(State(state): State<AppState>, Desk(p, ctx): Desk) -> AppResult<impl IntoResponse> {
    let nodes = store::upper_tree(&state.db.read).await?;
    let paths = store::readable_project_paths(&state.db.read, &p).await?;
    let names: std::collections::HashMap<i64, String> = nodes.iter().map(|n| (n.id, n.name.clone())).collect();
    let mut property = Vec::new();
    let mut government = Vec::new();
    for n in nodes.iter().filter(|n| store::node_readable(&p, n, &paths)) {
        let kind = n.kind();
        let note = match kind {
            NodeKind::Project => {
                let community = n.community_id.and_then(|c| names.get(&c)).cloned().unwrap_or_default();
                let k = n.project_kind.as_deref().and_then(ProjectKind::parse).map(|k| k.label(ctx.lang)).unwrap_or("");
                format!("{k} · {community} · {}", n.xinghuo_status.as_deref().map(xinghuo_status_zh).unwrap_or(""))
            }
            _ => String::new(),
        };
        let row = Row {
            href: format!("/org/{}", n.id),
            name: n.name.clone(),
            kind: kind.label(ctx.lang).into(),
            depth: n.depth as usize,
            note,
        };
        if kind.is_property_side() { property.push(row) } else { government.push(row) }
    }
    Ok(TreePage {
        c: Chrome::titled(&ctx, "org.title"),
        is_admin: !p.scope.admin_paths.is_empty(),
        property,
        government,
    })
}

pub struct PersonLine {
    pub person_id: PersonId,
    pub name: String,
    pub role: String,
    pub phone: String,
    /// A Party member now (shown with the 党员 badge).
    pub party_member: bool,
    /// The 党员先锋岗/示范岗 they hold here (「党员先锋岗·客服前台」), if any.
    pub station: String,
}

pub struct RotationLine {
    pub d: crate::joint::pairs::actions::Duty,
    pub state: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "org/node.html")]
struct NodePage {
    c: Chrome,
    node: Node,
    kind_zh: String,
    crumbs: Vec<Link>,
    facts: Vec<Fact>,
    /// The Party organisations here: kind, name.
    party: Vec<Fact>,
    children: Vec<Row>,
    people: Vec<PersonLine>,
    /// 结对 rotations into or out of this project now or within a month (on its duty list).
    rotations: Vec<RotationLine>,
    child_kind: Option<Choice>,
    can_write: bool,
    is_project: bool,
    /// Party organisation kinds that may attach here, and roles that may be held here.
    party_kinds: Vec<Choice>,
    project_kinds: Vec<Choice>,
    roles: Vec<Choice>,
    /// A grid or micro-grid: the households it covers (一户一档 for the grid member).
    grid_households: Vec<store::GridHousehold>,
    is_grid: bool,
    /// A project or community: it has an honour wall; the honours this organisation received.
    has_wall: bool,
    can_grant: bool,
    honours: Vec<Fact>,
}

pub async fn node_page(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<Response> {
    let conn = &state.db.read;
    let node = store::node(conn, id).await?.ok_or_else(AppError::not_found)?;
    if node.kind() == NodeKind::Household {
        return Ok(Redirect::to(&format!("/households/{id}")).into_response());
    }
    let paths = store::readable_project_paths(conn, &p).await?;
    if !store::node_readable(&p, &node, &paths) {
        return Err(AppError::not_found());
    }
    let can_write = store::node_writable(&p, &node);
    let crumbs =
        store::ancestors(conn, &node).await?.into_iter().map(|a| Link::new(format!("/org/{}", a.id), a.name)).collect();
    let l = |k: &str| crate::web::i18n::t(ctx.lang, k).to_string();
    let mut facts = vec![Fact::new(l("common.kind"), node.kind().label(ctx.lang))];
    if let Some(k) = node.project_kind.as_deref().and_then(ProjectKind::parse) {
        facts.push(Fact::new(l("org.project_kind"), k.label(ctx.lang)));
    }
    if let Some(c) = node.community_id
        && let Some(cn) = store::node(conn, c).await?
    {
        facts.push(Fact::new(l("org.community"), cn.name));
    }
    if let Some(s) = &node.xinghuo_status {
        let year = node.xinghuo_year.map(|y| format!("（{y}年）")).unwrap_or_default();
        facts.push(Fact::new(l("org.xinghuo"), format!("{}{year}", xinghuo_status_zh(s))));
    }
    if let Some(u) = &node.uscc {
        facts.push(Fact::new(l("org.uscc"), u.clone()));
    }
    if let Some(a) = &node.address {
        facts.push(Fact::new(l("org.address"), a.clone()));
    }
    let party = store::party_orgs(conn, id)
        .await?
        .into_iter()
        .map(|o| Fact::new(super::model::PartyOrgKind::parse(&o.kind).map(|k| k.label(ctx.lang)).unwrap_or(""), o.name))
        .collect();
    let mut children = Vec::new();
    for ch in store::children(conn, id).await? {
        let note = match ch.kind() {
            NodeKind::Household => String::new(),
            NodeKind::Building | NodeKind::Unit => {
                let n = store::households_under(conn, &ch.path).await?;
                format!("{n} 户")
            }
            _ => String::new(),
        };
        let href =
            if ch.kind() == NodeKind::Household { format!("/households/{}", ch.id) } else { format!("/org/{}", ch.id) };
        children.push(Row { href, name: ch.name.clone(), kind: ch.kind().label(ctx.lang).into(), depth: 0, note });
    }
    let people = store::people_at_node(conn, id).await?;
    // 亮身份: Party members show a 党员 badge where they serve.
    let ids: Vec<i64> = people.iter().map(|x| x.person_id.get()).collect();
    let members = crate::party::store::members_among(conn, &ids).await?;
    let stations = crate::party::contacts::actions::stations_at(&state, id, ctx.lang).await?;
    let people = people
        .into_iter()
        .map(|x| PersonLine {
            party_member: members.contains(&x.person_id.get()),
            station: stations
                .iter()
                .filter(|(p, _)| *p == x.person_id.get())
                .map(|(_, s)| s.as_str())
                .collect::<Vec<_>>()
                .join("、"),
            person_id: x.person_id,
            name: x.name,
            role: format!(
                "{}{}",
                crate::auth::model::Role::parse(&x.role).map(|r| r.label(ctx.lang)).unwrap_or(""),
                x.post.map(|s| format!("（{s}）")).unwrap_or_default()
            ),
            phone: x.phone.as_deref().map(mask_phone).unwrap_or_default(),
        })
        .collect();
    let child_kind = node.kind().child_kind().map(|k| Choice::new(k.as_str(), k.label(ctx.lang)));
    let party_kinds: Vec<_> = PartyOrgKind::ALL
        .iter()
        .filter(|k| k.attaches_to(node.kind()))
        .map(|k| (k.as_str(), k.label(ctx.lang)))
        .collect();
    let roles: Vec<_> = crate::auth::model::Role::ALL
        .iter()
        .filter(|r| {
            r.fits(node.kind()) && (**r != crate::auth::model::Role::CompanyAdmin || p.scope.is_admin_over(&node.path))
        })
        .map(|r| (r.as_str(), r.label(ctx.lang)))
        .collect();
    let is_grid = matches!(node.kind(), NodeKind::Grid | NodeKind::Microgrid);
    let grid_households = if is_grid { store::grid_households(conn, &node.path).await? } else { vec![] };
    let honours = crate::honours::actions::of_node(&state, node.id)
        .await?
        .into_iter()
        .map(|h| Fact::new(h.title, format!("{} · {}", h.grantor_name, h.awarded_on)))
        .collect();
    Ok(NodePage {
        c: Chrome::new(&ctx, node.name.clone()).with_msg(m.msg.as_deref()),
        has_wall: matches!(node.kind(), NodeKind::Project | NodeKind::Community),
        can_grant: crate::honours::actions::may_grant(&p, &node),
        honours,
        grid_households,
        is_grid,
        kind_zh: node.kind().label(ctx.lang).into(),
        is_project: node.kind() == NodeKind::Project,
        node,
        crumbs,
        facts,
        party,
        children,
        people,
        rotations: crate::joint::pairs::actions::duty_at(&state, id)
            .await?
            .into_iter()
            .map(|d| RotationLine { state: d.state.label(ctx.lang), d })
            .collect(),
        child_kind,
        can_write,
        party_kinds: choices(party_kinds),
        project_kinds: choices(ProjectKind::ALL.iter().map(|k| (k.as_str(), k.label(ctx.lang)))),
        roles: choices(roles),
    }
    .into_response())
}

pub async fn create_child(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<ChildForm>,
) -> AppResult<Redirect> {
    create_child_checked(&state, &p, &ctx, id, f).await?;
    Ok(Redirect::to(&format!("/org/{id}?msg=created")))
}

pub struct MemberLine {
    pub id: i64,
    pub person_id: PersonId,
    pub name: String,
    pub relation: String,
    pub phone: String,
    pub moved_in: String,
    pub moved_out: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "org/household.html")]
struct HouseholdPage {
    c: Chrome,
    h: Household,
    label: String,
    area: String,
    current: Vec<MemberLine>,
    history: Vec<MemberLine>,
    can_write: bool,
    relations: Vec<Choice>,
    microgrids: Vec<Choice>,
}

pub async fn household_page(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let conn = &state.db.read;
    let h = store::household(conn, id).await?.ok_or_else(AppError::not_found)?;
    if !store::household_readable(&p, &h) {
        return Err(AppError::not_found());
    }
    let can_write = p.scope.can_write_project(h.project_id);
    let members = people::members_of_household(conn, HouseholdId(id)).await?;
    let line = |m: &people::Membership| MemberLine {
        id: m.id,
        person_id: m.person_id,
        name: m.person_name.clone(),
        relation: Relation::parse(&m.relation).map(|r| r.label(ctx.lang)).unwrap_or("").into(),
        phone: m.phone.as_deref().map(mask_phone).unwrap_or_default(),
        moved_in: m.moved_in.map(|d| d.to_string()).unwrap_or_default(),
        moved_out: m.moved_out.map(|d| d.to_string()).unwrap_or_default(),
    };
    let current = members.iter().filter(|m| m.moved_out.is_none()).map(line).collect();
    let history = members.iter().filter(|m| m.moved_out.is_some()).map(line).collect();
    let microgrids = if can_write {
        store::project_microgrids(conn, h.project_id)
            .await?
            .into_iter()
            .map(|(id, name)| Choice::new(id, name).selected_if(h.microgrid_id == Some(id)))
            .collect()
    } else {
        vec![]
    };
    Ok(HouseholdPage {
        c: Chrome::new(&ctx, h.label()).with_msg(m.msg.as_deref()),
        label: h.label(),
        area: h
            .exclusive_area_centi
            .map(|a| format!("{} m²", format_area(a)))
            .unwrap_or_else(|| crate::web::i18n::t(ctx.lang, "hh.area_unknown").into()),
        h,
        current,
        history,
        can_write,
        relations: choices(Relation::ALL.iter().map(|r| (r.as_str(), r.label(ctx.lang)))),
        microgrids,
    })
}

pub async fn update_household(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<HouseholdForm>,
) -> AppResult<Redirect> {
    let mg = match f.microgrid_id.trim() {
        "" => Some(None),
        s => Some(Some(s.parse::<i64>().map_err(|_| AppError::field("microgrid_id", "请选择微网格"))?)),
    };
    update_household_checked(&state, &p, &ctx, id, Some(&f.area), mg).await?;
    Ok(Redirect::to(&format!("/households/{id}?msg=saved")))
}

pub async fn create_root(
    State(state): State<AppState>,
    crate::auth::AdminUser(p, ctx): crate::auth::AdminUser,
    Form(f): Form<RootForm>,
) -> AppResult<Redirect> {
    let id = create_root_checked(&state, &p, &ctx, f).await?;
    Ok(Redirect::to(&format!("/org/{id}?msg=created")))
}

pub async fn create_party_org(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<PartyOrgForm>,
) -> AppResult<Redirect> {
    create_party_org_checked(&state, &p, &ctx, id, f).await?;
    Ok(Redirect::to(&format!("/org/{id}?msg=created")))
}
