//! C9 care: a care tag is sensitive — 和悦's staff and the grid members whose grid holds the home see
//! the care list (most overdue first), each read audited; a resident, another estate's staff and the
//! community's cadre do not. Staff tag a resident by home (twice is a conflict, a stranger refused with
//! the form kept); a visit clears the overdue; the hourly job reminds the visitor once a day.

use axum::http::StatusCode;
use serde_json::json;
use xinghuo::clock::Clock;

use crate::support::{PNG_1X1, TestApp};

#[tokio::test]
async fn the_care_list_is_seen_only_with_a_care_duty_most_overdue_first_and_every_read_audited() {
    let app = TestApp::new().await;
    let mut hejing = app.login("hejing").await;
    let audits0 = app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'care_read'").await;
    let list = hejing.get("/api/v1/care").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let lines = list.json().as_array().unwrap().clone();
    assert!(lines.len() >= 4, "{}", list.text);
    assert!(lines[0]["overdue_days"].as_i64().unwrap() >= 3, "most overdue first: {}", list.text);
    let days: Vec<i64> = lines.iter().map(|l| l["overdue_days"].as_i64().unwrap()).collect();
    assert!(days.windows(2).all(|w| w[0] >= w[1]), "{days:?}");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'care_read'").await, audits0 + 1);
    // The community's grid member (his grid holds the estate's homes) sees it; the cadre, another
    // estate's staff and a resident do not.
    let grid = app.login("grid").await.get("/api/v1/care").await.json();
    assert_eq!(grid.as_array().unwrap().len(), lines.len());
    for who in ["mumashan", "staff"] {
        let got = app.login(who).await.get("/api/v1/care").await;
        assert_eq!(got.json().as_array().map(|a| a.len()), Some(0), "{who}: {}", got.text);
    }
    assert_eq!(app.login("resident").await.get("/api/v1/care").await.status, StatusCode::FORBIDDEN);
    let id = lines[0]["tag"]["id"].as_i64().unwrap();
    for who in ["mumashan", "staff", "cadre"] {
        assert_eq!(app.login(who).await.get(&format!("/care/tags/{id}")).await.status, StatusCode::NOT_FOUND, "{who}");
    }
    let page = hejing.get(&format!("/care/tags/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'care_read'").await, audits0 + 3);

    // A visit today clears the overdue; a poor state needs words, else nothing is written.
    let visits0 = app.count("SELECT COUNT(*) AS n FROM care_visits").await;
    let url = format!("/api/v1/care/tags/{id}/visits");
    let r = hejing.json("POST", &url, json!({"how": "in_person", "wellbeing": "poor", "note": ""})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM care_visits").await, visits0);
    let r = hejing
        .json("POST", &url, json!({"how": "in_person", "wellbeing": "poor", "note": "腿疼下不了楼，需要代买药品"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let after = hejing.get("/api/v1/care").await.json();
    let mine = after.as_array().unwrap().iter().find(|l| l["tag"]["id"] == id).unwrap();
    assert_eq!(mine["overdue_days"], 0, "{mine}");
}

#[tokio::test]
async fn staff_tag_a_resident_by_home_and_the_visitor_is_reminded_once_a_day() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let y = ids.yeyu.to_string();
    let before = app.count("SELECT COUNT(*) AS n FROM care_tags").await;
    let bad = [("project_id", y.as_str()), ("room", "1-1-101"), ("name", "不是他"), ("kind", "elderly_alone")];
    let r = staff.post_form_from("/care", "/care/tags", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"name-error\"") && r.text.contains("value=\"不是他\""), "{}", r.text);
    // Another estate's staff cannot tag here.
    let good = [("project_id", y.as_str()), ("room", "1-1-101"), ("name", "张三"), ("kind", "elderly_alone")];
    assert_eq!(app.login("staff2").await.post_form("/care/tags", &good).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM care_tags").await, before);
    let r = staff.post_form("/care/tags", &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let id: i64 = r.location().trim_start_matches("/care/tags/").split('?').next().unwrap().parse().unwrap();
    assert_eq!(staff.post_form("/care/tags", &good).await.status, StatusCode::CONFLICT, "tagged twice");
    // 张三 himself does not see his tag.
    let mut zhang = app.login("resident").await;
    assert_eq!(zhang.get(&format!("/care/tags/{id}")).await.status, StatusCode::FORBIDDEN);
    // The manager takes the visits on, weekly; a week and a day later the job reminds him once.
    let r = staff.post_form(&format!("/care/tags/{id}/plan"), &[("every_days", "7"), ("visitor", "me")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let job = || xinghuo::care::actions::remind_overdue(&app.state, app.clock.now());
    let n0 = job().await.unwrap();
    app.clock.advance(chrono::Duration::days(8));
    let n1 = job().await.unwrap();
    assert!(n1 > 0 && job().await.unwrap() == 0, "reminded once a day: {n0} {n1}");
    let staff_user = app.id("SELECT id FROM users WHERE username = 'staff'").await;
    assert!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM notifications WHERE user_id = {staff_user} AND link = '/care/tags/{id}'"
        ))
        .await
            >= 1
    );
    // Ended: off the list.
    let mut staff = app.login("staff").await;
    assert_eq!(staff.post_form(&format!("/care/tags/{id}/end"), &[]).await.status, StatusCode::SEE_OTHER);
    assert!(!staff.get("/api/v1/care").await.text.contains(&format!("\"id\":{id},")));
}

/// 和悦's demo 端午 round, its stops' ids by state, and 陈建国 (a volunteer signed up for its date).
async fn demo_round(app: &TestApp) -> (i64, Vec<i64>, Vec<i64>) {
    let round = app.id("SELECT MIN(id) AS id FROM care_rounds").await;
    let ids = |cond: &str| {
        format!("SELECT CAST(id AS TEXT) AS s FROM care_round_stops WHERE round_id = {round} AND {cond} ORDER BY id")
    };
    let open: Vec<i64> =
        app.all_strings(&ids("taker_person_id IS NULL")).await.iter().map(|s| s.parse().unwrap()).collect();
    let taken: Vec<i64> = app
        .all_strings(&ids("taker_person_id IS NOT NULL AND delivered_at IS NULL"))
        .await
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    (round, open, taken)
}

#[tokio::test]
async fn a_festival_round_shows_who_still_needs_a_visit_and_each_delivery_needs_its_photo() {
    let app = TestApp::new().await;
    let (round, open, taken) = demo_round(&app).await;
    assert_eq!((open.len(), taken.len()), (1, 1), "the demo round: one open, one taken");
    let url = format!("/api/v1/care/rounds/{round}");
    let mut hejing = app.login("hejing").await;
    let v = hejing.get(&url).await.json();
    assert_eq!(v["round"]["stops"], 4, "{v}");
    assert_eq!(v["round"]["delivered"], 2, "half delivered: {v}");
    assert_eq!(v["staff"], true);
    let by_building: i64 = v["buildings"].as_array().unwrap().iter().map(|b| b["stops"].as_i64().unwrap()).sum();
    assert_eq!(by_building, 4, "{v}");
    // Every 高龄独居 resident of 和悦 is on the list, and no one else.
    let tagged = app
        .count(&format!(
            "SELECT COUNT(*) AS n FROM care_tags WHERE kind = 'elderly_alone' AND ended_on IS NULL AND project_id = \
             (SELECT project_id FROM care_rounds WHERE id = {round})"
        ))
        .await;
    assert_eq!(tagged, 4);
    // The volunteer signed up for the round's activity date sees family names only; 张三, another
    // estate's staff and the community's cadre find nothing; anyone signed out is sent to log in.
    let mut chen = app.login("supervisor").await;
    let cv = chen.get(&url).await.json();
    assert_eq!(cv["staff"], false);
    assert!(cv["stops"].as_array().unwrap().iter().all(|s| s["name"].as_str().unwrap().contains('*')), "{cv}");
    for who in ["resident", "staff", "cadre", "grid"] {
        assert_eq!(app.login(who).await.get(&url).await.status, StatusCode::NOT_FOUND, "{who}");
    }
    assert_eq!(app.client().get(&url).await.status, StatusCode::UNAUTHORIZED);
    // He takes the open door; 何静 is then refused it, nothing written.
    let take = format!("/api/v1/care/rounds/{round}/take");
    let r = chen.json("POST", &take, json!({"stops": [open[0]]})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = hejing.json("POST", &take, json!({"stops": [open[0]]})).await;
    assert_eq!((r.status, r.json()["code"].as_str()), (StatusCode::CONFLICT, Some("stop_taken")), "{}", r.text);
    // A stop of another round is not this round's.
    let r = chen.json("POST", &take, json!({"stops": [open[0] + 100000]})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Delivering needs a photo: without one 422 and nothing written; with one, delivered; twice, 409.
    let deliver = format!("/care/stops/{}/deliver", open[0]);
    let r = chen.multipart_files(&deliver, &[("note", "送到了")], "photo", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM care_round_stops WHERE delivered_at IS NOT NULL").await, 2);
    let r = chen.multipart_named(&deliver, &[("note", "老人很高兴")], "photo", ("zongzi.png", PNG_1X1)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = chen.multipart_named(&format!("/api/v1{deliver}"), &[], "photo", ("zongzi.png", PNG_1X1)).await;
    assert_eq!((r.status, r.json()["code"].as_str()), (StatusCode::CONFLICT, Some("stop_delivered")), "{}", r.text);
    // A door someone else took: the volunteer may not mark it, the staff may.
    let other = format!("/care/stops/{}/deliver", taken[0]);
    let r = app.login("supervisor").await.multipart_named(&other, &[], "photo", ("z.png", PNG_1X1)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "陈建国 took this one in the demo: {}", r.text);
    let v = hejing.get(&url).await.json();
    assert_eq!(v["round"]["delivered"], 4, "{v}");
    let page = hejing.get(&format!("/care/rounds/{round}")).await;
    assert!(page.text.contains("id=\"round-left\">0<"), "nobody left: {}", page.text);
    // The delivery photo: the round's people see it, 张三 does not.
    let photo = app.id(&format!("SELECT MIN(id) AS id FROM care_round_photos WHERE stop_id = {}", open[0])).await;
    let purl = format!("/care/stops/{}/photos/{photo}", open[0]);
    assert_eq!(hejing.get(&purl).await.status, StatusCode::OK);
    assert_eq!(app.login("resident").await.get(&purl).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn staff_put_a_round_on_from_the_tags_and_it_closes_after_its_last_day() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let y = ids.yeyu.to_string();
    let mut staff = app.login("staff").await;
    let today = app.state.clock.today();
    let d = |n: i64| (today + chrono::Duration::days(n)).to_string();
    let (t0, t2, past) = (d(0), d(2), d(-1));
    let form = |kind: &'static str, starts: &str, ends: &str, occ: &str| {
        vec![
            ("project_id", y.clone()),
            ("title", "端午节送粽子".to_string()),
            ("gift", "粽子两袋".to_string()),
            ("kind", kind.to_string()),
            ("starts_on", starts.to_string()),
            ("ends_on", ends.to_string()),
            ("occurrence_id", occ.to_string()),
        ]
    };
    let rounds0 = app.count("SELECT COUNT(*) AS n FROM care_rounds").await;
    // Nobody at 叶语 has the tag yet: refused beside the field, with what was typed kept.
    let r = post_round(&mut staff, form("elderly_alone", &t0, &t2, "")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"kind-error\"") && r.text.contains("粽子两袋"), "{}", r.text);
    let tag = [("project_id", y.as_str()), ("room", "1-1-101"), ("name", "张三"), ("kind", "elderly_alone")];
    assert_eq!(staff.post_form("/care/tags", &tag).await.status, StatusCode::SEE_OTHER);
    // A start in the past, or another estate's activity date: refused.
    assert_eq!(
        post_round(&mut staff, form("elderly_alone", &past, &t2, "")).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let liyuan_occ = app
        .id("SELECT o.id FROM activity_occurrences o JOIN activities a ON a.id = o.activity_id WHERE a.title = '党团突击队·端午送粽子'")
        .await;
    let r = post_round(&mut staff, form("elderly_alone", &t0, &t2, &liyuan_occ.to_string())).await;
    assert!(r.text.contains("id=\"occurrence_id-error\""), "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM care_rounds").await, rounds0, "nothing written");
    let r = post_round(&mut staff, form("elderly_alone", &t0, &t2, "")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let round: i64 = r.location().trim_start_matches("/care/rounds/").split('?').next().unwrap().parse().unwrap();
    let v = staff.get(&format!("/api/v1/care/rounds/{round}")).await.json();
    assert_eq!(v["round"]["stops"], 1, "{v}");
    assert_eq!(v["stops"][0]["name"], "张三", "staff see the whole name: {v}");
    // Staff may mark a door delivered without taking it first — but not after the last day.
    let stop = v["stops"][0]["id"].as_i64().unwrap();
    app.clock.advance(chrono::Duration::days(3));
    let mut staff = app.login("staff").await;
    let r =
        staff.multipart_named(&format!("/api/v1/care/stops/{stop}/deliver"), &[], "photo", ("z.png", PNG_1X1)).await;
    assert_eq!((r.status, r.json()["code"].as_str()), (StatusCode::CONFLICT, Some("round_ended")), "{}", r.text);
    let r = staff.json("POST", &format!("/api/v1/care/rounds/{round}/take"), json!({"stops": [stop]})).await;
    assert_eq!(r.json()["code"], "round_ended", "{}", r.text);
}

async fn post_round(c: &mut crate::support::Client, f: Vec<(&'static str, String)>) -> crate::support::Resp {
    let v: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.post_form_from("/care/rounds", "/care/rounds", &v).await
}

/// Two volunteers tick the same door at the same moment: one gets it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_door_is_taken_by_one_volunteer_when_two_tick_it_at_once() {
    let app = TestApp::with(|c| c.db_max_connections = 16).await;
    let (round, open, _) = demo_round(&app).await;
    let take = format!("/api/v1/care/rounds/{round}/take");
    for _ in 0..3 {
        // Free the door again between tries.
        xinghuo::db::exec(
            &app.state.db.write,
            "UPDATE care_round_stops SET taker_person_id = NULL, taken_at = NULL WHERE id = $1",
            vec![open[0].into()],
        )
        .await
        .unwrap();
        let (mut a, mut b) = (app.login("hejing").await, app.login("supervisor").await);
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(2));
        let (ba, bb, ta, tb) = (barrier.clone(), barrier, take.clone(), take.clone());
        let body = json!({"stops": [open[0]]});
        let (ja, jb) = (body.clone(), body);
        let ha = tokio::spawn(async move {
            ba.wait().await;
            a.json("POST", &ta, ja).await.status
        });
        let hb = tokio::spawn(async move {
            bb.wait().await;
            b.json("POST", &tb, jb).await.status
        });
        let got = [ha.await.unwrap(), hb.await.unwrap()];
        assert_eq!(got.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{got:?}");
        assert_eq!(got.iter().filter(|s| **s == StatusCode::CONFLICT).count(), 1, "{got:?}");
    }
}

#[tokio::test]
async fn a_care_visits_needs_become_a_request_or_a_wish_once() {
    let app = TestApp::new().await;
    let mut hejing = app.login("hejing").await;
    let tag = app.id("SELECT MIN(id) AS id FROM care_tags WHERE kind = 'elderly_alone'").await;
    let r = hejing
        .json(
            "POST",
            &format!("/api/v1/care/tags/{tag}/visits"),
            json!({"how": "in_person", "wellbeing": "poor", "note": "卫生间水龙头漏水，老人够不着阀门"}),
        )
        .await;
    let visit = r.json()["id"].as_i64().unwrap();
    let category = app
        .id(&format!(
            "SELECT MIN(c.id) AS id FROM request_categories c JOIN care_tags t ON t.project_id = c.project_id WHERE t.id = {tag}"
        ))
        .await;
    // Another estate's staff and a resident are refused; nothing written.
    let requests0 = app.count("SELECT COUNT(*) AS n FROM requests").await;
    let path = format!("/care/visits/{visit}/request");
    let body = [("category_id", category.to_string())];
    let form: Vec<(&str, &str)> = body.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.login("staff").await.post_form(&path, &form).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.login("resident").await.post_form(&path, &form).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM requests").await, requests0);
    let r = hejing.post_form(&path, &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let request: i64 = r.location().trim_start_matches("/requests/").split('?').next().unwrap().parse().unwrap();
    let owner = app.id(&format!("SELECT person_id AS id FROM care_tags WHERE id = {tag}")).await;
    assert_eq!(app.id(&format!("SELECT reporter_person_id AS id FROM requests WHERE id = {request}")).await, owner);
    let r = hejing.post_form(&path, &form).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "filed once");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM requests").await, requests0 + 1);
    // …and as a 微心愿 for the resident, once.
    let wpath = format!("/care/visits/{visit}/wish");
    let r = hejing.post_form(&wpath, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(hejing.post_form(&wpath, &[]).await.status, StatusCode::CONFLICT);
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) AS n FROM wishes WHERE person_id = {owner} AND text LIKE '%水龙头%'"))
            .await,
        1
    );
    // The tag page links both.
    let page = hejing.get(&format!("/care/tags/{tag}")).await;
    assert!(page.text.contains(&format!("/requests/{request}")), "{}", page.text);
}
