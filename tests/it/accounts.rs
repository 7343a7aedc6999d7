use axum::http::StatusCode;
use chrono::Duration;

use crate::support::{PW, TestApp};

#[tokio::test]
async fn login_creates_a_database_session_and_logout_removes_it() {
    let app = TestApp::new().await;
    let mut c = app.client();
    let r = c.login("staff", PW).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let cookie = r.headers.get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM sessions").await, 1);
    assert_eq!(c.get("/").await.status, StatusCode::OK);
    // A second app instance (its own pools, same database) accepts the same session.
    let config = (*app.state.config).clone();
    let other = xinghuo::app::AppState::new(config, std::sync::Arc::new(app.clock.clone())).await.unwrap();
    let mut c2 = c.clone().on(xinghuo::app::build(other));
    assert_eq!(c2.get("/").await.status, StatusCode::OK);
    let r = c.post_form("/logout", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM sessions").await, 0);
    assert!(c.get("/").await.location().starts_with("/login"));
}

#[tokio::test]
async fn repeated_failures_lock_the_account_until_the_clock_moves_on() {
    let app = TestApp::new().await;
    let mut c = app.client();
    for _ in 0..5 {
        let r = c.login("staff", "wrong-password-1").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.text.contains("用户名或密码不正确"));
    }
    let r = c.login("staff", PW).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    assert!(r.text.contains("锁定"));
    assert!(app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'account_locked'").await >= 1);
    app.clock.advance(Duration::minutes(16));
    assert_eq!(c.login("staff", PW).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn forms_without_a_valid_csrf_token_are_refused_and_write_nothing() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut c = app.login("staff").await;
    let before = app.count("SELECT COUNT(*) AS n FROM household_members").await;
    let path = format!("/households/{}/members", ids.hh1);
    let r = c.post_raw(&path, &[("name", "王五"), ("relation", "owner")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text.contains("页面已过期"));
    let r = c.post_raw(&path, &[("_csrf", "forged"), ("name", "王五"), ("relation", "owner")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A token from another browser does not work either.
    let mut other = app.login("staff").await;
    let foreign = other.csrf().await;
    let r = c.post_raw(&path, &[("_csrf", foreign.as_str()), ("name", "王五"), ("relation", "owner")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM household_members").await, before);
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions() {
    let app = TestApp::new().await;
    let mut a = app.login("resident").await;
    let mut b = app.login("resident").await;
    let r = a.post_form("/account/password", &[("current", PW), ("new", "short")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = a.post_form("/account/password", &[("current", PW), ("new", "NewPassword-2026")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(a.get("/").await.status, StatusCode::OK);
    assert!(b.get("/").await.location().starts_with("/login"));
    let mut c = app.client();
    assert_eq!(c.login("resident", PW).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(c.login("resident", "NewPassword-2026").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn large_type_is_remembered_per_user() {
    let app = TestApp::new().await;
    let mut a = app.login("resident").await;
    assert!(!a.get("/").await.text.contains("class=\"large"));
    a.post_form("/prefs", &[("large_type", "1"), ("next", "/")]).await;
    let mut again = app.login("resident").await;
    assert!(again.get("/").await.text.contains("class=\"large"), "the preference follows the user to a new session");
}

#[tokio::test]
async fn api_tokens_authenticate_until_revoked() {
    let app = TestApp::new().await;
    let mut c = app.login("staff").await;
    let r = c.post_form("/account/tokens", &[("name", "测试脚本"), ("access", "write"), ("days", "30")]).await;
    let token = r.text.split("id=\"new-token\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    let mut api = app.client();
    api.bearer = Some(token.clone());
    let r = api.get("/api/v1/projects").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()[0]["name"], "保利叶语");
    // Bearer callers need no CSRF token.
    let ids = app.ids().await;
    let r = api.json("PATCH", &format!("/api/v1/households/{}", ids.hh1), serde_json::json!({"area": "88.8"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let id = app.id("SELECT id FROM api_tokens").await;
    c.post_form(&format!("/account/tokens/{id}/revoke"), &[]).await;
    let r = api.get("/api/v1/projects").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["code"], "invalid_token");
}

#[tokio::test]
async fn failed_log_ins_from_one_address_throttle_that_address_only() {
    let app = TestApp::with(|c| {
        c.trusted_proxies = xinghuo::config::loopback_nets();
        c.ip_failure_limit = 3;
    })
    .await;
    let mut attacker = app.client();
    attacker.headers.push(("x-forwarded-for", "10.9.9.9".into()));
    for user in ["nobody1", "nobody2", "staff"] {
        assert_eq!(attacker.login(user, "wrong-password-1").await.status, StatusCode::UNAUTHORIZED);
    }
    let r = attacker.login("staff", PW).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text.contains("该网络地址"));
    let mut other = app.client();
    other.headers.push(("x-forwarded-for", "10.9.9.10".into()));
    assert_eq!(other.login("staff", PW).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_log WHERE ip = '10.9.9.9' AND action = 'login_failed'").await,
        3
    );
}

#[tokio::test]
async fn forwarded_addresses_are_ignored_unless_the_proxy_is_trusted() {
    let app = TestApp::new().await;
    let mut c = app.client();
    c.headers.push(("x-forwarded-for", "10.9.9.9".into()));
    c.login("staff", "wrong-password-1").await;
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM audit_log WHERE ip = '10.9.9.9'").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM audit_log WHERE ip = '127.0.0.1'").await, 1);
}

/// Behind a trusted proxy, the address the proxy appended is the client: what the client wrote to the
/// left of it is neither believed for the throttle nor stored in the audit log.
#[tokio::test]
async fn a_client_cannot_choose_its_address_through_a_trusted_proxy() {
    let app = TestApp::with(|c| {
        c.trusted_proxies = xinghuo::config::loopback_nets();
        c.ip_failure_limit = 3;
    })
    .await;
    for i in 0..4 {
        let mut c = app.client();
        // A new made-up first entry each time; the proxy appends the real address.
        c.headers.push(("x-forwarded-for", format!("10.0.0.{i}, 198.51.100.7")));
        let r = c.login("staff", "wrong-password-1").await;
        let want = if i < 3 { StatusCode::UNAUTHORIZED } else { StatusCode::TOO_MANY_REQUESTS };
        assert_eq!(r.status, want, "attempt {i}");
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM audit_log WHERE ip LIKE '10.0.0.%'").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM audit_log WHERE ip = '198.51.100.7'").await, 3);
}

#[tokio::test]
async fn english_is_a_remembered_choice_and_errors_speak_the_callers_language() {
    let app = TestApp::new().await;
    let mut staff = app.login("staff").await;
    assert!(staff.get("/").await.text.contains("工作台"));
    staff.post_form("/prefs", &[("lang", "en"), ("next", "/")]).await;
    let home = staff.get("/").await.text;
    assert!(home.contains("Dashboard") && home.contains("Organisation") && home.contains("lang=\"en\""), "{home}");
    // An error page keeps the layout (navigation, language) and speaks only the caller's language.
    let err = staff.get("/org/999999").await;
    assert_eq!(err.status, StatusCode::NOT_FOUND);
    assert!(err.text.contains("Not found") && !err.text.contains("找不到该页面或记录"), "{}", err.text);
    assert!(err.text.contains("Organisation") && err.text.contains("not_found"), "{}", err.text);
    staff.post_form("/prefs", &[("lang", "zh"), ("next", "/")]).await;
    let err = staff.get("/org/999999").await;
    assert!(err.text.contains("找不到该页面或记录") && !err.text.contains("Not found"), "{}", err.text);
    assert!(err.text.contains("组织架构") && err.text.contains("lang=\"zh-CN\""), "{}", err.text);
    // Large type stays on an error page.
    staff.post_form("/prefs", &[("large_type", "1"), ("next", "/")]).await;
    assert!(staff.get("/org/999999").await.text.contains("class=\"large "));
}

/// 大字 chosen on the log-in page, before signing in, is still on after signing in (and saved).
#[tokio::test]
async fn large_type_chosen_before_log_in_is_kept() {
    let app = TestApp::new().await;
    let mut c = app.client();
    c.post_form("/prefs", &[("large_type", "1"), ("next", "/login")]).await;
    assert!(c.get("/login").await.text.contains("class=\"large "));
    let r = c.login("resident", crate::support::PW).await;
    assert!(r.status.is_redirection(), "{}", r.text);
    assert!(c.get("/").await.text.contains("class=\"large "), "large type lost at log-in");
    // Saved on the account: another device signing in gets it too.
    let mut other = app.login("resident").await;
    assert!(other.get("/").await.text.contains("class=\"large "));
}

/// States, kinds and roles are labelled from the catalog: an English page says "Pending", not 待受理
/// (issue 10). The stored codes do not change.
#[tokio::test]
async fn english_pages_show_english_state_kind_and_role_names() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut resident = app.login("resident").await;
    let r = resident
        .post_form(
            "/requests",
            &[
                ("category_id", &ids.yeyu_lighting.to_string()),
                ("location_text", "东门路灯"),
                ("description", "东门路灯晚上不亮"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let id: i64 = r.location().trim_start_matches("/requests/").split('?').next().unwrap().parse().unwrap();
    let mut staff = app.login("staff").await;
    let zh = staff.get(&format!("/requests/{id}")).await.text;
    assert!(zh.contains("待受理") && zh.contains("报事报修"), "{zh}");
    staff.post_form("/prefs", &[("lang", "en"), ("next", "/")]).await;
    let en = staff.get(&format!("/requests/{id}")).await.text;
    assert!(en.contains(">Pending<") && en.contains("Repair"), "{en}");
    assert!(!en.contains("待受理") && !en.contains("报事报修"), "Chinese state or kind on an English page: {en}");
    let node = staff.get(&format!("/org/{}", ids.yeyu)).await.text;
    assert!(node.contains("Project") && !node.contains(">项目<"), "{node}");
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) AS n FROM requests WHERE id = {id} AND state = 'pending'")).await,
        1
    );
}

/// Forms take their CSRF field from `templates/macros.html`: every form on a page carries the token.
#[tokio::test]
async fn every_form_carries_the_csrf_field_from_the_macro() {
    let app = TestApp::new().await;
    let mut staff = app.login("staff").await;
    let page = staff.get("/account").await.text;
    let token = page.split("name=\"_csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    assert!(token.len() > 16, "{token}");
    let forms: Vec<&str> = page.split("<form").skip(1).collect();
    assert!(forms.len() >= 3, "{page}");
    for f in forms {
        let form = f.split("</form>").next().unwrap();
        if form.contains("method=\"post\"") && !form.contains("?_csrf=") {
            assert!(form.contains(&format!("name=\"_csrf\" value=\"{token}\"")), "a form without its token: {form}");
        }
    }
}

/// Two instances on one database (as behind a load balancer), each with the callers' principals in
/// its cache: what changes through one instance — or straight in the database — is seen by the other
/// on the very next request. A revoked token, a removed role, a move-out, a disabled account are
/// refused there; a project added to a company admin's tree is theirs there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_to_who_someone_is_applies_on_the_next_request_on_every_instance() {
    let app = TestApp::new().await;
    let (second, other) = app.second_instance().await;
    let ids = app.ids().await;
    let ok = StatusCode::OK;

    // 叶语's manager: a session and a token, each used on both instances, so both caches hold him.
    let mut a = app.login("staff").await;
    let r = a.post_form("/account/tokens", &[("name", "脚本"), ("access", "write"), ("days", "30")]).await;
    let token = r.text.split("id=\"new-token\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    let mut b = a.clone().on(other.clone());
    let mut ta = app.client();
    ta.bearer = Some(token);
    let mut tb = ta.clone().on(other.clone());
    let queue = format!("/api/v1/households/{}", ids.hh1);
    for c in [&mut a, &mut b, &mut ta, &mut tb] {
        assert_eq!(c.get(&queue).await.status, ok);
    }
    assert!(!app.state.principals.is_empty() && !second.principals.is_empty(), "both caches are warm");

    // The token revoked on the first instance is refused on the second.
    let tid = app.id("SELECT id FROM api_tokens").await;
    a.post_form(&format!("/account/tokens/{tid}/revoke"), &[]).await;
    let r = tb.get(&queue).await;
    assert_eq!((r.status, r.json()["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_token")));

    // His staff role removed by the company admin on the first instance: the second refuses him.
    let staff_roles = app
        .count(&format!(
            "SELECT COUNT(*) AS n FROM role_assignments WHERE person_id = {} AND role = 'staff'",
            ids.staff_person
        ))
        .await;
    assert_eq!(staff_roles, 1);
    let rid = app
        .id(&format!("SELECT id FROM role_assignments WHERE person_id = {} AND role = 'staff'", ids.staff_person))
        .await;
    let mut admin = app.login("admin").await;
    let r =
        admin.json("DELETE", &format!("/api/v1/people/{}/roles/{rid}", ids.staff_person), serde_json::json!({})).await;
    assert!(r.status.is_success(), "{}", r.text);
    assert_ne!(b.get(&queue).await.status, ok, "the removed role still opens the household on the other instance");
    let me = b.get("/api/v1/me").await.json();
    assert!(me["roles"].as_array().is_none_or(|r| r.iter().all(|g| g["role"] != "staff")), "{me}");

    // 张三 moves out, written straight in the database: his old home is closed to him on both.
    let mut z1 = app.login("resident").await;
    let mut z2 = z1.clone().on(other.clone());
    for c in [&mut z1, &mut z2] {
        assert_eq!(c.get(&queue).await.status, ok);
    }
    xinghuo::db::exec(
        &app.state.db.write,
        "UPDATE household_members SET moved_out = $1 WHERE person_id = $2",
        vec![xinghuo::clock::Clock::today(&app.clock).into(), ids.zhangsan.into()],
    )
    .await
    .unwrap();
    assert_ne!(z2.get(&queue).await.status, ok, "moved out, still let in on the other instance");
    assert_ne!(z1.get(&queue).await.status, ok);

    // 李四's account disabled in the database: both instances send him to log in.
    let mut l1 = app.login("resident2").await;
    let mut l2 = l1.clone().on(other.clone());
    for c in [&mut l1, &mut l2] {
        assert_eq!(c.get("/api/v1/me").await.status, ok);
    }
    xinghuo::db::exec(&app.state.db.write, "UPDATE users SET is_active = FALSE WHERE username = 'resident2'", vec![])
        .await
        .unwrap();
    assert_eq!(l2.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);

    // A project added under the company admin's branch on the first instance is theirs on the second.
    let mut admin2 = admin.clone().on(other.clone());
    assert_eq!(admin2.get("/api/v1/me").await.status, ok);
    let r = admin
        .json(
            "POST",
            &format!("/api/v1/nodes/{}/children", ids.branch),
            serde_json::json!({"name": "新项目", "project_kind": "写字楼", "uscc": "91350100M000100Y43"}),
        )
        .await;
    assert_eq!(r.status, ok, "{}", r.text);
    let project = r.json()["id"].as_i64().unwrap();
    let r = admin2.json("POST", &format!("/api/v1/nodes/{project}/children"), serde_json::json!({"name": "1栋"})).await;
    assert_eq!(r.status, ok, "the new project is not the admin's on the other instance: {}", r.text);
}

/// A report sent with an API token an instance already knows runs before the token is read again, and
/// its own statement checks it (`auth::gate`, PostgreSQL): what the ordinary path refuses on the next
/// request, the gated write refuses too, on every instance, and writes nothing — a revoked token, a
/// moved-out resident; what changed under a cached category is filed under the new rule; a bad report
/// gets its field error. On SQLite the same answers come from the ordinary path (no gate is used).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_with_a_known_token_is_checked_in_its_own_write_on_every_instance() {
    let app = TestApp::new().await;
    let pg = app.pg_schema.is_some();
    let (second, other) = app.second_instance().await;
    let ids = app.ids().await;
    let mut resident = app.login("resident").await;
    let mut tokens = Vec::new();
    for access in ["write", "read"] {
        let r = resident.post_form("/account/tokens", &[("name", access), ("access", access), ("days", "30")]).await;
        tokens.push(r.text.split("id=\"new-token\">").nth(1).unwrap().split('<').next().unwrap().to_string());
    }
    let (write_token, read_token) = (tokens[0].clone(), tokens[1].clone());
    let mut ta = app.client();
    ta.bearer = Some(write_token);
    let mut tb = ta.clone().on(other.clone());
    let body =
        |d: &str| serde_json::json!({"category_id": ids.yeyu_lighting, "description": d, "household_id": ids.hh1});
    let rows = |d: &str| format!("SELECT COUNT(*) AS n FROM requests WHERE description = '{d}'");

    // Each instance learns the token from its first report and checks it inside the write after that.
    for i in 0..4 {
        let c = if i % 2 == 0 { &mut ta } else { &mut tb };
        let d = format!("楼道灯不亮了，第{i}次");
        let r = c.json("POST", "/api/v1/requests", body(&d)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(app.count(&rows(&d)).await, 1, "report {i} written once");
    }
    let gated = |s: &xinghuo::app::AppState| s.gate_tokens.counts();
    assert_eq!((gated(&app.state), gated(&second)), if pg { ((1, 0), (1, 0)) } else { ((0, 0), (0, 0)) });

    // A bad report on the gated path: the field error, nothing written.
    let r = tb.json("POST", "/api/v1/requests", body("灯")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("description"), "{}", r.text);
    assert_eq!(app.count(&rows("灯")).await, 0);
    // A read-only token may not report, known or not.
    let mut ro = tb.clone();
    ro.bearer = Some(read_token);
    for _ in 0..2 {
        let r = ro.json("POST", "/api/v1/requests", body("只读令牌报事")).await;
        assert_eq!((r.status, r.json()["code"].as_str()), (StatusCode::FORBIDDEN, Some("token_read_only")));
    }
    assert_eq!(app.count(&rows("只读令牌报事")).await, 0);

    // The category's respond window changed by hand, behind both instances: the next report on the
    // second is filed under the new one, once.
    tb.json("POST", "/api/v1/requests", body("先让第二个实例认得令牌")).await;
    app.exec("UPDATE request_categories SET respond_minutes = 45 WHERE id = $1", vec![ids.yeyu_lighting.into()]).await;
    let r = tb.json("POST", "/api/v1/requests", body("窗口改了以后报事")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    let d = tb.get(&format!("/api/v1/requests/{id}")).await.json();
    let at = |k: &str| chrono::DateTime::parse_from_rfc3339(d["request"][k].as_str().unwrap()).unwrap();
    assert_eq!((at("respond_by") - at("created_at")).num_minutes(), 45, "filed under the cached window");
    assert_eq!(app.count(&rows("窗口改了以后报事")).await, 1);

    // Moved out, written straight in the database: refused on both, nothing written.
    tb.json("POST", "/api/v1/requests", body("搬走之前报事")).await;
    ta.json("POST", "/api/v1/requests", body("搬走之前报事")).await;
    app.exec(
        "UPDATE household_members SET moved_out = $1 WHERE person_id = $2",
        vec![xinghuo::clock::Clock::today(&app.clock).into(), ids.zhangsan.into()],
    )
    .await;
    for c in [&mut tb, &mut ta] {
        let r = c.json("POST", "/api/v1/requests", body("搬走以后报事")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "moved out, still let report: {}", r.text);
    }
    assert_eq!(app.count(&rows("搬走以后报事")).await, 0);
    app.exec("UPDATE household_members SET moved_out = NULL WHERE person_id = $1", vec![ids.zhangsan.into()]).await;

    // Revoked on the first instance: refused on the second and the first, nothing written.
    for c in [&mut tb, &mut ta] {
        let r = c.json("POST", "/api/v1/requests", body("撤销之前报事")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let tid = app.id("SELECT id FROM api_tokens WHERE access = 'write'").await;
    resident.post_form(&format!("/account/tokens/{tid}/revoke"), &[]).await;
    for c in [&mut tb, &mut ta] {
        let r = c.json("POST", "/api/v1/requests", body("撤销以后报事")).await;
        assert_eq!((r.status, r.json()["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_token")));
    }
    assert_eq!(app.count(&rows("撤销以后报事")).await, 0);
    if pg {
        // Which runs were gated and which ran again, request by request: the first instance's report 2
        // stood; its 搬走之前 (the category's change), 搬走以后, 撤销之前 (the move back) and 撤销以后
        // ran again. The second's reports 3, 先让… and 搬走之前 stood; 灯 (its field error), 窗口改了以后,
        // 搬走以后, 撤销之前 and 撤销以后 ran again.
        assert_eq!((gated(&app.state), gated(&second)), ((1, 4), (3, 5)));
    }
}
