//! Notifications in the reader's language (issue 12): beside the Chinese title, the notice's catalog key
//! and arguments as JSON, so an English reader sees it in English. Rows written before keep their title.

use sea_orm_migration::prelude::*;

use super::{a, col};

pub struct M0018NotificationWords;

impl MigrationName for M0018NotificationWords {
    fn name(&self) -> &str {
        "m0018_notification_words"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0018NotificationWords {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut c = col("message").text().null().to_owned();
        m.alter_table(Table::alter().table(a("notifications")).add_column(&mut c).to_owned()).await?;
        Ok(())
    }
}
