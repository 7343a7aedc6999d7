//! One write, one trip to the writer (issue 15).
//!
//! A write action (a report with its timeline event, audit line and notices) runs as a **unit**:
//! `Db::begin_unit` opens it, the action's store calls run against the [`Unit`] — which implements
//! SeaORM's `ConnectionTrait`, so the same store functions and the same SQL serve both databases — and
//! `commit` ends it; dropped uncommitted (an error returned early, a client that hung up) it rolls back.
//!
//! - **PostgreSQL**: a plain transaction on the pool.
//! - **SQLite**: the single writer connection is taken from its pool, its `sqlite3` handle locked away
//!   from sqlx's worker thread, and every statement of the unit runs synchronously on the calling thread
//!   through `rusqlite` on that same handle (`BEGIN IMMEDIATE` … `COMMIT`). Through sqlx each statement
//!   is a round trip to the driver's worker thread and back through the async scheduler (two context
//!   switches; the profile in docs/benchmarks.md); here a statement costs what SQLite's work costs.
//!   It is still the one writer connection, so writes stay serialised exactly as before. Under load the
//!   locked handle passes straight from one unit to the next waiting one ([`Writer`]), so a busy writer is
//!   not handed back to sqlx and taken again (a round trip to its thread, waited out while holding the
//!   writer) for every unit; it goes back to the pool when no unit waits, or after `MAX_RUN` in a row.
//! - **Group commit** (SQLite): while units wait, they share one transaction. The first opens it
//!   (`BEGIN IMMEDIATE`), each later one runs inside its own savepoint, and a unit's `commit` releases its
//!   savepoint into the shared transaction and *waits*: the transaction commits once, when no unit is
//!   waiting any more (or after `MAX_GROUP` units), and only then does each unit's `commit` return — with
//!   that COMMIT's outcome. A unit that fails or is dropped rolls back to its own savepoint and takes only
//!   its own work with it. So each unit's outcome stays its own (`Ok` means durable, exactly as before),
//!   and what the group shares is the COMMIT: the WAL frames of pages several units touched (the right-hand
//!   leaves of the request table and its indexes) are written once per group, not once per unit.
//!
//! Limits: the statements run on the async worker that runs the action, so a unit's SQL must be the
//! short statements of one action (bulk work — imports, backfills — stays on the pool). Another
//! *process* writing the same SQLite file (a CLI command run beside the server) can make `BEGIN
//! IMMEDIATE` wait up to the busy timeout on that worker; one server process per SQLite file is the
//! supported set-up, and several instances use PostgreSQL.
//!
//! Inside a SQLite unit, rows read back are typed from the column's declared type as PostgreSQL types
//! them (`bigint` and the `id` keys as `i64`, `integer` as `i32`, `smallint` as `i16`, `boolean` as
//! `bool`, `timestamp…` as `DateTime<Utc>`, text, real, blob; expressions by their value, integers as
//! `i64`), so a row type that reads on PostgreSQL reads here; `unit_reads_back_what_the_pool_reads`
//! pins that these decode exactly as through the pool. See [`Decl::of`] for how a key is told apart.
//! Values are bound exactly as sqlx binds them (same text for times and JSON), so a row written in a
//! unit is byte-for-byte the row the pool would have written (`unit_writes_what_the_pool_writes`).

use std::{
    borrow::Cow,
    collections::BTreeMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
};

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::types::{ToSqlOutput, Value as Lite, ValueRef};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseTransaction, DbErr, ExecResult, ProxyExecResult, ProxyRow, QueryResult,
    RuntimeErr, Statement, TransactionTrait, Value, sqlx,
};

use super::Db;

mod read;
mod writer;
pub use read::{Reader, Readers};
pub use writer::Writer;
use writer::{Gate, Held};

/// The connection a write unit's statements run on; `Db::begin_unit` opens it, `commit` ends it, and
/// dropping it uncommitted rolls it back.
pub enum Unit {
    Tx(DatabaseTransaction),
    Sqlite(SqliteUnit),
}

impl Db {
    /// Open a write unit (the write path's transaction; see the module docs).
    pub async fn begin_unit(&self) -> Result<Unit, DbErr> {
        let Some(writer) = &self.writer else {
            return Ok(Unit::Tx(self.write.begin().await?));
        };
        let guard = writer.take(&self.write).await?;
        let nested = guard.as_ref().is_some_and(|h| !h.group.is_empty());
        let u =
            SqliteUnit { slot: Mutex::new(Some(guard)), open: AtomicBool::new(true), nested, writer: writer.clone() };
        u.with_handle(|c| {
            c.conn
                .execute_batch(if nested { "SAVEPOINT xh_unit" } else { "BEGIN IMMEDIATE" })
                .map_err(|e| lite_err(e, false))
        })?;
        Ok(Unit::Sqlite(u))
    }
}

impl Unit {
    pub async fn commit(self) -> Result<(), DbErr> {
        match self {
            Unit::Tx(t) => t.commit().await,
            Unit::Sqlite(s) => {
                // Into the group's transaction; the group commits when `finish` (or a later unit's) says so.
                let settled = s.release()?;
                drop(s);
                settled.await.unwrap_or_else(|_| Err(DbErr::Custom("write unit: the writer went away".into())))
            }
        }
    }

    pub async fn rollback(self) -> Result<(), DbErr> {
        match self {
            Unit::Tx(t) => t.rollback().await,
            // Dropped open, it rolls back its own work (to its savepoint if it is in a group).
            Unit::Sqlite(s) => {
                drop(s);
                Ok(())
            }
        }
    }
}

/// What a write action ends with: a pool transaction or a write unit. `audit::commit` takes either, so
/// moving an action onto a unit changes only how it begins (`db.begin_unit()` for `db.write.begin()`).
pub trait Commit: ConnectionTrait + Send {
    fn commit(self) -> impl std::future::Future<Output = Result<(), DbErr>> + Send;
}

impl Commit for DatabaseTransaction {
    fn commit(self) -> impl std::future::Future<Output = Result<(), DbErr>> + Send {
        DatabaseTransaction::commit(self)
    }
}

impl Commit for Unit {
    fn commit(self) -> impl std::future::Future<Output = Result<(), DbErr>> + Send {
        Unit::commit(self)
    }
}

/// A SQLite write unit on the writer's own handle.
pub struct SqliteUnit {
    /// The gate, holding the handle; `None` only while dropping. (In a `Mutex` to be `Sync`.)
    slot: Mutex<Option<Gate>>,
    /// False once committed (nothing to roll back).
    open: AtomicBool,
    /// Runs in a savepoint inside a group's open transaction (not the transaction's first unit).
    nested: bool,
    writer: Arc<Writer>,
}

impl SqliteUnit {
    fn with_handle<T>(&self, f: impl FnOnce(&mut Held) -> Result<T, DbErr>) -> Result<T, DbErr> {
        let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        match slot.as_mut().and_then(|g| g.as_mut()) {
            Some(h) if self.open.load(Ordering::SeqCst) => f(h),
            _ => Err(DbErr::Custom("write unit already committed".into())),
        }
    }

    /// Run on the unit's connection, inside its transaction only (`Held::in_tx`).
    fn with<T>(&self, f: impl FnOnce(&rusqlite::Connection) -> Result<T, DbErr>) -> Result<T, DbErr> {
        self.with_handle(|h| f(h.in_tx()?))
    }

    /// Release the unit's work into the group's transaction and join the group: the receiver hears the
    /// COMMIT's outcome.
    fn release(&self) -> Result<tokio::sync::oneshot::Receiver<Result<(), DbErr>>, DbErr> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.with_handle(|h| {
            let c = h.in_tx()?;
            if self.nested {
                c.execute_batch("RELEASE xh_unit").map_err(|e| lite_err(e, false))?;
            }
            h.group.push(tx);
            Ok(())
        })?;
        self.open.store(false, Ordering::SeqCst);
        Ok(rx)
    }

    fn exec(&self, st: &Statement) -> Result<ExecResult, DbErr> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(&st.sql).map_err(|e| lite_err(e, false))?;
            bind(&mut stmt, st)?;
            let n = stmt.raw_execute().map_err(|e| lite_err(e, false))?;
            Ok(ProxyExecResult::new(c.last_insert_rowid() as u64, n as u64).into())
        })
    }

    fn query(&self, st: &Statement, limit: Option<usize>) -> Result<Vec<QueryResult>, DbErr> {
        self.with(|c| query_on(c, st, limit))
    }
}

/// Run a query on a rusqlite connection (a unit's, or a reader's), rows decoded by declared type.
fn query_on(c: &rusqlite::Connection, st: &Statement, limit: Option<usize>) -> Result<Vec<QueryResult>, DbErr> {
    let mut stmt = c.prepare_cached(&st.sql).map_err(|e| lite_err(e, true))?;
    bind(&mut stmt, st)?;
    let cols: Vec<(String, Decl)> =
        stmt.columns().iter().map(|c| (c.name().to_string(), Decl::of(c.decl_type(), c.name()))).collect();
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(|e| lite_err(e, true))? {
        let mut values = BTreeMap::new();
        for (i, (name, decl)) in cols.iter().enumerate() {
            let v = row.get_ref(i).map_err(|e| lite_err(e, true))?;
            values.insert(name.clone(), decl.value(v)?);
        }
        out.push(ProxyRow::new(values).into());
        if limit.is_some_and(|l| out.len() >= l) {
            break;
        }
    }
    Ok(out)
}

impl Drop for SqliteUnit {
    fn drop(&mut self) {
        let Some(gate) = self.slot.get_mut().unwrap_or_else(|p| p.into_inner()).take() else { return };
        let mut clean = true;
        // Not committed: take back this unit's own work — its savepoint inside a group, else the whole
        // transaction (it is the group's first unit: nothing of another's is in it yet).
        if self.open.load(Ordering::SeqCst)
            && let Some(h) = gate.as_ref()
            && !h.conn.is_autocommit()
        {
            let undo = if self.nested { "ROLLBACK TO xh_unit; RELEASE xh_unit" } else { "ROLLBACK" };
            if let Err(e) = h.conn.execute_batch(undo) {
                tracing::error!(error = %e, "write unit: rollback failed");
                clean = false;
                // Its work must not commit with the group's: the whole transaction goes, and the group's
                // units hear it failed (`settle`).
                if !h.conn.is_autocommit() {
                    let _ = h.conn.execute_batch("ROLLBACK");
                }
            }
        }
        self.writer.finish(gate, clean);
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for Unit {
    fn get_database_backend(&self) -> DatabaseBackend {
        match self {
            Unit::Tx(t) => t.get_database_backend(),
            Unit::Sqlite(_) => DatabaseBackend::Sqlite,
        }
    }

    async fn execute(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        match self {
            Unit::Tx(t) => t.execute(stmt).await,
            Unit::Sqlite(s) => s.exec(&stmt),
        }
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        match self {
            Unit::Tx(t) => t.execute_unprepared(sql).await,
            Unit::Sqlite(s) => s.with(|c| {
                c.execute_batch(sql).map_err(|e| lite_err(e, false))?;
                Ok(ProxyExecResult::new(c.last_insert_rowid() as u64, c.changes()).into())
            }),
        }
    }

    async fn query_one(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        match self {
            Unit::Tx(t) => t.query_one(stmt).await,
            Unit::Sqlite(s) => Ok(s.query(&stmt, Some(1))?.into_iter().next()),
        }
    }

    async fn query_all(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match self {
            Unit::Tx(t) => t.query_all(stmt).await,
            Unit::Sqlite(s) => s.query(&stmt, None),
        }
    }
}

/// Bind `$n` parameters by name, as sqlx does: `$3` takes the third value wherever it appears.
fn bind(stmt: &mut rusqlite::CachedStatement<'_>, st: &Statement) -> Result<(), DbErr> {
    let values: &[Value] = st.values.as_ref().map(|v| v.0.as_slice()).unwrap_or(&[]);
    for idx in 1..=stmt.parameter_count() {
        let n = stmt
            .parameter_name(idx)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| (1..=values.len()).contains(n))
            .ok_or_else(|| DbErr::Custom(format!("write unit: parameter {idx} is not one of $1..${}", values.len())))?;
        stmt.raw_bind_parameter(idx, to_sql(&values[n - 1])?).map_err(|e| lite_err(e, false))?;
    }
    Ok(())
}

/// A value as sqlx's SQLite encoder writes it (`sea-query-binder`, `sqlx-sqlite`'s chrono and JSON types).
fn to_sql(v: &Value) -> Result<ToSqlOutput<'static>, DbErr> {
    fn int<T: Into<i64> + Copy>(v: &Option<T>) -> Lite {
        v.map(|x| Lite::Integer(x.into())).unwrap_or(Lite::Null)
    }
    fn text(v: Option<String>) -> Lite {
        v.map(Lite::Text).unwrap_or(Lite::Null)
    }
    fn rfc3339<Tz: chrono::TimeZone>(t: &DateTime<Tz>) -> String
    where
        Tz::Offset: std::fmt::Display,
    {
        t.to_rfc3339_opts(SecondsFormat::AutoSi, false)
    }
    Ok(ToSqlOutput::Owned(match v {
        Value::Bool(b) => int(&b.map(i64::from)),
        Value::TinyInt(i) => int(i),
        Value::SmallInt(i) => int(i),
        Value::Int(i) => int(i),
        Value::BigInt(i) => int(i),
        Value::TinyUnsigned(i) => int(i),
        Value::SmallUnsigned(i) => int(i),
        Value::Unsigned(i) => int(i),
        Value::BigUnsigned(i) => match i {
            Some(u) => {
                Lite::Integer(i64::try_from(*u).map_err(|_| DbErr::Custom("write unit: integer out of range".into()))?)
            }
            None => Lite::Null,
        },
        Value::Float(f) => f.map(|x| Lite::Real(x.into())).unwrap_or(Lite::Null),
        Value::Double(f) => f.map(Lite::Real).unwrap_or(Lite::Null),
        Value::String(s) => text(s.as_ref().map(|s| s.to_string())),
        Value::Char(c) => text(c.map(|c| c.to_string())),
        Value::Bytes(b) => b.as_ref().map(|b| Lite::Blob(b.to_vec())).unwrap_or(Lite::Null),
        Value::Json(j) => text(j.as_ref().map(|j| j.to_string())),
        Value::ChronoDate(d) => text(d.as_ref().map(|d| d.format("%F").to_string())),
        Value::ChronoTime(t) => text(t.as_ref().map(|t| t.format("%T%.f").to_string())),
        Value::ChronoDateTime(t) => text(t.as_ref().map(|t| t.format("%F %T%.f").to_string())),
        Value::ChronoDateTimeUtc(t) => text(t.as_ref().map(|t| rfc3339(t))),
        Value::ChronoDateTimeLocal(t) => text(t.as_ref().map(|t| rfc3339(t))),
        Value::ChronoDateTimeWithTimeZone(t) => text(t.as_ref().map(|t| rfc3339(t))),
        Value::Array(..) => return Err(DbErr::Custom("write unit: arrays are PostgreSQL's only".into())),
    }))
}

/// What a result column's declared type says its values are.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Decl {
    Bool,
    Time,
    /// `date_text` (as the migrations declare a date on SQLite): a `NaiveDate`.
    Date,
    /// `bigint`, and the `integer` primary keys (`bigint` on PostgreSQL): `i64`.
    Int,
    /// `integer` (`int4` on PostgreSQL, so `i32` in every row type that passes there).
    Int32,
    /// `smallint`: `i16`.
    Int16,
    Real,
    Text,
    Blob,
    /// An expression (`COUNT(*)`, `RETURNING id + 0`): no declared type; by the stored value.
    None,
}

impl Decl {
    /// By the declared type, and for `integer` by the result column's name: on SQLite a primary key must
    /// be declared `integer` (the rowid) like an `int4` column, so the one is told from the other by the
    /// schema's naming rule — every primary key is `id`, and only keys are called `id` or `…_id` (the
    /// test `integer_columns_follow_the_naming_rule` holds the migrated schema to it). A key read under
    /// another name (`s.id AS parent`) reads as `i32`: name it `…_id`.
    fn of(decl: Option<&str>, name: &str) -> Decl {
        let Some(d) = decl.map(str::to_ascii_lowercase) else { return Decl::None };
        if d == "integer" {
            if name == "id" || name.ends_with("_id") { Decl::Int } else { Decl::Int32 }
        } else if d == "smallint" {
            Decl::Int16
        } else if d.contains("bool") {
            Decl::Bool
        } else if d.contains("timestamp") || d.contains("datetime") {
            Decl::Time
        } else if d.contains("date") {
            Decl::Date
        } else if d.contains("int") {
            Decl::Int
        } else if d.contains("real") || d.contains("double") || d.contains("float") {
            Decl::Real
        } else if d.contains("blob") {
            Decl::Blob
        } else {
            Decl::Text
        }
    }

    fn value(self, v: ValueRef<'_>) -> Result<Value, DbErr> {
        let bad = |what: &str| DbErr::Custom(format!("write unit: cannot read {what} as {self:?}"));
        Ok(match (self, v) {
            (Decl::Bool, ValueRef::Null) => Value::Bool(None),
            (Decl::Time, ValueRef::Null) => Value::ChronoDateTimeUtc(None),
            (Decl::Date, ValueRef::Null) => Value::ChronoDate(None),
            (Decl::Date, ValueRef::Text(t)) => {
                let s = std::str::from_utf8(t).map_err(|_| bad("text"))?;
                let d = chrono::NaiveDate::parse_from_str(s, "%F").map_err(|_| bad("a date"))?;
                Value::ChronoDate(Some(Box::new(d)))
            }
            (Decl::Int | Decl::None, ValueRef::Null) => Value::BigInt(None),
            (Decl::Int32, ValueRef::Null) => Value::Int(None),
            (Decl::Int16, ValueRef::Null) => Value::SmallInt(None),
            (Decl::Int32, ValueRef::Integer(i)) => {
                Value::Int(Some(i32::try_from(i).map_err(|_| bad("a large integer"))?))
            }
            (Decl::Int16, ValueRef::Integer(i)) => {
                Value::SmallInt(Some(i16::try_from(i).map_err(|_| bad("a large integer"))?))
            }
            (Decl::Real, ValueRef::Null) => Value::Double(None),
            (Decl::Text, ValueRef::Null) => Value::String(None),
            (Decl::Blob, ValueRef::Null) => Value::Bytes(None),
            (Decl::Bool, ValueRef::Integer(i)) => Value::Bool(Some(i != 0)),
            (Decl::Time, ValueRef::Text(t)) => {
                let s = std::str::from_utf8(t).map_err(|_| bad("text"))?;
                let t = DateTime::parse_from_rfc3339(s)
                    .map(|t| t.with_timezone(&Utc))
                    .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%F %T%.f").map(|n| n.and_utc()))
                    .map_err(|_| bad("a time"))?;
                Value::ChronoDateTimeUtc(Some(Box::new(t)))
            }
            (_, ValueRef::Integer(i)) => Value::BigInt(Some(i)),
            (_, ValueRef::Real(f)) => Value::Double(Some(f)),
            (_, ValueRef::Text(t)) => {
                Value::String(Some(Box::new(std::str::from_utf8(t).map_err(|_| bad("text"))?.to_string())))
            }
            (_, ValueRef::Blob(b)) => Value::Bytes(Some(Box::new(b.to_vec()))),
        })
    }
}

/// A rusqlite error as the same `DbErr` the pool gives (a database error keeps its message and code, so
/// `constraint::violated` names the broken constraint the same way).
fn lite_err(e: rusqlite::Error, query: bool) -> DbErr {
    let runtime = match e {
        rusqlite::Error::SqliteFailure(f, msg) => {
            let message = msg.unwrap_or_else(|| f.to_string());
            RuntimeErr::SqlxError(sqlx::Error::Database(Box::new(LiteDbError { code: f.extended_code, message })))
        }
        other => RuntimeErr::Internal(other.to_string()),
    };
    if query { DbErr::Query(runtime) } else { DbErr::Exec(runtime) }
}

#[derive(Debug)]
struct LiteDbError {
    code: i32,
    message: String,
}

impl std::fmt::Display for LiteDbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LiteDbError {}

impl sqlx::error::DatabaseError for LiteDbError {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Owned(self.code.to_string()))
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> sqlx::error::ErrorKind {
        use rusqlite::ffi;
        match self.code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                sqlx::error::ErrorKind::UniqueViolation
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => sqlx::error::ErrorKind::ForeignKeyViolation,
            ffi::SQLITE_CONSTRAINT_NOTNULL => sqlx::error::ErrorKind::NotNullViolation,
            ffi::SQLITE_CONSTRAINT_CHECK => sqlx::error::ErrorKind::CheckViolation,
            _ => sqlx::error::ErrorKind::Other,
        }
    }
}

#[cfg(test)]
mod tests;
