//! Volunteers and points (C4): registration with approval, teams with leaders, hour corrections decided
//! by a leader, the organiser bonus, team rankings, and 爱心超市 — with no double spend and no negative
//! stock under concurrent redemptions, on both backends.

use axum::http::StatusCode;
use chrono::Duration;
use serde_json::json;

use crate::support::TestApp;

async fn team_id(app: &TestApp, name: &str) -> i64 {
    app.id(&format!("SELECT id FROM teams WHERE name = '{name}'")).await
}

async fn balance(app: &TestApp, person: i64, project: i64) -> i64 {
    app.count(&format!(
        "SELECT COALESCE(CAST(SUM(delta) AS BIGINT), 0) AS n FROM points_ledger WHERE person_id = {person} AND project_id = {project}"
    ))
    .await
}

#[tokio::test]
async fn a_resident_applies_staff_approve_once_and_the_resident_is_told() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut lisi = app.login("resident2").await;
    let page = lisi.get("/volunteers").await.text;
    assert!(page.contains("申请成为志愿者"), "{page}");
    let r = lisi
        .post_form("/volunteers/apply", &[("project_id", &ids.yeyu.to_string()), ("skills", "周末有空，会修电脑")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = lisi.json("POST", "/api/v1/volunteers", json!({"project_id": ids.yeyu, "skills": ""})).await;
    assert_eq!(r.json()["code"], "already_applied", "{}", r.text);
    // Not a project 李四 lives in.
    let r = lisi.json("POST", "/api/v1/volunteers", json!({"project_id": ids.tianxi})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let id = app.id(&format!("SELECT id FROM volunteers WHERE person_id = {}", ids.lisi)).await;
    // The staff see it; another estate's staff and residents cannot decide it.
    let mut staff = app.login("staff").await;
    assert!(staff.get("/volunteers").await.text.contains("周末有空，会修电脑"));
    let url = format!("/api/v1/volunteers/{id}/decision");
    let r = app.login("staff2").await.json("POST", &url, json!({"approve": true})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let r = lisi.json("POST", &url, json!({"approve": true})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = staff.post_form(&format!("/volunteers/{id}/decide"), &[("decision", "approve")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = staff.json("POST", &url, json!({"approve": false})).await;
    assert_eq!(r.json()["code"], "already_decided");
    let me = lisi.get("/api/v1/volunteers/me").await.json();
    assert_eq!(me["mine"][0]["state"], "approved", "{me}");
    assert!(lisi.get("/notifications").await.text.contains("您已成为保利叶语的志愿者"));
    let r = lisi.json("POST", "/api/v1/volunteers", json!({"project_id": ids.yeyu})).await;
    assert_eq!(r.json()["code"], "already_volunteer");
}

#[tokio::test]
async fn teams_take_approved_volunteers_and_only_staff_name_leaders() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let r = staff
        .post_form(
            "/volunteers/teams",
            &[("project_id", &ids.yeyu.to_string()), ("kind", "commando"), ("name", "叶语青年突击队")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let team = team_id(&app, "叶语青年突击队").await;
    let r = staff
        .post_form(
            "/volunteers/teams",
            &[("project_id", &ids.yeyu.to_string()), ("kind", "commando"), ("name", "叶语青年突击队")],
        )
        .await;
    assert!(r.text.contains("duplicate_team") || r.text.contains("同名"), "{}", r.text);
    let r = app
        .login("staff2")
        .await
        .post_form("/volunteers/teams", &[("project_id", &ids.yeyu.to_string()), ("kind", "service"), ("name", "x")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // 李四 has not applied: refused. 张三 (an approved volunteer in the demo) is made leader.
    let add = format!("/volunteers/teams/{team}/members");
    let r = staff.post_form(&add, &[("person_id", &ids.lisi.to_string())]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.text.contains("not_volunteer") || r.text.contains("审核通过"));
    let r = staff.post_form(&add, &[("person_id", &ids.zhangsan.to_string()), ("role", "leader")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    // The leader adds an approved volunteer as a member, but cannot name another leader.
    let other = app
        .id(&format!(
            "SELECT person_id AS id FROM volunteers WHERE project_id = {} AND state = 'approved' AND person_id <> {} ORDER BY id LIMIT 1",
            ids.yeyu, ids.zhangsan
        ))
        .await;
    let mut zhangsan = app.login("resident").await;
    let r = zhangsan.post_form(&add, &[("person_id", &other.to_string()), ("role", "leader")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = zhangsan.post_form(&add, &[("person_id", &other.to_string())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let t = zhangsan.get(&format!("/api/v1/teams/{team}")).await.json();
    assert_eq!(t["members"].as_array().unwrap().len(), 2, "{t}");
    assert_eq!(t["members"][0]["role"], "leader");
    // 李四 is not in the team: the team is not shown to them.
    let r = app.login("resident2").await.get(&format!("/api/v1/teams/{team}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The leader removes the member.
    let r = zhangsan.post_form(&format!("/volunteers/teams/{team}/members/{other}/remove"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(app.count(&format!("SELECT COUNT(*) AS n FROM team_members WHERE team_id = {team}")).await, 1);
}

/// A 2-hour activity on 2026-12-05 14:00 at 保利叶语 (节日活动) with 张三 and 李四 signed up.
async fn activity(app: &TestApp) -> i64 {
    let occ = crate::activities::create(app, 0, "all").await;
    for u in ["resident", "resident2"] {
        let r = app.login(u).await.json("POST", &format!("/api/v1/occurrences/{occ}/signup"), json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    occ
}

#[tokio::test]
async fn a_leader_approves_an_hour_correction_and_the_ledger_gets_one_new_entry() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let occ = activity(&app).await;
    // 李四 becomes a volunteer in 张三's 志愿服务队.
    let mut lisi = app.login("resident2").await;
    lisi.json("POST", "/api/v1/volunteers", json!({"project_id": ids.yeyu})).await;
    let vid = app.id(&format!("SELECT id FROM volunteers WHERE person_id = {}", ids.lisi)).await;
    let mut staff = app.login("staff").await;
    staff.json("POST", &format!("/api/v1/volunteers/{vid}/decision"), json!({"approve": true})).await;
    let team = team_id(&app, "保利叶语志愿服务队").await;
    let r =
        staff.post_form(&format!("/volunteers/teams/{team}/members"), &[("person_id", &ids.lisi.to_string())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    // 14:45 staff check 李四 in (late); 16:00 out: 75 minutes, 12 points at the default 10/h.
    app.clock.advance(Duration::days(7) + Duration::hours(4) + Duration::minutes(45));
    let url = format!("/api/v1/occurrences/{occ}/attendance");
    let mut staff = app.login("staff").await;
    let r = staff.json("POST", &url, json!({"action": "in", "person_id": ids.lisi})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    app.clock.advance(Duration::minutes(75));
    let r = staff.json("POST", &url, json!({"action": "out", "person_id": ids.lisi})).await;
    assert_eq!(r.json()["minutes"], 75, "{}", r.text);
    assert_eq!(r.json()["points"], 12);
    let signup =
        app.id(&format!("SELECT id FROM signups WHERE occurrence_id = {occ} AND person_id = {}", ids.lisi)).await;
    // 李四 was there from 14:00 (the staff were late): asks for 120 minutes.
    let mut lisi = app.login("resident2").await;
    let page = lisi.get("/volunteers").await.text;
    assert!(page.contains("申请更正"), "{page}");
    let curl = format!("/api/v1/signups/{signup}/corrections");
    let r = lisi.json("POST", &curl, json!({"minutes": 121, "reason": "两点就到了"})).await;
    assert_eq!(r.json()["code"], "bad_minutes", "{}", r.text);
    let r = lisi.json("POST", &curl, json!({"minutes": 120, "reason": ""})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = lisi
        .post_form(
            &format!("/volunteers/signups/{signup}/correction"),
            &[("minutes", "120"), ("reason", "两点就到了，工作人员晚签")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = lisi.json("POST", &curl, json!({"minutes": 110, "reason": "再改"})).await;
    assert_eq!(r.json()["code"], "correction_pending");
    // Someone else's sign-up: not found.
    let mut zhangsan = app.login("resident").await;
    let r = zhangsan.json("POST", &curl, json!({"minutes": 100, "reason": "x"})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let cid = app.id(&format!("SELECT id FROM hour_corrections WHERE signup_id = {signup}")).await;
    // 李四 cannot decide their own; another estate's staff cannot; the leader 张三 is told and decides.
    let durl = format!("/api/v1/corrections/{cid}/decision");
    let r = lisi.json("POST", &durl, json!({"approve": true})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = app.login("staff2").await.json("POST", &durl, json!({"approve": true})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    assert!(zhangsan.get("/notifications").await.text.contains("申请更正「端午包粽子」"));
    let page = zhangsan.get("/volunteers").await.text;
    assert!(page.contains("两点就到了"), "{page}");
    let before = app.count("SELECT COUNT(*) AS n FROM points_ledger").await;
    let r = zhangsan.post_form(&format!("/volunteers/corrections/{cid}/decide"), &[("decision", "approve")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = zhangsan.json("POST", &durl, json!({"approve": true})).await;
    assert_eq!(r.json()["code"], "already_decided");
    // One new entry: +45 minutes, +8 points (120 min = 20 points; 12 were credited). Nothing rewritten.
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM points_ledger").await, before + 1);
    let me = lisi.get("/api/v1/me/points").await.json();
    assert_eq!(me["balance"], 20, "{me}");
    assert_eq!(me["minutes"], 120);
    assert_eq!(me["entries"][0]["delta"], 8);
    assert_eq!(me["entries"][1]["delta"], 12, "the check-out entry stays as it was");
    assert!(lisi.get("/notifications").await.text.contains("时长更正已批准"));
    // A second correction down to 60 minutes, rejected by staff: nothing credited.
    let r = lisi.json("POST", &curl, json!({"minutes": 60, "reason": "记错了"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let cid2 = r.json()["id"].as_i64().unwrap();
    let r = staff
        .json("POST", &format!("/api/v1/corrections/{cid2}/decision"), json!({"approve": false, "note": "以签到为准"}))
        .await;
    assert_eq!(r.json()["state"], "rejected", "{}", r.text);
    assert_eq!(balance(&app, ids.lisi, ids.yeyu).await, 20);
}

#[tokio::test]
async fn a_correction_waits_until_check_out_has_closed_when_there_was_no_check_out() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let occ = activity(&app).await;
    app.clock.advance(Duration::days(7) + Duration::hours(4) + Duration::minutes(5)); // 14:05
    let mut staff = app.login("staff").await;
    staff
        .json("POST", &format!("/api/v1/occurrences/{occ}/attendance"), json!({"action": "in", "person_id": ids.lisi}))
        .await;
    let signup =
        app.id(&format!("SELECT id FROM signups WHERE occurrence_id = {occ} AND person_id = {}", ids.lisi)).await;
    app.clock.advance(Duration::hours(2)); // 16:05: forgot to check out; check-out is still open
    let mut lisi = app.login("resident2").await;
    let curl = format!("/api/v1/signups/{signup}/corrections");
    let r = lisi.json("POST", &curl, json!({"minutes": 115, "reason": "忘了签退"})).await;
    assert_eq!(r.json()["code"], "too_early", "{}", r.text);
    app.clock.advance(Duration::hours(2)); // 18:05: closed
    let mut lisi = app.login("resident2").await;
    let r = lisi.json("POST", &curl, json!({"minutes": 115, "reason": "忘了签退"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut staff = app.login("staff").await;
    let r =
        staff.json("POST", &format!("/api/v1/corrections/{}/decision", r.json()["id"]), json!({"approve": true})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(balance(&app, ids.lisi, ids.yeyu).await, 19, "115 minutes at 10/h");
    // Check-out is closed: the same time cannot be credited again.
    let r = staff
        .json("POST", &format!("/api/v1/occurrences/{occ}/attendance"), json!({"action": "out", "person_id": ids.lisi}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
}

#[tokio::test]
async fn an_organiser_earns_the_bonus_once_and_the_team_ranking_counts_members_only() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let occ = activity(&app).await;
    let mut staff = app.login("staff").await;
    let r = staff
        .post_form(
            "/activities/points-rules",
            &[
                ("project_id", &ids.yeyu.to_string()),
                ("kind", "festival"),
                ("points_per_hour", "10"),
                ("organiser_bonus", "15"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = staff
        .post_form(
            &format!("/activities/occurrences/{occ}/organiser"),
            &[("person_id", &ids.zhangsan.to_string()), ("on", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(staff.get(&format!("/activities/occurrences/{occ}/code")).await.text.contains("组织者"));
    app.clock.advance(Duration::days(7) + Duration::hours(4)); // 14:00
    let url = format!("/api/v1/occurrences/{occ}/attendance");
    let mut staff = app.login("staff").await;
    for p in [ids.zhangsan, ids.lisi] {
        staff.json("POST", &url, json!({"action": "in", "person_id": p})).await;
    }
    app.clock.advance(Duration::hours(2));
    let r = staff.json("POST", &url, json!({"action": "out", "person_id": ids.zhangsan})).await;
    assert_eq!(r.json()["points"], 35, "20 for two hours + 15 for organising: {}", r.text);
    let r = staff.json("POST", &url, json!({"action": "out", "person_id": ids.lisi})).await;
    assert_eq!(r.json()["points"], 20);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM points_ledger WHERE source LIKE 'signup:%:organiser' AND person_id = {}",
            ids.zhangsan
        ))
        .await,
        1
    );
    // Marked again: no second bonus; unmarking after the credit is refused.
    let r = staff
        .post_form(
            &format!("/activities/occurrences/{occ}/organiser"),
            &[("person_id", &ids.zhangsan.to_string()), ("on", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = staff
        .post_form(
            &format!("/activities/occurrences/{occ}/organiser"),
            &[("person_id", &ids.zhangsan.to_string()), ("on", "0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    // Marking 李四 after check-out credits the bonus at once.
    let r = staff
        .post_form(
            &format!("/activities/occurrences/{occ}/organiser"),
            &[("person_id", &ids.lisi.to_string()), ("on", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(balance(&app, ids.lisi, ids.yeyu).await, 35);
    // The 志愿服务队 ranking (this month, December): 张三 is in it, 李四 is not.
    let team = team_id(&app, "保利叶语志愿服务队").await;
    let r = staff.get(&format!("/api/v1/rankings?team={team}&period=2026-12")).await.json();
    let names: Vec<&str> = r["rows"].as_array().unwrap().iter().map(|x| x["name"].as_str().unwrap()).collect();
    assert_eq!(r["rows"][0]["points"], 35, "{r}");
    assert_eq!(r["rows"][0]["person_id"], ids.zhangsan);
    assert!(!r["rows"].as_array().unwrap().iter().any(|x| x["person_id"] == ids.lisi), "{names:?}");
    // The project's ranking has both.
    let r = staff.get(&format!("/api/v1/rankings?project={}&period=2026-12", ids.yeyu)).await.json();
    assert_eq!(r["rows"].as_array().unwrap().len(), 2, "{r}");
    // The team page shows its ranking to the team's leader (a resident); another estate's staff see nothing.
    let page = app.login("resident").await.get(&format!("/volunteers/teams/{team}")).await.text;
    assert!(page.contains("team-ranking"), "{page}");
    let r = app.login("staff2").await.get(&format!("/api/v1/rankings?team={team}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn item(app: &TestApp, name: &str, points: i32, stock: i32) -> i64 {
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let r = staff
        .post_form(
            "/rewards/items",
            &[
                ("project_id", &ids.yeyu.to_string()),
                ("name", name),
                ("points", &points.to_string()),
                ("stock", &stock.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    app.id(&format!("SELECT id FROM reward_items WHERE name = '{name}' AND project_id = {}", ids.yeyu)).await
}

#[tokio::test]
async fn redeeming_gives_a_pickup_code_that_staff_collect_once_and_bad_input_writes_nothing() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let soap = item(&app, "香皂", 40, 1).await;
    let mut zhangsan = app.login("resident").await;
    let url = format!("/api/v1/rewards/{soap}/redeem");
    // No points yet.
    let before = (
        app.count("SELECT COUNT(*) AS n FROM redemptions").await,
        app.count("SELECT COUNT(*) AS n FROM points_ledger").await,
    );
    let r = zhangsan.json("POST", &url, json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(r.json()["code"], "insufficient_points");
    assert!(r.json()["message"].as_str().unwrap().contains("积分不足"));
    let r = zhangsan.json("POST", &url, json!({"quantity": 0})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let after = (
        app.count("SELECT COUNT(*) AS n FROM redemptions").await,
        app.count("SELECT COUNT(*) AS n FROM points_ledger").await,
    );
    assert_eq!(before, after, "nothing written");
    app.give_points(ids.zhangsan, ids.yeyu, 100).await;
    // From the phone page.
    let page = zhangsan.get("/rewards").await.text;
    assert!(page.contains("香皂") && page.contains("100"), "{page}");
    let r = zhangsan.post_form(&format!("/rewards/items/{soap}/redeem"), &[("quantity", "1")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let cat = zhangsan.get(&format!("/api/v1/rewards?project={}", ids.yeyu)).await.json();
    assert_eq!(cat["shelves"][0]["balance"], 60, "{cat}");
    let code = cat["mine"][0]["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 8);
    assert_eq!(cat["mine"][0]["state"], "reserved");
    // The last one is gone: out of stock, nothing written.
    let r = zhangsan.json("POST", &url, json!({})).await;
    assert_eq!(r.json()["code"], "out_of_stock", "{}", r.text);
    assert_eq!(app.count(&format!("SELECT CAST(stock AS BIGINT) AS n FROM reward_items WHERE id = {soap}")).await, 0);
    // Another estate's staff cannot collect it; a resident cannot reach the counter; a wrong code is a 4xx.
    let r = app.login("staff2").await.json("POST", "/api/v1/redemptions/collect", json!({"code": code})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let r = zhangsan.json("POST", "/api/v1/redemptions/collect", json!({"code": code})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut staff = app.login("staff").await;
    let r = staff.json("POST", "/api/v1/redemptions/collect", json!({"code": "IIII0000"})).await;
    assert_eq!(r.json()["code"], "bad_code", "{}", r.text);
    // At the counter the code is typed in lower case with a space: collected, once.
    let typed = format!("{} {}", &code[..4].to_lowercase(), &code[4..]);
    let r = staff.post_form("/rewards/collect", &[("code", &typed)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = staff.get(&r.location()).await.text;
    assert!(page.contains("已领取：香皂"), "{page}");
    let r = staff.json("POST", "/api/v1/redemptions/collect", json!({"code": code})).await;
    assert_eq!(r.json()["code"], "already_collected", "{}", r.text);
    // A collected redemption cannot be cancelled.
    let rid = app.id(&format!("SELECT id FROM redemptions WHERE code = '{code}'")).await;
    let r = zhangsan.json("POST", &format!("/api/v1/redemptions/{rid}/cancel"), json!({})).await;
    assert_eq!(r.json()["code"], "already_collected");
}

#[tokio::test]
async fn a_cancelled_redemption_gives_back_points_and_stock_and_staff_restock_relatively() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let rice = item(&app, "挂面", 25, 3).await;
    app.give_points(ids.zhangsan, ids.yeyu, 60).await;
    let mut zhangsan = app.login("resident").await;
    let r = zhangsan.json("POST", &format!("/api/v1/rewards/{rice}/redeem"), json!({"quantity": 2})).await;
    assert_eq!(r.json()["points"], 50, "{}", r.text);
    let rid = r.json()["id"].as_i64().unwrap();
    // 李四 cannot cancel 张三's.
    let r = app.login("resident2").await.json("POST", &format!("/api/v1/redemptions/{rid}/cancel"), json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = zhangsan.post_form(&format!("/rewards/redemptions/{rid}/cancel"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(balance(&app, ids.zhangsan, ids.yeyu).await, 60);
    assert_eq!(app.count(&format!("SELECT CAST(stock AS BIGINT) AS n FROM reward_items WHERE id = {rice}")).await, 3);
    let r = zhangsan.json("POST", &format!("/api/v1/redemptions/{rid}/cancel"), json!({})).await;
    assert_eq!(r.json()["code"], "already_cancelled");
    // The ledger kept both entries (spend and refund).
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM points_ledger WHERE source IN ('redemption:{rid}', 'redemption:{rid}:refund')"
        ))
        .await,
        2
    );
    // Staff add 5, then try to take 10 away: refused, the stock stays 8.
    let mut staff = app.login("staff").await;
    let r = staff
        .post_form(&format!("/rewards/items/{rice}"), &[("points", "25"), ("add_stock", "5"), ("active", "1")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = staff
        .post_form(&format!("/rewards/items/{rice}"), &[("points", "25"), ("add_stock", "-10"), ("active", "1")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(app.count(&format!("SELECT CAST(stock AS BIGINT) AS n FROM reward_items WHERE id = {rice}")).await, 8);
    // Off the shelf: residents no longer see or redeem it.
    staff.post_form(&format!("/rewards/items/{rice}"), &[("points", "25"), ("add_stock", "0"), ("active", "0")]).await;
    let r = zhangsan.json("POST", &format!("/api/v1/rewards/{rice}/redeem"), json!({})).await;
    assert_eq!(r.json()["code"], "item_unavailable", "{}", r.text);
    let page = zhangsan.get("/rewards").await.text;
    let shelf = page.split("id=\"my-redemptions\"").next().unwrap();
    assert!(!shelf.contains("挂面"), "off the shelf: {shelf}");
    // Another estate's staff cannot touch the item.
    let r = app
        .login("staff2")
        .await
        .post_form(&format!("/rewards/items/{rice}"), &[("points", "1"), ("add_stock", "0")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_simultaneous_redemptions_by_one_person_never_spend_more_than_the_balance() {
    let app = TestApp::with(|c| c.db_max_connections = 16).await;
    let ids = app.ids().await;
    let towel = item(&app, "毛巾", 30, 100).await;
    app.give_points(ids.zhangsan, ids.yeyu, 100).await;
    let zhangsan = app.login("resident").await;
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let mut c = zhangsan.clone();
        set.spawn(async move { c.json("POST", &format!("/api/v1/rewards/{towel}/redeem"), json!({})).await });
    }
    let (mut ok, mut refused) = (0, 0);
    while let Some(r) = set.join_next().await {
        let r = r.unwrap();
        match r.status {
            StatusCode::OK => ok += 1,
            StatusCode::CONFLICT => {
                assert_eq!(r.json()["code"], "insufficient_points", "{}", r.text);
                refused += 1
            }
            s => panic!("{s}: {}", r.text),
        }
    }
    assert_eq!((ok, refused), (3, 17), "100 points buy three towels at 30");
    assert_eq!(balance(&app, ids.zhangsan, ids.yeyu).await, 10);
    assert_eq!(app.count(&format!("SELECT CAST(stock AS BIGINT) AS n FROM reward_items WHERE id = {towel}")).await, 97);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM redemptions").await, 3);
    assert_eq!(app.count("SELECT COUNT(DISTINCT code) AS n FROM redemptions").await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_people_redeeming_the_last_five_at_once_never_take_the_stock_below_zero() {
    let app = TestApp::with(|c| c.db_max_connections = 16).await;
    let ids = app.ids().await;
    let oil = item(&app, "食用油", 10, 5).await;
    let clients = app.resident_clients(ids.yeyu, 20).await;
    for (person, _) in &clients {
        app.give_points(*person, ids.yeyu, 50).await;
    }
    let mut set = tokio::task::JoinSet::new();
    for (_, c) in clients {
        let mut c = c;
        set.spawn(async move { c.json("POST", &format!("/api/v1/rewards/{oil}/redeem"), json!({})).await });
    }
    let (mut ok, mut out) = (0, 0);
    while let Some(r) = set.join_next().await {
        let r = r.unwrap();
        match r.status {
            StatusCode::OK => ok += 1,
            StatusCode::CONFLICT => {
                assert_eq!(r.json()["code"], "out_of_stock", "{}", r.text);
                out += 1
            }
            s => panic!("{s}: {}", r.text),
        }
    }
    assert_eq!((ok, out), (5, 15));
    assert_eq!(app.count(&format!("SELECT CAST(stock AS BIGINT) AS n FROM reward_items WHERE id = {oil}")).await, 0);
    // Those refused kept their points: exactly five spending entries.
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM points_ledger WHERE source LIKE 'redemption:%'").await, 5);
}

#[tokio::test]
async fn a_mistaken_check_in_can_be_taken_back_within_minutes_only() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let occ = activity(&app).await;
    app.clock.advance(Duration::days(7) + Duration::hours(4));
    let mut staff = app.login("staff").await;
    let url = format!("/activities/occurrences/{occ}/attend");
    let lisi = ids.lisi.to_string();
    let r = staff.post_form(&url, &[("action", "in"), ("person_id", &lisi)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    app.clock.advance(Duration::minutes(3));
    let r = staff.post_form(&url, &[("action", "undo_in"), ("person_id", &lisi)]).await;
    assert!(r.location().contains("result=undone"), "{}", r.text);
    let sql = format!("SELECT COUNT(*) AS n FROM signups WHERE person_id = {lisi} AND checked_in_at IS NOT NULL");
    assert_eq!(app.count(&sql).await, 0);
    // Again, but too late to take back: refused, the check-in stands.
    staff.post_form(&url, &[("action", "in"), ("person_id", &lisi)]).await;
    app.clock.advance(Duration::minutes(6));
    let r = staff.post_form(&url, &[("action", "undo_in"), ("person_id", &lisi)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.text.contains("scan-result bad"), "{}", r.text);
    assert_eq!(app.count(&sql).await, 1);
    assert!(app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'undo_check_in'").await == 1);
    // A resident cannot take back their own (or anyone's) check-in.
    let mut resident2 = app.login("resident2").await;
    let r =
        resident2.json("POST", &format!("/api/v1/occurrences/{occ}/attendance"), json!({"action": "undo_in"})).await;
    assert!(r.status.is_client_error(), "{}", r.text);
    assert_eq!(app.count(&sql).await, 1);
}

#[tokio::test]
async fn a_residents_daily_code_lets_staff_check_them_in_and_out_by_scanning() {
    use xinghuo::clock::Clock;
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let occ = activity(&app).await;
    app.clock.advance(Duration::days(7) + Duration::hours(4)); // 2026-12-05 14:00
    let mut lisi = app.login("resident2").await;
    let page = lisi.get("/activities/mycode").await.text;
    let code = page.split("id=\"my-code\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    let today = xinghuo::positions::model::to_local(app.clock.now()).date();
    assert_eq!(
        code,
        xinghuo::activities::attendance::person_code(&app.state.secret, xinghuo::ids::PersonId(ids.lisi), today)
    );
    let mut staff = app.login("staff").await;
    let r = staff
        .post_form(&format!("/activities/occurrences/{occ}/attend"), &[("action", "auto"), ("person_code", &code)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(r.location().contains(&format!("/code?result=in&person={}", ids.lisi)), "{}", r.location());
    // The screen names who was checked in, and when, in large type, with the arrived/expected counter.
    let screen = staff.get(&r.location()).await.text;
    assert!(screen.contains("scan-result ok") && screen.contains("李四") && screen.contains("签到成功"), "{screen}");
    assert!(screen.contains("id=\"undo-check-in\"") && screen.contains("<strong>1</strong> /"), "{screen}");
    // A refused scan (a made-up code) turns the screen red and says why.
    let bad = staff
        .post_form(
            &format!("/activities/occurrences/{occ}/attend"),
            &[("action", "auto"), ("person_code", "XXXX-XXXX")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("scan-result bad") && bad.text.contains("居民码无效"), "{}", bad.text);
    app.clock.advance(Duration::hours(1));
    let mut staff = app.login("staff").await;
    // A second scan never checks out by itself: it says since when, and 签退 is its own step.
    let r = staff
        .json("POST", &format!("/api/v1/occurrences/{occ}/attendance"), json!({"action": "auto", "person_code": code}))
        .await;
    assert_eq!(r.json()["action"], "already_in", "{}", r.text);
    assert!(r.json()["checked_in_at"].is_string());
    let r = staff
        .json("POST", &format!("/api/v1/occurrences/{occ}/attendance"), json!({"action": "out", "person_code": code}))
        .await;
    assert_eq!(r.json()["action"], "out", "{}", r.text);
    assert_eq!(r.json()["minutes"], 60);
    // Yesterday's code, or a made-up one, is refused.
    let yesterday = xinghuo::activities::attendance::person_code(
        &app.state.secret,
        xinghuo::ids::PersonId(ids.zhangsan),
        today.pred_opt().unwrap(),
    );
    let r = staff
        .json(
            "POST",
            &format!("/api/v1/occurrences/{occ}/attendance"),
            json!({"action": "auto", "person_code": yesterday}),
        )
        .await;
    assert_eq!(r.json()["code"], "bad_person_code", "{}", r.text);
    // A resident cannot use someone's code to check them in.
    let r = lisi
        .json("POST", &format!("/api/v1/occurrences/{occ}/attendance"), json!({"action": "in", "person_code": code}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn staff_award_points_by_home_and_name_and_cannot_deduct_below_zero() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let r = staff
        .post_form(
            "/volunteers/points",
            &[
                ("project_id", &ids.yeyu.to_string()),
                ("room", "1-1-101"),
                ("name", "张三"),
                ("delta", "50"),
                ("reason", "清理楼道杂物"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = staff
        .json(
            "POST",
            "/api/v1/points/awards",
            json!({"project_id": ids.yeyu, "room": "1-1-101", "name": "张三", "delta": -80, "reason": "x"}),
        )
        .await;
    assert_eq!(r.json()["code"], "insufficient_points", "{}", r.text);
    let r = staff
        .json(
            "POST",
            "/api/v1/points/awards",
            json!({"project_id": ids.yeyu, "room": "1-1-101", "name": "王二", "delta": 5, "reason": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = staff
        .json(
            "POST",
            "/api/v1/points/awards",
            json!({"project_id": ids.yeyu, "room": "1-1-101", "name": "张三", "delta": -20, "reason": "重复记分"}),
        )
        .await;
    assert_eq!(r.json()["balance"], 30, "{}", r.text);
    let r = app
        .login("staff2")
        .await
        .json(
            "POST",
            "/api/v1/points/awards",
            json!({"project_id": ids.yeyu, "room": "1-1-101", "name": "张三", "delta": 5, "reason": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let mut zhangsan = app.login("resident").await;
    let me = zhangsan.get("/api/v1/me/points").await.json();
    assert_eq!(me["balance"], 30, "{me}");
    assert_eq!(me["entries"][1]["reason"], "清理楼道杂物");
    assert!(zhangsan.get("/activities/mine").await.text.contains("-20"));
}

#[tokio::test]
async fn activities_for_volunteers_or_one_team_refuse_everyone_else() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let team = team_id(&app, "保利叶语志愿服务队").await;
    let mut staff = app.login("staff").await;
    let page = staff.get("/activities").await.text;
    assert!(page.contains(&format!("value=\"team:{team}\"")), "team offered as an audience");
    let mut occ = Vec::new();
    for audience in [format!("team:{team}"), "volunteers".to_string()] {
        let r = staff
            .post_form(
                "/activities",
                &[
                    ("project_id", &ids.yeyu.to_string()),
                    ("kind", "volunteer"),
                    ("title", "楼道清理突击"),
                    ("audience", &audience),
                    ("date", "2026-12-06"),
                    ("start", "09:00"),
                    ("duration_minutes", "60"),
                    ("repeat", "none"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        occ.push(r.occurrence_id());
    }
    // Another estate's team is not an audience here.
    let r = staff
        .post_form(
            "/activities",
            &[
                ("project_id", &ids.yeyu.to_string()),
                ("kind", "volunteer"),
                ("title", "x"),
                ("audience", "team:999999"),
                ("date", "2026-12-06"),
                ("start", "09:00"),
                ("duration_minutes", "60"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    for o in &occ {
        let url = format!("/api/v1/occurrences/{o}/signup");
        let r = app.login("resident2").await.json("POST", &url, json!({})).await;
        assert_eq!(r.json()["code"], "not_eligible", "{}", r.text);
        let r = app.login("resident").await.json("POST", &url, json!({})).await;
        assert_eq!(r.json()["state"], "confirmed", "张三 is a volunteer and leads the team: {}", r.text);
    }
}

#[tokio::test]
async fn staff_redeem_at_the_counter_for_an_elderly_resident_without_a_phone() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let eggs = app.id(&format!("SELECT id FROM reward_items WHERE project_id = {} AND name = '鸡蛋'", ids.yeyu)).await;
    app.give_points(ids.zhangsan, ids.yeyu, 50).await;
    let mut staff = app.login("staff").await;
    let url = format!("/rewards/items/{eggs}/redeem");
    let r = staff.post_form(&url, &[("room", "1-1-101"), ("name", "张三"), ("quantity", "2")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = staff.get(&r.location()).await.text;
    assert!(page.contains("made-code"), "the code is shown to read out: {page}");
    assert_eq!(balance(&app, ids.zhangsan, ids.yeyu).await, 10);
    let r = staff.post_form(&url, &[("room", "1-1-101"), ("name", "张三"), ("quantity", "1")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    // Residents cannot spend a neighbour's points; another estate's staff cannot reach the shelf.
    let r = app
        .login("resident2")
        .await
        .json("POST", &format!("/api/v1/rewards/{eggs}/redeem"), json!({"room": "1-1-101", "name": "张三"}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = app
        .login("staff2")
        .await
        .json("POST", &format!("/api/v1/rewards/{eggs}/redeem"), json!({"room": "1-1-101", "name": "张三"}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    // 张三 sees the reservation on their own page.
    let cat = app.login("resident").await.get("/api/v1/rewards").await.json();
    assert_eq!(cat["mine"][0]["quantity"], 2, "{cat}");
}

/// The article's 党团突击队 are property staff and Party members (issue 11): they join a team directly,
/// without a volunteer registration, and are signed in on Friday's 全员保洁日 with hours and points.
#[tokio::test]
async fn a_commando_of_staff_signs_in_on_friday() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let team = app.id(&format!("SELECT id FROM teams WHERE project_id = {} AND kind = 'commando'", ids.yeyu)).await;
    let members = app.count(&format!("SELECT COUNT(*) AS n FROM team_members WHERE team_id = {team}")).await;
    assert_eq!(members, 4, "the demo's 党团突击队 has its members");
    let chen = app.id("SELECT id FROM persons WHERE name = '陈师傅'").await;
    let mut staff = app.login("staff").await;
    // Staff join directly: out and back in, with no volunteer registration.
    let r = staff.post_form(&format!("/volunteers/teams/{team}/members/{chen}/remove"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(app.count(&format!("SELECT COUNT(*) AS n FROM volunteers WHERE person_id = {chen}")).await, 0);
    let r = staff
        .post_form(
            &format!("/volunteers/teams/{team}/members"),
            &[("person_id", &chen.to_string()), ("role", "member")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    // A resident who is neither a volunteer, staff nor a Party member is still refused.
    let r = staff
        .post_form(
            &format!("/volunteers/teams/{team}/members"),
            &[("person_id", &ids.lisi.to_string()), ("role", "member")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);

    // Friday 09:05: the project manager signs the team in; 11:05 out.
    let friday = ids.occurrence;
    app.clock.advance(Duration::days(6) - Duration::minutes(55));
    let team_people: Vec<i64> = {
        #[derive(sea_orm::FromQueryResult)]
        struct P {
            person_id: i64,
        }
        xinghuo::db::all::<P>(
            &app.state.db.read,
            "SELECT person_id FROM team_members WHERE team_id = $1 ORDER BY person_id",
            vec![team.into()],
        )
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.person_id)
        .collect()
    };
    let url = format!("/api/v1/occurrences/{friday}/attendance");
    let mut staff = app.login("staff").await;
    for p in &team_people {
        let r = staff.json("POST", &url, json!({"action": "in", "person_id": p})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    app.clock.advance(Duration::hours(2));
    for p in &team_people {
        let r = staff.json("POST", &url, json!({"action": "out", "person_id": p})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    for p in &team_people {
        let minutes = app
            .count(&format!(
                "SELECT CAST(COALESCE(SUM(minutes), 0) AS BIGINT) AS n FROM points_ledger WHERE person_id = {p} AND source LIKE 'signup:%'"
            ))
            .await;
        assert!(minutes >= 115, "person {p}: {minutes} minutes");
        assert!(balance(&app, *p, ids.yeyu).await > 0, "person {p} earned points");
    }
}

/// One volunteer concept (issue 11): staff making someone a volunteer on the person's page (C0's role
/// form) registers them as an approved volunteer (C4) — no separate role row — and the home page counts
/// registrations.
#[tokio::test]
async fn the_role_form_and_the_registration_are_one_volunteer() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let sql = format!("SELECT COUNT(*) AS n FROM volunteers WHERE project_id = {} AND state = 'approved'", ids.yeyu);
    let approved = || app.count(&sql);
    let before = approved().await;
    let tile = |t: &str| t.split("home.volunteers").next().map(str::to_string).unwrap_or_default();
    let home = staff.get("/").await.text;
    assert!(home.contains(&format!("<span class=\"num\">{before}</span><span>志愿者")), "{}", tile(&home));
    let r = staff
        .json("POST", &format!("/api/v1/people/{}/roles", ids.lisi), json!({"role": "volunteer", "node_id": ids.yeyu}))
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    assert_eq!(approved().await, before + 1);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM role_assignments WHERE role = 'volunteer'").await, 0);
    let home = staff.get("/").await.text;
    assert!(home.contains(&format!("<span class=\"num\">{}</span><span>志愿者", before + 1)));
    // Twice is the same refusal as any role twice.
    let r = staff
        .json("POST", &format!("/api/v1/people/{}/roles", ids.lisi), json!({"role": "volunteer", "node_id": ids.yeyu}))
        .await;
    assert_eq!(r.json()["code"], "duplicate_role", "{}", r.text);
    // 李四 sees himself as a volunteer and may now join a team.
    let page = app.login("resident2").await.get("/volunteers").await.text;
    assert!(!page.contains("申请成为志愿者") || page.contains("已通过"), "{page}");
    let team = app.id("SELECT id FROM teams WHERE name = '保利叶语志愿服务队'").await;
    let r =
        staff.post_form(&format!("/volunteers/teams/{team}/members"), &[("person_id", &ids.lisi.to_string())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
}
