//! The 三率 counters without lock queues on PostgreSQL (issue 15). `m0042_request_counts` spread a busy
//! project-day-category over eight shard rows by the request id (`id % 8`). A transaction holds the
//! shard row it touched until it commits (its WAL flush included), so concurrent creates whose ids fell
//! on the same shard queued behind each other: with 16 clients most PostgreSQL backends were waiting on
//! `Lock: transactionid`, not working.
//!
//! Here the shard is the **backend's** (`pg_backend_pid() % 64`): a backend runs one transaction at a
//! time, so two concurrent transactions touch the same counter row only when their two backends' ids
//! collide modulo 64. A write still adds its contribution in its own transaction; an update or delete
//! takes the old contribution off in the current backend's shard (so one shard row may go below zero
//! while the sum over the shards stays exact — the figures and `recount_mismatches` read sums only).
//! A pool's connections are long-lived, so a project-day-category gets about one row per connection
//! that wrote to it, not one per request. SQLite has one writer and no lock queue: its triggers stay.

use sea_orm_migration::prelude::*;

use super::m0042_request_counts::COUNTERS;

pub struct M0044CountsByBackend;

impl MigrationName for M0044CountsByBackend {
    fn name(&self) -> &str {
        "m0044_counts_by_backend"
    }
}

/// How many shard rows a project-day-category may have on PostgreSQL at most.
pub(crate) const PG_SHARDS: i64 = 64;

/// The counter trigger's function, adding a row's contribution (`NEW.`) and taking an old one off
/// (`OLD.`) in the shard `shard` (SQL, evaluated once per call).
fn counts_function(shard: &str) -> String {
    let names = COUNTERS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
    let set = COUNTERS.iter().map(|(n, _)| format!("{n} = request_day_counts.{n} + excluded.{n}")).collect::<Vec<_>>();
    let upsert = |r: &str, sign: &str| {
        let values = COUNTERS.iter().map(|(_, v)| format!("{sign}({})", v.replace("{r}", r))).collect::<Vec<_>>();
        format!(
            "INSERT INTO request_day_counts (project_id, category_id, day, shard, {names}) \
             VALUES ({r}project_id, {r}category_id, CAST(({r}created_at AT TIME ZONE 'Asia/Shanghai') AS DATE), s, {}) \
             ON CONFLICT (project_id, day, category_id, shard) DO UPDATE SET {}",
            values.join(", "),
            set.join(", ")
        )
    };
    format!(
        "CREATE OR REPLACE FUNCTION xh_request_counts() RETURNS trigger LANGUAGE plpgsql AS $$ \
         DECLARE s integer := {shard}; BEGIN \
           IF TG_OP <> 'INSERT' AND OLD.state <> 'voided' THEN {}; END IF; \
           IF TG_OP <> 'DELETE' AND NEW.state <> 'voided' THEN {}; END IF; \
           RETURN NULL; END $$",
        upsert("OLD.", "-"),
        upsert("NEW.", "")
    )
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0044CountsByBackend {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            m.get_connection().execute_unprepared(&counts_function(&format!("pg_backend_pid() % {PG_SHARDS}"))).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            // m0042's shard of a request; its counts are kept in whichever shard a backend used meanwhile,
            // which the sums still add up.
            let shard = format!(
                "(CASE TG_OP WHEN 'DELETE' THEN OLD.id ELSE NEW.id END) % {}",
                super::m0042_request_counts::SHARDS
            );
            m.get_connection().execute_unprepared(&counts_function(&shard)).await?;
        }
        Ok(())
    }
}
