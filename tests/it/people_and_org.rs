use axum::http::StatusCode;
use serde_json::json;

use crate::support::TestApp;

#[tokio::test]
async fn staff_register_a_resident_and_bad_input_writes_nothing() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let path = format!("/households/{}/members", ids.hh1);
    let before = app.count("SELECT COUNT(*) AS n FROM persons").await;
    let r = staff
        .post_form(
            &path,
            &[("name", "王五"), ("relation", "tenant"), ("phone", "12345"), ("id_number", "110105194912310021")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("手机号") && r.text.contains("校验位"), "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM persons").await, before);
    let r = staff
        .post_form(
            &path,
            &[
                ("name", "王五"),
                ("relation", "tenant"),
                ("phone", "１３９ ００００ ９９９９"),
                ("id_number", "11010519491231002x"),
                ("moved_in", "2024-05-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = staff.get(&format!("/households/{}", ids.hh1)).await.text;
    assert!(page.contains("王五") && page.contains("139****9999") && !page.contains("13900009999"));
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'add_member'").await, 1);
    // The API answers the same bad input with JSON and a stable code.
    let r = staff
        .json("POST", &format!("/api/v1/households/{}/members", ids.hh1), json!({"name": "", "relation": "x"}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let j = r.json();
    assert_eq!(j["code"], "validation_failed");
    assert!(j["message"].as_str().unwrap().contains("姓名"));
}

#[tokio::test]
async fn full_numbers_show_only_on_an_audited_reveal() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let page = staff.get(&format!("/people/{}", ids.zhangsan)).await.text;
    let phone: String = app
        .id(&format!("SELECT CAST(phone AS BIGINT) AS id FROM persons WHERE id = {}", ids.zhangsan))
        .await
        .to_string();
    assert!(!page.contains(&phone) && page.contains(&format!("{}****{}", &phone[..3], &phone[7..])));
    let r = staff.post_form(&format!("/people/{}/reveal", ids.zhangsan), &[]).await;
    assert!(r.text.contains(&phone));
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'reveal'").await, 1);
    let mut res = app.login("resident").await;
    let own = res.get(&format!("/people/{}", ids.zhangsan)).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(!own.text.contains(&phone));
    assert_eq!(res.post_form(&format!("/people/{}/reveal", ids.zhangsan), &[]).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn search_finds_names_by_pinyin_initials_within_scope_only() {
    let app = TestApp::new().await;
    let mut staff = app.login("staff").await;
    for q in ["zs", "zhangsan", "张三", "张"] {
        let r = staff.get(&format!("/api/v1/people?q={}", xinghuo::auth::url_encode(q))).await;
        assert!(r.json().as_array().unwrap().iter().any(|h| h["name"] == "张三"), "{q}");
    }
    let mut staff2 = app.login("staff2").await;
    let r = staff2.get("/api/v1/people?q=zs").await;
    assert!(!r.json().as_array().unwrap().iter().any(|h| h["name"] == "张三"));
    assert!(staff.get("/search?q=zs").await.text.contains("1栋1单元101室"));
}

#[tokio::test]
async fn the_tree_grows_only_in_its_own_shape_and_names_are_unique() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let r = staff
        .json("POST", &format!("/api/v1/nodes/{}/children", ids.yeyu_unit), json!({"name": "９０１", "area": "95.5"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    let h = staff.get(&format!("/api/v1/households/{id}")).await.json();
    assert_eq!(h["household"]["room"], "901");
    assert_eq!(h["household"]["exclusive_area_centi"], 9550);
    let r = staff.json("POST", &format!("/api/v1/nodes/{}/children", ids.yeyu_unit), json!({"name": "901"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["code"], "duplicate_name");
    let r = staff.json("POST", &format!("/api/v1/nodes/{id}/children"), json!({"name": "x"})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["code"], "no_children");
    let mut admin = app.login("admin").await;
    let r = admin
        .json(
            "POST",
            &format!("/api/v1/nodes/{}/children", ids.branch),
            json!({"name": "新项目", "project_kind": "写字楼", "uscc": "91350100M000100Y44"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["message"].as_str().unwrap().contains("统一社会信用代码"));
    let r = admin
        .json(
            "POST",
            &format!("/api/v1/nodes/{}/children", ids.branch),
            json!({"name": "新项目", "project_kind": "写字楼", "uscc": "91350100M000100Y43"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn roles_are_added_within_scope_and_checked_against_the_node_kind() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let r = staff
        .json("POST", &format!("/api/v1/people/{}/roles", ids.lisi), json!({"role": "志愿者", "node_id": ids.yeyu}))
        .await;
    assert!(r.status == StatusCode::OK || r.status == StatusCode::CONFLICT, "{}", r.text);
    let r = staff
        .json("POST", &format!("/api/v1/people/{}/roles", ids.lisi), json!({"role": "业委会成员", "node_id": ids.yeyu}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let rid = r.json()["id"].as_i64().unwrap();
    let r = staff
        .json("POST", &format!("/api/v1/people/{}/roles", ids.lisi), json!({"role": "网格员", "node_id": ids.yeyu}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = staff
        .json("POST", &format!("/api/v1/people/{}/roles", ids.lisi), json!({"role": "志愿者", "node_id": ids.tianxi}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = staff.json("DELETE", &format!("/api/v1/people/{}/roles/{rid}", ids.lisi), json!({})).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'remove_role'").await, 1);
}

#[tokio::test]
async fn moving_out_keeps_the_history() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let r = staff
        .post_form(
            &format!("/households/{}/members/{}/move-out", ids.hh1, ids.zhangsan_membership),
            &[("moved_out", "2026-11-01")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = staff.get(&format!("/households/{}", ids.hh1)).await.text;
    assert!(page.contains("迁入迁出记录") && page.contains("2026-11-01"));
    // The resident no longer sees the home.
    let mut res = app.login("resident").await;
    assert_eq!(res.get(&format!("/households/{}", ids.hh1)).await.status, StatusCode::NOT_FOUND);
}
