//! The permission matrix's rows for `src/org`: persona × route × expected outcome.

#![allow(unused_variables, unused_imports)]

use serde_json::json;

use super::{Body, Out::*, Row, f, groups, r};
use crate::support::Ids;

pub(super) fn rows(i: &Ids) -> Vec<Row> {
    let (all, signed_in, desk, yeyu_staff, staff_any, own_home, admin, nobody, own_link) = groups();
    vec![
        r("GET", "/", "/".into(), Body::None, signed_in),
        r("GET", "/org", "/org".into(), Body::None, desk),
        r("GET", "/org/{id}", format!("/org/{}", i.yeyu), Body::None, yeyu_staff),
        r("POST", "/org", "/org".into(), f(&[("name", "")]), admin),
        r("POST", "/org/{id}/children", format!("/org/{}/children", i.yeyu), f(&[("name", "")]), yeyu_staff),
        r("POST", "/org/{id}/party-orgs", format!("/org/{}/party-orgs", i.yeyu), f(&[("kind", "")]), yeyu_staff),
        r("GET", "/org/{id}/spots", format!("/org/{}/spots", i.yeyu), Body::None, yeyu_staff),
        r("POST", "/org/{id}/spots", format!("/org/{}/spots", i.yeyu), f(&[("name", "")]), yeyu_staff),
        r(
            "POST",
            "/org/{id}/spots/{spot}",
            format!("/org/{}/spots/{}", i.yeyu, i.spot),
            f(&[("active", "1")]),
            yeyu_staff,
        ),
        r("GET", "/api/v1/projects/{id}/spots", format!("/api/v1/projects/{}/spots", i.yeyu), Body::None, yeyu_staff),
        r("GET", "/households/{id}", format!("/households/{}", i.hh1), Body::None, own_home),
        r("POST", "/households/{id}", format!("/households/{}", i.hh1), f(&[("area", "abc")]), yeyu_staff),
        r("GET", "/api/v1/projects", "/api/v1/projects".into(), Body::None, desk),
        r("GET", "/api/v1/nodes/{id}", format!("/api/v1/nodes/{}", i.yeyu), Body::None, yeyu_staff),
        r("POST", "/api/v1/nodes", "/api/v1/nodes".into(), Body::Json(json!({"name": ""})), admin),
        r(
            "POST",
            "/api/v1/nodes/{id}/party-orgs",
            format!("/api/v1/nodes/{}/party-orgs", i.yeyu),
            Body::Json(json!({"kind": "", "name": ""})),
            yeyu_staff,
        ),
        r(
            "POST",
            "/api/v1/nodes/{id}/children",
            format!("/api/v1/nodes/{}/children", i.yeyu),
            Body::Json(json!({"name": ""})),
            yeyu_staff,
        ),
        r("GET", "/api/v1/households/{id}", format!("/api/v1/households/{}", i.hh1), Body::None, own_home),
        r(
            "PATCH",
            "/api/v1/households/{id}",
            format!("/api/v1/households/{}", i.hh1),
            Body::Json(json!({"area": "abc"})),
            yeyu_staff,
        ),
    ]
}
