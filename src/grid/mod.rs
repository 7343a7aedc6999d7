//! C8 Grid work (网格化治理): door-to-door campaigns over the community's grids, recorded household by
//! household by grid members — the community's own and property staff serving as members — from the
//! phone, online or from its offline queue (`campaigns`); a grid's one-page profile and KPIs (`areas`). Issues found on rounds go to C1 requests and
//! are pushed up with the referrals built there.

pub mod areas;
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
        RouteDef::new("POST", "/grid/visits/{id}/photos", Access::Desk, post(campaigns::pages::add_photos)),
        RouteDef::new("GET", "/grid/visits/{id}/photos/{photo}", Access::Desk, get(campaigns::pages::photo)),
        RouteDef::new("POST", "/api/v1/grid/visits/{id}/photos", Access::Desk, post(campaigns::api::add_photos)),
        RouteDef::new("GET", "/grid/areas", Access::Desk, get(areas::pages::areas)),
        RouteDef::new("GET", "/grid/areas/{id}", Access::Desk, get(areas::pages::area)),
        RouteDef::new("GET", "/api/v1/grid/areas", Access::Desk, get(areas::api::areas)),
        RouteDef::new("GET", "/api/v1/grid/areas/{id}", Access::Desk, get(areas::api::profile)),
    ]
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    campaigns::api::campaigns,
    campaigns::api::coverage,
    campaigns::api::visit,
    campaigns::api::add_photos,
    areas::api::areas,
    areas::api::profile
))]
struct Api;

/// Shown to those with a grid or a government-side area (grid members, cadres) and admins.
const NAV: &[crate::capability::NavEntry] = &[
    crate::capability::NavEntry {
        order: 55,
        href: "/grid",
        label: |_| "nav.grid",
        shown: |p, desk| desk && (!p.scope.gov_paths.is_empty() || !p.scope.admin_paths.is_empty()),
    },
    crate::capability::NavEntry {
        order: 54,
        href: "/grid/areas",
        label: |_| "nav.grid_areas",
        shown: |p, desk| desk && !p.scope.gov_paths.is_empty(),
    },
];

pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability {
        nav: NAV,
        openapi: <Api as utoipa::OpenApi>::openapi,
        home: Some(|state, p, lang| Box::pin(campaigns::home::cards(state, p, lang))),
        ..crate::capability::Capability::new("grid", routes)
    }
}
