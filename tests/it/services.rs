//! C10's 户内托管 and 快递配送: 张三 follows the checks of his flat on the phone, 李四 next door finds
//! nothing; a check needs every item looked at, a note for what is wrong and a photo; an ended agreement
//! takes no check (409, nothing written); a missed check alerts the manager once a day. Parcels: the
//! elderly first, one taker, a photo at the door, cancelled only before it is taken.

use axum::http::StatusCode;
use serde_json::json;
use xinghuo::clock::Clock;

use crate::support::{PNG_1X1, TestApp};

#[tokio::test]
async fn the_owner_follows_every_custody_check_and_an_ended_agreement_takes_none() {
    let app = TestApp::new().await;
    let id = app.id("SELECT MIN(id) AS id FROM custody_agreements").await;
    let url = format!("/api/v1/custody/{id}");
    let mut zhang = app.login("resident").await;
    let v = zhang.get(&url).await.json();
    assert_eq!(v["staff"], false, "{v}");
    assert_eq!(v["checks"].as_array().unwrap().len(), 3, "{v}");
    assert_eq!(v["l"]["a"]["keys_held"], true, "{v}");
    for who in ["resident2", "staff2", "cadre", "grid"] {
        assert_eq!(app.login(who).await.get(&url).await.status, StatusCode::NOT_FOUND, "{who}");
    }
    // The owner may not record a check; the staff must tick, explain and photograph.
    let checks = format!("/api/v1/custody/{id}/checks");
    let r = zhang.multipart_named(&checks, &[("ok_water", "1")], "photo", ("a.png", PNG_1X1)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut staff = app.login("staff").await;
    let before = app.count("SELECT COUNT(*) AS n FROM custody_checks").await;
    let r = staff.multipart_named(&checks, &[("ok_water", "1"), ("ok_gas", "1")], "photo", ("a.png", PNG_1X1)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "two items unticked need a note: {}", r.text);
    let ok = [("ok_water", "1"), ("ok_gas", "1"), ("ok_windows", "1"), ("ok_plants", "1")];
    let r = staff.multipart_files(&checks, &ok, "photo", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a photo is needed: {}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM custody_checks").await, before);
    let r = staff.multipart_named(&checks, &ok, "photo", ("a.png", PNG_1X1)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = staff.multipart_named(&checks, &ok, "photo", ("a.png", PNG_1X1)).await;
    assert_eq!(r.json()["code"], "check_exists", "one check a day: {}", r.text);
    // 张三 is told and sees it with its photo.
    let zhang_user = app.id("SELECT id FROM users WHERE username = 'resident'").await;
    assert!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM notifications WHERE user_id = {zhang_user} AND link = '/custody/{id}'"
        ))
        .await
            >= 1
    );
    let v = zhang.get(&url).await.json();
    let last = &v["checks"][0];
    assert_eq!(last["problems"].as_array().unwrap().len(), 0, "{v}");
    let photo = last["photos"][0].as_i64().unwrap();
    let purl = format!("/custody/checks/{}/photos/{photo}", last["c"]["id"]);
    assert_eq!(zhang.get(&purl).await.status, StatusCode::OK);
    assert_eq!(app.login("resident2").await.get(&purl).await.status, StatusCode::NOT_FOUND);
    // The staff end it; a check afterwards is 409 and writes nothing.
    assert_eq!(staff.post_form(&format!("/custody/{id}/end"), &[]).await.status, StatusCode::SEE_OTHER);
    app.clock.advance(chrono::Duration::days(1));
    let mut staff = app.login("staff").await;
    let n = app.count("SELECT COUNT(*) AS n FROM custody_checks").await;
    let r = staff.multipart_named(&checks, &ok, "photo", ("a.png", PNG_1X1)).await;
    assert_eq!((r.status, r.json()["code"].as_str()), (StatusCode::CONFLICT, Some("custody_ended")), "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM custody_checks").await, n);
}

#[tokio::test]
async fn staff_set_custody_up_log_the_keys_and_a_missed_check_alerts_the_manager_once_a_day() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let y = ids.yeyu.to_string();
    let mut staff = app.login("staff").await;
    let today = app.state.clock.today();
    let (t0, t9) = (today.to_string(), (today + chrono::Duration::days(9)).to_string());
    let mut form = vec![
        ("project_id", y.as_str()),
        ("room", "1-1-102"),
        ("name", "李四"),
        ("starts_on", t0.as_str()),
        ("ends_on", t9.as_str()),
        ("every_days", "2"),
    ];
    // No item chosen: refused beside the field, the typed name kept.
    let r = staff.post_form_from("/custody", "/custody", &form).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"items-error\"") && r.text.contains("value=\"李四\""), "{}", r.text);
    form.extend([("items", "water"), ("items", "windows")]);
    assert_eq!(app.login("staff2").await.post_form("/custody", &form).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = staff.post_form("/custody", &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let id: i64 = r.location().trim_start_matches("/custody/").split('?').next().unwrap().parse().unwrap();
    // Keys: returned before received is refused; received, then received again refused.
    let keys = format!("/custody/{id}/keys");
    let r = staff.multipart_files(&keys, &[("event", "returned"), ("party", "李四")], "photo", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = staff.multipart_files(&keys, &[("event", "received"), ("party", "李四")], "photo", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = staff.multipart_files(&keys, &[("event", "received"), ("party", "李四")], "photo", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    // The first check is due today; two days on the job alerts the manager, once that day.
    let job = || xinghuo::convenience::custody::actions::alert_missed(&app.state, app.clock.now());
    job().await.unwrap();
    let staff_user = app.id("SELECT id FROM users WHERE username = 'staff'").await;
    let alerts =
        format!("SELECT COUNT(*) AS n FROM notifications WHERE user_id = {staff_user} AND link = '/custody/{id}'");
    assert_eq!(app.count(&alerts).await, 0, "not missed on its day");
    app.clock.advance(chrono::Duration::days(2));
    assert!(job().await.unwrap() >= 1);
    job().await.unwrap();
    assert_eq!(app.count(&alerts).await, 1, "once a day");
}

#[tokio::test]
async fn parcels_come_to_the_door_the_elderly_first_with_one_taker_and_a_photo() {
    let app = TestApp::new().await;
    let mut li = app.login("resident2").await;
    let before = app.count("SELECT COUNT(*) AS n FROM parcels").await;
    let r = li.post_form_from("/parcels", "/parcels", &[("pieces", "30"), ("pickup", "菜鸟驿站 9-9-9")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"pieces-error\"") && r.text.contains("菜鸟驿站 9-9-9"), "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM parcels").await, before);
    let r = li.json("POST", "/api/v1/parcels", json!({"pieces": "2", "pickup": "丰巢 123456"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mine = r.json()["id"].as_i64().unwrap();
    // 和悦's queue: the elderly resident living alone first, though she asked last.
    let mut hejing = app.login("hejing").await;
    let q = hejing.get("/api/v1/parcels").await.json();
    let queue = q["queue"].as_array().unwrap();
    assert!(queue[0]["x"]["priority"] == true, "{q}");
    // 叶语's staff take 李四's; 天玺's staff and 张三 cannot; a second take is 409.
    let take = format!("/api/v1/parcels/{mine}/take");
    assert_eq!(app.login("staff2").await.json("POST", &take, json!({})).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.login("resident").await.json("POST", &take, json!({})).await.status, StatusCode::NOT_FOUND);
    let mut staff = app.login("staff").await;
    assert_eq!(staff.json("POST", &take, json!({})).await.status, StatusCode::OK);
    let r = staff.json("POST", &take, json!({})).await;
    assert_eq!(r.json()["code"], "parcel_taken", "{}", r.text);
    // On the way: 李四 cannot cancel it any more.
    let r = li.post_form(&format!("/parcels/{mine}/cancel"), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    // Delivered with a photo (without one: 422), which 李四 sees.
    let deliver = format!("/parcels/{mine}/deliver");
    assert_eq!(staff.multipart_files(&deliver, &[], "photo", &[]).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(staff.multipart_named(&deliver, &[], "photo", ("p.png", PNG_1X1)).await.status, StatusCode::SEE_OTHER);
    let v = li.get("/api/v1/parcels").await.json();
    let got = v["mine"].as_array().unwrap().iter().find(|l| l["x"]["id"] == mine).unwrap().clone();
    assert_eq!(got["x"]["state"], "delivered", "{got}");
    let photo = got["photos"][0].as_i64().unwrap();
    assert_eq!(li.get(&format!("/parcels/{mine}/photos/{photo}")).await.status, StatusCode::OK);
    assert_eq!(
        app.login("resident").await.get(&format!("/parcels/{mine}/photos/{photo}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn staff_asking_for_a_disabled_resident_put_her_first() {
    let app = TestApp::new().await;
    #[derive(sea_orm::FromQueryResult)]
    struct T {
        project_id: i64,
        name: String,
        label: String,
    }
    let t: T = xinghuo::db::one(
        &app.state.db.read,
        "SELECT t.project_id, pe.name, b.name || u.name || h.room AS label FROM care_tags t \
         JOIN persons pe ON pe.id = t.person_id JOIN households h ON h.node_id = t.household_id \
         JOIN org_nodes hn ON hn.id = h.node_id JOIN org_nodes u ON u.id = hn.parent_id JOIN org_nodes b ON b.id = u.parent_id \
         WHERE t.kind = 'disabled' ORDER BY t.id LIMIT 1",
        vec![],
    )
    .await
    .unwrap()
    .unwrap();
    let mut hejing = app.login("hejing").await;
    let body = json!({"project_id": t.project_id.to_string(), "room": t.label, "name": t.name, "pieces": "1", "pickup": "驿站 1-1-1"});
    let r = hejing.json("POST", "/api/v1/parcels", body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    assert_eq!(app.count(&format!("SELECT COUNT(*) AS n FROM parcels WHERE id = {id} AND priority = TRUE")).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_parcel_has_one_taker_when_two_take_it_at_once_or_its_owner_cancels_meanwhile() {
    let app = TestApp::with(|c| c.db_max_connections = 16).await;
    let mut li = app.login("resident2").await;
    for round in 0..4 {
        let r = li.json("POST", "/api/v1/parcels", json!({"pieces": "1", "pickup": "丰巢 99"})).await;
        let id = r.json()["id"].as_i64().unwrap();
        let take = format!("/api/v1/parcels/{id}/take");
        let (mut a, b) = (app.login("staff").await, app.login("admin").await);
        // Rounds 0–1: two staff take; rounds 2–3: a take against 李四 cancelling.
        let mut b = if round < 2 { b } else { app.login("resident2").await };
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(2));
        let (ba, bb, ta) = (barrier.clone(), barrier, take.clone());
        let other = if round < 2 { take.clone() } else { format!("/api/v1/parcels/{id}/cancel") };
        let ha = tokio::spawn(async move {
            ba.wait().await;
            a.json("POST", &ta, json!({})).await.status
        });
        let hb = tokio::spawn(async move {
            bb.wait().await;
            b.json("POST", &other, json!({})).await.status
        });
        let got = [ha.await.unwrap(), hb.await.unwrap()];
        assert_eq!(got.iter().filter(|s| **s == StatusCode::OK).count(), 1, "round {round}: {got:?}");
        assert_eq!(got.iter().filter(|s| **s == StatusCode::CONFLICT).count(), 1, "round {round}: {got:?}");
        // Two takers leave it taken whoever won; a take against a cancel leaves what won.
        let state = if got[0] == StatusCode::OK || round < 2 { "taken" } else { "cancelled" };
        let q = format!("SELECT COUNT(*) AS n FROM parcels WHERE id = {id} AND state = '{state}'");
        assert_eq!(app.count(&q).await, 1, "round {round}: {got:?}");
    }
}
