//! A report reads what it checks through `Db::reader` and writes in a `db::unit` (issue 15). On SQLite both
//! decode rows themselves (rusqlite, by declared type), so every row a report checks must read through
//! them exactly as on the pool — for every category, home, building, unit, spot and household member of
//! the demo data.

use crate::support::TestApp;
use xinghuo::{
    ids::HouseholdId,
    org::{spots, store as org},
    requests::store,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_report_checks_reads_the_same_through_the_reader_and_a_unit_as_on_the_pool() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let ids = |sql: &'static str| {
        let app = &app;
        async move { app.all_strings(sql).await.into_iter().map(|s| s.parse::<i64>().unwrap()).collect::<Vec<_>>() }
    };
    let categories = ids("SELECT CAST(id AS TEXT) AS s FROM request_categories").await;
    let homes = ids("SELECT CAST(node_id AS TEXT) AS s FROM households").await;
    let places = ids("SELECT CAST(id AS TEXT) AS s FROM org_nodes WHERE kind IN ('building', 'unit')").await;
    let spot_ids = ids("SELECT CAST(id AS TEXT) AS s FROM spots").await;
    assert!(categories.len() > 5 && homes.len() > 10 && places.len() > 5 && !spot_ids.is_empty());
    // Through the reader (what a report uses) and inside a unit (what another capability filing a request
    // in its own transaction uses): the same rows, field for field, as the pool.
    let unit = db.begin_unit().await.unwrap();
    let reader = db.reader();
    let same = |what: &str, id: i64, pool: String, inline: String, in_unit: String| {
        assert_eq!(pool, inline, "{what} {id} through the reader");
        assert_eq!(pool, in_unit, "{what} {id} in a unit");
    };
    let mut n = 0;
    for &id in &categories {
        let a = store::category(&db.read, id).await.unwrap();
        assert!(a.is_some());
        let (b, c) = (store::category(&reader, id).await.unwrap(), store::category(&unit, id).await.unwrap());
        same("category", id, format!("{a:?}"), format!("{b:?}"), format!("{c:?}"));
        n += 1;
    }
    for &id in &homes {
        let a = org::home_ref(&db.read, id).await.unwrap().unwrap();
        // The same project and building the full household row names.
        let full = org::household(&db.read, id).await.unwrap().unwrap();
        assert_eq!((a.project_id, a.building_id), (full.project_id, full.building_id));
        let (b, c) = (org::home_ref(&reader, id).await.unwrap(), org::home_ref(&unit, id).await.unwrap());
        same("home", id, format!("{:?}", Some(a)), format!("{b:?}"), format!("{c:?}"));
        let h = HouseholdId(id);
        let a = store::first_member(&db.read, h).await.unwrap();
        let (b, c) = (store::first_member(&reader, h).await.unwrap(), store::first_member(&unit, h).await.unwrap());
        same("first member of", id, format!("{a:?}"), format!("{b:?}"), format!("{c:?}"));
        n += 2;
    }
    for &id in &places {
        let a = store::place(&db.read, id).await.unwrap();
        assert!(a.is_some());
        let (b, c) = (store::place(&reader, id).await.unwrap(), store::place(&unit, id).await.unwrap());
        same("place", id, format!("{a:?}"), format!("{b:?}"), format!("{c:?}"));
        n += 1;
    }
    for &id in &spot_ids {
        let a = spots::spot(&db.read, id).await.unwrap();
        assert!(a.is_some());
        let (b, c) = (spots::spot(&reader, id).await.unwrap(), spots::spot(&unit, id).await.unwrap());
        same("spot", id, format!("{a:?}"), format!("{b:?}"), format!("{c:?}"));
        n += 1;
    }
    // And what does not exist is absent through each.
    assert!(store::category(&reader, -1).await.unwrap().is_none());
    assert!(org::home_ref(&reader, -1).await.unwrap().is_none());
    assert!(store::category(&unit, -1).await.unwrap().is_none());
    unit.rollback().await.unwrap();
    assert!(n > 40, "{n} rows compared");
}
