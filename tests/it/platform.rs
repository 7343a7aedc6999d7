use std::collections::BTreeSet;

use axum::http::StatusCode;
use sea_orm::FromQueryResult;
use xinghuo::db;

use crate::support::{TestApp, fresh_pg_schema};

#[tokio::test]
async fn health_readiness_metrics_and_security_headers() {
    let app = TestApp::new().await;
    let mut c = app.client();
    assert_eq!(c.get("/healthz").await.text, "ok");
    assert_eq!(c.get("/readyz").await.status, StatusCode::OK);
    let r = c.get("/login").await;
    assert!(r.headers["content-security-policy"].to_str().unwrap().contains("script-src 'self'"));
    assert_eq!(r.headers["x-frame-options"], "DENY");
    assert!(r.headers.contains_key("x-request-id"));
    assert!(r.headers["content-type"].to_str().unwrap().contains("utf-8"));
    assert!(c.get("/metrics").await.text.contains("http_requests_total"));
}

#[tokio::test]
async fn loading_the_demo_twice_changes_nothing() {
    let app = TestApp::new().await;
    let before =
        (app.count("SELECT COUNT(*) AS n FROM org_nodes").await, app.count("SELECT COUNT(*) AS n FROM persons").await);
    let loaded = xinghuo::demo::load(&app.state.db.write, &app.state.vault, app.state.clock.now()).await.unwrap();
    assert!(!loaded);
    let after =
        (app.count("SELECT COUNT(*) AS n FROM org_nodes").await, app.count("SELECT COUNT(*) AS n FROM persons").await);
    assert_eq!(before, after);
    assert!(before.0 > 100);
    for name in [
        "保利叶语",
        "保利天玺",
        "保利荔园天府和悦",
        "保利湖心岛",
        "保利中心写字楼",
        "保利翡翠和悦",
        "龙祥家园",
        "友联社区",
        "牧马山社区",
    ] {
        assert_eq!(app.count(&format!("SELECT COUNT(*) AS n FROM org_nodes WHERE name = '{name}'")).await, 1, "{name}");
    }
}

#[tokio::test]
async fn bad_input_gets_a_stable_code_not_a_plain_text_rejection() {
    let app = TestApp::new().await;
    let mut staff = app.login("staff").await;
    let r = staff.get("/api/v1/households/abc").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["code"], "bad_request");
    let r = staff.json("PATCH", "/api/v1/households/1", serde_json::json!({"area": 5})).await;
    assert!(r.status.is_client_error());
    assert!(r.json()["code"].is_string(), "{}", r.text);
    let r = staff.get("/households/abc").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text.contains("请求内容格式不正确"));
    let r = staff.get("/api/v1/nope").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["code"], "not_found");
}

#[tokio::test]
async fn the_openapi_document_lists_every_api_route() {
    let app = TestApp::new().await;
    let doc = app.client().get("/api/v1/openapi.json").await.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for (method, path, _) in xinghuo::access::route_table() {
        if path.starts_with("/api/v1") {
            let op = &doc["paths"][path][method.to_lowercase()];
            assert!(op.is_object(), "{method} {path} missing from the OpenAPI document");
        }
    }
}

#[derive(Debug, FromQueryResult)]
struct Col {
    t: String,
    c: String,
    required: bool,
}

/// Tables → columns (name, not null), indexes (name, unique, columns) and foreign keys, read from
/// the database itself.
async fn schema(db: &db::Db) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if db.is_sqlite() {
        #[derive(FromQueryResult)]
        struct T {
            name: String,
        }
        let tables: Vec<T> = db::all(
            &db.read,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            vec![],
        )
        .await
        .unwrap();
        for t in tables {
            let n = &t.name;
            let cols: Vec<Col> = db::all(&db.read, &format!("SELECT '{n}' AS t, name AS c, (\"notnull\" = 1 OR pk = 1) AS required FROM pragma_table_info('{n}')"), vec![]).await.unwrap();
            out.extend(cols.into_iter().map(|c| format!("col {}.{} notnull={}", c.t, c.c, c.required)));
            #[derive(FromQueryResult)]
            struct I {
                name: String,
                uniq: bool,
                cols: String,
            }
            let idx: Vec<I> = db::all(
                &db.read,
                &format!("SELECT il.name, il.\"unique\" AS uniq, (SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(il.name) ORDER BY seqno)) AS cols FROM pragma_index_list('{n}') il WHERE il.origin = 'c'"),
                vec![],
            )
            .await
            .unwrap();
            out.extend(idx.into_iter().map(|i| format!("idx {n}.{} unique={} ({})", i.name, i.uniq, i.cols)));
            #[derive(FromQueryResult)]
            struct F {
                from_col: String,
                to_table: String,
                to_col: String,
            }
            let fks: Vec<F> = db::all(&db.read, &format!("SELECT \"from\" AS from_col, \"table\" AS to_table, \"to\" AS to_col FROM pragma_foreign_key_list('{n}')"), vec![]).await.unwrap();
            out.extend(fks.into_iter().map(|f| format!("fk {n}.{} -> {}.{}", f.from_col, f.to_table, f.to_col)));
        }
    } else {
        let cols: Vec<Col> = db::all(
            &db.read,
            "SELECT table_name::text AS t, column_name::text AS c, (is_nullable = 'NO') AS required FROM information_schema.columns WHERE table_schema = current_schema()",
            vec![],
        )
        .await
        .unwrap();
        out.extend(cols.into_iter().map(|c| format!("col {}.{} notnull={}", c.t, c.c, c.required)));
        #[derive(FromQueryResult)]
        struct I {
            t: String,
            name: String,
            uniq: bool,
            cols: String,
        }
        let idx: Vec<I> = db::all(
            &db.read,
            "SELECT t.relname::text AS t, i.relname::text AS name, ix.indisunique AS uniq, \
             (SELECT string_agg(a.attname::text, ',' ORDER BY k.ord) FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord) \
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS cols \
             FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid \
             JOIN pg_namespace ns ON ns.oid = t.relnamespace WHERE ns.nspname = current_schema() AND NOT ix.indisprimary",
            vec![],
        )
        .await
        .unwrap();
        out.extend(idx.into_iter().map(|i| format!("idx {}.{} unique={} ({})", i.t, i.name, i.uniq, i.cols)));
        #[derive(FromQueryResult)]
        struct F {
            t: String,
            from_col: String,
            to_table: String,
            to_col: String,
        }
        let fks: Vec<F> = db::all(
            &db.read,
            "SELECT kcu.table_name::text AS t, kcu.column_name::text AS from_col, ccu.table_name::text AS to_table, ccu.column_name::text AS to_col \
             FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema \
             JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema \
             WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()",
            vec![],
        )
        .await
        .unwrap();
        out.extend(fks.into_iter().map(|f| format!("fk {}.{} -> {}.{}", f.t, f.from_col, f.to_table, f.to_col)));
    }
    out
}

/// Runs against the PostgreSQL in `XINGHUO_TEST_PG`, or the machine's local server: it fails, rather
/// than skips, when none answers.
#[tokio::test]
async fn both_backends_end_with_the_same_schema() {
    let dir = tempfile::tempdir().unwrap();
    let lite = db::Db::connect(&format!("sqlite://{}?mode=rwc", dir.path().join("s.db").display()), 2).await.unwrap();
    lite.migrate().await.unwrap();
    let base = crate::support::pg_url_or_local();
    let (url, name) = fresh_pg_schema(&base).await;
    let pg = db::Db::connect(&url, 2).await.unwrap();
    pg.migrate().await.unwrap();
    let (a, b) = (schema(&lite).await, schema(&pg).await);
    let admin = db::Db::connect(&base, 1).await.unwrap();
    db::exec(&admin.write, &format!("DROP SCHEMA {name} CASCADE"), vec![]).await.unwrap();
    assert!(a.len() > 50, "{a:?}");
    // The indexes a migration creates on PostgreSQL alone, by name (`m0046_late_work` says why): they
    // must be there, and nowhere else; every other difference fails.
    let pg_only = xinghuo::db::migrations::m0046_late_work::PG_ONLY_INDEXES;
    let named = |s: &String, ix: &str| s.starts_with("idx requests.") && s.contains(&format!(".{ix} "));
    for ix in pg_only {
        assert_eq!(b.iter().filter(|s| named(s, ix)).count(), 1, "{ix} missing on PostgreSQL");
        assert!(!a.iter().any(|s| named(s, ix)), "{ix} is on SQLite too");
    }
    let only_sqlite: Vec<_> = a.difference(&b).collect();
    let only_pg: Vec<_> = b.difference(&a).filter(|s| !pg_only.iter().any(|ix| named(s, ix))).collect();
    assert!(
        only_sqlite.is_empty() && only_pg.is_empty(),
        "schemas differ\nonly SQLite: {only_sqlite:#?}\nonly PostgreSQL: {only_pg:#?}"
    );
}

#[tokio::test]
async fn metrics_need_the_token_when_one_is_configured() {
    let app = TestApp::with(|c| c.metrics_token = Some(xinghuo::config::Secret::new("m-token"))).await;
    let mut c = app.client();
    assert_eq!(c.get("/metrics").await.status, StatusCode::FORBIDDEN);
    c.headers.push(("x-metrics-token", "m-token".into()));
    assert_eq!(c.get("/metrics").await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_cli_imports_exports_backs_up_and_manages_users() {
    use xinghuo::cli::{Cli, Command, UserAction};
    let app = TestApp::new().await;
    let config = (*app.state.config).clone();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("住户.csv");
    std::fs::write(&csv, "\u{FEFF}楼栋,单元,房号,姓名,与房屋关系,手机号\n8,1,101,沙悟净,业主,13900005555\n").unwrap();
    let run = |command| xinghuo::cli::run(Cli { command }, config.clone());
    run(Command::Import { project: "保利叶语".into(), file: csv.clone() }).await.unwrap();
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM persons WHERE name = '沙悟净'").await, 1);
    // A bad file is refused whole, and the error says why.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "楼栋,单元,房号,姓名,与房屋关系\n8,1,102,猪悟能,业主\n8,1,103,,业主\n").unwrap();
    let e = run(Command::Import { project: "YEYU".into(), file: bad }).await.unwrap_err();
    assert!(e.to_string().contains("错误"), "{e}");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM persons WHERE name = '猪悟能'").await, 0);
    let e = run(Command::Import { project: "不存在的项目".into(), file: csv }).await.unwrap_err();
    assert!(e.to_string().contains("找不到项目"));

    let out = dir.path().join("台账.xlsx");
    run(Command::Export { project: "保利叶语".into(), out: out.clone(), full: false }).await.unwrap();
    let grid = xinghuo::io::model::read_xlsx(&std::fs::read(&out).unwrap()).unwrap();
    assert!(grid.iter().any(|r| r.get(4) == Some(&xinghuo::io::model::Cell::Text("沙悟净".into()))));
    assert!(grid.iter().any(|r| r.get(6) == Some(&xinghuo::io::model::Cell::Text("139****5555".into()))));

    run(Command::User {
        action: UserAction::Create {
            username: "Clerk.01".into(),
            name: "文员".into(),
            password: "Clerk-2026".into(),
            person_id: None,
        },
    })
    .await
    .unwrap();
    assert_eq!(app.login_with("clerk.01", "Clerk-2026").await.status, StatusCode::SEE_OTHER);
    assert!(
        run(Command::User {
            action: UserAction::ResetPassword { username: "clerk.01".into(), password: "weak".into() }
        })
        .await
        .is_err()
    );
    run(Command::User {
        action: UserAction::ResetPassword { username: "clerk.01".into(), password: "Clerk-2027".into() },
    })
    .await
    .unwrap();
    assert_eq!(app.login_with("clerk.01", "Clerk-2026").await.status, StatusCode::UNAUTHORIZED);

    let backup = dir.path().join("backup.db");
    let r = run(Command::Backup { out: backup.clone() }).await;
    if app.state.db.is_sqlite() {
        r.unwrap();
        let copy = db::Db::connect(&format!("sqlite://{}", backup.display()), 1).await.unwrap();
        assert_eq!(
            db::count(&copy.read, "SELECT COUNT(*) AS n FROM persons WHERE name = '沙悟净'", vec![]).await.unwrap(),
            1
        );
        assert!(run(Command::Backup { out: backup }).await.is_err(), "an existing file is not overwritten");
    } else {
        assert!(r.unwrap_err().to_string().contains("pg_dump"));
    }
}

/// `data-keys rotate` with the default key file: a second key is appended, everything is sealed again
/// under it, and the full export still shows the same numbers.
#[tokio::test]
async fn the_cli_rotates_the_data_key_file() {
    use xinghuo::cli::{Cli, Command, DataKeyAction};
    let app = TestApp::with(|c| c.data_keys = xinghuo::config::Secret::new("")).await;
    let ids = app.ids().await;
    let before = app.contact(ids.zhangsan).await;
    let config = (*app.state.config).clone();
    let run = |command| xinghuo::cli::run(Cli { command }, config.clone());
    run(Command::DataKeys { action: DataKeyAction::Rotate { id: "k2".into() } }).await.unwrap();
    let ring = std::fs::read_to_string(config.data_dir.join("data.keys")).unwrap();
    assert!(ring.contains("\nk1:") && ring.contains("\nk2:"), "{ring}");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM persons WHERE id_number_enc LIKE 'v1.k1.%'").await, 0);
    let state = xinghuo::app::AppState::new(config.clone(), std::sync::Arc::new(app.clock.clone())).await.unwrap();
    assert_eq!(
        xinghuo::people::seal::open_contact(&state.db.read, &state.vault, xinghuo::ids::PersonId(ids.zhangsan))
            .await
            .unwrap(),
        before
    );
    let out = config.data_dir.join("full.xlsx");
    run(Command::Export { project: "保利叶语".into(), out: out.clone(), full: true }).await.unwrap();
    let grid = xinghuo::io::model::read_xlsx(&std::fs::read(&out).unwrap()).unwrap();
    let phone = before.0.unwrap();
    assert!(grid.iter().any(|r| r.get(6) == Some(&xinghuo::io::model::Cell::Text(phone.clone()))), "{phone}");
}
