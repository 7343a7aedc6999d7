//! C11 honours: the demo's two honours of July 2023 on the public walls (the community's shows both, the
//! project's its 爱心单位), granting one with a certificate and evidence checked to lie in scope (a
//! person's volunteer hours kept), the refusals (another estate, a person who does not serve there,
//! evidence from elsewhere, a date ahead) writing nothing, and the honours on the person's and the
//! organisation's pages.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{PNG_1X1, TestApp};

#[tokio::test]
async fn the_walls_show_the_articles_honours_to_anyone() {
    let app = TestApp::new().await;
    let mumashan = app.id("SELECT id FROM org_nodes WHERE name = '牧马山社区'").await;
    let heyue = app.id("SELECT id FROM org_nodes WHERE kind = 'project' AND name = '保利荔园天府和悦'").await;
    let mut anon = app.client();
    let wall = anon.get(&format!("/honours/wall/{mumashan}")).await;
    assert_eq!(wall.status, StatusCode::OK);
    assert!(
        wall.text.contains("爱心单位")
            && wall.text.contains("最美网格员")
            && wall.text.contains("牧马山社区居民委员会"),
        "{}",
        wall.text
    );
    let project = anon.get(&format!("/honours/wall/{heyue}")).await.text;
    assert!(project.contains("爱心单位") && !project.contains("最美网格员"), "{project}");
    let api = anon.get(&format!("/api/v1/honours/wall/{mumashan}")).await.json();
    let titles: Vec<&str> = api.as_array().unwrap().iter().map(|h| h["title"].as_str().unwrap()).collect();
    assert_eq!(titles.len(), 2, "{api}");
    assert!(api.as_array().unwrap().iter().all(|h| h.get("recipient_person_id").is_none()), "no internal ids: {api}");
    // Only a project or a community has a wall.
    let building = app.id("SELECT MIN(id) AS id FROM org_nodes WHERE kind = 'building'").await;
    assert_eq!(anon.get(&format!("/honours/wall/{building}")).await.status, StatusCode::NOT_FOUND);
    // 何静's page names her honour; the project's page its own.
    let hejing = app.id("SELECT person_id AS id FROM users WHERE username = 'hejing'").await;
    let page = app.login("admin").await.get(&format!("/people/{hejing}")).await.text;
    assert!(page.contains("id=\"honours-received\"") && page.contains("最美网格员"), "{page}");
    let page = app.login("admin").await.get(&format!("/org/{heyue}")).await.text;
    assert!(page.contains("id=\"honours-received\"") && page.contains("爱心单位"), "{page}");
}

async fn send(app: &TestApp, url: &str, fields: Vec<(&str, String)>) -> crate::support::Resp {
    let mut c = app.login("staff").await;
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.multipart_named(url, &refs, "photo", ("证书.png", PNG_1X1)).await
}

#[tokio::test]
async fn staff_grant_an_honour_with_its_certificate_and_evidence_and_refusals_write_nothing() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let y = ids.yeyu;
    // A week on: the first 全员保洁日 has been held (evidence is what happened).
    app.clock.advance(chrono::Duration::days(8));
    let mut staff = app.login("staff").await;
    let page = staff.get(&format!("/org/{y}/honours")).await.text;
    assert!(page.contains("id=\"award-form\""), "{page}");
    // A volunteer of 保利叶语 with hours in the ledger, one of its activities, one of its requests.
    let volunteer = app
        .id(&format!(
            "SELECT MIN(l.person_id) AS id FROM points_ledger l JOIN volunteers v ON v.person_id = l.person_id \
             WHERE v.project_id = {y} AND v.state = 'approved' AND l.minutes > 0"
        ))
        .await;
    let minutes =
        app.count(&format!("SELECT SUM(minutes) AS n FROM points_ledger WHERE person_id = {volunteer}")).await;
    let activity =
        app.id(&format!("SELECT MIN(id) AS id FROM activities WHERE project_id = {y} AND title = '全员保洁日'")).await;
    let r = app
        .login("resident")
        .await
        .json(
            "POST",
            "/api/v1/requests",
            json!({"category_id": ids.yeyu_lighting, "description": "楼道灯不亮", "location_text": "3栋楼道"}),
        )
        .await;
    let request = r.json()["id"].as_i64().unwrap_or_else(|| panic!("{}", r.text));
    let elsewhere = app.id(&format!("SELECT MIN(id) AS id FROM requests WHERE project_id <> {y}")).await;
    let stranger = app.id("SELECT person_id AS id FROM users WHERE username = 'staff2'").await;
    let before = app.count("SELECT COUNT(*) AS n FROM honours").await;
    let url = format!("/org/{y}/honours");
    let base = |extra: &[(&'static str, String)]| {
        let mut v: Vec<(&str, String)> = vec![
            ("recipient_kind", "person".into()),
            ("recipient_person_id", volunteer.to_string()),
            ("title", "星级志愿者".into()),
            ("level", "company".into()),
            ("grantor_name", "保利物业四川公司".into()),
            ("awarded_on", "2026-11-20".into()),
            ("activities", activity.to_string()),
            ("requests", request.to_string()),
        ];
        for (k, val) in extra {
            v.retain(|(kk, _)| kk != k);
            v.push((k, val.clone()));
        }
        v
    };
    for (field, value) in [
        ("recipient_person_id", stranger.to_string()),
        ("requests", elsewhere.to_string()),
        ("awarded_on", "2026-12-20".into()),
        ("level", "galactic".into()),
        ("title", String::new()),
    ] {
        let r = send(&app, &url, base(&[(field, value)])).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", r.text);
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM honours").await, before, "{field}");
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM honour_photos").await, 0);
    let r = send(&app, &url, base(&[])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let id: i64 = r.location().trim_start_matches("/honours/").split('?').next().unwrap().parse().unwrap();
    assert_eq!(app.count(&format!("SELECT COUNT(*) AS n FROM honour_photos WHERE honour_id = {id}")).await, 1);
    assert_eq!(
        app.count(&format!("SELECT ref_id AS n FROM honour_evidence WHERE honour_id = {id} AND kind = 'hours'")).await,
        minutes,
        "the hours at the time are kept"
    );
    let page = app.client().get(&format!("/honours/{id}")).await.text;
    assert!(page.contains("星级志愿者") && page.contains("id=\"evidence\"") && page.contains("全员保洁日"), "{page}");
    assert!(page.contains(&format!("#{request}")), "{page}");
    let photo = page.split("/honours/").find(|s| s.contains("/photos/")).unwrap();
    let photo = format!("/honours/{}", &photo[..photo.find('"').unwrap()]);
    assert_eq!(app.client().get(&photo).await.status, StatusCode::OK);
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'honour' AND entity_id = {id}")).await,
        1
    );
    // Another estate's staff and a community cadre elsewhere cannot grant at 保利叶语; a resident cannot.
    let body = json!({"recipient_kind": "org", "recipient_node_id": y, "title": "爱心单位", "level": "community", "grantor_name": "x", "awarded_on": "2026-11-01"});
    let api = format!("/api/v1/org/{y}/honours");
    assert_eq!(app.login("staff2").await.json("POST", &api, body.clone()).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.login("cadre").await.json("POST", &api, body.clone()).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.login("resident").await.json("POST", &api, body.clone()).await.status, StatusCode::FORBIDDEN);
    let r = staff.json("POST", &api, body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // 牧马山's cadre grants at the community, to 何静 who serves in one of its micro-grids.
    let mumashan = app.id("SELECT id FROM org_nodes WHERE name = '牧马山社区'").await;
    let hejing = app.id("SELECT person_id AS id FROM users WHERE username = 'hejing'").await;
    let r = app
        .login("mumashan")
        .await
        .json(
            "POST",
            &format!("/api/v1/org/{mumashan}/honours"),
            json!({"recipient_kind": "person", "recipient_person_id": hejing, "title": "优秀网格员", "level": "community",
                   "grantor_node_id": mumashan, "awarded_on": "2026-07-01"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let wall = app.client().get(&format!("/honours/wall/{mumashan}")).await.text;
    assert!(wall.contains("优秀网格员"), "{wall}");
}
