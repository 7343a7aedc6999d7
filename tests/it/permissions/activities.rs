//! The permission matrix's rows for `src/activities`: persona × route × expected outcome.

#![allow(unused_variables, unused_imports)]

use serde_json::json;

use super::{Body, Out::*, Row, f, groups, r};
use crate::support::Ids;

pub(super) fn rows(i: &Ids) -> Vec<Row> {
    let (all, signed_in, desk, yeyu_staff, staff_any, own_home, admin, nobody, own_link) = groups();
    vec![
        // Write-ups as JSON: read by those who see the activity; written by its staff (not held yet: 409).
        r(
            "GET",
            "/api/v1/occurrences/{id}/writeup",
            format!("/api/v1/occurrences/{}/writeup", i.occurrence),
            Body::None,
            [L, A, A, A, D, D, D, A],
        ),
        r(
            "PUT",
            "/api/v1/occurrences/{id}/writeup",
            format!("/api/v1/occurrences/{}/writeup", i.occurrence),
            Body::Json(json!({"body": "x"})),
            [L, D, D, A, D, D, D, A],
        ),
        // Cancelling a whole activity: a real one (保利湖心岛's monthly 主题党日, so the rows using 保利叶语's
        // dates keep theirs); its estate's staff are not among the personas, so only the admin may.
        r(
            "POST",
            "/api/v1/activities/{id}/cancel",
            format!("/api/v1/activities/{}/cancel", i.huxindao_party_day),
            Body::None,
            [L, D, D, D, D, D, D, A],
        ),
        // The staff side: 保利叶语's staff (a bad body is a 422; skipping a demo date is real for the first).
        r(
            "POST",
            "/api/v1/activities",
            "/api/v1/activities".into(),
            Body::Json(
                json!({"project_id": i.yeyu, "kind": "x", "title": "", "date": "", "start": "", "duration_minutes": 0}),
            ),
            [L, D, D, A, D, D, D, A],
        ),
        r(
            "POST",
            "/api/v1/occurrences/{id}/edit",
            format!("/api/v1/occurrences/{}/edit", i.occurrence2),
            Body::Json(json!({"scope": "x", "title": "", "capacity": -1, "start": "", "duration_minutes": 0})),
            [L, D, D, A, D, D, D, A],
        ),
        r(
            "POST",
            "/api/v1/occurrences/{id}/skip",
            format!("/api/v1/occurrences/{}/skip", i.occurrence2),
            Body::None,
            [L, D, D, A, D, D, D, A],
        ),
        r("GET", "/activities", "/activities".into(), Body::None, signed_in),
        r(
            "POST",
            "/activities",
            "/activities".into(),
            f(&[("project_id", &i.yeyu.to_string()), ("title", "")]),
            [L, D, D, A, D, D, D, A],
        ),
        r(
            "GET",
            "/activities/occurrences/{id}",
            format!("/activities/occurrences/{}", i.occurrence),
            Body::None,
            [L, A, A, A, D, D, D, A],
        ),
        r(
            "POST",
            "/activities/occurrences/{id}/signup",
            format!("/activities/occurrences/{}/signup", i.occurrence),
            Body::None,
            [L, A, A, A, D, D, D, D],
        ),
        r(
            "POST",
            "/activities/occurrences/{id}/cancel",
            format!("/activities/occurrences/{}/cancel", i.occurrence),
            Body::None,
            [L, A, A, A, D, D, D, A],
        ),
        r(
            "POST",
            "/activities/occurrences/{id}/skip",
            format!("/activities/occurrences/{}/skip", i.occurrence2),
            Body::None,
            [L, D, D, A, D, D, D, A],
        ),
        r("GET", "/api/v1/activities", "/api/v1/activities".into(), Body::None, signed_in),
        r("GET", "/activities/mine", "/activities/mine".into(), Body::None, signed_in),
        r("GET", "/activities/rankings", format!("/activities/rankings?project={}", i.yeyu), Body::None, yeyu_staff),
        r("GET", "/api/v1/rankings", format!("/api/v1/rankings?project={}", i.yeyu), Body::None, yeyu_staff),
        r("GET", "/calendar/projects/{file}", format!("/calendar/projects/{}.ics?t=wrong", i.yeyu), Body::None, [D; 8]),
        r("GET", "/calendar/people/{file}", format!("/calendar/people/{}.ics?t=wrong", i.zhangsan), Body::None, [D; 8]),
        r("GET", "/api/v1/me/points", "/api/v1/me/points".into(), Body::None, signed_in),
        r(
            "POST",
            "/activities/points-rules",
            "/activities/points-rules".into(),
            f(&[("project_id", &i.yeyu.to_string()), ("kind", "")]),
            [L, D, D, A, D, D, D, A],
        ),
        r(
            "GET",
            "/activities/occurrences/{id}/attend",
            format!("/activities/occurrences/{}/attend?code=x", i.occurrence),
            Body::None,
            [L, A, A, A, D, D, D, A],
        ),
        r(
            "POST",
            "/activities/occurrences/{id}/attend",
            format!("/activities/occurrences/{}/attend", i.occurrence),
            f(&[("action", "in"), ("code", "x")]),
            [L, A, A, A, D, D, D, A],
        ),
        r(
            "GET",
            "/activities/occurrences/{id}/code",
            format!("/activities/occurrences/{}/code", i.occurrence),
            Body::None,
            yeyu_staff,
        ),
        r(
            "GET",
            "/activities/occurrences/{id}/attendees.xlsx",
            format!("/activities/occurrences/{}/attendees.xlsx", i.occurrence),
            Body::None,
            yeyu_staff,
        ),
        r(
            "POST",
            "/api/v1/occurrences/{id}/attendance",
            format!("/api/v1/occurrences/{}/attendance", i.occurrence),
            Body::Json(json!({"action": "in", "code": "x"})),
            [L, A, A, A, D, D, D, A],
        ),
        r(
            "POST",
            "/api/v1/occurrences/{id}/signup",
            format!("/api/v1/occurrences/{}/signup", i.occurrence),
            Body::Json(json!({})),
            [L, A, A, A, D, D, D, D],
        ),
        r(
            "POST",
            "/api/v1/occurrences/{id}/cancel",
            format!("/api/v1/occurrences/{}/cancel", i.occurrence),
            Body::Json(json!({})),
            [L, A, A, A, D, D, D, A],
        ),
        r(
            "GET",
            "/activities/occurrences/{id}/writeup",
            format!("/activities/occurrences/{}/writeup", i.occurrence),
            Body::None,
            yeyu_staff,
        ),
        r(
            "POST",
            "/activities/occurrences/{id}/writeup",
            format!("/activities/occurrences/{}/writeup", i.occurrence),
            f(&[("body", "纪实")]),
            yeyu_staff,
        ),
        r(
            "GET",
            "/activities/occurrences/{id}/photos/{photo}",
            format!("/activities/occurrences/{}/photos/{}", i.occurrence, i.writeup_photo),
            Body::None,
            [L, A, A, A, D, D, D, A],
        ),
        r(
            "POST",
            "/activities/occurrences/{id}/edit",
            format!("/activities/occurrences/{}/edit", i.occurrence),
            f(&[("scope", "one")]),
            yeyu_staff,
        ),
        r("GET", "/activities/mycode", "/activities/mycode".into(), Body::None, signed_in),
        r(
            "POST",
            "/activities/occurrences/{id}/organiser",
            format!("/activities/occurrences/{}/organiser", i.occurrence),
            f(&[("person_id", &i.lisi.to_string()), ("on", "1")]),
            yeyu_staff,
        ),
    ]
}
