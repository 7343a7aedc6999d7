//! 上报 that reaches the government side (issue 11): a request pushed up to the community, the street or
//! the 12345 hotline keeps where it went (a government-side org node, or the hotline with its outside
//! ticket number), and the government side works it in its own inbox — accept, ask back, answer, close —
//! each with its own time limit. One row per push-up; a request may be pushed up again after an answer.

use sea_orm_migration::prelude::*;

use super::{a, check, col, fk, id, index, ts, ts_null};

pub struct M0011Referrals;

impl MigrationName for M0011Referrals {
    fn name(&self) -> &str {
        "m0011_referrals"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0011Referrals {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict, SetNull};
        m.create_table(
            Table::create()
                .table(a("request_referrals"))
                .col(id("id"))
                .col(col("request_id").big_integer().not_null())
                .col(col("project_id").big_integer().not_null())
                .col(col("target").string_len(16).not_null())
                .col(col("node_id").big_integer().null())
                .col(col("outside_ref").string_len(64).null())
                .col(col("state").string_len(16).not_null())
                .col(col("reason").string_len(1000).not_null())
                .col(col("sent_by").big_integer().null())
                .col(ts("sent_at"))
                .col(ts("accept_by"))
                .col(ts("answer_by"))
                .col(ts_null("accepted_at"))
                .col(ts_null("answered_at"))
                .col(ts_null("closed_at"))
                .col(col("question").string_len(1000).null())
                .col(col("answer").string_len(1000).null())
                .col(col("resolved").boolean().null())
                .foreign_key(&mut fk("request_referrals", "request_id", "requests", "id", Cascade))
                .foreign_key(&mut fk("request_referrals", "project_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("request_referrals", "node_id", "org_nodes", "id", Restrict))
                .foreign_key(&mut fk("request_referrals", "sent_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        // The inbox: a node's open referrals, newest first; the request's own; the figures by project and month.
        m.create_index(index("request_referrals", "ix_referrals_node_state", &["node_id", "state", "sent_at"], false))
            .await?;
        m.create_index(index("request_referrals", "ix_referrals_request", &["request_id", "id"], false)).await?;
        m.create_index(index("request_referrals", "ix_referrals_project_sent", &["project_id", "sent_at"], false))
            .await?;
        check(
            m,
            "request_referrals",
            "ck_referrals_state",
            "{c}state IN ('sent', 'accepted', 'asked_back', 'answered', 'closed')",
        )
        .await?;
        check(
            m,
            "request_referrals",
            "ck_referrals_target",
            "({c}target IN ('community', 'street') AND {c}node_id IS NOT NULL) OR {c}target = 'hotline'",
        )
        .await?;
        check(
            m,
            "request_referrals",
            "ck_referrals_limits",
            "{c}accept_by >= {c}sent_at AND {c}answer_by >= {c}accept_by",
        )
        .await?;
        Ok(())
    }
}
