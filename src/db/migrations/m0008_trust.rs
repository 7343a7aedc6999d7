//! Trust (issue 9): atomic log-in counters, person records no longer shared by ID number across
//! projects, API tokens that expire and carry a scope.

use sea_orm_migration::prelude::*;

use super::{a, col, fk, id, index, ts, ts_null};

pub struct M0008Trust;

impl MigrationName for M0008Trust {
    fn name(&self) -> &str {
        "m0008_trust"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0008Trust {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One row per throttled key (`ip:<addr>`, `user:<name>`): attempts in the current window,
        // counted by one atomic upsert before the password is checked.
        m.create_table(
            Table::create()
                .table(a("login_attempts"))
                .col(col("bucket").string_len(100).not_null().primary_key())
                .col(col("n").integer().not_null())
                .col(ts("window_start"))
                .to_owned(),
        )
        .await?;
        // An ID number no longer names one person for every project: a project finds only the people
        // it already serves, and linking across projects is a consented step.
        m.drop_index(Index::drop().name("ux_persons_id_number").table(a("persons")).to_owned()).await?;
        // Phone and ID numbers sealed at rest (see `vault`): a masked copy for display, the sealed value,
        // and a keyed blind index for equality. The plaintext columns stay, always empty: start-up seals
        // what older versions wrote and clears them.
        for c in [
            col("phone_masked").string_len(24).null().to_owned(),
            col("id_masked").string_len(24).null().to_owned(),
            col("phone_enc").text().null().to_owned(),
            col("id_number_enc").text().null().to_owned(),
            col("phone_hash").string_len(64).null().to_owned(),
            col("id_number_hash").string_len(64).null().to_owned(),
        ] {
            let mut c = c;
            m.alter_table(Table::alter().table(a("persons")).add_column(&mut c).to_owned()).await?;
        }
        m.create_index(index("persons", "ix_persons_id_number_hash", &["id_number_hash"], false)).await?;
        m.create_index(index("persons", "ix_persons_phone_hash", &["phone_hash"], false)).await?;
        // API tokens expire and are read-only or read-write.
        m.alter_table(Table::alter().table(a("api_tokens")).add_column(ts_null("expires_at")).to_owned()).await?;
        m.alter_table(
            Table::alter()
                .table(a("api_tokens"))
                .add_column(col("access").string_len(10).not_null().default("write"))
                .to_owned(),
        )
        .await?;
        // Secrets every instance on this database must share (the CSRF key when none is configured).
        m.create_table(
            Table::create()
                .table(a("app_secrets"))
                .col(col("name").string_len(40).not_null().primary_key())
                .col(col("value").string_len(200).not_null())
                .to_owned(),
        )
        .await?;
        // Correction and deletion requests (PIPL arts. 46–47).
        m.create_table(
            Table::create()
                .table(a("data_requests"))
                .col(id("id"))
                .col(col("person_id").big_integer().not_null())
                .col(col("kind").string_len(16).not_null())
                .col(col("details").string_len(500).not_null())
                .col(col("state").string_len(16).not_null())
                .col(col("answer").string_len(500).null())
                .col(ts("created_at"))
                .col(col("decided_by").big_integer().null())
                .col(ts_null("decided_at"))
                .foreign_key(&mut fk("data_requests", "person_id", "persons", "id", ForeignKeyAction::Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("data_requests", "ix_data_requests_person", &["person_id"], false)).await?;
        // Proposed links between records of one person made by different projects (consent to merge).
        m.create_table(
            Table::create()
                .table(a("person_links"))
                .col(id("id"))
                .col(col("person_id").big_integer().not_null())
                .col(col("other_id").big_integer().not_null())
                .col(col("project_id").big_integer().null())
                .col(col("state").string_len(16).not_null())
                .col(ts("created_at"))
                .col(col("decided_by").big_integer().null())
                .col(ts_null("decided_at"))
                .foreign_key(&mut fk("person_links", "person_id", "persons", "id", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("person_links", "other_id", "persons", "id", ForeignKeyAction::Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("person_links", "ix_person_links_person", &["person_id", "state"], false)).await?;
        // A booking horizon per room: how many days ahead a booking may start.
        m.alter_table(
            Table::alter()
                .table(a("rooms"))
                .add_column(col("horizon_days").integer().not_null().default(60))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("login_attempts")).to_owned()).await?;
        m.drop_table(Table::drop().table(a("app_secrets")).to_owned()).await?;
        m.drop_table(Table::drop().table(a("data_requests")).to_owned()).await?;
        m.drop_table(Table::drop().table(a("person_links")).to_owned()).await?;
        Ok(())
    }
}
