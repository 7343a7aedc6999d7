//! C6 党建联建: agreements between a project's Party organisation and a 社区党委 (optionally the 街道党工委),
//! the four roles' commitments and 一书三单 (资源清单, 需求清单, 项目清单), joint activities linked to the
//! agreement and its projects, and the annual review generated from the records with each side's written
//! assessment. Rules in `model.rs`. 结对 between two projects in `pairs/`.

pub mod actions;
pub mod api;
pub mod model;
pub mod pages;
pub mod pairs;
pub mod store;

use axum::routing::{get, post};

use crate::{access::RouteDef, auth::model::Access};

pub fn routes() -> Vec<RouteDef> {
    vec![
        RouteDef::new("GET", "/joint", Access::Desk, get(pages::list)),
        RouteDef::new("POST", "/joint", Access::Desk, post(pages::create)),
        RouteDef::new("GET", "/joint/{id}", Access::Desk, get(pages::agreement_page)),
        RouteDef::new("POST", "/joint/{id}/items", Access::Desk, post(pages::add_item)),
        RouteDef::new("POST", "/joint/items/{id}/status", Access::Desk, post(pages::set_status)),
        RouteDef::new("POST", "/joint/{id}/activities", Access::Desk, post(pages::link_activity)),
        RouteDef::new("POST", "/joint/{id}/reviews", Access::Desk, post(pages::assess)),
        RouteDef::new("GET", "/api/v1/joint", Access::Desk, get(api::list)),
        RouteDef::new("GET", "/api/v1/joint/{id}", Access::Desk, get(api::detail)),
        RouteDef::new("GET", "/pairings", Access::Desk, get(pairs::pages::list)),
        RouteDef::new("POST", "/pairings", Access::Desk, post(pairs::pages::create)),
        RouteDef::new("GET", "/pairings/{id}", Access::Desk, get(pairs::pages::pairing_page)),
        RouteDef::new("POST", "/pairings/{id}/rotations", Access::Desk, post(pairs::pages::rotate)),
        RouteDef::new("POST", "/pairings/{id}/outcomes", Access::Desk, post(pairs::pages::log_outcome)),
        RouteDef::new("GET", "/api/v1/pairings", Access::Desk, get(pairs::pages::api_list)),
        RouteDef::new("GET", "/api/v1/pairings/{id}", Access::Desk, get(pairs::pages::api_detail)),
        RouteDef::new("POST", "/api/v1/pairings/{id}/rotations", Access::Desk, post(pairs::pages::api_rotate)),
    ]
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(api::list, api::detail, pairs::pages::api_list, pairs::pages::api_detail, pairs::pages::api_rotate))]
struct Api;

const NAV: &[crate::capability::NavEntry] =
    &[crate::capability::NavEntry { order: 66, href: "/joint", label: |_| "nav.joint", shown: |_, desk| desk }];

pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability {
        nav: NAV,
        openapi: <Api as utoipa::OpenApi>::openapi,
        ..crate::capability::Capability::new("joint", routes)
    }
}
