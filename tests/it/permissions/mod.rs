//! The permission matrix: persona × route × expected outcome, for every route in the route table.
//! A route added without a row here fails `every_route_has_a_row_in_the_matrix`.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{Client, Ids, TestApp};

mod activities;
mod admin;
mod api;
mod audit;
mod auth;
mod bodies;
mod care;
mod convenience;
mod grid;
mod honours;
mod io;
mod joint;
mod notify;
mod ops;
mod org;
mod party;
mod people;
mod positions;
mod requests;
mod supervision;
mod volunteers;
mod wishes;

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

type Expect = [Out; 8];

/// The expectation groups rows share: (everyone, signed in, desk users, 保利叶语 staff, any project's
/// staff, one's own home, admins, nobody, the person a link waits for).
#[allow(clippy::type_complexity)]
fn groups() -> (Expect, Expect, Expect, Expect, Expect, Expect, Expect, Expect, Expect) {
    (
        [A; 8],
        [L, A, A, A, A, A, A, A],
        [L, D, D, A, A, A, A, A],
        [L, D, D, A, D, D, D, A],
        [L, D, D, A, A, D, D, A],
        [L, A, D, A, D, D, D, A],
        [L, D, D, D, D, D, D, A],
        [L, D, D, D, D, D, D, D],
        // A link waiting for 李四 (resident2) to say whether it is him.
        [L, D, A, D, D, D, D, D],
    )
}

fn r(method: &'static str, template: &'static str, path: String, body: Body, expect: Expect) -> Row {
    Row { method, template, path, body, expect }
}

fn f(v: &[(&'static str, &str)]) -> Body {
    Body::Form(v.iter().map(|(k, v)| (*k, v.to_string())).collect())
}

/// Every capability's rows (each file beside the others, one per `src/` capability); log-out last,
/// because it ends the session.
fn rows(i: &Ids) -> Vec<Row> {
    let mut v = Vec::new();
    v.extend(ops::rows(i));
    v.extend(auth::rows(i));
    v.extend(people::rows(i));
    v.extend(org::rows(i));
    v.extend(io::rows(i));
    v.extend(audit::rows(i));
    v.extend(api::rows(i));
    v.extend(admin::rows(i));
    v.extend(requests::rows(i));
    v.extend(positions::rows(i));
    v.extend(activities::rows(i));
    v.extend(volunteers::rows(i));
    v.extend(party::rows(i));
    v.extend(honours::rows(i));
    v.extend(bodies::rows(i));
    v.extend(joint::rows(i));
    v.extend(wishes::rows(i));
    v.extend(convenience::rows(i));
    v.extend(grid::rows(i));
    v.extend(supervision::rows(i));
    v.extend(care::rows(i));
    v.extend(notify::rows(i));
    v.sort_by_key(|r| r.template == "/logout");
    v
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
    ids.care_round_photo = xinghuo::db::insert_id(
        &app.state.db.write,
        "INSERT INTO care_round_photos (stop_id, object_key, content_type, size_bytes, created_at) \
         SELECT $1, object_key, content_type, size_bytes, created_at FROM request_photos WHERE id = $2 RETURNING id",
        vec![ids.care_stop_done.into(), ids.photo.into()],
    )
    .await
    .unwrap();
    for (table, column, owner, field) in [
        ("custody_check_photos", "check_id", ids.custody_check, 0),
        ("parcel_photos", "parcel_id", ids.parcel_done, 1),
        ("grid_visit_photos", "visit_id", ids.grid_visit, 2),
    ] {
        let id = xinghuo::db::insert_id(
            &app.state.db.write,
            &format!(
                "INSERT INTO {table} ({column}, object_key, content_type, size_bytes, created_at) \
                 SELECT $1, object_key, content_type, size_bytes, created_at FROM request_photos WHERE id = $2 RETURNING id"
            ),
            vec![owner.into(), ids.photo.into()],
        )
        .await
        .unwrap();
        match field {
            0 => ids.custody_photo = id,
            1 => ids.parcel_photo = id,
            _ => ids.grid_visit_photo = id,
        }
    }
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
    // Real objects for the revoke and delete rows, owned so that the one persona allowed to act comes
    // after every persona refused (the matrix runs personas in order), and each refusal is of a live
    // object, not a missing one.
    let r = app
        .login("admin")
        .await
        .post_form("/account/tokens", &[("name", "对接测试"), ("access", "read"), ("days", "30")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    ids.admin_token = app.id("SELECT MAX(id) AS id FROM api_tokens").await;
    for (slot, role) in [(&mut ids.branch_role, "party_member"), (&mut ids.branch_role2, "volunteer")] {
        *slot = xinghuo::db::insert_id(
            &app.state.db.write,
            "INSERT INTO role_assignments (person_id, role, node_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            vec![ids.zhangsan.into(), role.into(), ids.branch.into(), now.into()],
        )
        .await
        .unwrap();
    }
    let r = app
        .login("staff2")
        .await
        .post_form("/requests/open311-keys", &[("project_id", &ids.tianxi.to_string()), ("label", "12345热线")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    ids.tianxi_key = app.id("SELECT MAX(id) AS id FROM open311_keys").await;
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
    // The objects the one allowed persona acted on are gone, so the refusals before it were of live ones.
    let live = |sql: String| {
        let app = &app;
        async move { app.count(&sql).await }
    };
    assert_eq!(
        live(format!("SELECT COUNT(*) AS n FROM api_tokens WHERE id = {} AND revoked_at IS NULL", ids.admin_token))
            .await,
        0
    );
    assert_eq!(
        live(format!(
            "SELECT COUNT(*) AS n FROM role_assignments WHERE id IN ({}, {})",
            ids.branch_role, ids.branch_role2
        ))
        .await,
        0
    );
    assert_eq!(
        live(format!("SELECT COUNT(*) AS n FROM open311_keys WHERE id = {} AND revoked_at IS NULL", ids.tianxi_key))
            .await,
        0
    );
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

/// A role at a project is removed by that project's staff; every other persona is refused a live role
/// (it is still there after each refusal), and the API says the same.
#[tokio::test]
async fn a_project_role_is_removed_by_its_projects_staff_and_nobody_else() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let now = app.state.clock.now();
    let mut rid = 0;
    for role in ["volunteer", "party_member"] {
        rid = xinghuo::db::insert_id(
            &app.state.db.write,
            "INSERT INTO role_assignments (person_id, role, node_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            vec![ids.zhangsan.into(), role.into(), ids.yeyu.into(), now.into()],
        )
        .await
        .unwrap();
    }
    let (page_role, api_role) = (rid - 1, rid);
    let exists = |id: i64| {
        let app = &app;
        async move { app.count(&format!("SELECT COUNT(*) AS n FROM role_assignments WHERE id = {id}")).await == 1 }
    };
    let anon = app.client().post_form(&format!("/people/{}/roles/{page_role}/delete", ids.zhangsan), &[]).await;
    assert_eq!(classify("/people", &anon), L);
    for persona in ["resident", "resident2", "staff2", "cadre", "grid"] {
        let mut c = app.login(persona).await;
        let r = c.post_form(&format!("/people/{}/roles/{page_role}/delete", ids.zhangsan), &[]).await;
        assert_eq!(classify("/people", &r), D, "{persona}: {} {}", r.status, r.text);
        let r = c.json("DELETE", &format!("/api/v1/people/{}/roles/{api_role}", ids.zhangsan), json!({})).await;
        assert_eq!(classify("/api/v1/people", &r), D, "{persona}: {} {}", r.status, r.text);
        assert!(exists(page_role).await && exists(api_role).await, "{persona} removed a role");
    }
    let mut staff = app.login("staff").await;
    let r = staff.post_form(&format!("/people/{}/roles/{page_role}/delete", ids.zhangsan), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = staff.json("DELETE", &format!("/api/v1/people/{}/roles/{api_role}", ids.zhangsan), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(!exists(page_role).await && !exists(api_role).await);
}
