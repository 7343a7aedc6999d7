//! The write unit against the pool it stands in for: same bytes written, same values read, nothing
//! left behind by a unit dropped, failed or cancelled, constraint names kept, and concurrent units.

use chrono::{DateTime, TimeZone, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::super::{Db, all, exec, insert_id, one};
use crate::params;

async fn db(dir: &tempfile::TempDir) -> Db {
    let url = format!("sqlite://{}", dir.path().join("u.db").display());
    let db = Db::connect(&url, 4).await.unwrap();
    exec(
        &db.write,
        "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, n BIGINT NOT NULL, m BIGINT, flag BOOLEAN NOT NULL, \
         maybe BOOLEAN, at TIMESTAMP_WITH_TIMEZONE_TEXT NOT NULL, until TIMESTAMP_WITH_TIMEZONE_TEXT, \
         name VARCHAR NOT NULL, note TEXT, x REAL NOT NULL, y DOUBLE, j JSON_TEXT, day DATE_TEXT, \
         small INTEGER NOT NULL DEFAULT 7, tiny SMALLINT, owner_id INTEGER)",
        vec![],
    )
    .await
    .unwrap();
    // A unique index the constraint list knows (SQLite names only its columns in the error).
    exec(
        &db.write,
        "CREATE TABLE teams (id INTEGER PRIMARY KEY, project_id BIGINT NOT NULL, name TEXT NOT NULL)",
        vec![],
    )
    .await
    .unwrap();
    exec(&db.write, "CREATE UNIQUE INDEX ux_teams_project_name ON teams (project_id, name)", vec![]).await.unwrap();
    db
}

#[derive(Debug, PartialEq, FromQueryResult)]
struct Row {
    id: i64,
    n: i64,
    m: Option<i64>,
    flag: bool,
    maybe: Option<bool>,
    at: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
    name: String,
    note: Option<String>,
    x: f64,
    y: Option<f64>,
    small: i32,
    tiny: Option<i16>,
    owner_id: Option<i64>,
    day: Option<chrono::NaiveDate>,
    /// The key under another name ending in `_id` still reads as a key.
    row_id: i64,
}

const INSERT: &str = "INSERT INTO t (n, m, flag, maybe, at, until, name, note, x, y, j, day) \
                      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id";

fn values(k: i64, full: bool) -> Vec<sea_orm::Value> {
    let at = Utc.with_ymd_and_hms(2026, 12, 2, 6, 30, 15).unwrap() + chrono::Duration::microseconds(123_456 * k);
    params![
        k,
        full.then_some(-k),
        k % 2 == 0,
        full.then_some(true),
        at,
        full.then_some(at + chrono::Duration::hours(26)),
        format!("名字{k}"),
        full.then(|| "备注 'quoted'".to_string()),
        k as f64 / 3.0,
        full.then_some(2.5f64),
        full.then(|| serde_json::json!({"k": k, "zh": "中文"})),
        full.then(|| chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap())
    ]
}

const RAW: &str = "SELECT typeof(n)||quote(n)||typeof(m)||quote(m)||typeof(flag)||quote(flag)||typeof(maybe)||quote(maybe)\
                   ||quote(at)||quote(until)||quote(name)||quote(note)||quote(x)||quote(y)||quote(j)||quote(day) AS s FROM t WHERE id = $1";

#[derive(Debug, FromQueryResult)]
struct S {
    s: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unit_writes_what_the_pool_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir).await;
    for full in [true, false] {
        let by_pool = insert_id(&db.write, INSERT, values(7, full)).await.unwrap();
        let u = db.begin_unit().await.unwrap();
        assert!(matches!(u, super::Unit::Sqlite(_)));
        let by_unit = insert_id(&u, INSERT, values(7, full)).await.unwrap();
        u.commit().await.unwrap();
        assert_ne!(by_pool, by_unit);
        let a = one::<S>(&db.read, RAW, params![by_pool]).await.unwrap().unwrap().s;
        let b = one::<S>(&db.read, RAW, params![by_unit]).await.unwrap().unwrap().s;
        assert_eq!(a, b, "stored differently (full = {full})");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unit_reads_back_what_the_pool_reads() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir).await;
    for k in 1..=4 {
        insert_id(&db.write, INSERT, values(k, k % 2 == 0)).await.unwrap();
    }
    exec(&db.write, "UPDATE t SET tiny = 3, owner_id = 2147483648 WHERE id % 2 = 0", vec![]).await.unwrap();
    let sql = "SELECT id, n, m, flag, maybe, at, until, name, note, x, y, small, tiny, owner_id, day, id AS row_id \
               FROM t ORDER BY id";
    let by_pool = all::<Row>(&db.read, sql, vec![]).await.unwrap();
    let u = db.begin_unit().await.unwrap();
    let by_unit = all::<Row>(&u, sql, vec![]).await.unwrap();
    let first = one::<Row>(&u, sql, vec![]).await.unwrap();
    let count = super::super::count(&u, "SELECT COUNT(*) AS n FROM t WHERE flag = $1", params![true]).await.unwrap();
    drop(u);
    assert_eq!(by_pool.len(), 4);
    assert_eq!(by_pool, by_unit);
    assert_eq!(first.as_ref(), by_pool.first());
    assert_eq!(count, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_dropped_or_failed_leaves_nothing_and_frees_the_writer() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir).await;
    // Dropped uncommitted.
    let u = db.begin_unit().await.unwrap();
    insert_id(&u, INSERT, values(1, true)).await.unwrap();
    drop(u);
    // Rolled back.
    let u = db.begin_unit().await.unwrap();
    insert_id(&u, INSERT, values(2, true)).await.unwrap();
    u.rollback().await.unwrap();
    // Cancelled half-way: a task holding a unit across an await is aborted.
    let d = db.clone();
    let task = tokio::spawn(async move {
        let u = d.begin_unit().await.unwrap();
        insert_id(&u, INSERT, values(3, true)).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
        u.commit().await.unwrap();
    });
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    // And one still waiting for the writer when it is aborted.
    let d = db.clone();
    let waiting = tokio::spawn(async move { d.begin_unit().await.map(|_| ()) });
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    waiting.abort();
    assert!(waiting.await.unwrap_err().is_cancelled());
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    // The writer is free and consistent: the pool and a unit both write, and only their rows exist.
    insert_id(&db.write, INSERT, values(4, false)).await.unwrap();
    let u = db.begin_unit().await.unwrap();
    insert_id(&u, INSERT, values(5, false)).await.unwrap();
    u.commit().await.unwrap();
    let ns: Vec<i64> = all::<Row>(&db.read, "SELECT *, id AS row_id FROM t ORDER BY id", vec![])
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.n)
        .collect();
    assert_eq!(ns, vec![4, 5]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_constraint_is_named_as_through_the_pool() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir).await;
    let sql = "INSERT INTO teams (project_id, name) VALUES ($1, $2)";
    exec(&db.write, sql, params![7i64, "保洁组"]).await.unwrap();
    let by_pool = exec(&db.write, sql, params![7i64, "保洁组"]).await.unwrap_err();
    let u = db.begin_unit().await.unwrap();
    let by_unit = exec(&u, sql, params![7i64, "保洁组"]).await.unwrap_err();
    // A parameter the values do not cover is refused, not bound as NULL.
    let short = exec(&u, sql, params![7i64]).await.unwrap_err();
    drop(u);
    let name = |e: &sea_orm::DbErr| super::super::constraint::violated(e);
    assert_eq!(name(&by_pool).as_deref(), Some("ux_teams_project_name"), "{by_pool}");
    assert_eq!(name(&by_unit).as_deref(), Some("ux_teams_project_name"), "{by_unit}");
    assert!(short.to_string().contains("$1..$1"), "{short}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_units_and_pool_writes_all_land_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir).await;
    let mut tasks = Vec::new();
    for k in 0..200i64 {
        let d = db.clone();
        tasks.push(tokio::spawn(async move {
            if k % 4 == 0 {
                // Some writes still go through the pool's writer, interleaved with units.
                insert_id(&d.write, INSERT, values(k, false)).await.unwrap();
                return;
            }
            let u = d.begin_unit().await.unwrap();
            let id = insert_id(&u, INSERT, values(k, true)).await.unwrap();
            // A read-modify-write inside the unit sees its own row and no one else's half-done one.
            let n = super::super::count(&u, "SELECT n AS n FROM t WHERE id = $1", params![id]).await.unwrap();
            exec(&u, "UPDATE t SET m = $1 WHERE id = $2", params![n * 10, id]).await.unwrap();
            tokio::task::yield_now().await;
            if k % 7 == 0 {
                drop(u);
            } else {
                u.commit().await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let rows = all::<Row>(&db.read, "SELECT *, id AS row_id FROM t ORDER BY n", vec![]).await.unwrap();
    let expect: Vec<i64> = (0..200).filter(|k| k % 4 == 0 || k % 7 != 0).collect();
    assert_eq!(rows.iter().map(|r| r.n).collect::<Vec<_>>(), expect);
    assert!(rows.iter().all(|r| r.n % 4 == 0 || r.m == Some(r.n * 10)));
    let conn = db.write.get_sqlite_connection_pool();
    assert_eq!(conn.size(), 1, "still one writer connection");
    let _ = db.write.execute_unprepared("SELECT 1").await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reader_reads_what_the_pool_reads_and_sees_each_commit_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir).await;
    let r = db.reader();
    assert!(matches!(r, super::Reader::Sqlite(_)));
    exec(&db.write, "UPDATE t SET tiny = 3, owner_id = 2147483648 WHERE id % 2 = 0", vec![]).await.unwrap();
    let sql = "SELECT id, n, m, flag, maybe, at, until, name, note, x, y, small, tiny, owner_id, day, id AS row_id \
               FROM t ORDER BY id";
    for k in 1..=4 {
        insert_id(&db.write, INSERT, values(k, k % 2 == 0)).await.unwrap();
        // A commit on the writer is seen by the next read, on every reader connection.
        assert_eq!(all::<Row>(&r, sql, vec![]).await.unwrap(), all::<Row>(&db.read, sql, vec![]).await.unwrap());
        assert_eq!(all::<Row>(&r, sql, vec![]).await.unwrap().len(), k as usize);
    }
    // Not a committed write in progress: a unit's rows are its own until it commits.
    let u = db.begin_unit().await.unwrap();
    insert_id(&u, INSERT, values(5, true)).await.unwrap();
    assert_eq!(super::super::count(&r, "SELECT COUNT(*) AS n FROM t", vec![]).await.unwrap(), 4);
    u.commit().await.unwrap();
    assert_eq!(super::super::count(&r, "SELECT COUNT(*) AS n FROM t", vec![]).await.unwrap(), 5);
    // Many at once, from many tasks: each reads the whole table.
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let d = db.clone();
            tokio::spawn(async move { all::<Row>(&d.reader(), sql, vec![]).await.unwrap().len() })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), 5);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reader_refuses_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir).await;
    let r = db.reader();
    assert!(exec(&r, "DELETE FROM t", vec![]).await.is_err());
    assert!(r.execute_unprepared("DELETE FROM t").await.is_err());
    // Even a write dressed as a query (the connection itself is query-only).
    let e = one::<S>(&r, "INSERT INTO teams (project_id, name) VALUES (1, 'x') RETURNING name AS s", vec![]).await;
    assert!(e.is_err(), "{e:?}");
    assert_eq!(super::super::count(&db.read, "SELECT COUNT(*) AS n FROM teams", vec![]).await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_steady_stream_of_units_does_not_starve_pool_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir).await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // Enough streams that some unit is always waiting when one ends.
    let streams: Vec<_> = (0..32)
        .map(|i| {
            let (d, stop) = (db.clone(), stop.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    let u = d.begin_unit().await.unwrap();
                    insert_id(&u, INSERT, values(1000 + i, false)).await.unwrap();
                    u.commit().await.unwrap();
                    n += 1;
                }
                n
            })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    // Each pool write gets the writer in good time although units keep queueing for it.
    for k in 0..20 {
        let w = tokio::time::timeout(std::time::Duration::from_secs(5), insert_id(&db.write, INSERT, values(k, true)));
        w.await.expect("a pool write waited more than 5 s behind units").unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut units = 0;
    for s in streams {
        units += s.await.unwrap();
    }
    assert!(units > 20, "{units} units");
    let n = super::super::count(&db.read, "SELECT COUNT(*) AS n FROM t", vec![]).await.unwrap();
    assert_eq!(n, units + 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handle_kept_for_a_unit_that_gives_up_goes_back_to_the_pool() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir).await;
    for round in 0..30 {
        let u = db.begin_unit().await.unwrap();
        insert_id(&u, INSERT, values(round, false)).await.unwrap();
        let d = db.clone();
        let waiter = tokio::spawn(async move { d.begin_unit().await.map(|_| ()) });
        tokio::time::sleep(std::time::Duration::from_millis(if round % 2 == 0 { 20 } else { 0 })).await;
        // The unit ends with a unit waiting (so it may keep the handle for it), and the waiter gives up
        // around the same moment; whatever the order, the pool must get the writer.
        u.commit().await.unwrap();
        waiter.abort();
        let _ = waiter.await;
        let w =
            tokio::time::timeout(std::time::Duration::from_secs(5), insert_id(&db.write, INSERT, values(100, false)));
        w.await.unwrap_or_else(|_| panic!("round {round}: the writer was left locked")).unwrap();
    }
}

/// Group COMMITs so far on this database's writer.
fn commits(db: &Db) -> u64 {
    db.writer.as_ref().map(|w| w.commits()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_units_commit_returns_only_once_its_group_has_committed() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir).await;
    let before = commits(&db);
    let first = db.begin_unit().await.unwrap();
    let id = insert_id(&first, INSERT, values(1, false)).await.unwrap();
    // A second unit queues behind the first, then takes its time inside (so it joins the first's group
    // and keeps the group's transaction open for a while).
    let d = db.clone();
    let second = tokio::spawn(async move {
        let u = d.begin_unit().await.unwrap();
        insert_id(&u, INSERT, values(2, false)).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        u.commit().await
    });
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    first.commit().await.unwrap();
    // `Ok` from commit means committed: another connection sees the row at once.
    let seen = super::super::count(&db.read, "SELECT COUNT(*) AS n FROM t WHERE id = $1", params![id]).await.unwrap();
    assert_eq!(seen, 1, "the first unit's commit returned before its group committed");
    second.await.unwrap().unwrap();
    assert_eq!(commits(&db) - before, 1, "the two units were one group");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_units_share_commits() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir).await;
    let before = commits(&db);
    let tasks: Vec<_> = (0..64i64)
        .map(|k| {
            let d = db.clone();
            tokio::spawn(async move {
                let u = d.begin_unit().await.unwrap();
                let id = insert_id(&u, INSERT, values(k, false)).await.unwrap();
                u.commit().await.unwrap();
                // `Ok` from commit means committed: another connection sees the row at once.
                super::super::count(&d.read, "SELECT COUNT(*) AS n FROM t WHERE id = $1", params![id]).await.unwrap()
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), 1, "a unit's commit returned before its row was committed");
    }
    let groups = commits(&db) - before;
    assert_eq!(super::super::count(&db.read, "SELECT COUNT(*) AS n FROM t", vec![]).await.unwrap(), 64);
    assert!(groups < 64, "64 units queued for the writer and none shared a COMMIT ({groups} commits)");
    assert!(groups >= 64 / super::writer::MAX_GROUP as u64, "{groups} commits: a group is at most MAX_GROUP units");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_that_fails_in_a_group_takes_only_its_own_work() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(&dir).await;
    exec(&db.write, "INSERT INTO teams (project_id, name) VALUES (1, '保洁组')", vec![]).await.unwrap();
    let before = commits(&db);
    // The first unit holds the writer while three more queue behind it, so all four make one group.
    let first = db.begin_unit().await.unwrap();
    insert_id(&first, INSERT, values(1, false)).await.unwrap();
    let queued: Vec<_> = (2..=4i64)
        .map(|k| {
            let d = db.clone();
            tokio::spawn(async move {
                let u = d.begin_unit().await.unwrap();
                insert_id(&u, INSERT, values(k, true)).await.unwrap();
                if k == 3 {
                    // Its own row went in; then a broken constraint, and the unit is dropped (an error
                    // returned early): its row must go, the others' must stay.
                    let e = exec(&u, "INSERT INTO teams (project_id, name) VALUES (1, '保洁组')", vec![]).await;
                    assert!(e.is_err());
                    return Err(());
                }
                u.commit().await.map_err(|_| ())
            })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let done = tokio::spawn(async move { first.commit().await });
    let mut outcomes = Vec::new();
    for t in queued {
        outcomes.push(t.await.unwrap());
    }
    done.await.unwrap().unwrap();
    assert_eq!(outcomes, vec![Ok(()), Err(()), Ok(())]);
    let ns: Vec<i64> = all::<Row>(&db.read, "SELECT *, id AS row_id FROM t ORDER BY n", vec![])
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.n)
        .collect();
    assert_eq!(ns, vec![1, 2, 4]);
    assert_eq!(commits(&db) - before, 1, "the four units were one group");
    assert_eq!(super::super::count(&db.read, "SELECT COUNT(*) AS n FROM teams", vec![]).await.unwrap(), 1);
}
