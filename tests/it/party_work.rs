//! C5 members at work: 党员联系户 (links kept by the branch's leaders, visits logged by the member on
//! the phone), 党员先锋岗/示范岗 on the project's staff list, and 党员积分 computed from the records with
//! the branch's rules as rows.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::TestApp;

async fn branch(app: &TestApp, project: i64) -> i64 {
    app.id(&format!("SELECT id FROM party_orgs WHERE node_id = {project} AND kind = 'project_branch'")).await
}

async fn member_id(app: &TestApp) -> i64 {
    app.id("SELECT person_id AS id FROM users WHERE username = 'member'").await
}

/// The demo's 「member」 keeps in touch with three households; they log a visit from 我的党组织 (a
/// refused one comes back with what was typed, nothing written); another member's household, another
/// estate's staff and a resident are refused; staff link and end households within the rules.
#[tokio::test]
async fn a_member_logs_visits_to_the_households_they_keep_in_touch_with() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let b = branch(&app, ids.yeyu).await;
    let me = member_id(&app).await;
    let mut member = app.login("member").await;
    let page = member.get("/party/me").await.text;
    assert!(page.contains("id=\"my-contacts\"") && page.contains("未走访"), "{page}");
    let mine: Vec<i64> = {
        let mut staff = app.login("staff").await;
        let all = staff.get(&format!("/api/v1/party/orgs/{b}/contacts")).await.json();
        all["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["person_id"] == me)
            .map(|c| c["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(mine.len(), 3);
    let c = mine[0];
    let visits_sql = format!("SELECT COUNT(*) AS n FROM party_contact_visits WHERE contact_id = {c}");
    let visits = || app.count(&visits_sql);
    let before = visits().await;
    let url = format!("/party/contacts/{c}/visits");
    let r = member
        .post_form_from(
            "/party/me",
            &url,
            &[("visited_on", "2026-12-25"), ("how", "fax"), ("note", ""), ("raised", "楼道灯不亮")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    for field in ["visited_on", "how", "note"] {
        assert!(r.text.contains(&format!("id=\"{field}-error\"")), "{field}: {}", r.text);
    }
    assert!(r.text.contains("value=\"楼道灯不亮\""), "what was typed is lost: {}", r.text);
    assert_eq!(visits().await, before, "a refused visit was written");
    let r = member.post_form(&url, &[("how", "door"), ("note", "老人身体好"), ("raised", "想在楼道装扶手")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(r.location().starts_with("/party/me"), "{}", r.location());
    assert_eq!(visits().await, before + 1);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'party_contact_visit' AND summary LIKE '%走访%'")
            .await,
        1
    );
    // By the API too (JSON).
    let r = member
        .json("POST", &format!("/api/v1/party/contacts/{c}/visits"), json!({"how": "phone", "note": "电话回访"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(visits().await, before + 2);
    // Strangers: another estate's staff, a resident, a member of another branch — not found.
    for user in ["staff2", "resident2", "grid"] {
        let r = app.login(user).await.post_form(&url, &[("how", "door"), ("note", "x")]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}: {}", r.text);
    }
    assert_eq!(visits().await, before + 2);

    // The leaders' page: links, the demo's raised handrail, audited.
    let mut staff = app.login("staff").await;
    let reads = || app.count("SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'party_contacts'");
    let r0 = reads().await;
    let page = staff.get(&format!("/party/orgs/{b}/contacts")).await.text;
    assert!(page.contains("楼道台阶没有扶手") && page.contains("想在楼道装扶手"), "{page}");
    assert_eq!(reads().await, r0 + 1, "reading the links is not audited");
    // Linking: a member of the branch only, a household of the project only, a pair once, a handful each.
    let link = format!("/party/orgs/{b}/contacts");
    let outsider = ids.lisi;
    let r = staff.post_form(&link, &[("person_id", &outsider.to_string()), ("household", "1-1-101")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = staff.post_form(&link, &[("person_id", &me.to_string()), ("household", "99栋9单元9999")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let homes: Vec<String> = app
            .all_strings(&format!(
                "SELECT b.name || u.name || h.room AS s FROM households h JOIN org_nodes hn ON hn.id = h.node_id \
                 JOIN org_nodes u ON u.id = hn.parent_id JOIN org_nodes b ON b.id = u.parent_id \
                 WHERE h.project_id = {} AND h.node_id NOT IN (SELECT household_id FROM party_contacts WHERE person_id = {me}) \
                 ORDER BY h.node_id LIMIT 8",
                ids.yeyu
            ))
        .await;
    assert_eq!(homes.len(), 8);
    for (i, h) in homes[..7].iter().enumerate() {
        let r = staff.post_form(&link, &[("person_id", &me.to_string()), ("household", h)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{h}: {}", r.text);
        if i == 0 {
            let r = staff.post_form(&link, &[("person_id", &me.to_string()), ("household", h)]).await;
            assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
            assert!(r.text.contains("已联系这一户"), "{}", r.text);
        }
    }
    let r = staff.post_form(&link, &[("person_id", &me.to_string()), ("household", &homes[7])]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.text.contains("不超过10户"), "{}", r.text);
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) AS n FROM party_contacts WHERE person_id = {me} AND until IS NULL")).await,
        10
    );
    // Ending a link: the member can no longer log visits there; a second end is refused.
    let r = staff.post_form(&format!("/party/contacts/{c}/end"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = staff.post_form(&format!("/party/contacts/{c}/end"), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let r = member.post_form(&url, &[("how", "door"), ("note", "x")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    // A member without a post cannot keep the links.
    let r = member.get(&format!("/party/orgs/{b}/contacts")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
}

/// 先锋岗/示范岗: given by the branch's leaders to a member, shown beside them on the project's staff list
/// and on their own page; checked field by field; ended once.
#[tokio::test]
async fn pioneer_posts_show_where_the_member_serves() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let b = branch(&app, ids.yeyu).await;
    let me = member_id(&app).await;
    let mut staff = app.login("staff").await;
    let url = format!("/party/orgs/{b}/stations");
    let r =
        staff.post_form(&url, &[("person_id", "0"), ("kind", "boss"), ("title", "岗"), ("since", "2030-01-01")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    for field in ["person_id", "kind", "title", "since"] {
        assert!(r.text.contains(&format!("\"{field}\"")), "{field}: {}", r.text);
    }
    let n = || app.count("SELECT COUNT(*) AS n FROM party_stations WHERE until IS NULL");
    let before = n().await;
    let r =
        staff.post_form(&url, &[("person_id", &me.to_string()), ("kind", "pioneer"), ("title", "垃圾分类督导")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(n().await, before + 1);
    let s = app.id(&format!("SELECT MAX(id) AS id FROM party_stations WHERE person_id = {me}")).await;
    let mut member = app.login("member").await;
    let page = member.get("/party/me").await.text;
    assert!(page.contains("id=\"my-stations\"") && page.contains("垃圾分类督导"), "{page}");
    // On the project's page, beside the staff who hold one (the demo's 客服前台).
    let org = staff.get(&format!("/org/{}", ids.yeyu)).await.text;
    assert!(org.contains("党员先锋岗·客服前台"), "{org}");
    let r = staff.post_form(&format!("/party/stations/{s}/end"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(n().await, before);
    assert_eq!(staff.post_form(&format!("/party/stations/{s}/end"), &[]).await.status, StatusCode::CONFLICT);
    assert!(!member.get("/party/me").await.text.contains("垃圾分类督导"));
    // Another estate's staff cannot give or end one here.
    let mut staff2 = app.login("staff2").await;
    assert_eq!(staff2.post_form(&url, &[("person_id", &me.to_string())]).await.status, StatusCode::NOT_FOUND);
}

/// 党员积分 follows the records and the rules as rows: a visit logged adds a point; the branch's own
/// rule (5 each, capped at 12) replaces the default for that source only and goes back on reset; a
/// bad rule or year is refused; the member sees the same total on their page; only leaders see the table.
#[tokio::test]
async fn member_points_follow_the_records_and_the_branch_rules() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let b = branch(&app, ids.yeyu).await;
    let me = member_id(&app).await;
    let mut staff = app.login("staff").await;
    let url = format!("/api/v1/party/orgs/{b}/scores");
    let line = |v: &serde_json::Value, source: &str| -> (u64, u64, u64) {
        let s = v["scores"].as_array().unwrap().iter().find(|s| s["person_id"] == me).unwrap();
        let l = s["lines"].as_array().unwrap().iter().find(|l| l["source"] == source).unwrap();
        (l["units"].as_u64().unwrap(), l["points"].as_u64().unwrap(), s["total"].as_u64().unwrap())
    };
    let v = staff.get(&url).await.json();
    assert_eq!(v["year"], 2026);
    let (units, points, total) = line(&v, "contact_visit");
    assert_eq!((units, points), (2, 2), "the demo's two visits this year at the default 1 point");
    // A visit logged: one more unit and point.
    let c = app.id(&format!("SELECT MIN(id) AS id FROM party_contacts WHERE person_id = {me}")).await;
    let mut member = app.login("member").await;
    let r = member.post_form(&format!("/party/contacts/{c}/visits"), &[("how", "door"), ("note", "入户走访")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let v = staff.get(&url).await.json();
    assert_eq!(line(&v, "contact_visit"), (3, 3, total + 1));
    // The member's page shows the same total.
    let page = member.get("/party/me").await.text;
    assert!(
        page.contains("id=\"my-score\"") && page.contains(&format!("<span class=\"balance\">{}</span>", total + 1)),
        "{page}"
    );
    // The branch's own rule: 5 points each, at most 12 a year.
    let rules = format!("/party/orgs/{b}/scores/rules");
    let r = staff.post_form(&rules, &[("source", "contact_visit"), ("points", "101"), ("yearly_cap", "x")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = staff.post_form(&rules, &[("source", "contact_visit"), ("points", "5"), ("yearly_cap", "12")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let v = staff.get(&url).await.json();
    assert_eq!(line(&v, "contact_visit"), (3, 12, total - 2 + 12));
    let meeting_rule = v["rules"].as_array().unwrap().iter().find(|r| r["source"] == "meeting").unwrap().clone();
    assert_eq!(meeting_rule["own"], false, "the other sources keep the default");
    // Another branch keeps the default.
    let tianxi = branch(&app, ids.tianxi).await;
    let mut admin = app.login("admin").await;
    let other = admin.get(&format!("/api/v1/party/orgs/{tianxi}/scores")).await.json();
    let cv = other["rules"].as_array().unwrap().iter().find(|r| r["source"] == "contact_visit").unwrap().clone();
    assert_eq!((cv["points"].as_u64(), cv["own"].as_bool()), (Some(1), Some(false)));
    let r = staff.post_form(&rules, &[("source", "contact_visit"), ("reset", "default")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(line(&staff.get(&url).await.json(), "contact_visit"), (3, 3, total + 1));
    // Last year: none of this year's visits.
    assert_eq!(line(&staff.get(&format!("{url}?year=2025")).await.json(), "contact_visit").0, 0);
    assert_eq!(staff.get(&format!("{url}?year=1999")).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(staff.get(&format!("{url}?year=2027")).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Only the branch's leaders see the table.
    assert_eq!(member.get(&url).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.login("staff2").await.get(&url).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.login("resident2").await.get(&url).await.status, StatusCode::NOT_FOUND);
}

/// A meeting's record keeps its photos: added by those who record the branch's meetings (none chosen:
/// 422; past nine: 409, nothing stored), seen by the branch's readers and its members, not by others.
#[tokio::test]
async fn a_meeting_keeps_its_photos() {
    use crate::support::PNG_1X1;
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let m = ids.party_meeting;
    let url = format!("/party/meetings/{m}/photos");
    let mut staff = app.login("staff").await;
    let page = staff.get(&format!("/party/meetings/{m}")).await.text;
    assert!(page.contains("id=\"meeting-photo-form\""), "{page}");
    let n_sql = format!("SELECT COUNT(*) AS n FROM party_meeting_photos WHERE meeting_id = {m}");
    let n = || app.count(&n_sql);
    let r = staff.multipart_files(&url, &[], "photo", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = staff.multipart_named(&url, &[], "photo", ("会议.png", PNG_1X1)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(n().await, 1);
    let photo = app.id(&format!("SELECT id FROM party_meeting_photos WHERE meeting_id = {m}")).await;
    let src = format!("/party/meetings/{m}/photos/{photo}");
    assert!(staff.get(&format!("/party/meetings/{m}")).await.text.contains(&src));
    assert_eq!(staff.get(&src).await.status, StatusCode::OK);
    // The branch's member sees it but may not add; another estate's staff and a resident see nothing.
    let mut member = app.login("member").await;
    assert_eq!(member.get(&src).await.status, StatusCode::OK);
    assert!(!member.get(&format!("/party/meetings/{m}")).await.text.contains("id=\"meeting-photo-form\""));
    assert_eq!(member.multipart_named(&url, &[], "photo", ("x.png", PNG_1X1)).await.status, StatusCode::FORBIDDEN);
    for user in ["staff2", "resident2"] {
        assert_eq!(app.login(user).await.get(&src).await.status, StatusCode::NOT_FOUND, "{user}");
    }
    // Nine at most (three an upload): 1 + 3 + 3 = 7; three more would make 10.
    let three: Vec<(&str, &[u8])> = (0..3).map(|_| ("p.png", PNG_1X1)).collect();
    for _ in 0..2 {
        assert_eq!(staff.multipart_files(&url, &[], "photo", &three).await.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(n().await, 7);
    let r = staff.multipart_files(&url, &[], "photo", &three).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(n().await, 7, "a refused upload left rows");
    // The API: the branch's meetings, and one with its attendance and photos (the read audited).
    let org = app.id(&format!("SELECT org_id AS id FROM party_meetings WHERE id = {m}")).await;
    let list = staff.get(&format!("/api/v1/party/orgs/{org}/meetings?from=2020-01-01")).await.json();
    assert!(list.as_array().unwrap().iter().any(|x| x["id"] == m), "{list}");
    assert_eq!(
        staff.get(&format!("/api/v1/party/orgs/{org}/meetings?from=yesterday")).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let reads_sql = format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'party_read' AND entity_id = {org}");
    let reads = || app.count(&reads_sql);
    let before = reads().await;
    let one = member.get(&format!("/api/v1/party/meetings/{m}")).await.json();
    assert_eq!(one["photos"].as_array().unwrap().len(), 7);
    assert!(!one["attendance"].as_array().unwrap().is_empty(), "{one}");
    assert_eq!(reads().await, before + 1);
    assert_eq!(
        app.login("staff2").await.get(&format!("/api/v1/party/meetings/{m}")).await.status,
        StatusCode::NOT_FOUND
    );
}
