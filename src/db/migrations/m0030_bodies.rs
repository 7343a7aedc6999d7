//! The other bodies the article names (issue 13, C5): Youth League branches (团支部) and 党团突击队, the
//! community's 居民委员会, an estate's 业主委员会, partner organisations (邻里小区 not managed by the
//! company, 共建单位) and the tenant companies of an office building — each attached to an org node,
//! with a term where it is elected and members with posts and dates. A member may be someone of the
//! register or only a name (a tenant's employee gets a person record without a home, so they can take
//! part in the building's activities).

use sea_orm_migration::prelude::*;

use super::{a, check, col, fk, id, index, ts};

pub struct M0030Bodies;

impl MigrationName for M0030Bodies {
    fn name(&self) -> &str {
        "m0030_bodies"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0030Bodies {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            Table::create()
                .table(a("bodies"))
                .col(id("id"))
                .col(col("kind").string_len(24).not_null())
                .col(col("name").string_len(100).not_null())
                .col(col("node_id").big_integer().not_null())
                .col(col("term_start").date().null())
                .col(col("term_end").date().null())
                .col(col("note").string_len(500).null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("bodies", "node_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("bodies", "created_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("bodies", "ux_bodies_node_name", &["node_id", "name"], true)).await?;
        check(
            m,
            "bodies",
            "ck_bodies_kind",
            "{c}kind IN ('youth_branch','commando','residents_committee','owners_committee','partner_estate','partner_unit','tenant')",
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("body_members"))
                .col(id("id"))
                .col(col("body_id").big_integer().not_null())
                .col(col("person_id").big_integer().not_null())
                .col(col("post").string_len(20).not_null())
                .col(col("since").date().not_null())
                .col(col("until").date().null())
                // The person while the membership is in force (NULL once ended): once per body at a time.
                .col(col("current_person_id").big_integer().null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("body_members", "body_id", "bodies", "id", Cascade))
                .foreign_key(&mut fk("body_members", "person_id", "persons", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("body_members", "ux_body_members_current", &["body_id", "current_person_id"], true))
            .await?;
        m.create_index(index("body_members", "ix_body_members_person", &["person_id"], false)).await?;
        Ok(())
    }
}
