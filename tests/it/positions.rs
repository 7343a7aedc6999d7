//! Positions (C2): centres and rooms, room booking by residents and staff, rules, approval, and the
//! database refusing overlaps — also when 200 attempts arrive at once.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::TestApp;

async fn room(app: &TestApp, project: i64, name: &str) -> i64 {
    app.id(&format!(
        "SELECT r.id FROM rooms r JOIN centres c ON c.id = r.centre_id WHERE c.project_id = {project} AND r.name = '{name}'"
    ))
    .await
}

fn book(date: &str, start: &str, end: &str) -> Value {
    json!({"date": date, "start": start, "end": end, "purpose": "楼栋议事会"})
}

#[tokio::test]
async fn residents_book_the_meeting_hall_and_never_over_each_other() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let hall = room(&app, ids.yeyu, "议事厅").await;
    let centre = app.id(&format!("SELECT centre_id AS id FROM rooms WHERE id = {hall}")).await;
    // The resident finds the centre and books from the page (a form).
    let mut resident = app.login("resident").await;
    let page = resident.get("/positions").await.text;
    assert!(page.contains("保利叶语党群服务中心"), "{page}");
    let page = resident.get(&format!("/positions/centres/{centre}")).await.text;
    assert!(page.contains("议事厅") && page.contains("09:00–21:00"));
    let r = resident
        .post_form(
            &format!("/positions/rooms/{hall}/bookings"),
            &[("date", "2026-11-30"), ("start", "14:00"), ("end", "16:00"), ("purpose", "1栋议事会")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(resident.get("/positions").await.text.contains("1栋议事会"));
    // A neighbour cannot take any part of that time; the next free half hour is fine.
    let mut neighbour = app.login("resident2").await;
    let url = format!("/api/v1/rooms/{hall}/bookings");
    for (s, e) in [("14:00", "16:00"), ("15:30", "16:30"), ("13:00", "14:30"), ("13:00", "17:00")] {
        let r = neighbour.json("POST", &url, book("2026-11-30", s, e)).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{s}–{e}: {}", r.text);
        assert_eq!(r.json()["code"], "slot_taken");
    }
    let r = neighbour.json("POST", &url, book("2026-11-30", "16:00", "17:00")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["state"], "approved");
    // The neighbour sees that 14:00–16:00 is taken, not by whom or what for.
    let page = neighbour.get(&format!("/positions/centres/{centre}")).await.text;
    assert!(page.contains("14:00") && !page.contains("1栋议事会"), "{page}");
    let d = neighbour.get(&format!("/api/v1/centres/{centre}")).await.json();
    assert!(d["taken"].as_array().unwrap().len() >= 2);
    assert!(!d.to_string().contains("1栋议事会"));
    // Cancelling frees the time at once.
    let first = app.id("SELECT MIN(id) AS id FROM bookings").await;
    let r = neighbour.json("POST", &format!("/api/v1/bookings/{first}/actions"), json!({"action": "cancel"})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "only the booker or staff may cancel");
    let r = resident.post_form(&format!("/positions/bookings/{first}/actions"), &[("action", "cancel")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = neighbour.json("POST", &url, book("2026-11-30", "14:00", "15:00")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'booking'").await, 4);
}

#[tokio::test]
async fn room_rules_and_the_household_quota_are_enforced_with_their_codes() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let hall = room(&app, ids.yeyu, "阅读室").await;
    let url = format!("/api/v1/rooms/{hall}/bookings");
    let mut resident = app.login("resident").await;
    let before = app.count("SELECT COUNT(*) AS n FROM bookings").await;
    for (body, code) in [
        (book("2026-11-30", "07:00", "08:00"), "outside_hours"),
        (book("2026-11-30", "20:30", "21:30"), "outside_hours"),
        (book("2026-11-30", "14:10", "15:00"), "not_aligned"),
        (book("2026-11-30", "09:00", "14:00"), "bad_length"),
        (book("2026-11-28", "10:30", "11:00"), "too_late"),
        (book("2026-11-27", "10:00", "11:00"), "in_past"),
        (book("2026-11-30", "15:00", "14:00"), "invalid_time"),
    ] {
        let r = resident.json("POST", &url, body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{code}: {}", r.text);
        assert_eq!(r.json()["code"], code);
    }
    let r =
        resident.json("POST", &url, json!({"date": "明天", "start": "14:00", "end": "15:00", "purpose": "读书"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM bookings").await, before, "nothing written");
    // Two a week per household (the default), counted Monday to Sunday.
    for s in ["09:00", "10:00"] {
        let e = if s == "09:00" { "10:00" } else { "11:00" };
        assert_eq!(resident.json("POST", &url, book("2026-12-01", s, e)).await.status, StatusCode::OK);
    }
    let r = resident.json("POST", &url, book("2026-12-02", "09:00", "10:00")).await;
    assert_eq!(r.json()["code"], "quota_reached", "{}", r.text);
    assert_eq!(
        resident.json("POST", &url, book("2026-12-08", "09:00", "10:00")).await.status,
        StatusCode::OK,
        "next week"
    );
    // Staff are not held to a household quota, and may book for a partner organisation.
    let mut staff = app.login("staff").await;
    let r = staff
        .json("POST", &url, json!({"date": "2026-12-02", "start": "09:00", "end": "12:00", "purpose": "街道党工委学习会", "org_name": "演示街道党工委"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Other estates' residents and staff cannot book here.
    let r = app.login("staff2").await.json("POST", &url, book("2026-12-03", "09:00", "10:00")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.client().json("POST", &url, book("2026-12-03", "09:00", "10:00")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn rooms_that_need_approval_hold_the_time_until_staff_decide() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let kids = room(&app, ids.yeyu, "亲子活动中心").await;
    let mut resident = app.login("resident").await;
    let r =
        resident.json("POST", &format!("/api/v1/rooms/{kids}/bookings"), book("2026-11-30", "10:00", "11:00")).await;
    assert_eq!(r.json()["state"], "pending", "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    let act = format!("/api/v1/bookings/{id}/actions");
    let r = resident.json("POST", &act, json!({"action": "approve"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "a resident cannot approve their own booking");
    assert_eq!(
        app.login("staff2").await.json("POST", &act, json!({"action": "approve"})).await.status,
        StatusCode::NOT_FOUND
    );
    let mut staff = app.login("staff").await;
    let r = staff.json("POST", &act, json!({"action": "approve"})).await;
    assert_eq!(r.json()["state"], "approved", "{}", r.text);
    let r = staff.json("POST", &act, json!({"action": "reject"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // A rejected booking gives its time back.
    let r = app
        .login("resident2")
        .await
        .json("POST", &format!("/api/v1/rooms/{kids}/bookings"), book("2026-11-30", "12:00", "13:00"))
        .await;
    let second = r.json()["id"].as_i64().unwrap();
    staff.json("POST", &format!("/api/v1/bookings/{second}/actions"), json!({"action": "reject"})).await;
    assert_eq!(app.count(&format!("SELECT COUNT(*) AS n FROM booking_slots WHERE booking_id = {second}")).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_simultaneous_attempts_at_one_slot_make_one_booking() {
    let app = TestApp::with(|c| c.db_max_connections = 16).await;
    let ids = app.ids().await;
    let hall = room(&app, ids.yeyu, "议事厅").await;
    let staff = app.login("staff").await;
    let url = format!("/api/v1/rooms/{hall}/bookings");
    let mut set = tokio::task::JoinSet::new();
    for i in 0..200 {
        let mut c = staff.clone();
        let url = url.clone();
        // Every attempt overlaps every other: all cover 14:00–14:30.
        let (s, e) = [("14:00", "15:00"), ("13:30", "14:30"), ("14:00", "14:30"), ("13:00", "16:00")][i % 4];
        set.spawn(async move {
            c.json("POST", &url, json!({"date": "2026-11-30", "start": s, "end": e, "purpose": format!("并发{i}")}))
                .await
        });
    }
    let (mut ok, mut taken) = (0, 0);
    while let Some(r) = set.join_next().await {
        let r = r.unwrap();
        match r.status {
            StatusCode::OK => ok += 1,
            StatusCode::CONFLICT => {
                assert_eq!(r.json()["code"], "slot_taken", "{}", r.text);
                taken += 1;
            }
            s => panic!("unexpected {s}: {}", r.text),
        }
    }
    assert_eq!((ok, taken), (1, 199));
    assert_eq!(app.count(&format!("SELECT COUNT(*) AS n FROM bookings WHERE room_id = {hall}")).await, 1);
}

#[tokio::test]
async fn staff_open_centres_add_rooms_set_hours_and_record_upgrades() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let r = staff
        .post_form("/positions/centres", &[("project_id", &ids.yeyu.to_string()), ("name", "叶语二号服务站")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let centre: i64 =
        r.location().trim_start_matches("/positions/centres/").split('?').next().unwrap().parse().unwrap();
    let r = staff
        .post_form(
            &format!("/positions/centres/{centre}/rooms"),
            &[("name", "乒乓球室"), ("function", "球类活动场地"), ("capacity", "8")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = staff.post_form(&format!("/positions/centres/{centre}/rooms"), &[("name", "乒乓球室")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = staff
        .post_form(&format!("/positions/centres/{centre}/rooms"), &[("name", "坏规则"), ("min_minutes", "45")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Weekdays only, 08:00–20:00; a bad time is refused whole.
    let mut form: Vec<(String, String)> = Vec::new();
    for d in 1..=5 {
        form.push((format!("opens_{d}"), "08:00".into()));
        form.push((format!("closes_{d}"), "20:00".into()));
    }
    let f: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    assert_eq!(staff.post_form(&format!("/positions/centres/{centre}/hours"), &f).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        staff
            .post_form(&format!("/positions/centres/{centre}/hours"), &[("opens_1", "20:00"), ("closes_1", "08:00")])
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(app.count(&format!("SELECT COUNT(*) AS n FROM centre_hours WHERE centre_id = {centre}")).await, 5);
    let r = staff
        .post_form(
            &format!("/positions/centres/{centre}/versions"),
            &[("version", "升级版2.0"), ("effective_on", "2026-12-01"), ("summary", "新增乒乓球室")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let d = staff.get(&format!("/api/v1/centres/{centre}")).await.json();
    assert_eq!(d["rooms"][0]["name"], "乒乓球室");
    assert_eq!(d["versions"][0]["version"], "升级版2.0");
    assert_eq!(d["hours"].as_array().unwrap().len(), 5);
    // A Saturday is now closed.
    let ping = d["rooms"][0]["id"].as_i64().unwrap();
    let r = staff.json("POST", &format!("/api/v1/rooms/{ping}/bookings"), book("2026-12-05", "09:00", "10:00")).await;
    assert_eq!(r.json()["code"], "outside_hours");
    // Another project's staff and residents cannot manage it.
    assert_eq!(
        app.login("staff2")
            .await
            .post_form(&format!("/positions/centres/{centre}/rooms"), &[("name", "越权")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.login("resident")
            .await
            .post_form(&format!("/positions/centres/{centre}/rooms"), &[("name", "越权")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn residents_check_in_by_the_doors_code_no_shows_are_released_and_the_five_constants_add_up() {
    use chrono::{Duration, NaiveDate};
    use xinghuo::clock::Clock;
    use xinghuo::positions::visits::{checkin_code, release_no_shows};
    let app = TestApp::with(|c| c.db_max_connections = 16).await;
    let ids = app.ids().await;
    let centre = ids.centre;
    let hall = ids.hall;
    let reading = room(&app, ids.yeyu, "阅读室").await;
    // Saturday 2026-11-28, 10:00 in China. 张三 books the hall at 11:30, 李四 the reading room at 12:00.
    let mut resident = app.login("resident").await;
    let r =
        resident.json("POST", &format!("/api/v1/rooms/{hall}/bookings"), book("2026-11-28", "11:30", "12:30")).await;
    let mine = r.json()["id"].as_i64().unwrap();
    let mut neighbour = app.login("resident2").await;
    let r = neighbour
        .json("POST", &format!("/api/v1/rooms/{reading}/bookings"), book("2026-11-28", "12:00", "13:00"))
        .await;
    let theirs = r.json()["id"].as_i64().unwrap();
    // 11:10: 张三 scans the door's code and is checked in, with the booking.
    app.clock.advance(Duration::minutes(70));
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let code = checkin_code(&app.state.secret, centre, today);
    let page = resident.get(&format!("/positions/centres/{centre}/checkin?code={code}")).await.text;
    assert!(page.contains("我已到达，签到"), "{page}");
    let r = resident.post_form(&format!("/positions/centres/{centre}/checkin"), &[("code", &code)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(r.location().contains("checked_in_booking"));
    // Yesterday's code (a photo of the screen) does not work.
    let old = checkin_code(&app.state.secret, centre, today.pred_opt().unwrap());
    let r = neighbour.json("POST", &format!("/api/v1/centres/{centre}/checkin"), json!({"code": old})).await;
    assert_eq!(r.json()["code"], "expired_code");
    // Staff record a walk-in by name; 张三 comes back later the same day.
    let mut staff = app.login("staff").await;
    let r = staff.post_form(&format!("/positions/centres/{centre}/visits"), &[("visitor_name", "王奶奶")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = resident.json("POST", &format!("/api/v1/centres/{centre}/checkin"), json!({"code": code})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // 12:16: nobody came for the reading room; the job releases it (once, however often it runs).
    app.clock.advance(Duration::minutes(66));
    let (a, b) =
        tokio::join!(release_no_shows(&app.state, app.clock.now()), release_no_shows(&app.state, app.clock.now()));
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    let state = |id: i64| {
        let app = &app;
        async move { app.count(&format!("SELECT COUNT(*) AS n FROM bookings WHERE id = {id} AND state = 'released'")).await }
    };
    assert_eq!(state(theirs).await, 1);
    assert_eq!(state(mine).await, 0, "a checked-in booking is kept");
    assert_eq!(app.count(&format!("SELECT COUNT(*) AS n FROM booking_slots WHERE booking_id = {theirs}")).await, 0);
    // The month's 五常.
    let mut staff = app.login("staff").await;
    let f = staff.get(&format!("/api/v1/centres/{centre}/figures?month=2026-11")).await.json();
    assert_eq!(f["visits"], 3, "{f}");
    assert_eq!(f["distinct_visitors"], 1, "the walk-in has no person record");
    assert_eq!(f["repeat_visitors"], 1);
    assert_eq!(f["bookings"], 2);
    assert_eq!(f["bookings_attended"], 1);
    assert_eq!(f["served_permille"], 500);
    assert_eq!(f["days_with_visits"], 1);
    assert_eq!(f["scheduled_days"], 30);
    assert_eq!(f["room_minutes_booked"], 60, "the released booking no longer counts as use");
    assert_eq!(f["activities"], 0, "no activity anyone checked in to yet");
    let page = staff.get(&format!("/positions/centres/{centre}/figures?month=2026-11")).await.text;
    assert!(page.contains("大门常开") && page.contains("50.0%"), "{page}");
    // The door screen shows today's bookings and today's code.
    let door = staff.get(&format!("/positions/centres/{centre}/door")).await.text;
    assert!(door.contains("<svg") && door.contains(&code) && door.contains("11:30–12:30"), "{door}");
    // Who may see what.
    assert_eq!(resident.get(&format!("/positions/centres/{centre}/door")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(resident.get(&format!("/api/v1/centres/{centre}/figures")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.login("staff2").await.get(&format!("/api/v1/centres/{centre}/figures")).await.status,
        StatusCode::NOT_FOUND
    );
}

/// A room books only so far ahead: 9999-12-31 is refused by the room's horizon, not computed with.
#[tokio::test]
async fn bookings_beyond_the_rooms_horizon_are_refused() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let hall = room(&app, ids.yeyu, "议事厅").await;
    let mut resident = app.login("resident").await;
    let url = format!("/api/v1/rooms/{hall}/bookings");
    for date in ["9999-12-31", "2027-06-01"] {
        let r = resident.json("POST", &url, book(date, "10:00", "11:00")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{date}: {}", r.text);
        assert_eq!(r.json()["code"], "beyond_horizon");
    }
    let r = resident.json("POST", &url, book("2026-12-20", "10:00", "11:00")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

/// The article's 保利叶语党群服务中心升级版2.0 is 保利叶语's centre in the demo, with its upgrade on record.
#[tokio::test]
async fn the_demo_upgrade_is_the_yeyu_centre_as_the_article_says() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let d = staff.get(&format!("/api/v1/centres/{}", ids.centre)).await.json();
    assert_eq!(d["versions"][0]["version"], "升级版2.0", "{d}");
    let others = app
        .count(&format!(
            "SELECT COUNT(*) AS n FROM centre_versions v JOIN centres c ON c.id = v.centre_id WHERE c.project_id <> {}",
            ids.yeyu
        ))
        .await;
    assert_eq!(others, 0, "no other centre carries it");
}

/// Closed dates (issue 11): staff close a date on the page or through the API; its bookings are cancelled
/// with a notice, new ones are refused, 五常 leaves the date out; reopening lets people book again.
#[tokio::test]
async fn staff_close_a_date_and_its_bookings_are_cancelled_with_a_notice() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let hall = room(&app, ids.yeyu, "议事厅").await;
    let centre = app.id(&format!("SELECT centre_id AS id FROM rooms WHERE id = {hall}")).await;
    let mut resident = app.login("resident").await;
    let url = format!("/api/v1/rooms/{hall}/bookings");
    let r = resident.json("POST", &url, book("2026-12-03", "10:00", "11:00")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let booking = r.json()["id"].as_i64().unwrap();
    let mut staff = app.login("staff").await;
    let scheduled = |f: &Value| f["scheduled_days"].as_i64().unwrap();
    let before = scheduled(&staff.get(&format!("/api/v1/centres/{centre}/figures?month=2026-12")).await.json());
    // Nobody else closes it: a resident, another estate's staff.
    let closed = format!("/api/v1/centres/{centre}/closed-days");
    let body = json!({"date": "2026-12-03", "reason": "设备检修"});
    assert_eq!(resident.json("POST", &closed, body.clone()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.login("staff2").await.json("POST", &closed, body.clone()).await.status, StatusCode::NOT_FOUND);
    // A past date or nonsense is a field error.
    let r = staff.json("POST", &closed, json!({"date": "2026-11-01"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = staff.json("POST", &closed, body.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["cancelled"], 1);
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) AS n FROM bookings WHERE id = {booking} AND state = 'cancelled'")).await,
        1
    );
    assert_eq!(app.count(&format!("SELECT COUNT(*) AS n FROM booking_slots WHERE booking_id = {booking}")).await, 0);
    assert!(resident.get("/notifications").await.text.contains("闭馆（设备检修）"));
    assert_eq!(staff.json("POST", &closed, body).await.json()["code"], "already_closed");
    // Refused for new bookings; shown on the page; left out of 五常.
    let r = resident.json("POST", &url, book("2026-12-03", "14:00", "15:00")).await;
    assert_eq!(r.json()["code"], "closed_date", "{}", r.text);
    assert!(resident.get(&format!("/positions/centres/{centre}")).await.text.contains("设备检修"));
    let after = scheduled(&staff.get(&format!("/api/v1/centres/{centre}/figures?month=2026-12")).await.json());
    assert_eq!(after, before - 1);
    assert_eq!(resident.get(&closed).await.json()[0]["day"], "2026-12-03");
    // Opened again from the page: people book again.
    let r = staff.post_form(&format!("/positions/centres/{centre}/closed/2026-12-03/delete"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = resident.json("POST", &url, book("2026-12-03", "14:00", "15:00")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = staff.json("DELETE", &format!("{closed}/2026-12-03"), json!(null)).await;
    assert_eq!(r.json()["code"], "not_closed", "not closed any more: {}", r.text);
}

/// The staff side of the API (issue 11): a centre, its room and hours, an activity put on, edited and
/// skipped — all as JSON — and a resident's own bookings.
#[tokio::test]
async fn staff_run_centres_and_activities_through_the_api() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let r = staff
        .json(
            "POST",
            "/api/v1/centres",
            json!({"project_id": ids.yeyu, "name": "叶语二号服务站", "address": "2栋架空层"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let centre = r.json()["id"].as_i64().unwrap();
    let new_room = json!({"name": "小会议室", "function": "议事厅", "capacity": 12, "min_minutes": 30, "max_minutes": 120,
        "notice_minutes": 60, "weekly_quota": 2, "horizon_days": 30});
    let r = staff.json("POST", &format!("/api/v1/centres/{centre}/rooms"), new_room.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = staff
        .json(
            "PUT",
            &format!("/api/v1/centres/{centre}/hours"),
            json!([{"weekday": 6, "opens": "09:00", "closes": "12:00"}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = staff.get(&format!("/api/v1/centres/{centre}")).await.json();
    assert_eq!(d["hours"].as_array().unwrap().len(), 1, "{d}");
    assert_eq!(d["rooms"][0]["name"], "小会议室");
    let r = staff
        .json(
            "PUT",
            &format!("/api/v1/centres/{centre}/hours"),
            json!([{"weekday": 9, "opens": "09:00", "closes": "12:00"}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Another estate's staff and a resident cannot.
    let mut other = app.login("staff2").await;
    assert_eq!(
        other.json("POST", &format!("/api/v1/centres/{centre}/rooms"), new_room.clone()).await.status,
        StatusCode::NOT_FOUND
    );
    let mut resident = app.login("resident").await;
    assert_eq!(
        resident.json("POST", &format!("/api/v1/centres/{centre}/rooms"), new_room).await.status,
        StatusCode::FORBIDDEN
    );

    // An activity every Saturday morning, then from the second date on at 10:00, then one date skipped.
    let r = staff
        .json(
            "POST",
            "/api/v1/activities",
            json!({"project_id": ids.yeyu, "kind": "publicity", "title": "防诈骗宣传", "date": "2026-12-05", "start": "09:00",
                   "duration_minutes": 60, "repeat": "weekly", "capacity": 20}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let first = r.json()["first_occurrence_id"].as_i64().unwrap();
    let activity = r.json()["id"].as_i64().unwrap();
    let second = app
        .id(&format!(
            "SELECT id FROM activity_occurrences WHERE activity_id = {activity} ORDER BY starts_at LIMIT 1 OFFSET 1"
        ))
        .await;
    let r = staff
        .json(
            "POST",
            &format!("/api/v1/occurrences/{second}/edit"),
            json!({"scope": "following", "title": "防诈骗宣传", "capacity": 20, "start": "10:00", "duration_minutes": 60}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.json()["dates"].as_i64().unwrap() > 20);
    let r = staff.json("POST", &format!("/api/v1/occurrences/{first}/skip"), json!(null)).await;
    assert_eq!(r.json()["state"], "skipped", "{}", r.text);
    let r = staff
        .json("POST", "/api/v1/activities", json!({"project_id": ids.yeyu, "kind": "nonsense", "title": "", "date": "x", "start": "9", "duration_minutes": 0}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        other.json("POST", &format!("/api/v1/occurrences/{second}/skip"), json!(null)).await.status,
        StatusCode::NOT_FOUND
    );

    // A resident's own bookings.
    let hall = room(&app, ids.yeyu, "议事厅").await;
    resident.json("POST", &format!("/api/v1/rooms/{hall}/bookings"), book("2026-12-01", "10:00", "11:00")).await;
    let mine = resident.get("/api/v1/me/bookings").await.json();
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(mine[0]["room_name"], "议事厅");
    assert_eq!(app.login("resident2").await.get("/api/v1/me/bookings").await.json().as_array().unwrap().len(), 0);
}

/// The centre page shows each room's free half hours for a day inside opening hours; a start chosen
/// from the grid is selected in the form with only the ends that can follow; a refused booking comes
/// back as the page with the form open, the typed purpose kept and the reason beside it.
#[tokio::test]
async fn the_free_busy_grid_offers_only_bookable_times_and_a_refusal_keeps_the_form() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let hall = room(&app, ids.yeyu, "议事厅").await;
    let centre = app.id(&format!("SELECT centre_id AS id FROM rooms WHERE id = {hall}")).await;
    let mut resident = app.login("resident").await;
    let r =
        resident.json("POST", &format!("/api/v1/rooms/{hall}/bookings"), book("2026-11-30", "14:00", "16:00")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let page = resident.get(&format!("/positions/centres/{centre}?day=2026-11-30&room={hall}&start=13:00")).await.text;
    let section = &page[page.find(&format!("id=\"room-{hall}\"")).unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    assert!(!section.contains(">00:00<") && !section.contains(">23:30<"), "slots outside 09:00–21:00");
    assert!(section.contains("class=\"slot free\"") && section.contains("slot taken\">14:00"), "{section}");
    // 13:00 chosen: the end list stops at the booking that starts at 14:00.
    let start = &section[section.find("name=\"start\"").unwrap()..];
    assert!(start.contains("<option value=\"13:00\" data-ends=\"13:30 14:00\" selected>"), "{start}");
    assert!(!start.contains("value=\"14:30\""), "a taken slot is offered as a start");
    let end = &section[section.find("name=\"end\"").unwrap()..];
    let end = &end[..end.find("</select>").unwrap()];
    assert!(end.contains("13:30") && end.contains("14:00") && !end.contains("14:30"), "{end}");
    // Someone else takes 17:00 between the page and the submit: refused, the form comes back with the
    // purpose typed and why.
    let mut neighbour = app.login("resident2").await;
    let r =
        neighbour.json("POST", &format!("/api/v1/rooms/{hall}/bookings"), book("2026-11-30", "17:00", "18:00")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = resident
        .post_form(
            &format!("/positions/rooms/{hall}/bookings"),
            &[("date", "2026-11-30"), ("start", "17:00"), ("end", "18:00"), ("purpose", "读书会第三期")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(
        r.text.contains(&format!("id=\"book-error-{hall}\"")) && r.text.contains("value=\"读书会第三期\""),
        "{}",
        r.text
    );
    assert!(r.text.contains(&format!("id=\"book-{hall}\" open")), "the form is not open");
}

/// The week view: seven days from the chosen one, each with its free runs as links to that day's grid
/// with the run's start chosen; a booking splits its day's run.
#[tokio::test]
async fn the_week_view_lists_each_days_free_runs() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let hall = room(&app, ids.yeyu, "议事厅").await;
    let centre = app.id(&format!("SELECT centre_id AS id FROM rooms WHERE id = {hall}")).await;
    let mut resident = app.login("resident").await;
    let r =
        resident.json("POST", &format!("/api/v1/rooms/{hall}/bookings"), book("2026-12-01", "10:00", "11:00")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let page = resident.get(&format!("/positions/centres/{centre}?day=2026-12-01&view=week")).await.text;
    let section = &page[page.find(&format!("id=\"room-{hall}\"")).unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    assert!(section.contains(&format!("id=\"week-{hall}\"")) && !section.contains("class=\"slots\""), "{section}");
    assert_eq!(section.matches("<th scope=\"row\">").count(), 7, "{section}");
    let first = &section[section.find("<th scope=\"row\">").unwrap()..];
    let first = &first[..first.find("</tr>").unwrap()];
    assert!(first.contains(">09:00–10:00<") && first.contains(">11:00–21:00<"), "{first}");
    let amp = |s: String| s.replace('&', "&#38;");
    assert!(first.contains(&amp(format!("?day=2026-12-01&room={hall}&start=11:00#book-{hall}"))), "{first}");
    // The day strip keeps the week view; the switch goes back to the day grid.
    assert!(page.contains("&#38;view=week#rooms"), "the strip loses the view");
    let day = resident.get(&format!("/positions/centres/{centre}?day=2026-12-01")).await.text;
    assert!(day.contains("class=\"slots\"") && !day.contains(&format!("id=\"week-{hall}\"")));
}
