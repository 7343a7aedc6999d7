//! 结对 (issue 13, C6): an agreement between two projects — a company estate and a resettlement estate
//! (保利翡翠和悦 ↔ 龙祥家园) —, its exchange programme of staff rotations (who goes where, from when to
//! when; shown on both projects' duty lists) and its outcomes log.

use sea_orm_migration::prelude::*;

use super::{a, check, col, fk, id, index, ts};

pub struct M0029Pairings;

impl MigrationName for M0029Pairings {
    fn name(&self) -> &str {
        "m0029_pairings"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0029Pairings {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            Table::create()
                .table(a("pairings"))
                .col(id("id"))
                .col(col("project_a").big_integer().not_null())
                .col(col("project_b").big_integer().not_null())
                .col(col("title").string_len(100).not_null())
                .col(col("aims").string_len(1000).null())
                .col(col("signed_on").date().not_null())
                .col(col("ends_on").date().null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("pairings", "project_a", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("pairings", "project_b", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("pairings", "created_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("pairings", "ux_pairings_pair", &["project_a", "project_b"], true)).await?;
        check(m, "pairings", "ck_pairings_two", "{c}project_a <> {c}project_b").await?;
        m.create_table(
            Table::create()
                .table(a("pairing_rotations"))
                .col(id("id"))
                .col(col("pairing_id").big_integer().not_null())
                .col(col("person_id").big_integer().not_null())
                .col(col("from_project").big_integer().not_null())
                .col(col("to_project").big_integer().not_null())
                .col(col("duty").string_len(60).not_null())
                .col(col("starts_on").date().not_null())
                .col(col("ends_on").date().not_null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("pairing_rotations", "pairing_id", "pairings", "id", Cascade))
                .foreign_key(&mut fk("pairing_rotations", "person_id", "persons", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("pairing_rotations", "ix_pairing_rotations_pairing", &["pairing_id"], false)).await?;
        m.create_index(index("pairing_rotations", "ix_pairing_rotations_to", &["to_project", "ends_on"], false))
            .await?;
        check(
            m,
            "pairing_rotations",
            "ck_pairing_rotations",
            "{c}from_project <> {c}to_project AND {c}ends_on >= {c}starts_on",
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("pairing_outcomes"))
                .col(id("id"))
                .col(col("pairing_id").big_integer().not_null())
                .col(col("day").date().not_null())
                .col(col("text").string_len(1000).not_null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("pairing_outcomes", "pairing_id", "pairings", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("pairing_outcomes", "ix_pairing_outcomes_pairing", &["pairing_id"], false)).await?;
        Ok(())
    }
}
