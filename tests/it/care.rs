//! C9 care: a care tag is sensitive — 和悦's staff and the grid members whose grid holds the home see
//! the care list (most overdue first), each read audited; a resident, another estate's staff and the
//! community's cadre do not. Staff tag a resident by home (twice is a conflict, a stranger refused with
//! the form kept); a visit clears the overdue; the hourly job reminds the visitor once a day.

use axum::http::StatusCode;
use serde_json::json;
use xinghuo::clock::Clock;

use crate::support::TestApp;

#[tokio::test]
async fn the_care_list_is_seen_only_with_a_care_duty_most_overdue_first_and_every_read_audited() {
    let app = TestApp::new().await;
    let mut hejing = app.login("hejing").await;
    let audits0 = app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'care_read'").await;
    let list = hejing.get("/api/v1/care").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let lines = list.json().as_array().unwrap().clone();
    assert!(lines.len() >= 4, "{}", list.text);
    assert!(lines[0]["overdue_days"].as_i64().unwrap() >= 3, "most overdue first: {}", list.text);
    let days: Vec<i64> = lines.iter().map(|l| l["overdue_days"].as_i64().unwrap()).collect();
    assert!(days.windows(2).all(|w| w[0] >= w[1]), "{days:?}");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'care_read'").await, audits0 + 1);
    // The community's grid member (his grid holds the estate's homes) sees it; the cadre, another
    // estate's staff and a resident do not.
    let grid = app.login("grid").await.get("/api/v1/care").await.json();
    assert_eq!(grid.as_array().unwrap().len(), lines.len());
    for who in ["mumashan", "staff"] {
        let got = app.login(who).await.get("/api/v1/care").await;
        assert_eq!(got.json().as_array().map(|a| a.len()), Some(0), "{who}: {}", got.text);
    }
    assert_eq!(app.login("resident").await.get("/api/v1/care").await.status, StatusCode::FORBIDDEN);
    let id = lines[0]["tag"]["id"].as_i64().unwrap();
    for who in ["mumashan", "staff", "cadre"] {
        assert_eq!(app.login(who).await.get(&format!("/care/tags/{id}")).await.status, StatusCode::NOT_FOUND, "{who}");
    }
    let page = hejing.get(&format!("/care/tags/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'care_read'").await, audits0 + 3);

    // A visit today clears the overdue; a poor state needs words, else nothing is written.
    let visits0 = app.count("SELECT COUNT(*) AS n FROM care_visits").await;
    let url = format!("/api/v1/care/tags/{id}/visits");
    let r = hejing.json("POST", &url, json!({"how": "in_person", "wellbeing": "poor", "note": ""})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM care_visits").await, visits0);
    let r = hejing
        .json("POST", &url, json!({"how": "in_person", "wellbeing": "poor", "note": "腿疼下不了楼，需要代买药品"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let after = hejing.get("/api/v1/care").await.json();
    let mine = after.as_array().unwrap().iter().find(|l| l["tag"]["id"] == id).unwrap();
    assert_eq!(mine["overdue_days"], 0, "{mine}");
}

#[tokio::test]
async fn staff_tag_a_resident_by_home_and_the_visitor_is_reminded_once_a_day() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let y = ids.yeyu.to_string();
    let before = app.count("SELECT COUNT(*) AS n FROM care_tags").await;
    let bad = [("project_id", y.as_str()), ("room", "1-1-101"), ("name", "不是他"), ("kind", "elderly_alone")];
    let r = staff.post_form_from("/care", "/care/tags", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"name-error\"") && r.text.contains("value=\"不是他\""), "{}", r.text);
    // Another estate's staff cannot tag here.
    let good = [("project_id", y.as_str()), ("room", "1-1-101"), ("name", "张三"), ("kind", "elderly_alone")];
    assert_eq!(app.login("staff2").await.post_form("/care/tags", &good).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM care_tags").await, before);
    let r = staff.post_form("/care/tags", &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let id: i64 = r.location().trim_start_matches("/care/tags/").split('?').next().unwrap().parse().unwrap();
    assert_eq!(staff.post_form("/care/tags", &good).await.status, StatusCode::CONFLICT, "tagged twice");
    // 张三 himself does not see his tag.
    let mut zhang = app.login("resident").await;
    assert_eq!(zhang.get(&format!("/care/tags/{id}")).await.status, StatusCode::FORBIDDEN);
    // The manager takes the visits on, weekly; a week and a day later the job reminds him once.
    let r = staff.post_form(&format!("/care/tags/{id}/plan"), &[("every_days", "7"), ("visitor", "me")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let job = || xinghuo::care::actions::remind_overdue(&app.state, app.clock.now());
    let n0 = job().await.unwrap();
    app.clock.advance(chrono::Duration::days(8));
    let n1 = job().await.unwrap();
    assert!(n1 > 0 && job().await.unwrap() == 0, "reminded once a day: {n0} {n1}");
    let staff_user = app.id("SELECT id FROM users WHERE username = 'staff'").await;
    assert!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM notifications WHERE user_id = {staff_user} AND link = '/care/tags/{id}'"
        ))
        .await
            >= 1
    );
    // Ended: off the list.
    let mut staff = app.login("staff").await;
    assert_eq!(staff.post_form(&format!("/care/tags/{id}/end"), &[]).await.status, StatusCode::SEE_OTHER);
    assert!(!staff.get("/api/v1/care").await.text.contains(&format!("\"id\":{id},")));
}
