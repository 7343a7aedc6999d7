//! The permission matrix's rows for `src/positions`: persona × route × expected outcome.

#![allow(unused_variables, unused_imports)]

use serde_json::json;

use super::{Body, Out::*, Row, f, groups, r};
use crate::support::Ids;

pub(super) fn rows(i: &Ids) -> Vec<Row> {
    let (all, signed_in, desk, yeyu_staff, staff_any, own_home, admin, nobody, own_link) = groups();
    // Closed dates: 保利叶语's staff (a refused date is a 422, opening a date that is not closed a 409).
    let ys = [L, D, D, A, D, D, D, A];
    vec![
        r("GET", "/api/v1/me/bookings", "/api/v1/me/bookings".into(), Body::None, signed_in),
        // The staff side: 保利叶语's staff (an empty name, a bad weekday: 422).
        r(
            "POST",
            "/api/v1/centres",
            "/api/v1/centres".into(),
            Body::Json(json!({"project_id": i.yeyu, "name": ""})),
            ys,
        ),
        r(
            "POST",
            "/api/v1/centres/{id}/rooms",
            format!("/api/v1/centres/{}/rooms", i.centre),
            Body::Json(json!({"name": "", "function": "x", "capacity": 0, "min_minutes": 30, "max_minutes": 60,
                "notice_minutes": 0, "weekly_quota": 0, "horizon_days": 30})),
            ys,
        ),
        r(
            "PUT",
            "/api/v1/centres/{id}/hours",
            format!("/api/v1/centres/{}/hours", i.centre),
            Body::Json(json!([{"weekday": 1, "opens": "x", "closes": "y"}])),
            ys,
        ),
        r(
            "POST",
            "/positions/centres/{id}/closed",
            format!("/positions/centres/{}/closed", i.centre),
            f(&[("date", "")]),
            ys,
        ),
        r(
            "POST",
            "/positions/centres/{id}/closed/{date}/delete",
            format!("/positions/centres/{}/closed/2027-01-01/delete", i.centre),
            Body::None,
            ys,
        ),
        r(
            "GET",
            "/api/v1/centres/{id}/closed-days",
            format!("/api/v1/centres/{}/closed-days", i.centre),
            Body::None,
            [L, A, A, A, D, D, D, A],
        ),
        r(
            "POST",
            "/api/v1/centres/{id}/closed-days",
            format!("/api/v1/centres/{}/closed-days", i.centre),
            Body::Json(json!({"date": ""})),
            ys,
        ),
        r(
            "DELETE",
            "/api/v1/centres/{id}/closed-days/{date}",
            format!("/api/v1/centres/{}/closed-days/2027-01-01", i.centre),
            Body::None,
            ys,
        ),
        r("GET", "/positions", "/positions".into(), Body::None, signed_in),
        r("GET", "/positions/approvals", "/positions/approvals".into(), Body::None, staff_any),
        r(
            "POST",
            "/positions/centres",
            "/positions/centres".into(),
            f(&[("project_id", &i.yeyu.to_string()), ("name", "")]),
            [L, D, D, A, D, D, D, A],
        ),
        r(
            "GET",
            "/positions/centres/{id}",
            format!("/positions/centres/{}", i.centre),
            Body::None,
            [L, A, A, A, D, D, D, A],
        ),
        r(
            "POST",
            "/positions/centres/{id}/rooms",
            format!("/positions/centres/{}/rooms", i.centre),
            f(&[("name", "")]),
            yeyu_staff,
        ),
        r(
            "POST",
            "/positions/centres/{id}/hours",
            format!("/positions/centres/{}/hours", i.centre),
            f(&[("opens_1", "bad"), ("closes_1", "bad")]),
            yeyu_staff,
        ),
        r(
            "POST",
            "/positions/centres/{id}/versions",
            format!("/positions/centres/{}/versions", i.centre),
            f(&[("version", "")]),
            yeyu_staff,
        ),
        r(
            "POST",
            "/positions/rooms/{id}/bookings",
            format!("/positions/rooms/{}/bookings", i.hall),
            f(&[("date", "")]),
            [L, A, A, A, D, D, D, A],
        ),
        r(
            "POST",
            "/positions/bookings/{id}/actions",
            format!("/positions/bookings/{}/actions", i.booking),
            f(&[("action", "")]),
            own_home,
        ),
        r("GET", "/api/v1/centres/{id}", format!("/api/v1/centres/{}", i.centre), Body::None, [L, A, A, A, D, D, D, A]),
        r(
            "GET",
            "/positions/centres/{id}/checkin",
            format!("/positions/centres/{}/checkin?code=x", i.centre),
            Body::None,
            [L, A, A, A, D, D, D, A],
        ),
        r(
            "POST",
            "/positions/centres/{id}/checkin",
            format!("/positions/centres/{}/checkin", i.centre),
            f(&[("code", "x")]),
            [L, A, A, A, D, D, D, A],
        ),
        r(
            "POST",
            "/api/v1/centres/{id}/checkin",
            format!("/api/v1/centres/{}/checkin", i.centre),
            Body::Json(json!({"code": "x"})),
            [L, A, A, A, D, D, D, A],
        ),
        r(
            "POST",
            "/positions/centres/{id}/visits",
            format!("/positions/centres/{}/visits", i.centre),
            f(&[("visitor_name", "")]),
            yeyu_staff,
        ),
        r(
            "GET",
            "/positions/centres/{id}/figures",
            format!("/positions/centres/{}/figures", i.centre),
            Body::None,
            yeyu_staff,
        ),
        r(
            "GET",
            "/api/v1/centres/{id}/figures",
            format!("/api/v1/centres/{}/figures", i.centre),
            Body::None,
            yeyu_staff,
        ),
        r(
            "GET",
            "/positions/centres/{id}/door",
            format!("/positions/centres/{}/door", i.centre),
            Body::None,
            yeyu_staff,
        ),
        r(
            "POST",
            "/api/v1/rooms/{id}/bookings",
            format!("/api/v1/rooms/{}/bookings", i.hall),
            Body::Json(json!({"date": "", "start": "", "end": "", "purpose": ""})),
            [L, A, A, A, D, D, D, A],
        ),
        r(
            "POST",
            "/api/v1/bookings/{id}/actions",
            format!("/api/v1/bookings/{}/actions", i.booking),
            Body::Json(json!({"action": ""})),
            own_home,
        ),
    ]
}
