//! The permission matrix's rows for `src/care`. The demo's care tags are 保利荔园天府和悦's: its staff
//! (none among the personas but the admin) and the grid member whose grid holds the homes (grid) have
//! the care duty; residents are refused by role, other staff and the cadre find nothing.

#![allow(unused_variables)]

use serde_json::json;

use super::{Body, Out::*, Row, f, groups, r};
use crate::support::Ids;

pub(super) fn rows(i: &Ids) -> Vec<Row> {
    let (all, signed_in, desk, yeyu_staff, staff_any, own_home, admin, nobody, own_link) = groups();
    let t = i.care_tag;
    let duty = [L, D, D, D, D, D, A, A];
    vec![
        r("GET", "/care", "/care".into(), Body::None, desk),
        // Tagging: those who keep a project (422 here: no project chosen); a cadre or grid member may not.
        r("POST", "/care/tags", "/care/tags".into(), f(&[("name", "")]), staff_any),
        r("GET", "/care/tags/{id}", format!("/care/tags/{t}"), Body::None, duty),
        r("POST", "/care/tags/{id}/plan", format!("/care/tags/{t}/plan"), f(&[("every_days", "")]), duty),
        r("POST", "/care/tags/{id}/visits", format!("/care/tags/{t}/visits"), f(&[("how", "")]), duty),
        r("GET", "/api/v1/care", "/api/v1/care".into(), Body::None, desk),
        r(
            "POST",
            "/api/v1/care/tags/{id}/visits",
            format!("/api/v1/care/tags/{t}/visits"),
            Body::Json(json!({})),
            duty,
        ),
        // Ending: the project's staff only (the grid member has the duty but not the project: 403).
        r("POST", "/care/tags/{id}/end", format!("/care/tags/{t}/end"), Body::None, [L, D, D, D, D, D, D, A]),
    ]
}
