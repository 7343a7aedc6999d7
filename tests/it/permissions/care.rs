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
    let (round, stop, done, photo, visit) =
        (i.care_round, i.care_stop, i.care_stop_done, i.care_round_photo, i.care_visit);
    let in_round = [L, D, D, D, D, D, D, A];
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
        // A visit's needs: a request (422 here: no category) or a 微心愿 (the grid member posts it, the
        // admin is then told it was done: 409).
        r(
            "POST",
            "/care/visits/{id}/request",
            format!("/care/visits/{visit}/request"),
            f(&[("category_id", "")]),
            duty,
        ),
        r("POST", "/care/visits/{id}/wish", format!("/care/visits/{visit}/wish"), Body::None, duty),
        // Festival rounds: the list of one's own rounds is anyone's (empty for most); putting one on is
        // the staff's (422 here: no project chosen).
        r("GET", "/care/rounds", "/care/rounds".into(), Body::None, signed_in),
        r("POST", "/care/rounds", "/care/rounds".into(), f(&[("title", "")]), staff_any),
        r("GET", "/care/rounds/{id}", format!("/care/rounds/{round}"), Body::None, in_round),
        r("POST", "/care/rounds/{id}/take", format!("/care/rounds/{round}/take"), f(&[]), in_round),
        r("POST", "/care/stops/{id}/release", format!("/care/stops/{stop}/release"), Body::None, in_round),
        r("POST", "/care/stops/{id}/deliver", format!("/care/stops/{stop}/deliver"), Body::Multipart, in_round),
        r("GET", "/care/stops/{id}/photos/{photo}", format!("/care/stops/{done}/photos/{photo}"), Body::None, in_round),
        r("GET", "/api/v1/care/rounds/{id}", format!("/api/v1/care/rounds/{round}"), Body::None, in_round),
        r(
            "POST",
            "/api/v1/care/rounds/{id}/take",
            format!("/api/v1/care/rounds/{round}/take"),
            Body::Json(json!({"stops": []})),
            in_round,
        ),
        r(
            "POST",
            "/api/v1/care/stops/{id}/deliver",
            format!("/api/v1/care/stops/{stop}/deliver"),
            Body::Multipart,
            in_round,
        ),
    ]
}
