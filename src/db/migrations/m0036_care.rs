//! Care (issue 14, C9): care tags on residents (高龄独居, 残疾, 低保, 失独, 重病, 留守) — sensitive personal
//! information, one in force per person and kind —, a visit plan per tag (every how many days, who
//! visits, the day the visitor was last reminded) and the visits made.

use sea_orm_migration::prelude::*;

use super::{a, check, col, fk, id, index, ts};

pub struct M0036Care;

impl MigrationName for M0036Care {
    fn name(&self) -> &str {
        "m0036_care"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0036Care {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            Table::create()
                .table(a("care_tags"))
                .col(id("id"))
                .col(col("person_id").big_integer().not_null())
                .col(col("project_id").big_integer().not_null())
                .col(col("household_id").big_integer().not_null())
                .col(col("kind").string_len(20).not_null())
                .col(col("note").string_len(200).null())
                .col(col("since").date().not_null())
                .col(col("ended_on").date().null())
                .col(col("current_person_id").big_integer().null())
                .col(col("every_days").integer().not_null())
                .col(col("visitor_person_id").big_integer().null())
                .col(col("reminded_on").date().null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("care_tags", "person_id", "persons", "id", Cascade))
                .foreign_key(&mut fk("care_tags", "project_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("care_tags", "household_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("care_tags", "visitor_person_id", "persons", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("care_tags", "ux_care_tags_current", &["current_person_id", "kind"], true)).await?;
        m.create_index(index("care_tags", "ix_care_tags_project", &["project_id"], false)).await?;
        check(
            m,
            "care_tags",
            "ck_care_tags_kind",
            "{c}kind IN ('elderly_alone','disabled','low_income','bereaved','serious_illness','left_behind')",
        )
        .await?;
        check(m, "care_tags", "ck_care_tags_every", "{c}every_days BETWEEN 1 AND 90").await?;
        m.create_table(
            Table::create()
                .table(a("care_visits"))
                .col(id("id"))
                .col(col("tag_id").big_integer().not_null())
                .col(col("visitor_person_id").big_integer().not_null())
                .col(col("visited_on").date().not_null())
                .col(col("how").string_len(12).not_null())
                .col(col("wellbeing").string_len(8).not_null())
                .col(col("note").string_len(500).null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("care_visits", "tag_id", "care_tags", "id", Cascade))
                .foreign_key(&mut fk("care_visits", "visitor_person_id", "persons", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("care_visits", "ix_care_visits_tag", &["tag_id", "visited_on"], false)).await?;
        check(m, "care_visits", "ck_care_visits_how", "{c}how IN ('in_person','phone')").await?;
        check(m, "care_visits", "ck_care_visits_wellbeing", "{c}wellbeing IN ('good','fair','poor')").await?;
        Ok(())
    }
}
