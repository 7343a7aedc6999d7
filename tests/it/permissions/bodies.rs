//! The permission matrix's rows for `src/bodies`: 保利叶语's 业主委员会 is read and kept by 叶语's staff
//! and the company's admins; the list and the form are every desk user's (each sees what they may).

#![allow(unused_variables)]

use super::{Body, Row, f, groups, r};
use crate::support::Ids;

pub(super) fn rows(i: &Ids) -> Vec<Row> {
    let (all, signed_in, desk, yeyu_staff, staff_any, own_home, admin, nobody, own_link) = groups();
    let b = i.body;
    vec![
        r("GET", "/bodies", "/bodies".into(), Body::None, desk),
        r("POST", "/bodies", "/bodies".into(), f(&[("kind", "")]), desk),
        r("GET", "/bodies/{id}", format!("/bodies/{b}"), Body::None, yeyu_staff),
        r("POST", "/bodies/{id}/members", format!("/bodies/{b}/members"), f(&[("name", "")]), yeyu_staff),
        r("GET", "/api/v1/bodies", "/api/v1/bodies".into(), Body::None, desk),
        r("GET", "/api/v1/bodies/{id}", format!("/api/v1/bodies/{b}"), Body::None, yeyu_staff),
        // The first allowed persona ends it; the next gets 409 (already ended) — still allowed.
        r("POST", "/bodies/members/{id}/end", format!("/bodies/members/{}/end", i.body_member), Body::None, yeyu_staff),
    ]
}
