//! The permission matrix's rows for `src/wishes`. The demo wish is 李四's (resident2) at 保利叶语: he, its
//! staff and its helpers (张三, a volunteer; the admin as company staff) may see it; others get 404.

#![allow(unused_variables)]

use serde_json::json;

use super::{Body, Out::*, Row, f, groups, r};
use crate::support::Ids;

pub(super) fn rows(i: &Ids) -> Vec<Row> {
    let (all, signed_in, desk, yeyu_staff, staff_any, own_home, admin, nobody, own_link) = groups();
    let w = i.wish;
    // Seen by: 张三 (a volunteer of the estate), 李四 (his wish), 叶语's staff and the admin.
    let seen = [L, A, A, A, D, D, D, A];
    // Claimed by a helper only: 张三 (李四 cannot claim his own: 409, still past the permission check).
    let claim = [L, A, A, D, D, D, D, D];
    vec![
        r("GET", "/wishes", "/wishes".into(), Body::None, signed_in),
        r("POST", "/wishes", "/wishes".into(), f(&[("text", "")]), signed_in),
        r("GET", "/wishes/{id}", format!("/wishes/{w}"), Body::None, seen),
        r("POST", "/wishes/{id}/claim", format!("/wishes/{w}/claim"), Body::None, claim),
        // Fulfil: the claimer only — 张三, who claimed it in the row above (his reaches the photo check: 422).
        r("POST", "/wishes/{id}/fulfil", format!("/wishes/{w}/fulfil"), f(&[("note", "")]), [L, A, D, D, D, D, D, D]),
        // Confirm: 李四 or staff, once fulfilled (409 before: past the permission check).
        r("POST", "/wishes/{id}/confirm", format!("/wishes/{w}/confirm"), Body::None, [L, D, A, A, D, D, D, A]),
        r("GET", "/wishes/{id}/photos/{photo}", format!("/wishes/{w}/photos/0"), Body::None, [L, D, D, D, D, D, D, D]),
        r("GET", "/api/v1/wishes", "/api/v1/wishes".into(), Body::None, signed_in),
        r("POST", "/api/v1/wishes", "/api/v1/wishes".into(), Body::Json(json!({"text": ""})), signed_in),
        r("POST", "/api/v1/wishes/{id}/claim", format!("/api/v1/wishes/{w}/claim"), Body::None, claim),
    ]
}
