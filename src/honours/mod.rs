//! C11 Honours: awards to organisations and people (爱心单位, 最美网格员, 优秀共产党员, 星级志愿者 …) by an org
//! node or a named outside body (牧马山社区居民委员会), with level, date, certificate photos and the evidence
//! they rest on (activities, requests, the volunteer hours at the time). Each project's and community's
//! honour wall is public; the org node's page lists what it received. Rules in `model.rs`.

pub mod actions;
pub mod api;
pub mod model;
pub mod pages;
pub mod store;

use axum::routing::{get, post};

use crate::{access::RouteDef, auth::model::Access};

pub fn routes() -> Vec<RouteDef> {
    vec![
        RouteDef::new("GET", "/honours/wall/{node}", Access::Public, get(pages::wall)),
        RouteDef::new("GET", "/honours/{id}", Access::Public, get(pages::honour_page)),
        RouteDef::new("GET", "/honours/{id}/photos/{photo}", Access::Public, get(pages::photo)),
        RouteDef::new("GET", "/org/{id}/honours", Access::Desk, get(pages::award_page)),
        RouteDef::new("POST", "/org/{id}/honours", Access::Desk, post(pages::award)),
        RouteDef::new("GET", "/api/v1/honours/wall/{node}", Access::Public, get(api::wall)),
        RouteDef::new("POST", "/api/v1/org/{id}/honours", Access::Desk, post(api::award)),
    ]
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(api::wall, api::award))]
struct Api;

pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability {
        openapi: <Api as utoipa::OpenApi>::openapi,
        ..crate::capability::Capability::new("honours", routes)
    }
}
