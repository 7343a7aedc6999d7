//! The permission matrix's rows for `src/party`: persona × route × expected outcome. A branch's pages
//! are its project's staff's and the company's (the grid member is a member of another branch).

#![allow(unused_variables, unused_imports)]

use serde_json::json;

use super::{Body, Out::*, Row, f, groups, r};
use crate::support::Ids;

pub(super) fn rows(i: &Ids) -> Vec<Row> {
    let (all, signed_in, desk, yeyu_staff, staff_any, own_home, admin, nobody, own_link) = groups();
    let b = i.party_branch;
    vec![
        r("GET", "/party", "/party".into(), Body::None, signed_in),
        r("GET", "/party/orgs/{id}", format!("/party/orgs/{b}"), Body::None, yeyu_staff),
        r("POST", "/party/orgs/{id}/children", format!("/party/orgs/{b}/children"), f(&[("kind", "")]), yeyu_staff),
        r("POST", "/party/orgs/{id}/members", format!("/party/orgs/{b}/members"), f(&[("person_id", "")]), yeyu_staff),
        r("POST", "/party/orgs/{id}/posts", format!("/party/orgs/{b}/posts"), f(&[("person_id", "")]), yeyu_staff),
        r(
            "POST",
            "/party/memberships/{id}/transfer",
            format!("/party/memberships/{}/transfer", i.party_membership),
            f(&[("to_org", "")]),
            yeyu_staff,
        ),
        r("POST", "/party/posts/{id}/end", format!("/party/posts/{}/end", i.party_post), Body::None, yeyu_staff),
        r("GET", "/party/orgs/{id}/meetings", format!("/party/orgs/{b}/meetings"), Body::None, yeyu_staff),
        r("POST", "/party/orgs/{id}/meetings", format!("/party/orgs/{b}/meetings"), f(&[("kind", "")]), yeyu_staff),
        r(
            "POST",
            "/party/orgs/{id}/meetings/plan",
            format!("/party/orgs/{b}/meetings/plan"),
            f(&[("kind", "")]),
            yeyu_staff,
        ),
        r(
            "POST",
            "/api/v1/party/orgs/{id}/meetings/planned",
            format!("/api/v1/party/orgs/{b}/meetings/planned"),
            Body::Json(json!({"kind": ""})),
            yeyu_staff,
        ),
        r("GET", "/party/meetings/{id}", format!("/party/meetings/{}", i.party_meeting), Body::None, yeyu_staff),
        r(
            "GET",
            "/api/v1/party/orgs/{id}/meetings",
            format!("/api/v1/party/orgs/{b}/meetings"),
            Body::None,
            yeyu_staff,
        ),
        r(
            "GET",
            "/api/v1/party/meetings/{id}",
            format!("/api/v1/party/meetings/{}", i.party_meeting),
            Body::None,
            yeyu_staff,
        ),
        r(
            "POST",
            "/party/meetings/{id}/photos",
            format!("/party/meetings/{}/photos", i.party_meeting),
            Body::Multipart,
            yeyu_staff,
        ),
        // No photo 0 is the meeting's: refused for everyone (the readers' access is in party_work.rs).
        r(
            "GET",
            "/party/meetings/{id}/photos/{photo}",
            format!("/party/meetings/{}/photos/0", i.party_meeting),
            Body::None,
            nobody,
        ),
        r(
            "GET",
            "/api/v1/party/orgs/{id}/compliance",
            format!("/api/v1/party/orgs/{b}/compliance"),
            Body::None,
            yeyu_staff,
        ),
        r(
            "POST",
            "/api/v1/party/orgs/{id}/meetings",
            format!("/api/v1/party/orgs/{b}/meetings"),
            Body::Json(json!({"kind": ""})),
            yeyu_staff,
        ),
        // The dues ledger is its 组织委员's alone (a resident of the demo, without a log-in): every persona here
        // is refused.
        r("GET", "/party/orgs/{id}/dues", format!("/party/orgs/{b}/dues"), Body::None, nobody),
        r(
            "POST",
            "/party/orgs/{id}/dues/basis",
            format!("/party/orgs/{b}/dues/basis"),
            f(&[("person_id", "")]),
            nobody,
        ),
        r(
            "POST",
            "/party/orgs/{id}/dues/payments",
            format!("/party/orgs/{b}/dues/payments"),
            f(&[("person_id", "")]),
            nobody,
        ),
        r("GET", "/party/me", "/party/me".into(), Body::None, signed_in),
        // 双报到: Party members only (the grid member is one; he lives nowhere in the register: 422).
        r("POST", "/party/me/report", "/party/me/report".into(), f(&[("microgrid_id", "")]), [L, D, D, D, D, D, A, D]),
        r("POST", "/party/orgs/{id}/brand", format!("/party/orgs/{b}/brand"), f(&[("name", "")]), yeyu_staff),
        // A brand holds no personal data: its pages are public.
        r("GET", "/brands", "/brands".into(), Body::None, all),
        r("GET", "/brands/{id}", format!("/brands/{}", i.brand), Body::None, all),
        // The demo's brand has no photos: no photo id is the brand's, so everyone gets 404.
        r("GET", "/brands/{id}/photos/{photo}", format!("/brands/{}/photos/0", i.brand), Body::None, [D; 8]),
        r("GET", "/api/v1/brands", "/api/v1/brands".into(), Body::None, all),
        r("GET", "/api/v1/party/me", "/api/v1/party/me".into(), Body::None, signed_in),
        r("GET", "/api/v1/party/orgs", "/api/v1/party/orgs".into(), Body::None, signed_in),
        r("GET", "/api/v1/party/orgs/{id}", format!("/api/v1/party/orgs/{b}"), Body::None, yeyu_staff),
        r(
            "POST",
            "/api/v1/party/orgs/{id}/members",
            format!("/api/v1/party/orgs/{b}/members"),
            Body::Json(json!({"person_id": 0, "status": "", "joined_on": ""})),
            yeyu_staff,
        ),
        // 联系户, 先锋岗 and 党员积分: the branch's leaders (its project's staff; the member who keeps a
        // household logs their own visits — tested in tests/it/party_work.rs).
        r("GET", "/party/orgs/{id}/contacts", format!("/party/orgs/{b}/contacts"), Body::None, yeyu_staff),
        r(
            "POST",
            "/party/orgs/{id}/contacts",
            format!("/party/orgs/{b}/contacts"),
            f(&[("person_id", "")]),
            yeyu_staff,
        ),
        r(
            "GET",
            "/api/v1/party/orgs/{id}/contacts",
            format!("/api/v1/party/orgs/{b}/contacts"),
            Body::None,
            yeyu_staff,
        ),
        r(
            "POST",
            "/party/contacts/{id}/visits",
            format!("/party/contacts/{}/visits", i.party_contact),
            f(&[("note", "")]),
            yeyu_staff,
        ),
        r(
            "POST",
            "/api/v1/party/contacts/{id}/visits",
            format!("/api/v1/party/contacts/{}/visits", i.party_contact),
            Body::Json(json!({"note": ""})),
            yeyu_staff,
        ),
        r(
            "POST",
            "/party/orgs/{id}/stations",
            format!("/party/orgs/{b}/stations"),
            f(&[("person_id", "")]),
            yeyu_staff,
        ),
        r("GET", "/party/orgs/{id}/scores", format!("/party/orgs/{b}/scores"), Body::None, yeyu_staff),
        r("GET", "/api/v1/party/orgs/{id}/scores", format!("/api/v1/party/orgs/{b}/scores"), Body::None, yeyu_staff),
        r(
            "POST",
            "/party/orgs/{id}/scores/rules",
            format!("/party/orgs/{b}/scores/rules"),
            f(&[("source", "")]),
            yeyu_staff,
        ),
        // Ending: the first allowed persona ends it, the next gets 409 (already ended) — still allowed.
        r(
            "POST",
            "/party/contacts/{id}/end",
            format!("/party/contacts/{}/end", i.party_contact),
            Body::None,
            yeyu_staff,
        ),
        r(
            "POST",
            "/party/stations/{id}/end",
            format!("/party/stations/{}/end", i.party_station),
            Body::None,
            yeyu_staff,
        ),
    ]
}
