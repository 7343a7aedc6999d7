//! The one SQLite writer as write units take it: the gate, the handle kept locked between units, and the
//! group whose work one COMMIT makes durable (the module docs of `db::unit` tell the whole design).

// It lends the writer's locked `sqlite3` handle to rusqlite (SAFETY notes below).
#![allow(unsafe_code)]

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicU64, Ordering},
};

use sea_orm::{
    DatabaseConnection, DbErr, RuntimeErr,
    sqlx::{self, pool::PoolConnection, sqlite::LockedSqliteHandle},
};

use super::lite_err;

fn conn_err(e: sqlx::Error) -> DbErr {
    DbErr::Conn(RuntimeErr::SqlxError(e))
}

/// The one SQLite writer as units take it. A unit takes the writer's handle from sqlx's pool and locks it
/// away from sqlx's worker thread — two trips to that thread, and the unit's task then waits in the
/// runtime's queue for the answer while it holds the writer. Under load the handle is therefore kept
/// locked from one unit to the next while more units are waiting (at most `MAX_RUN` in a row), and given
/// back to the pool as soon as none is, so writes through the pool (imports, jobs) keep their turn.
pub struct Writer {
    /// One unit at a time; `Some` while the handle is kept locked between units.
    gate: Arc<tokio::sync::Mutex<Option<Held>>>,
    /// Units waiting at the gate. A unit decides to keep or give back the handle, and lets go of the
    /// gate, under this lock; a waiter that gives up checks under it too — so the handle is never left
    /// locked with nobody coming for it.
    waiting: Mutex<usize>,
    /// COMMITs of unit groups so far (against the units run: how much the groups share).
    commits: Arc<AtomicU64>,
}

/// Units run back to back on one locked handle before it goes back to the pool anyway.
const MAX_RUN: u32 = 32;

/// Units whose work commits together at most (it bounds how long the first of them waits).
pub(super) const MAX_GROUP: usize = 16;

/// What a unit waiting for its group's COMMIT hears: the COMMIT's outcome.
type Settled = tokio::sync::oneshot::Sender<Result<(), DbErr>>;

pub(super) type Gate = tokio::sync::OwnedMutexGuard<Option<Held>>;

impl Writer {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self {
            gate: Arc::new(tokio::sync::Mutex::new(None)),
            waiting: Mutex::new(0),
            commits: Arc::default(),
        })
    }

    /// Group COMMITs so far (each is one or more units' work).
    pub fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }

    fn waiting(&self) -> std::sync::MutexGuard<'_, usize> {
        self.waiting.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Wait for the gate; the handle kept by the unit before, or a fresh one from the pool.
    pub(super) async fn take(&self, write: &DatabaseConnection) -> Result<Gate, DbErr> {
        *self.waiting() += 1;
        let mut waiter = Waiter { writer: self, done: false };
        let mut gate = self.gate.clone().lock_owned().await;
        *self.waiting() -= 1;
        waiter.done = true;
        if gate.is_none() {
            *gate = Some(Held::lock(write, self.commits.clone()).await?);
        }
        Ok(gate)
    }

    /// A unit is done with the handle: keep it (and the group's open transaction) for the next waiting
    /// unit, or commit the group and give the handle back to sqlx.
    pub(super) fn finish(&self, mut gate: Gate, clean: bool) {
        let waiting = self.waiting();
        let keep = match gate.as_mut() {
            Some(h) => {
                h.runs += 1;
                let keep = clean && *waiting > 0 && h.runs < MAX_RUN;
                if !keep || h.group.len() >= MAX_GROUP {
                    h.settle();
                }
                keep
            }
            None => false,
        };
        if !keep {
            // Settled above; then the wrapper, the lock guard (the handle is sqlx's again), then the
            // connection, to its pool.
            gate.take();
        }
        drop(gate);
        drop(waiting);
    }
}

/// A unit waiting at the gate; if it gives up (its task is dropped) and was the last one waiting, a
/// handle kept for it goes back to the pool (its group committed first, by `Held`'s drop).
struct Waiter<'a> {
    writer: &'a Writer,
    done: bool,
}

impl Drop for Waiter<'_> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let mut waiting = self.writer.waiting();
        *waiting -= 1;
        if *waiting == 0
            && let Ok(mut gate) = self.writer.gate.clone().try_lock_owned()
        {
            gate.take();
        }
    }
}

/// The writer's handle while units hold it. Dropped, it first commits the group's work (`settle`); then
/// its fields drop in order: the rusqlite wrapper, the lock guard (which borrows the connection), and last
/// the pooled connection, back to its pool.
pub(super) struct Held {
    pub(super) conn: rusqlite::Connection,
    _locked: LockedSqliteHandle<'static>,
    _pooled: Pooled,
    /// Units run on it since it was taken from the pool.
    runs: u32,
    /// Units whose work is released into the open transaction, waiting for its COMMIT; while it is not
    /// empty a transaction is open, and the next unit runs in a savepoint inside it.
    pub(super) group: Vec<Settled>,
    commits: Arc<AtomicU64>,
}

impl Held {
    /// The connection, inside its transaction only: if SQLite has ended the transaction (an I/O error
    /// rolls it back whole), a statement would otherwise commit on its own.
    pub(super) fn in_tx(&self) -> Result<&rusqlite::Connection, DbErr> {
        if self.conn.is_autocommit() {
            return Err(DbErr::Custom("write unit: its transaction has ended".into()));
        }
        Ok(&self.conn)
    }

    /// Commit the group's transaction and tell each of its units the outcome (on failure nothing of the
    /// group stays: rolled back, every unit hears the error).
    fn settle(&mut self) {
        if self.group.is_empty() {
            return;
        }
        let outcome = if self.conn.is_autocommit() {
            // SQLite already rolled the whole transaction back (an I/O error, a full disk).
            Err(DbErr::Custom("write unit: the shared transaction was rolled back".into()))
        } else {
            self.commits.fetch_add(1, Ordering::Relaxed);
            self.conn.execute_batch("COMMIT").map_err(|e| lite_err(e, false))
        };
        if outcome.is_err()
            && !self.conn.is_autocommit()
            && let Err(e) = self.conn.execute_batch("ROLLBACK")
        {
            tracing::error!(error = %e, "write unit: rollback of a failed group commit failed");
        }
        for unit in self.group.drain(..) {
            let _ = unit.send(match &outcome {
                Ok(()) => Ok(()),
                Err(e) => Err(DbErr::Custom(format!("write unit: commit failed: {e}"))),
            });
        }
    }

    async fn lock(write: &DatabaseConnection, commits: Arc<AtomicU64>) -> Result<Held, DbErr> {
        let pool = write.get_sqlite_connection_pool();
        let pooled = Pooled(Box::into_raw(Box::new(pool.acquire().await.map_err(conn_err)?)));
        // SAFETY: `pooled` owns the box from `Box::into_raw`; it frees it only when dropped, and everything
        // that borrows it (the lock guard, the rusqlite wrapper) is dropped before it — in `Held` by field
        // order; here, if this future is dropped while waiting for the lock, the pending `lock_handle`
        // future (a temporary) goes before the local `pooled`, and the connection returns to its pool
        // instead of leaking the one writer.
        let mut locked = unsafe { &mut *pooled.0 }.lock_handle().await.map_err(conn_err)?;
        // SAFETY: the writer's handle, locked while this `Held` lives (sqlx's worker waits on the lock until
        // the guard drops, after this wrapper); the wrapper does not close the handle when dropped. On an
        // error here the locals drop in reverse order: the guard, then the pooled connection.
        let conn = unsafe { rusqlite::Connection::from_handle(locked.as_raw_handle().as_ptr()) }
            .map_err(|e| lite_err(e, false))?;
        // Every statement of the write paths stays prepared while the handle is held.
        conn.set_prepared_statement_cache_capacity(128);
        Ok(Held { conn, _locked: locked, _pooled: pooled, runs: 0, group: Vec::new(), commits })
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.settle();
    }
}

/// A `Box<PoolConnection<Sqlite>>` turned into a raw pointer (so the guard may borrow it while it moves
/// with the handle); dropping it gives the connection back to its pool.
struct Pooled(*mut PoolConnection<sqlx::Sqlite>);

impl Drop for Pooled {
    fn drop(&mut self) {
        // SAFETY: from `Box::into_raw` in `Held::lock`, freed once, here, after whatever borrowed it.
        drop(unsafe { Box::from_raw(self.0) });
    }
}

// SAFETY: it is an owned `Box<PoolConnection<Sqlite>>` (which is Send and Sync), dereferenced only by
// its owner: once to lock the handle and once to free it.
unsafe impl Send for Pooled {}
unsafe impl Sync for Pooled {}
