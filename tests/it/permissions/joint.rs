//! The permission matrix's rows for `src/joint`: 保利天玺's 联建 agreement with 友联社区党委 is read and
//! kept by 天玺's staff (the company side) and 友联's cadre (the government side); linking activities is
//! the company side's.

#![allow(unused_variables)]

use serde_json::json;

use super::{Body, Out::*, Row, f, groups, r};
use crate::support::Ids;

pub(super) fn rows(i: &Ids) -> Vec<Row> {
    let (all, signed_in, desk, yeyu_staff, staff_any, own_home, admin, nobody, own_link) = groups();
    let both = [L, D, D, D, A, A, D, A];
    let company = [L, D, D, D, A, D, D, A];
    let j = i.agreement;
    vec![
        r("GET", "/joint", "/joint".into(), Body::None, desk),
        r("POST", "/joint", "/joint".into(), f(&[("title", "")]), staff_any),
        r("GET", "/joint/{id}", format!("/joint/{j}"), Body::None, both),
        r("POST", "/joint/{id}/items", format!("/joint/{j}/items"), f(&[("list", "")]), both),
        r(
            "POST",
            "/joint/items/{id}/status",
            format!("/joint/items/{}/status", i.agreement_item),
            f(&[("status", "")]),
            both,
        ),
        r("POST", "/joint/{id}/activities", format!("/joint/{j}/activities"), f(&[("activity_id", "")]), company),
        r("POST", "/joint/{id}/reviews", format!("/joint/{j}/reviews"), f(&[("side", "")]), both),
        r("GET", "/api/v1/joint", "/api/v1/joint".into(), Body::None, desk),
        r("GET", "/api/v1/joint/{id}", format!("/api/v1/joint/{j}"), Body::None, both),
        // 结对 of 翡翠和悦 and 龙祥家园: none of the personas serves there but the company's admin.
        r("GET", "/pairings", "/pairings".into(), Body::None, desk),
        r("POST", "/pairings", "/pairings".into(), f(&[("title", "")]), desk),
        r("GET", "/pairings/{id}", format!("/pairings/{}", i.pairing), Body::None, admin),
        r("POST", "/pairings/{id}/rotations", format!("/pairings/{}/rotations", i.pairing), f(&[("duty", "")]), admin),
        r("POST", "/pairings/{id}/outcomes", format!("/pairings/{}/outcomes", i.pairing), f(&[("text", "")]), admin),
        r("GET", "/api/v1/pairings", "/api/v1/pairings".into(), Body::None, desk),
        r("GET", "/api/v1/pairings/{id}", format!("/api/v1/pairings/{}", i.pairing), Body::None, admin),
        r(
            "POST",
            "/api/v1/pairings/{id}/rotations",
            format!("/api/v1/pairings/{}/rotations", i.pairing),
            Body::Json(json!({"duty": ""})),
            admin,
        ),
    ]
}
