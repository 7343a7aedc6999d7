//! Pushing 上报 to a city's Open311 platform (issue 11), with a second Xinghuo instance on a local port
//! standing as the city: the push is filed once, its status polled back onto the timeline until the city
//! closes it; a city that is down or answers an error leaves the referral queued and retried with
//! back-off; a send that got no answer is never sent again until staff settle it.

use std::net::SocketAddr;

use axum::http::StatusCode;
use chrono::Duration;
use serde_json::json;
use xinghuo::requests::outbound::{client_with_timeout, poll_due, push_due};

use crate::support::{Client, NowUtc, TestApp};

async fn text(app: &TestApp, sql: &str) -> String {
    #[derive(sea_orm::FromQueryResult)]
    struct T {
        t: Option<String>,
    }
    xinghuo::db::one::<T>(&app.state.db.read, sql, vec![]).await.unwrap().and_then(|r| r.t).unwrap_or_default()
}

/// Serve an app on a real local port (as a city's platform would be reached).
async fn serve(app: &TestApp) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let router = app.router.clone();
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
    });
    port
}

/// A port where nothing listens.
async fn closed_port() -> u16 {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap().port()
}

/// A "city" that takes the connection and the request and never answers.
async fn silent_city() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s);
        }
    });
    port
}

struct City {
    app: TestApp,
    port: u16,
    key: String,
    code: i64,
}

async fn city() -> City {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let r = staff
        .post_form("/requests/open311-keys", &[("project_id", &ids.yeyu.to_string()), ("label", "保利物业对接")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let key = r.text.split("id=\"new-key-value\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    let port = serve(&app).await;
    City { app, port, key, code: ids.yeyu_lighting }
}

async fn configure(
    c: &mut Client,
    project: i64,
    category: i64,
    port: u16,
    key: &str,
    code: &str,
) -> crate::support::Resp {
    c.json(
        "PUT",
        &format!("/api/v1/projects/{project}/open311-outbound"),
        json!({
            "base_url": format!("http://127.0.0.1:{port}/open311/v2/"),
            "api_key": key,
            "enabled": true,
            "service_codes": [{"category_id": category, "service_code": code}],
        }),
    )
    .await
}

async fn push_up(app: &TestApp, c: &mut Client, category: i64, what: &str) -> (i64, i64) {
    let r = c
        .json(
            "POST",
            "/api/v1/requests",
            json!({"category_id": category, "description": what, "location_text": "东门外市政道路"}),
        )
        .await;
    let id = r.json()["id"].as_i64().unwrap();
    let r = c
        .json(
            "POST",
            &format!("/api/v1/requests/{id}/actions"),
            json!({"action": "escalate_outside", "outside": "12345", "reason": "市政设施"}),
        )
        .await;
    assert_eq!(r.json()["state"], "escalated", "{}", r.text);
    (id, app.id(&format!("SELECT id FROM request_referrals WHERE request_id = {id}")).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_referral_is_filed_with_the_city_once_and_its_answer_comes_back() {
    let city = city().await;
    let estate = TestApp::new().await;
    let liyuan = estate.id("SELECT id FROM org_nodes WHERE code = 'LIYUAN'").await;
    let category =
        estate.id(&format!("SELECT id FROM request_categories WHERE project_id = {liyuan} AND name = '市政'")).await;
    let mut hejing = estate.login("hejing").await;
    let r = configure(&mut hejing, liyuan, category, city.port, &city.key, &city.code.to_string()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["has_key"], true);
    assert!(!r.text.contains(&city.key), "the key is never shown again");
    assert!(
        !text(&estate, "SELECT api_key_sealed AS t FROM open311_outbound").await.contains(&city.key),
        "the key is stored sealed"
    );
    // Another project's staff may not read or change it.
    let mut other = estate.login("staff").await;
    assert_eq!(other.get(&format!("/api/v1/projects/{liyuan}/open311-outbound")).await.status, StatusCode::NOT_FOUND);

    let (id, fid) = push_up(&estate, &mut hejing, category, "东门外市政路灯不亮三天了").await;
    assert_eq!(
        text(&estate, &format!("SELECT push_state AS t FROM request_referrals WHERE id = {fid}")).await,
        "queued"
    );
    let http = client_with_timeout(std::time::Duration::from_secs(5));
    let city_before = city.app.count("SELECT COUNT(*) AS n FROM requests").await;
    // Two instances run the job at once: one files it.
    let now = estate.clock.now_utc();
    let (a, b) = tokio::join!(push_due(&estate.state, &http, now), push_due(&estate.state, &http, now));
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    assert_eq!(city.app.count("SELECT COUNT(*) AS n FROM requests").await, city_before + 1);
    let remote = text(&estate, &format!("SELECT remote_id AS t FROM request_referrals WHERE id = {fid}")).await;
    let filed = city.app.id("SELECT MAX(id) AS id FROM requests").await;
    assert_eq!(remote, filed.to_string());
    assert_eq!(
        text(&city.app, &format!("SELECT channel AS t FROM requests WHERE id = {filed}")).await,
        "open311",
        "filed through the city's Open311"
    );
    // Again later: nothing is sent twice.
    assert_eq!(push_due(&estate.state, &http, now + Duration::hours(2)).await.unwrap(), 0);
    assert_eq!(city.app.count("SELECT COUNT(*) AS n FROM requests").await, city_before + 1);

    // Polled while the city works on it: its progress on the timeline, still 已上报.
    assert_eq!(poll_due(&estate.state, &http, now).await.unwrap(), 0);
    assert_eq!(
        estate
            .count(&format!(
                "SELECT COUNT(*) AS n FROM request_events WHERE request_id = {id} AND action = 'outbound_status'"
            ))
            .await,
        1
    );
    // The city's staff finish it and close it after their return visit.
    let mut cs = city.app.login("staff").await;
    let person = city.app.id("SELECT person_id AS id FROM users WHERE username = 'staff'").await;
    for body in [
        json!({"action": "dispatch", "assignee_person_id": person}),
        json!({"action": "accept"}),
        json!({"action": "complete", "reason": "已更换东门外路灯线路"}),
        json!({"action": "return_visit", "reason": "电话回访物业"}),
    ] {
        let r = cs.json("POST", &format!("/api/v1/requests/{filed}/actions"), body).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    // Not asked again before the poll interval; then the answer comes back.
    assert_eq!(poll_due(&estate.state, &http, now + Duration::minutes(5)).await.unwrap(), 0);
    assert_eq!(poll_due(&estate.state, &http, now + Duration::minutes(11)).await.unwrap(), 1);
    assert_eq!(text(&estate, &format!("SELECT state AS t FROM request_referrals WHERE id = {fid}")).await, "answered");
    assert_eq!(text(&estate, &format!("SELECT state AS t FROM requests WHERE id = {id}")).await, "awaiting_rating");
    let detail = hejing.get(&format!("/api/v1/requests/{id}")).await.json();
    assert!(detail["timeline"].to_string().contains("城市平台（12345）"), "{detail}");
    // Answered: no more polling.
    assert_eq!(poll_due(&estate.state, &http, now + Duration::hours(1)).await.unwrap(), 0);
}

#[tokio::test]
async fn a_city_that_is_down_or_refuses_is_retried_with_back_off_and_a_silent_one_waits_for_staff() {
    let city = city().await;
    let estate = TestApp::new().await;
    let liyuan = estate.id("SELECT id FROM org_nodes WHERE code = 'LIYUAN'").await;
    let category =
        estate.id(&format!("SELECT id FROM request_categories WHERE project_id = {liyuan} AND name = '市政'")).await;
    let mut hejing = estate.login("hejing").await;
    let http = client_with_timeout(std::time::Duration::from_secs(2));
    let push_state = |fid: i64| {
        let (e, sql) = (&estate, format!("SELECT push_state AS t FROM request_referrals WHERE id = {fid}"));
        async move { text(e, &sql).await }
    };
    let city_count = || city.app.count("SELECT COUNT(*) AS n FROM requests");
    let before = city_count().await;

    // Down: nothing listens. Queued again, one minute later, then two.
    configure(&mut hejing, liyuan, category, closed_port().await, &city.key, &city.code.to_string()).await;
    let (_, fid) = push_up(&estate, &mut hejing, category, "北门外井盖缺失很危险").await;
    let t0 = estate.clock.now_utc();
    assert_eq!(push_due(&estate.state, &http, t0).await.unwrap(), 0);
    assert_eq!(push_state(fid).await, "queued");
    assert!(
        text(&estate, &format!("SELECT push_error AS t FROM request_referrals WHERE id = {fid}"))
            .await
            .contains("无法连接")
    );
    assert_eq!(push_due(&estate.state, &http, t0 + Duration::seconds(30)).await.unwrap(), 0, "not due yet");
    assert_eq!(push_due(&estate.state, &http, t0 + Duration::minutes(1)).await.unwrap(), 0);
    let next = estate
        .count(&format!("SELECT CAST(push_attempts AS BIGINT) AS n FROM request_referrals WHERE id = {fid}"))
        .await;
    assert_eq!(next, 2);

    // The city answers an error (a service code it does not know): not filed, retried.
    configure(&mut hejing, liyuan, category, city.port, &city.key, "999999").await;
    assert_eq!(push_due(&estate.state, &http, t0 + Duration::minutes(3)).await.unwrap(), 0);
    assert_eq!(push_state(fid).await, "queued");
    assert!(
        text(&estate, &format!("SELECT push_error AS t FROM request_referrals WHERE id = {fid}"))
            .await
            .contains("HTTP 400")
    );
    assert_eq!(city_count().await, before, "nothing filed while it failed");

    // Fixed: filed at the next try, once.
    configure(&mut hejing, liyuan, category, city.port, &city.key, &city.code.to_string()).await;
    assert_eq!(push_due(&estate.state, &http, t0 + Duration::minutes(10)).await.unwrap(), 1);
    assert_eq!(push_state(fid).await, "sent");
    assert_eq!(city_count().await, before + 1);

    // A city that takes the request and never answers: maybe filed, so never resent by itself.
    configure(&mut hejing, liyuan, category, silent_city().await, &city.key, &city.code.to_string()).await;
    let (_, quiet) = push_up(&estate, &mut hejing, category, "东门外人行道塌陷").await;
    let t1 = estate.clock.now_utc();
    assert_eq!(push_due(&estate.state, &http, t1).await.unwrap(), 0);
    assert_eq!(push_state(quiet).await, "unknown");
    assert_eq!(push_due(&estate.state, &http, t1 + Duration::hours(3)).await.unwrap(), 0);
    assert_eq!(push_state(quiet).await, "unknown");
    // The referral page offers staff to settle it; they found the city's ticket number.
    let page = hejing.get(&format!("/referrals/{quiet}")).await;
    assert!(page.text.contains(&format!("/referrals/{quiet}/push")), "{}", page.text);
    let mut other = estate.login("staff").await;
    let r = other.json("POST", &format!("/api/v1/referrals/{quiet}/push"), json!({"remote_id": "X1"})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = hejing.json("POST", &format!("/api/v1/referrals/{quiet}/push"), json!({"remote_id": "SC-2026-7781"})).await;
    assert_eq!(r.json()["push_state"], "sent", "{}", r.text);
    assert_eq!(
        text(&estate, &format!("SELECT remote_id AS t FROM request_referrals WHERE id = {quiet}")).await,
        "SC-2026-7781"
    );
    // Settling twice is refused.
    let r = hejing.json("POST", &format!("/api/v1/referrals/{quiet}/push"), json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn bad_platform_settings_come_back_with_what_was_typed() {
    let estate = TestApp::new().await;
    let liyuan = estate.id("SELECT id FROM org_nodes WHERE code = 'LIYUAN'").await;
    let category =
        estate.id(&format!("SELECT id FROM request_categories WHERE project_id = {liyuan} AND name = '市政'")).await;
    let mut hejing = estate.login("hejing").await;
    let code_field = format!("code_{category}");
    let r = hejing
        .post_form(
            "/requests/outbound",
            &[
                ("project_id", &liyuan.to_string()),
                ("base_url", "ftp://12345.example.cn"),
                ("jurisdiction_id", "chengdu"),
                ("enabled", "1"),
                (&code_field, "SZ-LD-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for kept in ["ftp://12345.example.cn", "chengdu", "SZ-LD-01", "base_url-error", "api_key-error"] {
        assert!(r.text.contains(kept), "{kept}: {}", r.text);
    }
    assert_eq!(estate.count("SELECT COUNT(*) AS n FROM open311_outbound").await, 0);
    let r = hejing
        .json(
            "PUT",
            &format!("/api/v1/projects/{liyuan}/open311-outbound"),
            json!({"base_url": "https://x.cn/v2?k=1", "enabled": false}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["fields"][0]["field"], "base_url");
}
