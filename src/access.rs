//! The route table: every route is declared once with the access it needs. The same table builds the
//! router (each route wrapped in the access check) and feeds the permission-matrix test, so a route
//! cannot exist without saying who may call it.

use axum::{Router, middleware, routing::MethodRouter};

use crate::{app::AppState, auth::model::Access};

pub struct RouteDef {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    pub handler: MethodRouter<AppState>,
}

impl RouteDef {
    pub fn new(method: &'static str, path: &'static str, access: Access, handler: MethodRouter<AppState>) -> Self {
        Self { method, path, access, handler }
    }
}

/// Every route of the application, by capability.
pub fn all_routes() -> Vec<RouteDef> {
    crate::capability::all().into_iter().flat_map(|c| (c.routes)()).collect()
}

/// (method, path, access) for every route — what the permission-matrix test reads.
pub fn route_table() -> Vec<(&'static str, &'static str, Access)> {
    all_routes().into_iter().map(|r| (r.method, r.path, r.access)).collect()
}

pub fn build_router() -> Router<AppState> {
    let mut router = Router::new();
    for r in all_routes() {
        let access = r.access;
        let handler = r.handler.layer(middleware::from_fn(move |req, next| crate::auth::require(access, req, next)));
        router = router.route(r.path, handler);
    }
    router
}
