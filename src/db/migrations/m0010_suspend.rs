//! 挂起 keeps its resume time (issue 11): when a request was suspended and when it resumes by itself.
//! The completion deadline is moved by the time spent suspended when it resumes, so the SLA clock stops
//! while the request waits (for parts, for the owner to be home).

use sea_orm_migration::prelude::*;

use super::{a, index, ts_null};

pub struct M0010Suspend;

impl MigrationName for M0010Suspend {
    fn name(&self) -> &str {
        "m0010_suspend"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0010Suspend {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for c in ["suspended_at", "resume_at"] {
            m.alter_table(Table::alter().table(a("requests")).add_column(ts_null(c)).to_owned()).await?;
        }
        // The resume job's look-up: suspended requests whose time has come.
        m.create_index(index("requests", "ix_requests_resume_at", &["resume_at"], false)).await?;
        Ok(())
    }
}
