//! C3 Activities (活动): types, organisers and co-organisers, a place, an audience, a capacity; recurrence
//! by RFC 5545 RRULE laid out as occurrences (skip one date, keep the rest); sign-up with a wait list that
//! promotes automatically, with a notification; sign-up on a resident's behalf by staff. Rules in
//! `model.rs`. Check-in/out by a rotating QR code or by staff, service hours and the append-only points
//! ledger and the attendee list are in `attendance.rs`; iCalendar feeds in `calendar.rs`; write-ups with photos
//! in `writeup.rs`; editing one date or the rest of a series in `edit.rs`. Volunteers, teams and
//! 爱心超市 are in `crate::volunteers`.

pub mod actions;
pub mod api;
pub mod attendance;
pub mod calendar;
pub mod edit;
pub mod home;
pub mod jobs;
pub mod model;
pub mod pages;
pub mod store;
pub mod writeup;

use axum::routing::{get, post, put};

use crate::{access::RouteDef, auth::model::Access};

pub fn routes() -> Vec<RouteDef> {
    vec![
        RouteDef::new("GET", "/activities", Access::Authenticated, get(pages::list)),
        RouteDef::new("POST", "/activities", Access::Staff, post(pages::create)),
        RouteDef::new("GET", "/activities/occurrences/{id}", Access::Authenticated, get(pages::detail)),
        RouteDef::new("POST", "/activities/occurrences/{id}/signup", Access::Authenticated, post(pages::signup)),
        RouteDef::new("POST", "/activities/occurrences/{id}/cancel", Access::Authenticated, post(pages::cancel)),
        RouteDef::new("POST", "/activities/occurrences/{id}/skip", Access::Staff, post(pages::skip)),
        RouteDef::new("GET", "/activities/mine", Access::Authenticated, get(attendance::mine)),
        RouteDef::new("POST", "/activities/occurrences/{id}/edit", Access::Staff, post(edit::edit)),
        RouteDef::new("GET", "/activities/occurrences/{id}/writeup", Access::Staff, get(writeup::edit)),
        RouteDef::new("POST", "/activities/occurrences/{id}/writeup", Access::Staff, post(writeup::save)),
        RouteDef::new("GET", "/activities/occurrences/{id}/photos/{photo}", Access::Authenticated, get(writeup::photo)),
        RouteDef::new("GET", "/activities/mycode", Access::Authenticated, get(attendance::my_code)),
        RouteDef::new("POST", "/activities/occurrences/{id}/organiser", Access::Staff, post(attendance::set_organiser)),
        RouteDef::new("POST", "/activities/points-rules", Access::Staff, post(attendance::set_rule)),
        RouteDef::new(
            "GET",
            "/activities/occurrences/{id}/attend",
            Access::Authenticated,
            get(attendance::attend_page),
        ),
        RouteDef::new(
            "POST",
            "/activities/occurrences/{id}/attend",
            Access::Authenticated,
            post(attendance::attend_post),
        ),
        RouteDef::new("GET", "/activities/occurrences/{id}/code", Access::Staff, get(attendance::code_page)),
        RouteDef::new("GET", "/activities/occurrences/{id}/attendees.xlsx", Access::Staff, get(attendance::export)),
        RouteDef::new(
            "POST",
            "/api/v1/occurrences/{id}/attendance",
            Access::Authenticated,
            post(attendance::attend_api),
        ),
        RouteDef::new("GET", "/api/v1/me/points", Access::Authenticated, get(attendance::mine_api)),
        RouteDef::new("GET", "/activities/rankings", Access::Desk, get(attendance::rankings)),
        RouteDef::new("GET", "/api/v1/rankings", Access::Desk, get(attendance::rankings_api)),
        RouteDef::new("GET", "/api/v1/activities", Access::Authenticated, get(api::list)),
        RouteDef::new("POST", "/api/v1/activities", Access::Staff, post(api::create)),
        RouteDef::new("POST", "/api/v1/occurrences/{id}/edit", Access::Staff, post(api::edit)),
        RouteDef::new("POST", "/api/v1/occurrences/{id}/skip", Access::Staff, post(api::skip)),
        RouteDef::new("POST", "/api/v1/activities/{id}/cancel", Access::Staff, post(api::cancel_activity)),
        RouteDef::new("GET", "/api/v1/occurrences/{id}/writeup", Access::Authenticated, get(api::writeup)),
        RouteDef::new("PUT", "/api/v1/occurrences/{id}/writeup", Access::Staff, put(api::put_writeup)),
        RouteDef::new("GET", "/calendar/projects/{file}", Access::Public, get(calendar::project)),
        RouteDef::new("GET", "/calendar/people/{file}", Access::Public, get(calendar::person)),
        RouteDef::new("POST", "/api/v1/occurrences/{id}/signup", Access::Authenticated, post(api::signup)),
        RouteDef::new("POST", "/api/v1/occurrences/{id}/cancel", Access::Authenticated, post(api::cancel)),
    ]
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::list,
    api::signup,
    api::cancel,
    api::create,
    api::edit,
    api::skip,
    api::cancel_activity,
    api::writeup,
    api::put_writeup,
    attendance::api::attend_api,
    attendance::api::mine_api,
    attendance::api::rankings_api
))]
struct Api;

const NAV: &[crate::capability::NavEntry] =
    &[crate::capability::NavEntry { order: 30, href: "/activities", label: |_| "nav.activities", shown: |_, _| true }];

pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability {
        nav: NAV,
        jobs: |state| vec![jobs::spawn(state.clone())],
        openapi: <Api as utoipa::OpenApi>::openapi,
        home: Some(|state, p, lang| Box::pin(home::cards(state, p, lang))),
        ..crate::capability::Capability::new("activities", routes)
    }
}
