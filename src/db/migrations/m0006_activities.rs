use sea_orm_migration::prelude::*;

use super::{a, col, fk, id, index, ts, ts_null};

/// C3 activities: an activity (with an optional RRULE), its laid-out occurrences, and sign-ups with a wait
/// list. `seq` on an occurrence is bumped first in every sign-up transaction: on PostgreSQL that row lock
/// serialises sign-ups to one occurrence, so the capacity holds under concurrency (SQLite has one writer).
pub struct M0006Activities;

impl MigrationName for M0006Activities {
    fn name(&self) -> &str {
        "m0006_activities"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0006Activities {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            Table::create()
                .table(a("activities"))
                .col(id("id"))
                .col(col("project_id").big_integer().not_null())
                .col(col("kind").string_len(24).not_null())
                .col(col("title").string_len(100).not_null())
                .col(col("series").string_len(100).null())
                .col(col("organiser").string_len(100).not_null())
                .col(col("co_organisers").string_len(300).null())
                .col(col("place").string_len(200).null())
                .col(col("audience").string_len(16).not_null())
                .col(col("capacity").integer().not_null())
                .col(col("rrule").string_len(200).null())
                .col(col("duration_minutes").integer().not_null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("activities", "project_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("activities", "created_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("activities", "ix_activities_project", &["project_id", "id"], false)).await?;
        m.create_table(
            Table::create()
                .table(a("activity_occurrences"))
                .col(id("id"))
                .col(col("activity_id").big_integer().not_null())
                .col(ts("starts_at"))
                .col(ts("ends_at"))
                .col(col("state").string_len(16).not_null())
                .col(col("seq").integer().not_null())
                .foreign_key(&mut fk("activity_occurrences", "activity_id", "activities", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "activity_occurrences",
            "ux_occurrences_activity_start",
            &["activity_id", "starts_at"],
            true,
        ))
        .await?;
        m.create_index(index("activity_occurrences", "ix_occurrences_start", &["starts_at"], false)).await?;
        m.create_table(
            Table::create()
                .table(a("signups"))
                .col(id("id"))
                .col(col("occurrence_id").big_integer().not_null())
                .col(col("person_id").big_integer().not_null())
                .col(col("state").string_len(16).not_null())
                .col(col("signed_up_by").big_integer().null())
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("signups", "occurrence_id", "activity_occurrences", "id", Cascade))
                .foreign_key(&mut fk("signups", "person_id", "persons", "id", Cascade))
                .foreign_key(&mut fk("signups", "signed_up_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("signups", "ux_signups_occurrence_person", &["occurrence_id", "person_id"], true)).await?;
        m.create_index(index("signups", "ix_signups_occurrence_state", &["occurrence_id", "state", "id"], false))
            .await?;
        for c in
            [ts_null("checked_in_at"), ts_null("checked_out_at"), col("service_minutes").integer().null().to_owned()]
        {
            let mut c = c;
            m.alter_table(Table::alter().table(a("signups")).add_column(&mut c).to_owned()).await?;
        }
        // Points rules per project and activity type (C4); absent = the default rule.
        m.create_table(
            Table::create()
                .table(a("points_rules"))
                .col(id("id"))
                .col(col("project_id").big_integer().not_null())
                .col(col("kind").string_len(24).not_null())
                .col(col("points_per_hour").integer().not_null())
                .foreign_key(&mut fk("points_rules", "project_id", "org_nodes", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("points_rules", "ux_points_rules_kind", &["project_id", "kind"], true)).await?;
        // The points ledger is append-only: the balance is the sum; corrections are new entries. `source`
        // names what earned an entry (e.g. `signup:42`) and is unique, so nothing is credited twice.
        m.create_table(
            Table::create()
                .table(a("points_ledger"))
                .col(id("id"))
                .col(col("person_id").big_integer().not_null())
                .col(col("project_id").big_integer().not_null())
                .col(col("delta").integer().not_null())
                .col(col("minutes").integer().not_null())
                .col(col("reason").string_len(200).not_null())
                .col(col("source").string_len(60).null())
                .col(col("author_user_id").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("points_ledger", "person_id", "persons", "id", Cascade))
                .foreign_key(&mut fk("points_ledger", "project_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("points_ledger", "author_user_id", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("points_ledger", "ux_points_ledger_source", &["source"], true)).await?;
        m.create_index(index("points_ledger", "ix_points_ledger_person", &["person_id", "id"], false)).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["points_ledger", "points_rules", "signups", "activity_occurrences", "activities"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
