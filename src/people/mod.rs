//! C0.2 People and households: persons with many roles, household membership with move-in/move-out
//! history, search by name and pinyin initials, and the logged reveal of full phone/ID numbers.

pub mod actions;
pub mod api;
pub mod datarequests;
pub mod links;
pub mod model;
pub mod mydata;
pub mod pages;
pub mod seal;
pub mod store;

use axum::routing::{delete, get, patch, post};

use crate::{access::RouteDef, auth::model::Access};

pub fn routes() -> Vec<RouteDef> {
    vec![
        RouteDef::new("GET", "/people/{id}", Access::Authenticated, get(pages::person_page)),
        // Registering a person with a role at a node (the form lives on the node's page).
        RouteDef::new("POST", "/org/{id}/people", Access::Staff, post(pages::create_person)),
        RouteDef::new("GET", "/account/data", Access::Authenticated, get(mydata::page)),
        RouteDef::new("GET", "/account/data.xlsx", Access::Authenticated, get(mydata::xlsx)),
        RouteDef::new("GET", "/api/v1/me/data", Access::Authenticated, get(mydata::json)),
        RouteDef::new("POST", "/account/data/requests", Access::Authenticated, post(datarequests::ask_page)),
        RouteDef::new("GET", "/people/data-requests", Access::Staff, get(datarequests::queue)),
        RouteDef::new("POST", "/account/links/{id}", Access::Authenticated, post(links::person_decide)),
        RouteDef::new("GET", "/people/links", Access::Admin, get(links::admin_page)),
        RouteDef::new("POST", "/people/links/{id}", Access::Admin, post(links::admin_decide)),
        RouteDef::new("POST", "/people/data-requests/{id}/decide", Access::Staff, post(datarequests::decide_page)),
        RouteDef::new("POST", "/people/{id}", Access::Staff, post(pages::update_person)),
        RouteDef::new("POST", "/people/{id}/reveal", Access::Staff, post(pages::reveal)),
        RouteDef::new("POST", "/people/{id}/roles", Access::Staff, post(pages::add_role)),
        RouteDef::new("POST", "/people/{id}/roles/{rid}/delete", Access::Staff, post(pages::remove_role)),
        RouteDef::new("POST", "/households/{id}/members", Access::Staff, post(pages::add_member)),
        RouteDef::new("POST", "/households/{id}/members/{mid}/move-out", Access::Staff, post(pages::move_out)),
        RouteDef::new("GET", "/search", Access::Desk, get(pages::search)),
        RouteDef::new("GET", "/api/v1/people", Access::Desk, get(api::search)),
        RouteDef::new("POST", "/api/v1/people", Access::Staff, post(api::create_person)),
        RouteDef::new("GET", "/api/v1/people/{id}", Access::Authenticated, get(api::get_person)),
        RouteDef::new("PATCH", "/api/v1/people/{id}", Access::Staff, patch(api::update_person)),
        RouteDef::new("POST", "/api/v1/people/{id}/reveal", Access::Staff, post(api::reveal)),
        RouteDef::new("POST", "/api/v1/people/{id}/roles", Access::Staff, post(api::add_role)),
        RouteDef::new("DELETE", "/api/v1/people/{id}/roles/{rid}", Access::Staff, delete(api::remove_role)),
        RouteDef::new("POST", "/api/v1/households/{id}/members", Access::Staff, post(api::add_member)),
    ]
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    mydata::json,
    api::search,
    api::create_person,
    api::get_person,
    api::update_person,
    api::reveal,
    api::add_role,
    api::remove_role,
    api::add_member
))]
struct Api;

const NAV: &[crate::capability::NavEntry] =
    &[crate::capability::NavEntry { order: 71, href: "/search", label: |_| "nav.search", shown: |_, desk| desk }];

pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability {
        nav: NAV,
        openapi: <Api as utoipa::OpenApi>::openapi,
        ..crate::capability::Capability::new("people", routes)
    }
}
