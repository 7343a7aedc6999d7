//! Accounts, sessions, API tokens, CSRF and the extractors that state a handler's required role.
//!
//! * Sessions live in the `sessions` table (shared by every app instance); the cookie holds a random
//!   token and the table only its SHA-256, so a database leak does not hand out live sessions.
//! * API clients may instead send `Authorization: Bearer <token>` (tokens issued per user, revocable).
//! * CSRF: every unsafe request authenticated by cookie must carry a token — a form field `_csrf`, a
//!   `_csrf` query parameter (multipart forms) or an `X-CSRF-Token` header — equal to
//!   HMAC(secret, session token or anonymous-browser cookie). Cross-origin `Origin` headers are refused too.
//! * Handlers name what they need in their signature: `Auth`, `Desk`, `StaffUser`, `AdminUser`.

use crate::ids::*;
pub mod actions;
pub mod address;
pub mod cache;
pub mod gate;
pub mod model;
pub mod pages;
pub mod password;
pub mod rate;
pub mod store;
pub mod throttle;

use std::sync::Arc;

use axum::{
    body::Body,
    extract::{FromRequestParts, Request, State},
    http::{HeaderMap, HeaderValue, Method, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use base64::Engine;
use chrono::Duration;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{app::AppState, db, error::AppError, org::model::NodeKind, web::i18n::Lang};
use model::{Access, Grant, Role, Scope};

pub const SESSION_COOKIE: &str = "xh_session";
pub const ANON_COOKIE: &str = "xh_anon";

/// Everything a request knows about who is calling.
#[derive(Clone)]
pub struct Ctx {
    pub principal: Option<Arc<Principal>>,
    /// Value the CSRF token is bound to (session token, or anonymous cookie).
    csrf_base: String,
    pub csrf: String,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    pub lang: Lang,
    pub large_type: bool,
    pub path: String,
    pub via_token: bool,
    /// Unread in-app notifications (shown in the navigation), read with the credential.
    pub unread: i64,
    /// The stamp read with the credential that reference rows from memory are checked against
    /// (`crate::refs`); `None` without a credential (then they are read from the database).
    pub refs: Option<crate::refs::Stamp>,
    /// Set when the request runs before its credential was read (`gate`): its write must carry the gate.
    pub gate: Option<Arc<gate::Gate>>,
}

impl Ctx {
    /// Nobody on `path`, with no credential read (probes, static files).
    fn nobody(path: &str) -> Self {
        Ctx {
            principal: None,
            csrf_base: String::new(),
            csrf: String::new(),
            ip: None,
            request_id: None,
            lang: Lang::default(),
            large_type: false,
            path: path.into(),
            via_token: false,
            unread: 0,
            refs: None,
            gate: None,
        }
    }
    /// A caller outside HTTP (the demo's generated history): acting as this principal, from nowhere.
    pub fn acting(principal: Arc<Principal>) -> Self {
        Ctx { principal: Some(principal), ..Ctx::nobody("/demo/history") }
    }
    pub fn user_id(&self) -> Option<UserId> {
        self.principal.as_ref().map(|p| p.user_id)
    }
    pub fn actor(&self) -> String {
        self.principal.as_ref().map(|p| p.display_name.clone()).unwrap_or_else(|| "匿名".into())
    }
    pub fn is_api(&self) -> bool {
        self.path.starts_with("/api/")
    }
}

#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub person_id: Option<PersonId>,
    pub large_type: bool,
    pub lang: String,
    pub grants: Vec<Grant>,
    pub scope: Scope,
}

impl Principal {
    pub fn has(&self, access: Access) -> bool {
        access.allows(&self.grants)
    }
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }
    /// (project, post) pairs of the caller's staff roles at projects (their 岗位 for the "my post" queue).
    pub fn staff_posts(&self) -> Vec<(i64, String)> {
        self.grants
            .iter()
            .filter(|g| g.role == Role::Staff && g.node_kind == crate::org::model::NodeKind::Project)
            .filter_map(|g| g.post.clone().map(|p| (g.node_id, p)))
            .collect()
    }
    /// Holds `role` at exactly this node.
    pub fn has_role_at(&self, role: Role, node_id: i64) -> bool {
        self.grants.iter().any(|g| g.role == role && g.node_id == node_id)
    }
    pub fn is_resident(&self) -> bool {
        !self.scope.households.is_empty()
    }
}

pub fn sha256_hex(s: &str) -> String {
    let d = Sha256::digest(s.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// A short keyed code: the first `bytes` bytes of HMAC-SHA256(secret, message), in hex. For codes that
/// must be unguessable but need no table (daily check-in codes, rotating attendance codes, feed tokens).
pub fn short_mac(secret: &[u8], message: &str, bytes: usize) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(message.as_bytes());
    mac.finalize().into_bytes().iter().take(bytes).map(|b| format!("{b:02x}")).collect()
}

fn csrf_token(secret: &[u8], base: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(b"csrf:");
    mac.update(base.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

pub fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"))
        .expect("cookie values are URL-safe")
}

/// Load a user with their grants and resolved scope. `None` if the user does not exist or is disabled.
/// (Outside HTTP: the demo's generated history. Requests go through `caller_of` and the cache.)
pub async fn load_principal(
    db: &db::Db,
    user_id: UserId,
    today: chrono::NaiveDate,
) -> Result<Option<Principal>, AppError> {
    match store::principal::user_caller(&db.read, user_id).await? {
        Some(u) if u.is_active => Ok(Some(principal_of(&db.read, u, today).await?)),
        _ => Ok(None),
    }
}

/// The principal of a caller's row: its grants and scope as of `today`, in one more round trip.
async fn principal_of(
    conn: &impl sea_orm::ConnectionTrait,
    u: store::principal::CallerRow,
    today: chrono::NaiveDate,
) -> Result<Principal, AppError> {
    let mut grants = Vec::new();
    let mut scope = Scope::default();
    if let Some(pid) = u.person_id {
        // One round trip: the person's grants ('g'), current homes ('h'), projects they may change
        // as staff or company admins ('w') and projects they may read as cadres ('c').
        let rows = store::principal::scope_rows(conn, pid, today).await?;
        for r in rows {
            match r.k.as_str() {
                "g" => {
                    let (Some(role), Some(kind)) =
                        (r.role.as_deref().and_then(Role::parse), r.kind.as_deref().and_then(NodeKind::parse))
                    else {
                        continue;
                    };
                    grants.push(Grant {
                        role,
                        node_id: r.node_id,
                        node_path: r.path.unwrap_or_default(),
                        node_kind: kind,
                        node_name: r.name.unwrap_or_default(),
                        post: r.post,
                    });
                }
                "h" => {
                    scope.households.insert(HouseholdId(r.node_id));
                    if let Some(p) = r.project_id {
                        scope.homes.insert(HouseholdId(r.node_id), p);
                    }
                }
                "w" => {
                    scope.write_projects.insert(ProjectId(r.node_id));
                    scope.read_projects.insert(ProjectId(r.node_id));
                }
                "c" => {
                    scope.read_projects.insert(ProjectId(r.node_id));
                }
                _ => {}
            }
        }
    }
    for g in &grants {
        match g.role {
            Role::CompanyAdmin => scope.admin_paths.push(g.node_path.clone()),
            Role::Cadre => scope.gov_paths.push(g.node_path.clone()),
            Role::GridMember => {
                scope.grid_paths.push(g.node_path.clone());
                scope.gov_paths.push(g.node_path.clone());
            }
            _ => {}
        }
    }
    Ok(Principal {
        user_id: UserId(u.user_id),
        username: u.username,
        display_name: u.display_name,
        person_id: u.person_id,
        large_type: u.large_type,
        lang: u.lang,
        grants,
        scope,
    })
}

/// A validated caller: their principal (from the cache when its stamp still holds), whether their
/// token may only read, and their unread notifications.
struct Caller {
    principal: Arc<Principal>,
    read_only: bool,
    unread: i64,
    refs: crate::refs::Stamp,
}

/// The principal behind a checked credential row. The row was read in this request, so a disabled
/// account, a changed role or home (its `auth_version`) or a changed org tree (`epoch`) is seen now.
async fn caller_of(state: &AppState, row: store::principal::CallerRow) -> Result<Option<Caller>, AppError> {
    if !row.is_active {
        return Ok(None);
    }
    let stamp = cache::Stamp { user_version: row.auth_version, epoch: row.epoch, day: state.clock.today() };
    let (read_only, unread, user_id) = (row.access == "read", row.unread, row.user_id);
    let refs = crate::refs::Stamp { org: row.epoch, refs: row.ref_epoch };
    let principal = match state.principals.get(user_id, stamp) {
        Some(p) => p,
        None => {
            let p = Arc::new(principal_of(&state.db.read, row, stamp.day).await?);
            state.principals.put(user_id, stamp, p.clone());
            p
        }
    };
    Ok(Some(Caller { principal, read_only, unread, refs }))
}

/// A session slides `session_hours` past its last use, but never past `session_max_hours` after log-in.
async fn caller_for_session(state: &AppState, token: &str) -> Result<Option<Caller>, AppError> {
    let now = state.clock.now();
    let id = sha256_hex(token);
    let max_age = Duration::hours(state.config.session_max_hours);
    let Some(row) = store::principal::session_caller(&state.db.reader(), &id, now, now - max_age).await? else {
        return Ok(None);
    };
    // Sliding expiry, written at most every 5 minutes to keep reads read-only.
    if row.last_at.is_none_or(|t| now - t > Duration::minutes(5)) {
        let expires = (now + Duration::hours(state.config.session_hours)).min(row.created_at + max_age);
        store::principal::touch_session(&state.db.write, &id, now, expires).await?;
    }
    caller_of(state, row).await
}

/// A live token's caller, and whether it may only read. Expired and revoked tokens are no tokens.
async fn caller_for_api_token(state: &AppState, token: &str) -> Result<Option<Caller>, AppError> {
    use sea_orm::ConnectionTrait;
    let now = state.clock.now();
    let hash = sha256_hex(token);
    let Some(row) = store::principal::token_caller(&state.db.reader(), &hash, now).await? else {
        return Ok(None);
    };
    // Like sessions: record use at most every 5 minutes, so API reads stay reads.
    let mut last_at = row.last_at;
    if row.last_at.is_none_or(|t| now - t > Duration::minutes(5)) {
        store::principal::touch_token(&state.db.write, row.token_id, now).await?;
        last_at = Some(now);
    }
    let known = gate::Known {
        user_id: row.user_id,
        may_write: row.access == "write" && row.is_active,
        expires_at: row.expires_at.unwrap_or(now),
        last_at,
        user_version: row.auth_version,
        epoch: row.epoch,
        ref_epoch: row.ref_epoch,
        unread: row.unread,
    };
    let caller = caller_of(state, row).await?;
    // Remembered for gated writes (PostgreSQL only), rewritten only when something in it changed.
    if caller.is_some()
        && known.may_write
        && state.db.write.get_database_backend() == sea_orm::DatabaseBackend::Postgres
        && state.gate_tokens.get(&hash).as_ref() != Some(&known)
    {
        state.gate_tokens.put(hash, known);
    }
    Ok(caller)
}

/// Outer middleware: resolve the caller, attach `Ctx`, make sure an anonymous browser has a CSRF cookie.
pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    // Probes, metrics and static files need no caller: answer them without touching the database.
    let path = req.uri().path();
    if matches!(path, "/healthz" | "/readyz" | "/metrics") || path.starts_with("/static/") {
        let ctx = Ctx::nobody(path);
        req.extensions_mut().insert(ctx);
        return next.run(req).await;
    }
    // A gated write with a known token runs first on what is known (`gate`); unless its gate passed, its
    // answer is dropped and it runs again the ordinary way.
    if let Some((caller, g)) = gate::known_caller(&state, &req) {
        let (parts, body) = req.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, gate::BODY_MAX as usize).await else {
            return AppError::too_large("提交的内容过大", "Request body too large").as_json().into_response();
        };
        let again = Request::from_parts(parts.clone(), Body::from(bytes.clone()));
        let first = authenticated(
            &state,
            Request::from_parts(parts, Body::from(bytes)),
            next.clone(),
            Some((caller, g.clone())),
        )
        .await;
        state.gate_tokens.count(g.passed());
        if g.passed() {
            return first;
        }
        state.gate_tokens.forget(g.hash());
        return authenticated(&state, again, next, None).await;
    }
    authenticated(&state, req, next, None).await
}

/// `authenticate` once the caller is known (`known`) or is to be read from the credential.
async fn authenticated(
    state: &AppState,
    mut req: Request,
    next: Next,
    known: Option<(Caller, Arc<gate::Gate>)>,
) -> Response {
    let headers = req.headers().clone();
    let mut caller = None;
    let mut via_token = false;
    let mut session_token = None;
    let mut gate = None;
    if let Some((c, g)) = known {
        caller = Some(c);
        via_token = true;
        gate = Some(g);
    } else if let Some(bearer) =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "))
    {
        match caller_for_api_token(state, bearer.trim()).await {
            Ok(Some(c)) if c.read_only && !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) => {
                return AppError::new(
                    axum::http::StatusCode::FORBIDDEN,
                    "token_read_only",
                    "该访问令牌只能读取，不能修改数据",
                    "This API token is read-only",
                )
                .as_json()
                .into_response();
            }
            Ok(Some(c)) => {
                caller = Some(c);
                via_token = true;
            }
            Ok(None) => {
                return AppError::new(
                    axum::http::StatusCode::UNAUTHORIZED,
                    "invalid_token",
                    "访问令牌无效、已过期或已撤销",
                    "Invalid, expired or revoked API token",
                )
                .as_json()
                .into_response();
            }
            Err(e) => return e.as_json().into_response(),
        }
    } else if let Some(tok) = cookie(&headers, SESSION_COOKIE) {
        match caller_for_session(state, &tok).await {
            Ok(Some(c)) => {
                caller = Some(c);
                session_token = Some(tok);
            }
            Ok(None) => {}
            Err(e) => return e.into_response(),
        }
    }
    let unread = caller.as_ref().map_or(0, |c| c.unread);
    let refs = caller.as_ref().map(|c| c.refs);
    let principal = caller.map(|c| c.principal);
    if principal.is_none() {
        session_token = None;
    }
    let mut new_anon = None;
    let csrf_base = match (&session_token, cookie(&headers, ANON_COOKIE)) {
        (Some(s), _) => s.clone(),
        (None, Some(a)) => a,
        (None, None) => {
            let a = random_token(24);
            new_anon = Some(a.clone());
            a
        }
    };
    let lang = principal
        .as_ref()
        .map(|p| Lang::parse(&p.lang))
        .or_else(|| cookie(&headers, "xh_lang").map(|l| Lang::parse(&l)))
        .unwrap_or_default();
    let large_type = principal
        .as_ref()
        .map(|p| p.large_type)
        .unwrap_or_else(|| cookie(&headers, "xh_large").as_deref() == Some("1"));
    let ctx = Ctx {
        csrf: csrf_token(&state.secret, &csrf_base),
        csrf_base,
        principal,
        ip: address::client_ip(&req, &state.config.trusted_proxies),
        request_id: headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_string),
        lang,
        large_type,
        path: req.uri().path().to_string(),
        via_token,
        unread,
        refs,
        gate,
    };
    let referer = headers.get(header::REFERER).and_then(|v| v.to_str().ok()).map(str::to_string);
    let api = ctx.is_api();
    let connect = req.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().cloned();
    req.extensions_mut().insert(ctx.clone());
    let resp = crate::web::normalized(next.run(req).await, api);
    let resp = match crate::web::refill::again(state, &ctx, resp, &headers, referer.as_deref(), connect).await {
        Ok(redrawn) => redrawn,
        Err(resp) => resp,
    };
    let mut resp = crate::error::dress(resp, &ctx, referer.as_deref());
    if let Some(a) = new_anon {
        resp.headers_mut()
            .append(header::SET_COOKIE, set_cookie(ANON_COOKIE, &a, 60 * 60 * 24 * 30, state.config.secure_cookies()));
    }
    resp
}

/// Middleware: refuse unsafe requests without a valid CSRF token (cookie-authenticated callers only).
pub async fn csrf_protect(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let Some(ctx) = req.extensions().get::<Ctx>().cloned() else {
        return AppError::csrf().into_response();
    };
    let api = ctx.is_api() || req.uri().path().starts_with("/open311/");
    let fail = || if api { AppError::csrf().as_json().into_response() } else { AppError::csrf().into_response() };
    if ctx.via_token {
        return next.run(req).await;
    }
    // An API call with neither a session nor a token: let the route answer 401 instead of a CSRF error.
    if api && ctx.principal.is_none() && cookie(req.headers(), SESSION_COOKIE).is_none() {
        return next.run(req).await;
    }
    if let Some(origin) = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let origin_host = origin.split("://").nth(1).unwrap_or_default();
        if origin != "null" && origin_host != host {
            return fail();
        }
    }
    let expected = csrf_token(&state.secret, &ctx.csrf_base);
    let from_header = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_string);
    let from_query = req.uri().query().and_then(|q| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .ok()
            .and_then(|v| v.into_iter().find(|(k, _)| k == "_csrf").map(|(_, v)| v))
    });
    if let Some(t) = from_header.or(from_query) {
        return if constant_eq(&t, &expected) { next.run(req).await } else { fail() };
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return fail();
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1024 * 1024).await else {
        return AppError::too_large("提交的内容过大", "Request body too large").into_response();
    };
    let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|v| v.into_iter().find(|(k, _)| k == "_csrf").map(|(_, v)| v));
    match token {
        Some(t) if constant_eq(&t, &expected) => {
            let mut resp = next.run(Request::from_parts(parts, Body::from(bytes.clone()))).await;
            // A refused form: keep what was typed, so the page it was on can be drawn again with it.
            if crate::web::refill::refusal(&resp)
                && let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            {
                let pairs = pairs.into_iter().filter(|(k, _)| k != "_csrf").collect();
                resp.extensions_mut().insert(crate::web::refill::Typed(pairs));
            }
            resp
        }
        _ => fail(),
    }
}

/// Route-level check built from the route table: anonymous callers are sent to log in (pages) or get
/// 401 (API); signed-in callers without the role get 403.
pub async fn require(access: Access, req: Request, next: Next) -> Response {
    let Some(ctx) = req.extensions().get::<Ctx>() else {
        return AppError::internal("Ctx missing").into_response();
    };
    if access == Access::Public {
        return next.run(req).await;
    }
    match &ctx.principal {
        None => reject_anonymous(ctx),
        Some(p) if !p.has(access) => {
            let e = AppError::forbidden();
            if ctx.is_api() { e.as_json().into_response() } else { e.into_response() }
        }
        Some(_) => next.run(req).await,
    }
}

fn reject_anonymous(ctx: &Ctx) -> Response {
    if ctx.is_api() {
        return AppError::unauthorized().as_json().into_response();
    }
    let next: String = url_encode(&ctx.path);
    Redirect::to(&format!("/login?next={next}")).into_response()
}

pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or_else(|| AppError::internal("Ctx missing"))
    }
}

macro_rules! role_extractor {
    ($(#[$m:meta])* $name:ident, $access:expr) => {
        $(#[$m])*
        pub struct $name(pub Arc<Principal>, pub Ctx);

        impl<S: Send + Sync> FromRequestParts<S> for $name {
            type Rejection = Response;
            async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
                let ctx = parts
                    .extensions
                    .get::<Ctx>()
                    .cloned()
                    .ok_or_else(|| AppError::internal("Ctx missing").into_response())?;
                match ctx.principal.clone() {
                    None => Err(reject_anonymous(&ctx)),
                    Some(p) if !p.has($access) => {
                        let e = AppError::forbidden();
                        Err(if ctx.is_api() { e.as_json().into_response() } else { e.into_response() })
                    }
                    Some(p) => Ok($name(p, ctx)),
                }
            }
        }
    };
}

role_extractor!(
    /// Any signed-in user.
    Auth,
    Access::Authenticated
);
role_extractor!(
    /// Staff, company admins, cadres and grid members (read within their scope).
    Desk,
    Access::Desk
);
role_extractor!(
    /// Staff and company admins (may change property-side data in their projects).
    StaffUser,
    Access::Staff
);
role_extractor!(
    /// Company admins.
    AdminUser,
    Access::Admin
);

#[derive(utoipa::OpenApi)]
#[openapi(paths(pages::me))]
struct Api;

const NAV: &[crate::capability::NavEntry] =
    &[crate::capability::NavEntry { order: 90, href: "/account", label: |_| "nav.account", shown: |_, _| true }];

/// Log-in, log-out, the account page and the principal (`/api/v1/me`).
pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability {
        nav: NAV,
        openapi: <Api as utoipa::OpenApi>::openapi,
        ..crate::capability::Capability::new("auth", pages::routes)
    }
}
