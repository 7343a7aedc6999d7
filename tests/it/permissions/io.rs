//! The permission matrix's rows for `src/io`: persona × route × expected outcome.

#![allow(unused_variables, unused_imports)]

use serde_json::json;

use super::{Body, Out::*, Row, f, groups, r};
use crate::support::Ids;

pub(super) fn rows(i: &Ids) -> Vec<Row> {
    let (all, signed_in, desk, yeyu_staff, staff_any, own_home, admin, nobody, own_link) = groups();
    vec![
        r("GET", "/import", "/import".into(), Body::None, staff_any),
        r("POST", "/import", "/import".into(), Body::Multipart, staff_any),
        r("GET", "/import/template.xlsx", "/import/template.xlsx".into(), Body::None, staff_any),
        r("GET", "/export/ledger.xlsx", format!("/export/ledger.xlsx?project={}", i.yeyu), Body::None, yeyu_staff),
    ]
}
