//! A household's unit beside its micro-grid (issue 14's benchmark): coverage by building counts the
//! target households per unit from one index (`microgrid_id, unit_id`) instead of joining every home to
//! its node. The unit is the household node's parent, which never changes; it is filled for the homes
//! there are and set when a home is created (`org::store::create_household`).

use sea_orm_migration::prelude::*;

use super::{a, col, index};

pub struct M0037HouseholdUnit;

impl MigrationName for M0037HouseholdUnit {
    fn name(&self) -> &str {
        "m0037_household_unit"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0037HouseholdUnit {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(a("households")).add_column(col("unit_id").big_integer().null()).to_owned())
            .await?;
        m.get_connection()
            .execute_unprepared(
                "UPDATE households SET unit_id = (SELECT n.parent_id FROM org_nodes n WHERE n.id = households.node_id)",
            )
            .await?;
        m.create_index(index("households", "ix_households_microgrid_unit", &["microgrid_id", "unit_id"], false))
            .await?;
        Ok(())
    }
}
