//! The open work of a project, newest first (issue 15): a partial index over the requests still
//! someone's work, ordered by project and id, with the deadline columns the overdue test reads. The
//! work-queue page's default view walks it backwards and stops after 25 rows; the overdue board
//! gathers the project's open requests from it (not from the table) and sorts the late ones. Closed,
//! rated and voided requests (nine in ten of a year's history) are not in it.
//!
//! The queries must state the predicate exactly as `OPEN_STATES` has it: SQLite uses a partial
//! index only when the query's `WHERE` repeats the index's condition term for term.

use sea_orm_migration::prelude::*;

pub struct M0043OpenRequests;

impl MigrationName for M0043OpenRequests {
    fn name(&self) -> &str {
        "m0043_open_requests"
    }
}

/// The open states, as SQL (`requests::model::State::is_open`; a unit test holds the two together).
pub(crate) const OPEN_STATES: &str = "('pending','dispatched','in_progress','suspended','escalated')";

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0043OpenRequests {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let sql = match m.get_database_backend() {
            // PostgreSQL keeps the key narrow and carries the overdue columns for index-only scans.
            sea_orm::DatabaseBackend::Postgres => format!(
                "CREATE INDEX ix_requests_open ON requests (project_id, id) \
                 INCLUDE (state, respond_by, responded_at, complete_by) WHERE state IN {OPEN_STATES}"
            ),
            _ => format!(
                "CREATE INDEX ix_requests_open ON requests (project_id, id, state, respond_by, responded_at, complete_by) \
                 WHERE state IN {OPEN_STATES}"
            ),
        };
        db.execute_unprepared(&sql).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection().execute_unprepared("DROP INDEX ix_requests_open").await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::requests::model::State;

    #[test]
    fn open_states_are_the_models() {
        let open: Vec<String> =
            State::ALL.iter().filter(|s| s.is_open()).map(|s| format!("'{}'", s.as_str())).collect();
        assert_eq!(super::OPEN_STATES, format!("({})", open.join(",")));
    }
}
