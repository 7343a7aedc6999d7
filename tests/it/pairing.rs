//! C6 结对: the demo's 保利翡翠和悦 ↔ 龙祥家园 pairing with its one-month exchange on both projects' duty
//! lists; rotations checked (staff of the sending project, within three months and the term, never two
//! at once for one person — also when several are decided at the same moment); outcomes; who may see
//! and keep a pairing.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::TestApp;

async fn project(app: &TestApp, code: &str) -> i64 {
    app.id(&format!("SELECT id FROM org_nodes WHERE code = '{code}'")).await
}

async fn person(app: &TestApp, name: &str) -> i64 {
    app.id(&format!("SELECT id FROM persons WHERE name = '{name}'")).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_pairing_exchanges_staff_on_both_duty_lists() {
    let app = TestApp::with(|c| c.db_max_connections = 16).await;
    let (feicui, longxiang) = (project(&app, "FEICUI").await, project(&app, "LONGXIANG").await);
    let id = app.id("SELECT id FROM pairings").await;
    let mut admin = app.login("admin").await;
    let list = admin.get("/pairings").await.text;
    assert!(list.contains("保利翡翠和悦 ↔ 龙祥家园") && list.contains(&format!("/pairings/{id}")), "{list}");
    let page = admin.get(&format!("/pairings/{id}")).await.text;
    assert!(page.contains("秦晓（演示）") && page.contains("轮岗中") && page.contains("已结束"), "{page}");
    assert!(page.contains("首问负责制"), "{page}");
    // Both duty lists: 秦晓 leaves 翡翠和悦 for 龙祥家园, 付强 comes the other way.
    let f = admin.get(&format!("/org/{feicui}")).await.text;
    let l = admin.get(&format!("/org/{longxiang}")).await.text;
    for (page, incoming, outgoing) in [(&f, "付强（演示）", "秦晓（演示）"), (&l, "秦晓（演示）", "付强（演示）")]
    {
        let section = &page[page.find("id=\"rotations\"").expect("no rotations on the duty list")..];
        let line_of = |name: &str| section[..section.find(name).unwrap()].rfind("<li").map(|i| &section[i..]).unwrap();
        assert!(
            line_of(incoming).starts_with("<li class=\"member\"><span class=\"tag st-work\">来此轮岗"),
            "{section}"
        );
        assert!(line_of(outgoing).starts_with("<li class=\"member\"><span class=\"tag st-off\">外出轮岗"), "{section}");
        assert!(!section[..section.find("</section>").unwrap()].contains("邓丽（演示）"), "a finished round is shown");
    }

    // Rotations: checked field by field, nothing written when refused.
    let url = format!("/pairings/{id}/rotations");
    let rotations = || app.count("SELECT COUNT(*) AS n FROM pairing_rotations");
    let before = rotations().await;
    let deng = person(&app, "邓丽（演示）").await;
    let fu = person(&app, "付强（演示）").await;
    let r = admin
        .post_form_from(
            &format!("/pairings/{id}"),
            &url,
            &[
                ("person_id", &fu.to_string()),
                ("to_project", &longxiang.to_string()),
                ("duty", "秩序维护"),
                ("starts_on", "2027-01-01"),
                ("ends_on", "2027-06-30"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"person_id-error\"") && r.text.contains("id=\"ends_on-error\""), "{}", r.text);
    assert!(r.text.contains("value=\"秩序维护\""), "what was typed is lost");
    assert_eq!(rotations().await, before);
    // 邓丽 goes again next month — twelve times at once: one is placed, the others overlap it.
    let mut clients = Vec::new();
    for _ in 0..12 {
        clients.push(app.login("admin").await);
    }
    let mut set = tokio::task::JoinSet::new();
    for mut c in clients {
        let body = json!({"person_id": deng.to_string(), "to_project": longxiang.to_string(), "duty": "工程主管",
            "starts_on": "2026-12-20", "ends_on": "2027-01-18"});
        let u = format!("/api/v1/pairings/{id}/rotations");
        set.spawn(async move { c.json("POST", &u, body).await });
    }
    let mut placed = 0;
    while let Some(r) = set.join_next().await {
        let r = r.unwrap();
        match r.status {
            StatusCode::OK => placed += 1,
            StatusCode::CONFLICT => assert_eq!(r.json()["code"], "rotation_overlap", "{}", r.text),
            s => panic!("{s}: {}", r.text),
        }
    }
    assert_eq!(placed, 1, "overlapping rotations of one person were placed");
    assert_eq!(rotations().await, before + 1);
    // It shows as upcoming on 龙祥家园's duty list.
    let l = admin.get(&format!("/org/{longxiang}")).await.text;
    assert!(l.contains("邓丽（演示）") && l.contains("将开始"), "{l}");

    // Outcomes.
    let r = admin.post_form(&format!("/pairings/{id}/outcomes"), &[("text", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = admin.post_form(&format!("/pairings/{id}/outcomes"), &[("text", "龙祥家园建立了报修回访制度")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let d = admin.get(&format!("/api/v1/pairings/{id}")).await.json();
    assert_eq!(d["outcomes"].as_array().unwrap().len(), 3);
    assert_eq!(d["rotations"].as_array().unwrap().len() as i64, before + 1);

    // Who sees it: neither 叶语's nor 天玺's staff, nor a cadre of another community; a resident is no desk user.
    for user in ["staff", "staff2", "cadre"] {
        assert_eq!(app.login(user).await.get(&format!("/pairings/{id}")).await.status, StatusCode::NOT_FOUND, "{user}");
        let list = app.login(user).await.get("/api/v1/pairings").await.json();
        assert!(list.as_array().unwrap().is_empty(), "{user}: {list}");
    }
    assert_eq!(app.login("resident").await.get(&format!("/pairings/{id}")).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn pairing_two_projects_takes_both_and_once() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let admin = app.login("admin").await;
    let n = || app.count("SELECT COUNT(*) AS n FROM pairings");
    let before = n().await;
    let form = |a: i64, b: i64, signed: &'static str, ends: &'static str| {
        vec![
            ("project_a", a.to_string()),
            ("project_b", b.to_string()),
            ("title", "叶语—天玺结对（测试）".to_string()),
            ("signed_on", signed.to_string()),
            ("ends_on", ends.to_string()),
        ]
    };
    let post = |f: Vec<(&'static str, String)>| {
        let mut c = admin.clone();
        async move {
            let v: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            c.post_form("/pairings", &v).await
        }
    };
    let r = post(form(ids.yeyu, ids.yeyu, "2026-01-01", "")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = post(form(ids.yeyu, ids.tianxi, "2026-01-01", "2025-12-31")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = post(form(ids.yeyu, ids.tianxi, "2027-01-01", "")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(n().await, before);
    let r = post(form(ids.yeyu, ids.tianxi, "2026-01-01", "2027-12-31")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = post(form(ids.tianxi, ids.yeyu, "2026-02-01", "")).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(n().await, before + 1);
    // 叶语's manager may change 叶语 but not 天玺: refused on the other project's field.
    let mut staff = app.login("staff").await;
    let r = staff
        .post_form(
            "/pairings",
            &[
                ("project_a", &ids.yeyu.to_string()),
                ("project_b", &ids.tianxi.to_string()),
                ("title", "结对"),
                ("signed_on", "2026-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(n().await, before + 1);
    // 叶语's manager sees the new pairing (one of its projects) and may keep its log, 天玺's too.
    let id = app.id("SELECT MAX(id) AS id FROM pairings").await;
    let r = staff.post_form(&format!("/pairings/{id}/outcomes"), &[("text", "互相观摩")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    // But only 天玺's writers send 天玺's people: 叶语's manager may not send 赵经理 to 叶语.
    let zhao = app.id("SELECT person_id AS id FROM users WHERE username = 'staff2'").await;
    let rotation = |person: i64, to: i64| {
        vec![
            ("person_id", person.to_string()),
            ("to_project", to.to_string()),
            ("duty", "交流学习".to_string()),
            ("starts_on", "2026-12-10".to_string()),
            ("ends_on", "2026-12-20".to_string()),
        ]
    };
    let send = |c: &mut crate::support::Client, f: Vec<(&'static str, String)>| {
        let mut c = c.clone();
        async move {
            let v: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            c.post_form(&format!("/pairings/{id}/rotations"), &v).await
        }
    };
    let r = send(&mut staff, rotation(zhao, ids.yeyu)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let wang = app.id("SELECT person_id AS id FROM users WHERE username = 'staff'").await;
    let r = send(&mut staff, rotation(wang, ids.tianxi)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = send(&mut app.login("staff2").await, rotation(zhao, ids.yeyu)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
}
