//! The permission matrix's rows for `src/honours`: the walls and honours are public; granting one is for
//! the writers of the project or community (保利叶语's staff here).

#![allow(unused_variables)]

use serde_json::json;

use super::{Body, Out::*, Row, f, groups, r};
use crate::support::Ids;

pub(super) fn rows(i: &Ids) -> Vec<Row> {
    let (all, signed_in, desk, yeyu_staff, staff_any, own_home, admin, nobody, own_link) = groups();
    let y = i.yeyu;
    vec![
        r("GET", "/honours/wall/{node}", format!("/honours/wall/{y}"), Body::None, all),
        r("GET", "/honours/{id}", format!("/honours/{}", i.honour), Body::None, all),
        // The demo's honours have no certificate photos: everyone gets 404.
        r("GET", "/honours/{id}/photos/{photo}", format!("/honours/{}/photos/0", i.honour), Body::None, [D; 8]),
        r("GET", "/org/{id}/honours", format!("/org/{y}/honours"), Body::None, yeyu_staff),
        r("POST", "/org/{id}/honours", format!("/org/{y}/honours"), f(&[("title", "")]), yeyu_staff),
        r("GET", "/api/v1/honours/wall/{node}", format!("/api/v1/honours/wall/{y}"), Body::None, all),
        r("POST", "/api/v1/org/{id}/honours", format!("/api/v1/org/{y}/honours"), Body::Json(json!({})), yeyu_staff),
    ]
}
