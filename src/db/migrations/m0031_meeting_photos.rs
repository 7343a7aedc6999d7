//! 组织生活 photos (issue 13, C5): a meeting's record keeps its photos (the 三会一课 台账 asks for them).

use sea_orm_migration::prelude::*;

use super::{a, col, fk, id, index, ts};

pub struct M0031MeetingPhotos;

impl MigrationName for M0031MeetingPhotos {
    fn name(&self) -> &str {
        "m0031_meeting_photos"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0031MeetingPhotos {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("party_meeting_photos"))
                .col(id("id"))
                .col(col("meeting_id").big_integer().not_null())
                .col(col("object_key").string_len(100).not_null())
                .col(col("content_type").string_len(40).not_null())
                .col(col("size_bytes").integer().not_null())
                .col(col("uploaded_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk(
                    "party_meeting_photos",
                    "meeting_id",
                    "party_meetings",
                    "id",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("party_meeting_photos", "ix_party_meeting_photos_meeting", &["meeting_id"], false))
            .await?;
        Ok(())
    }
}
