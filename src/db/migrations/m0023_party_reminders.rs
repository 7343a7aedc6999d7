//! Reminders the Party jobs send (issue 13): one row per kind, subject and period, written before the
//! notice in the same transaction — its unique index makes each reminder go out once even with several
//! app instances running the job.

use sea_orm_migration::prelude::*;

use super::{a, col, id, index, ts};

pub struct M0023PartyReminders;

impl MigrationName for M0023PartyReminders {
    fn name(&self) -> &str {
        "m0023_party_reminders"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0023PartyReminders {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("party_reminders"))
                .col(id("id"))
                .col(col("kind").string_len(24).not_null())
                .col(col("subject_id").big_integer().not_null())
                .col(col("period_key").string_len(40).not_null())
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("party_reminders", "ux_party_reminders", &["kind", "subject_id", "period_key"], true))
            .await?;
        Ok(())
    }
}
