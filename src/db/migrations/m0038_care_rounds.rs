//! Care's festival rounds (issue 14, C9): a round (端午 粽子 to every 高龄独居 resident of a project) with
//! its list of stops generated from the care tags, who took each stop and when it was delivered, with
//! photos; the linked activity date credits the volunteers' hours through its attendance. A care visit's
//! needs can become a request or a 微心愿, remembered on the visit so it is done once.

use sea_orm_migration::prelude::*;

use super::{a, check, col, fk, id, index, ts};

pub struct M0038CareRounds;

impl MigrationName for M0038CareRounds {
    fn name(&self) -> &str {
        "m0038_care_rounds"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0038CareRounds {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            Table::create()
                .table(a("care_rounds"))
                .col(id("id"))
                .col(col("project_id").big_integer().not_null())
                .col(col("title").string_len(60).not_null())
                .col(col("gift").string_len(60).not_null())
                .col(col("kind").string_len(20).not_null())
                .col(col("starts_on").date().not_null())
                .col(col("ends_on").date().not_null())
                .col(col("occurrence_id").big_integer().null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("care_rounds", "project_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("care_rounds", "occurrence_id", "activity_occurrences", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("care_rounds", "ix_care_rounds_project", &["project_id"], false)).await?;
        m.create_index(index("care_rounds", "ix_care_rounds_occurrence", &["occurrence_id"], false)).await?;
        check(m, "care_rounds", "ck_care_rounds_days", "{c}ends_on >= {c}starts_on").await?;
        m.create_table(
            Table::create()
                .table(a("care_round_stops"))
                .col(id("id"))
                .col(col("round_id").big_integer().not_null())
                .col(col("tag_id").big_integer().not_null())
                .col(col("person_id").big_integer().not_null())
                .col(col("household_id").big_integer().not_null())
                .col(col("taker_person_id").big_integer().null())
                .col(col("taken_at").timestamp_with_time_zone().null())
                .col(col("delivered_at").timestamp_with_time_zone().null())
                .col(col("delivered_by").big_integer().null())
                .col(col("note").string_len(200).null())
                .foreign_key(&mut fk("care_round_stops", "round_id", "care_rounds", "id", Cascade))
                .foreign_key(&mut fk("care_round_stops", "tag_id", "care_tags", "id", Cascade))
                .foreign_key(&mut fk("care_round_stops", "person_id", "persons", "id", Cascade))
                .foreign_key(&mut fk("care_round_stops", "household_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("care_round_stops", "taker_person_id", "persons", "id", SetNull))
                .foreign_key(&mut fk("care_round_stops", "delivered_by", "persons", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("care_round_stops", "ux_care_round_stops_person", &["round_id", "person_id"], true))
            .await?;
        m.create_index(index("care_round_stops", "ix_care_round_stops_taker", &["taker_person_id"], false)).await?;
        m.create_table(
            Table::create()
                .table(a("care_round_photos"))
                .col(id("id"))
                .col(col("stop_id").big_integer().not_null())
                .col(col("object_key").string_len(100).not_null())
                .col(col("content_type").string_len(40).not_null())
                .col(col("size_bytes").integer().not_null())
                .col(col("uploaded_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("care_round_photos", "stop_id", "care_round_stops", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("care_round_photos", "ix_care_round_photos_stop", &["stop_id"], false)).await?;
        m.alter_table(
            Table::alter().table(a("care_visits")).add_column(col("request_id").big_integer().null()).to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter().table(a("care_visits")).add_column(col("wish_id").big_integer().null()).to_owned(),
        )
        .await?;
        Ok(())
    }
}
