//! C3 Activities (活动): types, organisers and co-organisers, a place, an audience, a capacity; recurrence
//! by RFC 5545 RRULE laid out as occurrences (skip one date, keep the rest); sign-up with a wait list that
//! promotes automatically, with a notification; sign-up on a resident's behalf by staff. Rules in
//! `model.rs`. Still to come (issue 4): QR check-in/out, hours and points, write-ups, exports, iCalendar.

pub mod api;
pub mod model;
pub mod pages;
pub mod store;

use axum::routing::{get, post};

use crate::{access::RouteDef, auth::model::Access};

pub fn routes() -> Vec<RouteDef> {
    vec![
        RouteDef::new("GET", "/activities", Access::Authenticated, get(pages::list)),
        RouteDef::new("POST", "/activities", Access::Staff, post(pages::create)),
        RouteDef::new("GET", "/activities/occurrences/{id}", Access::Authenticated, get(pages::detail)),
        RouteDef::new("POST", "/activities/occurrences/{id}/signup", Access::Authenticated, post(pages::signup)),
        RouteDef::new("POST", "/activities/occurrences/{id}/cancel", Access::Authenticated, post(pages::cancel)),
        RouteDef::new("POST", "/activities/occurrences/{id}/skip", Access::Staff, post(pages::skip)),
        RouteDef::new("GET", "/api/v1/activities", Access::Authenticated, get(api::list)),
        RouteDef::new("POST", "/api/v1/occurrences/{id}/signup", Access::Authenticated, post(api::signup)),
        RouteDef::new("POST", "/api/v1/occurrences/{id}/cancel", Access::Authenticated, post(api::cancel)),
    ]
}
