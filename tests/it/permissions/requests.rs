//! The permission matrix's rows for `src/requests`: persona × route × expected outcome.

#![allow(unused_variables, unused_imports)]

use serde_json::json;

use super::{Body, Out::*, Row, f, groups, r};
use crate::support::Ids;

pub(super) fn rows(i: &Ids) -> Vec<Row> {
    let (all, signed_in, desk, yeyu_staff, staff_any, own_home, admin, nobody, own_link) = groups();
    // A referral to 牧马山社区 from 保利荔园天府和悦: its grid member (grid) and the company admin (its
    // property side) see it; nobody else — not 保利叶语's staff, not 友联社区's cadre.
    let referral_seen = [L, D, D, D, D, D, A, A];
    vec![
        r("GET", "/referrals", "/referrals".into(), Body::None, desk),
        r("GET", "/referrals/{id}", format!("/referrals/{}", i.referral), Body::None, referral_seen),
        // `close` before an answer: a 409 for those who may act on it, refused for the rest.
        r(
            "POST",
            "/referrals/{id}/actions",
            format!("/referrals/{}/actions", i.referral),
            f(&[("action", "close")]),
            referral_seen,
        ),
        r("GET", "/api/v1/referrals", "/api/v1/referrals".into(), Body::None, desk),
        // The escalation ladder: the project's staff (hours that are not a number are a 422).
        r(
            "POST",
            "/requests/escalation",
            "/requests/escalation".into(),
            f(&[("project_id", &i.yeyu.to_string()), ("manager", "1"), ("manager_hours", "x")]),
            [L, D, D, A, D, D, D, A],
        ),
        r(
            "GET",
            "/api/v1/projects/{id}/escalation",
            format!("/api/v1/projects/{}/escalation", i.yeyu),
            Body::None,
            [L, D, D, A, D, D, D, A],
        ),
        r(
            "PUT",
            "/api/v1/projects/{id}/escalation",
            format!("/api/v1/projects/{}/escalation", i.yeyu),
            Body::Json(json!([{"level": "handler", "after_hours": 0}])),
            [L, D, D, A, D, D, D, A],
        ),
        // Settling an unknown push: the referral's project staff only (here a 409: it is not unknown).
        r("POST", "/referrals/{id}/push", format!("/referrals/{}/push", i.referral), f(&[]), admin),
        r(
            "POST",
            "/api/v1/referrals/{id}/push",
            format!("/api/v1/referrals/{}/push", i.referral),
            Body::Json(json!({})),
            admin,
        ),
        // The city platform's settings: the project's staff (an empty address is a 422).
        r(
            "GET",
            "/requests/outbound",
            format!("/requests/outbound?project={}", i.yeyu),
            Body::None,
            [L, D, D, A, D, D, D, A],
        ),
        r(
            "POST",
            "/requests/outbound",
            "/requests/outbound".into(),
            f(&[("project_id", &i.yeyu.to_string()), ("base_url", "")]),
            [L, D, D, A, D, D, D, A],
        ),
        r(
            "GET",
            "/api/v1/projects/{id}/open311-outbound",
            format!("/api/v1/projects/{}/open311-outbound", i.yeyu),
            Body::None,
            [L, D, D, A, D, D, D, A],
        ),
        r(
            "PUT",
            "/api/v1/projects/{id}/open311-outbound",
            format!("/api/v1/projects/{}/open311-outbound", i.yeyu),
            Body::Json(json!({"base_url": "", "enabled": false})),
            [L, D, D, A, D, D, D, A],
        ),
        r("GET", "/api/v1/referrals/{id}", format!("/api/v1/referrals/{}", i.referral), Body::None, referral_seen),
        r(
            "POST",
            "/api/v1/referrals/{id}/actions",
            format!("/api/v1/referrals/{}/actions", i.referral),
            Body::Json(json!({"action": "close"})),
            referral_seen,
        ),
        r("GET", "/requests", "/requests".into(), Body::None, signed_in),
        r("GET", "/requests/new", "/requests/new".into(), Body::None, [L, A, A, A, A, D, A, A]),
        r("GET", "/requests/figures", format!("/requests/figures?project={}", i.yeyu), Body::None, yeyu_staff),
        r(
            "GET",
            "/requests/figures/year",
            format!("/requests/figures/year?project={}", i.yeyu),
            Body::None,
            yeyu_staff,
        ),
        r(
            "GET",
            "/requests/categories",
            format!("/requests/categories?project={}", i.yeyu),
            Body::None,
            [L, D, D, A, D, D, D, A],
        ),
        r(
            "POST",
            "/requests/categories",
            "/requests/categories".into(),
            f(&[("project_id", &i.yeyu.to_string()), ("name", "")]),
            [L, D, D, A, D, D, D, A],
        ),
        r(
            "POST",
            "/requests/categories/{id}",
            format!("/requests/categories/{}", i.yeyu_lighting),
            f(&[("name", "")]),
            [L, D, D, A, D, D, D, A],
        ),
        r(
            "GET",
            "/requests/figures.xlsx",
            format!("/requests/figures.xlsx?project={}", i.yeyu),
            Body::None,
            yeyu_staff,
        ),
        r(
            "POST",
            "/requests",
            "/requests".into(),
            f(&[("category_id", &i.yeyu_lighting.to_string()), ("description", "")]),
            [L, A, A, A, D, D, D, A],
        ),
        r("GET", "/requests/{id}", format!("/requests/{}", i.request), Body::None, own_home),
        r("POST", "/requests/{id}/actions", format!("/requests/{}/actions", i.request), f(&[("action", "")]), own_home),
        r("GET", "/api/v1/requests", "/api/v1/requests".into(), Body::None, signed_in),
        r(
            "POST",
            "/api/v1/requests",
            "/api/v1/requests".into(),
            Body::Json(json!({"category_id": i.yeyu_lighting, "description": ""})),
            [L, A, A, A, D, D, D, A],
        ),
        r("GET", "/api/v1/requests/{id}", format!("/api/v1/requests/{}", i.request), Body::None, own_home),
        r(
            "POST",
            "/api/v1/requests/{id}/actions",
            format!("/api/v1/requests/{}/actions", i.request),
            Body::Json(json!({"action": ""})),
            own_home,
        ),
        r(
            "GET",
            "/requests/similar",
            format!("/requests/similar?category_id={}&household_id={}", i.yeyu_lighting, i.hh1),
            Body::None,
            signed_in,
        ),
        r("GET", "/requests/visits", "/requests/visits".into(), Body::None, staff_any),
        r("GET", "/api/v1/requests/visits", "/api/v1/requests/visits".into(), Body::None, staff_any),
        r(
            "GET",
            "/api/v1/requests/figures",
            format!("/api/v1/requests/figures?project={}", i.yeyu),
            Body::None,
            yeyu_staff,
        ),
        r(
            "GET",
            "/api/v1/projects/{id}/request-categories",
            format!("/api/v1/projects/{}/request-categories", i.yeyu),
            Body::None,
            [L, A, A, A, D, D, D, A],
        ),
        r(
            "GET",
            "/requests/{id}/photos/{photo}",
            format!("/requests/{}/photos/{}", i.request, i.photo),
            Body::None,
            own_home,
        ),
        r("POST", "/requests/{id}/photos", format!("/requests/{}/photos", i.request), Body::Multipart, own_home),
        r(
            "POST",
            "/api/v1/requests/{id}/photos",
            format!("/api/v1/requests/{}/photos", i.request),
            Body::Multipart,
            own_home,
        ),
        r("GET", "/requests/open311-keys", "/requests/open311-keys".into(), Body::None, [L, D, D, A, A, D, D, A]),
        r(
            "POST",
            "/requests/open311-keys",
            "/requests/open311-keys".into(),
            f(&[("project_id", &i.yeyu.to_string()), ("label", "")]),
            [L, D, D, A, D, D, D, A],
        ),
        r(
            "POST",
            "/requests/open311-keys/{id}/revoke",
            // 保利天玺's key: 保利叶语's manager is refused it; its own manager revokes it; an admin may too.
            format!("/requests/open311-keys/{}/revoke", i.tianxi_key),
            Body::None,
            [L, D, D, D, A, D, D, A],
        ),
        r("GET", "/open311/v2/{file}", "/open311/v2/services.json".into(), Body::None, all),
        r("POST", "/open311/v2/{file}", "/open311/v2/requests.json".into(), f(&[("service_code", "1")]), [D; 8]),
        r(
            "GET",
            "/open311/v2/services/{file}",
            format!("/open311/v2/services/{}.json", i.yeyu_lighting),
            Body::None,
            all,
        ),
        r("GET", "/open311/v2/requests/{file}", format!("/open311/v2/requests/{}.json", i.request), Body::None, all),
        r("GET", "/open311/v2/tokens/{file}", "/open311/v2/tokens/none.json".into(), Body::None, [D; 8]),
    ]
}
