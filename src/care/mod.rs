//! C9 Care (关爱): care tags on residents — sensitive, seen only with a care duty, every read audited —,
//! visit plans with an overdue reminder, and the visits. Rules in `model.rs`, SQL in `store.rs`, use cases
//! in `actions.rs`, pages in `pages.rs`, JSON in `api.rs`. (Festival rounds follow, issue 14.)

pub mod actions;
pub mod api;
pub mod model;
pub mod pages;
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
    ]
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(api::list, api::visit))]
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
        ..crate::capability::Capability::new("care", routes)
    }
}
