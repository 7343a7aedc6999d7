//! The permission matrix's rows for `src/convenience` (便民物资共享). The items are 保利叶语's: its
//! residents (张三, 李四) reserve, its staff and the admin keep the desk; 李四 may cancel only his own
//! loan; 天玺's staff, the 友联 cadre and the grid member see nothing of 叶语's desk. 张三's 户内托管 is
//! seen by him and 叶语's staff (李四, next door, finds nothing); 李四's parcel request by him and the
//! staff, who alone take and deliver it.

#![allow(unused_variables)]

use serde_json::json;

use super::{Body, Out::*, Row, f, groups, r};
use crate::support::Ids;

pub(super) fn rows(i: &Ids) -> Vec<Row> {
    let (all, signed_in, desk, yeyu_staff, staff_any, own_home, admin, nobody, own_link) = groups();
    let (it, loan) = (i.lend_item, i.lend_loan);
    // Residents of 保利叶语 only (staff and the admin have no home there: 403).
    let residents = [L, A, A, D, D, D, D, D];
    vec![
        r("GET", "/lending", "/lending".into(), Body::None, signed_in),
        // Adding an item: those who keep a project (a resident or a reader is refused before validation).
        r("POST", "/lending/items", "/lending/items".into(), f(&[("name", "")]), staff_any),
        r("GET", "/lending/items/{id}", format!("/lending/items/{it}"), Body::None, yeyu_staff),
        // 张三 reserves the toolkit; 李四 then finds it held (409, past the permission check).
        r("POST", "/lending/items/{id}/reserve", format!("/lending/items/{it}/reserve"), Body::None, residents),
        r("POST", "/lending/items/{id}/lend", format!("/lending/items/{it}/lend"), f(&[("room", "")]), yeyu_staff),
        r("POST", "/lending/items/{id}/repair", format!("/lending/items/{it}/repair"), Body::None, yeyu_staff),
        // 李四's wheelchair is out: handing over again is a 409 for those who may.
        r("POST", "/lending/loans/{id}/hand-over", format!("/lending/loans/{loan}/hand-over"), Body::None, yeyu_staff),
        r(
            "POST",
            "/lending/loans/{id}/return",
            format!("/lending/loans/{loan}/return"),
            f(&[("condition", "")]),
            yeyu_staff,
        ),
        // Cancel: the borrower (李四) or the desk; an out loan cannot be cancelled (409).
        r(
            "POST",
            "/lending/loans/{id}/cancel",
            format!("/lending/loans/{loan}/cancel"),
            Body::None,
            [L, D, A, A, D, D, D, A],
        ),
        r("GET", "/api/v1/lending", "/api/v1/lending".into(), Body::None, signed_in),
        r(
            "POST",
            "/api/v1/lending/items/{id}/reserve",
            format!("/api/v1/lending/items/{it}/reserve"),
            Body::None,
            residents,
        ),
        r(
            "POST",
            "/api/v1/lending/items/{id}/lend",
            format!("/api/v1/lending/items/{it}/lend"),
            Body::Json(json!({})),
            yeyu_staff,
        ),
        r(
            "POST",
            "/api/v1/lending/loans/{id}/return",
            format!("/api/v1/lending/loans/{loan}/return"),
            Body::Json(json!({})),
            yeyu_staff,
        ),
        r("GET", "/custody", "/custody".into(), Body::None, signed_in),
        r("POST", "/custody", "/custody".into(), f(&[("name", "")]), staff_any),
        r("GET", "/custody/{id}", format!("/custody/{}", i.custody), Body::None, own_home),
        r("GET", "/api/v1/custody", "/api/v1/custody".into(), Body::None, signed_in),
        r("GET", "/api/v1/custody/{id}", format!("/api/v1/custody/{}", i.custody), Body::None, own_home),
        // Keys and checks: the project's staff (422 here: the upload is not a photo).
        r("POST", "/custody/{id}/keys", format!("/custody/{}/keys", i.custody), Body::Multipart, yeyu_staff),
        r("POST", "/custody/{id}/checks", format!("/custody/{}/checks", i.custody), Body::Multipart, yeyu_staff),
        r(
            "POST",
            "/api/v1/custody/{id}/checks",
            format!("/api/v1/custody/{}/checks", i.custody),
            Body::Multipart,
            yeyu_staff,
        ),
        r(
            "GET",
            "/custody/checks/{id}/photos/{photo}",
            format!("/custody/checks/{}/photos/{}", i.custody_check, i.custody_photo),
            Body::None,
            own_home,
        ),
        // Ending: the staff end it, the admin is then told it has ended (409).
        r("POST", "/custody/{id}/end", format!("/custody/{}/end", i.custody), Body::None, yeyu_staff),
        r("GET", "/parcels", "/parcels".into(), Body::None, signed_in),
        r("POST", "/parcels", "/parcels".into(), f(&[("pieces", "")]), signed_in),
        r("GET", "/api/v1/parcels", "/api/v1/parcels".into(), Body::None, signed_in),
        r("POST", "/api/v1/parcels", "/api/v1/parcels".into(), Body::Json(json!({})), signed_in),
        // Taking: the staff take 李四's request, the admin then finds it taken (409).
        r("POST", "/parcels/{id}/take", format!("/parcels/{}/take", i.parcel), Body::None, yeyu_staff),
        r("POST", "/api/v1/parcels/{id}/take", format!("/api/v1/parcels/{}/take", i.parcel), Body::None, yeyu_staff),
        r("POST", "/parcels/{id}/deliver", format!("/parcels/{}/deliver", i.parcel), Body::Multipart, yeyu_staff),
        r(
            "POST",
            "/api/v1/parcels/{id}/deliver",
            format!("/api/v1/parcels/{}/deliver", i.parcel),
            Body::Multipart,
            yeyu_staff,
        ),
        // Cancelling: 李四 and the staff (409 here: it is on the way); 张三 finds nothing.
        r(
            "POST",
            "/parcels/{id}/cancel",
            format!("/parcels/{}/cancel", i.parcel),
            Body::None,
            [L, D, A, A, D, D, D, A],
        ),
        r(
            "POST",
            "/api/v1/parcels/{id}/cancel",
            format!("/api/v1/parcels/{}/cancel", i.parcel),
            Body::None,
            [L, D, A, A, D, D, D, A],
        ),
        r(
            "GET",
            "/parcels/{id}/photos/{photo}",
            format!("/parcels/{}/photos/{}", i.parcel_done, i.parcel_photo),
            Body::None,
            own_home,
        ),
    ]
}
