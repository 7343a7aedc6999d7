//! C6 联建: 牧马山's cadre reads the agreement with 保利荔园天府和悦 — its three lists and the year's review
//! generated from the records (the joint activity held and its attendance, the project closed, the
//! requests pushed up) — and writes the community's assessment; the company side signs agreements (a term
//! ending before it starts is refused, nothing written), keeps the lists and links activities; other
//! communities, other estates and residents are refused.

use axum::http::StatusCode;

use crate::support::TestApp;

#[tokio::test]
async fn the_cadre_reads_the_lists_and_the_review_generated_from_the_year() {
    let app = TestApp::new().await;
    let heyue = app.id("SELECT id FROM org_nodes WHERE name = '保利荔园天府和悦'").await;
    let id = app
        .id(&format!(
            "SELECT j.id FROM joint_agreements j JOIN party_orgs o ON o.id = j.project_org_id WHERE o.node_id = {heyue}"
        ))
        .await;
    let mut cadre = app.login("mumashan").await;
    let list = cadre.get("/joint").await.text;
    assert!(list.contains(&format!("/joint/{id}")) && list.contains("牧马山社区"), "{list}");
    let page = cadre.get(&format!("/joint/{id}")).await.text;
    for part in [
        "id=\"resources\"",
        "户内托管",
        "id=\"needs\"",
        "园区外围市政路灯开启",
        "id=\"projects\"",
        "推动周边公园改造",
        "垃圾分类入户宣传（联建）",
    ] {
        assert!(page.contains(part), "{part}: {page}");
    }
    let d = cadre.get(&format!("/api/v1/joint/{id}")).await.json();
    let review = &d["review"];
    assert_eq!(review["year"], 2026, "{d}");
    assert_eq!(review["held"], 1, "{review}");
    assert_eq!(review["attended"], 6);
    assert_eq!(review["projects"], 3);
    assert_eq!(review["projects_done"], 1);
    let pushed = app
        .count(&format!(
            "SELECT COUNT(*) AS n FROM request_referrals f JOIN org_nodes n ON n.id = f.node_id JOIN org_nodes c ON c.name = '牧马山社区' \
             WHERE f.project_id = {heyue} AND n.path LIKE c.path || '%'"
        ))
        .await;
    assert!(pushed > 0);
    assert_eq!(review["pushed_up"], pushed);
    // The review counts only its year: 2025's has no joint activity.
    let before = cadre.get(&format!("/api/v1/joint/{id}?year=2025")).await.json();
    assert_eq!(before["review"]["held"], 0, "{before}");
    assert_eq!(cadre.get(&format!("/api/v1/joint/{id}?year=2019")).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The cadre writes the community's assessment (a second one rewrites it), and may not write the company's
    // or link activities.
    let url = format!("/joint/{id}/reviews");
    for text in ["双方配合紧密", "双方配合紧密，路灯问题已解决"] {
        let r = cadre.post_form(&url, &[("year", "2026"), ("side", "community"), ("assessment", text)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    }
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) AS n FROM joint_reviews WHERE agreement_id = {id} AND side = 'community'"))
            .await,
        1
    );
    assert!(cadre.get(&format!("/joint/{id}")).await.text.contains("路灯问题已解决"));
    let r = cadre.post_form(&url, &[("year", "2026"), ("side", "company"), ("assessment", "x")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let activity = app.id("SELECT MIN(id) AS id FROM activities").await;
    let r = cadre.post_form(&format!("/joint/{id}/activities"), &[("activity_id", &activity.to_string())]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Another community's cadre, another estate's staff: nothing; a resident: not a desk page.
    assert_eq!(app.login("cadre").await.get(&format!("/joint/{id}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.login("staff").await.get(&format!("/api/v1/joint/{id}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.login("resident").await.get(&format!("/joint/{id}")).await.status, StatusCode::FORBIDDEN);
    assert!(!app.login("cadre").await.get("/joint").await.text.contains(&format!("/joint/{id}\"")));
}

#[tokio::test]
async fn the_company_side_signs_keeps_the_lists_and_links_joint_activities() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let yeyu_branch =
        app.id(&format!("SELECT id FROM party_orgs WHERE node_id = {} AND kind = 'project_branch'", ids.yeyu)).await;
    let community = app
        .id(&format!(
            "SELECT o.id FROM party_orgs o JOIN org_nodes p ON p.community_id = o.node_id WHERE p.id = {} AND o.kind = 'community_committee'",
            ids.yeyu
        ))
        .await;
    let mut staff = app.login("staff").await;
    let before = app.count("SELECT COUNT(*) AS n FROM joint_agreements").await;
    let (p, c) = (yeyu_branch.to_string(), community.to_string());
    let form = |ends: &'static str| {
        vec![
            ("project_org_id", p.clone()),
            ("community_org_id", c.clone()),
            ("title", "“星火社区”党建联建共建协议书".to_string()),
            ("signed_on", "2026-03-01".to_string()),
            ("starts_on", "2026-03-01".to_string()),
            ("ends_on", ends.to_string()),
            ("by_company", "开放党群服务中心".to_string()),
        ]
    };
    let bad = form("2026-02-01");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = staff.post_form("/joint", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("协议结束日期须晚于开始日期"), "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM joint_agreements").await, before);
    // Another estate's branch cannot be signed for.
    let tianxi_branch =
        app.id(&format!("SELECT id FROM party_orgs WHERE node_id = {} AND kind = 'project_branch'", ids.tianxi)).await;
    let mut other = form("2029-02-28");
    other[0].1 = tianxi_branch.to_string();
    let other: Vec<(&str, &str)> = other.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(staff.post_form("/joint", &other).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let good = form("2029-02-28");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = staff.post_form("/joint", &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let id: i64 = r.location().trim_start_matches("/joint/").split('?').next().unwrap().parse().unwrap();
    // The project list: an item, moved to done with its outcome; the review counts it this year.
    let r = staff
        .post_form(
            &format!("/joint/{id}/items"),
            &[("list", "project"), ("title", "楼道微改造"), ("owner", "王经理"), ("due_on", "2026-12-31")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let item = app.id(&format!("SELECT id FROM joint_items WHERE agreement_id = {id}")).await;
    let r = staff
        .post_form(&format!("/joint/items/{item}/status"), &[("status", "done"), ("outcome", "完成3个楼道")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let d = staff.get(&format!("/api/v1/joint/{id}")).await.json();
    assert_eq!(d["review"]["projects_done"], 1, "{d}");
    assert_eq!(d["items"][0]["outcome"], "完成3个楼道");
    // A joint activity of the estate, linked once; the review counts its date this year.
    let activity = app
        .id(&format!("SELECT MIN(id) AS id FROM activities WHERE project_id = {} AND title = '全员保洁日'", ids.yeyu))
        .await;
    let url = format!("/joint/{id}/activities");
    let r = staff.post_form(&url, &[("activity_id", &activity.to_string()), ("item_id", &item.to_string())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = staff.post_form(&url, &[("activity_id", &activity.to_string())]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    // An activity of an estate outside the community is refused.
    let huxindao = app.ids().await.huxindao_party_day;
    let r = staff.post_form(&url, &[("activity_id", &huxindao.to_string())]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    // Held means begun: the first 全员保洁日 is next Friday; a week on it counts.
    let held = |d: serde_json::Value| d["review"]["held"].as_i64().unwrap();
    assert_eq!(held(staff.get(&format!("/api/v1/joint/{id}")).await.json()), 0);
    app.clock.advance(chrono::Duration::days(8));
    let d = app.login("staff").await.get(&format!("/api/v1/joint/{id}")).await.json();
    assert_eq!(held(d.clone()), 1, "{d}");
}
