//! Constraints by name (issue 10): every unique index is in `db::constraint::UNIQUE` with its columns
//! (the list SQLite's messages are read against), each violation is named the same on both databases,
//! the row-level `CHECK`s hold, and a user-facing conflict says which rule it broke.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use sea_orm::{ConnectionTrait, FromQueryResult};
use xinghuo::db::{self, constraint};

use crate::support::TestApp;

/// The schema read by the catalogue query of the backend under test (PostgreSQL's, else SQLite's).
async fn by_backend<T: FromQueryResult>(app: &TestApp, pg: &str, sqlite: &str) -> Vec<T> {
    let sql = if app.pg_schema.is_some() { pg } else { sqlite };
    db::all(&app.state.db.read, sql, vec![]).await.unwrap()
}

#[derive(FromQueryResult)]
struct Ix {
    name: String,
    tbl: String,
    cols: String,
}

#[tokio::test]
async fn the_unique_list_is_the_schemas_unique_indexes() {
    let app = TestApp::new().await;
    let rows: Vec<Ix> = by_backend(
        &app,
        "SELECT i.relname AS name, t.relname AS tbl, \
             string_agg(a.attname, ',' ORDER BY k.n) AS cols \
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
             JOIN pg_namespace s ON s.oid = t.relnamespace \
             CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, n) \
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
             WHERE x.indisunique AND NOT x.indisprimary AND s.nspname = current_schema() \
             GROUP BY i.relname, t.relname",
        "SELECT m.name AS name, m.tbl_name AS tbl, \
             (SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(m.name) ORDER BY seqno)) AS cols \
             FROM sqlite_master m WHERE m.type = 'index' AND m.sql LIKE 'CREATE UNIQUE INDEX%'",
    )
    .await;
    let schema: BTreeSet<(String, String, String)> = rows.into_iter().map(|r| (r.name, r.tbl, r.cols)).collect();
    let listed: BTreeSet<(String, String, String)> =
        constraint::UNIQUE.iter().map(|(n, t, c)| (n.to_string(), t.to_string(), c.join(","))).collect();
    assert_eq!(schema, listed, "db::constraint::UNIQUE and the schema's unique indexes differ");
}

#[derive(FromQueryResult)]
struct Col {
    tbl: String,
    col: String,
    ty: String,
    pk: i64,
}

/// The naming rule a SQLite write unit reads integers by (`db::unit`): on SQLite a primary key is
/// declared `integer` like an `int4` column, so a unit tells them apart by name — every primary key is
/// `id`, only keys (`bigint` on PostgreSQL) are called `id` or `…_id`, and an `int4`/`int2` column never is.
#[tokio::test]
async fn integer_columns_follow_the_naming_rule() {
    let app = TestApp::new().await;
    let cols: Vec<Col> = by_backend(
        &app,
        "SELECT c.table_name::text AS tbl, c.column_name::text AS col, c.data_type::text AS ty, \
             CAST(CASE WHEN EXISTS (SELECT 1 FROM information_schema.key_column_usage k \
               JOIN information_schema.table_constraints t ON t.constraint_name = k.constraint_name \
               AND t.table_schema = k.table_schema AND t.constraint_type = 'PRIMARY KEY' \
               WHERE k.table_schema = c.table_schema AND k.table_name = c.table_name \
               AND k.column_name = c.column_name) THEN 1 ELSE 0 END AS BIGINT) AS pk \
             FROM information_schema.columns c WHERE c.table_schema = current_schema() \
             AND c.table_name NOT LIKE 'seaql%'",
        "SELECT m.name AS tbl, p.name AS col, lower(p.type) AS ty, CAST(p.pk AS BIGINT) AS pk \
             FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'seaql%' AND m.name NOT LIKE 'sqlite%'",
    )
    .await;
    assert!(cols.len() > 300, "the schema was read ({} columns)", cols.len());
    let named_key = |c: &str| c == "id" || c.ends_with("_id");
    let small = |t: &str| matches!(t, "integer" | "smallint");
    let composite: BTreeSet<String> = cols.iter().filter(|c| c.pk >= 2).map(|c| c.tbl.clone()).collect();
    let mut broken = Vec::new();
    for c in &cols {
        // A one-column `integer` primary key is SQLite's rowid (a composite key's columns are not).
        let sqlite_rowid = app.pg_schema.is_none() && c.pk != 0 && c.ty == "integer" && !composite.contains(&c.tbl);
        let ok = if sqlite_rowid { c.col == "id" } else { !(named_key(&c.col) && small(&c.ty)) };
        // The one exception, never read: the constant key of the one-row table `auth_epoch` (m0041).
        let exempt = c.tbl == "auth_epoch" && c.col == "id";
        if !ok && !exempt {
            broken.push(format!("{}.{} {} pk={}", c.tbl, c.col, c.ty, c.pk));
        }
    }
    assert!(broken.is_empty(), "columns that break the naming rule: {broken:?}");
}

async fn violation(app: &TestApp, sql: &str) -> Option<String> {
    let e = app.state.db.write.execute_unprepared(sql).await.expect_err(sql);
    constraint::violated(&e)
}

#[tokio::test]
async fn violations_are_named_the_same_on_both_databases() {
    let app = TestApp::new().await;
    let team = app.id("SELECT id FROM teams ORDER BY id LIMIT 1").await;
    assert_eq!(
        violation(&app, &format!("INSERT INTO teams (project_id, kind, name, created_at) SELECT project_id, kind, name, created_at FROM teams WHERE id = {team}")).await.as_deref(),
        Some("ux_teams_project_name")
    );
    let item = app.id("SELECT id FROM reward_items ORDER BY id LIMIT 1").await;
    assert_eq!(
        violation(&app, &format!("UPDATE reward_items SET stock = -1 WHERE id = {item}")).await.as_deref(),
        Some("ck_reward_items_stock")
    );
    let room = app.id("SELECT id FROM rooms ORDER BY id LIMIT 1").await;
    let t0 = app.state.clock.now();
    let insert = "INSERT INTO bookings (room_id, starts_at, ends_at, state, purpose, created_at, updated_at) \
                  VALUES ($1, $2, $3, 'approved', '测试', $2, $2)";
    let e = db::exec(&app.state.db.write, insert, xinghuo::params![room, t0, t0]).await.unwrap_err();
    assert_eq!(constraint::violated(&e).as_deref(), Some("ck_bookings_time"));
    db::exec(&app.state.db.write, insert, xinghuo::params![room, t0, t0 + chrono::Duration::minutes(30)])
        .await
        .unwrap();
    let occ = app.id("SELECT id FROM activity_occurrences ORDER BY id LIMIT 1").await;
    assert_eq!(
        violation(&app, &format!("UPDATE activity_occurrences SET ends_at = starts_at WHERE id = {occ}"))
            .await
            .as_deref(),
        Some("ck_occurrences_time")
    );
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
    let req = app.id("SELECT MAX(id) AS id FROM requests").await;
    assert_eq!(
        violation(&app, &format!("UPDATE requests SET rating_quality = 6 WHERE id = {req}")).await.as_deref(),
        Some("ck_requests_ratings")
    );
    // A NULL passes, as in a CHECK; a lawful change still goes through.
    app.state
        .db
        .write
        .execute_unprepared(&format!("UPDATE requests SET rating_quality = NULL WHERE id = {req}"))
        .await
        .unwrap();
    app.state
        .db
        .write
        .execute_unprepared(&format!("UPDATE reward_items SET stock = 0 WHERE id = {item}"))
        .await
        .unwrap();
    // Not a constraint at all: no name.
    let e = app.state.db.write.execute_unprepared("SELECT * FROM no_such_table").await.unwrap_err();
    assert_eq!(constraint::violated(&e), None);
}

#[tokio::test]
async fn a_taken_username_and_a_person_with_an_account_are_told_apart() {
    let app = TestApp::new().await;
    let mut admin = app.login("admin").await;
    let i = app.ids().await;
    let pw = "Xinghuo-2026-strong";
    let r = admin
        .post_form(
            "/admin/users",
            &[("username", "staff"), ("display_name", "重名"), ("password", pw), ("person_id", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.text.contains("用户名已被使用"), "{}", r.text);
    // The resident's person already has the log-in `resident`.
    let person = app.id(&format!("SELECT person_id AS id FROM users WHERE id = {}", i.resident_user)).await;
    let r = admin
        .post_form(
            "/admin/users",
            &[
                ("username", "resident_again"),
                ("display_name", "再开"),
                ("password", pw),
                ("person_id", &person.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.text.contains("该人员已有账号"), "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM users WHERE username = 'resident_again'").await, 0);
}
