//! Pushing 上报 to an outside system (issue 11): where a city's 12345 or 城市管理 platform offers an Open311
//! GeoReport v2 endpoint, a project configures it (base URL, jurisdiction, key — sealed like personal
//! numbers — and a service code per category); a referral to the hotline is then queued, POSTed by a job
//! with back-off, and its status polled back onto the timeline. The push state lives on the referral row,
//! so a restart or a second instance picks up exactly where the first left off.

use sea_orm_migration::prelude::*;

use super::{a, check, col, fk, id, index, ts, ts_null};

pub struct M0012Outbound;

impl MigrationName for M0012Outbound {
    fn name(&self) -> &str {
        "m0012_outbound"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0012Outbound {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            Table::create()
                .table(a("open311_outbound"))
                .col(id("id"))
                .col(col("project_id").big_integer().not_null())
                .col(col("base_url").string_len(300).not_null())
                .col(col("jurisdiction_id").string_len(64).null())
                .col(col("api_key_sealed").string_len(400).null())
                .col(col("enabled").boolean().not_null())
                .col(col("updated_by").big_integer().null())
                .col(ts("updated_at"))
                .foreign_key(&mut fk("open311_outbound", "project_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("open311_outbound", "updated_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("open311_outbound", "ux_open311_outbound_project", &["project_id"], true)).await?;
        m.alter_table(
            Table::alter()
                .table(a("request_categories"))
                .add_column(col("outside_service_code").string_len(64).null())
                .to_owned(),
        )
        .await?;
        for c in [
            col("push_state").string_len(16).null().to_owned(),
            col("push_attempts").integer().not_null().default(0).to_owned(),
            ts_null("push_next_at"),
            ts_null("push_lease_until"),
            col("push_error").string_len(300).null().to_owned(),
            col("remote_id").string_len(64).null().to_owned(),
            col("remote_token").string_len(64).null().to_owned(),
            col("remote_status").string_len(16).null().to_owned(),
            ts_null("polled_at"),
        ] {
            let mut c = c;
            m.alter_table(Table::alter().table(a("request_referrals")).add_column(&mut c).to_owned()).await?;
        }
        // The job's look-ups: pushes due, and pushed referrals to poll.
        m.create_index(index("request_referrals", "ix_referrals_push", &["push_state", "push_next_at"], false)).await?;
        check(
            m,
            "request_referrals",
            "ck_referrals_push_state",
            "{c}push_state IS NULL OR {c}push_state IN ('queued', 'sending', 'sent', 'unknown')",
        )
        .await?;
        Ok(())
    }
}
