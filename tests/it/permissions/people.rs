//! The permission matrix's rows for `src/people`: persona × route × expected outcome.

#![allow(unused_variables, unused_imports)]

use serde_json::json;

use super::{Body, Out::*, Row, f, groups, r};
use crate::support::Ids;

pub(super) fn rows(i: &Ids) -> Vec<Row> {
    let (all, signed_in, desk, yeyu_staff, staff_any, own_home, admin, nobody, own_link) = groups();
    vec![
        r("GET", "/account/data", "/account/data".into(), Body::None, signed_in),
        r("GET", "/account/data.xlsx", "/account/data.xlsx".into(), Body::None, signed_in),
        r("GET", "/api/v1/me/data", "/api/v1/me/data".into(), Body::None, signed_in),
        r(
            "POST",
            "/account/data/requests",
            "/account/data/requests".into(),
            f(&[("kind", "delete"), ("details", "")]),
            signed_in,
        ),
        r("GET", "/people/data-requests", "/people/data-requests".into(), Body::None, staff_any),
        r("POST", "/account/links/{id}", format!("/account/links/{}", i.link), f(&[("answer", "")]), own_link),
        r("GET", "/people/links", "/people/links".into(), Body::None, admin),
        r("POST", "/people/links/{id}", format!("/people/links/{}", i.link), f(&[("answer", "")]), admin),
        r(
            "POST",
            "/people/data-requests/{id}/decide",
            format!("/people/data-requests/{}/decide", i.data_request),
            f(&[("outcome", "")]),
            yeyu_staff,
        ),
        r("POST", "/org/{id}/people", format!("/org/{}/people", i.yeyu), f(&[("name", "")]), yeyu_staff),
        r("GET", "/people/{id}", format!("/people/{}", i.zhangsan), Body::None, own_home),
        r("POST", "/people/{id}", format!("/people/{}", i.zhangsan), f(&[("name", "")]), yeyu_staff),
        r("POST", "/people/{id}/reveal", format!("/people/{}/reveal", i.zhangsan), Body::None, yeyu_staff),
        r("POST", "/people/{id}/roles", format!("/people/{}/roles", i.zhangsan), f(&[("role", "")]), yeyu_staff),
        r(
            "POST",
            "/people/{id}/roles/{rid}/delete",
            // A role at the branch: project staff may not remove it (403), a company admin may.
            format!("/people/{}/roles/{}/delete", i.zhangsan, i.branch_role),
            Body::None,
            admin,
        ),
        r("POST", "/households/{id}/members", format!("/households/{}/members", i.hh1), f(&[("name", "")]), yeyu_staff),
        r(
            "POST",
            "/households/{id}/members/{mid}/move-out",
            format!("/households/{}/members/{}/move-out", i.hh1, i.zhangsan_membership),
            f(&[("moved_out", "not-a-date")]),
            yeyu_staff,
        ),
        r("GET", "/search", "/search?q=zs".into(), Body::None, desk),
        r("GET", "/api/v1/people", "/api/v1/people?q=zs".into(), Body::None, desk),
        r(
            "POST",
            "/api/v1/people",
            "/api/v1/people".into(),
            Body::Json(json!({"name": "", "role": "", "node_id": i.yeyu})),
            yeyu_staff,
        ),
        r("GET", "/api/v1/people/{id}", format!("/api/v1/people/{}", i.zhangsan), Body::None, own_home),
        r(
            "PATCH",
            "/api/v1/people/{id}",
            format!("/api/v1/people/{}", i.zhangsan),
            Body::Json(json!({"name": ""})),
            yeyu_staff,
        ),
        r(
            "POST",
            "/api/v1/people/{id}/reveal",
            format!("/api/v1/people/{}/reveal", i.zhangsan),
            Body::Json(json!({})),
            yeyu_staff,
        ),
        r(
            "POST",
            "/api/v1/people/{id}/roles",
            format!("/api/v1/people/{}/roles", i.zhangsan),
            Body::Json(json!({"role": "", "node_id": 0})),
            yeyu_staff,
        ),
        r(
            "DELETE",
            "/api/v1/people/{id}/roles/{rid}",
            format!("/api/v1/people/{}/roles/{}", i.zhangsan, i.branch_role2),
            Body::None,
            admin,
        ),
        r(
            "POST",
            "/api/v1/households/{id}/members",
            format!("/api/v1/households/{}/members", i.hh1),
            Body::Json(json!({"name": "", "relation": ""})),
            yeyu_staff,
        ),
    ]
}
