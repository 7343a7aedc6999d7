//! C7 物业服务质量监督员: owners appointed for a term inspect the estate on the phone against its
//! checklist; each failed item becomes a rectification request (C1) that the supervisor, not the
//! general rating flow, confirms or sends back; a monthly report and its public disclosure (公示).
//! Rules in `model.rs`, SQL in `store.rs`, use cases in `actions.rs`, pages in `pages.rs`, JSON in
//! `api.rs`.

pub mod actions;
pub mod api;
pub mod model;
pub mod pages;
pub mod store;

use axum::routing::{get, post};

use crate::{access::RouteDef, auth::model::Access};

pub fn routes() -> Vec<RouteDef> {
    vec![
        RouteDef::new("GET", "/supervision", Access::Authenticated, get(pages::board)),
        RouteDef::new("POST", "/supervision/projects/{id}/appointments", Access::Authenticated, post(pages::appoint)),
        RouteDef::new(
            "POST",
            "/supervision/appointments/{id}/end",
            Access::Authenticated,
            post(pages::end_appointment),
        ),
        RouteDef::new("GET", "/supervision/appointments/{id}/letter", Access::Authenticated, get(pages::letter)),
        RouteDef::new("GET", "/supervision/projects/{id}/inspect", Access::Authenticated, get(pages::inspect_page)),
        RouteDef::new("POST", "/supervision/projects/{id}/inspect", Access::Authenticated, post(pages::inspect)),
        RouteDef::new("GET", "/supervision/projects/{id}/report", Access::Authenticated, get(pages::report)),
        RouteDef::new("GET", "/supervision/inspections/{id}", Access::Authenticated, get(pages::inspection_page)),
        RouteDef::new("GET", "/supervision/inspections/{id}/photos/{photo}", Access::Authenticated, get(pages::photo)),
        RouteDef::new("POST", "/supervision/findings/{id}/confirm", Access::Authenticated, post(pages::confirm)),
        RouteDef::new("POST", "/supervision/findings/{id}/send-back", Access::Authenticated, post(pages::send_back)),
        RouteDef::new("GET", "/disclosure/projects/{id}/supervision", Access::Public, get(pages::disclosure)),
        RouteDef::new("GET", "/api/v1/supervision/inspections/{id}", Access::Authenticated, get(api::inspection)),
        RouteDef::new("POST", "/api/v1/supervision/findings/{id}/confirm", Access::Authenticated, post(api::confirm)),
        RouteDef::new("GET", "/api/v1/supervision/projects/{id}/report", Access::Authenticated, get(api::report)),
        RouteDef::new("GET", "/api/v1/disclosure/projects/{id}/supervision", Access::Public, get(api::disclosure)),
    ]
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(api::inspection, api::confirm, api::report, api::disclosure))]
struct Api;

/// Shown to project staff and to supervisors (a resident holding the supervisor role).
const NAV: &[crate::capability::NavEntry] = &[crate::capability::NavEntry {
    order: 58,
    href: "/supervision",
    label: |_| "nav.supervision",
    shown: |p, _| {
        !p.scope.write_projects.is_empty() || p.grants.iter().any(|g| g.role == crate::auth::model::Role::Supervisor)
    },
}];

pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability {
        nav: NAV,
        openapi: <Api as utoipa::OpenApi>::openapi,
        on_project_created: Some(|tx, project, now| Box::pin(actions::on_project_created(tx, project, now))),
        ..crate::capability::Capability::new("supervision", routes)
    }
}
