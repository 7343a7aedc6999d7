//! 在职党员双报到 and 微心愿 (issue 13, C5 and C6): a Party member registered with the community where they
//! live and a micro-grid of it (one registration in force per person); small wishes posted by residents
//! (or by staff for them), claimed by one Party member or volunteer — the claim a compare-and-set on the
//! wish's state —, fulfilled with a photo, confirmed by the resident; an unclaimed wish raised once.

use sea_orm_migration::prelude::*;

use super::{a, check, col, fk, id, index, ts, ts_null};

pub struct M0027Wishes;

impl MigrationName for M0027Wishes {
    fn name(&self) -> &str {
        "m0027_wishes"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0027Wishes {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            Table::create()
                .table(a("party_reports"))
                .col(id("id"))
                .col(col("person_id").big_integer().not_null())
                .col(col("community_id").big_integer().not_null())
                .col(col("microgrid_id").big_integer().null())
                .col(col("since").date().not_null())
                .col(col("until").date().null())
                // The person while the registration is in force (NULL once ended): one at a time.
                .col(col("current_person_id").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("party_reports", "person_id", "persons", "id", Cascade))
                .foreign_key(&mut fk("party_reports", "community_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("party_reports", "microgrid_id", "org_nodes", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("party_reports", "ux_party_reports_current", &["current_person_id"], true)).await?;
        m.create_index(index("party_reports", "ix_party_reports_community", &["community_id"], false)).await?;
        m.create_table(
            Table::create()
                .table(a("wishes"))
                .col(id("id"))
                .col(col("project_id").big_integer().not_null())
                .col(col("person_id").big_integer().not_null())
                .col(col("household_id").big_integer().null())
                .col(col("text").string_len(200).not_null())
                .col(col("state").string_len(12).not_null())
                .col(col("posted_by").big_integer().null())
                .col(ts("posted_at"))
                .col(col("claimed_by").big_integer().null())
                .col(ts_null("claimed_at"))
                .col(ts_null("fulfilled_at"))
                .col(col("fulfil_note").string_len(500).null())
                .col(ts_null("confirmed_at"))
                .col(ts_null("raised_at"))
                .foreign_key(&mut fk("wishes", "project_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("wishes", "person_id", "persons", "id", Cascade))
                .foreign_key(&mut fk("wishes", "claimed_by", "persons", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("wishes", "ix_wishes_project_state", &["project_id", "state"], false)).await?;
        check(m, "wishes", "ck_wishes_state", "{c}state IN ('open','claimed','fulfilled','confirmed','withdrawn')")
            .await?;
        m.create_table(
            Table::create()
                .table(a("wish_photos"))
                .col(id("id"))
                .col(col("wish_id").big_integer().not_null())
                .col(col("object_key").string_len(100).not_null())
                .col(col("content_type").string_len(40).not_null())
                .col(col("size_bytes").integer().not_null())
                .col(col("uploaded_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("wish_photos", "wish_id", "wishes", "id", Cascade))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
