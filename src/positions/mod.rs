//! C2 Positions (阵地): Party-mass service centres (党群服务中心) per project with their rooms, weekly
//! opening hours, closed days and version history, and room booking by residents, staff and partner
//! organisations — with approval where a room needs it and, enforced by the database, never two bookings
//! at the same time. Rules in `model.rs`.
//! The visit log, check-in by the door's daily QR code, the no-show release job and the 五常 figures are in
//! `visits.rs`.

pub mod actions;
pub mod api;
pub mod closed;
pub mod home;
pub mod model;
pub mod pages;
pub mod refs;
pub mod store;
pub mod visits;

use axum::routing::{delete, get, post, put};

use crate::{access::RouteDef, auth::model::Access};

pub fn routes() -> Vec<RouteDef> {
    vec![
        RouteDef::new("GET", "/positions", Access::Authenticated, get(pages::list)),
        RouteDef::new("GET", "/positions/approvals", Access::Staff, get(pages::approvals)),
        RouteDef::new("POST", "/positions/centres", Access::Staff, post(pages::create_centre)),
        RouteDef::new("GET", "/positions/centres/{id}", Access::Authenticated, get(pages::centre)),
        RouteDef::new("POST", "/positions/centres/{id}/rooms", Access::Staff, post(pages::create_room)),
        RouteDef::new("POST", "/positions/centres/{id}/hours", Access::Staff, post(pages::set_hours)),
        RouteDef::new("POST", "/positions/centres/{id}/versions", Access::Staff, post(pages::add_version)),
        RouteDef::new("POST", "/positions/rooms/{id}/bookings", Access::Authenticated, post(pages::book)),
        RouteDef::new("POST", "/positions/bookings/{id}/actions", Access::Authenticated, post(pages::booking_act)),
        RouteDef::new("GET", "/positions/centres/{id}/checkin", Access::Authenticated, get(visits::checkin_page)),
        RouteDef::new("POST", "/positions/centres/{id}/checkin", Access::Authenticated, post(visits::checkin)),
        RouteDef::new("POST", "/positions/centres/{id}/visits", Access::Staff, post(visits::staff_visit)),
        RouteDef::new("GET", "/positions/centres/{id}/figures", Access::Desk, get(visits::figures)),
        RouteDef::new("GET", "/positions/centres/{id}/door", Access::Staff, get(visits::door)),
        RouteDef::new("GET", "/api/v1/centres/{id}", Access::Authenticated, get(api::centre)),
        RouteDef::new("GET", "/api/v1/centres/{id}/figures", Access::Desk, get(visits::figures_api)),
        RouteDef::new("POST", "/api/v1/centres/{id}/checkin", Access::Authenticated, post(visits::checkin_api)),
        RouteDef::new("POST", "/api/v1/rooms/{id}/bookings", Access::Authenticated, post(api::book)),
        RouteDef::new("POST", "/api/v1/bookings/{id}/actions", Access::Authenticated, post(api::act)),
        RouteDef::new("GET", "/api/v1/me/bookings", Access::Authenticated, get(api::mine)),
        RouteDef::new("POST", "/api/v1/centres", Access::Staff, post(api::create_centre)),
        RouteDef::new("POST", "/api/v1/centres/{id}/rooms", Access::Staff, post(api::create_room)),
        RouteDef::new("PUT", "/api/v1/centres/{id}/hours", Access::Staff, put(api::set_hours)),
        RouteDef::new("POST", "/positions/centres/{id}/closed", Access::Staff, post(closed::close_page)),
        RouteDef::new("POST", "/positions/centres/{id}/closed/{date}/delete", Access::Staff, post(closed::reopen_page)),
        RouteDef::new("GET", "/api/v1/centres/{id}/closed-days", Access::Authenticated, get(closed::list_api)),
        RouteDef::new("POST", "/api/v1/centres/{id}/closed-days", Access::Staff, post(closed::close_api)),
        RouteDef::new("DELETE", "/api/v1/centres/{id}/closed-days/{date}", Access::Staff, delete(closed::reopen_api)),
    ]
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::centre,
    api::book,
    api::act,
    visits::figures_api,
    visits::checkin_api,
    closed::list_api,
    closed::close_api,
    closed::reopen_api,
    api::mine,
    api::create_centre,
    api::create_room,
    api::set_hours
))]
struct Api;

const NAV: &[crate::capability::NavEntry] =
    &[crate::capability::NavEntry { order: 40, href: "/positions", label: |_| "nav.positions", shown: |_, _| true }];

pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability {
        nav: NAV,
        jobs: |state| vec![visits::spawn(state.clone())],
        openapi: <Api as utoipa::OpenApi>::openapi,
        home: Some(|state, p, lang| Box::pin(home::cards(state, p, lang))),
        ..crate::capability::Capability::new("positions", routes)
    }
}
