//! The experience (issue 12): each person's home shows their own things and the work waiting, from the
//! rows — not a fixed page.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::TestApp;

fn card<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page.find(&format!("id=\"card-{id}\"")).unwrap_or_else(|| panic!("no card {id} in {page}"));
    let rest = &page[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

#[tokio::test]
async fn the_resident_home_shows_my_open_requests_and_the_staff_home_the_work_waiting() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut resident = app.login("resident").await;
    let home = resident.get("/").await.text;
    assert!(home.contains("id=\"one-tap-repair\"") && home.contains("class=\"tabbar\""), "{home}");
    assert!(!card(&home, "my-requests").contains("/requests/"), "nothing reported yet");
    let mut staff = app.login("staff").await;
    let before = staff.get("/").await.text;
    assert!(card(&before, "work").contains("state=pending"));
    assert!(!before.contains("class=\"tabbar\""), "staff at a desk have the top navigation");
    let mut staff2 = app.login("staff2").await;
    let theirs_before = staff2.get("/").await.text;

    let r = resident
        .json(
            "POST",
            "/api/v1/requests",
            json!({"category_id": ids.yeyu_lighting, "description": "楼道灯不亮了", "household_id": ids.hh1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    let home = resident.get("/").await.text;
    let mine = card(&home, "my-requests");
    assert!(mine.contains(&format!("/requests/{id}")) && mine.contains("待受理") && mine.contains("st-wait"), "{mine}");
    // Another household's resident does not see it on their home.
    let mut other = app.login("resident2").await;
    assert!(!other.get("/").await.text.contains(&format!("/requests/{id}")));

    // Staff: one more to dispatch than before.
    let count = |page: &str| -> i64 {
        let w = card(page, "work");
        let at = w.find("state=pending").unwrap();
        let tag = &w[at..];
        let s = tag.find("class=\"st ").unwrap();
        let num = &tag[s..];
        let gt = num.find('>').unwrap();
        let lt = num.find("</span>").unwrap();
        num[gt + 1..lt].trim().parse().unwrap()
    };
    let after = staff.get("/").await.text;
    assert_eq!(count(&after), count(&before) + 1);
    // Staff of another project: their count does not move.
    let theirs = staff2.get("/").await.text;
    assert_eq!(count(&theirs), count(&theirs_before));
    assert!(!theirs.contains(&format!("/requests/{id}")));
}

#[tokio::test]
async fn the_points_card_says_how_to_earn_at_zero_and_the_approvals_queue_lists_pending_bookings() {
    let app = TestApp::new().await;
    let mut resident = app.login("resident").await;
    let home = resident.get("/").await.text;
    let points = card(&home, "points");
    assert!(points.contains("怎样赚积分") && points.contains("href=\"/volunteers\""), "{points}");
    // The 爱心超市 at 0 points says so and how to earn them.
    let shop = resident.get("/rewards").await.text;
    assert!(shop.contains("id=\"how-to-earn-") && shop.contains("看看近期活动"), "{shop}");
    let mut staff = app.login("staff").await;
    let q = staff.get("/positions/approvals").await;
    assert_eq!(q.status, StatusCode::OK);
    assert!(resident.get("/positions/approvals").await.status == StatusCode::FORBIDDEN);
}

/// A refused report comes back as the form, with what was typed and the message beside its field; a
/// refused photo comes back beside the photo field with the text kept. Nothing is written.
#[tokio::test]
async fn a_refused_report_comes_back_with_what_was_typed() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut resident = app.login("resident").await;
    let form = resident.get("/requests/new").await.text;
    // Nothing is chosen for the resident: the first option is the prompt and no category is selected.
    let select = &form[form.find("name=\"category_id\"").unwrap()..];
    let select = &select[..select.find("</select>").unwrap()];
    assert!(select.contains("<option value=\"\">") && !select.contains(" selected"), "{select}");
    let before = app.count("SELECT COUNT(*) AS n FROM requests").await;

    let cat = ids.yeyu_lighting.to_string();
    let r = resident
        .post_form(
            "/requests",
            &[
                ("category_id", &cat),
                ("kind", "repair"),
                ("household_id", ""),
                ("location_text", "北门岗亭旁边的路灯"),
                ("description", "坏"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"description-error\"") && r.text.contains("5至1000字"), "{}", r.text);
    assert!(r.text.contains("value=\"北门岗亭旁边的路灯\"") && r.text.contains(">坏</textarea>"), "typed text lost");
    assert!(r.text.contains(&format!("<option value=\"{cat}\" selected>")), "category choice lost");
    assert!(
        r.text.contains("id=\"request-form\"") && r.text.contains("class=\"tabbar\""),
        "not the form in the layout"
    );

    // A photo that is not a picture: refused beside the photo field, the description kept.
    let r = resident
        .multipart_named(
            "/requests",
            &[("category_id", &cat), ("household_id", &ids.hh1.to_string()), ("description", "楼道灯一闪一闪的")],
            "photo",
            ("x.jpg", b"not a picture at all"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"photo-error\"") && r.text.contains("楼道灯一闪一闪的"), "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM requests").await, before, "nothing written");
    // The limit is said before a file is picked.
    assert!(form.contains("id=\"photo-hint\"") && form.contains("15 MB"), "photo limit not stated");
}

/// The queue's 「全部」 includes closed and voided requests; its rows say what is due by when and who has
/// it; the action forms are labelled, one per action, and 作废 asks first.
#[tokio::test]
async fn the_queue_shows_every_state_on_request_with_deadline_and_assignee() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut resident = app.login("resident").await;
    let mut made = Vec::new();
    for d in ["楼道灯不亮了", "门禁坏了打不开"] {
        let r = resident
            .json(
                "POST",
                "/api/v1/requests",
                json!({"category_id": ids.yeyu_lighting, "description": d, "household_id": ids.hh1}),
            )
            .await;
        made.push(r.json()["id"].as_i64().unwrap());
    }
    let mut staff = app.login("staff").await;
    let detail = staff.get(&format!("/requests/{}", made[1])).await.text;
    assert!(detail.contains("id=\"action-void\"") && detail.contains("<legend>作废</legend>"), "{detail}");
    assert!(detail.contains("作废原因") && detail.contains("data-confirm=\"确定作废"), "{detail}");
    let r = staff
        .json("POST", &format!("/api/v1/requests/{}/actions", made[1]), json!({"action": "void", "reason": "重复报事"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let link = |id: i64| format!("href=\"/requests/{id}\"");
    let open = staff.get("/requests").await.text;
    assert!(open.contains(&link(made[0])) && !open.contains(&link(made[1])), "the default is what is still open");
    let all = staff.get("/requests?state=all").await.text;
    assert!(all.contains(&link(made[0])) && all.contains(&link(made[1])), "全部 hides the voided one");
    // The open one's row: due to respond by a time, waiting at its post (工程维修), a waiting colour.
    let row = &open[open.find(&link(made[0])).unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("响应 ") && row.contains("工程维修") && row.contains("st-wait"), "{row}");
}

/// The demo's year of history: made by the real use cases, the same on every run, and every persona's
/// home and the figures have something real to show.
#[tokio::test]
async fn the_demo_history_is_a_believable_year_and_the_same_every_time() {
    async fn counts(app: &TestApp) -> Vec<i64> {
        let mut v = Vec::new();
        for t in ["requests", "request_events", "signups", "points_ledger", "bookings", "redemptions", "audit_log"] {
            v.push(app.count(&format!("SELECT COUNT(*) AS n FROM {t}")).await);
        }
        v
    }
    let a = TestApp::new().await;
    let n = xinghuo::demo::history::load(&a.state, 1).await.unwrap();
    assert!(n.requests > 300 && n.closed * 10 > n.requests * 8, "{n:?}");
    assert!(n.late > 10 && n.pushed_up > 0 && n.attendances > 100 && n.bookings > 20 && n.redemptions > 0, "{n:?}");
    let first = counts(&a).await;
    let b = TestApp::new().await;
    xinghuo::demo::history::load(&b.state, 1).await.unwrap();
    assert_eq!(first, counts(&b).await, "the history differs between two loads");
    // States across the board: most closed, some waiting, some in hand, some late.
    for state in ["closed", "awaiting_rating", "escalated"] {
        let sql = format!("SELECT COUNT(*) AS n FROM requests WHERE state = '{state}'");
        assert!(a.count(&sql).await > 0, "no {state} request in the history");
    }
    // Each persona's home shows it: the staff's work waiting, a month of figures.
    let mut staff = a.login("staff").await;
    let home = staff.get("/").await.text;
    assert!(card(&home, "work").contains("class=\"st st-"), "{home}");
    let figures = staff.get(&format!("/requests/figures?project={}&month=2026-10", a.ids().await.yeyu)).await.text;
    let total: i64 = figures.split("id=\"total\">").nth(1).unwrap().split('<').next().unwrap().parse().unwrap();
    assert!(total > 10, "October has {total} requests");
    // The year view: twelve months, each with requests.
    let year = staff.get(&format!("/requests/figures/year?project={}", a.ids().await.yeyu)).await.text;
    let rows = year.matches("<meter class=\"bar\"").count();
    assert_eq!(rows, 12, "{year}");
    assert!(!year.contains("value=\"0\" aria-hidden"), "a month of the year with no requests: {year}");
    // The cleaning days credited hours and points through the real check-out.
    assert!(a.count("SELECT COUNT(*) AS n FROM points_ledger WHERE delta > 0").await > 100);
}

/// The reporter hears of each step that concerns them (dispatched, taken, done; registered by staff on
/// their behalf), and may turn a group off — which stops exactly that group.
#[tokio::test]
async fn the_reporter_is_told_each_step_and_may_turn_progress_notices_off() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut resident = app.login("resident").await;
    let r = resident
        .json(
            "POST",
            "/api/v1/requests",
            json!({"category_id": ids.yeyu_lighting, "description": "楼道灯不亮了", "household_id": ids.hh1}),
        )
        .await;
    let id = r.json()["id"].as_i64().unwrap();
    let notes = |title: &'static str| {
        format!(
            "SELECT COUNT(*) AS n FROM notifications WHERE user_id = (SELECT id FROM users WHERE username = 'resident') AND title LIKE '%{title}%'"
        )
    };
    let mut staff = app.login("staff").await;
    let url = format!("/api/v1/requests/{id}/actions");
    let me = app.id("SELECT person_id AS id FROM users WHERE username = 'staff'").await;
    let r = staff.json("POST", &url, json!({"action": "dispatch", "assignee_person_id": me})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(app.count(&notes("已派单")).await, 1);
    staff.json("POST", &url, json!({"action": "accept"})).await;
    assert_eq!(app.count(&notes("已接单")).await, 1);
    // 张三 turns progress notices off, keeps "done, please rate".
    let page = resident.get("/notifications/settings").await.text;
    assert!(page.contains("value=\"request_progress\" checked") && page.contains("value=\"request_done\" checked"));
    let r = resident
        .post_form("/notifications/settings", &[("on", "request_done"), ("on", "dispatch"), ("on", "nonsense")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = resident.get("/notifications/settings").await.text;
    assert!(page.contains("value=\"request_progress\">") && page.contains("value=\"request_done\" checked"), "{page}");
    let resume = (xinghuo::clock::to_local(xinghuo::clock::Clock::now(&*app.state.clock)) + chrono::Duration::days(1))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let r = staff.json("POST", &url, json!({"action": "suspend", "reason": "等配件", "resume_at": resume})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(app.count(&notes("暂缓")).await, 0, "a muted group was sent");
    staff.json("POST", &url, json!({"action": "resume"})).await;
    staff.json("POST", &url, json!({"action": "complete", "reason": "换了灯泡"})).await;
    assert_eq!(app.count(&notes("请评价")).await, 1, "the group still on was not sent");
    // Staff enter a request for 李四 by his room: he is told it is registered.
    let r = staff
        .json("POST", "/api/v1/requests", json!({"category_id": ids.yeyu_lighting, "description": "电话报修：门口灯坏了", "room": "1-1-102", "channel": "staff_phone"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let lisi = "SELECT COUNT(*) AS n FROM notifications WHERE user_id = (SELECT id FROM users WHERE username = 'resident2') AND title LIKE '%物业已为您登记%'";
    assert_eq!(app.count(lisi).await, 1);
    // Each reader sees a notice in their own language: 李四 reads it in Chinese, then in English.
    let mut lisi = app.login("resident2").await;
    let page = lisi.get("/notifications").await.text;
    assert!(page.contains("物业已为您登记诉求#"), "{page}");
    lisi.post_form("/prefs", &[("lang", "en"), ("next", "/")]).await;
    let page = lisi.get("/notifications").await.text;
    assert!(page.contains("The property registered request #") && !page.contains("物业已为您登记"), "{page}");
    let api = lisi.get("/api/v1/notifications").await.json();
    let title = api["items"][0]["title"].as_str().unwrap();
    assert!(title.starts_with("The property registered request #") && title.contains("minutes"), "{title}");
    // 张三's escalated, suspended… notices carry their arguments into English too (no {placeholder} left).
    resident.post_form("/prefs", &[("lang", "en"), ("next", "/")]).await;
    let page = resident.get("/notifications").await.text;
    assert!(page.contains("is done; please rate it") && !page.contains('{'), "{page}");
}

/// A grid member's home is their grid (its homes, what was pushed up to them), and the grid's page lists
/// its households — only to those who cover it.
#[tokio::test]
async fn the_grid_member_home_shows_their_grid_and_its_households() {
    let app = TestApp::new().await;
    let mut grid = app.login("grid").await;
    let home = grid.get("/").await.text;
    let mine = card(&home, "my-grids");
    assert!(mine.contains("第一网格") && mine.contains(" 户"), "{mine}");
    assert!(home.contains("id=\"card-referrals\""), "{home}");
    assert!(!home.contains(">0</span><span>项目"), "zero tiles on a grid member's home");
    let href = mine.split("href=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let page = grid.get(&href).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("id=\"grid-households\"") && page.text.contains("/households/"), "{}", page.text);
    // Each listed home opens for the grid member.
    let first = page.text.split("href=\"/households/").nth(1).unwrap().split('"').next().unwrap().to_string();
    assert_eq!(grid.get(&format!("/households/{first}")).await.status, StatusCode::OK);
    // Staff of an estate elsewhere cannot open that grid's page.
    let mut staff2 = app.login("staff2").await;
    assert_eq!(staff2.get(&href).await.status, StatusCode::NOT_FOUND);
}

/// Every label from the catalog: the audit log says 登录, not `login`, in Chinese and "Sign-in" in
/// English; weekdays follow the reader's language.
#[tokio::test]
async fn audit_actions_and_weekdays_are_labelled_in_the_readers_language() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let r = staff
        .json("POST", "/api/v1/requests", json!({"category_id": ids.yeyu_lighting, "description": "电话报修：门口灯坏了", "room": "1-1-102", "channel": "staff_phone"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let audit = staff.get("/audit").await.text;
    let body = &audit[audit.find("<tbody>").unwrap()..];
    assert!(body.contains("<td>新建</td><td>诉求 #") && !body.contains("<td>create</td>"), "{body}");
    let page = staff.get(&format!("/positions/centres/{}", ids.centre)).await.text;
    assert!(page.contains("周一 09:00–21:00"), "{page}");
    staff.post_form("/prefs", &[("lang", "en"), ("next", "/")]).await;
    let audit = staff.get("/audit").await.text;
    assert!(audit.contains("<td>Create</td><td>Request #"), "{audit}");
    let page = staff.get(&format!("/positions/centres/{}", ids.centre)).await.text;
    assert!(page.contains("Mon 09:00–21:00") && !page.contains("周一"), "{page}");
}

/// Numbers typed on a Chinese keyboard (full width) read as numbers wherever a number is typed.
#[tokio::test]
async fn full_width_numbers_are_read_wherever_a_number_is_typed() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let r = staff
        .post_form(
            "/activities/points-rules",
            &[
                ("project_id", &ids.yeyu.to_string()),
                ("kind", "volunteer"),
                ("points_per_hour", "１２"),
                ("organiser_bonus", "３"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let sql = format!(
        "SELECT CAST(points_per_hour AS BIGINT) AS n FROM points_rules WHERE project_id = {} AND kind = 'volunteer'",
        ids.yeyu
    );
    assert_eq!(app.count(&sql).await, 12);
    // 张三 gets 50 points and redeems one bag of 洗衣液 with a full-width 「１」.
    let r = staff
        .post_form(
            "/volunteers/points",
            &[
                ("project_id", &ids.yeyu.to_string()),
                ("room", "1-1-101"),
                ("name", "张三"),
                ("delta", "５０"),
                ("reason", "清理楼道杂物"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let item =
        app.id(&format!("SELECT id FROM reward_items WHERE project_id = {} AND name = '洗衣液'", ids.yeyu)).await;
    let mut resident = app.login("resident").await;
    let r = resident.post_form(&format!("/rewards/items/{item}/redeem"), &[("quantity", "１")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM redemptions").await, 1);
}

/// A public-area report names the estate's spot the way residents say it: staff keep the list (a
/// refused name comes back in the form), the report form offers the active ones, the request carries the
/// spot's name and coordinates; another estate's spot, or a retired one, is refused.
#[tokio::test]
async fn reports_name_the_estates_public_spots() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let page = staff.get(&format!("/org/{}/spots", ids.yeyu)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("东门") && page.text.contains("地下车库"), "{}", page.text);
    // Adding one; the same name again comes back with what was typed and the message beside the name.
    let url = format!("/org/{}/spots", ids.yeyu);
    let r = staff.post_form(&url, &[("name", " 北门岗亭 "), ("lat", "３０.５７"), ("lng", "104.06")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = staff.post_form(&url, &[("name", "北门岗亭"), ("lat", "30.1"), ("lng", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"lat-error\"") && r.text.contains("value=\"30.1\""), "{}", r.text);
    let r = staff.post_form(&url, &[("name", "北门岗亭"), ("lat", ""), ("lng", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"name-error\"") && r.text.contains("已有名为「北门岗亭」"), "{}", r.text);
    let north = app.id(&format!("SELECT id FROM spots WHERE project_id = {} AND name = '北门岗亭'", ids.yeyu)).await;

    // 张三 sees the spots on the report form and reports at the north gate.
    let mut resident = app.login("resident").await;
    let form = resident.get("/requests/new").await.text;
    assert!(
        form.contains("name=\"spot_id\"") && form.contains(&format!("<option value=\"{north}\">北门岗亭")),
        "{form}"
    );
    let cat = ids.yeyu_lighting.to_string();
    let report = |spot: String, detail: &'static str| {
        vec![
            ("category_id", cat.clone()),
            ("household_id", String::new()),
            ("spot_id", spot),
            ("location_text", detail.to_string()),
            ("description", "岗亭旁边的路灯不亮了".to_string()),
        ]
    };
    let fields = report(north.to_string(), "靠马路一侧");
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = resident.post_form("/requests", &refs).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let id = app.id("SELECT MAX(id) AS id FROM requests").await;
    #[derive(sea_orm::FromQueryResult)]
    struct Where {
        location_text: Option<String>,
        spot_id: Option<i64>,
        lat: Option<f64>,
    }
    let sql = format!("SELECT location_text, spot_id, lat FROM requests WHERE id = {id}");
    let w: Where = xinghuo::db::one(&app.state.db.read, &sql, vec![]).await.unwrap().unwrap();
    assert_eq!(w.location_text.as_deref(), Some("北门岗亭 · 靠马路一侧"));
    assert_eq!((w.spot_id, w.lat), (Some(north), Some(30.57)));
    assert!(resident.get(&format!("/requests/{id}")).await.text.contains("北门岗亭 · 靠马路一侧"));

    // Another estate's spot is refused beside the where-field, with what was typed kept.
    let other = app.id(&format!("SELECT id FROM spots WHERE project_id = {} AND name = '东门'", ids.tianxi)).await;
    let fields = report(other.to_string(), "");
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let before = app.count("SELECT COUNT(*) AS n FROM requests").await;
    let r = resident.post_form("/requests", &refs).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"where-error\"") && r.text.contains("岗亭旁边的路灯不亮了"), "{}", r.text);
    // A retired spot is no longer offered nor accepted; other staff cannot retire it.
    let mut staff2 = app.login("staff2").await;
    let r = staff2.post_form(&format!("/org/{}/spots/{north}", ids.yeyu), &[("active", "0")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = staff.post_form(&format!("/org/{}/spots/{north}", ids.yeyu), &[("active", "0")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!resident.get("/requests/new").await.text.contains("北门岗亭"));
    let fields = report(north.to_string(), "");
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(resident.post_form("/requests", &refs).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM requests").await, before, "nothing written");
    // The API offers the list to desk clients.
    let api = staff.get(&format!("/api/v1/projects/{}/spots", ids.yeyu)).await.json();
    assert!(api.as_array().unwrap().iter().any(|s| s["name"] == "北门岗亭" && s["active"] == false), "{api}");
}

/// Every refused form comes back on its own page with what was typed and the message beside the field —
/// not only the forms that draw themselves again: the activity form on /activities, one of the request's
/// action forms (the one that posted, inside its folded panel), a conflict with no field of its own.
/// Another site's page is never fetched, and a typed password is never sent back.
#[tokio::test]
async fn any_refused_form_comes_back_on_its_page_with_what_was_typed() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let before = app.count("SELECT COUNT(*) AS n FROM activities").await;
    let r = staff
        .post_form_from(
            "/activities",
            "/activities",
            &[
                ("project_id", &ids.yeyu.to_string()),
                ("title", "楼道清洁日（第二期）"),
                ("kind", "volunteer"),
                ("date", "2026-02-30"),
                ("start", "09:00"),
                ("duration_minutes", "120"),
                ("place", "3栋门口"),
                ("capacity", "20"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let form = &r.text[r.text.find("data-refused").expect("the form is not drawn again")..];
    let form = &form[..form.find("</form>").unwrap()];
    assert!(form.contains("value=\"楼道清洁日（第二期）\"") && form.contains("value=\"3栋门口\""), "{form}");
    assert!(form.contains("id=\"form-error\"") && form.contains("aria-invalid=\"true\""), "{form}");
    assert!(r.text.contains("class=\"tabbar\"") || r.text.contains("<nav"), "not in the layout");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM activities").await, before, "nothing written");

    // A request's 暂缓 form, one of several posting to the same path: that one comes back, filled.
    let mut resident = app.login("resident").await;
    let made = resident
        .json(
            "POST",
            "/api/v1/requests",
            json!({"category_id": ids.yeyu_lighting, "description": "楼道灯不亮了", "household_id": ids.hh1}),
        )
        .await;
    let id = made.json()["id"].as_i64().unwrap();
    let page = format!("/requests/{id}");
    let url = format!("/requests/{id}/actions");
    let me = app.id("SELECT person_id AS id FROM users WHERE username = 'staff'").await;
    let api = format!("/api/v1/requests/{id}/actions");
    staff.json("POST", &api, json!({"action": "dispatch", "assignee_person_id": me})).await;
    assert_eq!(staff.json("POST", &api, json!({"action": "accept"})).await.status, StatusCode::OK);
    let r = staff
        .post_form_from(&page, &url, &[("action", "suspend"), ("reason", "等厂家配件到货"), ("resume_at", "明天")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let form = &r.text[r.text.find("data-refused").expect("the form is not drawn again")..];
    let form = &form[..form.find("</form>").unwrap()];
    assert!(form.contains("value=\"suspend\"") && form.contains("等厂家配件到货"), "{form}");
    assert!(form.contains("id=\"resume_at-error\""), "{form}");
    assert_eq!(r.text.matches("data-refused").count(), 1);

    // Another site's page is not fetched: the ordinary error page, in the layout.
    staff.headers.push(("referer", "http://evil.example/activities".into()));
    let r = staff.post_form(&url, &[("action", "suspend"), ("reason", "x"), ("resume_at", "明天")]).await;
    staff.headers.retain(|(k, _)| *k != "referer");
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text.contains("data-refused") && r.text.contains("error-page"), "{}", r.text);

    // A wrong current password: the form comes back, the typed password does not.
    let r = resident
        .post_form_from(
            "/account",
            "/account/password",
            &[("current", "不是我的密码123"), ("new", "Another@2026x"), ("confirm", "Another@2026x")],
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.text);
    assert!(!r.text.contains("不是我的密码123") && !r.text.contains("Another@2026x"), "a password came back");
}
