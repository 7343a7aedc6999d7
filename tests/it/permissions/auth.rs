//! The permission matrix's rows for `src/auth`: persona × route × expected outcome.

#![allow(unused_variables, unused_imports)]

use serde_json::json;

use super::{Body, Out::*, Row, f, groups, r};
use crate::support::Ids;

pub(super) fn rows(i: &Ids) -> Vec<Row> {
    let (all, signed_in, desk, yeyu_staff, staff_any, own_home, admin, nobody, own_link) = groups();
    vec![
        r("GET", "/login", "/login".into(), Body::None, all),
        r("POST", "/login", "/login".into(), f(&[("username", "nobody"), ("password", "x")]), all),
        r("POST", "/prefs", "/prefs".into(), f(&[("lang", "zh"), ("next", "/")]), all),
        r("GET", "/account", "/account".into(), Body::None, signed_in),
        r("POST", "/account/password", "/account/password".into(), f(&[("current", ""), ("new", "")]), signed_in),
        r("POST", "/account/tokens", "/account/tokens".into(), f(&[("name", "")]), signed_in),
        // admin's own token: everyone before admin is refused a live token; admin revokes it.
        r(
            "POST",
            "/account/tokens/{id}/revoke",
            format!("/account/tokens/{}/revoke", i.admin_token),
            Body::None,
            [L, D, D, D, D, D, D, A],
        ),
        r("GET", "/api/v1/me", "/api/v1/me".into(), Body::None, signed_in),
        // Last: it ends the session.
        r("POST", "/logout", "/logout".into(), Body::None, signed_in),
    ]
}
