//! SQLite: WAL checkpoints off the writer (issue 15). By default the connection that commits runs the
//! checkpoint once the WAL passes 1,000 pages — copying the pages into the database file and syncing it,
//! while it holds the one writer, so every write queued behind it waits for the disk. Here a background
//! task checkpoints on its own connection every quarter second (`PASSIVE`: it never blocks the writer
//! or a reader), and the writer checkpoints itself only if the WAL still passes `WRITER_CHECKPOINT_PAGES`
//! (the task stopped or fell behind).

use std::{
    path::PathBuf,
    sync::{Arc, Weak},
    time::Duration,
};

/// The writer's own automatic checkpoint, as a back-stop (about 40 MB of WAL).
pub const WRITER_CHECKPOINT_PAGES: u32 = 10_000;

const EVERY: Duration = Duration::from_millis(250);

/// Checkpoint the file at `path` every `EVERY` while `alive` (the database handle) lives.
pub fn spawn(path: PathBuf, alive: Weak<impl Send + Sync + 'static>) {
    tokio::spawn(async move {
        let mut conn: Option<rusqlite::Connection> = None;
        loop {
            tokio::time::sleep(EVERY).await;
            if alive.upgrade().is_none() {
                break;
            }
            let p = path.clone();
            let c = conn.take();
            let done = tokio::task::spawn_blocking(move || {
                let c = match c {
                    Some(c) => c,
                    None => rusqlite::Connection::open_with_flags(
                        &p,
                        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                    )?,
                };
                c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
                Ok::<_, rusqlite::Error>(c)
            })
            .await;
            match done {
                Ok(Ok(c)) => conn = Some(c),
                Ok(Err(e)) => tracing::warn!(error = %e, "background checkpoint failed; retrying"),
                Err(e) => tracing::warn!(error = %e, "background checkpoint task failed; retrying"),
            }
        }
    });
}

/// Keeps the checkpoint task running while the database handle (its clones) lives.
pub type Alive = Arc<()>;

#[cfg(test)]
mod tests {
    use crate::db::{Db, exec};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_wal_is_checkpointed_in_the_background_not_by_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.db");
        let db = Db::connect(&format!("sqlite://{}", file.display()), 2).await.unwrap();
        #[derive(sea_orm::FromQueryResult)]
        struct P {
            wal_autocheckpoint: i64,
        }
        let p = crate::db::one::<P>(&db.write, "PRAGMA wal_autocheckpoint", vec![]).await.unwrap().unwrap();
        assert_eq!(p.wal_autocheckpoint, i64::from(super::WRITER_CHECKPOINT_PAGES));
        exec(&db.write, "CREATE TABLE big (id INTEGER PRIMARY KEY, body TEXT NOT NULL)", vec![]).await.unwrap();
        let before = std::fs::metadata(&file).unwrap().len();
        // About 3 MB (some 750 pages — under the writer's own threshold) in 30 commits.
        for i in 0..30 {
            let body = "星".repeat(33_000);
            exec(&db.write, "INSERT INTO big (id, body) VALUES ($1, $2)", crate::params![i, body]).await.unwrap();
        }
        // The pages reach the database file itself only through a checkpoint: the background one.
        let mut size = 0;
        for _ in 0..40 {
            size = std::fs::metadata(&file).unwrap().len();
            if size > before + 2_500_000 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(size > before + 2_500_000, "database file {size} bytes (was {before}): no checkpoint ran");
        drop(db);
    }
}
