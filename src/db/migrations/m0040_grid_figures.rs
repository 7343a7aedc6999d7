//! Indexes for a grid's figures (C8: the one-page profile and KPIs per member and grid): issues at a
//! household and issues a person filed, each in a window of days, and a member's visits by day — so
//! the figures read the rows of the window, not the history. And a visit's photos (一户一表 with a
//! photo), added by its member once the visit is recorded.

use sea_orm_migration::prelude::*;

use super::{a, col, fk, id, index, ts};

pub struct M0040GridFigures;

impl MigrationName for M0040GridFigures {
    fn name(&self) -> &str {
        "m0040_grid_figures"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0040GridFigures {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index("requests", "ix_requests_household", &["household_id", "created_at"], false)).await?;
        m.create_index(index("requests", "ix_requests_created_by", &["created_by", "created_at"], false)).await?;
        m.create_index(index("grid_visits", "ix_grid_visits_member_day", &["member_person_id", "visited_on"], false))
            .await?;
        m.create_index(index("care_visits", "ix_care_visits_visitor_day", &["visitor_person_id", "visited_on"], false))
            .await?;
        m.create_table(
            Table::create()
                .table(a("grid_visit_photos"))
                .col(id("id"))
                .col(col("visit_id").big_integer().not_null())
                .col(col("object_key").string_len(100).not_null())
                .col(col("content_type").string_len(40).not_null())
                .col(col("size_bytes").integer().not_null())
                .col(col("uploaded_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("grid_visit_photos", "visit_id", "grid_visits", "id", ForeignKeyAction::Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("grid_visit_photos", "ix_grid_visit_photos_visit", &["visit_id"], false)).await?;
        Ok(())
    }
}
