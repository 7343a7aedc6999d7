use sea_orm_migration::prelude::*;

use super::{a, col, fk, id, index, ts, ts_null};

/// C1 resident requests: categories with SLAs per project, requests, and their event timeline.
pub struct M0003Requests;

impl MigrationName for M0003Requests {
    fn name(&self) -> &str {
        "m0003_requests"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0003Requests {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict, SetNull};
        m.create_table(
            Table::create()
                .table(a("request_categories"))
                .col(id("id"))
                .col(col("project_id").big_integer().not_null())
                .col(col("name").string_len(40).not_null())
                .col(col("respond_minutes").integer().not_null())
                .col(col("complete_hours").integer().not_null())
                .col(col("handler_post").string_len(40).null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("request_categories", "project_id", "org_nodes", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("request_categories", "ux_request_categories_name", &["project_id", "name"], true))
            .await?;
        m.create_table(
            Table::create()
                .table(a("requests"))
                .col(id("id"))
                .col(col("project_id").big_integer().not_null())
                .col(col("category_id").big_integer().not_null())
                .col(col("kind").string_len(16).not_null())
                .col(col("channel").string_len(16).not_null())
                .col(col("state").string_len(16).not_null())
                .col(col("description").string_len(1000).not_null())
                .col(col("household_id").big_integer().null())
                .col(col("building_id").big_integer().null())
                .col(col("location_text").string_len(200).null())
                .col(col("reporter_person_id").big_integer().null())
                .col(col("created_by").big_integer().null())
                .col(col("assignee_person_id").big_integer().null())
                .col(col("level").string_len(16).not_null())
                .col(ts("respond_by"))
                .col(ts("complete_by"))
                .col(ts_null("responded_at"))
                .col(ts_null("completed_at"))
                .col(ts_null("closed_at"))
                .col(ts_null("last_escalated_at"))
                .col(col("rating_speed").small_integer().null())
                .col(col("rating_quality").small_integer().null())
                .col(col("rating_attitude").small_integer().null())
                .col(col("rating_comment").string_len(500).null())
                .col(col("chase_count").integer().not_null())
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("requests", "project_id", "org_nodes", "id", Restrict))
                .foreign_key(&mut fk("requests", "category_id", "request_categories", "id", Restrict))
                .foreign_key(&mut fk("requests", "household_id", "households", "node_id", SetNull))
                .foreign_key(&mut fk("requests", "building_id", "org_nodes", "id", SetNull))
                .foreign_key(&mut fk("requests", "reporter_person_id", "persons", "id", SetNull))
                .foreign_key(&mut fk("requests", "created_by", "users", "id", SetNull))
                .foreign_key(&mut fk("requests", "assignee_person_id", "persons", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("requests", "ix_requests_project_state", &["project_id", "state", "id"], false)).await?;
        m.create_index(index("requests", "ix_requests_reporter", &["reporter_person_id", "id"], false)).await?;
        m.create_index(index("requests", "ix_requests_assignee", &["assignee_person_id", "state"], false)).await?;
        m.create_index(index("requests", "ix_requests_due", &["state", "complete_by"], false)).await?;
        m.create_index(index("requests", "ix_requests_dup", &["category_id", "building_id", "state"], false)).await?;
        m.create_table(
            Table::create()
                .table(a("request_events"))
                .col(id("id"))
                .col(col("request_id").big_integer().not_null())
                .col(ts("at"))
                .col(col("actor_user_id").big_integer().null())
                .col(col("actor").string_len(60).not_null())
                .col(col("action").string_len(24).not_null())
                .col(col("from_state").string_len(16).null())
                .col(col("to_state").string_len(16).not_null())
                .col(col("note").string_len(1000).null())
                .foreign_key(&mut fk("request_events", "request_id", "requests", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("request_events", "ix_request_events_request", &["request_id", "id"], false)).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["request_events", "requests", "request_categories"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
