//! The other bodies the article names beside the Party organisations (C5): 团支部 and 党团突击队, the
//! community's 居民委员会, an estate's 业主委员会, partner organisations (邻里小区, 共建单位) and an office
//! building's tenant companies — each with its members, posts and terms. A member of a body at a project
//! takes part in that project's activities without a home in the register (the office tenants of
//! 保利中心写字楼). Rules in `model.rs`, SQL in `store.rs`, use cases in `actions.rs`, pages and API in
//! `pages.rs`.

pub mod actions;
pub mod model;
pub mod pages;
pub mod store;

use axum::routing::{get, post};

use crate::{access::RouteDef, auth::model::Access};

pub fn routes() -> Vec<RouteDef> {
    vec![
        RouteDef::new("GET", "/bodies", Access::Desk, get(pages::list)),
        RouteDef::new("POST", "/bodies", Access::Desk, post(pages::create)),
        RouteDef::new("GET", "/bodies/{id}", Access::Desk, get(pages::body_page)),
        RouteDef::new("POST", "/bodies/{id}/members", Access::Desk, post(pages::add_member)),
        RouteDef::new("POST", "/bodies/members/{id}/end", Access::Desk, post(pages::end_member)),
        RouteDef::new("GET", "/api/v1/bodies", Access::Desk, get(pages::api_list)),
        RouteDef::new("GET", "/api/v1/bodies/{id}", Access::Desk, get(pages::api_detail)),
    ]
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(pages::api_list, pages::api_detail))]
struct Api;

pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability {
        openapi: <Api as utoipa::OpenApi>::openapi,
        ..crate::capability::Capability::new("bodies", routes)
    }
}
