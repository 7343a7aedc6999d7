//! C9 Care (关爱): care tags on residents — sensitive, seen only with a care duty, every read audited —,
//! visit plans with an overdue reminder, and the visits. Rules in `model.rs`, SQL in `store.rs`, use cases
//! in `actions.rs`, pages in `pages.rs`, JSON in `api.rs`; festival rounds (节日慰问) in `rounds/`.

pub mod actions;
pub mod api;
pub mod model;
pub mod pages;
pub mod rounds;
pub mod store;

use axum::routing::{get, post};

use crate::{access::RouteDef, app::AppState, auth::model::Access};

pub fn routes() -> Vec<RouteDef> {
    vec![
        RouteDef::new("GET", "/care", Access::Desk, get(pages::list)),
        RouteDef::new("POST", "/care/tags", Access::Desk, post(pages::create)),
        RouteDef::new("GET", "/care/tags/{id}", Access::Desk, get(pages::tag_page)),
        RouteDef::new("POST", "/care/tags/{id}/plan", Access::Desk, post(pages::plan)),
        RouteDef::new("POST", "/care/tags/{id}/visits", Access::Desk, post(pages::visit)),
        RouteDef::new("POST", "/care/tags/{id}/end", Access::Desk, post(pages::end)),
        RouteDef::new("GET", "/api/v1/care", Access::Desk, get(api::list)),
        RouteDef::new("POST", "/api/v1/care/tags/{id}/visits", Access::Desk, post(api::visit)),
        RouteDef::new("POST", "/care/visits/{id}/request", Access::Desk, post(pages::to_request)),
        RouteDef::new("POST", "/care/visits/{id}/wish", Access::Desk, post(pages::to_wish)),
        RouteDef::new("GET", "/care/rounds", Access::Authenticated, get(rounds::pages::list)),
        RouteDef::new("POST", "/care/rounds", Access::Desk, post(rounds::pages::create)),
        RouteDef::new("GET", "/care/rounds/{id}", Access::Authenticated, get(rounds::pages::round_page)),
        RouteDef::new("POST", "/care/rounds/{id}/take", Access::Authenticated, post(rounds::pages::take)),
        RouteDef::new("POST", "/care/stops/{id}/release", Access::Authenticated, post(rounds::pages::release)),
        RouteDef::new("POST", "/care/stops/{id}/deliver", Access::Authenticated, post(rounds::pages::deliver)),
        RouteDef::new("GET", "/care/stops/{id}/photos/{photo}", Access::Authenticated, get(rounds::pages::photo)),
        RouteDef::new("GET", "/api/v1/care/rounds/{id}", Access::Authenticated, get(rounds::api::round)),
        RouteDef::new("POST", "/api/v1/care/rounds/{id}/take", Access::Authenticated, post(rounds::api::take)),
        RouteDef::new("POST", "/api/v1/care/stops/{id}/deliver", Access::Authenticated, post(rounds::api::deliver)),
    ]
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(api::list, api::visit, rounds::api::round, rounds::api::take, rounds::api::deliver))]
struct Api;

/// Shown to those with a care duty: project staff and grid members.
const NAV: &[crate::capability::NavEntry] = &[crate::capability::NavEntry {
    order: 57,
    href: "/care",
    label: |_| "nav.care",
    shown: |p, desk| desk && (!p.scope.write_projects.is_empty() || !p.scope.grid_paths.is_empty()),
}];

/// Every hour: remind visitors of overdue care visits.
fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match actions::remind_overdue(&state, state.clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reminded = n, "care visits overdue"),
                Err(e) => tracing::warn!(code = e.code, "care job failed"),
            }
        }
    })
}

pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability {
        nav: NAV,
        openapi: <Api as utoipa::OpenApi>::openapi,
        jobs: |state| vec![spawn(state.clone())],
        home: Some(|state, p, lang| Box::pin(rounds::home::cards(state, p, lang))),
        ..crate::capability::Capability::new("care", routes)
    }
}
