//! C10 便民服务: the convenience services the article's 保利荔园天府和悦 runs for its residents —
//! 便民物资共享 (`lending`) first; 快递配送 and 户内托管 follow (issue 14).

pub mod lending;

use axum::routing::{get, post};

use crate::{access::RouteDef, app::AppState, auth::model::Access};

pub fn routes() -> Vec<RouteDef> {
    vec![
        RouteDef::new("GET", "/lending", Access::Authenticated, get(lending::pages::board)),
        RouteDef::new("POST", "/lending/items", Access::Authenticated, post(lending::pages::add_item)),
        RouteDef::new("GET", "/lending/items/{id}", Access::Authenticated, get(lending::pages::item_page)),
        RouteDef::new("POST", "/lending/items/{id}/reserve", Access::Authenticated, post(lending::pages::reserve)),
        RouteDef::new("POST", "/lending/items/{id}/lend", Access::Authenticated, post(lending::pages::lend)),
        RouteDef::new("POST", "/lending/items/{id}/repair", Access::Authenticated, post(lending::pages::repair)),
        RouteDef::new("POST", "/lending/loans/{id}/hand-over", Access::Authenticated, post(lending::pages::hand_over)),
        RouteDef::new("POST", "/lending/loans/{id}/return", Access::Authenticated, post(lending::pages::take_back)),
        RouteDef::new("POST", "/lending/loans/{id}/cancel", Access::Authenticated, post(lending::pages::cancel)),
        RouteDef::new("GET", "/api/v1/lending", Access::Authenticated, get(lending::api::board)),
        RouteDef::new("POST", "/api/v1/lending/items/{id}/reserve", Access::Authenticated, post(lending::api::reserve)),
        RouteDef::new("POST", "/api/v1/lending/items/{id}/lend", Access::Authenticated, post(lending::api::lend)),
        RouteDef::new(
            "POST",
            "/api/v1/lending/loans/{id}/return",
            Access::Authenticated,
            post(lending::api::take_back),
        ),
    ]
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(lending::api::board, lending::api::reserve, lending::api::lend, lending::api::take_back))]
struct Api;

const NAV: &[crate::capability::NavEntry] =
    &[crate::capability::NavEntry { order: 37, href: "/lending", label: |_| "nav.lending", shown: |_, _| true }];

/// Every hour: remind borrowers of items due, lapse reservations not picked up.
fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match lending::actions::remind_and_lapse(&state, state.clock.now()).await {
                Ok((0, 0)) => {}
                Ok((r, l)) => tracing::info!(reminded = r, lapsed = l, "lending reminders"),
                Err(e) => tracing::warn!(code = e.code, "lending job failed"),
            }
        }
    })
}

pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability {
        nav: NAV,
        openapi: <Api as utoipa::OpenApi>::openapi,
        jobs: |state| vec![spawn(state.clone())],
        home: Some(|state, p, lang| Box::pin(lending::home::cards(state, p, lang))),
        ..crate::capability::Capability::new("convenience", routes)
    }
}
