//! C5 Party building, first part: Party organisations as a tree (党委 › 党总支 › 党支部 › 党小组, each
//! attached to an org node), members with their history (登记, 组织关系转接), the committee's posts and
//! the 条例's size rules as warnings. Rules in `model.rs`; meetings, dues, 双报到 and points come next
//! (issue 13).

pub mod actions;
pub mod api;
pub mod model;
pub mod pages;
pub mod store;

use axum::routing::{get, post};

use crate::{access::RouteDef, auth::model::Access};

pub fn routes() -> Vec<RouteDef> {
    vec![
        RouteDef::new("GET", "/party", Access::Desk, get(pages::list)),
        RouteDef::new("GET", "/party/orgs/{id}", Access::Desk, get(pages::org_page)),
        RouteDef::new("POST", "/party/orgs/{id}/children", Access::Desk, post(pages::create_child)),
        RouteDef::new("POST", "/party/orgs/{id}/members", Access::Desk, post(pages::add_member)),
        RouteDef::new("POST", "/party/orgs/{id}/posts", Access::Desk, post(pages::add_post)),
        RouteDef::new("POST", "/party/memberships/{id}/transfer", Access::Desk, post(pages::transfer)),
        RouteDef::new("POST", "/party/posts/{id}/end", Access::Desk, post(pages::end_post)),
        RouteDef::new("GET", "/api/v1/party/orgs", Access::Desk, get(api::list)),
        RouteDef::new("GET", "/api/v1/party/orgs/{id}", Access::Desk, get(api::detail)),
        RouteDef::new("POST", "/api/v1/party/orgs/{id}/members", Access::Desk, post(api::add_member)),
    ]
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(api::list, api::detail, api::add_member))]
struct Api;

const NAV: &[crate::capability::NavEntry] =
    &[crate::capability::NavEntry { order: 65, href: "/party", label: |_| "nav.party", shown: |_, desk| desk }];

pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability {
        nav: NAV,
        openapi: <Api as utoipa::OpenApi>::openapi,
        ..crate::capability::Capability::new("party", routes)
    }
}
