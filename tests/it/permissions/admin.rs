//! The permission matrix's rows for `src/admin`: persona × route × expected outcome.

#![allow(unused_variables, unused_imports)]

use serde_json::json;

use super::{Body, Out::*, Row, f, groups, r};
use crate::support::Ids;

pub(super) fn rows(i: &Ids) -> Vec<Row> {
    let (all, signed_in, desk, yeyu_staff, staff_any, own_home, admin, nobody, own_link) = groups();
    vec![
        r("GET", "/admin/users", "/admin/users".into(), Body::None, admin),
        r("POST", "/admin/users", "/admin/users".into(), f(&[("username", "")]), admin),
        r(
            "POST",
            "/admin/users/{id}/reset-password",
            format!("/admin/users/{}/reset-password", i.resident_user),
            f(&[("password", "")]),
            admin,
        ),
        r("POST", "/admin/users/{id}/unlock", format!("/admin/users/{}/unlock", i.resident_user), Body::None, admin),
    ]
}
