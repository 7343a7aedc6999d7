//! Reference data served from memory, kept true (issue 15). The rows a write path checks against and
//! that change rarely — a request category with its SLA — are kept per instance and served only under
//! the reference-data epoch the request read with its credential (`Ctx::ref_epoch`, one column of the
//! same query). The epoch is bumped by database triggers on every change to those tables
//! (`m0043_ref_epoch`), in the changing transaction, so a request that begins after a change commits
//! reads a newer epoch than the cached rows carry, misses, and reads the database — on every instance.
//! The cache saves the query, never the freshness: a row is served under exactly the epoch it was read
//! under or a later read of the database, never an older one.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, RwLock};

/// Past this many rows the cache is emptied and refilled (a bound, not an LRU: reference tables are
/// small; this only keeps a scan of ids from growing it without end).
const MAX_ROWS: usize = 20_000;

type Row = Arc<dyn Any + Send + Sync>;

#[derive(Default)]
pub struct Refs {
    inner: RwLock<Inner>,
}

#[derive(Default)]
struct Inner {
    /// The epoch every row in `rows` was read under (or after).
    epoch: i64,
    rows: HashMap<(&'static str, i64), Row>,
}

impl Refs {
    /// The row `(table, id)` if it was read under exactly `epoch`.
    pub fn get<T: Any + Send + Sync>(&self, table: &'static str, id: i64, epoch: i64) -> Option<Arc<T>> {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        if inner.epoch != epoch {
            return None;
        }
        inner.rows.get(&(table, id)).cloned().and_then(|r| r.downcast::<T>().ok())
    }

    /// Keep a row read from the database by a request that read `epoch`. A newer epoch empties the
    /// cache (every row in it predates the change); an older one is not kept (a newer change has been
    /// seen, and this row may predate it).
    pub fn put<T: Any + Send + Sync>(&self, table: &'static str, id: i64, epoch: i64, row: Arc<T>) {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        if epoch < inner.epoch {
            return;
        }
        if epoch > inner.epoch || inner.rows.len() >= MAX_ROWS {
            inner.rows.clear();
            inner.epoch = epoch;
        }
        inner.rows.insert((table, id), row);
    }

    /// The row from memory under the request's epoch, else from `fetch` (and kept). Without an epoch
    /// (no credential was read, so nothing to check against) always from `fetch`. Absent rows are not
    /// kept.
    pub async fn load<T, E, F, Fut>(
        &self,
        epoch: Option<i64>,
        table: &'static str,
        id: i64,
        fetch: F,
    ) -> Result<Option<Arc<T>>, E>
    where
        T: Any + Send + Sync,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Option<T>, E>>,
    {
        if let Some(e) = epoch
            && let Some(row) = self.get::<T>(table, id, e)
        {
            return Ok(Some(row));
        }
        let row = fetch().await?.map(Arc::new);
        if let (Some(e), Some(r)) = (epoch, &row) {
            self.put(table, id, e, r.clone());
        }
        Ok(row)
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

    #[test]
    fn a_row_stands_only_under_the_epoch_it_was_read_under() {
        let r = Refs::default();
        r.put("t", 1, 5, Arc::new("五".to_string()));
        assert_eq!(r.get::<String>("t", 1, 5).as_deref().map(String::as_str), Some("五"));
        assert!(r.get::<String>("t", 1, 6).is_none(), "a newer epoch misses");
        assert!(r.get::<String>("t", 1, 4).is_none(), "an older epoch misses");
        assert!(r.get::<String>("t", 2, 5).is_none(), "another id");
        assert!(r.get::<String>("u", 1, 5).is_none(), "another table");
        assert!(r.get::<i64>("t", 1, 5).is_none(), "another type is a miss, not a panic");
    }

    #[test]
    fn a_row_read_before_a_change_never_replaces_one_read_after_it() {
        let r = Refs::default();
        r.put("t", 1, 5, Arc::new(1i64));
        r.put("t", 2, 6, Arc::new(2i64));
        assert!(r.get::<i64>("t", 1, 5).is_none(), "the newer epoch emptied the rows read under the older");
        // A slow request that began before the change comes back with its (possibly old) row: not kept.
        r.put("t", 2, 5, Arc::new(-2i64));
        assert_eq!(r.get::<i64>("t", 2, 6).as_deref(), Some(&2));
        assert_eq!(r.len(), 1);
    }

    #[test]
    fn the_cache_is_bounded() {
        let r = Refs::default();
        for id in 0..(MAX_ROWS as i64 + 10) {
            r.put("t", id, 1, Arc::new(id));
        }
        assert!(r.len() <= MAX_ROWS);
    }

    #[tokio::test]
    async fn load_fetches_once_per_epoch_and_always_without_one() {
        let r = Refs::default();
        let fetches = std::sync::atomic::AtomicUsize::new(0);
        let fetch = || async {
            fetches.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok::<_, ()>(Some(7i64))
        };
        for _ in 0..3 {
            assert_eq!(r.load(Some(1), "t", 1, fetch).await.unwrap().as_deref(), Some(&7));
        }
        assert_eq!(fetches.load(std::sync::atomic::Ordering::SeqCst), 1);
        r.load(Some(2), "t", 1, fetch).await.unwrap();
        assert_eq!(fetches.load(std::sync::atomic::Ordering::SeqCst), 2);
        r.load(None, "t", 1, fetch).await.unwrap();
        r.load(None, "t", 1, fetch).await.unwrap();
        assert_eq!(fetches.load(std::sync::atomic::Ordering::SeqCst), 4);
        // Absent rows are not kept.
        let none = r.load(Some(2), "t", 9, || async { Ok::<Option<i64>, ()>(None) }).await.unwrap();
        assert!(none.is_none() && r.get::<i64>("t", 9, 2).is_none());
    }
}
