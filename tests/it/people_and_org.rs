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
    let phone = app.contact(ids.zhangsan).await.0.expect("张三 has a phone");
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

#[tokio::test]
async fn party_organisations_attach_only_at_their_own_level_and_within_scope() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let path = format!("/api/v1/nodes/{}/party-orgs", ids.yeyu);
    let r = staff.json("POST", &path, json!({"kind": "项目党支部", "name": "保利叶语项目党支部"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let r = staff.json("POST", &path, json!({"kind": "社区党委", "name": "错误的党委"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = staff.json("POST", &path, json!({"kind": "project_branch", "name": "叶语第二党支部", "uscc": "123"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let before = app.count("SELECT COUNT(*) AS n FROM party_orgs").await;
    let r = staff.json("POST", &path, json!({"kind": "project_branch", "name": "叶语第二党支部"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM party_orgs").await, before + 1);
    assert!(staff.get(&format!("/org/{}", ids.yeyu)).await.text.contains("叶语第二党支部"));
    // A community's Party committee is maintained by company admins, not by project staff.
    // Even their own project's community (readable to them): 403.
    let own = app.id(&format!("SELECT community_id AS id FROM org_nodes WHERE id = {}", ids.yeyu)).await;
    let r = staff
        .json("POST", &format!("/api/v1/nodes/{own}/party-orgs"), json!({"kind": "社区党委", "name": "第二党委"}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Another community is not even visible to them: 404.
    let community = format!("/api/v1/nodes/{}/party-orgs", ids.youlian);
    let r = staff.json("POST", &community, json!({"kind": "社区党委", "name": "友联社区第二党委"})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let mut admin = app.login("admin").await;
    let r = admin.json("POST", &community, json!({"kind": "社区党委", "name": "友联社区第二党委"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn admins_grow_the_government_tree_from_a_new_district() {
    let app = TestApp::new().await;
    let mut admin = app.login("admin").await;
    let r = admin.json("POST", "/api/v1/nodes", json!({"name": "武侯区"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let district = r.json()["id"].as_i64().unwrap();
    assert_eq!(admin.json("POST", "/api/v1/nodes", json!({"name": "武侯区"})).await.status, StatusCode::CONFLICT);
    let r = admin.json("POST", &format!("/api/v1/nodes/{district}/children"), json!({"name": "玉林街道"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let street = r.json()["id"].as_i64().unwrap();
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) AS n FROM org_nodes WHERE id = {street} AND kind = 'street'")).await,
        1
    );
    let mut staff = app.login("staff").await;
    let r = staff.json("POST", &format!("/api/v1/nodes/{street}/children"), json!({"name": "某社区"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn staff_register_a_colleague_with_a_post_without_a_household() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let body = |role: &str, post: &str| json!({"name": "钱保洁", "role": role, "post": post, "node_id": ids.yeyu, "phone": "13900007777"});
    let r = staff.json("POST", "/api/v1/people", body("staff", "")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["message"].as_str().unwrap().contains("岗位"));
    let r = staff.json("POST", "/api/v1/people", body("grid_member", "")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let before = app.count("SELECT COUNT(*) AS n FROM persons").await;
    let r = staff.json("POST", "/api/v1/people", body("staff", "保洁")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM persons").await, before + 1);
    let page = staff.get(&format!("/org/{}", ids.yeyu)).await.text;
    assert!(page.contains("钱保洁") && page.contains("物业员工（保洁）") && page.contains("139****7777"));
    let mut staff2 = app.login("staff2").await;
    assert_eq!(staff2.json("POST", "/api/v1/people", body("volunteer", "")).await.status, StatusCode::FORBIDDEN);
}
