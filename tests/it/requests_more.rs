//! Resident requests, second part: notifications, photos, return visits, post pools, the supervisor and
//! grid channels, coordinates, staff entry by room number, queue filters.

use axum::http::StatusCode;
use chrono::Duration;
use serde_json::json;
use xinghuo::clock::Clock;

use crate::support::{PNG_1X1, TestApp};

fn blob_files(app: &TestApp) -> usize {
    fn walk(p: &std::path::Path) -> usize {
        std::fs::read_dir(p)
            .map(|d| d.flatten().map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 }).sum())
            .unwrap_or(0)
    }
    walk(&app.state.config.data_dir.join("blobs"))
}

#[tokio::test]
async fn an_escalation_notifies_the_level_it_reaches_and_notices_can_be_marked_read() {
    use xinghuo::requests::jobs::escalate_overdue;
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let id = app
        .report(
            "resident",
            json!({"category_id": ids.yeyu_lighting, "description": "楼道灯不亮", "household_id": ids.hh1}),
        )
        .await;
    app.clock.advance(Duration::minutes(61));
    assert_eq!(escalate_overdue(&app.state, app.clock.now()).await.unwrap(), 1);
    // 保利叶语's project manager hears of it; the other project's manager and the branch do not (yet).
    let mut staff = app.login("staff").await;
    let list = staff.get("/api/v1/notifications").await.json();
    assert_eq!(list["unread"], 1, "{list}");
    assert_eq!(list["items"][0]["kind"], "escalation");
    assert_eq!(list["items"][0]["link"], format!("/requests/{id}"));
    assert!(list["items"][0]["title"].as_str().unwrap().contains("项目经理"));
    assert!(staff.get("/requests").await.text.contains("通知（1）"), "the navigation shows the unread count");
    let mut staff2 = app.login("staff2").await;
    assert_eq!(staff2.get("/api/v1/notifications").await.json()["unread"], 0);
    let mut admin = app.login("admin").await;
    assert_eq!(admin.get("/api/v1/notifications").await.json()["unread"], 0);
    // Next period: the branch company (the admin is its company administrator).
    app.clock.advance(Duration::hours(4));
    assert_eq!(escalate_overdue(&app.state, app.clock.now()).await.unwrap(), 1);
    let list = admin.get("/api/v1/notifications").await.json();
    assert_eq!(list["unread"], 1);
    assert!(list["items"][0]["title"].as_str().unwrap().contains("分公司"));
    // Read from the page.
    let page = staff.get("/notifications").await.text;
    assert!(page.contains(&format!("/requests/{id}")), "{page}");
    let r = staff.post_form("/notifications/read", &[("id", "")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(staff.get("/api/v1/notifications").await.json()["unread"], 0);
    // Nobody can mark another user's notices.
    let admins = admin.get("/api/v1/notifications").await.json();
    let nid = admins["items"][0]["id"].as_i64().unwrap();
    let r = staff.json("POST", "/api/v1/notifications/read", json!({"id": nid})).await;
    assert_eq!(r.json()["marked"], 0);
    assert_eq!(admin.get("/api/v1/notifications").await.json()["unread"], 1);
}

#[tokio::test]
async fn dispatch_finish_and_a_bad_rating_tell_the_right_people() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let id = app
        .report(
            "resident",
            json!({"category_id": ids.yeyu_lighting, "description": "楼道灯不亮", "household_id": ids.hh1}),
        )
        .await;
    let mut staff = app.login("staff").await;
    let url = format!("/api/v1/requests/{id}/actions");
    staff.json("POST", &url, json!({"action": "dispatch", "assignee_person_id": ids.staff_person})).await;
    let n = staff.get("/api/v1/notifications").await.json();
    assert_eq!(n["items"][0]["kind"], "dispatch", "{n}");
    staff.json("POST", &url, json!({"action": "accept"})).await;
    staff.json("POST", &url, json!({"action": "complete", "reason": "换了灯泡"})).await;
    let mut resident = app.login("resident").await;
    let n = resident.get("/api/v1/notifications").await.json();
    assert_eq!(n["items"][0]["kind"], "completed", "{n}");
    assert!(n["items"][0]["title"].as_str().unwrap().contains("请评价"));
    resident.json("POST", &url, json!({"action": "rate", "speed": 1, "quality": 1, "attitude": 1})).await;
    let n = staff.get("/api/v1/notifications").await.json();
    assert_eq!(n["items"][0]["kind"], "bad_rating", "{n}");
    // Another household's resident heard nothing.
    let mut resident2 = app.login("resident2").await;
    assert_eq!(resident2.get("/api/v1/notifications").await.json()["unread"], 0);
}

#[tokio::test]
async fn photos_are_checked_by_content_kept_outside_the_database_and_shown_only_to_those_who_may_see() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut resident = app.login("resident").await;
    let cat = ids.yeyu_lighting.to_string();
    let hh = ids.hh1.to_string();
    let fields = [("category_id", cat.as_str()), ("household_id", hh.as_str()), ("description", "楼道灯罩掉下来了")];
    // Reported from the phone page with a photo.
    let r = resident.multipart_named("/requests", &fields, "photo", ("灯.png", PNG_1X1)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let id: i64 = r.location().trim_start_matches("/requests/").split('?').next().unwrap().parse().unwrap();
    assert_eq!(blob_files(&app), 1);
    let detail = resident.get(&format!("/api/v1/requests/{id}")).await.json();
    let url = detail["photos"][0].as_str().unwrap().to_string();
    let r = resident.get(&url).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "image/png");
    // What is served is the photo re-encoded (see `blob::prepare_photo`): the same picture.
    let back = image::load_from_memory(&r.bytes).unwrap();
    assert_eq!((back.width(), back.height()), (1, 1));
    assert!(resident.get(&format!("/requests/{id}")).await.text.contains(&url));
    // Staff of the project see it; another household, another project and a visitor do not.
    assert_eq!(app.login("staff").await.get(&url).await.status, StatusCode::OK);
    assert_eq!(app.login("resident2").await.get(&url).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.login("staff2").await.get(&url).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.client().get(&url).await.status, StatusCode::SEE_OTHER);
    // A photo id of another request does not open through this one.
    let other = app
        .report(
            "resident",
            json!({"category_id": ids.yeyu_lighting, "description": "门口灯不亮", "household_id": ids.hh1}),
        )
        .await;
    assert_eq!(
        resident.get(&format!("/requests/{other}/photos/{}", url.rsplit('/').next().unwrap())).await.status,
        StatusCode::NOT_FOUND
    );

    // Refused, with nothing written: not an image (whatever its name), too many at once.
    let before = app.count("SELECT COUNT(*) AS n FROM requests").await;
    let r = resident.multipart_named("/requests", &fields, "photo", ("fake.png", b"%PDF-1.7 pretending")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("JPEG、PNG 或 WebP"), "{}", r.text);
    let png: &[u8] = PNG_1X1;
    let r = resident
        .multipart_files(
            "/requests",
            &fields,
            "photo",
            &[("a.png", png), ("b.png", png), ("c.png", png), ("d.png", png)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = resident
        .multipart_named(
            &format!("/api/v1/requests/{id}/photos"),
            &[],
            "photo",
            ("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["code"], "photo_not_image");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM requests").await, before);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM request_photos").await, 1);
    assert_eq!(blob_files(&app), 1);
    // The handler adds an after-repair photo through the API.
    let mut staff = app.login("staff").await;
    let r =
        staff.multipart_named(&format!("/api/v1/requests/{id}/photos"), &[], "photo", ("修好了.png", PNG_1X1)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["photos"].as_array().unwrap().len(), 2);
    assert_eq!(blob_files(&app), 2);
}

#[tokio::test]
async fn a_photo_over_the_size_limit_is_refused_with_nothing_written() {
    let app = TestApp::with(|c| c.max_photo_bytes = 40).await;
    let ids = app.ids().await;
    let mut resident = app.login("resident").await;
    let cat = ids.yeyu_lighting.to_string();
    let before = app.count("SELECT COUNT(*) AS n FROM requests").await;
    let r = resident
        .multipart_named(
            "/requests",
            &[("category_id", &cat), ("location_text", "大门口"), ("description", "大门口的灯不亮")],
            "photo",
            ("big.png", PNG_1X1),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text);
    assert!(r.text.contains("照片过大"));
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM requests").await, before);
    assert_eq!(blob_files(&app), 0);
}

#[tokio::test]
async fn unrated_work_and_bad_ratings_put_requests_on_the_return_visit_list() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let mut resident = app.login("resident").await;
    let mk = |d: &str| json!({"category_id": ids.yeyu_lighting, "description": d, "household_id": ids.hh1});
    let quiet = app.report("resident", mk("楼道灯不亮一")).await;
    let angry = app.report("resident", mk("楼道灯不亮二")).await;
    for id in [quiet, angry] {
        let url = format!("/api/v1/requests/{id}/actions");
        staff.json("POST", &url, json!({"action": "dispatch", "assignee_person_id": ids.staff_person})).await;
        staff.json("POST", &url, json!({"action": "accept"})).await;
        staff.json("POST", &url, json!({"action": "complete", "reason": "已修"})).await;
    }
    let r = resident
        .json(
            "POST",
            &format!("/api/v1/requests/{angry}/actions"),
            json!({"action": "rate", "speed": 1, "quality": 2, "attitude": 1}),
        )
        .await;
    assert_eq!(r.json()["state"], "in_progress");
    let page = staff.get("/requests/visits").await.text;
    let second = page.split("id=\"second-visits\"").nth(1).unwrap().split("</ul>").next().unwrap().to_string();
    let unrated = page.split("id=\"unrated-visits\"").nth(1).unwrap().split("</ul>").next().unwrap().to_string();
    assert!(second.contains(&format!("#{angry}")), "{page}");
    assert!(!unrated.contains(&format!("#{quiet}")), "not yet: only after 3 days");
    app.clock.advance(Duration::days(3));
    let mut staff = app.login("staff").await;
    let page = staff.get("/requests/visits").await.text;
    let unrated = page.split("id=\"unrated-visits\"").nth(1).unwrap().split("</ul>").next().unwrap().to_string();
    assert!(unrated.contains(&format!("#{quiet}")), "{page}");
    // The visit closes the unrated one; the manager's visit clears the second-visit mark, once.
    let r = staff
        .json(
            "POST",
            &format!("/api/v1/requests/{quiet}/actions"),
            json!({"action": "return_visit", "reason": "电话回访，业主满意"}),
        )
        .await;
    assert_eq!(r.json()["state"], "closed", "{}", r.text);
    let url = format!("/api/v1/requests/{angry}/actions");
    let r = staff.json("POST", &url, json!({"action": "manager_visit", "reason": "上门致歉并复查线路"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["state"], "in_progress");
    let r = staff.json("POST", &url, json!({"action": "manager_visit", "reason": "再来一次"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["code"], "no_visit_due");
    let page = staff.get("/requests/visits").await.text;
    assert!(!page.contains(&format!("#{angry} ")) && !page.contains(&format!("#{quiet} ")), "{page}");
    // Residents have no return-visit list.
    assert_eq!(app.login("resident").await.get("/requests/visits").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_request_sent_to_a_post_waits_in_its_pool_until_a_member_takes_it() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let id = app
        .report(
            "resident",
            json!({"category_id": ids.yeyu_lighting, "description": "楼道灯不亮", "household_id": ids.hh1}),
        )
        .await;
    let mut staff = app.login("staff").await;
    let url = format!("/api/v1/requests/{id}/actions");
    // The category's default post is recorded at once.
    let got = staff.get(&format!("/api/v1/requests/{id}")).await.json();
    assert_eq!(got["request"]["handler_post"], "工程维修");
    let r = staff.json("POST", &url, json!({"action": "dispatch", "handler_post": "不存在的岗位"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = staff.json("POST", &url, json!({"action": "dispatch", "handler_post": "项目经理"})).await;
    assert_eq!(r.json()["state"], "dispatched", "{}", r.text);
    let pool = staff.get("/api/v1/requests?post=1").await.json();
    assert!(pool.as_array().unwrap().iter().any(|x| x["id"] == id), "{pool}");
    let r = staff.json("POST", &url, json!({"action": "accept"})).await;
    assert_eq!(r.json()["state"], "in_progress", "{}", r.text);
    let got = staff.get(&format!("/api/v1/requests/{id}")).await.json();
    assert_eq!(got["request"]["assignee_name"], "王经理");
    let pool = staff.get("/api/v1/requests?post=1").await.json();
    assert!(!pool.as_array().unwrap().iter().any(|x| x["id"] == id), "taken out of the pool");
    // Transfer to another post, with a reason; it leaves the person.
    let r = staff
        .json("POST", &url, json!({"action": "transfer", "handler_post": "秩序维护", "reason": "需要先封闭现场"}))
        .await;
    assert_eq!(r.json()["state"], "dispatched");
    let got = staff.get(&format!("/api/v1/requests/{id}")).await.json();
    assert_eq!(got["request"]["handler_post"], "秩序维护");
    assert!(got["request"]["assignee_name"].is_null());
    // Another project's staff cannot take it.
    let r = app.login("staff2").await.json("POST", &url, json!({"action": "accept"})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn grid_members_and_supervisors_report_through_their_own_channels() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    // The grid member's project: one with homes in their micro-grids.
    let project = app
        .id("SELECT h.project_id AS id FROM households h JOIN org_nodes mg ON mg.id = h.microgrid_id \
             JOIN role_assignments r ON mg.path LIKE (SELECT path FROM org_nodes WHERE id = r.node_id) || '%' \
             WHERE r.role = 'grid_member' ORDER BY h.node_id LIMIT 1")
        .await;
    let cat =
        app.id(&format!("SELECT id FROM request_categories WHERE project_id = {project} AND name = '绿化'")).await;
    let mut grid = app.login("grid").await;
    let r = grid
        .json("POST", "/api/v1/requests", json!({"category_id": cat, "description": "小区门口树枝压到电线", "location_text": "东门", "lat": 30.5721, "lng": 104.0665}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let gid = r.json()["id"].as_i64().unwrap();
    let got = grid.get(&format!("/api/v1/requests/{gid}")).await.json();
    assert_eq!(got["request"]["channel"], "grid_member");
    assert_eq!(got["request"]["lat"], 30.5721);
    // …but not in a project outside their grid.
    let r = grid
        .json(
            "POST",
            "/api/v1/requests",
            json!({"category_id": ids.yeyu_lighting, "description": "路灯不亮了", "location_text": "东门"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Bad coordinates, or coordinates on a private home, are refused.
    let r = grid.json("POST", "/api/v1/requests", json!({"category_id": cat, "description": "树枝压电线", "location_text": "东门", "lat": 95.0, "lng": 104.0})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut resident = app.login("resident").await;
    let r = resident.json("POST", "/api/v1/requests", json!({"category_id": ids.yeyu_lighting, "description": "灯不亮了", "household_id": ids.hh1, "lat": 30.5, "lng": 104.0})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // 张三 becomes 保利叶语's service-quality supervisor and reports as one.
    let mut staff = app.login("staff").await;
    let r = staff
        .post_form(
            &format!("/people/{}/roles", ids.zhangsan),
            &[("role", "supervisor"), ("node_id", &ids.yeyu.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let mut resident = app.login("resident").await;
    let r = resident
        .json("POST", "/api/v1/requests", json!({"category_id": ids.yeyu_lighting, "description": "巡查发现地库灯坏了三盏", "location_text": "地下车库B区", "channel": "supervisor"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let sid = r.json()["id"].as_i64().unwrap();
    assert_eq!(resident.get(&format!("/api/v1/requests/{sid}")).await.json()["request"]["channel"], "supervisor");
    // A channel the caller does not hold is refused.
    let r = app.login("resident2").await.json("POST", "/api/v1/requests", json!({"category_id": ids.yeyu_lighting, "description": "地库灯坏了", "location_text": "地库", "channel": "supervisor"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn staff_enter_a_request_by_room_number_and_filter_the_queue_by_building_and_category() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let r = staff
        .json("POST", "/api/v1/requests", json!({"category_id": ids.yeyu_lighting, "description": "老人来电：家门口灯不亮", "room": "1-1-101", "channel": "staff_phone"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    let got = staff.get(&format!("/api/v1/requests/{id}")).await.json();
    assert_eq!(got["request"]["household_id"], ids.hh1, "{got}");
    assert_eq!(got["request"]["channel"], "staff_phone");
    let r = staff
        .json(
            "POST",
            "/api/v1/requests",
            json!({"category_id": ids.yeyu_lighting, "description": "老人来电：家门口灯不亮", "room": "99-9-9999"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("没有这个房号"));
    // Filters.
    let b = ids.yeyu_building;
    let q = staff.get(&format!("/api/v1/requests?building_id={b}&category_id={}", ids.yeyu_lighting)).await.json();
    assert!(q.as_array().unwrap().iter().any(|x| x["id"] == id));
    // The building filter filters: another building of the project does not list it.
    let other_building = app
        .id(&format!(
            "SELECT id FROM org_nodes WHERE project_id = {} AND kind = 'building' AND id <> {b} ORDER BY id LIMIT 1",
            ids.yeyu
        ))
        .await;
    let q = staff.get(&format!("/api/v1/requests?building_id={other_building}")).await.json();
    assert!(!q.as_array().unwrap().iter().any(|x| x["id"] == id), "{q}");
    // The same with a category (the filter is written differently then, for the index it can use).
    let q = staff
        .get(&format!("/api/v1/requests?building_id={other_building}&category_id={}", ids.yeyu_lighting))
        .await
        .json();
    assert!(!q.as_array().unwrap().iter().any(|x| x["id"] == id), "{q}");
    let other_cat =
        app.id(&format!("SELECT id FROM request_categories WHERE project_id = {} AND name = '电梯'", ids.yeyu)).await;
    let q = staff.get(&format!("/api/v1/requests?category_id={other_cat}")).await.json();
    assert!(!q.as_array().unwrap().iter().any(|x| x["id"] == id));
    let page = staff.get(&format!("/requests?building_id={b}&category_id=")).await;
    assert_eq!(page.status, StatusCode::OK, "an empty select is no filter, not an error");
    assert!(page.text.contains(&format!("href=\"/requests/{id}\"")));
}

#[tokio::test]
async fn the_report_form_shows_similar_open_requests_at_the_same_building() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let id = app
        .report(
            "resident",
            json!({"category_id": ids.yeyu_lighting, "description": "楼道灯不亮", "household_id": ids.hh1}),
        )
        .await;
    let mut resident = app.login("resident").await;
    let q = format!("category_id={}&household_id={}", ids.yeyu_lighting, ids.hh1);
    let frag = resident.get(&format!("/requests/similar?{q}")).await.text;
    assert!(frag.contains(&format!("#{id} ")), "{frag}");
    assert!(resident.get(&format!("/requests/new?{q}")).await.text.contains(&format!("#{id} ")));
    // Someone else's home: nothing is shown.
    let mut resident2 = app.login("resident2").await;
    let frag = resident2.get(&format!("/requests/similar?{q}")).await.text;
    assert!(!frag.contains(&format!("#{id} ")));
}

#[tokio::test]
async fn the_aggregate_month_figures_equal_the_row_by_row_rule() {
    use xinghuo::requests::{figures, model};
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut made = Vec::new();
    for i in 0..36 {
        made.push(
            app.report("resident",
                json!({"category_id": ids.yeyu_lighting, "description": format!("灯不亮第{i}次"), "location_text": "中庭"}),
            )
            .await,
        );
    }
    // Every combination of state, on-time response and rating (including each sum around 11).
    let states = ["pending", "in_progress", "awaiting_rating", "closed", "voided", "closed"];
    let now = app.clock.now();
    for (k, id) in made.iter().enumerate() {
        let st = states[k % states.len()];
        let responded = match k % 3 {
            0 => None,
            1 => Some(now + Duration::minutes(10)),
            _ => Some(now + Duration::hours(5)),
        };
        let (a, b, c) = ((k % 5 + 1) as i16, ((k / 5) % 5 + 1) as i16, ((k * 7) % 5 + 1) as i16);
        let rated = k % 4 != 0;
        xinghuo::db::exec(
            &app.state.db.write,
            "UPDATE requests SET state = $1, responded_at = $2, rating_speed = $3, rating_quality = $4, rating_attitude = $5 WHERE id = $6",
            vec![
                st.into(),
                responded.into(),
                rated.then_some(a).into(),
                rated.then_some(b).into(),
                rated.then_some(c).into(),
                (*id).into(),
            ],
        )
        .await
        .unwrap();
    }
    let (start, end) = figures::month_bounds("2026-11").unwrap();
    let rows = figures::month_rows(&app.state.db.read, xinghuo::ids::ProjectId(ids.yeyu), start, end).await.unwrap();
    let by_rows = model::three_rates(&rows.iter().map(|r| r.facts()).collect::<Vec<_>>());
    let agg = figures::month_counts(&app.state.db.read, xinghuo::ids::ProjectId(ids.yeyu), start, end).await.unwrap();
    assert_eq!(agg.len(), 1);
    assert_eq!(model::three_rates_from(agg[0].1), by_rows);
    assert_eq!(by_rows.total, 30, "voided requests do not count");
    assert!(by_rows.rated > 0 && by_rows.satisfaction_permille > 0 && by_rows.satisfaction_permille < 1000);
}

#[tokio::test]
async fn the_api_gives_categories_to_residents_and_figures_and_visits_to_staff() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut resident = app.login("resident").await;
    let cats = resident.get(&format!("/api/v1/projects/{}/request-categories", ids.yeyu)).await.json();
    let lighting = cats.as_array().unwrap().iter().find(|c| c["name"] == "公共照明").expect("公共照明 listed");
    assert_eq!(lighting["id"], ids.yeyu_lighting);
    assert_eq!(
        resident.get(&format!("/api/v1/projects/{}/request-categories", ids.tianxi)).await.status,
        StatusCode::NOT_FOUND,
        "another estate's categories are not the resident's business"
    );
    let id = app
        .report(
            "resident",
            json!({"category_id": ids.yeyu_lighting, "description": "楼道灯不亮", "household_id": ids.hh1}),
        )
        .await;
    let mut staff = app.login("staff").await;
    let url = format!("/api/v1/requests/{id}/actions");
    staff.json("POST", &url, json!({"action": "dispatch", "assignee_person_id": ids.staff_person})).await;
    staff.json("POST", &url, json!({"action": "accept"})).await;
    staff.json("POST", &url, json!({"action": "complete", "reason": "已修"})).await;
    resident.json("POST", &url, json!({"action": "rate", "speed": 5, "quality": 5, "attitude": 4})).await;
    let f = staff.get(&format!("/api/v1/requests/figures?project={}&month=2026-11", ids.yeyu)).await.json();
    assert_eq!(f["month"], "2026-11");
    assert_eq!(f["total"]["total"], 1, "{f}");
    assert_eq!(f["total"]["closed"], 1);
    assert_eq!(f["total"]["response_permille"], 1000);
    assert_eq!(f["total"]["satisfaction_permille"], 1000);
    assert_eq!(f["by_category"][0]["category"], "公共照明");
    let r = staff.get(&format!("/api/v1/requests/figures?project={}&month=2026-13", ids.yeyu)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.login("staff2").await.get(&format!("/api/v1/requests/figures?project={}", ids.yeyu)).await.status,
        StatusCode::NOT_FOUND
    );
    let v = staff.get("/api/v1/requests/visits").await.json();
    assert_eq!(v["days"], 3);
    assert!(v["unrated"].as_array().unwrap().is_empty() && v["second"].as_array().unwrap().is_empty(), "{v}");
}

#[tokio::test]
async fn a_residents_own_list_pages_by_twenty_five() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut made = Vec::new();
    for i in 0..27 {
        made.push(
            app.report("resident",
                json!({"category_id": ids.yeyu_lighting, "description": format!("楼道灯不亮第{i}次"), "household_id": ids.hh1}),
            )
            .await,
        );
    }
    let mut resident = app.login("resident").await;
    let first = resident.get("/api/v1/requests").await.json();
    let first = first.as_array().unwrap();
    assert_eq!(first.len(), 25);
    assert_eq!(first[0]["id"], *made.last().unwrap(), "newest first");
    let last = first[24]["id"].as_i64().unwrap();
    let rest = resident.get(&format!("/api/v1/requests?before={last}")).await.json();
    assert_eq!(rest.as_array().unwrap().len(), 2);
    let page = resident.get("/requests").await.text;
    assert!(page.contains(&format!("/requests?before={last}")), "the page links to the next one");
}
