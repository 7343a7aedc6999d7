//! User administration for company admins: list users in their company, create a user (optionally
//! linked to a person), reset a password (ends that user's sessions), unlock.

pub mod actions;
mod pages;

use axum::routing::{get, post};

pub use actions::{NewUserForm, UserLine, create_user_checked, set_password};

use crate::{access::RouteDef, auth::model::Access};

pub fn routes() -> Vec<RouteDef> {
    vec![
        RouteDef::new("GET", "/admin/users", Access::Admin, get(pages::users_page)),
        RouteDef::new("POST", "/admin/users", Access::Admin, post(pages::create_user)),
        RouteDef::new("POST", "/admin/users/{id}/reset-password", Access::Admin, post(pages::reset_password)),
        RouteDef::new("POST", "/admin/users/{id}/unlock", Access::Admin, post(pages::unlock)),
    ]
}

const NAV: &[crate::capability::NavEntry] = &[crate::capability::NavEntry {
    order: 74,
    href: "/admin/users",
    label: |_| "nav.users",
    shown: |p, _| p.has(crate::auth::model::Access::Admin),
}];

pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability { nav: NAV, ..crate::capability::Capability::new("admin", routes) }
}
