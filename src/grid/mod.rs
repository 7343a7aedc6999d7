//! C8 Grid work (网格化治理): door-to-door campaigns over the community's grids, recorded household by
//! household by grid members — the community's own and property staff serving as members — from the
//! phone, online or from its offline queue (`campaigns`). Issues found on rounds go to C1 requests and
//! are pushed up with the referrals built there.

pub mod campaigns;

use axum::routing::{get, post};

use crate::{access::RouteDef, auth::model::Access};

pub fn routes() -> Vec<RouteDef> {
    vec![
        RouteDef::new("GET", "/grid", Access::Desk, get(campaigns::pages::list)),
        RouteDef::new("POST", "/grid/campaigns", Access::Desk, post(campaigns::pages::create)),
        RouteDef::new("GET", "/grid/campaigns/{id}", Access::Desk, get(campaigns::pages::campaign_page)),
        RouteDef::new("GET", "/grid/campaigns/{id}/visit", Access::Desk, get(campaigns::pages::visit_page)),
        RouteDef::new("POST", "/grid/visits", Access::Desk, post(campaigns::pages::visit)),
        RouteDef::new("GET", "/api/v1/grid/campaigns", Access::Desk, get(campaigns::api::campaigns)),
        RouteDef::new("GET", "/api/v1/grid/campaigns/{id}", Access::Desk, get(campaigns::api::coverage)),
        RouteDef::new("POST", "/api/v1/grid/visits", Access::Desk, post(campaigns::api::visit)),
    ]
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(campaigns::api::campaigns, campaigns::api::coverage, campaigns::api::visit))]
struct Api;

/// Shown to those with a grid or a government-side area (grid members, cadres) and admins.
const NAV: &[crate::capability::NavEntry] = &[crate::capability::NavEntry {
    order: 55,
    href: "/grid",
    label: |_| "nav.grid",
    shown: |p, desk| desk && (!p.scope.gov_paths.is_empty() || !p.scope.admin_paths.is_empty()),
}];

pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability {
        nav: NAV,
        openapi: <Api as utoipa::OpenApi>::openapi,
        home: Some(|state, p, lang| Box::pin(campaigns::home::cards(state, p, lang))),
        ..crate::capability::Capability::new("grid", routes)
    }
}
