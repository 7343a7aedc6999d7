//! Issue 9 — the holes an attacker's probe found, each as a test that failed before its fix: log-in
//! counters raced in parallel, open redirects, tokens that never expired, sessions with no absolute
//! limit.

use axum::http::StatusCode;
use chrono::Duration;

use crate::support::{Client, PW, TestApp};

/// A browser ready to post the log-in form (its CSRF token already fetched), from its own address.
async fn ready(app: &TestApp, peer: &str) -> (Client, String) {
    let mut c = app.client();
    c.peer = peer.parse().unwrap();
    let t = c.csrf().await;
    (c, t)
}

async fn fire(attempts: Vec<(Client, String, &'static str, &'static str)>) -> Vec<(StatusCode, &'static str)> {
    let mut set = tokio::task::JoinSet::new();
    for (mut c, token, user, pw) in attempts {
        set.spawn(async move {
            let r = c
                .post_raw("/login", &[("_csrf", token.as_str()), ("username", user), ("password", pw), ("next", "/")])
                .await;
            (r.status, pw)
        });
    }
    let mut out = Vec::new();
    while let Some(r) = set.join_next().await {
        out.push(r.unwrap());
    }
    out
}

/// 39 wrong passwords and the right one at once, each from its own address: no more than the lock-out
/// threshold reach the password check, and the account ends locked.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_passwords_cannot_slip_past_the_account_lock() {
    let app = TestApp::with(|c| c.db_max_connections = 16).await;
    let mut attempts = Vec::new();
    for i in 0..40 {
        let (c, t) = ready(&app, &format!("10.1.{}.{}:5000", i / 200, i % 200 + 1)).await;
        attempts.push((c, t, "staff", if i == 20 { PW } else { "wrong-password-1" }));
    }
    let out = fire(attempts).await;
    let checked = out.iter().filter(|(s, _)| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::SEE_OTHER).count();
    let locked = out.iter().filter(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS).count();
    assert!(checked <= 5, "{checked} attempts reached the password check: {out:?}");
    assert_eq!(checked + locked, 40, "{out:?}");
    // Unless the right password happened to be among the first five, the account is now locked, and
    // either way a sixth wrong guess is refused.
    let (mut c, t) = ready(&app, "10.2.0.1:5000").await;
    let r =
        c.post_raw("/login", &[("_csrf", t.as_str()), ("username", "staff"), ("password", "wrong-password-1")]).await;
    let right_got_in = out.iter().any(|(s, pw)| *s == StatusCode::SEE_OTHER && *pw == PW);
    if !right_got_in {
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
        assert!(r.headers.get("retry-after").is_some(), "429 says when to come back");
    }
}

/// 40 wrong log-ins at once from one address, to different names: the per-address limit holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_failures_from_one_address_hold_the_address_limit() {
    let app = TestApp::with(|c| {
        c.db_max_connections = 16;
        c.ip_failure_limit = 10;
    })
    .await;
    const NAMES: [&str; 4] = ["staff", "staff2", "cadre", "nobody"];
    let mut attempts = Vec::new();
    for i in 0..40 {
        let (c, t) = ready(&app, "203.0.113.5:6000").await;
        attempts.push((c, t, NAMES[i % 4], "wrong-password-1"));
    }
    let out = fire(attempts).await;
    let checked = out.iter().filter(|(s, _)| *s == StatusCode::UNAUTHORIZED).count();
    assert!(checked <= 10, "{checked} attempts from one address reached the password check");
    // Another address is not affected.
    let (mut c, t) = ready(&app, "203.0.113.6:6000").await;
    let r = c.post_raw("/login", &[("_csrf", t.as_str()), ("username", "grid"), ("password", PW), ("next", "/")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

/// An unknown user name is locked exactly like a real one, with the same words: the lock does not
/// tell an attacker which names exist.
#[tokio::test]
async fn unknown_names_lock_like_real_ones() {
    let app = TestApp::new().await;
    let mut answers = Vec::new();
    for user in ["staff", "no-such-user-7"] {
        let mut c = app.client();
        for _ in 0..5 {
            assert_eq!(c.login(user, "wrong-password-1").await.status, StatusCode::UNAUTHORIZED);
        }
        let r = c.login(user, "wrong-password-1").await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{user}");
        let msg = r.text.split("class=\"error").nth(1).unwrap_or(&r.text).split("</").next().unwrap().to_string();
        answers.push(msg);
    }
    assert_eq!(answers[0], answers[1]);
    // An administrator's unlock lifts the lock at once.
    let mut admin = app.login("admin").await;
    let id = app.id("SELECT id FROM users WHERE username = 'staff'").await;
    assert_eq!(admin.post_form(&format!("/admin/users/{id}/unlock"), &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.client().login("staff", PW).await.status, StatusCode::SEE_OTHER);
}

/// `next` takes only a path on this site: no tab, line break or backslash trick leaves it, and none
/// gives a 500.
#[tokio::test]
async fn log_in_redirects_stay_on_this_site() {
    let app = TestApp::new().await;
    for next in
        ["/%09/evil.example", "/%0A/evil.example", "/%0D%0ASet-Cookie:%20x=1", "/%5Cevil.example", "//evil.example"]
    {
        let mut c = app.client();
        let t = c.csrf().await;
        let next = urlencoding_decode(next);
        let r = c
            .post_raw("/login", &[("_csrf", t.as_str()), ("username", "staff"), ("password", PW), ("next", &next)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(r.location(), "/", "{next:?}");
        // The signed-in visit to the log-in page redirects the same way.
        let q: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
        let r = c.get(&format!("/login?next={q}")).await;
        assert!(r.status == StatusCode::SEE_OTHER && r.location() == "/", "{next:?}: {} {}", r.status, r.location());
    }
}

fn urlencoding_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes()).next().unwrap().1.into_owned()
}

fn token_from(page: &str) -> String {
    page.split("id=\"new-token\">").nth(1).unwrap().split('<').next().unwrap().to_string()
}

/// Tokens are read-only unless asked otherwise, expire, and die with a password change.
#[tokio::test]
async fn api_tokens_have_a_scope_an_expiry_and_end_with_the_password() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut c = app.login("staff").await;
    let read = token_from(&c.post_form("/account/tokens", &[("name", "只读"), ("days", "30")]).await.text);
    let write = token_from(
        &c.post_form("/account/tokens", &[("name", "读写"), ("access", "write"), ("days", "90")]).await.text,
    );
    let bad = c.post_form("/account/tokens", &[("name", "永久"), ("days", "36500")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut ro = app.client();
    ro.bearer = Some(read.clone());
    assert_eq!(ro.get("/api/v1/projects").await.status, StatusCode::OK);
    let r = ro.json("PATCH", &format!("/api/v1/households/{}", ids.hh1), serde_json::json!({"area": "88.8"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["code"], "token_read_only");
    let mut rw = app.client();
    rw.bearer = Some(write.clone());
    let r = rw.json("PATCH", &format!("/api/v1/households/{}", ids.hh1), serde_json::json!({"area": "88.8"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // 31 days on, the 30-day token is gone and the 90-day one still works.
    app.clock.advance(Duration::days(31));
    assert_eq!(ro.get("/api/v1/projects").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(rw.get("/api/v1/projects").await.status, StatusCode::OK);
    // A password change ends the rest.
    let mut c = app.login("staff").await;
    let r = c.post_form("/account/password", &[("current", PW), ("new", "Another@2027x")]).await;
    assert!(r.status.is_redirection() || r.status == StatusCode::OK, "{}", r.text);
    let r = rw.get("/api/v1/projects").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["code"], "invalid_token");
}

/// A session used all day long still ends a week after log-in.
#[tokio::test]
async fn sessions_have_an_absolute_lifetime() {
    let app = TestApp::new().await;
    let mut c = app.login("staff").await;
    for _ in 0..(7 * 24 / 6) {
        assert_eq!(c.get("/").await.status, StatusCode::OK);
        app.clock.advance(Duration::hours(6));
    }
    app.clock.advance(Duration::minutes(1));
    let r = c.get("/").await;
    assert!(r.location().starts_with("/login"), "{} {}", r.status, r.location());
}
