//! The list of capabilities, and what each one shows the rest of the app (its `mod.rs` says it in a
//! `capability()` function): routes with their access, navigation entries, background jobs, OpenAPI
//! paths, its words in the message catalog, and what it sets up when a project is created. The router, the navigation bar, `serve`'s jobs,
//! the API document and project creation all read this list, so adding a capability is one line in
//! [`all`] — and the foundation (org, people, auth, db, web) never names a capability.

use crate::ids::*;
use std::{future::Future, pin::Pin, sync::LazyLock};

use chrono::{DateTime, Utc};
use sea_orm::DatabaseTransaction;

use crate::{access::RouteDef, app::AppState, auth::Principal, error::AppError};

/// A navigation entry: where it goes, the catalog key of its label (desk users and residents may
/// see different words), who sees it, and its place in the bar.
pub struct NavEntry {
    pub order: u16,
    pub href: &'static str,
    pub label: fn(desk: bool) -> &'static str,
    pub shown: fn(p: &Principal, desk: bool) -> bool,
}

/// A hook run inside the transaction that creates a project (e.g. default request categories).
pub type ProjectHook = for<'a> fn(
    &'a DatabaseTransaction,
    i64,
    DateTime<Utc>,
) -> Pin<Box<dyn Future<Output = Result<(), AppError>> + Send + 'a>>;

/// One card of the home page a capability contributes for this user (my requests, my bookings, points,
/// the work waiting): a title, a few lines, a link to the whole list.
#[derive(Debug, Clone, Default)]
pub struct HomeCard {
    /// Place on the page (lower first).
    pub order: u16,
    pub id: &'static str,
    pub title: String,
    /// "查看全部" target and its words.
    pub more: Option<(String, String)>,
    /// A large figure shown on top (a points balance).
    pub figure: Option<String>,
    pub lines: Vec<HomeLine>,
    /// Said when there are no lines (and how to start).
    pub empty: String,
}

/// One line of a home card; `tone` is a status colour class (`wait`, `work`, `late`, `done`, `off`) or empty.
#[derive(Debug, Clone, Default)]
pub struct HomeLine {
    pub href: String,
    pub text: String,
    pub sub: String,
    pub tag: String,
    pub tone: &'static str,
}

/// A capability's home cards for one user (none when it has nothing for them).
pub type HomeHook = for<'a> fn(
    &'a AppState,
    &'a Principal,
    crate::web::i18n::Lang,
) -> Pin<Box<dyn Future<Output = Result<Vec<HomeCard>, AppError>> + Send + 'a>>;

pub struct Capability {
    pub name: &'static str,
    pub routes: fn() -> Vec<RouteDef>,
    pub nav: &'static [NavEntry],
    pub jobs: fn(&AppState) -> Vec<tokio::task::JoinHandle<()>>,
    pub openapi: fn() -> utoipa::openapi::OpenApi,
    pub on_project_created: Option<ProjectHook>,
    pub home: Option<HomeHook>,
}

impl Capability {
    /// A capability with routes only; the rest is added with struct update syntax.
    pub fn new(name: &'static str, routes: fn() -> Vec<RouteDef>) -> Self {
        Self {
            name,
            routes,
            nav: &[],
            jobs: |_| Vec::new(),
            openapi: || utoipa::openapi::OpenApiBuilder::new().build(),
            on_project_created: None,
            home: None,
        }
    }
}

/// Every capability, foundation first. One line per capability.
pub fn all() -> Vec<Capability> {
    vec![
        crate::ops::capability(),
        crate::auth::capability(),
        crate::org::capability(),
        crate::people::capability(),
        crate::audit::capability(),
        crate::notify::capability(),
        crate::requests::capability(),
        crate::positions::capability(),
        crate::activities::capability(),
        crate::volunteers::capability(),
        crate::party::capability(),
        crate::honours::capability(),
        crate::joint::capability(),
        crate::bodies::capability(),
        crate::wishes::capability(),
        crate::convenience::capability(),
        crate::grid::capability(),
        crate::supervision::capability(),
        crate::care::capability(),
        crate::io::capability(),
        crate::admin::capability(),
        crate::api::capability(),
    ]
}

/// Every navigation entry in bar order, gathered once (the bar is drawn on every page).
static NAV: LazyLock<Vec<&'static NavEntry>> = LazyLock::new(|| {
    let mut v: Vec<&'static NavEntry> = all().into_iter().flat_map(|c| c.nav.iter()).collect();
    v.sort_by_key(|e| e.order);
    v
});

/// The navigation bar for one user, in order.
pub fn nav(p: &Principal, desk: bool) -> Vec<&'static NavEntry> {
    NAV.iter().copied().filter(|e| (e.shown)(p, desk)).collect()
}

/// Every capability's home cards for this user, in page order.
pub async fn home_cards(
    state: &AppState,
    p: &Principal,
    lang: crate::web::i18n::Lang,
) -> Result<Vec<HomeCard>, AppError> {
    let mut cards = Vec::new();
    for c in all() {
        if let Some(hook) = c.home {
            cards.extend(hook(state, p, lang).await?);
        }
    }
    cards.sort_by_key(|c| c.order);
    Ok(cards)
}

/// Start every capability's background jobs (`serve`); returns their handles.
pub fn start_jobs(state: &AppState) -> Vec<tokio::task::JoinHandle<()>> {
    all().iter().flat_map(|c| (c.jobs)(state)).collect()
}

/// Run every capability's set-up for a new project, inside its creating transaction.
pub async fn project_created(tx: &DatabaseTransaction, project: ProjectId, now: DateTime<Utc>) -> Result<(), AppError> {
    for c in all() {
        if let Some(hook) = c.on_project_created {
            hook(tx, project.into(), now).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn capability_names_and_nav_targets_are_unique() {
        let all = super::all();
        let mut names: Vec<_> = all.iter().map(|c| c.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all.len());
        let mut hrefs: Vec<_> = all.iter().flat_map(|c| c.nav.iter().map(|e| e.href)).collect();
        let n = hrefs.len();
        hrefs.sort();
        hrefs.dedup();
        assert_eq!(hrefs.len(), n, "two navigation entries point to the same page");
    }
}
