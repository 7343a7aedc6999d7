//! C6 微心愿: small wishes posted by residents (or staff for them), seen by the project's Party members,
//! volunteers and the members registered with its community (双报到) with the resident's surname only,
//! claimed by one, fulfilled with a photo, confirmed by the resident — points through the ledger —, and
//! raised to the branch's secretary when left unclaimed. Rules in `model.rs`.

pub mod actions;
pub mod api;
pub mod home;
pub mod model;
pub mod pages;
pub mod store;

use axum::routing::{get, post};

use crate::{access::RouteDef, app::AppState, auth::model::Access};

pub fn routes() -> Vec<RouteDef> {
    vec![
        RouteDef::new("GET", "/wishes", Access::Authenticated, get(pages::board)),
        RouteDef::new("POST", "/wishes", Access::Authenticated, post(pages::post)),
        RouteDef::new("GET", "/wishes/{id}", Access::Authenticated, get(pages::wish_page)),
        RouteDef::new("POST", "/wishes/{id}/claim", Access::Authenticated, post(pages::claim)),
        RouteDef::new("POST", "/wishes/{id}/fulfil", Access::Authenticated, post(pages::fulfil)),
        RouteDef::new("POST", "/wishes/{id}/confirm", Access::Authenticated, post(pages::confirm)),
        RouteDef::new("GET", "/wishes/{id}/photos/{photo}", Access::Authenticated, get(pages::photo)),
        RouteDef::new("GET", "/api/v1/wishes", Access::Authenticated, get(api::board)),
        RouteDef::new("POST", "/api/v1/wishes", Access::Authenticated, post(api::post)),
        RouteDef::new("POST", "/api/v1/wishes/{id}/claim", Access::Authenticated, post(api::claim)),
    ]
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(api::board, api::post, api::claim))]
struct Api;

const NAV: &[crate::capability::NavEntry] =
    &[crate::capability::NavEntry { order: 35, href: "/wishes", label: |_| "nav.wishes", shown: |_, _| true }];

/// Every hour: raise the wishes left unclaimed.
fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match actions::raise_unclaimed(&state, state.clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(raised = n, "unclaimed wishes raised"),
                Err(e) => tracing::warn!(code = e.code, "wish job failed"),
            }
        }
    })
}

pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability {
        nav: NAV,
        openapi: <Api as utoipa::OpenApi>::openapi,
        jobs: |state| vec![spawn(state.clone())],
        home: Some(|state, p, lang| Box::pin(home::cards(state, p, lang))),
        ..crate::capability::Capability::new("wishes", routes)
    }
}
