//! 一支部一品牌 and honours (issue 13, C5 and C11): a branch's brand for a year (name, motto, signature
//! project, photos) on a public page; honours granted to organisations and people — by an org node or a
//! named outside body —, with their level, date, certificate photos and the activities and requests they
//! rest on, shown on the honour wall of the project or community they belong to.

use sea_orm_migration::prelude::*;

use super::{a, check, col, fk, id, index, ts};

pub struct M0025BrandsAndHonours;

impl MigrationName for M0025BrandsAndHonours {
    fn name(&self) -> &str {
        "m0025_brands_and_honours"
    }
}

fn photo_table(table: &str, owner: &str, owner_table: &str) -> TableCreateStatement {
    Table::create()
        .table(a(table))
        .col(id("id"))
        .col(col(owner).big_integer().not_null())
        .col(col("object_key").string_len(100).not_null())
        .col(col("content_type").string_len(40).not_null())
        .col(col("size_bytes").integer().not_null())
        .col(col("uploaded_by").big_integer().null())
        .col(ts("created_at"))
        .foreign_key(&mut fk(table, owner, owner_table, "id", ForeignKeyAction::Cascade))
        .to_owned()
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0025BrandsAndHonours {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            Table::create()
                .table(a("party_brands"))
                .col(id("id"))
                .col(col("org_id").big_integer().not_null())
                .col(col("year").integer().not_null())
                .col(col("name").string_len(40).not_null())
                .col(col("motto").string_len(60).null())
                .col(col("signature").string_len(100).null())
                .col(col("story").text().null())
                .col(col("updated_by").big_integer().null())
                .col(ts("updated_at"))
                .foreign_key(&mut fk("party_brands", "org_id", "party_orgs", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("party_brands", "ux_party_brands_org_year", &["org_id", "year"], true)).await?;
        m.create_table(photo_table("party_brand_photos", "brand_id", "party_brands")).await?;
        m.create_table(
            Table::create()
                .table(a("honours"))
                .col(id("id"))
                // The project or community whose wall shows it.
                .col(col("node_id").big_integer().not_null())
                .col(col("recipient_kind").string_len(12).not_null())
                .col(col("recipient_node_id").big_integer().null())
                .col(col("recipient_person_id").big_integer().null())
                .col(col("recipient_name").string_len(60).not_null())
                .col(col("title").string_len(60).not_null())
                .col(col("level").string_len(16).not_null())
                .col(col("grantor_node_id").big_integer().null())
                .col(col("grantor_name").string_len(60).not_null())
                .col(col("awarded_on").date().not_null())
                .col(col("citation").text().null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("honours", "node_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("honours", "recipient_node_id", "org_nodes", "id", SetNull))
                .foreign_key(&mut fk("honours", "recipient_person_id", "persons", "id", SetNull))
                .foreign_key(&mut fk("honours", "grantor_node_id", "org_nodes", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("honours", "ix_honours_node", &["node_id", "awarded_on"], false)).await?;
        m.create_index(index("honours", "ix_honours_person", &["recipient_person_id"], false)).await?;
        check(m, "honours", "ck_honours_recipient_kind", "{c}recipient_kind IN ('org','person')").await?;
        check(
            m,
            "honours",
            "ck_honours_level",
            "{c}level IN ('national','provincial','city','district','street','community','company')",
        )
        .await?;
        m.create_table(photo_table("honour_photos", "honour_id", "honours")).await?;
        // What an honour rests on: activities and requests of its scope.
        m.create_table(
            Table::create()
                .table(a("honour_evidence"))
                .col(id("id"))
                .col(col("honour_id").big_integer().not_null())
                .col(col("kind").string_len(12).not_null())
                .col(col("ref_id").big_integer().not_null())
                .foreign_key(&mut fk("honour_evidence", "honour_id", "honours", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("honour_evidence", "ux_honour_evidence", &["honour_id", "kind", "ref_id"], true)).await?;
        check(m, "honour_evidence", "ck_honour_evidence_kind", "{c}kind IN ('activity','request','hours')").await?;
        Ok(())
    }
}
