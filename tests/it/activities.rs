//! Activities (C3): RRULE recurrence, sign-up with capacity and a wait list that promotes automatically
//! (with a notification), sign-up on a resident's behalf, Party-only audiences, skipping a date, and the
//! capacity holding under concurrent sign-ups on both backends.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::TestApp;

/// 端午包粽子 at 保利叶语, 2026-12-05 14:00–16:00 (节日活动), published by the project manager.
pub async fn create(app: &TestApp, capacity: i32, audience: &str) -> i64 {
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let r = staff
        .post_form(
            "/activities",
            &[
                ("project_id", &ids.yeyu.to_string()),
                ("kind", "festival"),
                ("title", "端午包粽子"),
                ("co_organisers", "演示街道党工委"),
                ("audience", audience),
                ("capacity", &capacity.to_string()),
                ("date", "2026-12-05"),
                ("start", "14:00"),
                ("duration_minutes", "120"),
                ("repeat", "none"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    r.occurrence_id()
}

#[tokio::test]
async fn the_demo_cleaning_day_recurs_every_friday_at_nine() {
    let app = TestApp::new().await;
    #[derive(sea_orm::FromQueryResult)]
    struct S {
        starts_at: chrono::DateTime<chrono::Utc>,
    }
    let rows: Vec<S> = xinghuo::db::all(
        &app.state.db.read,
        "SELECT o.starts_at FROM activity_occurrences o JOIN activities a ON a.id = o.activity_id \
         JOIN org_nodes p ON p.id = a.project_id WHERE p.name = '保利湖心岛' AND a.title = '全员保洁日' ORDER BY o.starts_at",
        vec![],
    )
    .await
    .unwrap();
    assert!(rows.len() >= 26, "{}", rows.len());
    for (i, r) in rows.iter().enumerate() {
        let local = xinghuo::positions::model::to_local(r.starts_at);
        assert_eq!(chrono::Datelike::weekday(&local), chrono::Weekday::Fri);
        assert_eq!(local.format("%H:%M").to_string(), "09:00");
        if i > 0 {
            assert_eq!(r.starts_at - rows[i - 1].starts_at, chrono::Duration::days(7));
        }
    }
    // Residents see it on their phones (保利叶语 has one too).
    let page = app.login("resident").await.get("/activities").await.text;
    assert!(page.contains("全员保洁日"), "{page}");
}

#[tokio::test]
async fn a_full_activity_wait_lists_and_a_cancellation_promotes_the_next_with_a_notice() {
    let app = TestApp::new().await;
    let occ = create(&app, 1, "all").await;
    let url = |a: &str| format!("/api/v1/occurrences/{occ}/{a}");
    let mut resident = app.login("resident").await;
    let mut neighbour = app.login("resident2").await;
    // From the phone page (a form), then the API.
    let r = resident.post_form(&format!("/activities/occurrences/{occ}/signup"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(r.location().contains("signed_up"));
    let r = neighbour.json("POST", &url("signup"), json!({})).await;
    assert_eq!(r.json()["state"], "waitlisted", "{}", r.text);
    let r = neighbour.json("POST", &url("signup"), json!({})).await;
    assert_eq!(r.json()["code"], "already_signed_up");
    assert!(neighbour.get(&format!("/activities/occurrences/{occ}")).await.text.contains("候补中"));
    // 张三 cancels: 李四 is promoted and told.
    let r = resident.json("POST", &url("cancel"), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.json()["promoted_person_id"].is_number());
    let n = neighbour.get("/api/v1/notifications").await.json();
    assert_eq!(n["items"][0]["kind"], "waitlist_promoted", "{n}");
    assert!(neighbour.get(&format!("/activities/occurrences/{occ}")).await.text.contains("已报名"));
    // 张三 signs up again and goes to the back of the wait list.
    assert_eq!(resident.json("POST", &url("signup"), json!({})).await.json()["state"], "waitlisted");
    let r = resident.json("POST", &url("cancel"), json!({})).await;
    assert!(r.json()["promoted_person_id"].is_null(), "a wait-listed cancellation promotes nobody");
    // Sign-up closes when it starts.
    app.clock.advance(chrono::Duration::days(8));
    let mut resident = app.login("resident").await;
    let r = resident.json("POST", &url("signup"), json!({})).await;
    assert_eq!(r.json()["code"], "signup_closed", "{}", r.text);
}

#[tokio::test]
async fn staff_sign_up_an_elderly_resident_and_party_days_are_for_party_members() {
    let app = TestApp::new().await;
    let occ = create(&app, 0, "all").await;
    let mut staff = app.login("staff").await;
    let r = staff
        .post_form(&format!("/activities/occurrences/{occ}/signup"), &[("room", "1-1-102"), ("name", "李四")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = staff.get(&format!("/activities/occurrences/{occ}")).await.text;
    assert!(page.contains("李四") && page.contains("已报名"), "{page}");
    let r = staff
        .post_form(&format!("/activities/occurrences/{occ}/signup"), &[("room", "1-1-102"), ("name", "张三")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "张三 does not live at 102");
    // Residents cannot sign others up.
    let r = app
        .login("resident")
        .await
        .json("POST", &format!("/api/v1/occurrences/{occ}/signup"), json!({"room": "1-1-102", "name": "李四"}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A Party-members-only activity.
    let party = create(&app, 0, "party").await;
    let r = app.login("resident").await.json("POST", &format!("/api/v1/occurrences/{party}/signup"), json!({})).await;
    assert_eq!(r.json()["code"], "not_eligible", "{}", r.text);
    // Another estate's staff see nothing of it.
    assert_eq!(
        app.login("staff2").await.get(&format!("/activities/occurrences/{occ}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_skipped_date_is_off_and_bad_rules_are_refused() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let base = |repeat: &'static str, rrule: &'static str| {
        vec![
            ("project_id", ids.yeyu.to_string()),
            ("kind", "volunteer".into()),
            ("title", "楼道清洁".into()),
            ("capacity", "10".into()),
            ("date", "2026-12-04".into()),
            ("start", "09:00".into()),
            ("duration_minutes", "120".into()),
            ("repeat", repeat.into()),
            ("rrule", rrule.into()),
        ]
    };
    let send = |f: Vec<(&'static str, String)>| {
        let mut c = staff.clone();
        async move {
            let v: Vec<(&str, &str)> = f.iter().map(|(a, b)| (*a, b.as_str())).collect();
            c.post_form("/activities", &v).await
        }
    };
    let before = app.count("SELECT COUNT(*) AS n FROM activities").await;
    assert_eq!(send(base("custom", "FREQ=SECONDLY")).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(send(base("custom", "每周五")).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut past = base("none", "");
    past[4].1 = "2026-11-01".into();
    assert_eq!(send(past).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM activities").await, before, "nothing written");
    let r = send(base("weekly", "")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let first: i64 = r.occurrence_id();
    let aid = app.id(&format!("SELECT activity_id AS id FROM activity_occurrences WHERE id = {first}")).await;
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) AS n FROM activity_occurrences WHERE activity_id = {aid}")).await,
        27
    );
    let r = staff.post_form(&format!("/activities/occurrences/{first}/skip"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app.login("resident").await.json("POST", &format!("/api/v1/occurrences/{first}/signup"), json!({})).await;
    assert_eq!(r.json()["code"], "signup_closed");
    let listed = staff.get("/api/v1/activities").await.json();
    assert!(!listed.as_array().unwrap().iter().any(|o| o["id"] == first), "the skipped date is off the calendar");
    assert!(listed.as_array().unwrap().iter().any(|o| o["activity_id"] == aid), "the rest of the series stays");
    assert_eq!(
        app.login("resident").await.post_form(&format!("/activities/occurrences/{first}/skip"), &[]).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_simultaneous_sign_ups_for_ten_places_confirm_exactly_ten() {
    let app = TestApp::with(|c| c.db_max_connections = 16).await;
    let occ = create(&app, 10, "all").await;
    #[derive(sea_orm::FromQueryResult)]
    struct M {
        name: String,
        label: String,
    }
    let ids = app.ids().await;
    let people: Vec<M> = xinghuo::db::all(
        &app.state.db.read,
        "SELECT pe.name, b.name || '-' || u.name || '-' || h.room AS label FROM persons pe \
         JOIN household_members m ON m.person_id = pe.id AND m.moved_out IS NULL JOIN households h ON h.node_id = m.household_id \
         JOIN org_nodes hn ON hn.id = h.node_id JOIN org_nodes u ON u.id = hn.parent_id JOIN org_nodes b ON b.id = u.parent_id \
         WHERE h.project_id = $1 ORDER BY pe.id LIMIT 30",
        vec![ids.yeyu.into()],
    )
    .await
    .unwrap();
    assert_eq!(people.len(), 30);
    let staff = app.login("staff").await;
    let mut set = tokio::task::JoinSet::new();
    for p in people {
        let mut c = staff.clone();
        // 「1栋-1单元-101」 → the form's 「1-1-101」.
        let room = p.label.replace('栋', "").replace("单元", "");
        set.spawn(async move {
            c.json("POST", &format!("/api/v1/occurrences/{occ}/signup"), json!({"room": room, "name": p.name})).await
        });
    }
    let mut states = Vec::new();
    while let Some(r) = set.join_next().await {
        let r = r.unwrap();
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        states.push(r.json()["state"].as_str().unwrap().to_string());
    }
    assert_eq!(states.iter().filter(|s| *s == "confirmed").count(), 10);
    assert_eq!(states.iter().filter(|s| *s == "waitlisted").count(), 20);
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) AS n FROM signups WHERE occurrence_id = {occ} AND state = 'confirmed'"))
            .await,
        10
    );
}

#[tokio::test]
async fn check_in_and_out_by_the_rotating_code_credits_capped_hours_and_points_once() {
    use chrono::Duration;
    use xinghuo::activities::{attendance::attendance_code, model::code_window};
    use xinghuo::clock::Clock;
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let occ = create(&app, 0, "all").await; // 2026-12-05 14:00–16:00, 节日活动
    app.login("resident").await.json("POST", &format!("/api/v1/occurrences/{occ}/signup"), json!({})).await;
    app.login("resident2").await.json("POST", &format!("/api/v1/occurrences/{occ}/signup"), json!({})).await;
    // The project sets 节日活动 to 30 points an hour.
    let mut staff = app.login("staff").await;
    let r = staff
        .post_form(
            "/activities/points-rules",
            &[("project_id", &ids.yeyu.to_string()), ("kind", "festival"), ("points_per_hour", "30")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    // 2026-12-05 13:20 China: too early to check in.
    app.clock.advance(Duration::days(7) + Duration::minutes(200));
    let code = || attendance_code(&app.state.secret, xinghuo::ids::OccurrenceId(occ), code_window(app.clock.now()));
    let mut resident = app.login("resident").await;
    let url = format!("/api/v1/occurrences/{occ}/attendance");
    let r = resident.json("POST", &url, json!({"action": "in", "code": code()})).await;
    assert_eq!(r.json()["code"], "not_started", "{}", r.text);
    // 13:40: the phone opens the scanned link and checks in.
    app.clock.advance(Duration::minutes(20));
    let mut resident = app.login("resident").await;
    let page = resident.get(&format!("/activities/occurrences/{occ}/attend?code={}", code())).await.text;
    assert!(page.contains("签到"), "{page}");
    let r = resident
        .post_form(&format!("/activities/occurrences/{occ}/attend"), &[("action", "in"), ("code", &code())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = resident.json("POST", &url, json!({"action": "in", "code": code()})).await;
    assert_eq!(r.json()["code"], "already_checked_in");
    // A code from 15 minutes ago no longer works.
    let stale = attendance_code(&app.state.secret, xinghuo::ids::OccurrenceId(occ), code_window(app.clock.now()) - 3);
    let r = resident.json("POST", &url, json!({"action": "out", "code": stale})).await;
    assert_eq!(r.json()["code"], "expired_code");
    // Staff check 李四 in by hand at 14:30 (after the start).
    app.clock.advance(Duration::minutes(50));
    let mut staff = app.login("staff").await;
    let r = staff.json("POST", &url, json!({"action": "in", "person_id": ids.lisi})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // 16:30: both leave. 张三 was there 13:40–16:30 but the activity is 14:00–16:00: 120 minutes, 60 points.
    app.clock.advance(Duration::minutes(120));
    let mut resident = app.login("resident").await;
    let r = resident.json("POST", &url, json!({"action": "out", "code": code()})).await;
    assert_eq!(r.json()["minutes"], 120, "{}", r.text);
    assert_eq!(r.json()["points"], 60);
    let r = resident.json("POST", &url, json!({"action": "out", "code": code()})).await;
    assert_eq!(r.json()["code"], "already_checked_out");
    let mut staff = app.login("staff").await;
    let r = staff.json("POST", &url, json!({"action": "out", "person_id": ids.lisi})).await;
    assert_eq!(r.json()["minutes"], 90, "14:30–16:00");
    assert_eq!(r.json()["points"], 45);
    // The ledger: one entry each; the balance is the sum.
    let me = resident.get("/api/v1/me/points").await.json();
    assert_eq!(me["balance"], 60, "{me}");
    assert_eq!(me["minutes"], 120);
    assert_eq!(me["entries"].as_array().unwrap().len(), 1);
    assert!(resident.get("/activities/mine").await.text.contains("端午包粽子"));
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM points_ledger WHERE source LIKE 'signup:%'").await, 2);
    // Residents cannot check others in; other estates' staff see nothing.
    let r = resident.json("POST", &url, json!({"action": "in", "person_id": ids.lisi})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.login("staff2").await.json("POST", &url, json!({"action": "in", "person_id": ids.lisi})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // December's ranking: 张三 60, 李四 45. The year adds the demo volunteers' hours carried over in
    // November (the highest 120 points, the lowest 70), so 张三 and 李四 come last.
    let r = staff.get(&format!("/api/v1/rankings?project={}&period=2026-12", ids.yeyu)).await.json();
    assert_eq!(r["rows"].as_array().unwrap().len(), 2, "{r}");
    assert_eq!(r["rows"][0]["name"], "张三", "{r}");
    assert_eq!(r["rows"][0]["points"], 60);
    assert_eq!(r["rows"][1]["points"], 45);
    let r = staff.get(&format!("/api/v1/rankings?project={}&period=2026", ids.yeyu)).await.json();
    let rows = r["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 8, "{r}");
    assert_eq!(rows[0]["points"], 120);
    assert_eq!(rows[6]["name"], "张三");
    assert_eq!(rows[7]["points"], 45);
    let r = staff.get(&format!("/api/v1/rankings?project={}&period=2026-11", ids.yeyu)).await.json();
    assert!(r["rows"].as_array().unwrap().iter().all(|x| x["minutes"] != 120), "张三 earned nothing in November: {r}");
    assert_eq!(
        staff.get(&format!("/api/v1/rankings?project={}&period=someday", ids.yeyu)).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert!(staff.get(&format!("/activities/rankings?project={}&period=2026", ids.yeyu)).await.text.contains("张三"));
    // 活动常办: the centre's month now counts this activity as held.
    let f = staff.get(&format!("/api/v1/centres/{}/figures?month=2026-12", ids.centre)).await.json();
    assert_eq!(f["activities"], 1, "{f}");
    // The attendee list as a spreadsheet: both, with minutes and points.
    let x = staff.get(&format!("/activities/occurrences/{occ}/attendees.xlsx")).await;
    assert_eq!(x.status, StatusCode::OK);
    let grid = xinghuo::io::model::read_xlsx(&x.bytes).unwrap();
    let text = format!("{grid:?}");
    assert!(text.contains("张三") && text.contains("李四") && text.contains("签到时间"), "{text}");
    assert!(grid.iter().any(|r| r.get(6) == Some(&xinghuo::io::model::Cell::Number(60.0))), "{text}");
    assert_eq!(
        resident.get(&format!("/activities/occurrences/{occ}/attendees.xlsx")).await.status,
        StatusCode::FORBIDDEN
    );
    // The attendance screen shows the QR code and who is done.
    let screen = staff.get(&format!("/activities/occurrences/{occ}/code")).await.text;
    assert!(screen.contains("<svg") && screen.contains("张三"), "{screen}");
}

#[tokio::test]
async fn calendar_feeds_are_valid_icalendar_in_utc_behind_a_token() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let occ = create(&app, 0, "all").await;
    let mut resident = app.login("resident").await;
    resident.json("POST", &format!("/api/v1/occurrences/{occ}/signup"), json!({})).await;
    let page = resident.get("/activities").await.text;
    let my = page.split("id=\"my-feed\" href=\"").nth(1).unwrap().split('"').next().unwrap().replace("&amp;", "&");
    // The feed needs no log-in (calendar apps cannot), only its token.
    let mut app_client = app.client();
    let r = app_client.get(&my).await;
    assert_eq!(r.status, StatusCode::OK, "{my}");
    assert_eq!(r.headers["content-type"], "text/calendar; charset=utf-8");
    let text = r.text;
    assert!(text.starts_with("BEGIN:VCALENDAR") && text.contains("VERSION:2.0") && text.contains("PRODID"), "{text}");
    assert!(text.contains("DTSTART:20261205T060000Z") && text.contains("DTEND:20261205T080000Z"), "UTC times: {text}");
    assert!(text.contains("端午包粽子"));
    assert!(text.lines().all(|l| l.len() <= 75), "lines are folded at 75 octets");
    let unfolded = icalendar::parser::unfold(&text);
    let parsed = icalendar::parser::read_calendar(&unfolded).expect("parses as iCalendar");
    assert_eq!(parsed.components.iter().filter(|c| c.name == "VEVENT").count(), 1);
    // The project feed (from the staff page) has the whole calendar, Fridays included.
    let staff_page = app.login("staff").await.get("/activities").await.text;
    let feed = format!("/calendar/projects/{}.ics?t=", ids.yeyu);
    let href = staff_page.split(&feed).nth(1).unwrap().split('"').next().unwrap();
    let text = app_client.get(&format!("{feed}{href}")).await.text;
    assert!(text.contains("全员保洁日") && text.contains("端午包粽子"));
    // Someone else's feed, or a guessed token, is not found.
    assert_eq!(
        app_client.get(&format!("/calendar/people/{}.ics?t=0000", ids.lisi)).await.status,
        StatusCode::NOT_FOUND
    );
    let tok = my.split("?t=").nth(1).unwrap();
    assert_eq!(
        app_client.get(&format!("/calendar/people/{}.ics?t={tok}", ids.lisi)).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_write_up_with_photos_follows_the_activity_and_its_photos_stay_inside_the_estate() {
    use crate::support::PNG_1X1;
    let app = TestApp::new().await;
    let occ = create(&app, 0, "all").await; // 2026-12-05 14:00
    let mut staff = app.login("staff").await;
    let url = format!("/activities/occurrences/{occ}/writeup");
    let r = staff.multipart_files(&url, &[("body", "提前写")], "photo", &[("a.png", PNG_1X1)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "not held yet: {}", r.text);
    app.clock.advance(chrono::Duration::days(7) + chrono::Duration::hours(7)); // 17:00
    let mut staff = app.login("staff").await;
    assert!(staff.get(&url).await.text.contains("writeup-form"));
    // A file that is not an image, and an empty text: refused, nothing written.
    let r = staff.multipart_files(&url, &[("body", "x")], "photo", &[("a.png", b"not an image")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = staff.multipart_files(&url, &[("body", " ")], "photo", &[("a.png", PNG_1X1)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM writeup_photos").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM activity_writeups").await, 0);
    let r = staff
        .multipart_files(
            &url,
            &[("body", "三十余位居民一起包粽子，送给独居老人。"), ("attendance", "32")],
            "photo",
            &[("a.png", PNG_1X1), ("b.png", PNG_1X1)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    // Edited again (text only): still one write-up, both photos.
    let r =
        staff.post_form(&url, &[("body", "三十余位居民一起包粽子，送给二十户独居老人。"), ("attendance", "32")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM activity_writeups").await, 1);
    // Residents of the estate read it with its photos; another estate's staff do not.
    let mut resident = app.login("resident").await;
    let page = resident.get(&format!("/activities/occurrences/{occ}")).await.text;
    assert!(page.contains("送给二十户独居老人") && page.contains("32"), "{page}");
    let photo = page
        .split(&format!("/activities/occurrences/{occ}/photos/"))
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = resident.get(&format!("/activities/occurrences/{occ}/photos/{photo}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "image/png");
    let r = app.login("staff2").await.get(&format!("/activities/occurrences/{occ}/photos/{photo}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = resident.post_form(&url, &[("body", "x")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

async fn cleaning_days(app: &TestApp) -> Vec<(i64, i64, chrono::DateTime<chrono::Utc>)> {
    #[derive(sea_orm::FromQueryResult)]
    struct O {
        id: i64,
        activity_id: i64,
        starts_at: chrono::DateTime<chrono::Utc>,
    }
    let ids = app.ids().await;
    xinghuo::db::all::<O>(
        &app.state.db.read,
        "SELECT o.id, o.activity_id, o.starts_at FROM activity_occurrences o JOIN activities a ON a.id = o.activity_id \
         WHERE a.project_id = $1 AND a.kind = 'volunteer' ORDER BY o.starts_at",
        vec![ids.yeyu.into()],
    )
    .await
    .unwrap()
    .into_iter()
    .map(|o| (o.id, o.activity_id, o.starts_at))
    .collect()
}

#[tokio::test]
async fn one_date_or_this_and_following_dates_of_the_cleaning_day_can_be_moved() {
    use xinghuo::positions::model::to_local;
    let app = TestApp::new().await;
    let days = cleaning_days(&app).await;
    let (first, third) = (days[0].0, days[2].0);
    let old_activity = days[0].1;
    // 李四 signs up for the third Friday; the capacity is 30.
    let mut lisi = app.login("resident2").await;
    lisi.json("POST", &format!("/api/v1/occurrences/{third}/signup"), json!({})).await;
    let mut staff = app.login("staff").await;
    let edit = |id: i64| format!("/activities/occurrences/{id}/edit");
    // Only the first Friday: 10:00, 90 minutes, in the 议事厅.
    let r = staff
        .post_form(
            &edit(first),
            &[
                ("scope", "one"),
                ("title", "全员保洁日（雨天改室内）"),
                ("place", "议事厅"),
                ("capacity", "30"),
                ("start", "10:00"),
                ("duration_minutes", "90"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let after = cleaning_days(&app).await;
    assert_eq!(to_local(after[0].2).format("%H:%M").to_string(), "10:00");
    assert_eq!(to_local(after[1].2).format("%H:%M").to_string(), "09:00", "the others keep 09:00");
    let page = staff.get(&format!("/activities/occurrences/{first}")).await.text;
    assert!(page.contains("雨天改室内") && page.contains("议事厅"), "{page}");
    // From the third Friday on: 08:30 and a 1-person cap — refused, 李四 holds a place.
    let form = |cap: &'static str| {
        vec![
            ("scope", "following"),
            ("title", "全员保洁日"),
            ("place", ""),
            ("capacity", cap),
            ("start", "08:30"),
            ("duration_minutes", "120"),
        ]
    };
    let r = staff.post_form(&edit(third), &form("0")[..0]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "an empty form: {}", r.text);
    let f1 = form("0");
    // A capacity below those confirmed is refused (set up a second sign-up first).
    app.login("resident").await.json("POST", &format!("/api/v1/occurrences/{third}/signup"), json!({})).await;
    let r = staff.post_form(&edit(third), &form("1")).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.text.contains("capacity_below_signups") || r.text.contains("人数上限不能少于"));
    let r = staff.post_form(&edit(third), &f1).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let after = cleaning_days(&app).await;
    // The series split at the third Friday: the first two keep the old activity, the rest a new one.
    assert_eq!(after[1].1, old_activity);
    assert_ne!(after[2].1, old_activity);
    assert!(after[2..].iter().all(|o| o.1 == after[2].1));
    assert!(after[2..].iter().all(|o| to_local(o.2).format("%H:%M").to_string() == "08:30"));
    assert_eq!(to_local(after[1].2).format("%H:%M").to_string(), "09:00");
    // Sign-ups stayed with their date, and those signed up were told.
    assert_eq!(after[2].0, third);
    assert!(lisi.get("/api/v1/activities").await.text.contains("全员保洁日"));
    assert!(lisi.get("/notifications").await.text.contains("时间调整"));
    // A date that has begun cannot be changed; another estate's staff cannot change any.
    let r = app.login("staff2").await.post_form(&edit(third), &f1).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    app.clock.advance(chrono::Duration::days(8));
    let r = app.login("staff").await.post_form(&edit(first), &f1).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
}

#[tokio::test]
async fn an_activity_in_a_room_books_it_for_every_date_and_moves_or_frees_it_with_the_date() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let form = |title: &'static str, date: &'static str, start: &'static str| {
        vec![
            ("project_id", ids.yeyu.to_string()),
            ("kind", "three_one".to_string()),
            ("title", title.to_string()),
            ("room_id", ids.hall.to_string()),
            ("date", date.to_string()),
            ("start", start.to_string()),
            ("duration_minutes", "120".to_string()),
            ("repeat", "weekly".to_string()),
        ]
    };
    let f = form("支部委员会", "2026-11-30", "14:00");
    let fr: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = staff.post_form("/activities", &fr).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let first: i64 = r.occurrence_id();
    let page = staff.get(&format!("/activities/occurrences/{first}")).await.text;
    assert!(page.contains("议事厅"), "the place names the room: {page}");
    let weeks = app.count("SELECT COUNT(*) AS n FROM activity_occurrences WHERE booking_id IS NOT NULL").await;
    assert!(weeks >= 26, "every date books the hall: {weeks}");
    // A resident cannot book the hall over it; another activity there at the same time is refused whole.
    let mut resident = app.login("resident").await;
    let booking = json!({"date": "2026-12-07", "start": "15:00", "end": "16:00", "purpose": "议事会"});
    let r = resident.json("POST", &format!("/api/v1/rooms/{}/bookings", ids.hall), booking.clone()).await;
    assert_eq!(r.json()["code"], "slot_taken", "{}", r.text);
    let before = app.count("SELECT COUNT(*) AS n FROM activities").await;
    let f = form("党小组会", "2026-12-14", "15:00");
    let fr: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = staff.post_form("/activities", &fr).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.text.contains("该功能室已被预约"), "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM activities").await, before, "nothing written");
    // Not on a half hour: refused.
    let f = form("党小组会", "2026-12-14", "15:10");
    let fr: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(staff.post_form("/activities", &fr).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The 2026-12-07 date moves to 16:00: the hall is free at 15:00 for the resident.
    let second = app
        .id(&format!("SELECT id FROM activity_occurrences WHERE starts_at > (SELECT starts_at FROM activity_occurrences WHERE id = {first}) \
             AND activity_id = (SELECT activity_id FROM activity_occurrences WHERE id = {first}) ORDER BY starts_at LIMIT 1"))
        .await;
    let r = staff
        .post_form(
            &format!("/activities/occurrences/{second}/edit"),
            &[
                ("scope", "one"),
                ("title", "支部委员会"),
                ("place", ""),
                ("capacity", "0"),
                ("start", "16:00"),
                ("duration_minutes", "60"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = resident.json("POST", &format!("/api/v1/rooms/{}/bookings", ids.hall), booking).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // …and 16:00–17:00 is the activity's now.
    let late = json!({"date": "2026-12-07", "start": "16:00", "end": "17:00", "purpose": "议事会"});
    let r =
        app.login("resident2").await.json("POST", &format!("/api/v1/rooms/{}/bookings", ids.hall), late.clone()).await;
    assert_eq!(r.json()["code"], "slot_taken", "{}", r.text);
    // Calling the date off frees the hall.
    let r = staff.post_form(&format!("/activities/occurrences/{second}/skip"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = app.login("resident2").await.json("POST", &format!("/api/v1/rooms/{}/bookings", ids.hall), late).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn the_door_screen_lists_todays_activities() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let r = staff
        .post_form(
            "/activities",
            &[
                ("project_id", &ids.yeyu.to_string()),
                ("kind", "sports"),
                ("title", "邻里乒乓球友谊赛"),
                ("place", "球类活动场地"),
                ("date", "2026-11-28"),
                ("start", "15:00"),
                ("duration_minutes", "90"),
                ("repeat", "none"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let door = staff.get(&format!("/positions/centres/{}/door", ids.centre)).await.text;
    let list = door.split("id=\"door-activities\"").nth(1).unwrap().split("</ul>").next().unwrap();
    assert!(list.contains("邻里乒乓球友谊赛") && list.contains("15:00–16:30"), "{list}");
    assert!(!list.contains("全员保洁日"), "only today's: {list}");
}

/// The rolling horizon (issue 11): the Friday 全员保洁日 goes on past its first half year, each date once,
/// whichever instance runs the job; a series split by "this and following" goes on only in its second half.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_friday_cleaning_day_goes_on_past_half_a_year() {
    use chrono::{Datelike, Duration};
    use xinghuo::activities::jobs::extend_series;
    use xinghuo::clock::to_local;

    use crate::support::NowUtc;
    let app = TestApp::new().await;
    let yeyu = app.ids().await.yeyu;
    let dates = |sql_extra: &'static str| {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM activity_occurrences o JOIN activities a ON a.id = o.activity_id \
             WHERE a.project_id = {yeyu} AND a.title = '全员保洁日' {sql_extra}"
        );
        let app = &app;
        async move { app.count(&sql).await }
    };
    let before = dates("").await;
    assert_eq!(before, 27, "laid out half a year ahead at creation");
    // Nothing to do while the horizon holds.
    let now = app.clock.now_utc();
    assert_eq!(extend_series(&app.state, now).await.unwrap(), 0);
    // Two months on, two instances run the job at once: the series reaches half a year ahead again, once.
    let later = now + Duration::days(60);
    let (a, b) = tokio::join!(extend_series(&app.state, later), extend_series(&app.state, later));
    let added = a.unwrap() + b.unwrap();
    // Laid out to 2027-06-04 at creation, now to 2027-07-28: seven more Fridays and one more 主题党日 at
    // each of the two estates.
    assert_eq!(added, 16);
    let after = dates("").await;
    assert_eq!(after - before, 7);
    let last = app
        .id(&format!(
            "SELECT o.id FROM activity_occurrences o JOIN activities a ON a.id = o.activity_id \
             WHERE a.project_id = {yeyu} AND a.title = '全员保洁日' ORDER BY o.starts_at DESC LIMIT 1"
        ))
        .await;
    #[derive(sea_orm::FromQueryResult)]
    struct At {
        starts_at: chrono::DateTime<chrono::Utc>,
    }
    let at = xinghuo::db::one::<At>(
        &app.state.db.read,
        "SELECT starts_at FROM activity_occurrences WHERE id = $1",
        vec![last.into()],
    )
    .await
    .unwrap()
    .unwrap()
    .starts_at;
    assert!(at > later + Duration::days(170), "laid out to about half a year past the new now");
    let local = to_local(at);
    assert_eq!((local.weekday(), local.format("%H:%M").to_string()), (chrono::Weekday::Fri, "09:00".to_string()));
    // Run again: nothing doubled.
    assert_eq!(extend_series(&app.state, later).await.unwrap(), 0);
    assert_eq!(dates("GROUP BY o.starts_at HAVING COUNT(*) > 1").await, 0, "no Friday laid out twice");

    // Split from the tenth Friday on (08:30): the first half stops there, the second half goes on.
    let tenth = app
        .id(&format!(
            "SELECT o.id FROM activity_occurrences o JOIN activities a ON a.id = o.activity_id              WHERE a.project_id = {yeyu} AND a.title = '全员保洁日' ORDER BY o.starts_at LIMIT 1 OFFSET 9"
        ))
        .await;
    let old = app.id(&format!("SELECT activity_id AS id FROM activity_occurrences WHERE id = {tenth}")).await;
    let mut staff = app.login("staff").await;
    let r = staff
        .post_form(
            &format!("/activities/occurrences/{tenth}/edit"),
            &[
                ("scope", "following"),
                ("title", "全员保洁日"),
                ("place", ""),
                ("capacity", "30"),
                ("start", "08:30"),
                ("duration_minutes", "120"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let split = app.id(&format!("SELECT activity_id AS id FROM activity_occurrences WHERE id = {tenth}")).await;
    assert_ne!(split, old);
    let old_dates =
        app.count(&format!("SELECT COUNT(*) AS n FROM activity_occurrences WHERE activity_id = {old}")).await;
    let even_later = later + Duration::days(60);
    assert!(extend_series(&app.state, even_later).await.unwrap() > 0);
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) AS n FROM activity_occurrences WHERE activity_id = {old}")).await,
        old_dates,
        "the first half does not come back"
    );
    let newest = xinghuo::db::one::<At>(
        &app.state.db.read,
        "SELECT MAX(starts_at) AS starts_at FROM activity_occurrences WHERE activity_id = $1",
        vec![split.into()],
    )
    .await
    .unwrap()
    .unwrap()
    .starts_at;
    assert!(newest > even_later + Duration::days(170));
    assert_eq!(to_local(newest).format("%H:%M").to_string(), "08:30", "the new half keeps its new time");
}

/// The rest of the staff side of the API (issue 11): a whole activity cancelled from now on (its
/// series ends, those signed up are told), and the write-up as JSON.
#[tokio::test]
async fn staff_cancel_an_activity_and_write_it_up_through_the_api() {
    use chrono::Duration;

    use crate::support::NowUtc;
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    // 张三 signs up for the first Friday; the second Friday's write-up comes later.
    let mut zhangsan = app.login("resident").await;
    let r = zhangsan.json("POST", &format!("/api/v1/occurrences/{}/signup", ids.occurrence), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Not yet held: no write-up.
    let url = format!("/api/v1/occurrences/{}/writeup", ids.occurrence);
    let r = staff.json("PUT", &url, json!({"body": "清扫了楼道"})).await;
    assert_eq!(r.json()["code"], "not_held_yet", "{}", r.text);
    // Friday 11:00: written up, read back by a resident.
    app.clock.advance(Duration::days(6) + Duration::hours(1));
    let mut staff = app.login("staff").await;
    let r = staff.json("PUT", &url, json!({"body": "二十位居民清扫了1栋楼道和绿地", "attendance": 20})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["attendance"], 20);
    let mut zhangsan = app.login("resident").await;
    let w = zhangsan.get(&url).await.json();
    assert_eq!(w["body"], "二十位居民清扫了1栋楼道和绿地", "{w}");
    assert_eq!(app.login("staff2").await.get(&url).await.status, StatusCode::NOT_FOUND);
    // Cancel the series from now on: the later Fridays are off, the held one stays.
    let activity =
        app.id(&format!("SELECT activity_id AS id FROM activity_occurrences WHERE id = {}", ids.occurrence)).await;
    let later = app
        .id(&format!(
            "SELECT id FROM activity_occurrences WHERE activity_id = {activity} ORDER BY starts_at LIMIT 1 OFFSET 1"
        ))
        .await;
    zhangsan.json("POST", &format!("/api/v1/occurrences/{later}/signup"), json!({})).await;
    let cancel = format!("/api/v1/activities/{activity}/cancel");
    assert_eq!(app.login("staff2").await.json("POST", &cancel, json!(null)).await.status, StatusCode::NOT_FOUND);
    let r = staff.json("POST", &cancel, json!(null)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.json()["dates"].as_i64().unwrap() >= 25);
    let sql = format!(
        "SELECT COUNT(*) AS n FROM activity_occurrences WHERE activity_id = {activity} AND state = 'scheduled'"
    );
    assert_eq!(app.count(&sql).await, 1, "only the date already held stays");
    assert!(zhangsan.get("/notifications").await.text.contains("起取消"));
    // The rolling horizon does not bring it back.
    xinghuo::activities::jobs::extend_series(&app.state, app.clock.now_utc() + Duration::days(90)).await.unwrap();
    assert_eq!(app.count(&sql).await, 1);
    assert_eq!(staff.json("POST", &cancel, json!(null)).await.json()["code"], "nothing_to_cancel");
}
