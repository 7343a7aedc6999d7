//! Named public spots of an estate (issue 12): 东门、地下车库、中心花园… — where a public-area report is,
//! said the way residents say it. A request may name one (`requests.spot_id`, no foreign key, as with
//! `unit_id`: SQLite cannot add one to an existing table; the report's action checks the project).

use sea_orm_migration::prelude::*;

use super::{a, col, fk, id, index, ts};

pub struct M0019Spots;

impl MigrationName for M0019Spots {
    fn name(&self) -> &str {
        "m0019_spots"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0019Spots {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("spots"))
                .col(id("id"))
                .col(col("project_id").big_integer().not_null())
                .col(col("name").string_len(40).not_null())
                .col(col("lat").double().null())
                .col(col("lng").double().null())
                .col(col("active").boolean().not_null().default(true))
                .col(ts("created_at"))
                .foreign_key(&mut fk("spots", "project_id", "org_nodes", "id", ForeignKeyAction::Restrict))
                .to_owned(),
        )
        .await?;
        m.create_index(index("spots", "ux_spots_project_name", &["project_id", "name"], true)).await?;
        m.alter_table(Table::alter().table(a("requests")).add_column(col("spot_id").big_integer().null()).to_owned())
            .await?;
        Ok(())
    }
}
