//! C0.1 The organisation tree: company › branch › project › building › unit › household on the property
//! side, district › street › community › grid › micro-grid on the government side, Party organisations
//! on both. Pages under `/org` and `/households`, API under `/api/v1/projects|nodes|households`.

pub mod actions;
pub mod api;
pub mod home;
pub mod model;
pub mod pages;
pub mod spots;
pub mod store;

use axum::routing::{get, post};

use crate::{access::RouteDef, auth::model::Access};

pub fn routes() -> Vec<RouteDef> {
    vec![
        RouteDef::new("GET", "/", Access::Authenticated, get(pages::home)),
        RouteDef::new("GET", "/org", Access::Desk, get(pages::tree)),
        RouteDef::new("GET", "/org/{id}", Access::Desk, get(pages::node_page)),
        RouteDef::new("POST", "/org", Access::Admin, post(pages::create_root)),
        RouteDef::new("POST", "/org/{id}/children", Access::Staff, post(pages::create_child)),
        RouteDef::new("POST", "/org/{id}/party-orgs", Access::Staff, post(pages::create_party_org)),
        RouteDef::new("GET", "/org/{id}/spots", Access::Desk, get(spots::pages::page)),
        RouteDef::new("POST", "/org/{id}/spots", Access::Staff, post(spots::pages::add)),
        RouteDef::new("POST", "/org/{id}/spots/{spot}", Access::Staff, post(spots::pages::set_active)),
        RouteDef::new("GET", "/api/v1/projects/{id}/spots", Access::Desk, get(spots::pages::api_list)),
        RouteDef::new("GET", "/households/{id}", Access::Authenticated, get(pages::household_page)),
        RouteDef::new("POST", "/households/{id}", Access::Staff, post(pages::update_household)),
        RouteDef::new("GET", "/api/v1/projects", Access::Desk, get(api::list_projects)),
        RouteDef::new("GET", "/api/v1/nodes/{id}", Access::Desk, get(api::get_node)),
        RouteDef::new("POST", "/api/v1/nodes", Access::Admin, post(api::create_root)),
        RouteDef::new("POST", "/api/v1/nodes/{id}/children", Access::Staff, post(api::create_child)),
        RouteDef::new("POST", "/api/v1/nodes/{id}/party-orgs", Access::Staff, post(api::create_party_org)),
        RouteDef::new("GET", "/api/v1/households/{id}", Access::Authenticated, get(api::get_household)),
        RouteDef::new("PATCH", "/api/v1/households/{id}", Access::Staff, axum::routing::patch(api::update_household)),
    ]
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::list_projects,
    api::get_node,
    api::create_root,
    api::create_child,
    api::create_party_org,
    api::get_household,
    api::update_household,
    spots::pages::api_list
))]
struct Api;

const NAV: &[crate::capability::NavEntry] = &[
    crate::capability::NavEntry {
        order: 10,
        href: "/",
        label: |desk| if desk { "nav.home" } else { "nav.myhome" },
        shown: |_, _| true,
    },
    crate::capability::NavEntry { order: 70, href: "/org", label: |_| "nav.org", shown: |_, desk| desk },
];

pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability {
        nav: NAV,
        openapi: <Api as utoipa::OpenApi>::openapi,
        home: Some(|state, p, lang| Box::pin(home::cards(state, p, lang))),
        ..crate::capability::Capability::new("org", routes)
    }
}
