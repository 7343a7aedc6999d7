//! A public-area report names a building and unit (issue 11): `requests.building_id` already held the
//! building of a home; a public-area report now sets it (and `unit_id`) from the place chosen, so the
//! duplicate hint ("the same problem in the same building") works for public areas too.

use sea_orm_migration::prelude::*;

use super::{a, col};

pub struct M0015RequestUnit;

impl MigrationName for M0015RequestUnit {
    fn name(&self) -> &str {
        "m0015_request_unit"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0015RequestUnit {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // No foreign key (unlike `building_id`, made with the table): SQLite cannot add one to an existing table and both
        // databases keep one schema; the report's action checks the unit belongs to the project.
        m.alter_table(Table::alter().table(a("requests")).add_column(col("unit_id").big_integer().null()).to_owned())
            .await?;
        Ok(())
    }
}
