//! Grid work (issue 14, C8): door-to-door campaigns (垃圾分类, 燃气安全, 防范电信诈骗 and any the
//! community defines) over an area of the government tree — a community, a grid or a micro-grid, whose
//! households are the target — and the visits grid members record, one per household, member and day
//! (a second one that day is merged into it), each carrying the key the phone made for it so a visit
//! replayed from the offline queue is taken once.

use sea_orm_migration::prelude::*;

use super::{a, check, col, fk, id, index, ts};

pub struct M0033GridCampaigns;

impl MigrationName for M0033GridCampaigns {
    fn name(&self) -> &str {
        "m0033_grid_campaigns"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0033GridCampaigns {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            Table::create()
                .table(a("grid_campaigns"))
                .col(id("id"))
                .col(col("node_id").big_integer().not_null())
                .col(col("topic").string_len(20).not_null())
                .col(col("title").string_len(60).not_null())
                .col(col("brief").string_len(500).null())
                .col(col("starts_on").date().not_null())
                .col(col("ends_on").date().not_null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("grid_campaigns", "node_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("grid_campaigns", "created_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("grid_campaigns", "ix_grid_campaigns_node", &["node_id"], false)).await?;
        check(
            m,
            "grid_campaigns",
            "ck_grid_campaigns_topic",
            "{c}topic IN ('waste_sorting','gas_safety','anti_fraud','other')",
        )
        .await?;
        check(m, "grid_campaigns", "ck_grid_campaigns_period", "{c}ends_on >= {c}starts_on").await?;
        m.create_table(
            Table::create()
                .table(a("grid_visits"))
                .col(id("id"))
                .col(col("campaign_id").big_integer().not_null())
                .col(col("household_id").big_integer().not_null())
                .col(col("member_person_id").big_integer().not_null())
                .col(col("visited_on").date().not_null())
                .col(col("how").string_len(16).not_null())
                .col(col("reached").string_len(40).null())
                .col(col("found").string_len(1000).null())
                // The key the phone made for the first record of this visit (a replay finds it).
                .col(col("idem_key").string_len(64).not_null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("grid_visits", "campaign_id", "grid_campaigns", "id", Cascade))
                .foreign_key(&mut fk("grid_visits", "household_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("grid_visits", "member_person_id", "persons", "id", Cascade))
                .foreign_key(&mut fk("grid_visits", "created_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "grid_visits",
            "ux_grid_visits_day",
            &["campaign_id", "household_id", "member_person_id", "visited_on"],
            true,
        ))
        .await?;
        m.create_index(index("grid_visits", "ux_grid_visits_key", &["idem_key"], true)).await?;
        m.create_index(index("grid_visits", "ix_grid_visits_household", &["household_id"], false)).await?;
        check(m, "grid_visits", "ck_grid_visits_how", "{c}how IN ('door','phone','wechat','poster')").await?;
        // Replayed keys that were merged into another record of the day (so a replay is still found).
        m.create_table(
            Table::create()
                .table(a("grid_visit_keys"))
                .col(col("idem_key").string_len(64).not_null().primary_key())
                .col(col("visit_id").big_integer().not_null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("grid_visit_keys", "visit_id", "grid_visits", "id", Cascade))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
