//! Start-up: the shared `AppState`, `build(state) -> Router`, and `serve(listener, shutdown)` — so the
//! binary, the tests (in-process) and several instances behind a load balancer all start the same way.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::{Router, extract::DefaultBodyLimit, middleware};
use metrics_exporter_prometheus::PrometheusHandle;
use tower_http::{
    catch_panic::CatchPanicLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};

use crate::{
    auth::{self, Ctx},
    clock::{Clock, SystemClock},
    config::Config,
    db::Db,
    error::AppError,
};

/// What every handler shares, behind one `Arc`: axum clones the state for each extractor and middleware
/// that takes it, and one reference count is cheaper than the dozen of the fields' own (issue 15).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

#[derive(Clone)]
pub struct Shared {
    pub db: Db,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    /// Key for CSRF tokens (from config, or a file in the data directory).
    pub secret: Arc<Vec<u8>>,
    pub metrics: PrometheusHandle,
    /// Photos and other files outside the database.
    pub blobs: crate::blob::Blobs,
    /// Write rate limits per user and per address (anti-automation).
    pub write_limits: Arc<auth::rate::WriteLimits>,
    /// Seals and opens personal data (phone and ID numbers) at rest.
    pub vault: Arc<crate::vault::Vault>,
    /// Slots for CPU-heavy request work (spreadsheets, photos), run off the async workers.
    pub heavy: crate::heavy::Heavy,
    /// Principals resolved earlier, reused while their versions hold (`auth::cache`).
    pub principals: Arc<auth::cache::Principals>,
    /// API tokens validated here, for gated writes (`auth::gate`).
    pub gate_tokens: Arc<auth::gate::Tokens>,
    /// Reference rows read earlier, served while the stamp read with the credential holds (`refs`).
    pub refs: Arc<crate::refs::Refs>,
}

impl AppState {
    pub async fn new(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let db = Db::connect_with(&config.database_url, config.db_max_connections, config.sqlite_synchronous).await?;
        db.migrate().await?;
        let secret = resolve_secret(&config, &db).await?;
        let vault = config.vault()?;
        crate::people::seal::check_key(&db.write, &vault).await?;
        crate::people::seal::seal_plaintext(&db.write, &vault).await?;
        let blobs = crate::blob::Blobs::from_config(&config)?;
        let write_limits = auth::rate::WriteLimits::new(
            config.write_rate_per_user,
            config.write_burst_per_user,
            config.write_rate_per_address,
            config.write_burst_per_address,
        );
        Ok(Self(Arc::new(Shared {
            db,
            config: Arc::new(config),
            clock,
            secret: Arc::new(secret),
            metrics: crate::ops::prometheus(),
            blobs,
            heavy: crate::heavy::Heavy::for_this_machine(),
            vault: Arc::new(vault),
            write_limits,
            principals: Arc::default(),
            gate_tokens: Arc::default(),
            refs: Arc::default(),
        })))
    }

    /// The same state on another clock (the demo's history is written as if on each past day).
    pub fn with_clock(&self, clock: Arc<dyn Clock>) -> Self {
        Self(Arc::new(Shared { clock, ..(*self.0).clone() }))
    }
    pub async fn from_config(config: Config) -> anyhow::Result<Self> {
        Self::new(config, Arc::new(SystemClock)).await
    }
}

/// The configured secret (`XINGHUO_COOKIE_SECRET`) or, without one, a random secret kept in the
/// database: the first instance to start writes it (`ON CONFLICT DO NOTHING`), and every instance on
/// the same database reads the same one back — so a second instance never signs forms with a secret
/// of its own, and forms keep working whichever instance the load balancer picks.
async fn resolve_secret(config: &Config, db: &Db) -> anyhow::Result<Vec<u8>> {
    if !config.cookie_secret.expose().is_empty() {
        return Ok(config.cookie_secret.expose().as_bytes().to_vec());
    }
    let value = auth::store::shared_secret(&db.write, "cookie", &auth::random_token(48))
        .await?
        .ok_or_else(|| anyhow::anyhow!("the cookie secret could not be stored"))?;
    Ok(value.into_bytes())
}

async fn not_found(ctx: Option<axum::Extension<Ctx>>, uri: axum::http::Uri) -> AppError {
    let _ = ctx;
    let e = AppError::not_found();
    if uri.path().starts_with("/api/") { e.as_json() } else { e }
}

pub fn build(state: AppState) -> Router {
    let body_limit =
        state.config.max_upload_bytes.max(state.config.max_photo_bytes * crate::requests::photos::PER_UPLOAD)
            + 256 * 1024;
    crate::access::build_router()
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), auth::csrf_protect))
        .layer(middleware::from_fn_with_state(state.clone(), auth::rate::limit_writes))
        .layer(middleware::from_fn_with_state(state.clone(), auth::authenticate))
        .layer(middleware::from_fn(crate::web::input::reject_bad_input))
        .layer(middleware::from_fn(crate::ops::track))
        .layer(middleware::from_fn(crate::web::normalize_rejections))
        .layer(middleware::from_fn(crate::web::security_headers))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(CatchPanicLayer::custom(|_| {
            axum::response::IntoResponse::into_response(AppError::internal("handler panicked"))
        }))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Serve until `shutdown` resolves; in-flight requests finish (graceful shutdown).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = build(state);
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

/// Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
    tokio::time::sleep(Duration::from_millis(10)).await;
}
