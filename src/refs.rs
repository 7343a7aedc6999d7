//! Reference data served from memory, kept true (issue 15). The rows a write path checks against and
//! that change rarely — a request category with its SLA, where a home is, a project's categories and
//! buildings, a booking's room, centre, hours and closed days — are kept per instance and served only
//! under the stamp the request read with its credential (`Ctx::refs`, two columns of that same query):
//! the org tree's epoch (`m0041`, bumped on every change to the tree and to a home's project) and the
//! reference-data epoch (`m0045`, bumped on every change to those tables and on a household row going
//! away). Both are bumped by database triggers in the changing transaction, so a request that begins
//! after a change commits reads a newer stamp than the cached rows carry, misses, and reads the
//! database — on every instance. The cache saves the query, never the freshness: a row is served only
//! under exactly the stamp it was read under.
//!
//! Why a row read under a stamp may serve every request holding that stamp: the stamp was read before
//! the row (the credential query comes first), and a change bumps the stamp in its own transaction, so
//! the row is at least as new as the stamp; and a request holding the same stamp began before any
//! later change committed.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, RwLock};

/// Past this many rows the cache is emptied and refilled (a bound, not an LRU: reference data is
/// small; this only keeps a scan of ids from growing it without end).
const MAX_ROWS: usize = 20_000;

/// What a request read with its credential: the org tree's epoch and the reference-data epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stamp {
    pub org: i64,
    pub refs: i64,
}

impl Stamp {
    /// Both epochs only grow and are read together in one statement, so of two stamps seen, one is
    /// at or past the other in both.
    fn at_or_past(self, other: Stamp) -> bool {
        self.org >= other.org && self.refs >= other.refs
    }
}

/// What a cached row is: a table (or a query's name) and an id.
pub type Key = (&'static str, i64);

type Row = Arc<dyn Any + Send + Sync>;

#[derive(Default)]
pub struct Refs {
    inner: RwLock<Inner>,
}

#[derive(Default)]
struct Inner {
    /// The stamp every row in `rows` was read under.
    stamp: Stamp,
    rows: HashMap<Key, Row>,
}

impl Refs {
    /// The row under `key` if it was read under exactly `stamp`.
    pub fn get<T: Any + Send + Sync>(&self, key: Key, stamp: Stamp) -> Option<Arc<T>> {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        if inner.stamp != stamp {
            return None;
        }
        inner.rows.get(&key).cloned().and_then(|r| r.downcast::<T>().ok())
    }

    /// Keep a row read from the database by a request that read `stamp`. A newer stamp empties the
    /// cache (every row in it may predate the change); an older one is not kept (a newer change has
    /// been seen, and this row may predate it).
    pub fn put<T: Any + Send + Sync>(&self, key: Key, stamp: Stamp, row: Arc<T>) {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        if stamp != inner.stamp {
            if !stamp.at_or_past(inner.stamp) {
                return;
            }
            inner.rows.clear();
            inner.stamp = stamp;
        }
        if inner.rows.len() >= MAX_ROWS && !inner.rows.contains_key(&key) {
            inner.rows.clear();
        }
        inner.rows.insert(key, row);
    }

    /// The row from memory under the request's stamp, else from `fetch` (and kept). Without a stamp
    /// (no credential was read, so nothing to check against) always from `fetch`. Absent rows are not
    /// kept: a row added later needs no bump to be found.
    pub async fn load<T, E, F, Fut>(&self, stamp: Option<Stamp>, key: Key, fetch: F) -> Result<Option<Arc<T>>, E>
    where
        T: Any + Send + Sync,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Option<T>, E>>,
    {
        if let Some(s) = stamp
            && let Some(row) = self.get::<T>(key, s)
        {
            return Ok(Some(row));
        }
        let row = fetch().await?.map(Arc::new);
        if let (Some(s), Some(r)) = (stamp, &row) {
            self.put(key, s, r.clone());
        }
        Ok(row)
    }

    /// A list (a project's categories, a centre's hours) from memory under the request's stamp, else from
    /// `fetch`, as `load`; an empty list is kept too (the watched tables' inserts bump the stamp).
    pub async fn load_all<T, E, F, Fut>(&self, stamp: Option<Stamp>, key: Key, fetch: F) -> Result<Arc<Vec<T>>, E>
    where
        T: Any + Send + Sync,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<T>, E>>,
    {
        Ok(self.load(stamp, key, || async { fetch().await.map(Some) }).await?.unwrap_or_default())
    }

    pub fn len(&self) -> usize {
        self.inner.read().unwrap_or_else(|e| e.into_inner()).rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

    fn s(org: i64, refs: i64) -> Stamp {
        Stamp { org, refs }
    }

    #[test]
    fn a_row_stands_only_under_the_stamp_it_was_read_under() {
        let r = Refs::default();
        r.put(("t", 1), s(3, 5), Arc::new("五".to_string()));
        assert_eq!(r.get::<String>(("t", 1), s(3, 5)).as_deref().map(String::as_str), Some("五"));
        assert!(r.get::<String>(("t", 1), s(3, 6)).is_none(), "a newer reference epoch misses");
        assert!(r.get::<String>(("t", 1), s(4, 5)).is_none(), "a newer org epoch misses");
        assert!(r.get::<String>(("t", 1), s(3, 4)).is_none(), "an older stamp misses");
        assert!(r.get::<String>(("t", 2), s(3, 5)).is_none(), "another id");
        assert!(r.get::<String>(("u", 1), s(3, 5)).is_none(), "another table");
        assert!(r.get::<i64>(("t", 1), s(3, 5)).is_none(), "another type is a miss, not a panic");
    }

    #[test]
    fn a_row_read_before_a_change_never_replaces_one_read_after_it() {
        let r = Refs::default();
        r.put(("t", 1), s(1, 5), Arc::new(1i64));
        r.put(("t", 2), s(1, 6), Arc::new(2i64));
        assert!(r.get::<i64>(("t", 1), s(1, 5)).is_none(), "the newer stamp emptied the rows read under the older");
        // A slow request that began before the change comes back with its (possibly old) row: not kept.
        r.put(("t", 2), s(1, 5), Arc::new(-2i64));
        r.put(("t", 3), s(0, 6), Arc::new(-3i64));
        assert_eq!(r.get::<i64>(("t", 2), s(1, 6)).as_deref(), Some(&2));
        assert!(r.get::<i64>(("t", 3), s(1, 6)).is_none());
        assert_eq!(r.len(), 1);
        // The org tree moves on: the same again.
        r.put(("t", 4), s(2, 6), Arc::new(4i64));
        assert!(r.get::<i64>(("t", 2), s(2, 6)).is_none());
        assert_eq!(r.len(), 1);
    }

    #[test]
    fn the_cache_is_bounded() {
        let r = Refs::default();
        for id in 0..(MAX_ROWS as i64 + 10) {
            r.put(("t", id), s(1, 1), Arc::new(id));
        }
        assert!(r.len() <= MAX_ROWS);
        assert!(r.get::<i64>(("t", MAX_ROWS as i64 + 9), s(1, 1)).is_some(), "the newest is kept");
    }

    #[tokio::test]
    async fn load_fetches_once_per_stamp_and_always_without_one() {
        let r = Refs::default();
        let fetches = AtomicUsize::new(0);
        let fetch = || async {
            fetches.fetch_add(1, SeqCst);
            Ok::<_, ()>(Some(7i64))
        };
        for _ in 0..3 {
            assert_eq!(r.load(Some(s(1, 1)), ("t", 1), fetch).await.unwrap().as_deref(), Some(&7));
        }
        assert_eq!(fetches.load(SeqCst), 1);
        r.load(Some(s(1, 2)), ("t", 1), fetch).await.unwrap();
        assert_eq!(fetches.load(SeqCst), 2);
        r.load(None, ("t", 1), fetch).await.unwrap();
        r.load(None, ("t", 1), fetch).await.unwrap();
        assert_eq!(fetches.load(SeqCst), 4);
        // Absent rows are not kept.
        let none = r.load(Some(s(1, 2)), ("t", 9), || async { Ok::<Option<i64>, ()>(None) }).await.unwrap();
        assert!(none.is_none() && r.get::<i64>(("t", 9), s(1, 2)).is_none());
    }
}
