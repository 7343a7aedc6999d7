//! The permission matrix's rows for `src/grid` (door-to-door campaigns). The campaign is 牧马山社区's:
//! its grid member (grid) and the company admin (who keeps the government tree) read it; only a member
//! whose grid meets it records visits; 叶语's and 天玺's staff and 友联's cadre see nothing of it, nor of
//! 何静's micro-grid's profile.

#![allow(unused_variables)]

use serde_json::json;

use super::{Body, Out::*, Row, f, groups, r};
use crate::support::Ids;

pub(super) fn rows(i: &Ids) -> Vec<Row> {
    let (all, signed_in, desk, yeyu_staff, staff_any, own_home, admin, nobody, own_link) = groups();
    let c = i.grid_campaign;
    let cs = c.to_string();
    let readers = [L, D, D, D, D, D, A, A];
    // Those with a government-side area (cadres, grid members) or the tree's keepers may try (422).
    let runners = [L, D, D, D, D, A, A, A];
    vec![
        r("GET", "/grid", "/grid".into(), Body::None, desk),
        r("POST", "/grid/campaigns", "/grid/campaigns".into(), f(&[("title", "")]), runners),
        r("GET", "/grid/campaigns/{id}", format!("/grid/campaigns/{c}"), Body::None, readers),
        // The phone's door list: members whose grids meet it (the admin has no grid: 403).
        r(
            "GET",
            "/grid/campaigns/{id}/visit",
            format!("/grid/campaigns/{c}/visit"),
            Body::None,
            [L, D, D, D, D, D, A, D],
        ),
        // A visit without its key: 422 for those who read the campaign, 404 for the rest.
        r("POST", "/grid/visits", "/grid/visits".into(), f(&[("campaign_id", cs.as_str()), ("key", "")]), readers),
        r("GET", "/api/v1/grid/campaigns", "/api/v1/grid/campaigns".into(), Body::None, desk),
        r("GET", "/api/v1/grid/campaigns/{id}", format!("/api/v1/grid/campaigns/{c}"), Body::None, readers),
        r(
            "POST",
            "/api/v1/grid/visits",
            "/api/v1/grid/visits".into(),
            Body::Json(json!({"campaign_id": cs, "key": ""})),
            readers,
        ),
        // A grid's profile: its members (grid serves the grid above it) and the tree's keepers; 友联's
        // cadre and the estates' staff find nothing; residents are not let in.
        // A visit's photos: its member adds (422 here: the upload is not a photo); the campaign's
        // readers see them.
        r(
            "POST",
            "/grid/visits/{id}/photos",
            format!("/grid/visits/{}/photos", i.grid_visit),
            Body::Multipart,
            [L, D, D, D, D, D, A, D],
        ),
        r(
            "POST",
            "/api/v1/grid/visits/{id}/photos",
            format!("/api/v1/grid/visits/{}/photos", i.grid_visit),
            Body::Multipart,
            [L, D, D, D, D, D, A, D],
        ),
        r(
            "GET",
            "/grid/visits/{id}/photos/{photo}",
            format!("/grid/visits/{}/photos/{}", i.grid_visit, i.grid_visit_photo),
            Body::None,
            readers,
        ),
        r("GET", "/grid/areas", "/grid/areas".into(), Body::None, desk),
        r("GET", "/api/v1/grid/areas", "/api/v1/grid/areas".into(), Body::None, desk),
        r("GET", "/grid/areas/{id}", format!("/grid/areas/{}", i.microgrid), Body::None, readers),
        r("GET", "/api/v1/grid/areas/{id}", format!("/api/v1/grid/areas/{}", i.microgrid), Body::None, readers),
    ]
}
