//! C4 Volunteers and points: registration with approval, teams with leaders, hour corrections decided
//! by a leader, the append-only points ledger (`ledger.rs`, shared with attendance), and 爱心超市
//! (`rewards.rs`). Rules in `model.rs`.

pub mod actions;
pub mod api;
pub mod home;
pub mod model;
pub mod pages;
pub mod rewards;
pub mod store;

use axum::routing::{get, post};

use crate::{access::RouteDef, auth::model::Access, error::AppError};

/// A rule that says no in the record's present state (already decided, already collected, not enough
/// points, …): 409 with the rule's code and Chinese message.
fn rule_err(e: model::RuleError) -> AppError {
    AppError::conflict(e.code, e.zh, "Not allowed in its present state")
}

pub fn routes() -> Vec<RouteDef> {
    vec![
        RouteDef::new("GET", "/volunteers", Access::Authenticated, get(pages::index)),
        RouteDef::new("POST", "/volunteers/apply", Access::Authenticated, post(pages::apply)),
        RouteDef::new("POST", "/volunteers/{id}/decide", Access::Staff, post(pages::decide)),
        RouteDef::new("POST", "/volunteers/teams", Access::Staff, post(pages::create_team)),
        RouteDef::new("GET", "/volunteers/teams/{id}", Access::Authenticated, get(pages::team_page)),
        RouteDef::new("POST", "/volunteers/teams/{id}/members", Access::Authenticated, post(pages::add_member)),
        RouteDef::new(
            "POST",
            "/volunteers/teams/{id}/members/{person}/remove",
            Access::Authenticated,
            post(pages::remove_member),
        ),
        RouteDef::new(
            "POST",
            "/volunteers/signups/{id}/correction",
            Access::Authenticated,
            post(pages::request_correction),
        ),
        RouteDef::new(
            "POST",
            "/volunteers/corrections/{id}/decide",
            Access::Authenticated,
            post(pages::decide_correction),
        ),
        RouteDef::new("POST", "/volunteers/points", Access::Staff, post(pages::award)),
        RouteDef::new("POST", "/api/v1/points/awards", Access::Staff, post(api::award)),
        RouteDef::new("GET", "/rewards", Access::Authenticated, get(rewards::page)),
        RouteDef::new("POST", "/rewards/items", Access::Staff, post(rewards::create_item)),
        RouteDef::new("POST", "/rewards/items/{id}", Access::Staff, post(rewards::update_item)),
        RouteDef::new("POST", "/rewards/items/{id}/redeem", Access::Authenticated, post(rewards::redeem)),
        RouteDef::new("POST", "/rewards/redemptions/{id}/cancel", Access::Authenticated, post(rewards::cancel)),
        RouteDef::new("POST", "/rewards/collect", Access::Staff, post(rewards::collect)),
        RouteDef::new("GET", "/api/v1/volunteers/me", Access::Authenticated, get(api::me)),
        RouteDef::new("POST", "/api/v1/volunteers", Access::Authenticated, post(api::apply)),
        RouteDef::new("POST", "/api/v1/volunteers/{id}/decision", Access::Staff, post(api::decide)),
        RouteDef::new("GET", "/api/v1/teams/{id}", Access::Authenticated, get(api::team)),
        RouteDef::new("POST", "/api/v1/signups/{id}/corrections", Access::Authenticated, post(api::request_correction)),
        RouteDef::new("POST", "/api/v1/corrections/{id}/decision", Access::Authenticated, post(api::decide_correction)),
        RouteDef::new("GET", "/api/v1/rewards", Access::Authenticated, get(api::catalogue)),
        RouteDef::new("POST", "/api/v1/rewards/{id}/redeem", Access::Authenticated, post(api::redeem)),
        RouteDef::new("POST", "/api/v1/redemptions/{id}/cancel", Access::Authenticated, post(api::cancel)),
        RouteDef::new("POST", "/api/v1/redemptions/collect", Access::Staff, post(api::collect)),
    ]
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::me,
    api::apply,
    api::decide,
    api::team,
    api::request_correction,
    api::decide_correction,
    api::catalogue,
    api::redeem,
    api::cancel,
    api::collect,
    api::award
))]
struct Api;

const NAV: &[crate::capability::NavEntry] = &[
    crate::capability::NavEntry { order: 50, href: "/volunteers", label: |_| "nav.volunteers", shown: |_, _| true },
    crate::capability::NavEntry { order: 60, href: "/rewards", label: |_| "nav.rewards", shown: |_, _| true },
];

pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability {
        nav: NAV,
        openapi: <Api as utoipa::OpenApi>::openapi,
        home: Some(|state, p, lang| Box::pin(home::cards(state, p, lang))),
        ..crate::capability::Capability::new("volunteers", routes)
    }
}
