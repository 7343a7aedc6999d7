//! The permission matrix's rows for `src/notify`: persona × route × expected outcome.

#![allow(unused_variables, unused_imports)]

use serde_json::json;

use super::{Body, Out::*, Row, f, groups, r};
use crate::support::Ids;

pub(super) fn rows(i: &Ids) -> Vec<Row> {
    let (all, signed_in, desk, yeyu_staff, staff_any, own_home, admin, nobody, own_link) = groups();
    vec![
        r("GET", "/notifications", "/notifications".into(), Body::None, signed_in),
        r("POST", "/notifications/read", "/notifications/read".into(), f(&[("id", "")]), signed_in),
        r("GET", "/notifications/settings", "/notifications/settings".into(), Body::None, signed_in),
        r("POST", "/notifications/settings", "/notifications/settings".into(), f(&[("on", "request_done")]), signed_in),
        r("GET", "/api/v1/notifications", "/api/v1/notifications".into(), Body::None, signed_in),
        r("POST", "/api/v1/notifications/read", "/api/v1/notifications/read".into(), Body::Json(json!({})), signed_in),
    ]
}
