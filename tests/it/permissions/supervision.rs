//! The permission matrix's rows for `src/supervision`. The demo's supervisors are 保利荔园天府和悦's; no
//! persona of the matrix serves there, so inspecting and confirming are refused to all (the supervisor's
//! own path is `tests/it/supervision.rs`); the company admin reads the estate; the 公示 is public.

#![allow(unused_variables)]

use serde_json::json;

use super::{Body, Row, f, groups, r};
use crate::support::Ids;

pub(super) fn rows(i: &Ids) -> Vec<Row> {
    let (all, signed_in, desk, yeyu_staff, staff_any, own_home, admin, nobody, own_link) = groups();
    let (p, a, ins, fnd) = (i.liyuan, i.sv_appointment, i.sv_inspection, i.sv_finding);
    vec![
        r("GET", "/supervision", "/supervision".into(), Body::None, signed_in),
        r(
            "POST",
            "/supervision/projects/{id}/appointments",
            format!("/supervision/projects/{p}/appointments"),
            f(&[("room", "")]),
            admin,
        ),
        r(
            "GET",
            "/supervision/appointments/{id}/letter",
            format!("/supervision/appointments/{a}/letter"),
            Body::None,
            admin,
        ),
        r(
            "GET",
            "/supervision/projects/{id}/inspect",
            format!("/supervision/projects/{p}/inspect"),
            Body::None,
            nobody,
        ),
        r(
            "POST",
            "/supervision/projects/{id}/inspect",
            format!("/supervision/projects/{p}/inspect"),
            Body::Multipart,
            nobody,
        ),
        r("GET", "/supervision/projects/{id}/report", format!("/supervision/projects/{p}/report"), Body::None, admin),
        r("GET", "/supervision/inspections/{id}", format!("/supervision/inspections/{ins}"), Body::None, admin),
        r(
            "GET",
            "/supervision/inspections/{id}/photos/{photo}",
            format!("/supervision/inspections/{ins}/photos/0"),
            Body::None,
            nobody,
        ),
        r(
            "POST",
            "/supervision/findings/{id}/confirm",
            format!("/supervision/findings/{fnd}/confirm"),
            f(&[("score", "5")]),
            nobody,
        ),
        r(
            "POST",
            "/supervision/findings/{id}/send-back",
            format!("/supervision/findings/{fnd}/send-back"),
            f(&[("reason", "还没清理")]),
            nobody,
        ),
        r(
            "GET",
            "/disclosure/projects/{id}/supervision",
            format!("/disclosure/projects/{p}/supervision"),
            Body::None,
            all,
        ),
        r(
            "GET",
            "/api/v1/supervision/inspections/{id}",
            format!("/api/v1/supervision/inspections/{ins}"),
            Body::None,
            admin,
        ),
        r(
            "POST",
            "/api/v1/supervision/findings/{id}/confirm",
            format!("/api/v1/supervision/findings/{fnd}/confirm"),
            Body::Json(json!({"score": "5"})),
            nobody,
        ),
        r(
            "GET",
            "/api/v1/supervision/projects/{id}/report",
            format!("/api/v1/supervision/projects/{p}/report"),
            Body::None,
            admin,
        ),
        r(
            "GET",
            "/api/v1/disclosure/projects/{id}/supervision",
            format!("/api/v1/disclosure/projects/{p}/supervision"),
            Body::None,
            all,
        ),
        // Last: the admin ends the appointment (the rows above read it in force).
        r(
            "POST",
            "/supervision/appointments/{id}/end",
            format!("/supervision/appointments/{a}/end"),
            Body::None,
            admin,
        ),
    ]
}
