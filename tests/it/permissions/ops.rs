//! The permission matrix's rows for `src/ops`: persona × route × expected outcome.

#![allow(unused_variables, unused_imports)]

use serde_json::json;

use super::{Body, Out::*, Row, f, groups, r};
use crate::support::Ids;

pub(super) fn rows(i: &Ids) -> Vec<Row> {
    let (all, signed_in, desk, yeyu_staff, staff_any, own_home, admin, nobody, own_link) = groups();
    vec![
        r("GET", "/healthz", "/healthz".into(), Body::None, all),
        r("GET", "/readyz", "/readyz".into(), Body::None, all),
        r("GET", "/metrics", "/metrics".into(), Body::None, all),
        r("GET", "/static/{*path}", "/static/app.css".into(), Body::None, all),
    ]
}
