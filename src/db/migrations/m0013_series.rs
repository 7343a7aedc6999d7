//! A rolling horizon for recurring activities (issue 11): a series keeps its rule's start
//! (`series_start`), how far it has been laid out (`laid_until`), and where it ends (`series_until`, set
//! when "this and following" splits it), so a job extends every open series as time passes instead of
//! stopping after the first half year.

use sea_orm_migration::prelude::*;

use super::{a, index, ts_null};

pub struct M0013Series;

impl MigrationName for M0013Series {
    fn name(&self) -> &str {
        "m0013_series"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0013Series {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for c in ["series_start", "series_until", "laid_until"] {
            m.alter_table(Table::alter().table(a("activities")).add_column(ts_null(c)).to_owned()).await?;
        }
        // Series laid out before this migration: their first date starts the rule, their last is the mark.
        m.get_connection()
            .execute_unprepared(
                "UPDATE activities SET \
                 series_start = (SELECT MIN(o.starts_at) FROM activity_occurrences o WHERE o.activity_id = activities.id), \
                 laid_until = (SELECT MAX(o.starts_at) FROM activity_occurrences o WHERE o.activity_id = activities.id) \
                 WHERE rrule IS NOT NULL",
            )
            .await?;
        m.create_index(index("activities", "ix_activities_laid_until", &["laid_until"], false)).await?;
        Ok(())
    }
}
