//! In-app notifications: a row per recipient user, written in the same transaction as the event that
//! causes it (an escalation, a dispatch, a finished request, a promotion from a wait list…). The unread
//! count rides on the principal query, so every page's navigation shows it without another round trip.

use crate::ids::*;
pub mod model;
pub mod pages;
pub mod store;

pub use store::{NotificationRow, branch_users, project_staff_users, recent, users_of_person};

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use crate::app::AppState;

pub use model::Msg;

pub struct Note<'a> {
    pub kind: &'a str,
    /// The words, rendered in each reader's language; the Chinese rendering is kept as the title.
    pub msg: Msg,
    pub link: Option<String>,
}

/// Notify these users (duplicates ignored; those who turned this kind's group off are skipped).
pub async fn to_users(
    conn: &impl ConnectionTrait,
    users: &[i64],
    n: &Note<'_>,
    now: DateTime<Utc>,
) -> Result<usize, sea_orm::DbErr> {
    let muted = match model::group_of(n.kind) {
        Some(g) => store::muted(conn, users, g).await?,
        None => vec![],
    };
    let mut seen = Vec::new();
    let title: String = n.msg.render(crate::web::i18n::Lang::Zh).chars().take(200).collect();
    let message = n.msg.to_json();
    for u in users {
        if seen.contains(u) || muted.contains(u) {
            continue;
        }
        seen.push(*u);
        store::insert(conn, UserId(*u), now, n.kind, &title, &message, n.link.as_deref()).await?;
    }
    Ok(seen.len())
}

/// Turn these groups off for a user (and every other group on).
pub(crate) async fn set_mutes(state: &AppState, user: UserId, off: &[&str]) -> Result<(), sea_orm::DbErr> {
    use sea_orm::TransactionTrait;
    let tx = state.db.write.begin().await?;
    store::set_mutes(&tx, user, off, state.clock.now()).await?;
    tx.commit().await
}

pub(crate) async fn mark_read(state: &AppState, user_id: UserId, only: Option<i64>) -> Result<u64, sea_orm::DbErr> {
    let now = state.clock.now();
    store::mark_read(&state.db.write, user_id, only, now).await
}

/// Opening the page a notification points to reads it (only written when the user has unread ones).
/// Returns the user's unread count afterwards.
pub async fn read_link(state: &AppState, ctx: &crate::auth::Ctx, link: &str) -> Result<i64, sea_orm::DbErr> {
    let Some(user) = ctx.user_id().filter(|_| ctx.unread > 0) else {
        return Ok(0);
    };
    let n = store::read_link(&state.db.write, user, link, state.clock.now()).await?;
    Ok((ctx.unread - n as i64).max(0))
}

pub fn routes() -> Vec<crate::access::RouteDef> {
    use axum::routing::{get, post};

    use crate::{access::RouteDef, auth::model::Access};
    vec![
        RouteDef::new("GET", "/notifications", Access::Authenticated, get(pages::page)),
        RouteDef::new("POST", "/notifications/read", Access::Authenticated, post(pages::read)),
        RouteDef::new("GET", "/notifications/settings", Access::Authenticated, get(pages::settings)),
        RouteDef::new("POST", "/notifications/settings", Access::Authenticated, post(pages::save_settings)),
        RouteDef::new("GET", "/api/v1/notifications", Access::Authenticated, get(pages::api_list)),
        RouteDef::new("POST", "/api/v1/notifications/read", Access::Authenticated, post(pages::api_read)),
    ]
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(pages::api_list, pages::api_read))]
struct Api;

const NAV: &[crate::capability::NavEntry] = &[crate::capability::NavEntry {
    order: 80,
    href: "/notifications",
    label: |_| "nav.notifications",
    shown: |_, _| true,
}];

pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability {
        nav: NAV,
        openapi: <Api as utoipa::OpenApi>::openapi,
        ..crate::capability::Capability::new("notify", routes)
    }
}
