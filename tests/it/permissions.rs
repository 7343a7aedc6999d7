//! The permission matrix: persona × route × expected outcome, for every route in the route table.
//! A route added without a row here fails `every_route_has_a_row_in_the_matrix`.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{Client, Ids, TestApp};

const PERSONAS: [&str; 8] = ["anon", "resident", "resident2", "staff", "staff2", "cadre", "grid", "admin"];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Out {
    /// Passed the permission check (2xx/3xx, or a 4xx validation answer).
    A,
    /// Sent to log in (pages: 303 to /login?next=…; API: 401).
    L,
    /// Refused: 403, or 404 for records outside the caller's scope.
    D,
}
use Out::*;

enum Body {
    None,
    Form(Vec<(&'static str, String)>),
    Json(serde_json::Value),
    Multipart,
}

struct Row {
    method: &'static str,
    template: &'static str,
    path: String,
    body: Body,
    expect: [Out; 8],
}

fn rows(i: &Ids) -> Vec<Row> {
    let r = |method, template, path: String, body, expect| Row { method, template, path, body, expect };
    let f = |v: &[(&'static str, &str)]| Body::Form(v.iter().map(|(k, v)| (*k, v.to_string())).collect());
    let all = [A; 8];
    let signed_in = [L, A, A, A, A, A, A, A];
    let desk = [L, D, D, A, A, A, A, A];
    let yeyu_staff = [L, D, D, A, D, D, D, A];
    let staff_any = [L, D, D, A, A, D, D, A];
    let own_home = [L, A, D, A, D, D, D, A];
    let admin = [L, D, D, D, D, D, D, A];
    let nobody = [L, D, D, D, D, D, D, D];
    // A link waiting for 李四 (resident2) to say whether it is him.
    let own_link = [L, D, A, D, D, D, D, D];
    vec![
        r("GET", "/healthz", "/healthz".into(), Body::None, all),
        r("GET", "/readyz", "/readyz".into(), Body::None, all),
        r("GET", "/metrics", "/metrics".into(), Body::None, all),
        r("GET", "/static/{*path}", "/static/app.css".into(), Body::None, all),
        r("GET", "/login", "/login".into(), Body::None, all),
        r("POST", "/login", "/login".into(), f(&[("username", "nobody"), ("password", "x")]), all),
        r("POST", "/prefs", "/prefs".into(), f(&[("lang", "zh"), ("next", "/")]), all),
        r("GET", "/account", "/account".into(), Body::None, signed_in),
        r("GET", "/account/data", "/account/data".into(), Body::None, signed_in),
        r("GET", "/account/data.xlsx", "/account/data.xlsx".into(), Body::None, signed_in),
        r("GET", "/api/v1/me/data", "/api/v1/me/data".into(), Body::None, signed_in),
        r(
            "POST",
            "/account/data/requests",
            "/account/data/requests".into(),
            f(&[("kind", "delete"), ("details", "")]),
            signed_in,
        ),
        r("GET", "/people/data-requests", "/people/data-requests".into(), Body::None, staff_any),
        r("POST", "/account/links/{id}", format!("/account/links/{}", i.link), f(&[("answer", "")]), own_link),
        r("GET", "/people/links", "/people/links".into(), Body::None, admin),
        r("POST", "/people/links/{id}", format!("/people/links/{}", i.link), f(&[("answer", "")]), admin),
        r(
            "POST",
            "/people/data-requests/{id}/decide",
            format!("/people/data-requests/{}/decide", i.data_request),
            f(&[("outcome", "")]),
            yeyu_staff,
        ),
        r("POST", "/account/password", "/account/password".into(), f(&[("current", ""), ("new", "")]), signed_in),
        r("POST", "/account/tokens", "/account/tokens".into(), f(&[("name", "")]), signed_in),
        r("POST", "/account/tokens/{id}/revoke", "/account/tokens/999999/revoke".into(), Body::None, nobody),
        r("GET", "/api/v1/me", "/api/v1/me".into(), Body::None, signed_in),
        r("GET", "/", "/".into(), Body::None, signed_in),
        r("GET", "/org", "/org".into(), Body::None, desk),
        r("GET", "/org/{id}", format!("/org/{}", i.yeyu), Body::None, yeyu_staff),
        r("POST", "/org", "/org".into(), f(&[("name", "")]), admin),
        r("POST", "/org/{id}/children", format!("/org/{}/children", i.yeyu), f(&[("name", "")]), yeyu_staff),
        r("POST", "/org/{id}/party-orgs", format!("/org/{}/party-orgs", i.yeyu), f(&[("kind", "")]), yeyu_staff),
        r("POST", "/org/{id}/people", format!("/org/{}/people", i.yeyu), f(&[("name", "")]), yeyu_staff),
        r("GET", "/households/{id}", format!("/households/{}", i.hh1), Body::None, own_home),
        r("POST", "/households/{id}", format!("/households/{}", i.hh1), f(&[("area", "abc")]), yeyu_staff),
        r("GET", "/api/v1/projects", "/api/v1/projects".into(), Body::None, desk),
        r("GET", "/api/v1/nodes/{id}", format!("/api/v1/nodes/{}", i.yeyu), Body::None, yeyu_staff),
        r("POST", "/api/v1/nodes", "/api/v1/nodes".into(), Body::Json(json!({"name": ""})), admin),
        r(
            "POST",
            "/api/v1/nodes/{id}/party-orgs",
            format!("/api/v1/nodes/{}/party-orgs", i.yeyu),
            Body::Json(json!({"kind": "", "name": ""})),
            yeyu_staff,
        ),
        r(
            "POST",
            "/api/v1/nodes/{id}/children",
            format!("/api/v1/nodes/{}/children", i.yeyu),
            Body::Json(json!({"name": ""})),
            yeyu_staff,
        ),
        r("GET", "/api/v1/households/{id}", format!("/api/v1/households/{}", i.hh1), Body::None, own_home),
        r(
            "PATCH",
            "/api/v1/households/{id}",
            format!("/api/v1/households/{}", i.hh1),
            Body::Json(json!({"area": "abc"})),
            yeyu_staff,
        ),
        r("GET", "/people/{id}", format!("/people/{}", i.zhangsan), Body::None, own_home),
        r("POST", "/people/{id}", format!("/people/{}", i.zhangsan), f(&[("name", "")]), yeyu_staff),
        r("POST", "/people/{id}/reveal", format!("/people/{}/reveal", i.zhangsan), Body::None, yeyu_staff),
        r("POST", "/people/{id}/roles", format!("/people/{}/roles", i.zhangsan), f(&[("role", "")]), yeyu_staff),
        r(
            "POST",
            "/people/{id}/roles/{rid}/delete",
            format!("/people/{}/roles/999999/delete", i.zhangsan),
            Body::None,
            nobody,
        ),
        r("POST", "/households/{id}/members", format!("/households/{}/members", i.hh1), f(&[("name", "")]), yeyu_staff),
        r(
            "POST",
            "/households/{id}/members/{mid}/move-out",
            format!("/households/{}/members/{}/move-out", i.hh1, i.zhangsan_membership),
            f(&[("moved_out", "not-a-date")]),
            yeyu_staff,
        ),
        r("GET", "/search", "/search?q=zs".into(), Body::None, desk),
        r("GET", "/api/v1/people", "/api/v1/people?q=zs".into(), Body::None, desk),
        r(
            "POST",
            "/api/v1/people",
            "/api/v1/people".into(),
            Body::Json(json!({"name": "", "role": "", "node_id": i.yeyu})),
            yeyu_staff,
        ),
        r("GET", "/api/v1/people/{id}", format!("/api/v1/people/{}", i.zhangsan), Body::None, own_home),
        r(
            "PATCH",
            "/api/v1/people/{id}",
            format!("/api/v1/people/{}", i.zhangsan),
            Body::Json(json!({"name": ""})),
            yeyu_staff,
        ),
        r(
            "POST",
            "/api/v1/people/{id}/reveal",
            format!("/api/v1/people/{}/reveal", i.zhangsan),
            Body::Json(json!({})),
            yeyu_staff,
        ),
        r(
            "POST",
            "/api/v1/people/{id}/roles",
            format!("/api/v1/people/{}/roles", i.zhangsan),
            Body::Json(json!({"role": "", "node_id": 0})),
            yeyu_staff,
        ),
        r(
            "DELETE",
            "/api/v1/people/{id}/roles/{rid}",
            format!("/api/v1/people/{}/roles/999999", i.zhangsan),
            Body::None,
            nobody,
        ),
        r(
            "POST",
            "/api/v1/households/{id}/members",
            format!("/api/v1/households/{}/members", i.hh1),
            Body::Json(json!({"name": "", "relation": ""})),
            yeyu_staff,
        ),
        r("GET", "/import", "/import".into(), Body::None, staff_any),
        r("POST", "/import", "/import".into(), Body::Multipart, staff_any),
        r("GET", "/import/template.xlsx", "/import/template.xlsx".into(), Body::None, staff_any),
        r("GET", "/export/ledger.xlsx", format!("/export/ledger.xlsx?project={}", i.yeyu), Body::None, yeyu_staff),
        r("GET", "/audit", "/audit".into(), Body::None, desk),
        r("GET", "/api/v1/audit", "/api/v1/audit".into(), Body::None, desk),
        r("GET", "/api/v1/openapi.json", "/api/v1/openapi.json".into(), Body::None, all),
        r("GET", "/admin/users", "/admin/users".into(), Body::None, admin),
        r("POST", "/admin/users", "/admin/users".into(), f(&[("username", "")]), admin),
        r(
            "POST",
            "/admin/users/{id}/reset-password",
            format!("/admin/users/{}/reset-password", i.resident_user),
            f(&[("password", "")]),
            admin,
        ),
        r("POST", "/admin/users/{id}/unlock", format!("/admin/users/{}/unlock", i.resident_user), Body::None, admin),
        r("GET", "/requests", "/requests".into(), Body::None, signed_in),
        r("GET", "/requests/new", "/requests/new".into(), Body::None, [L, A, A, A, A, D, A, A]),
        r("GET", "/requests/figures", format!("/requests/figures?project={}", i.yeyu), Body::None, yeyu_staff),
        r(
            "GET",
            "/requests/categories",
            format!("/requests/categories?project={}", i.yeyu),
            Body::None,
            [L, D, D, A, D, D, D, A],
        ),
        r(
            "POST",
            "/requests/categories",
            "/requests/categories".into(),
            f(&[("project_id", &i.yeyu.to_string()), ("name", "")]),
            [L, D, D, A, D, D, D, A],
        ),
        r(
            "POST",
            "/requests/categories/{id}",
            format!("/requests/categories/{}", i.yeyu_lighting),
            f(&[("name", "")]),
            [L, D, D, A, D, D, D, A],
        ),
        r(
            "GET",
            "/requests/figures.xlsx",
            format!("/requests/figures.xlsx?project={}", i.yeyu),
            Body::None,
            yeyu_staff,
        ),
        r(
            "POST",
            "/requests",
            "/requests".into(),
            f(&[("category_id", &i.yeyu_lighting.to_string()), ("description", "")]),
            [L, A, A, A, D, D, D, A],
        ),
        r("GET", "/requests/{id}", format!("/requests/{}", i.request), Body::None, own_home),
        r("POST", "/requests/{id}/actions", format!("/requests/{}/actions", i.request), f(&[("action", "")]), own_home),
        r("GET", "/api/v1/requests", "/api/v1/requests".into(), Body::None, signed_in),
        r(
            "POST",
            "/api/v1/requests",
            "/api/v1/requests".into(),
            Body::Json(json!({"category_id": i.yeyu_lighting, "description": ""})),
            [L, A, A, A, D, D, D, A],
        ),
        r("GET", "/api/v1/requests/{id}", format!("/api/v1/requests/{}", i.request), Body::None, own_home),
        r(
            "POST",
            "/api/v1/requests/{id}/actions",
            format!("/api/v1/requests/{}/actions", i.request),
            Body::Json(json!({"action": ""})),
            own_home,
        ),
        r(
            "GET",
            "/requests/similar",
            format!("/requests/similar?category_id={}&household_id={}", i.yeyu_lighting, i.hh1),
            Body::None,
            signed_in,
        ),
        r("GET", "/requests/visits", "/requests/visits".into(), Body::None, staff_any),
        r("GET", "/api/v1/requests/visits", "/api/v1/requests/visits".into(), Body::None, staff_any),
        r(
            "GET",
            "/api/v1/requests/figures",
            format!("/api/v1/requests/figures?project={}", i.yeyu),
            Body::None,
            yeyu_staff,
        ),
        r(
            "GET",
            "/api/v1/projects/{id}/request-categories",
            format!("/api/v1/projects/{}/request-categories", i.yeyu),
            Body::None,
            [L, A, A, A, D, D, D, A],
        ),
        r(
            "GET",
            "/requests/{id}/photos/{photo}",
            format!("/requests/{}/photos/{}", i.request, i.photo),
            Body::None,
            own_home,
        ),
        r("POST", "/requests/{id}/photos", format!("/requests/{}/photos", i.request), Body::Multipart, own_home),
        r(
            "POST",
            "/api/v1/requests/{id}/photos",
            format!("/api/v1/requests/{}/photos", i.request),
            Body::Multipart,
            own_home,
        ),
        r("GET", "/requests/open311-keys", "/requests/open311-keys".into(), Body::None, [L, D, D, A, A, D, D, A]),
        r(
            "POST",
            "/requests/open311-keys",
            "/requests/open311-keys".into(),
            f(&[("project_id", &i.yeyu.to_string()), ("label", "")]),
            [L, D, D, A, D, D, D, A],
        ),
        r(
            "POST",
            "/requests/open311-keys/{id}/revoke",
            "/requests/open311-keys/999999/revoke".into(),
            Body::None,
            [L, D, D, D, D, D, D, D],
        ),
        r("GET", "/open311/v2/{file}", "/open311/v2/services.json".into(), Body::None, all),
        r("POST", "/open311/v2/{file}", "/open311/v2/requests.json".into(), f(&[("service_code", "1")]), [D; 8]),
        r(
            "GET",
            "/open311/v2/services/{file}",
            format!("/open311/v2/services/{}.json", i.yeyu_lighting),
            Body::None,
            all,
        ),
        r("GET", "/open311/v2/requests/{file}", format!("/open311/v2/requests/{}.json", i.request), Body::None, all),
        r("GET", "/open311/v2/tokens/{file}", "/open311/v2/tokens/none.json".into(), Body::None, [D; 8]),
        r("GET", "/positions", "/positions".into(), Body::None, signed_in),
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
        // C4 volunteers and 爱心超市.
        r("GET", "/volunteers", "/volunteers".into(), Body::None, signed_in),
        r("POST", "/volunteers/apply", "/volunteers/apply".into(), f(&[("project_id", "")]), signed_in),
        r(
            "POST",
            "/volunteers/{id}/decide",
            format!("/volunteers/{}/decide", i.volunteer),
            f(&[("decision", "approve")]),
            yeyu_staff,
        ),
        r("POST", "/volunteers/teams", "/volunteers/teams".into(), f(&[("project_id", "")]), staff_any),
        r(
            "GET",
            "/volunteers/teams/{id}",
            format!("/volunteers/teams/{}", i.team),
            Body::None,
            [L, A, D, A, D, D, D, A],
        ),
        r(
            "POST",
            "/volunteers/teams/{id}/members",
            format!("/volunteers/teams/{}/members", i.team),
            f(&[("person_id", &i.lisi.to_string())]),
            [L, A, D, A, D, D, D, A],
        ),
        r(
            "POST",
            "/volunteers/teams/{id}/members/{person}/remove",
            format!("/volunteers/teams/{}/members/{}/remove", i.team, i.lisi),
            Body::None,
            [L, A, D, A, D, D, D, A],
        ),
        r(
            "POST",
            "/volunteers/signups/{id}/correction",
            format!("/volunteers/signups/{}/correction", i.signup),
            f(&[("minutes", "30"), ("reason", "x")]),
            [L, A, D, D, D, D, D, D],
        ),
        r(
            "POST",
            "/volunteers/corrections/{id}/decide",
            format!("/volunteers/corrections/{}/decide", i.correction),
            f(&[("decision", "approve")]),
            yeyu_staff,
        ),
        r(
            "POST",
            "/volunteers/points",
            "/volunteers/points".into(),
            f(&[("project_id", &i.yeyu.to_string()), ("delta", "5")]),
            yeyu_staff,
        ),
        r(
            "POST",
            "/api/v1/points/awards",
            "/api/v1/points/awards".into(),
            Body::Json(json!({"project_id": i.yeyu, "delta": 5})),
            yeyu_staff,
        ),
        r("GET", "/rewards", "/rewards".into(), Body::None, signed_in),
        r("POST", "/rewards/items", "/rewards/items".into(), f(&[("project_id", "")]), staff_any),
        r(
            "POST",
            "/rewards/items/{id}",
            format!("/rewards/items/{}", i.item),
            f(&[("points", "50"), ("add_stock", "0"), ("active", "1")]),
            yeyu_staff,
        ),
        r(
            "POST",
            "/rewards/items/{id}/redeem",
            format!("/rewards/items/{}/redeem", i.item),
            f(&[("quantity", "1")]),
            [L, A, A, A, D, D, D, A],
        ),
        r("POST", "/rewards/collect", "/rewards/collect".into(), f(&[("code", "x")]), staff_any),
        r(
            "POST",
            "/rewards/redemptions/{id}/cancel",
            format!("/rewards/redemptions/{}/cancel", i.redemption),
            Body::None,
            [L, A, D, A, D, D, D, A],
        ),
        r("GET", "/api/v1/volunteers/me", "/api/v1/volunteers/me".into(), Body::None, signed_in),
        r("POST", "/api/v1/volunteers", "/api/v1/volunteers".into(), Body::Json(json!({})), signed_in),
        r(
            "POST",
            "/api/v1/volunteers/{id}/decision",
            format!("/api/v1/volunteers/{}/decision", i.volunteer),
            Body::Json(json!({"approve": true})),
            yeyu_staff,
        ),
        r("GET", "/api/v1/teams/{id}", format!("/api/v1/teams/{}", i.team), Body::None, [L, A, D, A, D, D, D, A]),
        r(
            "POST",
            "/api/v1/signups/{id}/corrections",
            format!("/api/v1/signups/{}/corrections", i.signup),
            Body::Json(json!({"minutes": 30, "reason": "x"})),
            [L, A, D, D, D, D, D, D],
        ),
        r(
            "POST",
            "/api/v1/corrections/{id}/decision",
            format!("/api/v1/corrections/{}/decision", i.correction),
            Body::Json(json!({"approve": true})),
            yeyu_staff,
        ),
        r("GET", "/api/v1/rewards", "/api/v1/rewards".into(), Body::None, signed_in),
        r(
            "POST",
            "/api/v1/rewards/{id}/redeem",
            format!("/api/v1/rewards/{}/redeem", i.item),
            Body::Json(json!({})),
            [L, A, A, A, D, D, D, A],
        ),
        r(
            "POST",
            "/api/v1/redemptions/{id}/cancel",
            format!("/api/v1/redemptions/{}/cancel", i.redemption),
            Body::None,
            [L, A, D, A, D, D, D, A],
        ),
        r(
            "POST",
            "/api/v1/redemptions/collect",
            "/api/v1/redemptions/collect".into(),
            Body::Json(json!({"code": "x"})),
            staff_any,
        ),
        r("GET", "/notifications", "/notifications".into(), Body::None, signed_in),
        r("POST", "/notifications/read", "/notifications/read".into(), f(&[("id", "")]), signed_in),
        r("GET", "/api/v1/notifications", "/api/v1/notifications".into(), Body::None, signed_in),
        r("POST", "/api/v1/notifications/read", "/api/v1/notifications/read".into(), Body::Json(json!({})), signed_in),
        // Last: it ends the session.
        r("POST", "/logout", "/logout".into(), Body::None, signed_in),
    ]
}

async fn call(c: &mut Client, row: &Row) -> crate::support::Resp {
    match &row.body {
        Body::None if row.method == "GET" => c.get(&row.path).await,
        Body::None if !row.path.starts_with("/api/") => c.post_form(&row.path, &[]).await,
        Body::None => c.json(row.method, &row.path, json!({})).await,
        Body::Json(v) => c.json(row.method, &row.path, v.clone()).await,
        Body::Form(v) => {
            let v: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
            if row.path.starts_with("/api/") { unreachable!() } else { c.post_form(&row.path, &v).await }
        }
        Body::Multipart => c.multipart(&row.path, &[], ("x.csv", "姓名,房号\n".as_bytes())).await,
    }
}

fn classify(path: &str, r: &crate::support::Resp) -> Out {
    assert!(!r.status.is_server_error(), "{path}: server error {}: {}", r.status, r.text);
    let api = path.starts_with("/api/");
    if api && r.status == StatusCode::UNAUTHORIZED
        || !api && r.status == StatusCode::SEE_OTHER && r.location().starts_with("/login?next=")
    {
        return L;
    }
    if r.status == StatusCode::FORBIDDEN || r.status == StatusCode::NOT_FOUND {
        assert_ne!(r.text.trim(), "", "{path}: empty error body");
        return D;
    }
    A
}

#[tokio::test]
async fn every_route_has_a_row_in_the_matrix() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let in_matrix: BTreeSet<(String, String)> =
        rows(&ids).iter().map(|r| (r.method.to_string(), r.template.to_string())).collect();
    let routes: BTreeSet<(String, String)> =
        xinghuo::access::route_table().into_iter().map(|(m, p, _)| (m.to_string(), p.to_string())).collect();
    let missing: Vec<_> = routes.difference(&in_matrix).collect();
    let stale: Vec<_> = in_matrix.difference(&routes).collect();
    assert!(missing.is_empty(), "routes without a permission-matrix row: {missing:?}");
    assert!(stale.is_empty(), "matrix rows for routes that do not exist: {stale:?}");
}

#[tokio::test]
async fn persona_route_matrix_holds_for_every_route() {
    let app = TestApp::new().await;
    let mut ids = app.ids().await;
    let mut resident = app.login("resident").await;
    let r = resident
        .json(
            "POST",
            "/api/v1/requests",
            json!({"category_id": ids.yeyu_lighting, "description": "楼下路灯不亮了", "location_text": "1栋门口"}),
        )
        .await;
    ids.request = r.json()["id"].as_i64().expect("request created");
    let r = resident
        .multipart_named(
            &format!("/api/v1/requests/{}/photos", ids.request),
            &[],
            "photo",
            ("a.png", crate::support::PNG_1X1),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    ids.photo = app.id("SELECT MAX(id) AS id FROM request_photos").await;
    let r = resident
        .json(
            "POST",
            &format!("/api/v1/rooms/{}/bookings", ids.hall),
            json!({"date": "2026-11-30", "start": "14:00", "end": "15:00", "purpose": "议事会"}),
        )
        .await;
    ids.booking = r.json()["id"].as_i64().expect("booking made");
    // 张三 attended a 全员保洁日 (set up directly) and asks to correct it; and redeems points.
    let now = app.state.clock.now();
    ids.signup = xinghuo::db::insert_id(
        &app.state.db.write,
        "INSERT INTO signups (occurrence_id, person_id, state, created_at, updated_at, service_minutes) \
         VALUES ($1, $2, 'confirmed', $3, $3, 60) RETURNING id",
        vec![ids.occurrence2.into(), ids.zhangsan.into(), now.into()],
    )
    .await
    .unwrap();
    ids.correction = xinghuo::db::insert_id(
        &app.state.db.write,
        "INSERT INTO hour_corrections (signup_id, person_id, project_id, minutes_before, minutes_requested, reason, state, created_at) \
         VALUES ($1, $2, $3, 60, 90, '测试', 'pending', $4) RETURNING id",
        vec![ids.signup.into(), ids.zhangsan.into(), ids.yeyu.into(), now.into()],
    )
    .await
    .unwrap();
    app.give_points(ids.zhangsan, ids.yeyu, 500).await;
    // A write-up photo (the request photo's blob, set up directly).
    ids.writeup_photo = xinghuo::db::insert_id(
        &app.state.db.write,
        "INSERT INTO writeup_photos (occurrence_id, object_key, content_type, size_bytes, created_at) \
         SELECT $1, object_key, content_type, size_bytes, created_at FROM request_photos WHERE id = $2 RETURNING id",
        vec![ids.occurrence.into(), ids.photo.into()],
    )
    .await
    .unwrap();
    let r = resident.json("POST", &format!("/api/v1/rewards/{}/redeem", ids.item), json!({})).await;
    ids.redemption = r.json()["id"].as_i64().expect("redeemed");
    let r = resident.post_form("/account/data/requests", &[("kind", "delete"), ("details", "")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    ids.data_request = app.id("SELECT MAX(id) AS id FROM data_requests").await;
    // 保利天玺 registers someone with 李四's ID number: a link waits for 李四.
    let lisi_id = app.contact(ids.lisi).await.1.unwrap();
    let r = app
        .login("staff2")
        .await
        .post_form(
            &format!("/households/{}/members", ids.hh_tianxi),
            &[("name", "李四"), ("id_number", &lisi_id), ("relation", "owner")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    ids.link = app.id("SELECT MAX(id) AS id FROM person_links").await;
    let mut clients = Vec::new();
    for p in PERSONAS {
        clients.push(if p == "anon" { app.client() } else { app.login(p).await });
    }
    let mut failures = Vec::new();
    for row in rows(&ids) {
        for (k, persona) in PERSONAS.iter().enumerate() {
            let r = call(&mut clients[k], &row).await;
            let got = classify(&row.path, &r);
            if got != row.expect[k] {
                failures.push(format!(
                    "{} {} as {persona}: expected {:?}, got {:?} ({} {})",
                    row.method,
                    row.path,
                    row.expect[k],
                    got,
                    r.status,
                    r.text.chars().take(120).collect::<String>()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn another_projects_staff_cannot_read_or_change_a_household() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff2 = app.login("staff2").await;
    let before = app.count("SELECT COUNT(*) AS n FROM household_members").await;
    let r =
        staff2.post_form(&format!("/households/{}/members", ids.hh1), &[("name", "王五"), ("relation", "owner")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM household_members").await, before);
    // …but can in their own project.
    let r = staff2
        .post_form(&format!("/households/{}/members", ids.hh_tianxi), &[("name", "王五"), ("relation", "owner")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM household_members").await, before + 1);
}

#[tokio::test]
async fn a_cadre_reads_projects_in_their_community_but_cannot_change_them() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut cadre = app.login("cadre").await;
    assert_eq!(cadre.get(&format!("/org/{}", ids.tianxi)).await.status, StatusCode::OK);
    assert_eq!(cadre.get(&format!("/households/{}", ids.hh_tianxi)).await.status, StatusCode::OK);
    assert_eq!(cadre.get(&format!("/org/{}", ids.yeyu)).await.status, StatusCode::NOT_FOUND);
    let r = cadre.post_form(&format!("/households/{}", ids.hh_tianxi), &[("area", "90")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
