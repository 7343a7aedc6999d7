use sea_orm_migration::prelude::*;

use super::{a, col, fk, id, index, ts, ts_null};

/// C1, second part: in-app notifications, request photos (metadata; the bytes live in the blob store),
/// Open311 API keys, and request columns for coordinates, the handler post, the Open311 token and the
/// project manager's second return visit after a bad rating.
pub struct M0004RequestsMore;

impl MigrationName for M0004RequestsMore {
    fn name(&self) -> &str {
        "m0004_requests_more"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0004RequestsMore {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            Table::create()
                .table(a("notifications"))
                .col(id("id"))
                .col(col("user_id").big_integer().not_null())
                .col(ts("at"))
                .col(col("kind").string_len(24).not_null())
                .col(col("title").string_len(200).not_null())
                .col(col("link").string_len(200).null())
                .col(ts_null("read_at"))
                .foreign_key(&mut fk("notifications", "user_id", "users", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("notifications", "ix_notifications_user", &["user_id", "read_at", "id"], false)).await?;
        m.create_table(
            Table::create()
                .table(a("request_photos"))
                .col(id("id"))
                .col(col("request_id").big_integer().not_null())
                .col(col("object_key").string_len(200).not_null())
                .col(col("content_type").string_len(24).not_null())
                .col(col("size_bytes").big_integer().not_null())
                .col(col("uploaded_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("request_photos", "request_id", "requests", "id", Cascade))
                .foreign_key(&mut fk("request_photos", "uploaded_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("request_photos", "ix_request_photos_request", &["request_id", "id"], false)).await?;
        m.create_table(
            Table::create()
                .table(a("open311_keys"))
                .col(id("id"))
                .col(col("project_id").big_integer().not_null())
                .col(col("label").string_len(100).not_null())
                .col(col("key_hash").string_len(64).not_null())
                .col(col("key_prefix").string_len(12).not_null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .col(ts_null("revoked_at"))
                .foreign_key(&mut fk("open311_keys", "project_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("open311_keys", "created_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("open311_keys", "ux_open311_keys_hash", &["key_hash"], true)).await?;
        for c in [
            col("lat").double().null().to_owned(),
            col("lng").double().null().to_owned(),
            col("handler_post").string_len(40).null().to_owned(),
            col("open311_token").string_len(40).null().to_owned(),
            col("manager_visit_due").boolean().not_null().default(false).to_owned(),
        ] {
            let mut c = c;
            m.alter_table(Table::alter().table(a("requests")).add_column(&mut c).to_owned()).await?;
        }
        m.create_index(index("requests", "ux_requests_open311_token", &["open311_token"], true)).await?;
        m.create_index(index("requests", "ix_requests_completed", &["project_id", "state", "completed_at"], false))
            .await?;
        // The month's figures and ledger read one project's requests by creation time.
        m.create_index(index("requests", "ix_requests_project_created", &["project_id", "created_at"], false)).await?;
        // The SLA job looks for open requests below the top of the escalation ladder.
        m.create_index(index("requests", "ix_requests_escalation", &["state", "level", "id"], false)).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_requests_escalation").table(a("requests")).to_owned()).await?;
        m.drop_index(Index::drop().name("ix_requests_project_created").table(a("requests")).to_owned()).await?;
        m.drop_index(Index::drop().name("ix_requests_completed").table(a("requests")).to_owned()).await?;
        m.drop_index(Index::drop().name("ux_requests_open311_token").table(a("requests")).to_owned()).await?;
        for c in ["manager_visit_due", "open311_token", "handler_post", "lng", "lat"] {
            m.alter_table(Table::alter().table(a("requests")).drop_column(a(c)).to_owned()).await?;
        }
        for t in ["open311_keys", "request_photos", "notifications"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
