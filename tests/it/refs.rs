//! Reference data from memory (`xinghuo::refs`, issue 15): two instances on one database (as behind a
//! load balancer), each holding a project's categories, its buildings and where a home is. What
//! changes through one instance — or by hand in the database — is what the other serves on the very
//! next request.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{Client, TestApp};

/// The respond and complete windows (minutes) and the building a report on this client was given.
async fn report(app: &TestApp, c: &mut Client, body: &serde_json::Value) -> (i64, i64, i64) {
    let r = c.json("POST", "/api/v1/requests", body.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    let d = c.get(&format!("/api/v1/requests/{id}")).await.json();
    let at = |k: &str| chrono::DateTime::parse_from_rfc3339(d["request"][k].as_str().unwrap()).unwrap();
    let building = app.id(&format!("SELECT building_id AS id FROM requests WHERE id = {id}")).await;
    (
        (at("respond_by") - at("created_at")).num_minutes(),
        (at("complete_by") - at("created_at")).num_minutes(),
        building,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_category_or_home_applies_to_the_next_request_on_every_instance() {
    let app = TestApp::new().await;
    let (second, other) = app.second_instance().await;
    let ids = app.ids().await;
    let mut on_a = app.login("resident").await;
    let mut on_b = on_a.clone().on(other.clone());
    let body = json!({"category_id": ids.yeyu_lighting, "description": "楼道灯不亮了", "household_id": ids.hh1});
    let (respond, complete, building) = report(&app, &mut on_b, &body).await;
    assert_eq!(report(&app, &mut on_a, &body).await, (respond, complete, building));
    assert_eq!(building, ids.yeyu_building);
    assert!(!app.state.refs.is_empty() && !second.refs.is_empty(), "both instances hold the category and the home");
    let mut staff_a = app.login("staff").await;
    let mut staff_b = staff_a.clone().on(other.clone());
    let queue = format!("/requests?project_id={}", ids.yeyu);
    let option = |id: i64, name: &str| format!("<option value=\"{id}\">{name}</option>");
    for c in [&mut staff_a, &mut staff_b] {
        let page = c.get(&queue).await.text;
        assert!(page.contains(&option(ids.yeyu_lighting, "公共照明")), "the queue's category filter: {page}");
    }

    // Changed by the project's staff on the first instance: the second gives the new windows and name.
    let r = staff_a
        .post_form(
            &format!("/requests/categories/{}", ids.yeyu_lighting),
            &[("name", "楼道照明"), ("respond_minutes", "20"), ("complete_hours", "12")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_ne!((respond, complete), (20, 12 * 60), "the change is a change");
    assert_eq!(report(&app, &mut on_b, &body).await, (20, 12 * 60, building), "the other instance served the old SLA");
    assert_eq!(report(&app, &mut on_a, &body).await, (20, 12 * 60, building));
    let page = staff_b.get(&queue).await.text;
    assert!(page.contains(&option(ids.yeyu_lighting, "楼道照明")), "the other instance's filter kept the old name");

    // Fixed by hand in the database, behind both instances' backs: both see it too.
    xinghuo::db::exec(
        &app.state.db.write,
        "UPDATE request_categories SET respond_minutes = 45 WHERE id = $1",
        vec![ids.yeyu_lighting.into()],
    )
    .await
    .unwrap();
    assert_eq!(report(&app, &mut on_b, &body).await, (45, 12 * 60, building));
    assert_eq!(report(&app, &mut on_a, &body).await, (45, 12 * 60, building));

    // A building added on the first instance is in the other's queue filter at once.
    let mut admin = app.login("admin").await;
    let r = admin.json("POST", &format!("/api/v1/nodes/{}/children", ids.yeyu), json!({"name": "9栋"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let new_building = r.json()["id"].as_i64().unwrap();
    let page = staff_b.get(&queue).await.text;
    assert!(page.contains(&option(new_building, "9栋")), "the other instance's filter misses the new building");
    let r = admin.json("POST", &format!("/api/v1/nodes/{new_building}/children"), json!({"name": "1单元"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let new_unit = r.json()["id"].as_i64().unwrap();

    // The home re-attached to the new building's unit by hand in the database: the next report on either
    // instance is filed at the new building.
    for c in [&mut on_a, &mut on_b] {
        assert_eq!(report(&app, c, &body).await.2, building, "both caches hold the home where it was");
    }
    xinghuo::db::exec(
        &app.state.db.write,
        "UPDATE org_nodes SET parent_id = $1 WHERE id = $2",
        vec![new_unit.into(), ids.hh1.into()],
    )
    .await
    .unwrap();
    assert_eq!(report(&app, &mut on_b, &body).await.2, new_building, "the other instance filed it at the old building");
    assert_eq!(report(&app, &mut on_a, &body).await.2, new_building);
}

/// A booking's room, centre, hours and closed days from memory: a day closed or hours shortened on one
/// instance, or a room's rule changed by hand in the database, refuses the next booking on the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_room_rule_hours_or_closed_day_applies_to_the_next_booking_on_every_instance() {
    let app = TestApp::new().await;
    let (second, other) = app.second_instance().await;
    let ids = app.ids().await;
    let hall = app
        .id(&format!(
            "SELECT r.id FROM rooms r JOIN centres c ON c.id = r.centre_id WHERE c.project_id = {} AND r.name = '议事厅'",
            ids.yeyu
        ))
        .await;
    let centre = app.id(&format!("SELECT centre_id AS id FROM rooms WHERE id = {hall}")).await;
    let mut staff_a = app.login("staff").await;
    let mut staff_b = staff_a.clone().on(other);
    let url = format!("/api/v1/rooms/{hall}/bookings");
    async fn book(c: &mut Client, url: &str, date: &str, start: &str, end: &str) -> Result<i64, String> {
        let r = c.json("POST", url, json!({"date": date, "start": start, "end": end, "purpose": "楼栋议事会"})).await;
        match r.status {
            StatusCode::OK => Ok(r.json()["id"].as_i64().unwrap()),
            _ => Err(r.json()["code"].as_str().unwrap_or(&r.text).to_string()),
        }
    }
    // Both instances book (the second an afternoon), so both hold the room, centre, hours and closed days.
    book(&mut staff_a, &url, "2026-12-01", "10:00", "11:00").await.unwrap();
    book(&mut staff_b, &url, "2026-12-01", "16:00", "16:30").await.unwrap();
    assert!(!app.state.refs.is_empty() && !second.refs.is_empty(), "both instances hold the room");

    // A day closed on the first instance: the second refuses it.
    let r = staff_a
        .json(
            "POST",
            &format!("/api/v1/centres/{centre}/closed-days"),
            json!({"date": "2026-12-03", "reason": "设备检修"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(book(&mut staff_b, &url, "2026-12-03", "10:00", "11:00").await, Err("closed_date".into()));

    // Mornings only from now on, set on the first: the second refuses the afternoon it took an hour ago.
    let days: Vec<_> = (1..=7).map(|d| json!({"weekday": d, "opens": "09:00", "closes": "12:00"})).collect();
    let r = staff_a.json("PUT", &format!("/api/v1/centres/{centre}/hours"), json!(days)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(book(&mut staff_b, &url, "2026-12-01", "16:30", "17:00").await, Err("outside_hours".into()));
    book(&mut staff_b, &url, "2026-12-02", "11:00", "11:30").await.unwrap();

    // A week's notice required, set by hand in the database: both instances refuse a booking four days out.
    xinghuo::db::exec(&app.state.db.write, "UPDATE rooms SET notice_minutes = 10080 WHERE id = $1", vec![hall.into()])
        .await
        .unwrap();
    assert_eq!(book(&mut staff_b, &url, "2026-12-02", "11:30", "12:00").await, Err("too_late".into()));
    assert_eq!(book(&mut staff_a, &url, "2026-12-02", "11:30", "12:00").await, Err("too_late".into()));
}
