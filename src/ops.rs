//! Operations: `/healthz` (the process answers), `/readyz` (the database answers), Prometheus
//! `/metrics`, static files, and the request metrics middleware.

use std::{sync::OnceLock, time::Instant};

use axum::{
    extract::{MatchedPath, Request, State},
    http::StatusCode,
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::{access::RouteDef, app::AppState, auth::model::Access};

pub fn routes() -> Vec<RouteDef> {
    vec![
        RouteDef::new("GET", "/healthz", Access::Public, get(healthz)),
        RouteDef::new("GET", "/readyz", Access::Public, get(readyz)),
        RouteDef::new("GET", "/metrics", Access::Public, get(metrics)),
        RouteDef::new("GET", "/static/{*path}", Access::Public, get(crate::web::static_file)),
    ]
}

/// The process-wide Prometheus recorder (installed once, shared by every app built in this process).
pub fn prometheus() -> PrometheusHandle {
    static H: OnceLock<PrometheusHandle> = OnceLock::new();
    H.get_or_init(|| {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
    .clone()
}

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Metrics tell a lot about who uses what: with a token configured, only its holder reads them;
/// without one, only a server bound to loopback serves them (a scraper on the same host).
pub async fn metrics(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    match &state.config.metrics_token {
        Some(token) => {
            let given = headers.get("x-metrics-token").and_then(|v| v.to_str().ok()).unwrap_or_default();
            if !crate::auth::constant_eq(given, token.expose()) {
                return crate::error::AppError::forbidden().into_response();
            }
        }
        None if !state.config.listen.ip().is_loopback() => {
            return crate::error::AppError::new(
                axum::http::StatusCode::FORBIDDEN,
                "metrics_token_required",
                "未配置指标访问令牌：请设置 XINGHUO_METRICS_TOKEN",
                "Set XINGHUO_METRICS_TOKEN to read /metrics on a public address",
            )
            .into_response();
        }
        None => {}
    }
    ([("content-type", "text/plain; version=0.0.4")], state.metrics.render()).into_response()
}

/// Count requests and time them, labelled by route template (not raw path: no ids in labels).
pub async fn track(req: Request, next: Next) -> Response {
    let route =
        req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string()).unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let start = Instant::now();
    let resp = next.run(req).await;
    let status = resp.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(start.elapsed().as_secs_f64());
    resp
}

pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability::new("ops", routes)
}
