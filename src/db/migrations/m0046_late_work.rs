//! The overdue board by deadline, on PostgreSQL (issue 15). Without these, the board (the 三率 page's
//! late list and the work queue's 「超时」 filter) gathers every open request of the project from
//! `ix_requests_open` and tests each one's deadlines: its cost grows with the open backlog (82–100 ms a
//! view at 481,269 open requests, 39.8 figures pages a second with 16 staff). Here each way of being
//! late has its own partial index, keyed by the deadline: the board's query (`requests::store::queue`)
//! asks each for the requests whose deadline has passed and unions the two — it reads the late
//! requests only: by hand 0.2 ms for the same ids at the same backlog (docs/benchmarks.md, eleventh
//! sitting); the figures page at 16 connections 90.9 → 913–993 rps, with more open work (twelfth).
//!
//! **PostgreSQL only.** On SQLite the same two indexes cost 17 % of the creates (4,922 → 4,065 rps, the
//! eleventh sitting): its one writer maintains every index of a new request inside the write path, and
//! the bound there is the creates. SQLite keeps reading the board from `ix_requests_open`. The
//! schema-parity test allows exactly the indexes named in [`PG_ONLY_INDEXES`], and asserts that they
//! exist on PostgreSQL and not on SQLite.
//!
//! The predicates must match the query's arms term for term (`OPEN_STATES` as `m0043_open_requests`
//! has it).

use sea_orm_migration::prelude::*;

use super::m0043_open_requests::OPEN_STATES;

pub struct M0046LateWork;

impl MigrationName for M0046LateWork {
    fn name(&self) -> &str {
        "m0046_late_work"
    }
}

/// The indexes that exist on PostgreSQL only, by name.
pub const PG_ONLY_INDEXES: [&str; 2] = ["ix_requests_late_response", "ix_requests_late_completion"];

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0046LateWork {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = m.get_connection();
        let [response, completion] = PG_ONLY_INDEXES;
        // Not answered by the response deadline: open and not yet responded to.
        db.execute_unprepared(&format!(
            "CREATE INDEX {response} ON requests (project_id, respond_by) INCLUDE (id) \
             WHERE responded_at IS NULL AND state IN {OPEN_STATES}"
        ))
        .await?;
        // Not finished by the completion deadline: open and not paused (a suspended request's clock stops).
        db.execute_unprepared(&format!(
            "CREATE INDEX {completion} ON requests (project_id, complete_by) INCLUDE (id) \
             WHERE state IN {OPEN_STATES} AND state <> 'suspended'"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
            return Ok(());
        }
        for ix in PG_ONLY_INDEXES {
            m.get_connection().execute_unprepared(&format!("DROP INDEX {ix}")).await?;
        }
        Ok(())
    }
}
