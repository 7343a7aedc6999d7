//! Audit log (C0.5): who did what to which record, when and from where — including every reveal of a
//! full phone or ID number (PIPL). Written inside the same transaction as the change it describes.
//! Read on `/audit` and `/api/v1/audit`, filtered by the reader's scope.

use crate::ids::*;
pub mod store;

use axum::{Json, extract::Query};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Deserialize;

use crate::{
    app::AppState,
    auth::{Ctx, Desk},
    clock::fmt_datetime,
    db::unit::Commit,
    error::{ApiResult, AppResult},
    web::Chrome,
};

pub struct Entry<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub project_id: Option<ProjectId>,
    pub summary: String,
}

pub async fn record(
    conn: &impl ConnectionTrait,
    ctx: &Ctx,
    at: DateTime<Utc>,
    e: Entry<'_>,
) -> Result<(), sea_orm::DbErr> {
    record_as(conn, ctx, &ctx.actor(), at, e).await
}

/// The tail of every write: the change's audit row, then COMMIT. One function, so no action commits
/// without saying what it did, and no audit row is written outside the change's own transaction.
pub async fn commit(tx: impl Commit, ctx: &Ctx, at: DateTime<Utc>, e: Entry<'_>) -> Result<(), sea_orm::DbErr> {
    record(&tx, ctx, at, e).await?;
    tx.commit().await
}

/// [`commit`] naming the actor explicitly (an Open311 partner has no user account).
pub async fn commit_as(
    tx: impl Commit,
    ctx: &Ctx,
    actor: &str,
    at: DateTime<Utc>,
    e: Entry<'_>,
) -> Result<(), sea_orm::DbErr> {
    record_as(&tx, ctx, actor, at, e).await?;
    tx.commit().await
}

/// The same, naming the actor explicitly (e.g. an Open311 partner, which has no user account).
pub async fn record_as(
    conn: &impl ConnectionTrait,
    ctx: &Ctx,
    actor: &str,
    at: DateTime<Utc>,
    e: Entry<'_>,
) -> Result<(), sea_orm::DbErr> {
    let summary: String = e.summary.chars().take(1000).collect();
    store::insert(conn, ctx, actor, at, &e, &summary).await?;
    Ok(())
}

/// [`record_as`] for a row a chain writes (`db::chain`), in the chain's one statement: the entry's entity
/// id is that row's, and its summary gets the id where its first `{id}` stands (put it before any text a
/// user typed).
pub fn record_in_chain(c: &mut crate::db::chain::Chain, ctx: &Ctx, actor: &str, at: DateTime<Utc>, e: Entry<'_>) {
    let (before, after) = e.summary.split_once("{id}").unwrap_or((e.summary.as_str(), ""));
    // At most 1,000 characters with the id, as record_as keeps them (an id has at most 19 digits).
    let before: String = before.chars().take(981).collect();
    let after: String = after.chars().take(981 - before.chars().count()).collect();
    store::then_insert(c, ctx, actor, at, &e, &before, &after);
}

pub use store::AuditRow;

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct AuditQuery {
    /// Only entries for this action (e.g. `reveal`, `login_failed`).
    pub action: Option<String>,
    /// Keyset pagination: entries with id below this.
    pub before: Option<i64>,
}

/// Entries visible to a desk user: those in their readable projects, plus their own actions;
/// company admins also see entries without a project (log-ins, user admin) of users they administer.
async fn visible(state: &AppState, p: &crate::auth::Principal, q: &AuditQuery) -> AppResult<Vec<AuditRow>> {
    let projects: Vec<ProjectId> = p.scope.read_projects.iter().copied().collect();
    let action = q.action.as_deref().filter(|a| !a.is_empty());
    store::visible(&state.db.read, p.user_id, &projects, !p.scope.admin_paths.is_empty(), action, q.before).await
}

#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    rows: Vec<AuditRow>,
    action: String,
    next_before: Option<i64>,
}

impl AuditPage {
    fn when(&self, r: &AuditRow) -> String {
        fmt_datetime(r.at)
    }
    /// A stored action code in the reader's language: the audit's own words, else a request step's,
    /// else the code itself (a code added later still shows).
    fn action_label(&self, code: &str) -> String {
        for key in [format!("audit.act.{code}"), format!("req.action.{code}")] {
            if crate::web::i18n::has(&key) {
                return self.c.t(&key).to_string();
            }
        }
        code.to_string()
    }
    fn entity_label(&self, code: &str) -> String {
        let key = format!("audit.entity.{code}");
        if crate::web::i18n::has(&key) { self.c.t(&key).to_string() } else { code.to_string() }
    }
}

pub async fn page(
    axum::extract::State(state): axum::extract::State<AppState>,
    Desk(p, ctx): Desk,
    Query(q): Query<AuditQuery>,
) -> AppResult<impl axum::response::IntoResponse> {
    let rows = visible(&state, &p, &q).await?;
    let next_before = if rows.len() == 50 { rows.last().map(|r| r.id) } else { None };
    Ok(AuditPage { c: Chrome::titled(&ctx, "audit.title"), rows, action: q.action.unwrap_or_default(), next_before })
}

/// Audit entries visible to the caller, newest first, 50 at a time.
#[utoipa::path(get, path = "/api/v1/audit", params(AuditQuery), tag = "audit",
    responses((status = 200, body = [AuditRow]), (status = 401), (status = 403)))]
pub async fn api_list(
    axum::extract::State(state): axum::extract::State<AppState>,
    Desk(p, _): Desk,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Vec<AuditRow>> {
    Ok(Json(visible(&state, &p, &q).await?))
}

pub fn routes() -> Vec<crate::access::RouteDef> {
    use axum::routing::get;

    use crate::{access::RouteDef, auth::model::Access};
    vec![
        RouteDef::new("GET", "/api/v1/audit", Access::Desk, get(api_list)),
        RouteDef::new("GET", "/audit", Access::Desk, get(page)),
    ]
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(api_list))]
struct Api;

const NAV: &[crate::capability::NavEntry] =
    &[crate::capability::NavEntry { order: 73, href: "/audit", label: |_| "nav.audit", shown: |_, desk| desk }];

pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability {
        nav: NAV,
        openapi: <Api as utoipa::OpenApi>::openapi,
        ..crate::capability::Capability::new("audit", routes)
    }
}
