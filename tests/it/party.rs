//! C5 Party organisations and members: the tree and the branch page, registering a member (dates checked,
//! one organisation at a time, even when two registrations race), 组织关系转接 with its history, posts,
//! the 党员 badge, who may see a branch, and the audited read.

use axum::http::StatusCode;
use chrono::Datelike;
use serde_json::json;

use crate::support::TestApp;

async fn branch(app: &TestApp, project: i64) -> i64 {
    app.id(&format!("SELECT id FROM party_orgs WHERE node_id = {project} AND kind = 'project_branch'")).await
}

#[tokio::test]
async fn a_branch_registers_transfers_and_shows_its_members_only_inside_its_line() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let yeyu = branch(&app, ids.yeyu).await;
    let tianxi = branch(&app, ids.tianxi).await;
    let mut staff = app.login("staff").await;
    // The tree: the project branch sits under the company committee.
    let list = staff.get("/party").await.text;
    assert!(list.contains("保利物业四川公司党委") && list.contains("保利叶语项目党支部"), "{list}");
    let before = app
        .count(&format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'party_read' AND entity_id = {yeyu}"))
        .await;
    let page = staff.get(&format!("/party/orgs/{yeyu}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("id=\"members\"") && page.text.contains("书记"), "{}", page.text);
    let after = app
        .count(&format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'party_read' AND entity_id = {yeyu}"))
        .await;
    assert_eq!(after, before + 1, "reading the member list is not audited");

    // Register 王经理 (staff here): a full member needs a year of probation before 转正.
    let wang = app.id("SELECT person_id AS id FROM users WHERE username = 'staff'").await;
    let url = format!("/party/orgs/{yeyu}/members");
    let r = staff
        .post_form_from(
            &format!("/party/orgs/{yeyu}"),
            &url,
            &[
                ("person_id", &wang.to_string()),
                ("status", "full"),
                ("joined_on", "2015-07-01"),
                ("confirmed_on", "2015-12-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"confirmed_on-error\"") && r.text.contains("value=\"2015-07-01\""), "{}", r.text);
    let r = staff
        .post_form(
            &url,
            &[
                ("person_id", &wang.to_string()),
                ("status", "full"),
                ("joined_on", "2015-07-01"),
                ("confirmed_on", "2016-07-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    // A person is a member of one organisation at a time: registering him elsewhere is refused.
    let mut admin = app.login("admin").await;
    let r = admin
        .json(
            "POST",
            &format!("/api/v1/party/orgs/{tianxi}/members"),
            json!({"person_id": wang, "status": "full", "joined_on": "2015-07-01", "confirmed_on": "2016-07-01"}),
        )
        .await;
    assert!(matches!(r.status, StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY), "{}", r.text);
    // The 党员 badge on the project's staff list (亮身份).
    let org = staff.get(&format!("/org/{}", ids.yeyu)).await.text;
    assert!(org.contains("class=\"badge-party\""), "{org}");

    // 组织关系转接 to 保利天玺's branch: one current membership, the history keeps both.
    let m = app.id(&format!("SELECT id FROM party_memberships WHERE current_person_id = {wang}")).await;
    let r = admin.post_form(&format!("/party/memberships/{m}/transfer"), &[("to_org", &tianxi.to_string())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(app.count(&format!("SELECT COUNT(*) AS n FROM party_memberships WHERE person_id = {wang}")).await, 2);
    assert_eq!(
        app.id(&format!("SELECT org_id AS id FROM party_memberships WHERE current_person_id = {wang}")).await,
        tianxi
    );
    // Transferring the closed row again is refused. 王经理 now sees 天玺's branch as its member — and
    // 天玺's staff still cannot reach 叶语's.
    let r = admin.post_form(&format!("/party/memberships/{m}/transfer"), &[("to_org", &yeyu.to_string())]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(staff.get(&format!("/party/orgs/{tianxi}")).await.status, StatusCode::OK);
    let mut staff2 = app.login("staff2").await;
    assert_eq!(staff2.get(&format!("/party/orgs/{yeyu}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(staff2.get(&format!("/api/v1/party/orgs/{yeyu}")).await.status, StatusCode::NOT_FOUND);
    let mut resident = app.login("resident2").await;
    let list = resident.get("/party").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.text.contains("/party/orgs/"), "a resident who is no member sees a branch");

    // A member sees their own branch (not others), and cannot change it.
    let heyue = app
        .id("SELECT o.id FROM party_orgs o JOIN party_memberships m ON m.org_id = o.id \
        JOIN users u ON u.person_id = m.person_id WHERE u.username = 'grid' AND m.until IS NULL")
        .await;
    let mut grid = app.login("grid").await;
    assert_eq!(grid.get(&format!("/party/orgs/{heyue}")).await.status, StatusCode::OK);
    assert_eq!(grid.get(&format!("/party/orgs/{yeyu}")).await.status, StatusCode::NOT_FOUND);
    let r = grid.post_form(&format!("/party/orgs/{heyue}/members"), &[("person_id", "1")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
}

#[tokio::test]
async fn posts_make_the_committee_and_the_regulation_warns_what_is_missing() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let yeyu = branch(&app, ids.yeyu).await;
    let mut staff = app.login("staff").await;
    let detail = staff.get(&format!("/api/v1/party/orgs/{yeyu}")).await.json();
    let members = detail["members"].as_array().unwrap();
    assert!(!members.is_empty());
    let secretary = detail["committee"].as_array().unwrap().iter().find(|p| p["post"] == "secretary").cloned();
    let secretary = secretary.expect("the demo branch has a secretary");
    // A non-member cannot hold a post.
    let outsider = app.id("SELECT person_id AS id FROM users WHERE username = 'staff'").await;
    let r = staff
        .post_form(&format!("/party/orgs/{yeyu}/posts"), &[("person_id", &outsider.to_string()), ("post", "publicity")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    // Ending the secretary's term leaves the branch without one: the page says so.
    let r = staff.post_form(&format!("/party/posts/{}/end", secretary["id"]), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let detail = staff.get(&format!("/api/v1/party/orgs/{yeyu}")).await.json();
    assert!(detail["warnings"].as_array().unwrap().iter().any(|w| w == "party.warn.no_secretary"), "{detail}");
    let page = staff.get(&format!("/party/orgs/{yeyu}")).await.text;
    assert!(page.contains("还没有书记"), "{page}");
    // A member becomes secretary again from today.
    let member = members[0]["person_id"].as_i64().unwrap().to_string();
    let r =
        staff.post_form(&format!("/party/orgs/{yeyu}/posts"), &[("person_id", &member), ("post", "secretary")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let detail = staff.get(&format!("/api/v1/party/orgs/{yeyu}")).await.json();
    assert!(!detail["warnings"].as_array().unwrap().iter().any(|w| w == "party.warn.no_secretary"), "{detail}");
}

/// Two registrations of one person in two branches at the same moment: exactly one is kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_registrations_leave_one_membership() {
    let app = TestApp::with(|c| c.db_max_connections = 16).await;
    let ids = app.ids().await;
    let yeyu = branch(&app, ids.yeyu).await;
    let tianxi = branch(&app, ids.tianxi).await;
    // 王经理 is staff at 保利叶语; give him a place in 天玺's register too, so both branches may take him.
    let wang = app.id("SELECT person_id AS id FROM users WHERE username = 'staff'").await;
    xinghuo::db::exec(
        &app.state.db.write,
        &format!("INSERT INTO role_assignments (person_id, role, node_id, created_at) VALUES ({wang}, 'party_member', {}, CURRENT_TIMESTAMP)", ids.tianxi),
        vec![],
    )
    .await
    .unwrap();
    let admin = app.login("admin").await;
    let mut set = tokio::task::JoinSet::new();
    for (i, org) in [yeyu, tianxi, yeyu, tianxi, yeyu, tianxi].into_iter().enumerate() {
        let mut c = admin.clone();
        set.spawn(async move {
            let body =
                json!({"person_id": wang, "status": "probationary", "joined_on": format!("2026-0{}-01", 1 + i % 6)});
            c.json("POST", &format!("/api/v1/party/orgs/{org}/members"), body).await.status
        });
    }
    let mut ok = 0;
    while let Some(s) = set.join_next().await {
        let s = s.unwrap();
        assert!(s == StatusCode::OK || s == StatusCode::CONFLICT, "{s}");
        ok += usize::from(s == StatusCode::OK);
    }
    assert_eq!(ok, 1);
    assert_eq!(app.count(&format!("SELECT COUNT(*) AS n FROM party_memberships WHERE person_id = {wang}")).await, 1);
}

/// 组织生活: a meeting is recorded with who came (members only), the quorum is computed from those with a
/// vote, a resolution needs it, and the board counts only quorate meetings — the demo branch shows last
/// month's 主题党日 overdue until one is held.
#[tokio::test]
async fn meetings_count_by_quorum_and_the_board_shows_what_is_overdue() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let yeyu = branch(&app, ids.yeyu).await;
    let mut staff = app.login("staff").await;
    let board = staff.get(&format!("/api/v1/party/orgs/{yeyu}/compliance")).await.json();
    let overdue: Vec<_> = board.as_array().unwrap().iter().filter(|c| c["standing"] == "overdue").collect();
    assert_eq!(overdue.len(), 1, "{board}");
    assert_eq!(overdue[0]["kind"], "theme_day");
    let last_month = overdue[0]["from"].as_str().unwrap().to_string();
    let page = staff.get(&format!("/party/orgs/{yeyu}/meetings")).await.text;
    assert!(page.contains("id=\"overdue-count\"") && page.contains("逾期"), "{page}");
    // The superior organisation sees it on its page, beside the branch.
    let committee = app.id(&format!("SELECT parent_id AS id FROM party_orgs WHERE id = {yeyu}")).await;
    let page = app.login("admin").await.get(&format!("/party/orgs/{committee}")).await.text;
    let children = &page[page.find("id=\"children\"").expect("the committee lists its branches")..];
    let yeyu_line = &children[children.find("保利叶语项目党支部").unwrap()..];
    assert!(yeyu_line[..yeyu_line.find("</li>").unwrap()].contains("有 1 项逾期未开"), "{children}");

    let detail = staff.get(&format!("/api/v1/party/orgs/{yeyu}")).await.json();
    let members: Vec<i64> =
        detail["members"].as_array().unwrap().iter().map(|m| m["person_id"].as_i64().unwrap()).collect();
    let full: Vec<i64> = detail["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["status"] == "full")
        .map(|m| m["person_id"].as_i64().unwrap())
        .collect();
    let url = format!("/api/v1/party/orgs/{yeyu}/meetings");
    // Someone from outside the branch cannot be marked present.
    let outsider = app.id("SELECT person_id AS id FROM users WHERE username = 'staff'").await;
    let r = staff
        .json(
            "POST",
            &url,
            json!({"kind": "theme_day", "title": "补开主题党日", "held_on": last_month, "present": [outsider]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    // A 党员大会 with half of the full members cannot take a resolution; nothing is written.
    let before = app.count("SELECT COUNT(*) AS n FROM party_meetings").await;
    let half: Vec<i64> = full.iter().take(full.len() / 2).copied().collect();
    let r = staff
        .json(
            "POST",
            &url,
            json!({"kind": "assembly", "title": "党员大会", "held_on": last_month, "present": half, "resolution": "同意接收预备党员"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(r.json()["code"], "no_quorum");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM party_meetings").await, before);
    // Without a resolution it is recorded, but does not count.
    let r = staff
        .json("POST", &url, json!({"kind": "theme_day", "title": "补开", "held_on": last_month, "present": []}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // A 主题党日 with everyone there: last month is done, nothing overdue.
    let r = staff
        .json(
            "POST",
            &url,
            json!({"kind": "theme_day", "title": "主题党日（补开）", "held_on": last_month, "present": members}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    let board = staff.get(&format!("/api/v1/party/orgs/{yeyu}/compliance")).await.json();
    assert!(board.as_array().unwrap().iter().all(|c| c["standing"] != "overdue"), "{board}");
    let page = staff.get(&format!("/party/meetings/{id}")).await.text;
    assert!(page.contains("id=\"attendance\"") && page.contains("出席"), "{page}");
    // The quorum of a 党员大会 with more than half present, and its resolution.
    let most: Vec<i64> = full.iter().take(full.len() / 2 + 1).copied().collect();
    // Its vote is required, and cannot have more ballots than voters present; nothing is written.
    let assembly = |votes: serde_json::Value| {
        let mut b = json!({"kind": "assembly", "title": "党员大会", "held_on": last_month, "present": most, "resolution": "同意"});
        b.as_object_mut().unwrap().extend(votes.as_object().unwrap().clone());
        b
    };
    let before = app.count("SELECT COUNT(*) AS n FROM party_meetings").await;
    let r = staff.json("POST", &url, assembly(json!({}))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = staff.json("POST", &url, assembly(json!({"votes_for": most.len(), "votes_against": 1}))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM party_meetings").await, before);
    let r = staff.json("POST", &url, assembly(json!({"votes_for": most.len()}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let page = staff.get(&format!("/party/meetings/{}", r.json()["id"])).await.text;
    assert!(page.contains("达到法定人数") && page.contains("id=\"resolution\""), "{page}");
    assert!(page.contains("id=\"votes\"") && page.contains(">通过<"), "{page}");
    // Another estate's staff cannot read the board or record.
    let mut staff2 = app.login("staff2").await;
    assert_eq!(staff2.get(&format!("/api/v1/party/orgs/{yeyu}/compliance")).await.status, StatusCode::NOT_FOUND);
    let r = staff2.json("POST", &url, json!({"kind": "theme_day", "title": "x", "held_on": last_month})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The branch's secretary (a resident, not staff) records its meetings; another member reads them
    // but may not record; a resident who is no member sees no branch at all.
    let committee: Vec<i64> =
        detail["committee"].as_array().unwrap().iter().map(|p| p["person_id"].as_i64().unwrap()).collect();
    let secretary =
        detail["committee"].as_array().unwrap().iter().find(|p| p["post"] == "secretary").unwrap()["person_id"]
            .as_i64()
            .unwrap();
    let mut sec = app.client_for(secretary).await;
    let r = sec
        .json(
            "POST",
            &url,
            json!({"kind": "lecture", "title": "书记讲党课", "held_on": last_month, "present": members}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let other = *members.iter().find(|m| !committee.contains(m)).unwrap();
    let mut member = app.client_for(other).await;
    assert_eq!(member.get(&format!("/api/v1/party/orgs/{yeyu}/compliance")).await.status, StatusCode::OK);
    let r = member.json("POST", &url, json!({"kind": "lecture", "title": "x", "held_on": last_month})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let mut resident = app.login("resident2").await;
    assert_eq!(resident.get("/api/v1/party/orgs").await.json().as_array().map(Vec::len), Some(0));
    assert_eq!(resident.get(&format!("/api/v1/party/orgs/{yeyu}/compliance")).await.status, StatusCode::NOT_FOUND);
}

/// 党费: the brackets are rows equal to the published ones; the branch's 组织委员 — and no one else, not
/// even staff — sets a member's basis and records payments; a month is paid once; the member sees their
/// own due and arrears; incomes never reach the audit log.
#[tokio::test]
async fn dues_follow_the_brackets_and_only_the_officer_sees_incomes() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let yeyu = branch(&app, ids.yeyu).await;
    let stored = xinghuo::party::dues::store::brackets(&app.state.db.read).await.unwrap();
    assert_eq!(stored, xinghuo::party::dues::model::DEFAULT_BRACKETS.to_vec());

    let mut staff = app.login("staff").await;
    let detail = staff.get(&format!("/api/v1/party/orgs/{yeyu}")).await.json();
    let committee = detail["committee"].as_array().unwrap().clone();
    let officer = committee.iter().find(|p| p["post"] == "organisation").unwrap()["person_id"].as_i64().unwrap();
    let member = detail["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["person_id"].as_i64().unwrap())
        .find(|id| !committee.iter().any(|c| c["person_id"].as_i64() == Some(*id)))
        .unwrap();
    // Staff of the estate may run the branch, but incomes are not theirs to see.
    assert_eq!(staff.get(&format!("/party/orgs/{yeyu}/dues")).await.status, StatusCode::FORBIDDEN);
    let mut off = app.client_for(officer).await;
    let page = off.get(&format!("/party/orgs/{yeyu}/dues")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let url = format!("/party/orgs/{yeyu}/dues/basis");
    let r =
        off.post_raw(&url, &[("person_id", &member.to_string()), ("category", "in_work"), ("income", "三千五")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = off
        .post_raw(&url, &[("person_id", &member.to_string()), ("category", "in_work"), ("income", "３,５００")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = off.get(&format!("/party/orgs/{yeyu}/dues")).await.text;
    assert!(page.contains(">3500.00<") && page.contains(">35.00<"), "{page}");
    // A payment of this month at the due; the same month again is refused.
    let pay = format!("/party/orgs/{yeyu}/dues/payments");
    let r = off.post_raw(&pay, &[("person_id", &member.to_string())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = off.post_raw(&pay, &[("person_id", &member.to_string()), ("amount", "35")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    // The member sees their own standing: paid this month; with no other payment this year (the demo's
    // removed — setting up), every month since January is owed.
    xinghuo::db::exec(
        &app.state.db.write,
        &format!("DELETE FROM party_dues_payments WHERE person_id = {member} AND month < '2026-11'"),
        vec![],
    )
    .await
    .unwrap();
    let mut me = app.client_for(member).await;
    let mine = me.get("/api/v1/party/me").await.json();
    assert_eq!(mine["dues"]["due_fen"], 3500);
    assert_eq!(mine["dues"]["paid_this_month"], true);
    let owed: Vec<&str> = mine["dues"]["arrears"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
    assert_eq!(owed.first(), Some(&"2026-01"), "{mine}");
    assert_eq!(owed.last(), Some(&"2026-10"), "{mine}");
    let page = me.get("/party/me").await.text;
    assert!(page.contains("id=\"my-dues\"") && page.contains("35.00"), "{page}");
    // Another member cannot open the ledger; incomes are not in the audit log.
    assert_eq!(me.get(&format!("/party/orgs/{yeyu}/dues")).await.status, StatusCode::FORBIDDEN);
    let leaked =
        app.count("SELECT COUNT(*) AS n FROM audit_log WHERE summary LIKE '%3500%' OR summary LIKE '%3,500%'").await;
    assert_eq!(leaked, 0);
    let mut resident = app.login("resident2").await;
    assert!(resident.get("/api/v1/party/me").await.json()["membership"].is_null());
}

/// The jobs: a member is greeted on their 政治生日 once, however often the job runs; in the last week of a
/// month the secretary is reminded once of the 主题党日 not yet held.
#[tokio::test]
async fn birthdays_and_due_meetings_are_told_once() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let yeyu = branch(&app, ids.yeyu).await;
    let now = xinghuo::clock::Clock::now(&*app.state.clock);
    let today = xinghuo::clock::to_local(now).date();
    let member = app
        .id(&format!("SELECT MIN(person_id) AS id FROM party_memberships WHERE org_id = {yeyu} AND until IS NULL"))
        .await;
    // Set up: this member joined on this day 20 years ago, and has a log-in.
    let joined = today.with_year(today.year() - 20).unwrap();
    xinghuo::db::exec(
        &app.state.db.write,
        &format!("UPDATE party_memberships SET joined_on = '{joined}' WHERE person_id = {member} AND until IS NULL"),
        vec![],
    )
    .await
    .unwrap();
    let mut client = app.client_for(member).await;
    let greeted = xinghuo::party::jobs::political_birthdays(&app.state, now).await.unwrap();
    assert!(greeted >= 1);
    assert_eq!(xinghuo::party::jobs::political_birthdays(&app.state, now).await.unwrap(), 0, "greeted twice");
    let notes = client.get("/api/v1/notifications").await.json();
    let birthday: Vec<_> =
        notes["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "party_birthday").collect();
    assert_eq!(birthday.len(), 1, "{notes}");
    assert!(birthday[0]["title"].as_str().unwrap().contains("入党20周年"), "{notes}");

    // The secretary hears, in the month's last week, that this month's 主题党日 is not held yet — once.
    let secretary =
        app.id(&format!("SELECT person_id AS id FROM party_posts WHERE org_id = {yeyu} AND post = 'secretary'")).await;
    let mut sec = if secretary == member { client } else { app.client_for(secretary).await };
    // The test clock stands at 28 November: the month's last week.
    let last_day = (today.with_day(1).unwrap() + chrono::Months::new(1)).pred_opt().unwrap();
    assert!(last_day - today <= chrono::Duration::days(6));
    let sent = xinghuo::party::jobs::period_reminders(&app.state, now).await.unwrap();
    assert!(sent >= 1);
    let notes = sec.get("/api/v1/notifications").await.json();
    let due: Vec<_> = notes["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "party_due").collect();
    assert!(due.iter().any(|n| n["title"].as_str().unwrap().contains("主题党日")), "{notes}");
    assert_eq!(xinghuo::party::jobs::period_reminders(&app.state, now).await.unwrap(), 0, "reminded twice");
}

/// A 主题党日 held with a volunteer activity: the secretary plans it on an activity date, the members are
/// told; a member's own scan of the activity's code marks them present (no sign-up needed) and the board
/// counts the month; staff taking the check-in back takes the attendance back; their check-out credits
/// their hours as for any volunteer. Outsiders, other estates and members without a post are refused.
#[tokio::test]
async fn a_theme_day_held_with_an_activity_counts_by_the_check_in_and_credits_hours() {
    use chrono::Duration;
    use xinghuo::activities::{attendance::attendance_code, model::code_window};
    use xinghuo::clock::Clock;
    let _ = tracing_subscriber::fmt().with_test_writer().try_init();
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let yeyu = branch(&app, ids.yeyu).await;
    let occ = crate::activities::create(&app, 0, "volunteers").await; // 2026-12-05 14:00–16:00 China
    let mut staff = app.login("staff").await;
    let detail = staff.get(&format!("/api/v1/party/orgs/{yeyu}")).await.json();
    let committee: Vec<i64> =
        detail["committee"].as_array().unwrap().iter().map(|p| p["person_id"].as_i64().unwrap()).collect();
    let secretary =
        detail["committee"].as_array().unwrap().iter().find(|p| p["post"] == "secretary").unwrap()["person_id"]
            .as_i64()
            .unwrap();
    let members: Vec<i64> =
        detail["members"].as_array().unwrap().iter().map(|m| m["person_id"].as_i64().unwrap()).collect();
    let other = *members.iter().find(|m| !committee.contains(m)).unwrap();
    let mut sec = app.client_for(secretary).await;
    let mut member = app.client_for(other).await;
    let url = format!("/api/v1/party/orgs/{yeyu}/meetings/planned");
    // A member without a post, another estate's staff and a resident who is no member may not plan it.
    let body = json!({"occurrence_id": occ, "kind": "theme_day"});
    assert_eq!(member.json("POST", &url, body.clone()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.login("staff2").await.json("POST", &url, body.clone()).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.login("resident2").await.json("POST", &url, body.clone()).await.status, StatusCode::NOT_FOUND);
    let r = sec.json("POST", &url, json!({"occurrence_id": 0, "kind": "theme_day"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = sec.json("POST", &url, body.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let meeting = r.json()["id"].as_i64().unwrap();
    let r = sec.json("POST", &url, body.clone()).await;
    assert_eq!(r.json()["code"], "already_planned", "{}", r.text);
    // The members are told, and see it among the meetings ahead.
    let told = app
        .count(&format!(
            "SELECT COUNT(*) AS n FROM notifications n JOIN users u ON u.id = n.user_id \
             WHERE n.kind = 'party_meeting' AND u.person_id = {other}"
        ))
        .await;
    assert_eq!(told, 1);
    let me = member.get("/party/me").await.text;
    assert!(me.contains("id=\"meetings-ahead\"") && me.contains(&format!("/party/meetings/{meeting}")), "{me}");
    // 5 December, 13:50: the month's 主题党日 is due.
    app.clock.advance(Duration::days(7) + Duration::minutes(230));
    let standing = |board: serde_json::Value| -> String {
        board
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == "theme_day" && c["from"] == "2026-12-01")
            .map(|c| c["standing"].as_str().unwrap().to_string())
            .unwrap()
    };
    let board_url = format!("/api/v1/party/orgs/{yeyu}/compliance");
    assert_eq!(standing(sec.get(&board_url).await.json()), "due");
    // The member scans the code on the spot: checked in without having signed up, and present.
    let code = || attendance_code(&app.state.secret, xinghuo::ids::OccurrenceId(occ), code_window(app.clock.now()));
    let attend = format!("/api/v1/occurrences/{occ}/attendance");
    let r = member.json("POST", &attend, json!({"action": "in", "code": code()})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let present_sql = format!(
        "SELECT COUNT(*) AS n FROM party_attendance WHERE meeting_id = {meeting} AND person_id = {other} AND presence = 'present'"
    );
    let presence = || app.count(&present_sql);
    assert_eq!(presence().await, 1);
    assert_eq!(
        app.count(&format!("SELECT CAST(present_voters AS BIGINT) AS n FROM party_meetings WHERE id = {meeting}"))
            .await,
        1
    );
    assert_eq!(standing(sec.get(&board_url).await.json()), "done");
    // Someone not on the roster cannot walk in by scanning.
    let r = app.login("resident2").await.json("POST", &attend, json!({"action": "in", "code": code()})).await;
    assert_eq!(r.json()["code"], "not_signed_up", "{}", r.text);
    // Staff take the check-in back (the wrong person scanned): the attendance goes with it.
    let r = app.login("staff").await.json("POST", &attend, json!({"action": "undo_in", "person_id": other})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(presence().await, 0);
    assert_eq!(standing(sec.get(&board_url).await.json()), "due");
    let r = member.json("POST", &attend, json!({"action": "in", "code": code()})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(presence().await, 1);
    // 16:30: the check-out credits the member's volunteer hours (14:00–16:00) like anyone's.
    app.clock.advance(Duration::minutes(160));
    let r = member.json("POST", &attend, json!({"action": "out", "code": code()})).await;
    assert_eq!(r.json()["minutes"], 120, "{}", r.text);
    assert_eq!(
        app.count(&format!("SELECT COALESCE(SUM(minutes), 0) AS n FROM points_ledger WHERE person_id = {other} AND source LIKE 'signup:%'"))
            .await,
        120
    );
    let page = sec.get(&format!("/party/meetings/{meeting}")).await.text;
    assert!(page.contains("id=\"held-with\"") && page.contains(&format!("/activities/occurrences/{occ}")), "{page}");
    assert_eq!(standing(sec.get(&board_url).await.json()), "done");
}

/// 一支部一品牌: the demo's 保利叶语 brand (2023) on the branch page and its public page; staff save this
/// year's with a photo (a second save rewrites it); a refused one writes nothing; a member without a
/// post, another estate's staff and a resident who is no member cannot.
#[tokio::test]
async fn a_branch_keeps_its_brand_on_a_public_page() {
    use crate::support::PNG_1X1;
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let yeyu = branch(&app, ids.yeyu).await;
    let mut staff = app.login("staff").await;
    let page = staff.get(&format!("/party/orgs/{yeyu}")).await.text;
    assert!(page.contains("id=\"brand-link\"") && page.contains("有温度的保利之家"), "{page}");
    let mut anon = app.client();
    let brand = anon.get(&format!("/brands/{}", ids.brand)).await;
    assert_eq!(brand.status, StatusCode::OK);
    assert!(brand.text.contains("保利叶语党群服务中心升级版2.0") && brand.text.contains("大门常开"), "{}", brand.text);
    let list = anon.get("/brands").await.text;
    assert!(list.contains("有温度的保利之家") && list.contains("2023"), "{list}");
    assert_eq!(anon.get("/brands?year=1800").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A refused brand writes nothing.
    let url = format!("/party/orgs/{yeyu}/brand");
    let before = app.count("SELECT COUNT(*) AS n FROM party_brands").await;
    let r = staff.post_form(&url, &[("name", ""), ("motto", "x")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM party_brands").await, before);
    // This year's, with a photo; then rewritten.
    let r = staff
        .multipart_named(
            &url,
            &[("name", "叶语红管家"), ("signature", "楼栋党员责任区")],
            "photo",
            ("品牌.png", PNG_1X1),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let id: i64 = r.location().trim_start_matches("/brands/").split('?').next().unwrap().parse().unwrap();
    let r = staff.post_form(&url, &[("name", "叶语红管家"), ("motto", "有事找党员")]).await;
    assert_eq!(r.location(), format!("/brands/{id}?msg=saved"));
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM party_brands").await, before + 1);
    let page = anon.get(&format!("/brands/{id}")).await.text;
    assert!(page.contains("有事找党员") && page.contains(&format!("/brands/{id}/photos/")), "{page}");
    assert!(staff.get(&format!("/party/orgs/{yeyu}")).await.text.contains("叶语红管家"));
    // Who may not.
    let detail = staff.get(&format!("/api/v1/party/orgs/{yeyu}")).await.json();
    let committee: Vec<i64> =
        detail["committee"].as_array().unwrap().iter().map(|p| p["person_id"].as_i64().unwrap()).collect();
    let other = detail["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["person_id"].as_i64().unwrap())
        .find(|m| !committee.contains(m))
        .unwrap();
    let mut member = app.client_for(other).await;
    assert_eq!(member.post_raw(&url, &[("name", "x")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.login("staff2").await.post_form(&url, &[("name", "x")]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.login("resident2").await.post_form(&url, &[("name", "x")]).await.status, StatusCode::NOT_FOUND);
}
