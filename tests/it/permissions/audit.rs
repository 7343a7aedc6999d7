//! The permission matrix's rows for `src/audit`: persona × route × expected outcome.

#![allow(unused_variables, unused_imports)]

use serde_json::json;

use super::{Body, Out::*, Row, f, groups, r};
use crate::support::Ids;

pub(super) fn rows(i: &Ids) -> Vec<Row> {
    let (all, signed_in, desk, yeyu_staff, staff_any, own_home, admin, nobody, own_link) = groups();
    vec![
        r("GET", "/audit", "/audit".into(), Body::None, desk),
        r("GET", "/api/v1/audit", "/api/v1/audit".into(), Body::None, desk),
    ]
}
