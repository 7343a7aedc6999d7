//! The database: one code path for SQLite (embedded default) and PostgreSQL (the scale path).
//!
//! The backend is chosen by the URL scheme; unknown schemes are refused. SQLite runs in WAL mode with
//! foreign keys and a busy timeout, and writes go through a pool of **one** connection so write
//! transactions queue instead of failing with `SQLITE_BUSY`. Reads use a separate pool. On PostgreSQL
//! both handles share one pool. Queries are plain SQL in the shared dialect subset (`$1` placeholders,
//! `RETURNING`, `LIKE`, `COALESCE`), run through SeaORM's `Statement`, so there is one copy of each.

pub mod chain;
mod checkpoint;
pub mod constraint;
pub mod migrations;
pub mod unit;

use std::{str::FromStr, sync::Arc, time::Duration};

use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, ExecResult, FromQueryResult, SqlxPostgresConnector,
    SqlxSqliteConnector, Statement, Value,
};
use sea_orm_migration::MigratorTrait;

#[derive(Clone)]
pub struct Db {
    /// Read pool.
    pub read: DatabaseConnection,
    /// Write handle (SQLite: one connection; PostgreSQL: the same pool as `read`).
    pub write: DatabaseConnection,
    /// SQLite on a file: the app's own read connections for the hot reads (`reader`).
    readers: Option<Arc<unit::Readers>>,
    /// SQLite: the one writer as write units take it (`begin_unit`).
    writer: Option<Arc<unit::Writer>>,
    /// SQLite on a file: the background checkpoint runs while this lives.
    _checkpoints: Option<checkpoint::Alive>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "不支持的数据库地址（只支持 sqlite: 与 postgres:）/ unsupported database URL scheme `{0}` (use sqlite: or postgres:)"
    )]
    UnknownScheme(String),
    #[error("无法连接数据库 / cannot connect to the database: {0}")]
    Connect(String),
}

/// When SQLite flushes its WAL to disk (`PRAGMA synchronous`; `Config::sqlite_synchronous`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqliteSync {
    /// At checkpoints: a power cut may lose the last commits, never consistency (WAL's usual setting).
    Normal,
    /// At every commit (a group of write units shares one flush).
    Full,
}

impl SqliteSync {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "normal" => Some(Self::Normal),
            "full" => Some(Self::Full),
            _ => None,
        }
    }
}

impl Db {
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, ConnectError> {
        Self::connect_with(url, max_connections, SqliteSync::Normal).await
    }

    /// As `connect`, with SQLite's flush setting (ignored on PostgreSQL).
    pub async fn connect_with(url: &str, max_connections: u32, sync: SqliteSync) -> Result<Self, ConnectError> {
        let scheme = url.split(':').next().unwrap_or_default().to_ascii_lowercase();
        match scheme.as_str() {
            "sqlite" => connect_sqlite(url, max_connections, sync).await,
            "postgres" | "postgresql" => connect_postgres(url, max_connections).await,
            _ => Err(ConnectError::UnknownScheme(scheme)),
        }
    }

    pub fn backend(&self) -> DatabaseBackend {
        self.read.get_database_backend()
    }

    pub fn is_sqlite(&self) -> bool {
        self.backend() == DatabaseBackend::Sqlite
    }

    /// For the reads every request makes (its credential): on SQLite, inline on a connection the app owns
    /// (`db::unit::Readers`); on PostgreSQL, the read pool.
    pub fn reader(&self) -> unit::Reader<'_> {
        match &self.readers {
            Some(r) => unit::Reader::Sqlite(r),
            None => unit::Reader::Pool(&self.read),
        }
    }

    pub async fn migrate(&self) -> Result<(), DbErr> {
        migrations::Migrator::up(&self.write, None).await
    }

    pub async fn ping(&self) -> Result<(), DbErr> {
        self.read.execute_unprepared("SELECT 1").await.map(|_| ())
    }
}

async fn connect_sqlite(url: &str, max: u32, sync: SqliteSync) -> Result<Db, ConnectError> {
    use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
    let opts = SqliteConnectOptions::from_str(url)
        .map_err(|e| ConnectError::Connect(e.to_string()))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(match sync {
            SqliteSync::Normal => SqliteSynchronous::Normal,
            SqliteSync::Full => SqliteSynchronous::Full,
        })
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let file = opts.get_filename().to_path_buf();
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| ConnectError::Connect(format!("{}: {e}", dir.display())))?;
    }
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    // On a file the WAL is checkpointed in the background (db::checkpoint), not by the writer.
    let write_opts = if in_memory {
        opts.clone()
    } else {
        opts.clone().pragma("wal_autocheckpoint", checkpoint::WRITER_CHECKPOINT_PAGES.to_string())
    };
    let write = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(write_opts)
        .await
        .map_err(|e| ConnectError::Connect(e.to_string()))?;
    let read = SqlitePoolOptions::new()
        .max_connections(max.max(1))
        .connect_with(opts.read_only(false))
        .await
        .map_err(|e| ConnectError::Connect(e.to_string()))?;
    let alive = (!in_memory).then(|| {
        let alive = checkpoint::Alive::default();
        checkpoint::spawn(file.clone(), Arc::downgrade(&alive));
        alive
    });
    Ok(Db {
        read: SqlxSqliteConnector::from_sqlx_sqlite_pool(read),
        write: SqlxSqliteConnector::from_sqlx_sqlite_pool(write),
        readers: (!in_memory).then(|| Arc::new(unit::Readers::new(file))),
        writer: Some(unit::Writer::new()),
        _checkpoints: alive,
    })
}

async fn connect_postgres(url: &str, max: u32) -> Result<Db, ConnectError> {
    use sea_orm::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
    let opts = PgConnectOptions::from_str(url).map_err(|e| ConnectError::Connect(e.to_string()))?;
    let pool = PgPoolOptions::new()
        .max_connections(max.max(2))
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(opts)
        .await
        .map_err(|e| ConnectError::Connect(e.to_string()))?;
    let conn = SqlxPostgresConnector::from_sqlx_postgres_pool(pool);
    Ok(Db { read: conn.clone(), write: conn, readers: None, writer: None, _checkpoints: None })
}

/// Build a statement for the connection's backend. SQL uses `$1, $2 …` on both backends.
pub fn stmt(conn: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(conn.get_database_backend(), sql, values)
}

pub async fn all<T: FromQueryResult>(
    conn: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<T>, DbErr> {
    T::find_by_statement(stmt(conn, sql, values)).all(conn).await
}

pub async fn one<T: FromQueryResult>(
    conn: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Option<T>, DbErr> {
    T::find_by_statement(stmt(conn, sql, values)).one(conn).await
}

pub async fn exec(conn: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Result<ExecResult, DbErr> {
    conn.execute(stmt(conn, sql, values)).await
}

impl Db {
    /// SQLite only: a consistent copy of the database at `path` (`VACUUM INTO`; the caller checks the
    /// path does not exist, quotes are doubled here).
    pub async fn backup_to(&self, path: &str) -> Result<(), DbErr> {
        let path = path.replace('\'', "''");
        exec(&self.write, &format!("VACUUM INTO '{path}'"), vec![]).await?;
        Ok(())
    }
}

#[derive(Debug, FromQueryResult)]
pub struct IdRow {
    pub id: i64,
}

#[derive(Debug, FromQueryResult)]
pub struct CountRow {
    pub n: i64,
}

/// Run an `INSERT … RETURNING id` and return the id.
pub async fn insert_id(conn: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Result<i64, DbErr> {
    one::<IdRow>(conn, sql, values)
        .await?
        .map(|r| r.id)
        .ok_or_else(|| DbErr::Custom("INSERT … RETURNING id returned no row".into()))
}

pub async fn count(conn: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Result<i64, DbErr> {
    Ok(one::<CountRow>(conn, sql, values).await?.map(|r| r.n).unwrap_or(0))
}

/// Bind list shorthand: `params![a, b, c]` → `Vec<sea_orm::Value>`.
#[macro_export]
macro_rules! params {
    ($($v:expr),* $(,)?) => { vec![$(sea_orm::Value::from($v)),*] };
}

/// `$n, $n+1, …` placeholders for an `IN (…)` list starting at `$start`.
pub fn placeholders(start: usize, n: usize) -> String {
    if n == 0 {
        return "NULL".into();
    }
    (start..start + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn unknown_schemes_are_refused_with_a_clear_message() {
        let Err(e) = super::Db::connect("mysql://localhost/x", 1).await else { panic!("mysql accepted") };
        let msg = e.to_string();
        assert!(msg.contains("mysql") && msg.contains("sqlite"), "{msg}");
    }

    #[tokio::test]
    async fn sqlites_flush_setting_reaches_the_writer() {
        use super::{Db, SqliteSync};
        let dir = tempfile::tempdir().unwrap();
        for (sync, want) in [(SqliteSync::Normal, 1), (SqliteSync::Full, 2)] {
            let url = format!("sqlite://{}/s.db?mode=rwc", dir.path().display());
            let db = Db::connect_with(&url, 2, sync).await.unwrap();
            let got = super::count(&db.write, "SELECT synchronous AS n FROM pragma_synchronous", vec![]).await.unwrap();
            assert_eq!(got, want, "{sync:?}");
        }
        assert_eq!(SqliteSync::parse(" FULL "), Some(SqliteSync::Full));
        assert_eq!(SqliteSync::parse("off"), None);
    }

    #[test]
    fn placeholders_number_from_start() {
        assert_eq!(super::placeholders(3, 2), "$3,$4");
        assert_eq!(super::placeholders(1, 0), "NULL");
    }
}
