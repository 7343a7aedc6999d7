//! Reads on connections the app owns (issue 15): the one query every authenticated request makes (its
//! credential) runs inline on the calling thread through rusqlite, on a read-only connection to the same
//! SQLite file, instead of a round trip to a sqlx worker thread (two context switches each). Rows decode
//! exactly as in a write unit (`Decl`); statements stay prepared on each connection across requests.
//!
//! Like a unit, it is for short indexed reads: a query runs on the async worker that asks for it. On
//! PostgreSQL it is the read pool. In WAL mode a read sees the last commit at the time it starts, as a
//! pool read does.

use std::{path::PathBuf, sync::Mutex, time::Duration};

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, ExecResult, QueryResult, Statement};

use super::{lite_err, query_on};

/// Idle read connections on one SQLite file, opened as needed (at most one per async worker is ever busy:
/// a read holds one only while its statement runs).
pub struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
}

/// More than this many idle connections are closed instead of kept.
const MAX_IDLE: usize = 16;

impl Readers {
    pub fn new(path: PathBuf) -> Self {
        Self { path, idle: Mutex::new(Vec::new()) }
    }

    fn open(&self) -> Result<rusqlite::Connection, DbErr> {
        use rusqlite::OpenFlags as F;
        let c = rusqlite::Connection::open_with_flags(
            &self.path,
            F::SQLITE_OPEN_READ_WRITE | F::SQLITE_OPEN_NO_MUTEX | F::SQLITE_OPEN_URI,
        )
        .map_err(|e| lite_err(e, true))?;
        c.busy_timeout(Duration::from_secs(5)).map_err(|e| lite_err(e, true))?;
        // Refuses any write: these connections only ever read.
        c.pragma_update(None, "query_only", true).map_err(|e| lite_err(e, true))?;
        c.set_prepared_statement_cache_capacity(64);
        Ok(c)
    }

    fn query(&self, st: &Statement, limit: Option<usize>) -> Result<Vec<QueryResult>, DbErr> {
        let taken = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let c = match taken {
            Some(c) => c,
            None => self.open()?,
        };
        let out = query_on(&c, st, limit);
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < MAX_IDLE {
            idle.push(c);
        }
        out
    }
}

/// A read-only connection for the hot reads: `Db::reader`.
pub enum Reader<'a> {
    Pool(&'a DatabaseConnection),
    Sqlite(&'a Readers),
}

#[async_trait::async_trait]
impl ConnectionTrait for Reader<'_> {
    fn get_database_backend(&self) -> DatabaseBackend {
        match self {
            Reader::Pool(p) => p.get_database_backend(),
            Reader::Sqlite(_) => DatabaseBackend::Sqlite,
        }
    }

    async fn execute(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        match self {
            Reader::Pool(p) => p.execute(stmt).await,
            Reader::Sqlite(_) => Err(DbErr::Custom("reader: read-only".into())),
        }
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        match self {
            Reader::Pool(p) => p.execute_unprepared(sql).await,
            Reader::Sqlite(_) => Err(DbErr::Custom("reader: read-only".into())),
        }
    }

    async fn query_one(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        match self {
            Reader::Pool(p) => p.query_one(stmt).await,
            Reader::Sqlite(r) => Ok(r.query(&stmt, Some(1))?.into_iter().next()),
        }
    }

    async fn query_all(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match self {
            Reader::Pool(p) => p.query_all(stmt).await,
            Reader::Sqlite(r) => r.query(&stmt, None),
        }
    }
}
