//! Open311 GeoReport v2: keys per project, POST with the key in the body or the query string, GETs
//! that show only public-area requests without personal data, both formats, the spec's errors.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{Client, TestApp};

async fn issue_key(app: &TestApp) -> String {
    let mut staff = app.login("staff").await;
    let ids = app.ids().await;
    let r = staff
        .post_form("/requests/open311-keys", &[("project_id", &ids.yeyu.to_string()), ("label", "12345热线对接")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.text.split("id=\"new-key-value\">").nth(1).unwrap().split('<').next().unwrap().to_string()
}

fn errors(r: &crate::support::Resp, status: u16) -> String {
    assert_eq!(r.status.as_u16(), status, "{}", r.text);
    let v: Value = serde_json::from_str(&r.text).unwrap();
    assert_eq!(v[0]["code"], status, "{v}");
    v[0]["description"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_partner_reports_with_a_key_and_follows_the_request_in_json_and_xml() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let key = issue_key(&app).await;
    assert!(key.starts_with("xh311_"));
    let mut partner: Client = app.client();
    let code = ids.yeyu_lighting.to_string();
    // Key in the form body.
    let r = partner
        .post_raw(
            "/open311/v2/requests.json",
            &[
                ("api_key", &key),
                ("service_code", &code),
                ("description", "市民来电：小区东门外路灯不亮"),
                ("address_string", "东门外人行道"),
                ("lat", "30.5728"),
                ("long", "104.0668"),
                ("attribute[kind]", "complaint"),
                ("first_name", "王"),
                ("phone", "13800138000"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v: Value = serde_json::from_str(&r.text).unwrap();
    let id = v[0]["service_request_id"].as_str().unwrap().to_string();
    let token = v[0]["token"].as_str().unwrap().to_string();
    let got = app.login("staff").await.get(&format!("/api/v1/requests/{id}")).await.json();
    assert_eq!(got["request"]["channel"], "open311");
    assert_eq!(got["request"]["kind"], "complaint");
    assert!(got["request"]["household_id"].is_null());
    assert!(
        !app.state.db.is_sqlite()
            || app.count("SELECT COUNT(*) AS n FROM requests WHERE description LIKE '%13800138000%'").await == 0
    );
    // Key in the query string, XML answer.
    let r = partner
        .post_raw(
            &format!("/open311/v2/requests.xml?api_key={key}"),
            &[("service_code", &code), ("description", "地库入口灯闪烁"), ("address_string", "地库入口")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.headers["content-type"], "text/xml; charset=utf-8");
    assert!(
        r.text.starts_with("<?xml") && r.text.contains("<service_requests><request><service_request_id>"),
        "{}",
        r.text
    );

    // Follow it: by token, by id (a one-element list), in the list with filters.
    let t = partner.get(&format!("/open311/v2/tokens/{token}.json")).await;
    assert_eq!(serde_json::from_str::<Value>(&t.text).unwrap()[0]["service_request_id"], id.as_str());
    let one: Value = serde_json::from_str(&partner.get(&format!("/open311/v2/requests/{id}.json")).await.text).unwrap();
    assert_eq!(one.as_array().unwrap().len(), 1);
    assert_eq!(one[0]["status"], "open");
    assert_eq!(one[0]["status_notes"], "待受理");
    assert_eq!(one[0]["lat"], 30.5728);
    assert_eq!(one[0]["address"], "东门外人行道");
    let xml = partner.get(&format!("/open311/v2/requests/{id}.xml")).await.text;
    assert!(
        xml.contains(&format!("<service_request_id>{id}</service_request_id>"))
            && xml.contains("<status>open</status>")
    );
    let list: Value = serde_json::from_str(
        &partner.get(&format!("/open311/v2/requests.json?service_code={code}&status=open")).await.text,
    )
    .unwrap();
    assert!(list.as_array().unwrap().iter().any(|x| x["service_request_id"] == id.as_str()));
    let closed: Value =
        serde_json::from_str(&partner.get("/open311/v2/requests.json?status=closed").await.text).unwrap();
    assert!(!closed.as_array().unwrap().iter().any(|x| x["service_request_id"] == id.as_str()));

    // Staff finish it; the resident-less request closes by return visit; Open311 shows it closed.
    let mut staff = app.login("staff").await;
    let url = format!("/api/v1/requests/{id}/actions");
    staff.json("POST", &url, json!({"action": "dispatch", "assignee_person_id": ids.staff_person})).await;
    staff.json("POST", &url, json!({"action": "accept"})).await;
    staff.json("POST", &url, json!({"action": "complete", "reason": "已更换灯具"})).await;
    staff.json("POST", &url, json!({"action": "return_visit", "reason": "已电话告知12345"})).await;
    let one: Value = serde_json::from_str(&partner.get(&format!("/open311/v2/requests/{id}.json")).await.text).unwrap();
    assert_eq!(one[0]["status"], "closed");
    assert_eq!(one[0]["status_notes"], "已办结");
    let closed: Value =
        serde_json::from_str(&partner.get("/open311/v2/requests.json?status=closed").await.text).unwrap();
    assert!(closed.as_array().unwrap().iter().any(|x| x["service_request_id"] == id.as_str()));
}

#[tokio::test]
async fn gets_show_only_public_areas_and_never_personal_data() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut resident = app.login("resident").await;
    let private = resident
        .json(
            "POST",
            "/api/v1/requests",
            json!({"category_id": ids.yeyu_lighting, "description": "我家门口灯不亮", "household_id": ids.hh1}),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let public = resident
        .json(
            "POST",
            "/api/v1/requests",
            json!({"category_id": ids.yeyu_lighting, "description": "中庭路灯不亮", "location_text": "中庭"}),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let mut anon = app.client();
    let list = anon.get("/open311/v2/requests.json").await.text;
    let v: Value = serde_json::from_str(&list).unwrap();
    let got: Vec<&str> = v.as_array().unwrap().iter().map(|x| x["service_request_id"].as_str().unwrap()).collect();
    assert!(got.contains(&public.to_string().as_str()));
    assert!(!got.contains(&private.to_string().as_str()));
    for secret in ["张三", "1栋1单元101", "household", "reporter", "phone", "photo"] {
        assert!(!list.contains(secret), "{secret} leaked: {list}");
    }
    errors(&anon.get(&format!("/open311/v2/requests/{private}.json")).await, 404);
    // A voided (spam) report is not shown either.
    let mut staff = app.login("staff").await;
    staff
        .json("POST", &format!("/api/v1/requests/{public}/actions"), json!({"action": "void", "reason": "重复报事"}))
        .await;
    errors(&anon.get(&format!("/open311/v2/requests/{public}.json")).await, 404);
}

#[tokio::test]
async fn discovery_services_and_definitions_follow_the_spec() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut c = app.client();
    let d: Value = serde_json::from_str(&c.get("/open311/v2/discovery.json").await.text).unwrap();
    assert_eq!(d["endpoints"][0]["specification"], "http://wiki.open311.org/GeoReport_v2");
    assert!(c.get("/open311/v2/discovery.xml").await.text.contains("<endpoints><endpoint><specification>"));
    let s: Value =
        serde_json::from_str(&c.get(&format!("/open311/v2/services.json?jurisdiction_id={}", ids.yeyu)).await.text)
            .unwrap();
    let s = s.as_array().unwrap();
    assert_eq!(s.len(), 8, "保利叶语's eight categories");
    assert!(s.iter().all(|x| x["group"] == "保利叶语" && x["metadata"] == true && x["type"] == "realtime"));
    let lighting = s.iter().find(|x| x["service_name"] == "公共照明").unwrap();
    assert_eq!(lighting["service_code"], ids.yeyu_lighting.to_string());
    let xml = c.get("/open311/v2/services.xml").await.text;
    assert!(xml.contains("<services><service><service_code>"), "{xml}");
    let def: Value =
        serde_json::from_str(&c.get(&format!("/open311/v2/services/{}.json", ids.yeyu_lighting)).await.text).unwrap();
    assert_eq!(def["attributes"][0]["code"], "kind");
    assert_eq!(def["attributes"][0]["datatype"], "singlevaluelist");
    assert_eq!(def["attributes"][0]["values"].as_array().unwrap().len(), 5);
    let xml = c.get(&format!("/open311/v2/services/{}.xml", ids.yeyu_lighting)).await.text;
    assert!(
        xml.contains("<service_definition><service_code>")
            && xml.contains("<attributes><attribute><variable>true</variable>")
            && xml.contains("<values><value><key>repair</key>")
    );
    errors(&c.get("/open311/v2/services/999999.json").await, 404);
    errors(&c.get("/open311/v2/services.json?jurisdiction_id=nowhere").await, 404);
    errors(&c.get("/open311/v2/requests.json?start_date=yesterday").await, 400);
    errors(&c.get("/open311/v2/requests.json?status=pending").await, 400);
    errors(
        &c.get("/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-11-01T00:00:00Z").await,
        400,
    );
    errors(&c.get("/open311/v2/nothing.json").await, 404);
    // XML errors are the spec's list too.
    let x = c.get("/open311/v2/services/999999.xml").await;
    assert_eq!(x.status, StatusCode::NOT_FOUND);
    assert!(x.text.contains("<errors><error><code>404</code><description>"), "{}", x.text);
}

#[tokio::test]
async fn posts_without_a_good_key_or_service_are_refused_and_write_nothing() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let key = issue_key(&app).await;
    let mut c = app.client();
    let code = ids.yeyu_lighting.to_string();
    let tianxi_code = app
        .id(&format!("SELECT id FROM request_categories WHERE project_id = {} ORDER BY id LIMIT 1", ids.tianxi))
        .await
        .to_string();
    let before = app.count("SELECT COUNT(*) AS n FROM requests").await;
    let base = [("service_code", code.as_str()), ("description", "东门路灯不亮"), ("address_string", "东门")];
    errors(&c.post_raw("/open311/v2/requests.json", &base).await, 403);
    let mut wrong = base.to_vec();
    wrong.push(("api_key", "xh311_not-a-key"));
    errors(&c.post_raw("/open311/v2/requests.json", &wrong).await, 403);
    let with_key = |extra: &[(&'static str, &'static str)]| {
        let mut v: Vec<(String, String)> = vec![("api_key".into(), key.clone())];
        v.extend(extra.iter().map(|(a, b)| (a.to_string(), b.to_string())));
        v
    };
    let send = |v: Vec<(String, String)>| {
        let mut c = app.client();
        async move {
            let f: Vec<(&str, &str)> = v.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            c.post_raw("/open311/v2/requests.json", &f).await
        }
    };
    let d = errors(
        &send(with_key(&[("service_code", "999999"), ("description", "东门路灯不亮"), ("address_string", "东门")]))
            .await,
        400,
    );
    assert!(d.contains("service_code"));
    let mut other = with_key(&[("description", "东门路灯不亮"), ("address_string", "东门")]);
    other.push(("service_code".into(), tianxi_code));
    errors(&send(other).await, 403);
    let mut v = with_key(&[("description", "东门路灯不亮")]);
    v.push(("service_code".into(), code.clone()));
    assert!(errors(&send(v).await, 400).contains("location"));
    let mut v = with_key(&[("description", "东门路灯不亮"), ("lat", "91"), ("long", "104")]);
    v.push(("service_code".into(), code.clone()));
    errors(&send(v).await, 400);
    let mut v =
        with_key(&[("description", "东门路灯不亮"), ("address_string", "东门"), ("attribute[kind]", "lottery")]);
    v.push(("service_code".into(), code.clone()));
    errors(&send(v).await, 400);
    let mut v = with_key(&[("address_string", "东门")]);
    v.push(("service_code".into(), code.clone()));
    errors(&send(v).await, 400);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM requests").await, before);

    // A revoked key stops working at once.
    let mut staff = app.login("staff").await;
    let kid = app.id("SELECT MAX(id) AS id FROM open311_keys").await;
    let r = staff.post_form(&format!("/requests/open311-keys/{kid}/revoke"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut v = with_key(&[("description", "东门路灯不亮"), ("address_string", "东门")]);
    v.push(("service_code".into(), code.clone()));
    errors(&send(v).await, 403);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'open311_key'").await, 2);
}

#[tokio::test]
async fn keys_are_managed_by_the_projects_manager_and_the_cli() {
    use xinghuo::cli::{Cli, Command, KeyAction};
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let yeyu = ids.yeyu.to_string();
    let r = app
        .login("staff2")
        .await
        .post_form("/requests/open311-keys", &[("project_id", &yeyu), ("label", "越权")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.login("resident").await.get("/requests/open311-keys").await.status, StatusCode::FORBIDDEN);
    let r = app.login("staff").await.post_form("/requests/open311-keys", &[("project_id", &yeyu), ("label", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM open311_keys").await, 0);
    // Another project's manager cannot revoke this project's key.
    let key = issue_key(&app).await;
    let kid = app.id("SELECT MAX(id) AS id FROM open311_keys").await;
    let r = app.login("staff2").await.post_form(&format!("/requests/open311-keys/{kid}/revoke"), &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let page = app.login("staff").await.get("/requests/open311-keys").await.text;
    assert!(
        page.contains("12345热线对接") && page.contains(&key[..10]) && !page.contains(&key),
        "the key is shown once"
    );
    // The CLI issues and revokes too.
    let config = (*app.state.config).clone();
    let run = |command| xinghuo::cli::run(Cli { command }, config.clone());
    run(Command::Open311Key {
        action: KeyAction::Create { project: "保利叶语".into(), label: "街道平台".into() }
    })
    .await
    .unwrap();
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM open311_keys WHERE revoked_at IS NULL").await, 2);
    let last = app.id("SELECT MAX(id) AS id FROM open311_keys").await;
    run(Command::Open311Key { action: KeyAction::Revoke { id: last } }).await.unwrap();
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM open311_keys WHERE revoked_at IS NULL").await, 1);
    assert!(run(Command::Open311Key { action: KeyAction::Revoke { id: 999_999 } }).await.is_err());
    assert!(
        run(Command::Open311Key { action: KeyAction::Create { project: "不存在".into(), label: "x".into() } })
            .await
            .is_err()
    );
}
