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

// ---- Uploads: bounded before they are expanded -------------------------------------------------

/// A minimal .xlsx: the given sheet XML and, if any, a shared-strings part. Built here, not checked in.
fn xlsx(sheet: &[u8], sst: Option<&str>) -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let mut put = |name: &str, bytes: &[u8]| {
            z.start_file(name, o).unwrap();
            z.write_all(bytes).unwrap();
        };
        put(
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        );
        put(
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        );
        put(
            "xl/workbook.xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        );
        put(
            "xl/_rels/workbook.xml.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
        );
        if let Some(s) = sst {
            put("xl/sharedStrings.xml", s.as_bytes());
        }
        put("xl/worksheets/sheet1.xml", sheet);
        z.finish().unwrap();
    }
    buf.into_inner()
}

fn sheet_xml(dimension: &str, cells: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{cells}</sheetData></worksheet>"#
    )
    .into_bytes()
}

async fn import(app: &TestApp, c: &mut Client, name: &str, file: &[u8]) -> crate::support::Resp {
    let ids = app.ids().await;
    c.multipart("/import", &[("project_id", &ids.yeyu.to_string())], (name, file)).await
}

fn code_of(page: &str) -> String {
    page.split("data-code=\"").nth(1).map(|s| s.split('"').next().unwrap().to_string()).unwrap_or_default()
}

#[tokio::test]
async fn hostile_spreadsheets_are_refused_with_a_code_and_nothing_written() {
    let app = TestApp::new().await;
    let mut staff = app.login("staff").await;
    let before = app.count("SELECT COUNT(*) AS n FROM persons").await;
    let header = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>"#;

    // One cell at A1 and one at the very last cell, under an honest or a lying dimension.
    let far = r#"<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#;
    for dim in ["A1:XFD1048576", "A1"] {
        let f = xlsx(&sheet_xml(dim, &format!("{header}{far}")), None);
        assert!(f.len() < 4096, "a tiny file: {} bytes", f.len());
        let r = import(&app, &mut staff, "sparse.xlsx", &f).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{dim}");
        assert_eq!(code_of(&r.text), "sheet_too_large");
    }
    // A shared-strings part that declares four billion strings.
    let sst = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000"><si><t>姓名</t></si></sst>"#;
    let f = xlsx(&sheet_xml("A1", r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#), Some(sst));
    let r = import(&app, &mut staff, "sst.xlsx", &f).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(code_of(&r.text), "sheet_too_large");
    // A zip bomb: one cell of 80 MB of spaces, a few hundred KB packed.
    let mut cell = Vec::with_capacity(81 << 20);
    let head = br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>"#;
    cell.extend_from_slice(head);
    cell.resize(cell.len() + (80 << 20), b' ');
    cell.extend_from_slice(b"</t></is></c></row></sheetData></worksheet>");
    let f = xlsx(&cell, None);
    assert!(f.len() < 1 << 20, "packed into {} bytes", f.len());
    let r = import(&app, &mut staff, "bomb.xlsx", &f).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(code_of(&r.text), "zip_bomb");
    // One cell longer than any real name or note.
    let long = format!(r#"<row r="2"><c r="A2" t="inlineStr"><is><t>{}</t></is></c></row>"#, "张".repeat(5000));
    let r = import(&app, &mut staff, "long.xlsx", &xlsx(&sheet_xml("A1:A2", &format!("{header}{long}")), None)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(code_of(&r.text), "cell_too_long");
    // The same limits hold for a CSV: too many columns.
    let wide = format!("{}\n", vec!["姓名"; 100].join(","));
    let r = import(&app, &mut staff, "wide.csv", wide.as_bytes()).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(code_of(&r.text), "sheet_too_large");
    // Not a zip at all, though named .xlsx.
    let r = import(&app, &mut staff, "x.xlsx", b"PK\x03\x04 not really a zip").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(code_of(&r.text), "not_xlsx");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM persons").await, before, "nothing written");
    assert_eq!(app.client().get("/healthz").await.status, StatusCode::OK);
}

/// Parsing runs on the blocking pool: with uploads in flight on a runtime of one async worker,
/// `/healthz` still answers at once (parsed on that worker, it would wait for each upload).
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn the_server_keeps_answering_while_uploads_are_parsed() {
    let app = TestApp::with(|c| c.max_upload_bytes = 40 << 20).await;
    let staff = app.login("staff").await;
    let ids = app.ids().await;
    // A large, valid-looking CSV: many rows to check (each one refused for a bad phone), within limits.
    let mut csv = String::from("楼栋,单元,房号,姓名,手机号\n");
    for i in 0..19_000 {
        csv.push_str(&format!("{},{},{},住户{i},{}\n", i % 30 + 1, i % 4 + 1, 100 + i % 900, 1_000_000 + i));
    }
    let csv = std::sync::Arc::new(csv.into_bytes());
    let mut uploads = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let (mut c, csv, project) = (staff.clone(), csv.clone(), ids.yeyu.to_string());
        uploads.spawn(async move {
            let r = c.multipart("/import", &[("project_id", &project)], ("big.csv", &csv)).await;
            (r.status, std::time::Instant::now())
        });
    }
    // Ask /healthz every 20 ms while the uploads are being parsed; note the slowest answer.
    let mut polls = 0;
    let mut slowest = std::time::Duration::ZERO;
    let started = std::time::Instant::now();
    while !uploads.is_empty() && started.elapsed() < std::time::Duration::from_secs(120) {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let t = std::time::Instant::now();
        assert_eq!(app.client().get("/healthz").await.status, StatusCode::OK);
        slowest = slowest.max(t.elapsed());
        polls += 1;
        while let Some(r) = uploads.try_join_next() {
            let (status, _) = r.unwrap();
            assert!(status.is_client_error() || status.is_success(), "{status}");
        }
    }
    assert!(polls >= 5, "only {polls} polls while uploads ran ({:?})", started.elapsed());
    assert!(slowest < std::time::Duration::from_millis(500), "/healthz waited {slowest:?} during {polls} polls");
}

#[tokio::test]
async fn a_pixel_bomb_photo_is_refused_and_stored_photos_carry_no_exif() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut resident = app.login("resident").await;
    let cat = ids.yeyu_lighting.to_string();
    let hh = ids.hh1.to_string();
    let fields = [("category_id", cat.as_str()), ("household_id", hh.as_str()), ("description", "楼道灯罩掉下来了")];
    let mut bomb = crate::support::PNG_1X1.to_vec();
    bomb[16..20].copy_from_slice(&20_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&20_000u32.to_be_bytes());
    let r = resident.multipart_named("/requests", &fields, "photo", ("bomb.png", &bomb)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("像素过多"), "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM request_photos").await, 0);

    // A phone JPEG with location in its EXIF: what staff are served has none of it.
    let marker = b"GPS-30.5728N-104.0668E";
    let img = image::RgbImage::from_pixel(64, 48, image::Rgb([200, 120, 40]));
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 90).encode_image(&img).unwrap();
    let mut app1 = b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00".to_vec();
    app1.extend_from_slice(marker);
    let mut jpeg = plain[..2].to_vec();
    jpeg.extend_from_slice(&[0xFF, 0xE1]);
    jpeg.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    jpeg.extend_from_slice(&app1);
    jpeg.extend_from_slice(&plain[2..]);
    let r = resident.multipart_named("/requests", &fields, "photo", ("phone.jpg", &jpeg)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let id: i64 = r.location().trim_start_matches("/requests/").split('?').next().unwrap().parse().unwrap();
    let detail = resident.get(&format!("/api/v1/requests/{id}")).await.json();
    let url = detail["photos"][0].as_str().unwrap().to_string();
    let served = app.login("staff").await.get(&url).await;
    assert_eq!(served.status, StatusCode::OK);
    assert!(!served.bytes.windows(marker.len()).any(|w| w == marker), "EXIF location is not served");
    assert_eq!(image::load_from_memory(&served.bytes).unwrap().width(), 64);
}

// ---- People: no takeover by knowing an ID number --------------------------------------------------

#[derive(Debug, PartialEq)]
struct PersonRow {
    id: i64,
    phone: Option<String>,
    id_number: Option<String>,
}

async fn person(app: &TestApp, id: i64) -> PersonRow {
    let (phone, id_number) = app.contact(id).await;
    PersonRow { id, phone, id_number }
}

/// Staff of 保利天玺 who know 李四's ID number register "him" in one of their homes, as a member, as
/// staff, and by import: each time they get a record of their own. 李四's record at 保利叶语 keeps its
/// phone, stays out of their reach, and the answer is the same as for a number nobody has.
#[tokio::test]
async fn knowing_an_id_number_does_not_reach_another_projects_person() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let lisi = person(&app, ids.lisi).await;
    let id_number = lisi.id_number.clone().expect("李四 has an ID number in the demo");
    let mut staff2 = app.login("staff2").await;
    let path = format!("/households/{}/members", ids.hh_tianxi);
    let member = |idn: &str| {
        [
            ("name", "李四".to_string()),
            ("phone", "13900000001".into()),
            ("id_number", idn.into()),
            ("relation", "owner".into()),
        ]
    };
    let known = member(&id_number);
    let known: Vec<(&str, &str)> = known.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = staff2.post_form(&path, &known).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let new_id = app.id("SELECT MAX(id) AS id FROM persons").await;
    assert_ne!(new_id, ids.lisi, "a record of 保利天玺's own");
    assert_eq!(person(&app, ids.lisi).await, lisi, "李四's record is untouched");
    // 李四 at 保利叶语 stays out of 保利天玺's reach, by page, API and reveal.
    assert_eq!(staff2.get(&format!("/people/{}", ids.lisi)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(staff2.get(&format!("/api/v1/people/{}", ids.lisi)).await.status, StatusCode::NOT_FOUND);
    let r2 = staff2.post_form(&format!("/people/{}/reveal", ids.lisi), &[]).await;
    assert!(r2.status == StatusCode::NOT_FOUND || r2.status == StatusCode::FORBIDDEN, "{}", r2.status);
    // A number nobody registered gets the same kind of answer: nothing tells the two apart.
    let fresh = member("11010519491231002X");
    let fresh: Vec<(&str, &str)> = fresh.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r3 = staff2.post_form(&path, &fresh).await;
    assert_eq!(r3.status, r.status);
    assert_eq!(r3.location().split('?').nth(1), r.location().split('?').nth(1));

    // Registering staff at 保利天玺 with the number: again a record of its own.
    let node = ids.tianxi.to_string();
    let r = staff2
        .post_form(
            &format!("/org/{}/people", ids.tianxi),
            &[
                ("name", "李四"),
                ("phone", "13900000002"),
                ("id_number", &id_number),
                ("role", "staff"),
                ("post", "保安"),
                ("node_id", &node),
            ],
        )
        .await;
    assert!(r.status.is_redirection() || r.status == StatusCode::OK, "{} {}", r.status, r.text);
    assert_eq!(person(&app, ids.lisi).await, lisi);

    // And by import into 保利天玺.
    let csv =
        format!("楼栋,单元,房号,姓名,身份证号,手机号,与房屋关系\n1栋,1单元,201,李四,{id_number},13900000003,业主\n");
    let r = staff2.multipart("/import", &[("project_id", &ids.tianxi.to_string())], ("a.csv", csv.as_bytes())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(person(&app, ids.lisi).await, lisi);
    assert_eq!(staff2.get(&format!("/people/{}", ids.lisi)).await.status, StatusCode::NOT_FOUND);
    // Within its own project the number still finds the person: no duplicate for 保利叶语's staff.
    let mut staff = app.login("staff").await;
    let before = app.count("SELECT COUNT(*) AS n FROM persons").await;
    let again = member(&id_number);
    let again: Vec<(&str, &str)> = again.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = staff.post_form(&format!("/households/{}/members", ids.hh2), &again).await;
    assert!(r.status.is_redirection() || r.status.is_client_error(), "{}", r.status);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM persons").await, before);
    assert_eq!(person(&app, ids.lisi).await.phone, lisi.phone, "a stored phone is never overwritten");
}

/// A read and a reveal are logged under the project the person belongs to, so that project's audit
/// shows them; a person reading their own record is not.
#[tokio::test]
async fn a_reveal_is_logged_where_the_person_lives() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    assert_eq!(staff.get(&format!("/people/{}", ids.lisi)).await.status, StatusCode::OK);
    assert_eq!(staff.get(&format!("/api/v1/people/{}", ids.lisi)).await.status, StatusCode::OK);
    let views = format!(
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'view_person' AND entity_id = {} AND project_id = {}",
        ids.lisi, ids.yeyu
    );
    assert_eq!(app.count(&views).await, 2);
    assert_eq!(app.login("resident2").await.get(&format!("/people/{}", ids.lisi)).await.status, StatusCode::OK);
    assert_eq!(app.count(&views).await, 2, "one's own record is not an access to log");
    let r = staff.post_form(&format!("/people/{}/reveal", ids.lisi), &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'reveal' AND entity_id = {} AND project_id = {}",
            ids.lisi, ids.yeyu
        ))
        .await,
        1
    );
}

// ---- Input at the boundary: control characters and impossible dates --------------------------

/// Every route in the table, signed in and not, with a NUL in the query, in a form, in JSON and an
/// expanded-year date: a coded 400, never a 500 — on PostgreSQL too, where a NUL used to reach the
/// database.
#[tokio::test]
async fn control_characters_and_impossible_dates_get_a_coded_400_on_every_route() {
    let app = TestApp::new().await;
    let mut staff = app.login("staff").await;
    let mut anon = app.client();
    let mut seen = 0;
    for (method, path, _) in xinghuo::access::route_table() {
        let path = path.replace("{id}", "1").replace("{token}", "x").replace("{code}", "x").replace("{key}", "x");
        let path = regex_free_params(&path);
        for c in [&mut staff, &mut anon] {
            let (r, what) = if method == "GET" {
                (c.get(&format!("{path}?q=%00&t=%00")).await, "query")
            } else if path.starts_with("/api/") {
                (c.json(method, &path, serde_json::json!({"name": "a\u{0}b", "description": "x"})).await, "json")
            } else {
                let t = c.csrf().await;
                (c.post_raw(&path, &[("_csrf", t.as_str()), ("name", "a\u{0}b"), ("username", "\u{0}")]).await, "form")
            };
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{method} {path} ({what}): {}", r.text);
            assert!(r.text.contains("bad_characters"), "{method} {path}: {}", r.text);
            seen += 1;
        }
    }
    assert!(seen > 100, "{seen} calls");
    // Open311 without a key, a token path, and a date from the far future.
    let r = anon.get("/open311/v2/requests.json?jurisdiction_id=%00").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = staff
        .json("POST", "/api/v1/rooms/1/bookings", serde_json::json!({"date": "+262142-12-31", "start": "09:00"}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["code"], "bad_date");
    assert_eq!(app.client().get("/healthz").await.status, StatusCode::OK);
}

/// `{anything}` left in a path becomes `1`.
fn regex_free_params(p: &str) -> String {
    let mut out = String::new();
    let mut skip = false;
    for ch in p.chars() {
        match ch {
            '{' => {
                skip = true;
                out.push('1');
            }
            '}' => skip = false,
            _ if !skip => out.push(ch),
            _ => {}
        }
    }
    out.replace("*", "")
}

// ---- Anti-automation ---------------------------------------------------------------------------

/// One resident sending sixty reports as fast as it can: the burst goes through, the rest get 429
/// with `Retry-After`, and other residents are not held up.
#[tokio::test]
async fn writes_are_rate_limited_per_user_with_retry_after() {
    let app = TestApp::with(|c| {
        c.write_rate_per_user = 120;
        c.write_burst_per_user = 30;
        c.write_rate_per_address = 600;
        c.write_burst_per_address = 120;
    })
    .await;
    let ids = app.ids().await;
    let mut resident = app.login("resident").await;
    let body =
        serde_json::json!({"category_id": ids.yeyu_lighting, "description": "楼道灯不亮", "household_id": ids.hh1});
    let (mut ok, mut limited, mut retry) = (0, 0, None);
    for _ in 0..60 {
        let r = resident.json("POST", "/api/v1/requests", body.clone()).await;
        match r.status {
            StatusCode::OK | StatusCode::CREATED => ok += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                limited += 1;
                assert_eq!(r.json()["code"], "rate_limited");
                retry = r.headers.get("retry-after").map(|v| v.to_str().unwrap().to_string());
            }
            s => panic!("{s}: {}", r.text),
        }
    }
    assert!((29..=33).contains(&ok), "{ok} created");
    assert_eq!(ok + limited, 60);
    assert!(retry.is_some_and(|s| s.parse::<u64>().unwrap() >= 1));
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM requests").await as usize, ok + app_before(&app).await);
    // Another resident (same address, well under its bucket) still writes.
    let mut other = app.login("resident2").await;
    let r = other
        .json(
            "POST",
            "/api/v1/requests",
            serde_json::json!({"category_id": ids.yeyu_lighting, "description": "门口灯不亮", "household_id": ids.hh2}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
}

async fn app_before(app: &TestApp) -> usize {
    app.count("SELECT COUNT(*) AS n FROM requests WHERE description <> '楼道灯不亮'").await as usize
}

/// Without a token, `/metrics` is served only by a server bound to loopback.
#[tokio::test]
async fn metrics_on_a_public_address_need_a_token() {
    let app = TestApp::with(|c| c.listen = "0.0.0.0:8080".parse().unwrap()).await;
    let r = app.client().get("/metrics").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text.contains("XINGHUO_METRICS_TOKEN"));
}

/// Without a configured cookie secret, two instances on one database still share one: a form from
/// one is accepted by the other.
#[tokio::test]
async fn forms_cross_instances_without_a_configured_secret() {
    let app = TestApp::with(|c| c.cookie_secret = xinghuo::config::Secret::new("")).await;
    let mut config = (*app.state.config).clone();
    config.data_dir = tempfile::tempdir().unwrap().keep();
    let other = xinghuo::app::AppState::new(config, std::sync::Arc::new(app.clock.clone())).await.unwrap();
    let mut a = app.login("staff").await;
    let token = a.csrf().await;
    let mut b = a.clone().on(xinghuo::app::build(other));
    let r = b.post_raw("/prefs", &[("_csrf", token.as_str()), ("large_type", "1"), ("next", "/")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
}

// ---- Personal data at rest ----------------------------------------------------------------------

/// After the demo and a registration, no phone or ID number appears anywhere in the SQLite file
/// (or, on PostgreSQL, in any text column of `persons`) — only masked copies and sealed values.
#[tokio::test]
async fn a_database_dump_shows_no_phone_or_id_number() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let r = staff
        .post_form(
            &format!("/households/{}/members", ids.hh1),
            &[("name", "王五"), ("phone", "13912345678"), ("id_number", "11010519491231002X"), ("relation", "tenant")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let (phone, idn) = app.contact(ids.zhangsan).await;
    let secrets = [phone.unwrap(), idn.unwrap(), "13912345678".into(), "11010519491231002X".into()];
    #[derive(sea_orm::FromQueryResult)]
    struct Row {
        line: String,
    }
    let rows = xinghuo::db::all::<Row>(
        &app.state.db.read,
        "SELECT COALESCE(phone, '') || '|' || COALESCE(id_number, '') || '|' || COALESCE(phone_masked, '') || '|' || \
         COALESCE(id_masked, '') || '|' || COALESCE(phone_enc, '') || '|' || COALESCE(id_number_enc, '') || '|' || \
         COALESCE(phone_hash, '') || '|' || COALESCE(id_number_hash, '') || '|' || name || '|' || COALESCE(note, '') AS line FROM persons",
        vec![],
    )
    .await
    .unwrap();
    assert!(rows.len() > 20);
    for r in &rows {
        for s in &secrets {
            assert!(!r.line.contains(s.as_str()), "{s} stored in the clear: {}", r.line);
        }
    }
    if app.pg_schema.is_none() {
        // The whole file, WAL included, after a checkpoint.
        xinghuo::db::exec(&app.state.db.write, "PRAGMA wal_checkpoint(TRUNCATE)", vec![]).await.unwrap();
        let url = app.state.config.database_url.clone();
        let path = url.trim_start_matches("sqlite://").split('?').next().unwrap().to_string();
        let bytes = std::fs::read(&path).unwrap();
        for s in &secrets {
            assert!(!bytes.windows(s.len()).any(|w| w == s.as_bytes()), "{s} is in the database file");
        }
    }
    // The reveal still shows the full number to permitted staff.
    let r = staff.post_form(&format!("/people/{}/reveal", ids.zhangsan), &[]).await;
    assert!(r.text.contains(secrets[0].as_str()));
}

/// A second instance with a keyring of its own refuses to start; after a rotation every value is
/// sealed under the new key, and the old key can go.
#[tokio::test]
async fn the_keyring_must_match_and_rotates() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let before = app.contact(ids.zhangsan).await;
    let mut other = (*app.state.config).clone();
    other.data_keys = xinghuo::config::Secret::new(xinghuo::vault::Vault::new_key_line("x1"));
    let e = xinghuo::app::AppState::new(other, std::sync::Arc::new(app.clock.clone())).await.err().expect("refused");
    assert!(e.to_string().contains("data key does not match"), "{e}");
    // Rotate: the ring gains t2 (current), every value is sealed again.
    let old = app.state.config.data_keys.expose().to_string();
    let new_line = xinghuo::vault::Vault::new_key_line("t2");
    let ring = xinghuo::vault::Vault::parse(&format!("{old}\n{new_line}")).unwrap();
    let n = xinghuo::people::seal::reencrypt(&app.state.db.write, &ring).await.unwrap();
    assert!(n > 20, "{n} people sealed again");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM persons WHERE phone_enc LIKE 'v1.t1.%' OR id_number_enc LIKE 'v1.t1.%'")
            .await,
        0
    );
    // With only the new key the server starts and reads the same numbers; registration still finds by number.
    let mut cfg = (*app.state.config).clone();
    cfg.data_keys = xinghuo::config::Secret::new(new_line);
    let state = xinghuo::app::AppState::new(cfg, std::sync::Arc::new(app.clock.clone())).await.unwrap();
    let after = xinghuo::people::seal::open_contact(&state.db.read, &state.vault, xinghuo::ids::PersonId(ids.zhangsan))
        .await
        .unwrap();
    assert_eq!(after, before);
    let found = xinghuo::people::store::find_by_id_number(
        &state.db.read,
        &state.vault,
        before.1.as_deref().unwrap(),
        &xinghuo::people::store::Within::Project(xinghuo::ids::ProjectId(ids.yeyu)),
    )
    .await
    .unwrap();
    assert_eq!(found, Some(ids.zhangsan));
}

// ---- A person's own data (PIPL art. 45) ------------------------------------------------------------

/// A resident sees everything held about them on the phone and downloads it as .xlsx and JSON, with
/// the full numbers; each download is audited where they live. Nobody can ask for someone else's.
#[tokio::test]
async fn a_resident_downloads_their_own_data() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut resident = app.login("resident").await;
    // Something to find: a report of theirs.
    let r = resident
        .json("POST", "/api/v1/requests", serde_json::json!({"category_id": ids.yeyu_lighting, "description": "楼道灯不亮了", "household_id": ids.hh1}))
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let (phone, idn) = app.contact(ids.zhangsan).await;
    let (phone, idn) = (phone.unwrap(), idn.unwrap());
    let page = resident.get("/account/data").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("楼道灯不亮了") && page.text.contains("1栋1单元101室"), "{}", page.text);
    assert!(!page.text.contains(&phone), "the page shows the number masked");
    let j = resident.get("/api/v1/me/data").await;
    assert_eq!(j.status, StatusCode::OK, "{}", j.text);
    let j = j.json();
    assert_eq!(j["phone"], phone.as_str());
    assert_eq!(j["id_number"], idn.as_str());
    let requests = j["sections"].as_array().unwrap().iter().find(|s| s["key"] == "requests").unwrap();
    assert!(requests["rows"].as_array().unwrap().iter().any(|r| r[4] == "楼道灯不亮了"));
    let x = resident.get("/account/data.xlsx").await;
    assert_eq!(x.status, StatusCode::OK);
    let grid = xinghuo::io::model::read_xlsx(&x.bytes).unwrap();
    assert!(grid.iter().any(|r| r.get(1) == Some(&xinghuo::io::model::Cell::Text(phone.clone()))));
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'self_export' AND entity_id = {} AND project_id = {}",
            ids.zhangsan, ids.yeyu
        ))
        .await,
        2
    );
    // Another resident's download holds only their own home.
    let other = app.login("resident2").await.get("/api/v1/me/data").await.json();
    assert_ne!(other["phone"], phone.as_str());
    assert!(!other.to_string().contains("楼道灯不亮了"));
    // A visitor is sent to log in.
    assert_eq!(app.client().get("/api/v1/me/data").await.status, StatusCode::UNAUTHORIZED);
}

// ---- Several instances on one database ---------------------------------------------------------------

/// Two app instances (their own pools, one database, no configured cookie secret) behind a round-robin
/// client: a session from one works on the other, a form fetched from one is accepted by the other, a
/// token issued on one authenticates on the other, and the escalation job run by both at once raises
/// an overdue request once. On PostgreSQL in CI's second pass.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_behind_a_round_robin_client_behave_as_one() {
    use xinghuo::clock::Clock;
    let app = TestApp::with(|c| c.cookie_secret = xinghuo::config::Secret::new("")).await;
    let ids = app.ids().await;
    let mut config = (*app.state.config).clone();
    config.data_dir = tempfile::tempdir().unwrap().keep();
    let b_state = xinghuo::app::AppState::new(config, std::sync::Arc::new(app.clock.clone())).await.unwrap();
    let routers = [app.router.clone(), xinghuo::app::build(b_state.clone())];
    // Log in on A; every following request alternates between A and B.
    let mut c = app.login("resident").await;
    for i in 0..6 {
        c = c.on(routers[i % 2].clone());
        assert_eq!(c.get("/account").await.status, StatusCode::OK, "request {i}");
    }
    c = c.on(routers[0].clone());
    let token = c.csrf().await;
    c = c.on(routers[1].clone());
    let r = c
        .post_raw(
            "/requests",
            &[
                ("_csrf", token.as_str()),
                ("category_id", &ids.yeyu_lighting.to_string()),
                ("household_id", &ids.hh1.to_string()),
                ("description", "楼道灯不亮（实例B）"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let id: i64 = r.location().trim_start_matches("/requests/").split('?').next().unwrap().parse().unwrap();
    // A token issued through A works on B.
    c = c.on(routers[0].clone());
    let page = c.post_form("/account/tokens", &[("name", "两实例"), ("access", "read")]).await.text;
    let mut api = app.client().on(routers[1].clone());
    api.bearer = Some(page.split("id=\"new-token\">").nth(1).unwrap().split('<').next().unwrap().to_string());
    assert_eq!(api.get(&format!("/api/v1/requests/{id}")).await.status, StatusCode::OK);
    // Both instances' escalation jobs at the same moment: one escalation.
    app.clock.advance(Duration::minutes(61));
    let now = app.clock.now();
    let (a, b) = tokio::join!(
        xinghuo::requests::jobs::escalate_overdue(&app.state, now),
        xinghuo::requests::jobs::escalate_overdue(&b_state, now)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) AS n FROM request_events WHERE request_id = {id} AND action = 'escalate'"))
            .await,
        1
    );
}

/// A resident asks for their phone and ID number to be deleted; another project's staff cannot see or
/// answer it; their own project's staff carry it out once, audited; the numbers are gone and the
/// resident is told. A refused form keeps what was typed; a refusal needs a reason.
#[tokio::test]
async fn correction_and_deletion_requests_are_answered_through_an_audited_step() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut resident = app.login("resident").await;
    // A correction without saying what is wrong comes back with the message beside the field.
    let r = resident.post_form("/account/data/requests", &[("kind", "correct"), ("details", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("id=\"details-error\""), "{}", r.text);
    // The field itself is marked invalid and points at its message (the form macro).
    assert!(r.text.contains("aria-invalid=\"true\" aria-describedby=\"details-error\""), "{}", r.text);
    // What was typed comes back with the refusal.
    let long = format!("门牌号写错了，{}", "应为1栋1单元101室。".repeat(60));
    let r = resident.post_form("/account/data/requests", &[("kind", "correct"), ("details", &long)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains(&long) && r.text.contains("不能超过500字"), "the typed text is kept");
    let r = resident
        .post_form("/account/data/requests", &[("kind", "delete"), ("details", "我已搬走，请删除我的证件信息")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let id = app.id("SELECT MAX(id) AS id FROM data_requests").await;
    // Staff of another project neither see nor answer it.
    let mut staff2 = app.login("staff2").await;
    assert!(!staff2.get("/people/data-requests").await.text.contains("我已搬走"));
    let r = staff2.post_form(&format!("/people/data-requests/{id}/decide"), &[("outcome", "done")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(app.contact(ids.zhangsan).await.0.is_some());
    // Their project's staff see it, must give a reason to refuse, and carry it out once.
    let mut staff = app.login("staff").await;
    assert!(staff.get("/people/data-requests").await.text.contains("我已搬走"));
    let r =
        staff.post_form(&format!("/people/data-requests/{id}/decide"), &[("outcome", "refused"), ("answer", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = staff
        .post_form(&format!("/people/data-requests/{id}/decide"), &[("outcome", "done"), ("answer", "已删除")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = staff
        .post_form(&format!("/people/data-requests/{id}/decide"), &[("outcome", "refused"), ("answer", "改主意")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(app.contact(ids.zhangsan).await, (None, None), "phone and ID number are gone");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'data_request_decided' AND entity_id = {} AND project_id = {}",
            ids.zhangsan, ids.yeyu
        ))
        .await,
        1
    );
    let page = resident.get("/account/data").await.text;
    assert!(page.contains("已办理") && page.contains("已删除"), "{page}");
    assert!(resident.get("/notifications").await.text.contains("申请已办理"));
}

// ---- One person, several projects: linked by consent ---------------------------------------------

/// Every column that names a person is in `links::PERSON_REFS`, so a merge moves everything.
#[tokio::test]
async fn a_merge_knows_every_column_that_names_a_person() {
    let app = TestApp::new().await;
    if app.pg_schema.is_some() {
        return; // the SQLite schema is the same (schema parity test); its pragma is simpler to read
    }
    #[derive(sea_orm::FromQueryResult)]
    struct Fk {
        t: String,
        c: String,
    }
    let fks = xinghuo::db::all::<Fk>(
        &app.state.db.read,
        "SELECT m.name AS t, p.\"from\" AS c FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) p \
         WHERE m.type = 'table' AND p.\"table\" = 'persons' ORDER BY 1, 2",
        vec![],
    )
    .await
    .unwrap();
    let mut schema: Vec<(String, String)> = fks.into_iter().map(|f| (f.t, f.c)).collect();
    schema.sort();
    let mut known: Vec<(String, String)> =
        xinghuo::people::links::PERSON_REFS.iter().map(|(t, c)| (t.to_string(), c.to_string())).collect();
    known.sort();
    assert_eq!(known, schema);
}

async fn register_lisi_at_tianxi(app: &TestApp) -> i64 {
    let ids = app.ids().await;
    let id_number = app.contact(ids.lisi).await.1.unwrap();
    let mut staff2 = app.login("staff2").await;
    let r = staff2
        .post_form(
            &format!("/households/{}/members", ids.hh_tianxi),
            &[("name", "李四"), ("id_number", &id_number), ("relation", "owner")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    app.id("SELECT MAX(id) AS id FROM person_links").await
}

/// 李四 confirms on 我的信息 that 保利天玺's new owner is him: one record, both homes; 保利天玺's staff
/// now serve him. Someone else cannot answer for him.
#[tokio::test]
async fn the_person_confirms_a_link_and_the_records_become_one() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let link = register_lisi_at_tianxi(&app).await;
    let other = app.id(&format!("SELECT other_id AS id FROM person_links WHERE id = {link}")).await;
    assert_ne!(other, ids.lisi);
    let mut staff2 = app.login("staff2").await;
    assert_eq!(staff2.get(&format!("/people/{}", ids.lisi)).await.status, StatusCode::NOT_FOUND, "not before consent");
    // Another resident cannot answer for him.
    let mut zhang = app.login("resident").await;
    assert_eq!(
        zhang.post_form(&format!("/account/links/{link}"), &[("answer", "yes")]).await.status,
        StatusCode::NOT_FOUND
    );
    let mut lisi = app.login("resident2").await;
    assert!(lisi.get("/notifications").await.text.contains("身份证号相同"));
    let page = lisi.get("/account/data").await.text;
    assert!(page.contains(&format!("id=\"link-{link}\"")) && page.contains("这是您本人吗"), "{page}");
    let r = lisi.post_form(&format!("/account/links/{link}"), &[("answer", "yes")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(app.count(&format!("SELECT COUNT(*) AS n FROM persons WHERE id = {other}")).await, 0);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM household_members WHERE person_id = {} AND household_id IN ({}, {})",
            ids.lisi, ids.hh2, ids.hh_tianxi
        ))
        .await,
        2,
        "one person, both homes"
    );
    assert_eq!(staff2.get(&format!("/people/{}", ids.lisi)).await.status, StatusCode::OK, "served by both projects");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'person_link' AND project_id IN ({}, {})",
            ids.yeyu, ids.tianxi
        ))
        .await,
        2
    );
    // Answered once.
    assert_eq!(
        lisi.post_form(&format!("/account/links/{link}"), &[("answer", "no")]).await.status,
        StatusCode::CONFLICT
    );
}

/// "Not me" keeps the records apart.
#[tokio::test]
async fn a_declined_link_keeps_records_apart() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let link = register_lisi_at_tianxi(&app).await;
    let mut lisi = app.login("resident2").await;
    assert_eq!(
        lisi.post_form(&format!("/account/links/{link}"), &[("answer", "no")]).await.status,
        StatusCode::SEE_OTHER
    );
    let other = app.id(&format!("SELECT other_id AS id FROM person_links WHERE id = {link}")).await;
    assert_eq!(app.count(&format!("SELECT COUNT(*) AS n FROM persons WHERE id IN ({}, {other})", ids.lisi)).await, 2);
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) AS n FROM person_links WHERE id = {link} AND state = 'declined'")).await,
        1
    );
}

#[tokio::test]
async fn a_company_administrator_over_both_projects_may_confirm_a_link() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let link = register_lisi_at_tianxi(&app).await;
    let mut staff2 = app.login("staff2").await;
    assert_eq!(staff2.get("/people/links").await.status, StatusCode::FORBIDDEN, "staff do not decide links");
    let mut admin = app.login("admin").await;
    assert!(admin.get("/people/links").await.text.contains(&format!("id=\"link-{link}\"")));
    let r = admin.post_form(&format!("/people/links/{link}"), &[("answer", "yes")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) AS n FROM person_links WHERE id = {link} AND state = 'linked'")).await,
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM household_members WHERE person_id = {} AND household_id = {}",
            ids.lisi, ids.hh_tianxi
        ))
        .await,
        1
    );
}
