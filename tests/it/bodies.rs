//! The other bodies (C5): the demo's 居民委员会, 业委会, 团支部, neighbouring estate and office tenants;
//! setting one up (the kind fits the node, an elected body has a lawful term, one name per node); its
//! members, by home or by name alone — and such a member, with no home in the register, takes part in
//! the project's activities; who may see and keep them.

use axum::http::StatusCode;

use crate::support::TestApp;

#[tokio::test]
async fn bodies_keep_members_and_terms_and_tenants_join_activities() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut admin = app.login("admin").await;
    let list = admin.get("/bodies").await.text;
    for name in
        ["牧马山社区居民委员会", "保利叶语业主委员会（演示）", "蓉城数智科技有限公司（演示）", "锦江苑小区（演示）"]
    {
        assert!(list.contains(name), "{name}: {list}");
    }
    let rjh = app.id("SELECT id FROM bodies WHERE name = '牧马山社区居民委员会'").await;
    let page = admin.get(&format!("/bodies/{rjh}")).await.text;
    assert!(page.contains("刘红（演示）") && page.contains("主任") && page.contains("2026-06-20"), "{page}");
    // The 居委会 is the community's: its cadre sees it, 叶语's staff and another community's cadre do not.
    assert_eq!(app.login("mumashan").await.get(&format!("/bodies/{rjh}")).await.status, StatusCode::OK);
    for user in ["staff", "cadre"] {
        assert_eq!(app.login(user).await.get(&format!("/bodies/{rjh}")).await.status, StatusCode::NOT_FOUND, "{user}");
    }
    assert_eq!(app.login("resident").await.get("/bodies").await.status, StatusCode::FORBIDDEN);

    // Setting one up at 保利叶语 (its manager).
    let mut staff = app.login("staff").await;
    let n = || app.count("SELECT COUNT(*) AS n FROM bodies");
    let before = n().await;
    let y = ids.yeyu.to_string();
    let r = staff
        .post_form_from(
            "/bodies",
            "/bodies",
            &[
                ("kind", "owners_committee"),
                ("node_id", &y),
                ("name", "第二届业主委员会"),
                ("term_start", ""),
                ("term_end", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"term_start-error\"") && r.text.contains("value=\"第二届业主委员会\""), "{}", r.text);
    let r = staff
        .post_form(
            "/bodies",
            &[
                ("kind", "owners_committee"),
                ("node_id", &y),
                ("name", "第二届业主委员会"),
                ("term_start", "2026-01-01"),
                ("term_end", "2031-06-30"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "over five years: {}", r.text);
    let r = staff.post_form("/bodies", &[("kind", "residents_committee"), ("node_id", &y), ("name", "居委会")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a 居委会 at an estate: {}", r.text);
    let r = staff
        .post_form("/bodies", &[("kind", "partner_unit"), ("node_id", &ids.tianxi.to_string()), ("name", "别处的单位")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "another estate: {}", r.text);
    assert_eq!(n().await, before);
    // An elected body whose term has run out says so (due for 换届).
    let r = staff
        .post_form(
            "/bodies",
            &[
                ("kind", "youth_branch"),
                ("node_id", &y),
                ("name", "上一届团支部"),
                ("term_start", "2023-05-04"),
                ("term_end", "2026-05-03"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(staff.get(r.location().split('?').next().unwrap()).await.text.contains("id=\"term-over\""));
    assert!(!admin.get(&format!("/bodies/{rjh}")).await.text.contains("id=\"term-over\""));
    let r = staff
        .post_form("/bodies", &[("kind", "partner_unit"), ("node_id", &y), ("name", "叶语共建单位（测试）")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let body: i64 = r.location().trim_start_matches("/bodies/").split('?').next().unwrap().parse().unwrap();
    let r = staff
        .post_form("/bodies", &[("kind", "partner_unit"), ("node_id", &y), ("name", "叶语共建单位（测试）")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);

    // An activity at 叶语: 钱多多 (no home here) cannot be signed up by name until they are a member.
    let occ = crate::activities::create(&app, 0, "all").await;
    let signup = format!("/activities/occurrences/{occ}/signup");
    let r = staff.post_form(&signup, &[("room", ""), ("name", "钱多多")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let members = format!("/bodies/{body}/members");
    let r = staff.post_form(&members, &[("name", "钱多多"), ("room", "9-9-999"), ("post", "联络人")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "no such home: {}", r.text);
    let r = staff.post_form(&members, &[("name", "钱多多"), ("post", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let persons = app.count("SELECT COUNT(*) AS n FROM persons").await;
    let r = staff.post_form(&members, &[("name", "钱多多"), ("post", "联络人")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM persons").await, persons + 1);
    let qian = app.id("SELECT id FROM persons WHERE name = '钱多多'").await;
    assert_eq!(app.count(&format!("SELECT COUNT(*) AS n FROM household_members WHERE person_id = {qian}")).await, 0);
    // A resident joins by home and name: the same person, not a new one.
    let r = staff.post_form(&members, &[("name", "张三"), ("room", "1-1-101"), ("post", "志愿者代表")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM persons").await, persons + 1);
    let r = staff.post_form(&members, &[("name", "张三"), ("room", "1-1-101"), ("post", "志愿者代表")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "twice at once: {}", r.text);
    let r = staff.post_form(&signup, &[("room", ""), ("name", "钱多多")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) AS n FROM signups WHERE occurrence_id = {occ} AND person_id = {qian}"))
            .await,
        1
    );
    // Ending the membership; a second end is refused; another estate's staff cannot touch it.
    let m = app.id(&format!("SELECT id FROM body_members WHERE person_id = {qian}")).await;
    let mut staff2 = app.login("staff2").await;
    assert_eq!(staff2.post_form(&format!("/bodies/members/{m}/end"), &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(staff2.get(&format!("/api/v1/bodies/{body}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(staff.post_form(&format!("/bodies/members/{m}/end"), &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(staff.post_form(&format!("/bodies/members/{m}/end"), &[]).await.status, StatusCode::CONFLICT);
    let d = staff.get(&format!("/api/v1/bodies/{body}")).await.json();
    assert_eq!(d["members"].as_array().unwrap().len(), 1, "{d}");
}
