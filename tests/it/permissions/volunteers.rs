//! The permission matrix's rows for `src/volunteers`: persona × route × expected outcome.

#![allow(unused_variables, unused_imports)]

use serde_json::json;

use super::{Body, Out::*, Row, f, groups, r};
use crate::support::Ids;

pub(super) fn rows(i: &Ids) -> Vec<Row> {
    let (all, signed_in, desk, yeyu_staff, staff_any, own_home, admin, nobody, own_link) = groups();
    vec![
        // C4 volunteers and 爱心超市.
        r("GET", "/volunteers", "/volunteers".into(), Body::None, signed_in),
        r("POST", "/volunteers/apply", "/volunteers/apply".into(), f(&[("project_id", "")]), signed_in),
        r(
            "POST",
            "/volunteers/{id}/decide",
            format!("/volunteers/{}/decide", i.volunteer),
            f(&[("decision", "approve")]),
            yeyu_staff,
        ),
        r("POST", "/volunteers/teams", "/volunteers/teams".into(), f(&[("project_id", "")]), staff_any),
        r(
            "GET",
            "/volunteers/teams/{id}",
            format!("/volunteers/teams/{}", i.team),
            Body::None,
            [L, A, D, A, D, D, D, A],
        ),
        r(
            "POST",
            "/volunteers/teams/{id}/members",
            format!("/volunteers/teams/{}/members", i.team),
            f(&[("person_id", &i.lisi.to_string())]),
            [L, A, D, A, D, D, D, A],
        ),
        r(
            "POST",
            "/volunteers/teams/{id}/members/{person}/remove",
            format!("/volunteers/teams/{}/members/{}/remove", i.team, i.lisi),
            Body::None,
            [L, A, D, A, D, D, D, A],
        ),
        r(
            "POST",
            "/volunteers/signups/{id}/correction",
            format!("/volunteers/signups/{}/correction", i.signup),
            f(&[("minutes", "30"), ("reason", "x")]),
            [L, A, D, D, D, D, D, D],
        ),
        r(
            "POST",
            "/volunteers/corrections/{id}/decide",
            format!("/volunteers/corrections/{}/decide", i.correction),
            f(&[("decision", "approve")]),
            yeyu_staff,
        ),
        r(
            "POST",
            "/volunteers/points",
            "/volunteers/points".into(),
            f(&[("project_id", &i.yeyu.to_string()), ("delta", "5")]),
            yeyu_staff,
        ),
        r(
            "POST",
            "/api/v1/points/awards",
            "/api/v1/points/awards".into(),
            Body::Json(json!({"project_id": i.yeyu, "delta": 5})),
            yeyu_staff,
        ),
        r("GET", "/rewards", "/rewards".into(), Body::None, signed_in),
        r("POST", "/rewards/items", "/rewards/items".into(), f(&[("project_id", "")]), staff_any),
        r(
            "POST",
            "/rewards/items/{id}",
            format!("/rewards/items/{}", i.item),
            f(&[("points", "50"), ("add_stock", "0"), ("active", "1")]),
            yeyu_staff,
        ),
        r(
            "POST",
            "/rewards/items/{id}/redeem",
            format!("/rewards/items/{}/redeem", i.item),
            f(&[("quantity", "1")]),
            [L, A, A, A, D, D, D, A],
        ),
        r("POST", "/rewards/collect", "/rewards/collect".into(), f(&[("code", "x")]), staff_any),
        r(
            "POST",
            "/rewards/redemptions/{id}/cancel",
            format!("/rewards/redemptions/{}/cancel", i.redemption),
            Body::None,
            [L, A, D, A, D, D, D, A],
        ),
        r("GET", "/api/v1/volunteers/me", "/api/v1/volunteers/me".into(), Body::None, signed_in),
        r("POST", "/api/v1/volunteers", "/api/v1/volunteers".into(), Body::Json(json!({})), signed_in),
        r(
            "POST",
            "/api/v1/volunteers/{id}/decision",
            format!("/api/v1/volunteers/{}/decision", i.volunteer),
            Body::Json(json!({"approve": true})),
            yeyu_staff,
        ),
        r("GET", "/api/v1/teams/{id}", format!("/api/v1/teams/{}", i.team), Body::None, [L, A, D, A, D, D, D, A]),
        r(
            "POST",
            "/api/v1/signups/{id}/corrections",
            format!("/api/v1/signups/{}/corrections", i.signup),
            Body::Json(json!({"minutes": 30, "reason": "x"})),
            [L, A, D, D, D, D, D, D],
        ),
        r(
            "POST",
            "/api/v1/corrections/{id}/decision",
            format!("/api/v1/corrections/{}/decision", i.correction),
            Body::Json(json!({"approve": true})),
            yeyu_staff,
        ),
        r("GET", "/api/v1/rewards", "/api/v1/rewards".into(), Body::None, signed_in),
        r(
            "POST",
            "/api/v1/rewards/{id}/redeem",
            format!("/api/v1/rewards/{}/redeem", i.item),
            Body::Json(json!({})),
            [L, A, A, A, D, D, D, A],
        ),
        r(
            "POST",
            "/api/v1/redemptions/{id}/cancel",
            format!("/api/v1/redemptions/{}/cancel", i.redemption),
            Body::None,
            [L, A, D, A, D, D, D, A],
        ),
        r(
            "POST",
            "/api/v1/redemptions/collect",
            "/api/v1/redemptions/collect".into(),
            Body::Json(json!({"code": "x"})),
            staff_any,
        ),
    ]
}
