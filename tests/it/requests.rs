use axum::http::StatusCode;
use chrono::Duration;
use serde_json::json;

use crate::support::TestApp;

async fn state_of(app: &TestApp, id: i64) -> String {
    #[derive(sea_orm::FromQueryResult)]
    struct S {
        state: String,
    }
    xinghuo::db::one::<S>(&app.state.db.read, "SELECT state FROM requests WHERE id = $1", vec![id.into()])
        .await
        .unwrap()
        .unwrap()
        .state
}

#[tokio::test]
async fn a_broken_light_goes_round_the_loop_and_a_one_star_rating_reopens_it() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut resident = app.login("resident").await;
    // Reported from the phone page (a form), about a public spot.
    let r = resident
        .post_form(
            "/requests",
            &[
                ("category_id", &ids.yeyu_lighting.to_string()),
                ("kind", "repair"),
                ("household_id", ""),
                ("location_text", "1栋与2栋之间的路灯"),
                ("description", "路灯晚上不亮，老人走路看不清"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let id: i64 = r.location().trim_start_matches("/requests/").split('?').next().unwrap().parse().unwrap();
    let page = resident.get(&format!("/requests/{id}")).await.text;
    assert!(page.contains("待受理") && page.contains("1栋与2栋之间的路灯"));

    let mut staff = app.login("staff").await;
    let me = ids.staff_person.to_string();
    let act = |a: &'static str| vec![("action", a)];
    let r = staff
        .post_form(&format!("/requests/{id}/actions"), &[("action", "dispatch"), ("assignee_person_id", &me)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    staff.post_form(&format!("/requests/{id}/actions"), &act("accept")).await;
    staff.post_form(&format!("/requests/{id}/actions"), &[("action", "complete"), ("reason", "更换了灯泡")]).await;
    assert_eq!(state_of(&app, id).await, "awaiting_rating");

    // Only the reporter rates.
    let mut other = app.login("resident2").await;
    let r = other
        .json(
            "POST",
            &format!("/api/v1/requests/{id}/actions"),
            json!({"action": "rate", "speed": 5, "quality": 5, "attitude": 5}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = resident
        .json(
            "POST",
            &format!("/api/v1/requests/{id}/actions"),
            json!({"action": "rate", "speed": 1, "quality": 1, "attitude": 2, "reason": "灯还是一闪一闪的"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["state"], "in_progress");
    let comment = || {
        let app = &app;
        async move {
            #[derive(sea_orm::FromQueryResult)]
            struct C {
                rating_comment: Option<String>,
            }
            xinghuo::db::one::<C>(
                &app.state.db.read,
                "SELECT rating_comment FROM requests WHERE id = $1",
                vec![id.into()],
            )
            .await
            .unwrap()
            .unwrap()
            .rating_comment
        }
    };
    // The resident's words are kept in their column (the timeline note adds the scores to them).
    assert_eq!(comment().await.as_deref(), Some("灯还是一闪一闪的"));
    staff.post_form(&format!("/requests/{id}/actions"), &[("action", "complete"), ("reason", "更换了线路")]).await;
    let r = resident
        .json(
            "POST",
            &format!("/api/v1/requests/{id}/actions"),
            json!({"action": "rate", "speed": 5, "quality": 4, "attitude": 5, "reason": "修好了，谢谢王师傅"}),
        )
        .await;
    assert_eq!(r.json()["state"], "closed");
    // Rating again replaces the comment, and the month's ledger shows it beside the scores.
    assert_eq!(comment().await.as_deref(), Some("修好了，谢谢王师傅"));
    let x = staff.get(&format!("/requests/figures.xlsx?project={}", ids.yeyu)).await;
    assert_eq!(x.status, StatusCode::OK);
    let grid = xinghuo::io::model::read_xlsx(&x.bytes).unwrap();
    use xinghuo::io::model::Cell;
    let text = |c: Option<&Cell>| match c {
        Some(Cell::Text(t)) => t.clone(),
        Some(Cell::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    assert_eq!(text(grid[0].last()), "评价留言");
    let line = grid.iter().find(|row| text(row.first()) == id.to_string()).expect("the request is in the ledger");
    assert_eq!(text(line.last()), "修好了，谢谢王师傅");
    let detail = resident.get(&format!("/api/v1/requests/{id}")).await.json();
    let actions: Vec<&str> =
        detail["timeline"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["create", "dispatch", "accept", "complete", "rate", "complete", "rate"]);
    assert!(detail["timeline"][4]["note"].as_str().unwrap().contains("二次回访"));
    assert_eq!(detail["request"]["rating_speed"], 5);
}

#[tokio::test]
async fn illegal_steps_and_bad_reports_are_refused_and_write_nothing() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut resident = app.login("resident").await;
    let before = app.count("SELECT COUNT(*) AS n FROM requests").await;
    for body in [
        json!({"category_id": ids.yeyu_lighting, "description": "坏"}),
        json!({"category_id": 999999, "description": "路灯坏了好几天"}),
        json!({"category_id": ids.yeyu_lighting, "description": "路灯坏了好几天", "household_id": ids.hh2}),
        json!({"category_id": ids.yeyu_lighting, "description": "路灯坏了好几天"}),
    ] {
        let r = resident.json("POST", "/api/v1/requests", body.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", r.text);
        assert!(r.json()["message"].as_str().unwrap().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM requests").await, before);
    let r = resident
        .json(
            "POST",
            "/api/v1/requests",
            json!({"category_id": ids.yeyu_lighting, "description": "家里灯不亮", "household_id": ids.hh1}),
        )
        .await;
    let id = r.json()["id"].as_i64().unwrap();
    // A resident cannot dispatch; staff cannot rate; both are refused with a stable code.
    let r = resident
        .json(
            "POST",
            &format!("/api/v1/requests/{id}/actions"),
            json!({"action": "dispatch", "assignee_person_id": ids.staff_person}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["code"], "illegal_transition");
    let mut staff = app.login("staff").await;
    let r =
        staff.json("POST", &format!("/api/v1/requests/{id}/actions"), json!({"action": "return", "reason": ""})).await;
    // A missing reason is a field to fill in (422, the rule's code), not a conflict with the state.
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["code"], "reason_required");
    let r = staff
        .json(
            "POST",
            &format!("/api/v1/requests/{id}/actions"),
            json!({"action": "dispatch", "assignee_person_id": ids.zhangsan}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "only project staff can be handlers");
    let r =
        staff.json("POST", &format!("/api/v1/requests/{id}/actions"), json!({"action": "void", "reason": ""})).await;
    assert_eq!(r.json()["code"], "reason_required");
    assert_eq!(state_of(&app, id).await, "pending");
    assert_eq!(app.count(&format!("SELECT COUNT(*) AS n FROM request_events WHERE request_id = {id}")).await, 1);
}

#[tokio::test]
async fn the_queue_is_scoped_filtered_and_shows_overdue_work() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut resident = app.login("resident").await;
    let r = resident
        .json(
            "POST",
            "/api/v1/requests",
            json!({"category_id": ids.yeyu_lighting, "description": "楼道灯不亮", "household_id": ids.hh1}),
        )
        .await;
    let id = r.json()["id"].as_i64().unwrap();
    let mut staff = app.login("staff").await;
    let q = staff.get("/api/v1/requests").await.json();
    assert!(q.as_array().unwrap().iter().any(|x| x["id"] == id));
    assert!(staff.get("/api/v1/requests?overdue=1").await.json().as_array().unwrap().is_empty());
    app.clock.advance(Duration::hours(3));
    let q = staff.get("/api/v1/requests?overdue=1").await.json();
    assert!(q.as_array().unwrap().iter().any(|x| x["id"] == id), "unanswered for 3 h against a 60 min response SLA");
    assert!(staff.get("/requests?overdue=1").await.text.contains("已超时"));
    // The filter keeps what was chosen: the state list shows it selected, and only it.
    let page = staff.get("/requests?state=pending").await.text;
    assert!(page.contains(r#"<option value="pending" selected>"#), "{page}");
    assert_eq!(page.matches(" selected>").count(), 1, "one choice selected");
    let mut staff2 = app.login("staff2").await;
    assert!(!staff2.get("/api/v1/requests").await.json().as_array().unwrap().iter().any(|x| x["id"] == id));
    assert_eq!(staff2.get(&format!("/requests/{id}")).await.status, StatusCode::NOT_FOUND);
    // The resident sees their own request in 我的报事, with its timeline.
    let mine = resident.get("/requests").await.text;
    assert!(mine.contains(&format!("href=\"/requests/{id}\"")));
}

#[tokio::test]
async fn staff_report_by_phone_for_a_resident_who_then_sees_it_as_theirs() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let r = staff
        .json(
            "POST",
            "/api/v1/requests",
            json!({"category_id": ids.yeyu_lighting, "description": "张大爷来电：家门口灯坏了", "household_id": ids.hh1, "channel": "staff_phone"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    let d = staff.get(&format!("/api/v1/requests/{id}")).await.json();
    assert_eq!(d["request"]["channel"], "staff_phone");
    assert_eq!(d["request"]["reporter_name"], "张三");
    let mut resident = app.login("resident").await;
    assert!(resident.get("/api/v1/requests").await.json().as_array().unwrap().iter().any(|x| x["id"] == id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn overdue_requests_climb_one_level_per_period_and_never_twice_at_once() {
    use xinghuo::clock::Clock;
    use xinghuo::requests::jobs::escalate_overdue;
    let app = TestApp::with(|c| c.db_max_connections = 16).await;
    let ids = app.ids().await;
    let mut resident = app.login("resident").await;
    let r = resident
        .json(
            "POST",
            "/api/v1/requests",
            json!({"category_id": ids.yeyu_lighting, "description": "楼道灯不亮", "household_id": ids.hh1}),
        )
        .await;
    let id = r.json()["id"].as_i64().unwrap();
    let level = |app: &TestApp| {
        let db = app.state.db.clone();
        async move {
            #[derive(sea_orm::FromQueryResult)]
            struct L {
                level: String,
            }
            xinghuo::db::one::<L>(&db.read, "SELECT level FROM requests WHERE id = $1", vec![id.into()])
                .await
                .unwrap()
                .unwrap()
                .level
        }
    };
    // Not overdue yet (60 min to respond).
    assert_eq!(escalate_overdue(&app.state, app.clock.now()).await.unwrap(), 0);
    app.clock.advance(Duration::minutes(61));
    // Two instances run the job at the same moment: the request is raised once.
    let (a, b) =
        tokio::join!(escalate_overdue(&app.state, app.clock.now()), escalate_overdue(&app.state, app.clock.now()));
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    assert_eq!(level(&app).await, "manager");
    // Within the period nothing more happens, however often the job runs.
    app.clock.advance(Duration::hours(1));
    assert_eq!(escalate_overdue(&app.state, app.clock.now()).await.unwrap(), 0);
    app.clock.advance(Duration::hours(4));
    assert_eq!(escalate_overdue(&app.state, app.clock.now()).await.unwrap(), 1);
    assert_eq!(level(&app).await, "branch");
    app.clock.advance(Duration::hours(8));
    assert_eq!(escalate_overdue(&app.state, app.clock.now()).await.unwrap(), 0, "the branch is the top");
    let events = app
        .count(&format!("SELECT COUNT(*) AS n FROM request_events WHERE request_id = {id} AND action = 'escalate'"))
        .await;
    assert_eq!(events, 2);
    // (14 hours on, the 12-hour session has expired: log in again.)
    let mut resident = app.login("resident").await;
    let page = resident.get(&format!("/requests/{id}")).await.text;
    assert!(page.contains("超时升级") && page.contains("分公司"), "{page}");
    // Work that is answered and done in time does not escalate.
    let r = resident
        .json(
            "POST",
            "/api/v1/requests",
            json!({"category_id": ids.yeyu_lighting, "description": "门口灯不亮", "household_id": ids.hh1}),
        )
        .await;
    let fresh = r.json()["id"].as_i64().unwrap();
    let mut staff = app.login("staff").await;
    staff
        .json(
            "POST",
            &format!("/api/v1/requests/{fresh}/actions"),
            json!({"action": "dispatch", "assignee_person_id": ids.staff_person}),
        )
        .await;
    staff.json("POST", &format!("/api/v1/requests/{fresh}/actions"), json!({"action": "accept"})).await;
    app.clock.advance(Duration::hours(2));
    assert_eq!(escalate_overdue(&app.state, app.clock.now()).await.unwrap(), 0);
}

/// The overdue board is the newest 25 late requests, late either way: unanswered past the response
/// deadline, or unfinished past the completion deadline — held to that definition with more late work
/// than one page, in whatever way the query finds it.
#[tokio::test]
async fn the_overdue_board_is_the_newest_late_work_either_way() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let mut made = Vec::new();
    for i in 0..30 {
        let body =
            json!({"category_id": ids.yeyu_lighting, "description": format!("{i}号灯不亮"), "household_id": ids.hh1});
        let id = app.report("resident", body).await;
        // Every other one is answered at once (taken by a handler).
        if i % 2 == 0 {
            let path = format!("/api/v1/requests/{id}/actions");
            staff.json("POST", &path, json!({"action": "dispatch", "assignee_person_id": ids.staff_person})).await;
            let r = staff.json("POST", &path, json!({"action": "accept"})).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        }
        made.push((id, i % 2 == 0));
    }
    let board =
        |q: serde_json::Value| q.as_array().unwrap().iter().map(|x| x["id"].as_i64().unwrap()).collect::<Vec<_>>();
    let newest = |mut v: Vec<i64>| {
        v.sort_unstable_by(|a, b| b.cmp(a));
        v.truncate(25);
        v
    };
    // Three hours on (a 60-minute response, 48-hour completion): only the unanswered are late.
    app.clock.advance(Duration::hours(3));
    let mut staff = app.login("staff").await;
    let want = newest(made.iter().filter(|(_, answered)| !answered).map(|(id, _)| *id).collect());
    assert_eq!(want.len(), 15);
    assert_eq!(board(staff.get("/api/v1/requests?overdue=1").await.json()), want);
    // Past the completion deadline: all thirty are late, the board shows the newest 25 in order.
    app.clock.advance(Duration::hours(47));
    let mut staff = app.login("staff").await;
    let want = newest(made.iter().map(|(id, _)| *id).collect());
    assert_eq!(board(staff.get("/api/v1/requests?overdue=1").await.json()), want);
    // The next page goes on from the last id shown.
    let rest = board(staff.get(&format!("/api/v1/requests?overdue=1&before={}", want[24])).await.json());
    assert_eq!(rest.len(), 5);
    assert!(rest.iter().all(|id| *id < want[24]));
}

#[tokio::test]
async fn the_months_three_rates_count_what_happened_and_export_as_a_ledger() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut resident = app.login("resident").await;
    let mut staff = app.login("staff").await;
    let mut make = Vec::new();
    for d in ["楼道灯不亮一", "楼道灯不亮二", "楼道灯不亮三"] {
        let body = json!({"category_id": ids.yeyu_lighting, "description": d, "household_id": ids.hh1});
        make.push(resident.json("POST", "/api/v1/requests", body).await.json()["id"].as_i64().unwrap());
    }
    let act = |id: i64, v: serde_json::Value| (format!("/api/v1/requests/{id}/actions"), v);
    // #1: answered in time, done, rated 5 → responded, closed, satisfied.
    for (path, v) in [
        act(make[0], json!({"action": "dispatch", "assignee_person_id": ids.staff_person})),
        act(make[0], json!({"action": "accept"})),
        act(make[0], json!({"action": "complete"})),
    ] {
        assert_eq!(staff.json("POST", &path, v).await.status, StatusCode::OK);
    }
    resident
        .json(
            "POST",
            &format!("/api/v1/requests/{}/actions", make[0]),
            json!({"action": "rate", "speed": 5, "quality": 5, "attitude": 4}),
        )
        .await;
    // #2: answered late (after the 60-minute response limit).
    app.clock.advance(Duration::minutes(90));
    staff
        .json(
            "POST",
            &format!("/api/v1/requests/{}/actions", make[1]),
            json!({"action": "dispatch", "assignee_person_id": ids.staff_person}),
        )
        .await;
    staff.json("POST", &format!("/api/v1/requests/{}/actions", make[1]), json!({"action": "accept"})).await;
    // #3: untouched.
    let page = staff.get(&format!("/requests/figures?project={}&month=2026-11", ids.yeyu)).await.text;
    let tile = |id: &str| page.split(&format!("id=\"{id}\">")).nth(1).unwrap().split('<').next().unwrap().to_string();
    assert_eq!(tile("rate-response"), "33.3%");
    assert_eq!(tile("rate-closure"), "33.3%");
    assert_eq!(tile("rate-satisfaction"), "100.0%");
    assert!(page.contains(&format!("#{}", make[2])), "the untouched request is on the overdue board");
    let x = staff.get(&format!("/requests/figures.xlsx?project={}&month=2026-11", ids.yeyu)).await;
    assert_eq!(x.status, StatusCode::OK);
    let grid = xinghuo::io::model::read_xlsx(&x.bytes).unwrap();
    assert_eq!(grid.len(), 4, "header + 3 requests");
    // Another month is empty; a bad month is a clear error.
    assert!(staff.get(&format!("/requests/figures?project={}&month=2026-10", ids.yeyu)).await.text.contains("0.0%"));
    assert_eq!(
        staff.get(&format!("/requests/figures?project={}&month=2026-13", ids.yeyu)).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn staff_set_category_limits_and_new_requests_use_them() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let path = format!("/requests/categories/{}", ids.yeyu_lighting);
    for (fields, what) in [
        (vec![("name", "公共照明"), ("respond_minutes", "0"), ("complete_hours", "24")], "响应时限"),
        (vec![("name", "公共照明"), ("respond_minutes", "600"), ("complete_hours", "2")], "不能长于"),
        (vec![("name", ""), ("respond_minutes", "30"), ("complete_hours", "24")], "类别名称"),
        (vec![("name", "电梯"), ("respond_minutes", "30"), ("complete_hours", "24")], "已有类别"),
    ] {
        let r = staff.post_form(&path, &fields).await;
        assert!(r.status.is_client_error(), "{what}: {}", r.status);
        assert!(r.text.contains(what), "{what}: {}", r.text);
    }
    let r = staff
        .post_form(
            &path,
            &[("name", "公共照明"), ("respond_minutes", "20"), ("complete_hours", "12"), ("handler_post", "工程维修")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let mut resident = app.login("resident").await;
    let r = resident
        .json(
            "POST",
            "/api/v1/requests",
            json!({"category_id": ids.yeyu_lighting, "description": "楼道灯不亮", "household_id": ids.hh1}),
        )
        .await;
    let d = resident.get(&format!("/api/v1/requests/{}", r.json()["id"])).await.json();
    let created = chrono::DateTime::parse_from_rfc3339(d["request"]["created_at"].as_str().unwrap()).unwrap();
    let respond_by = chrono::DateTime::parse_from_rfc3339(d["request"]["respond_by"].as_str().unwrap()).unwrap();
    assert_eq!((respond_by - created).num_minutes(), 20);
    let r = staff
        .post_form(
            "/requests/categories",
            &[
                ("project_id", &ids.yeyu.to_string()),
                ("name", "快递"),
                ("respond_minutes", "30"),
                ("complete_hours", "4"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut staff2 = app.login("staff2").await;
    let r = staff2.post_form(&path, &[("name", "x"), ("respond_minutes", "1"), ("complete_hours", "1")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// 挂起 keeps its resume time: shown on the request, the SLA clock stops while suspended (not overdue,
/// and the completion deadline moves by the time it waited), and the request resumes by itself when the
/// time comes — once, however many instances run the job — with the handler told.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_suspended_request_resumes_by_itself_and_its_deadline_moves_by_the_pause() {
    use xinghuo::clock::Clock;
    use xinghuo::requests::jobs::resume_due;
    let app = TestApp::with(|c| c.db_max_connections = 16).await;
    let ids = app.ids().await;
    let mut resident = app.login("resident").await;
    let r = resident
        .json(
            "POST",
            "/api/v1/requests",
            json!({"category_id": ids.yeyu_lighting, "description": "楼道灯坏了，要换整套灯具", "household_id": ids.hh1}),
        )
        .await;
    let id = r.json()["id"].as_i64().unwrap();
    let mut staff = app.login("staff").await;
    staff
        .json(
            "POST",
            &format!("/api/v1/requests/{id}/actions"),
            json!({"action": "dispatch", "assignee_person_id": ids.staff_person}),
        )
        .await;
    staff.json("POST", &format!("/api/v1/requests/{id}/actions"), json!({"action": "accept"})).await;
    #[derive(sea_orm::FromQueryResult)]
    struct Row {
        state: String,
        complete_by: chrono::DateTime<chrono::Utc>,
        resume_at: Option<chrono::DateTime<chrono::Utc>>,
    }
    let row = || {
        let app = &app;
        async move {
            xinghuo::db::one::<Row>(
                &app.state.db.read,
                "SELECT state, complete_by, resume_at FROM requests WHERE id = $1",
                vec![id.into()],
            )
            .await
            .unwrap()
            .unwrap()
        }
    };
    let before = row().await.complete_by;
    // Suspended for three days from the desk page (China time in the form); 公共照明 is due in 48 hours.
    let resume = xinghuo::clock::to_local(app.clock.now() + Duration::days(3)).format("%Y-%m-%dT%H:%M").to_string();
    let r = staff
        .post_form(
            &format!("/requests/{id}/actions"),
            &[("action", "suspend"), ("reason", "灯具缺货，厂家后天送到"), ("resume_at", &resume)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let suspended = row().await;
    assert_eq!(suspended.state, "suspended");
    assert!(suspended.resume_at.is_some(), "the resume time is kept");
    let page = staff.get(&format!("/requests/{id}")).await.text;
    assert!(
        page.contains("id=\"resume-at\"") && page.contains("到时自动恢复"),
        "shown on the request and its timeline"
    );
    // Past the original deadline while suspended: not overdue, and the job leaves it until its time.
    app.clock.advance(Duration::hours(50));
    assert!(app.clock.now() > before, "past the deadline it had");
    let mut staff = app.login("staff").await; // (the 12-hour session ended meanwhile)
    let overdue = staff.get("/api/v1/requests?overdue=1").await.json();
    assert!(!overdue.as_array().unwrap().iter().any(|x| x["id"] == id), "the clock is paused");
    assert_eq!(resume_due(&app.state, app.clock.now()).await.unwrap(), 0);
    // Its time comes: two instances run the job at the same moment; it resumes once.
    app.clock.advance(Duration::hours(22));
    let (a, b) = tokio::join!(resume_due(&app.state, app.clock.now()), resume_due(&app.state, app.clock.now()));
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    let back = row().await;
    assert_eq!(back.state, "in_progress");
    assert_eq!(back.resume_at, None);
    assert_eq!(back.complete_by - before, Duration::hours(72), "the deadline moved by the three days it waited");
    let events = app
        .count(&format!(
            "SELECT COUNT(*) AS n FROM request_events WHERE request_id = {id} AND action = 'resume' AND actor = '系统'"
        ))
        .await;
    assert_eq!(events, 1);
    let told = app
        .count("SELECT COUNT(*) AS n FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username = 'staff' AND n.kind = 'resume'")
        .await;
    assert_eq!(told, 1, "the handler is told");
    assert_eq!(resume_due(&app.state, app.clock.now()).await.unwrap(), 0, "nothing left to resume");
    // Resumed by hand before its time, the deadline moves by the time it actually waited.
    let mut staff = app.login("staff").await;
    let later = xinghuo::clock::to_local(app.clock.now() + Duration::days(1)).format("%Y-%m-%dT%H:%M").to_string();
    let r = staff
        .json(
            "POST",
            &format!("/api/v1/requests/{id}/actions"),
            json!({"action": "suspend", "reason": "等业主在家", "resume_at": later}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let due = row().await.complete_by;
    app.clock.advance(Duration::hours(3));
    let r = staff.json("POST", &format!("/api/v1/requests/{id}/actions"), json!({"action": "resume"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let after = row().await;
    assert_eq!((after.state.as_str(), after.complete_by - due), ("in_progress", Duration::hours(3)));
}

/// 催办, 重新打开 and 恢复 through the pages and the API: the reporter chases (the handler is told, the
/// count goes up) and reopens with a reason (refused without one, nothing written); nobody else may; the
/// handler resumes a suspended request from the desk page.
#[tokio::test]
async fn chase_reopen_and_resume_work_through_the_pages_and_the_api() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut resident = app.login("resident").await;
    let r = resident
        .json(
            "POST",
            "/api/v1/requests",
            json!({"category_id": ids.yeyu_lighting, "description": "单元门灯不亮", "household_id": ids.hh1}),
        )
        .await;
    let id = r.json()["id"].as_i64().unwrap();
    let mut staff = app.login("staff").await;
    let me = ids.staff_person.to_string();
    let page_act = |a: &'static str| vec![("action", a)];
    staff.post_form(&format!("/requests/{id}/actions"), &[("action", "dispatch"), ("assignee_person_id", &me)]).await;
    staff.post_form(&format!("/requests/{id}/actions"), &page_act("accept")).await;
    let chases = || {
        let (app, sql) = (&app, format!("SELECT CAST(chase_count AS BIGINT) AS n FROM requests WHERE id = {id}"));
        async move { app.count(&sql).await }
    };
    let told = |kind: &'static str| {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM notifications n JOIN users u ON u.id = n.user_id \
             WHERE u.username = 'staff' AND n.kind = '{kind}' AND n.link = '/requests/{id}'"
        );
        let app = &app;
        async move { app.count(&sql).await }
    };
    // 催办 from the phone page, then through the API: counted, on the timeline, the handler told each time.
    let r = resident.post_form(&format!("/requests/{id}/actions"), &page_act("chase")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = resident.json("POST", &format!("/api/v1/requests/{id}/actions"), json!({"action": "chase"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["state"], "in_progress", "a chase does not change the state");
    assert_eq!(chases().await, 2);
    assert_eq!(told("chase").await, 2);
    // Another household's resident may not chase it (not found), and staff do not chase.
    let mut other = app.login("resident2").await;
    let r = other.post_form(&format!("/requests/{id}/actions"), &page_act("chase")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = staff.json("POST", &format!("/api/v1/requests/{id}/actions"), json!({"action": "chase"})).await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert_eq!(chases().await, 2);
    // 恢复 from the desk page after a suspension.
    let later =
        xinghuo::clock::to_local(app.state.clock.now() + Duration::days(1)).format("%Y-%m-%dT%H:%M").to_string();
    staff
        .post_form(
            &format!("/requests/{id}/actions"),
            &[("action", "suspend"), ("reason", "等配件"), ("resume_at", &later)],
        )
        .await;
    assert_eq!(state_of(&app, id).await, "suspended");
    let r = staff.post_form(&format!("/requests/{id}/actions"), &page_act("resume")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(state_of(&app, id).await, "in_progress");
    // 重新打开: finished, but the light still flickers. Without a reason it is refused and nothing changes.
    staff.post_form(&format!("/requests/{id}/actions"), &[("action", "complete"), ("reason", "换了灯泡")]).await;
    assert_eq!(state_of(&app, id).await, "awaiting_rating");
    let events = || {
        let (app, sql) = (&app, format!("SELECT COUNT(*) AS n FROM request_events WHERE request_id = {id}"));
        async move { app.count(&sql).await }
    };
    let n = events().await;
    let r = resident.post_form(&format!("/requests/{id}/actions"), &[("action", "reopen"), ("reason", " ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!((state_of(&app, id).await, events().await), ("awaiting_rating".to_string(), n));
    let r = other.post_form(&format!("/requests/{id}/actions"), &[("action", "reopen"), ("reason", "还是闪")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = resident
        .post_form(&format!("/requests/{id}/actions"), &[("action", "reopen"), ("reason", "灯还是一闪一闪")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(state_of(&app, id).await, "in_progress");
    assert_eq!(told("chase").await, 3, "the handler hears it was reopened");
    let page = resident.get(&format!("/requests/{id}")).await.text;
    assert!(page.contains("灯还是一闪一闪"), "the reason is on the timeline");
    // …and once more through the API.
    staff.post_form(&format!("/requests/{id}/actions"), &[("action", "complete"), ("reason", "换了整流器")]).await;
    let r = resident
        .json("POST", &format!("/api/v1/requests/{id}/actions"), json!({"action": "reopen", "reason": "晚上又不亮了"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["state"], "in_progress");
}

/// A public-area report names a building and unit (issue 11), so the duplicate hint works for public
/// areas too: a neighbour choosing the same building and category sees the open one.
#[tokio::test]
async fn a_public_area_report_names_its_building_and_unit_and_neighbours_see_it() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let lift =
        app.id(&format!("SELECT id FROM request_categories WHERE project_id = {} AND name = '电梯'", ids.yeyu)).await;
    let mut zhangsan = app.login("resident").await;
    let r = zhangsan
        .json(
            "POST",
            "/api/v1/requests",
            json!({"category_id": lift, "description": "电梯按钮失灵，按了没反应", "place_id": ids.yeyu_unit, "location_text": "电梯轿厢"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    let row = zhangsan.get(&format!("/api/v1/requests/{id}")).await.json();
    assert_eq!(row["request"]["location"], "1栋1单元 电梯轿厢", "{row}");
    assert!(row["request"]["household_id"].is_null());
    // 李四 reports from the same building (the building itself, not a unit): the hint shows it.
    let mut lisi = app.login("resident2").await;
    let hint = lisi.get(&format!("/requests/similar?category_id={lift}&place_id={}", ids.yeyu_building)).await;
    assert!(hint.text.contains(&format!("#{id}")), "{}", hint.text);
    let page = lisi.get(&format!("/requests/new?category_id={lift}&place_id={}", ids.yeyu_building)).await;
    assert!(page.text.contains("1栋1单元") && page.text.contains(&format!("#{id}")), "{}", page.text);
    // Another estate's building is not a place here; nor is another estate's request hinted.
    let tianxi_building = app
        .id(&format!(
            "SELECT id FROM org_nodes WHERE kind = 'building' AND project_id = {} ORDER BY id LIMIT 1",
            ids.tianxi
        ))
        .await;
    let r = zhangsan
        .json(
            "POST",
            "/api/v1/requests",
            json!({"category_id": lift, "description": "电梯按钮失灵了", "place_id": tianxi_building}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["fields"][0]["field"], "place_id");
    let hint = lisi.get(&format!("/requests/similar?category_id={lift}&place_id={tianxi_building}")).await;
    assert!(!hint.text.contains('#'), "{}", hint.text);
}

/// The escalation ladder is the project's own (issue 11): 保利叶语 tells its 客服管家 two hours after a
/// missed deadline and stops there; the API refuses a ladder out of order; other estates keep the default.
#[tokio::test]
async fn a_project_sets_its_own_escalation_ladder() {
    use xinghuo::clock::Clock;
    use xinghuo::requests::jobs::escalate_overdue;
    let app = TestApp::new().await;
    let ids = app.ids().await;
    // 周敏, the estate's 客服管家, gets a log-in (setting up, not the feature under test).
    let zhoumin = app.id("SELECT id FROM persons WHERE name = '周敏'").await;
    xinghuo::db::exec(
        &app.state.db.write,
        "INSERT INTO users (username, person_id, display_name, password_hash, is_active, failed_logins, large_type, lang, \
         created_at, password_changed_at) VALUES ('zhoumin', $1, '周敏', '!', TRUE, 0, FALSE, 'zh', $2, $2)",
        vec![zhoumin.into(), app.clock.now().into()],
    )
    .await
    .unwrap();
    let mut staff = app.login("staff").await;
    let url = format!("/api/v1/projects/{}/escalation", ids.yeyu);
    let r = staff.get(&url).await.json();
    assert_eq!(r[0]["level"], "manager", "the default ladder: {r}");
    assert_eq!(r[1]["level"], "branch");
    let bad = json!([{"level": "branch", "after_hours": 4}, {"level": "manager", "after_hours": 0, "notify_post": "项目经理"}]);
    assert_eq!(staff.json("PUT", &url, bad).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.login("staff2").await.json("PUT", &url, json!([])).await.status,
        StatusCode::NOT_FOUND,
        "another estate's staff"
    );
    let ladder = json!([{"level": "manager", "after_hours": 2, "notify_post": "客服管家"}]);
    let r = staff.json("PUT", &url, ladder).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut resident = app.login("resident").await;
    let r = resident
        .json(
            "POST",
            "/api/v1/requests",
            json!({"category_id": ids.yeyu_lighting, "description": "楼道灯不亮", "household_id": ids.hh1}),
        )
        .await;
    let id = r.json()["id"].as_i64().unwrap();
    let level = || {
        let sql = format!("SELECT COUNT(*) AS n FROM requests WHERE id = {id} AND level = 'manager'");
        let app = &app;
        async move { app.count(&sql).await == 1 }
    };
    // 61 minutes: the response deadline is missed, but this ladder waits two hours.
    app.clock.advance(Duration::minutes(61));
    assert_eq!(escalate_overdue(&app.state, app.clock.now()).await.unwrap(), 0);
    app.clock.advance(Duration::hours(2));
    assert_eq!(escalate_overdue(&app.state, app.clock.now()).await.unwrap(), 1);
    assert!(level().await);
    let told = |who: &'static str| {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM notifications n JOIN users u ON u.id = n.user_id \
             WHERE u.username = '{who}' AND n.kind = 'escalation' AND n.link = '/requests/{id}'"
        );
        let app = &app;
        async move { app.count(&sql).await }
    };
    assert_eq!((told("zhoumin").await, told("staff").await), (1, 0), "the 客服管家 is told, not the 项目经理");
    // No branch rung: it stays there.
    app.clock.advance(Duration::days(3));
    assert_eq!(escalate_overdue(&app.state, app.clock.now()).await.unwrap(), 0);
    assert!(level().await);
}

/// The 三率 counters are kept by the database with every write that changes a request's part in them —
/// the demo's year of history, reports, steps, a late answer, ratings, a void, a request moved to another
/// category by hand in SQL, one deleted — and a recount from the rows agrees after each; the month read
/// from the counters equals the month aggregated from the rows. A counter changed behind their back is
/// found by the recount.
#[tokio::test]
async fn the_three_rates_counters_agree_with_a_recount_from_the_rows_after_every_kind_of_write() {
    use xinghuo::requests::figures::{month_counts, month_counts_from_rows, recount_mismatches};
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let sqlite = app.state.db.is_sqlite();
    let db = &app.state.db.read;
    let agree = || async { recount_mismatches(&app.state.db.read, sqlite).await.unwrap() };
    assert!(app.count("SELECT COUNT(*) AS n FROM requests").await > 0, "the demo has requests");
    assert_eq!(agree().await, 0, "after the demo");
    let mut resident = app.login("resident").await;
    let mut staff = app.login("staff").await;
    let mut made = Vec::new();
    for d in ["楼道灯不亮一", "楼道灯不亮二", "楼道灯不亮三", "楼道灯不亮四"] {
        let body = json!({"category_id": ids.yeyu_lighting, "description": d, "household_id": ids.hh1});
        made.push(resident.json("POST", "/api/v1/requests", body).await.json()["id"].as_i64().unwrap());
    }
    assert_eq!(agree().await, 0, "after reports");
    let act = |id: i64| format!("/api/v1/requests/{id}/actions");
    for v in [
        json!({"action": "dispatch", "assignee_person_id": ids.staff_person}),
        json!({"action": "accept"}),
        json!({"action": "complete"}),
    ] {
        assert_eq!(staff.json("POST", &act(made[0]), v).await.status, StatusCode::OK);
    }
    let r =
        resident.json("POST", &act(made[0]), json!({"action": "rate", "speed": 5, "quality": 5, "attitude": 4})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    app.clock.advance(Duration::minutes(90));
    let r =
        staff.json("POST", &act(made[1]), json!({"action": "dispatch", "assignee_person_id": ids.staff_person})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = staff.json("POST", &act(made[2]), json!({"action": "void", "reason": "重复报事"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(agree().await, 0, "after steps, a late answer, a rating and a void");
    let other = app
        .id(&format!(
            "SELECT id FROM request_categories WHERE project_id = {} AND id <> {} ORDER BY id LIMIT 1",
            ids.yeyu, ids.yeyu_lighting
        ))
        .await;
    xinghuo::db::exec(
        &app.state.db.write,
        &format!("UPDATE requests SET category_id = {other} WHERE id = {}", made[0]),
        vec![],
    )
    .await
    .unwrap();
    for sql in [
        format!("DELETE FROM request_events WHERE request_id = {}", made[3]),
        format!("DELETE FROM requests WHERE id = {}", made[3]),
    ] {
        xinghuo::db::exec(&app.state.db.write, &sql, vec![]).await.unwrap();
    }
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) AS n FROM requests WHERE id = {}", made[3])).await,
        0,
        "the request is gone"
    );
    assert_eq!(agree().await, 0, "after a change of category and a deletion in SQL");
    // The month from the counters is the month from the rows, for every project, this month and the last.
    for project in [ids.yeyu, ids.tianxi] {
        for month in ["2026-11", "2026-10"] {
            let (start, end) = xinghuo::clock::month_bounds(month).unwrap();
            let p = xinghuo::ids::ProjectId(project);
            assert_eq!(
                month_counts(db, p, start, end).await.unwrap(),
                month_counts_from_rows(db, p, start, end).await.unwrap(),
                "{project} {month}"
            );
        }
    }
    let (start, end) = xinghuo::clock::month_bounds("2026-11").unwrap();
    let now = month_counts(db, xinghuo::ids::ProjectId(ids.yeyu), start, end).await.unwrap();
    let sum: xinghuo::requests::model::MonthCounts = now.iter().map(|(_, c)| *c).sum();
    assert_eq!((sum.total, sum.closed, sum.satisfied), (2, 1, 1), "two left (one voided, one deleted): {now:?}");
    // The recount is a real check: a counter nudged by hand is found.
    xinghuo::db::exec(&app.state.db.write, "UPDATE request_day_counts SET closed = closed + 1", vec![]).await.unwrap();
    assert!(agree().await > 0, "a nudged counter went unnoticed");
}

/// On PostgreSQL, a transaction that files into a project, category and day does not queue behind
/// another one doing the same (m0044: a counter row's shard is the writing backend's, not the request
/// id's). Transaction A files a request and stays open; B, on a backend of another shard, files eight
/// more (under `id % 8` one of them would land on A's shard row and wait for A's commit) within a lock
/// timeout. Both commit and the counters still agree with the rows, though B's update of A's request
/// takes A's contribution off in B's shard. Runs on PostgreSQL always.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reports_do_not_wait_on_each_others_counter_row() {
    use sea_orm::TransactionTrait;
    use xinghuo::requests::figures::recount_mismatches;
    let app = TestApp::postgres().await;
    let ids = app.ids().await;
    let db = &app.state.db.write;
    async fn shard(c: &sea_orm::DatabaseTransaction) -> i64 {
        xinghuo::db::count(c, "SELECT CAST(pg_backend_pid() % 64 AS BIGINT) AS n", vec![]).await.unwrap()
    }
    let insert = format!(
        "INSERT INTO requests (project_id, category_id, kind, channel, state, description, level, respond_by, \
         complete_by, chase_count, created_at, updated_at, manager_visit_due) VALUES ({}, {}, 'repair', 'resident_page', \
         'pending', '楼道灯不亮', 'handler', now(), now(), 0, now(), now(), false) RETURNING id",
        ids.yeyu, ids.yeyu_lighting
    );
    let a = db.begin().await.unwrap();
    let a_shard = shard(&a).await;
    let a_id = xinghuo::db::insert_id(&a, &insert, vec![]).await.unwrap();
    // Another connection of the pool whose backend falls on another shard (the others stay checked out
    // meanwhile, so the pool hands out a new one each time).
    let mut held = Vec::new();
    let b = loop {
        let t = db.begin().await.unwrap();
        if shard(&t).await != a_shard {
            break t;
        }
        held.push(t);
        assert!(held.len() < 3, "every connection of the pool is on one shard");
    };
    xinghuo::db::exec(&b, "SET LOCAL lock_timeout = '3s'", vec![]).await.unwrap();
    for _ in 0..8 {
        xinghuo::db::insert_id(&b, &insert, vec![]).await.expect("B waited for A's counter row");
    }
    a.commit().await.unwrap();
    // B closes A's request: A's contribution comes off in B's shard, and the sums stay exact.
    xinghuo::db::exec(&b, &format!("UPDATE requests SET state = 'closed' WHERE id = {a_id}"), vec![]).await.unwrap();
    b.commit().await.unwrap();
    drop(held);
    assert_eq!(recount_mismatches(&app.state.db.read, false).await.unwrap(), 0);
    assert_eq!(
        app.count(&format!(
            "SELECT CAST(SUM(closed) AS BIGINT) AS n FROM request_day_counts WHERE project_id = {} AND category_id = {}",
            ids.yeyu, ids.yeyu_lighting
        ))
        .await,
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM requests WHERE project_id = {} AND category_id = {} AND state = 'closed'",
            ids.yeyu, ids.yeyu_lighting
        ))
        .await
    );
}

/// A report's three rows — the request, its first timeline event and its audit line naming its id — are
/// written as one chain (`db::chain`: one statement on PostgreSQL, the write unit on SQLite), and the
/// same on both databases.
#[tokio::test]
async fn a_report_writes_its_row_first_event_and_audit_line_together() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let body = json!({"category_id": ids.yeyu_lighting, "description": "楼道灯不亮", "household_id": ids.hh1});
    let id = app.report("resident", body).await;
    let event = app
        .all_strings(&format!(
            "SELECT action || '/' || to_state || '/' || COALESCE(from_state, '-') || '/' || note AS s FROM request_events \
             WHERE request_id = {id}"
        ))
        .await;
    assert_eq!(event, ["create/pending/-/楼道灯不亮"]);
    let audit = app
        .all_strings(&format!(
            "SELECT summary || '|' || CAST(project_id AS TEXT) || '|' || actor AS s FROM audit_log \
             WHERE entity = 'request' AND entity_id = {id} AND action = 'create'"
        ))
        .await;
    let project = app.id(&format!("SELECT project_id AS id FROM requests WHERE id = {id}")).await;
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0], format!("提交诉求#{id}（公共照明，业主手机端）|{project}|张三"));
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) AS n FROM requests WHERE id = {id} AND confirm_via IS NULL")).await,
        1
    );
}

/// A chain writes all its rows or none: a later part that fails takes the first row back, on the
/// pool without a transaction on PostgreSQL (one statement) and inside a transaction on SQLite.
#[tokio::test]
async fn a_chain_whose_later_part_fails_writes_nothing() {
    use sea_orm::TransactionTrait;
    use xinghuo::db::chain::Chain;
    let app = TestApp::new().await;
    let db = &app.state.db;
    let key = if app.pg_schema.is_some() { "BIGSERIAL PRIMARY KEY" } else { "INTEGER PRIMARY KEY" };
    for sql in [
        format!("CREATE TABLE chain_a (id {key}, x BIGINT NOT NULL)"),
        format!(
            "CREATE TABLE chain_b (id {key}, a_id BIGINT NOT NULL REFERENCES chain_a (id), z BIGINT NOT NULL CHECK (z < 10))"
        ),
    ] {
        xinghuo::db::exec(&db.write, &sql, vec![]).await.unwrap();
    }
    let chain = |z: i64| {
        let mut c = Chain::new("INSERT INTO chain_a (x) VALUES ($1) RETURNING id", vec![7i64.into()]);
        c.then("INSERT INTO chain_b (a_id, z) VALUES ($id, $1)", vec![z.into()]);
        c.then("INSERT INTO chain_b (z, a_id) VALUES ($1, $id)", vec![(z + 5).into()]);
        c
    };
    let alone = Chain::is_one_statement(sea_orm::ConnectionTrait::get_database_backend(&db.write));
    assert_eq!(alone, app.pg_schema.is_some());
    for (z, ok) in [(1, true), (5, false), (11, false)] {
        let r = if alone {
            chain(z).run(&db.write).await
        } else {
            let tx = db.write.begin().await.unwrap();
            let r = chain(z).run(&tx).await;
            if r.is_ok() {
                tx.commit().await.unwrap();
            }
            r
        };
        assert_eq!(r.is_ok(), ok, "z = {z}: {r:?}");
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM chain_a").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM chain_b").await, 2);
    let a = app.id("SELECT id FROM chain_a").await;
    assert_eq!(app.count(&format!("SELECT COUNT(*) AS n FROM chain_b WHERE a_id = {a}")).await, 2);
}
