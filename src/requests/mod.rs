//! C1 Resident requests (诉求: 报事报修 · 投诉 · 建议 · 咨询 · 表扬): report from the phone page or by staff
//! on a resident's behalf, dispatch, handle, complete, rate; return, transfer, suspend, escalate outside,
//! chase, reopen, void — every step on the request's timeline. Rules in `model.rs`.
//! Photos in `photos.rs`, the SLA escalation job in `jobs.rs`, month figures and the ledger in
//! `figures.rs`, category settings in `settings.rs`, Open311 in `open311.rs`.

use crate::ids::*;
pub mod actions;
pub mod api;
pub mod figures;
pub mod home;
pub mod inbox;
pub mod jobs;
pub mod keys;
pub mod model;
pub mod open311;
pub mod outbound;
pub mod pages;
pub mod photos;
pub mod report;
pub mod settings;
pub mod store;

use axum::routing::{get, post, put};

use crate::{access::RouteDef, auth::model::Access};

pub fn routes() -> Vec<RouteDef> {
    vec![
        RouteDef::new("GET", "/requests", Access::Authenticated, get(pages::list)),
        RouteDef::new("GET", "/requests/new", Access::Authenticated, get(report::new_page)),
        RouteDef::new("GET", "/requests/figures", Access::Desk, get(figures::page)),
        RouteDef::new("GET", "/requests/figures/year", Access::Desk, get(figures::year)),
        RouteDef::new("GET", "/requests/figures.xlsx", Access::Desk, get(figures::export)),
        RouteDef::new("GET", "/requests/categories", Access::Staff, get(settings::page)),
        RouteDef::new("POST", "/requests/categories", Access::Staff, post(settings::create)),
        RouteDef::new("POST", "/requests/categories/{id}", Access::Staff, post(settings::update)),
        RouteDef::new("POST", "/requests/escalation", Access::Staff, post(settings::ladder_post)),
        RouteDef::new("GET", "/api/v1/projects/{id}/escalation", Access::Staff, get(settings::ladder_api)),
        RouteDef::new("PUT", "/api/v1/projects/{id}/escalation", Access::Staff, put(settings::ladder_put)),
        RouteDef::new("POST", "/requests", Access::Authenticated, post(report::create)),
        RouteDef::new("GET", "/requests/similar", Access::Authenticated, get(report::similar)),
        RouteDef::new("GET", "/requests/visits", Access::Staff, get(pages::visits)),
        RouteDef::new("GET", "/requests/{id}", Access::Authenticated, get(pages::detail)),
        RouteDef::new("GET", "/requests/{id}/photos/{photo}", Access::Authenticated, get(photos::get)),
        RouteDef::new("POST", "/requests/{id}/photos", Access::Authenticated, post(photos::add)),
        RouteDef::new("POST", "/api/v1/requests/{id}/photos", Access::Authenticated, post(api::add_photos)),
        RouteDef::new("GET", "/requests/open311-keys", Access::Staff, get(keys::page)),
        RouteDef::new("POST", "/requests/open311-keys", Access::Staff, post(keys::create)),
        RouteDef::new("POST", "/requests/open311-keys/{id}/revoke", Access::Staff, post(keys::revoke)),
        RouteDef::new("GET", "/open311/v2/{file}", Access::Public, get(open311::get_root)),
        RouteDef::new("POST", "/open311/v2/{file}", Access::Public, post(open311::post_root)),
        RouteDef::new("GET", "/open311/v2/services/{file}", Access::Public, get(open311::get_service)),
        RouteDef::new("GET", "/open311/v2/requests/{file}", Access::Public, get(open311::get_request)),
        RouteDef::new("GET", "/open311/v2/tokens/{file}", Access::Public, get(open311::get_token)),
        RouteDef::new("POST", "/requests/{id}/actions", Access::Authenticated, post(pages::act)),
        RouteDef::new("GET", "/api/v1/requests", Access::Authenticated, get(api::list)),
        RouteDef::new("POST", "/api/v1/requests", Access::Authenticated, post(api::create)),
        RouteDef::new("GET", "/api/v1/requests/figures", Access::Desk, get(figures::api)),
        RouteDef::new("GET", "/api/v1/requests/visits", Access::Staff, get(api::visits)),
        RouteDef::new("GET", "/api/v1/projects/{id}/request-categories", Access::Authenticated, get(api::categories)),
        RouteDef::new("GET", "/api/v1/requests/{id}", Access::Authenticated, get(api::get)),
        RouteDef::new("POST", "/api/v1/requests/{id}/actions", Access::Authenticated, post(api::act)),
        RouteDef::new("GET", "/requests/outbound", Access::Staff, get(outbound::pages::page)),
        RouteDef::new("POST", "/requests/outbound", Access::Staff, post(outbound::pages::save)),
        RouteDef::new("GET", "/api/v1/projects/{id}/open311-outbound", Access::Staff, get(outbound::pages::api_get)),
        RouteDef::new("PUT", "/api/v1/projects/{id}/open311-outbound", Access::Staff, put(outbound::pages::api_put)),
        RouteDef::new("POST", "/referrals/{id}/push", Access::Staff, post(outbound::pages::settle)),
        RouteDef::new("POST", "/api/v1/referrals/{id}/push", Access::Staff, post(outbound::pages::api_settle)),
        RouteDef::new("GET", "/referrals", Access::Desk, get(inbox::page)),
        RouteDef::new("GET", "/referrals/{id}", Access::Desk, get(inbox::detail)),
        RouteDef::new("POST", "/referrals/{id}/actions", Access::Desk, post(inbox::act)),
        RouteDef::new("GET", "/api/v1/referrals", Access::Desk, get(inbox::api_list)),
        RouteDef::new("GET", "/api/v1/referrals/{id}", Access::Desk, get(inbox::api_get)),
        RouteDef::new("POST", "/api/v1/referrals/{id}/actions", Access::Desk, post(inbox::api_act)),
    ]
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::list,
    api::create,
    api::get,
    api::act,
    api::add_photos,
    api::visits,
    api::categories,
    figures::api,
    inbox::api_list,
    inbox::api_get,
    inbox::api_act,
    outbound::pages::api_get,
    outbound::pages::api_put,
    outbound::pages::api_settle,
    settings::ladder_api,
    settings::ladder_put
))]
struct Api;

const NAV: &[crate::capability::NavEntry] = &[
    crate::capability::NavEntry {
        order: 20,
        href: "/requests",
        label: |desk| if desk { "req.queue" } else { "req.mine" },
        shown: |p, desk| desk || !p.scope.households.is_empty(),
    },
    // The government side's inbox (cadres, grid members); staff reach their push-ups from the queue.
    crate::capability::NavEntry {
        order: 21,
        href: "/referrals",
        label: |_| "ref.inbox",
        shown: |p, desk| desk && !p.scope.gov_paths.is_empty(),
    },
];

pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability {
        nav: NAV,
        jobs: |state| vec![jobs::spawn(state.clone())],
        openapi: <Api as utoipa::OpenApi>::openapi,
        on_project_created: Some(|tx, project, now| {
            Box::pin(store::ensure_default_categories(tx, ProjectId(project), now))
        }),
        home: Some(|state, p, lang| Box::pin(home::cards(state, p, lang))),
        ..crate::capability::Capability::new("requests", routes)
    }
}
