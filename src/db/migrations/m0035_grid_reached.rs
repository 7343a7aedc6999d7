//! Coverage that does not grow with history (issue 14's benchmark: 100,000 households and 300,000
//! visits). `grid_reached` keeps one row per household first reached in a campaign, with its micro-grid
//! and unit, written in the visit's transaction; `grid_member_counts` keeps each member's visits and
//! households per campaign. Coverage reads these instead of scanning every visit. Both are filled from
//! the visits already recorded.

use sea_orm_migration::prelude::*;

use super::{a, col, fk, index};

pub struct M0035GridReached;

impl MigrationName for M0035GridReached {
    fn name(&self) -> &str {
        "m0035_grid_reached"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0035GridReached {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::Cascade;
        m.create_table(
            Table::create()
                .table(a("grid_reached"))
                .col(col("campaign_id").big_integer().not_null())
                .col(col("household_id").big_integer().not_null())
                .col(col("microgrid_id").big_integer().null())
                .col(col("unit_id").big_integer().null())
                .col(col("first_on").date().not_null())
                .primary_key(Index::create().col(a("campaign_id")).col(a("household_id")))
                .foreign_key(&mut fk("grid_reached", "campaign_id", "grid_campaigns", "id", Cascade))
                .foreign_key(&mut fk("grid_reached", "household_id", "org_nodes", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("grid_reached", "ix_grid_reached_microgrid", &["campaign_id", "microgrid_id"], false))
            .await?;
        m.create_index(index("grid_reached", "ix_grid_reached_unit", &["campaign_id", "unit_id"], false)).await?;
        m.create_table(
            Table::create()
                .table(a("grid_member_counts"))
                .col(col("campaign_id").big_integer().not_null())
                .col(col("member_person_id").big_integer().not_null())
                .col(col("visits").big_integer().not_null())
                .col(col("households").big_integer().not_null())
                .primary_key(Index::create().col(a("campaign_id")).col(a("member_person_id")))
                .foreign_key(&mut fk("grid_member_counts", "campaign_id", "grid_campaigns", "id", Cascade))
                .foreign_key(&mut fk("grid_member_counts", "member_person_id", "persons", "id", Cascade))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        db.execute_unprepared(
            "INSERT INTO grid_reached (campaign_id, household_id, microgrid_id, unit_id, first_on) \
             SELECT v.campaign_id, v.household_id, h.microgrid_id, hn.parent_id, MIN(v.visited_on) FROM grid_visits v \
             JOIN households h ON h.node_id = v.household_id JOIN org_nodes hn ON hn.id = v.household_id \
             GROUP BY v.campaign_id, v.household_id, h.microgrid_id, hn.parent_id",
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO grid_member_counts (campaign_id, member_person_id, visits, households) \
             SELECT campaign_id, member_person_id, COUNT(*), COUNT(DISTINCT household_id) FROM grid_visits \
             GROUP BY campaign_id, member_person_id",
        )
        .await?;
        Ok(())
    }
}
