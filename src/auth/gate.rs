//! The credential check that rides in the write (issue 15: "one trip per action" on PostgreSQL).
//!
//! Every request validates its credential in one query (`store::principal`) before its handler runs.
//! For a report sent with an API token this instance has already validated (`Tokens`), on PostgreSQL,
//! that query is the first of two round trips, and the report's own statement (`db::chain`) the
//! second. Here the first is skipped: the request runs with the principal and stamps cached for the
//! token, and the report's statement ends with `xh_auth_gate(…)` (`m0047_auth_gate`), which checks in
//! the same statement — the same snapshot as the inserts — that the token is still live and allowed to
//! write, its user active at the same `auth_version`, and the org tree's and reference data's epochs
//! unchanged, and raises if not, undoing every insert. So what the ordinary path guarantees still holds:
//! a revoked token, a removed role, a moved-out resident or a changed category is seen by the next
//! request on every instance; the check is atomic with the write instead of one query before it.
//!
//! The middleware (`authenticate`) keeps the request's body (routes in `GATED` only, JSON, at most
//! `BODY_MAX` bytes) and accepts the first answer only if the gate passed (`Gate::passed`). Any other
//! answer — the gate refused, a validation error, anything — is thrown away and the request is run again
//! the ordinary way, as if the token had not been known: nothing was written the first time, because
//! the only write of a gated route carries the gate. SQLite reads its credentials inline on the app's
//! own connections (no round trip to save), so it never takes this path.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{DbErr, RuntimeErr, sqlx};

use super::{Caller, sha256_hex};
use crate::{app::AppState, db::chain::Chain, params};

/// The routes whose one write carries the gate, so that they may run before the credential is read.
const GATED: &[(&str, &str)] = &[("POST", "/api/v1/requests")];

/// The largest body kept for a second run (a report's JSON is a few hundred bytes).
pub const BODY_MAX: u64 = 64 * 1024;

/// Past this many tokens the map is emptied and refilled (as `cache::Principals`).
const MAX_ENTRIES: usize = 50_000;

/// What the ordinary path last read for a token (by its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub user_id: i64,
    pub may_write: bool,
    pub expires_at: DateTime<Utc>,
    /// When its use was last recorded (`touch_token`, at most every 5 minutes).
    pub last_at: Option<DateTime<Utc>>,
    pub user_version: i64,
    pub epoch: i64,
    pub ref_epoch: i64,
    pub unread: i64,
}

/// API tokens this instance has validated, by hash.
#[derive(Default)]
pub struct Tokens {
    map: RwLock<HashMap<String, Known>>,
    passed: AtomicU64,
    again: AtomicU64,
}

impl Tokens {
    pub fn get(&self, hash: &str) -> Option<Known> {
        self.map.read().unwrap_or_else(|e| e.into_inner()).get(hash).cloned()
    }

    pub fn put(&self, hash: String, known: Known) {
        let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_ENTRIES && !map.contains_key(&hash) {
            map.clear();
        }
        map.insert(hash, known);
    }

    pub fn forget(&self, hash: &str) {
        self.map.write().unwrap_or_else(|e| e.into_inner()).remove(hash);
    }

    /// A gated request's end: its first run stood (`passed`), or it ran again the ordinary way.
    pub fn count(&self, passed: bool) {
        let c = if passed { &self.passed } else { &self.again };
        c.fetch_add(1, Ordering::Relaxed);
    }

    /// How many gated requests stood on their first run, and how many ran again.
    pub fn counts(&self) -> (u64, u64) {
        (self.passed.load(Ordering::Relaxed), self.again.load(Ordering::Relaxed))
    }
}

/// May this request run before its credential is read? Its route carries the gate, and it is JSON of
/// a known size (`body_size`, the body's exact size hint: a declared `Content-Length`) the middleware can
/// keep for a second run.
pub fn route_allows(method: &Method, path: &str, headers: &HeaderMap, body_size: Option<u64>) -> bool {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    json && body_size.is_some_and(|n| n <= BODY_MAX) && GATED.iter().any(|(m, p)| method.as_str() == *m && path == *p)
}

/// What a gated write checks, and whether it passed.
#[derive(Debug)]
pub struct Gate {
    hash: String,
    known: Known,
    now: DateTime<Utc>,
    passed: AtomicBool,
}

impl Gate {
    pub fn new(hash: String, known: Known, now: DateTime<Utc>) -> Arc<Self> {
        Arc::new(Self { hash, known, now, passed: AtomicBool::new(false) })
    }

    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// End `chain` with the check (it must be one statement: PostgreSQL).
    pub fn add_to(&self, chain: &mut Chain) {
        let k = &self.known;
        chain.check(
            "xh_auth_gate($1, $2, $3, $4, $5)",
            params![self.hash.clone(), k.user_version, k.epoch, k.ref_epoch, self.now],
        );
    }

    /// The write carrying the check committed (or is in a transaction that then answers for itself).
    pub fn pass(&self) {
        self.passed.store(true, Ordering::SeqCst);
    }

    pub fn passed(&self) -> bool {
        self.passed.load(Ordering::SeqCst)
    }
}

/// The caller of a gated request (`gate`) from what this instance knows of its token, without reading
/// it: only on PostgreSQL, for a write-access token whose use needs no recording yet and whose principal
/// is cached under the same stamp.
pub(super) fn known_caller(state: &AppState, req: &Request) -> Option<(Caller, Arc<Gate>)> {
    use sea_orm::ConnectionTrait;
    if state.db.write.get_database_backend() != sea_orm::DatabaseBackend::Postgres
        || !route_allows(req.method(), req.uri().path(), req.headers(), {
            use axum::body::HttpBody;
            req.body().size_hint().exact()
        })
    {
        return None;
    }
    let token = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ")?.trim();
    let hash = sha256_hex(token);
    let k = state.gate_tokens.get(&hash)?;
    let now = state.clock.now();
    if !k.may_write || k.expires_at <= now || k.last_at.is_none_or(|t| now - t > Duration::minutes(5)) {
        return None;
    }
    let stamp = super::cache::Stamp { user_version: k.user_version, epoch: k.epoch, day: state.clock.today() };
    let principal = state.principals.get(k.user_id, stamp)?;
    let refs = crate::refs::Stamp { org: k.epoch, refs: k.ref_epoch };
    let caller = Caller { principal, read_only: false, unread: k.unread, refs };
    Some((caller, Gate::new(hash, k, now)))
}

/// Is this the gate's refusal (SQLSTATE `XH401`)?
pub fn refused(e: &DbErr) -> bool {
    let (DbErr::Query(RuntimeErr::SqlxError(sqlx::Error::Database(d)))
    | DbErr::Exec(RuntimeErr::SqlxError(sqlx::Error::Database(d)))) = e
    else {
        return false;
    };
    d.code().as_deref() == Some(crate::db::migrations::m0047_auth_gate::GATE_SQLSTATE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(ct: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, ct.parse().unwrap());
        h
    }

    #[test]
    fn only_a_gated_routes_small_json_may_run_first() {
        let (json, r) = (headers("application/json"), "/api/v1/requests");
        assert!(route_allows(&Method::POST, r, &json, Some(200)));
        assert!(!route_allows(&Method::GET, r, &json, Some(200)), "a read is not gated");
        assert!(!route_allows(&Method::POST, "/api/v1/requests/1/photos", &json, Some(200)), "another route");
        assert!(!route_allows(&Method::POST, r, &headers("multipart/form-data"), Some(200)));
        assert!(!route_allows(&Method::POST, r, &json, Some(BODY_MAX + 1)), "too large to keep");
        assert!(!route_allows(&Method::POST, r, &json, None), "no known size");
    }

    #[test]
    fn a_full_map_starts_again() {
        let t = Tokens::default();
        let k = Known {
            user_id: 1,
            may_write: true,
            expires_at: DateTime::<Utc>::UNIX_EPOCH,
            last_at: None,
            user_version: 1,
            epoch: 1,
            ref_epoch: 1,
            unread: 0,
        };
        for i in 0..MAX_ENTRIES {
            t.put(i.to_string(), k.clone());
        }
        t.put("new".into(), k.clone());
        assert!(t.get("new").is_some() && t.get("0").is_none());
        t.forget("new");
        assert!(t.get("new").is_none());
    }
}
