//! Notification preferences (issue 12): a row per user and kind group they have turned off (no row =
//! on, so every existing user keeps hearing everything).

use sea_orm_migration::prelude::*;

use super::{a, col, fk, id, index, ts};

pub struct M0017NotificationPrefs;

impl MigrationName for M0017NotificationPrefs {
    fn name(&self) -> &str {
        "m0017_notification_prefs"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0017NotificationPrefs {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("notification_mutes"))
                .col(id("id"))
                .col(col("user_id").big_integer().not_null())
                .col(col("kind_group").string_len(24).not_null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("notification_mutes", "user_id", "users", "id", ForeignKeyAction::Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "notification_mutes",
            "ux_notification_mutes_user_group",
            &["user_id", "kind_group"],
            true,
        ))
        .await?;
        Ok(())
    }
}
