//! C10 便民服务: the convenience services the article's 保利荔园天府和悦 runs for its residents —
//! 便民物资共享 (`lending`), 户内托管 (`custody`) and 快递配送 (`parcels`).

pub mod custody;
pub mod lending;
pub mod parcels;

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
        RouteDef::new("GET", "/custody", Access::Authenticated, get(custody::pages::list)),
        RouteDef::new("POST", "/custody", Access::Desk, post(custody::pages::create)),
        RouteDef::new("GET", "/custody/{id}", Access::Authenticated, get(custody::pages::agreement)),
        RouteDef::new("POST", "/custody/{id}/keys", Access::Desk, post(custody::pages::key)),
        RouteDef::new("POST", "/custody/{id}/checks", Access::Desk, post(custody::pages::check)),
        RouteDef::new("POST", "/custody/{id}/end", Access::Desk, post(custody::pages::end)),
        RouteDef::new("GET", "/custody/checks/{id}/photos/{photo}", Access::Authenticated, get(custody::pages::photo)),
        RouteDef::new("GET", "/api/v1/custody", Access::Authenticated, get(custody::api::list)),
        RouteDef::new("GET", "/api/v1/custody/{id}", Access::Authenticated, get(custody::api::one)),
        RouteDef::new("POST", "/api/v1/custody/{id}/checks", Access::Authenticated, post(custody::api::check)),
        RouteDef::new("GET", "/parcels", Access::Authenticated, get(parcels::pages::board)),
        RouteDef::new("POST", "/parcels", Access::Authenticated, post(parcels::pages::ask)),
        RouteDef::new("POST", "/parcels/{id}/take", Access::Desk, post(parcels::pages::take)),
        RouteDef::new("POST", "/parcels/{id}/deliver", Access::Desk, post(parcels::pages::deliver)),
        RouteDef::new("POST", "/parcels/{id}/cancel", Access::Authenticated, post(parcels::pages::cancel)),
        RouteDef::new("GET", "/parcels/{id}/photos/{photo}", Access::Authenticated, get(parcels::pages::photo)),
        RouteDef::new("GET", "/api/v1/parcels", Access::Authenticated, get(parcels::api::board)),
        RouteDef::new("POST", "/api/v1/parcels", Access::Authenticated, post(parcels::api::ask)),
        RouteDef::new("POST", "/api/v1/parcels/{id}/take", Access::Authenticated, post(parcels::api::take)),
        RouteDef::new("POST", "/api/v1/parcels/{id}/deliver", Access::Authenticated, post(parcels::api::deliver)),
        RouteDef::new("POST", "/api/v1/parcels/{id}/cancel", Access::Authenticated, post(parcels::api::cancel)),
    ]
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    lending::api::board,
    lending::api::reserve,
    lending::api::lend,
    lending::api::take_back,
    custody::api::list,
    custody::api::one,
    custody::api::check,
    parcels::api::board,
    parcels::api::ask,
    parcels::api::take,
    parcels::api::deliver,
    parcels::api::cancel
))]
struct Api;

const NAV: &[crate::capability::NavEntry] = &[
    crate::capability::NavEntry { order: 37, href: "/lending", label: |_| "nav.lending", shown: |_, _| true },
    crate::capability::NavEntry { order: 38, href: "/parcels", label: |_| "nav.parcels", shown: |_, _| true },
    crate::capability::NavEntry { order: 39, href: "/custody", label: |_| "nav.custody", shown: |_, _| true },
];

/// Every hour: remind borrowers of items due, lapse reservations not picked up, alert the manager of a
/// custody check missed.
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
            match custody::actions::alert_missed(&state, state.clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(alerted = n, "custody checks missed"),
                Err(e) => tracing::warn!(code = e.code, "custody job failed"),
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
