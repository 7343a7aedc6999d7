//! Embedded migrations, run at start-up. Rules (see `migrations/README.md`): a merged migration is never
//! edited; add a new one. DDL is generated per backend by sea-query from this one description.

use sea_orm_migration::prelude::*;

pub struct Migrator;

#[sea_orm_migration::async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(M0001Foundation),
            Box::new(M0002AuditIpIndex),
            Box::new(M0003Requests),
            Box::new(M0004RequestsMore),
            Box::new(M0005Positions),
            Box::new(M0006Activities),
            Box::new(M0007Volunteers),
            Box::new(super::m0008_trust::M0008Trust),
        ]
    }
}

struct M0001Foundation;

impl MigrationName for M0001Foundation {
    fn name(&self) -> &str {
        "m0001_foundation"
    }
}

pub(crate) fn id(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).big_integer().not_null().auto_increment().primary_key().to_owned()
}
pub(crate) fn col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
}
pub(crate) fn ts(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).timestamp_with_time_zone().not_null().to_owned()
}
pub(crate) fn ts_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).timestamp_with_time_zone().null().to_owned()
}
pub(crate) fn a(s: &str) -> Alias {
    Alias::new(s)
}
pub(crate) fn fk(
    table: &str,
    column: &str,
    to: &str,
    to_col: &str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(a(table), a(column))
        .to(a(to), a(to_col))
        .on_delete(on_delete)
        .to_owned()
}
pub(crate) fn index(table: &str, name: &str, cols: &[&str], unique: bool) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(a(table));
    for c in cols {
        i.col(a(c));
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0001Foundation {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict, SetNull};
        // Organisation tree: both the property side and the government side, one table.
        m.create_table(
            Table::create()
                .table(a("org_nodes"))
                .col(id("id"))
                .col(col("parent_id").big_integer().null())
                .col(col("kind").string_len(24).not_null())
                .col(col("name").string_len(100).not_null())
                .col(col("code").string_len(40).null())
                .col(col("path").string_len(400).not_null())
                .col(col("depth").integer().not_null())
                .col(col("project_id").big_integer().null())
                .col(col("community_id").big_integer().null())
                .col(col("project_kind").string_len(24).null())
                .col(col("xinghuo_status").string_len(24).null())
                .col(col("xinghuo_year").integer().null())
                .col(col("uscc").string_len(18).null())
                .col(col("address").string_len(200).null())
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("org_nodes", "parent_id", "org_nodes", "id", Restrict))
                .foreign_key(&mut fk("org_nodes", "project_id", "org_nodes", "id", Restrict))
                .foreign_key(&mut fk("org_nodes", "community_id", "org_nodes", "id", Restrict))
                .to_owned(),
        )
        .await?;
        m.create_index(index("org_nodes", "ux_org_nodes_parent_kind_name", &["parent_id", "kind", "name"], true))
            .await?;
        m.create_index(index("org_nodes", "ux_org_nodes_code", &["code"], true)).await?;
        m.create_index(index("org_nodes", "ix_org_nodes_path", &["path"], false)).await?;
        m.create_index(index("org_nodes", "ix_org_nodes_project", &["project_id", "kind"], false)).await?;
        m.create_index(index("org_nodes", "ix_org_nodes_community", &["community_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(a("households"))
                .col(col("node_id").big_integer().not_null().primary_key())
                .col(col("project_id").big_integer().not_null())
                .col(col("room").string_len(40).not_null())
                .col(col("floor").integer().null())
                .col(col("exclusive_area_centi").big_integer().null())
                .col(col("microgrid_id").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("households", "node_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("households", "project_id", "org_nodes", "id", Restrict))
                .foreign_key(&mut fk("households", "microgrid_id", "org_nodes", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("households", "ix_households_project", &["project_id"], false)).await?;
        m.create_index(index("households", "ix_households_microgrid", &["microgrid_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(a("party_orgs"))
                .col(id("id"))
                .col(col("node_id").big_integer().not_null())
                .col(col("kind").string_len(24).not_null())
                .col(col("name").string_len(100).not_null())
                .col(col("uscc").string_len(18).null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("party_orgs", "node_id", "org_nodes", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("party_orgs", "ux_party_orgs_node_name", &["node_id", "name"], true)).await?;

        m.create_table(
            Table::create()
                .table(a("persons"))
                .col(id("id"))
                .col(col("name").string_len(60).not_null())
                .col(col("name_pinyin").string_len(200).not_null())
                .col(col("name_initials").string_len(60).not_null())
                .col(col("gender").string_len(8).null())
                .col(col("phone").string_len(11).null())
                .col(col("id_number").string_len(18).null())
                .col(col("note").string_len(500).null())
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("persons", "ux_persons_id_number", &["id_number"], true)).await?;
        m.create_index(index("persons", "ix_persons_name", &["name"], false)).await?;
        m.create_index(index("persons", "ix_persons_initials", &["name_initials"], false)).await?;

        m.create_table(
            Table::create()
                .table(a("household_members"))
                .col(id("id"))
                .col(col("household_id").big_integer().not_null())
                .col(col("person_id").big_integer().not_null())
                .col(col("relation").string_len(16).not_null())
                .col(col("moved_in").date().null())
                .col(col("moved_out").date().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("household_members", "household_id", "households", "node_id", Cascade))
                .foreign_key(&mut fk("household_members", "person_id", "persons", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("household_members", "ix_household_members_household", &["household_id"], false)).await?;
        m.create_index(index("household_members", "ix_household_members_person", &["person_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(a("role_assignments"))
                .col(id("id"))
                .col(col("person_id").big_integer().not_null())
                .col(col("role").string_len(24).not_null())
                .col(col("node_id").big_integer().not_null())
                .col(col("post").string_len(40).null())
                .col(col("since").date().null())
                .col(col("until").date().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("role_assignments", "person_id", "persons", "id", Cascade))
                .foreign_key(&mut fk("role_assignments", "node_id", "org_nodes", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("role_assignments", "ux_role_assignments", &["person_id", "role", "node_id"], true))
            .await?;
        m.create_index(index("role_assignments", "ix_role_assignments_node", &["node_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(a("users"))
                .col(id("id"))
                .col(col("username").string_len(40).not_null())
                .col(col("person_id").big_integer().null())
                .col(col("display_name").string_len(60).not_null())
                .col(col("password_hash").string_len(200).not_null())
                .col(col("is_active").boolean().not_null())
                .col(col("failed_logins").integer().not_null())
                .col(ts_null("locked_until"))
                .col(col("large_type").boolean().not_null())
                .col(col("lang").string_len(8).not_null())
                .col(ts("created_at"))
                .col(ts("password_changed_at"))
                .foreign_key(&mut fk("users", "person_id", "persons", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("users", "ux_users_username", &["username"], true)).await?;
        m.create_index(index("users", "ux_users_person", &["person_id"], true)).await?;

        m.create_table(
            Table::create()
                .table(a("sessions"))
                .col(col("id").string_len(64).not_null().primary_key())
                .col(col("user_id").big_integer().not_null())
                .col(ts("created_at"))
                .col(ts("expires_at"))
                .col(ts("last_seen_at"))
                .col(col("ip").string_len(64).null())
                .col(col("user_agent").string_len(200).null())
                .foreign_key(&mut fk("sessions", "user_id", "users", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("sessions", "ix_sessions_user", &["user_id"], false)).await?;
        m.create_index(index("sessions", "ix_sessions_expires", &["expires_at"], false)).await?;

        m.create_table(
            Table::create()
                .table(a("api_tokens"))
                .col(id("id"))
                .col(col("user_id").big_integer().not_null())
                .col(col("name").string_len(60).not_null())
                .col(col("token_hash").string_len(64).not_null())
                .col(ts("created_at"))
                .col(ts_null("last_used_at"))
                .col(ts_null("revoked_at"))
                .foreign_key(&mut fk("api_tokens", "user_id", "users", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("api_tokens", "ux_api_tokens_hash", &["token_hash"], true)).await?;
        m.create_index(index("api_tokens", "ix_api_tokens_user", &["user_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(a("audit_log"))
                .col(id("id"))
                .col(ts("at"))
                .col(col("user_id").big_integer().null())
                .col(col("actor").string_len(60).not_null())
                .col(col("action").string_len(40).not_null())
                .col(col("entity").string_len(40).not_null())
                .col(col("entity_id").big_integer().null())
                .col(col("project_id").big_integer().null())
                .col(col("summary").string_len(1000).not_null())
                .col(col("ip").string_len(64).null())
                .col(col("request_id").string_len(64).null())
                .to_owned(),
        )
        .await?;
        m.create_index(index("audit_log", "ix_audit_log_at", &["at"], false)).await?;
        m.create_index(index("audit_log", "ix_audit_log_project", &["project_id", "at"], false)).await?;
        m.create_index(index("audit_log", "ix_audit_log_entity", &["entity", "entity_id"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "audit_log",
            "api_tokens",
            "sessions",
            "users",
            "role_assignments",
            "household_members",
            "persons",
            "party_orgs",
            "households",
            "org_nodes",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}

/// Index for the per-address log-in throttle (failed log-ins by address in a time window).
struct M0002AuditIpIndex;

impl MigrationName for M0002AuditIpIndex {
    fn name(&self) -> &str {
        "m0002_audit_ip_index"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0002AuditIpIndex {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index("audit_log", "ix_audit_log_ip_at", &["ip", "at"], false)).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_audit_log_ip_at").table(a("audit_log")).to_owned()).await
    }
}

/// C1 resident requests: categories with SLAs per project, requests, and their event timeline.
struct M0003Requests;

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

/// C1, second part: in-app notifications, request photos (metadata; the bytes live in the blob store),
/// Open311 API keys, and request columns for coordinates, the handler post, the Open311 token and the
/// project manager's second return visit after a bad rating.
struct M0004RequestsMore;

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

/// C2 positions: Party-mass service centres, their hours, closed dates and versions, rooms with booking
/// rules, bookings, and one row per held 30-minute slot — unique per room, so overlapping bookings are
/// refused by the database itself on both backends.
struct M0005Positions;

impl MigrationName for M0005Positions {
    fn name(&self) -> &str {
        "m0005_positions"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0005Positions {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            Table::create()
                .table(a("centres"))
                .col(id("id"))
                .col(col("project_id").big_integer().not_null())
                .col(col("name").string_len(100).not_null())
                .col(col("address").string_len(200).null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("centres", "project_id", "org_nodes", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("centres", "ux_centres_project_name", &["project_id", "name"], true)).await?;
        m.create_table(
            Table::create()
                .table(a("centre_hours"))
                .col(id("id"))
                .col(col("centre_id").big_integer().not_null())
                .col(col("weekday").integer().not_null())
                .col(col("opens").string_len(5).not_null())
                .col(col("closes").string_len(5).not_null())
                .foreign_key(&mut fk("centre_hours", "centre_id", "centres", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("centre_hours", "ux_centre_hours_day", &["centre_id", "weekday"], true)).await?;
        m.create_table(
            Table::create()
                .table(a("centre_closed_days"))
                .col(id("id"))
                .col(col("centre_id").big_integer().not_null())
                .col(col("day").date().not_null())
                .col(col("reason").string_len(100).null())
                .foreign_key(&mut fk("centre_closed_days", "centre_id", "centres", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("centre_closed_days", "ux_centre_closed_day", &["centre_id", "day"], true)).await?;
        m.create_table(
            Table::create()
                .table(a("centre_versions"))
                .col(id("id"))
                .col(col("centre_id").big_integer().not_null())
                .col(col("version").string_len(40).not_null())
                .col(col("effective_on").date().not_null())
                .col(col("summary").string_len(1000).not_null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("centre_versions", "centre_id", "centres", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("centre_versions", "ix_centre_versions_centre", &["centre_id", "effective_on"], false))
            .await?;
        m.create_table(
            Table::create()
                .table(a("rooms"))
                .col(id("id"))
                .col(col("centre_id").big_integer().not_null())
                .col(col("name").string_len(60).not_null())
                .col(col("function").string_len(40).not_null())
                .col(col("capacity").integer().not_null())
                .col(col("needs_approval").boolean().not_null())
                .col(col("min_minutes").integer().not_null())
                .col(col("max_minutes").integer().not_null())
                .col(col("notice_minutes").integer().not_null())
                .col(col("weekly_quota").integer().not_null())
                .col(col("no_show_minutes").integer().not_null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("rooms", "centre_id", "centres", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("rooms", "ux_rooms_centre_name", &["centre_id", "name"], true)).await?;
        m.create_table(
            Table::create()
                .table(a("bookings"))
                .col(id("id"))
                .col(col("room_id").big_integer().not_null())
                .col(ts("starts_at"))
                .col(ts("ends_at"))
                .col(col("state").string_len(16).not_null())
                .col(col("purpose").string_len(200).not_null())
                .col(col("household_id").big_integer().null())
                .col(col("person_id").big_integer().null())
                .col(col("org_name").string_len(100).null())
                .col(col("booked_by").big_integer().null())
                .col(ts_null("checked_in_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("bookings", "room_id", "rooms", "id", Cascade))
                .foreign_key(&mut fk("bookings", "household_id", "households", "node_id", SetNull))
                .foreign_key(&mut fk("bookings", "person_id", "persons", "id", SetNull))
                .foreign_key(&mut fk("bookings", "booked_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("bookings", "ix_bookings_room_start", &["room_id", "starts_at"], false)).await?;
        m.create_index(index("bookings", "ix_bookings_household_start", &["household_id", "starts_at"], false)).await?;
        m.create_index(index("bookings", "ix_bookings_booked_by", &["booked_by", "id"], false)).await?;
        m.create_table(
            Table::create()
                .table(a("booking_slots"))
                .col(id("id"))
                .col(col("booking_id").big_integer().not_null())
                .col(col("room_id").big_integer().not_null())
                .col(ts("slot_start"))
                .foreign_key(&mut fk("booking_slots", "booking_id", "bookings", "id", Cascade))
                .foreign_key(&mut fk("booking_slots", "room_id", "rooms", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("booking_slots", "ux_booking_slots_room_slot", &["room_id", "slot_start"], true)).await?;
        m.create_index(index("booking_slots", "ix_booking_slots_booking", &["booking_id"], false)).await?;
        // The visit log (五常: 群众常来): a person, or a walk-in by name, checked in at a centre.
        m.create_table(
            Table::create()
                .table(a("centre_visits"))
                .col(id("id"))
                .col(col("centre_id").big_integer().not_null())
                .col(col("person_id").big_integer().null())
                .col(col("visitor_name").string_len(60).null())
                .col(col("via").string_len(16).not_null())
                .col(col("booking_id").big_integer().null())
                .col(col("recorded_by").big_integer().null())
                .col(ts("at"))
                .foreign_key(&mut fk("centre_visits", "centre_id", "centres", "id", Cascade))
                .foreign_key(&mut fk("centre_visits", "person_id", "persons", "id", SetNull))
                .foreign_key(&mut fk("centre_visits", "booking_id", "bookings", "id", SetNull))
                .foreign_key(&mut fk("centre_visits", "recorded_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("centre_visits", "ix_centre_visits_centre_at", &["centre_id", "at"], false)).await?;
        m.create_index(index("centre_visits", "ix_centre_visits_person", &["person_id", "at"], false)).await?;
        // The no-show job looks for approved bookings that started without a check-in.
        m.create_index(index("bookings", "ix_bookings_state_start", &["state", "starts_at"], false)).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "centre_visits",
            "booking_slots",
            "bookings",
            "rooms",
            "centre_versions",
            "centre_closed_days",
            "centre_hours",
            "centres",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}

/// C3 activities: an activity (with an optional RRULE), its laid-out occurrences, and sign-ups with a wait
/// list. `seq` on an occurrence is bumped first in every sign-up transaction: on PostgreSQL that row lock
/// serialises sign-ups to one occurrence, so the capacity holds under concurrency (SQLite has one writer).
struct M0006Activities;

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

/// C4 volunteers and points, and the rest of C3: volunteer registration, teams, hour corrections, the
/// organiser bonus, 爱心超市 (items, redemptions, and one account row per person and project that a
/// redemption locks first, so two redemptions cannot both spend the same points), activity write-ups with
/// photos, and per-occurrence overrides for editing one date of a series.
struct M0007Volunteers;

impl MigrationName for M0007Volunteers {
    fn name(&self) -> &str {
        "m0007_volunteers"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0007Volunteers {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            Table::create()
                .table(a("volunteers"))
                .col(id("id"))
                .col(col("person_id").big_integer().not_null())
                .col(col("project_id").big_integer().not_null())
                .col(col("state").string_len(16).not_null())
                .col(col("skills").string_len(200).not_null())
                .col(col("decision_note").string_len(200).null())
                .col(col("decided_by").big_integer().null())
                .col(ts_null("decided_at"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("volunteers", "person_id", "persons", "id", Cascade))
                .foreign_key(&mut fk("volunteers", "project_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("volunteers", "decided_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("volunteers", "ux_volunteers_person_project", &["person_id", "project_id"], true)).await?;
        m.create_index(index("volunteers", "ix_volunteers_project_state", &["project_id", "state", "id"], false))
            .await?;
        m.create_table(
            Table::create()
                .table(a("teams"))
                .col(id("id"))
                .col(col("project_id").big_integer().not_null())
                .col(col("kind").string_len(16).not_null())
                .col(col("name").string_len(60).not_null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("teams", "project_id", "org_nodes", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("teams", "ux_teams_project_name", &["project_id", "name"], true)).await?;
        m.create_table(
            Table::create()
                .table(a("team_members"))
                .col(id("id"))
                .col(col("team_id").big_integer().not_null())
                .col(col("person_id").big_integer().not_null())
                .col(col("role").string_len(16).not_null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("team_members", "team_id", "teams", "id", Cascade))
                .foreign_key(&mut fk("team_members", "person_id", "persons", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("team_members", "ux_team_members", &["team_id", "person_id"], true)).await?;
        m.create_index(index("team_members", "ix_team_members_person", &["person_id"], false)).await?;
        m.create_table(
            Table::create()
                .table(a("hour_corrections"))
                .col(id("id"))
                .col(col("signup_id").big_integer().not_null())
                .col(col("person_id").big_integer().not_null())
                .col(col("project_id").big_integer().not_null())
                .col(col("minutes_before").integer().not_null())
                .col(col("minutes_requested").integer().not_null())
                .col(col("reason").string_len(200).not_null())
                .col(col("state").string_len(16).not_null())
                .col(col("decided_by").big_integer().null())
                .col(ts_null("decided_at"))
                .col(col("decision_note").string_len(200).null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("hour_corrections", "signup_id", "signups", "id", Cascade))
                .foreign_key(&mut fk("hour_corrections", "person_id", "persons", "id", Cascade))
                .foreign_key(&mut fk("hour_corrections", "project_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("hour_corrections", "decided_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("hour_corrections", "ix_hour_corrections_project", &["project_id", "state", "id"], false))
            .await?;
        m.create_index(index("hour_corrections", "ix_hour_corrections_signup", &["signup_id"], false)).await?;
        // Organiser bonus (points_rules) and who organised (signups); a team audience (activities);
        // one date of a series edited on its own (occurrence overrides).
        let mut c = col("organiser_bonus").integer().not_null().default(0).to_owned();
        m.alter_table(Table::alter().table(a("points_rules")).add_column(&mut c).to_owned()).await?;
        let mut c = col("role").string_len(16).not_null().default("participant").to_owned();
        m.alter_table(Table::alter().table(a("signups")).add_column(&mut c).to_owned()).await?;
        let mut c = col("team_id").big_integer().null().to_owned();
        m.alter_table(Table::alter().table(a("activities")).add_column(&mut c).to_owned()).await?;
        // The place as a booked room: the activity's room, and each date's booking (its slots keep the
        // room from being booked twice).
        let mut c = col("room_id").big_integer().null().to_owned();
        m.alter_table(Table::alter().table(a("activities")).add_column(&mut c).to_owned()).await?;
        let mut c = col("booking_id").big_integer().null().to_owned();
        m.alter_table(Table::alter().table(a("activity_occurrences")).add_column(&mut c).to_owned()).await?;
        for c in [
            col("title").string_len(100).null().to_owned(),
            col("place").string_len(200).null().to_owned(),
            col("capacity").integer().null().to_owned(),
        ] {
            let mut c = c;
            m.alter_table(Table::alter().table(a("activity_occurrences")).add_column(&mut c).to_owned()).await?;
        }
        // 爱心超市.
        m.create_table(
            Table::create()
                .table(a("reward_items"))
                .col(id("id"))
                .col(col("project_id").big_integer().not_null())
                .col(col("name").string_len(60).not_null())
                .col(col("description").string_len(200).not_null())
                .col(col("points").integer().not_null())
                .col(col("stock").integer().not_null())
                .col(col("active").boolean().not_null())
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("reward_items", "project_id", "org_nodes", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("reward_items", "ux_reward_items_project_name", &["project_id", "name"], true)).await?;
        m.create_table(
            Table::create()
                .table(a("redemptions"))
                .col(id("id"))
                .col(col("item_id").big_integer().not_null())
                .col(col("project_id").big_integer().not_null())
                .col(col("person_id").big_integer().not_null())
                .col(col("quantity").integer().not_null())
                .col(col("points").integer().not_null())
                .col(col("code").string_len(16).not_null())
                .col(col("state").string_len(16).not_null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .col(ts_null("closed_at"))
                .col(col("closed_by").big_integer().null())
                .foreign_key(&mut fk("redemptions", "item_id", "reward_items", "id", Cascade))
                .foreign_key(&mut fk("redemptions", "project_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("redemptions", "person_id", "persons", "id", Cascade))
                .foreign_key(&mut fk("redemptions", "created_by", "users", "id", SetNull))
                .foreign_key(&mut fk("redemptions", "closed_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("redemptions", "ux_redemptions_code", &["code"], true)).await?;
        m.create_index(index("redemptions", "ix_redemptions_person", &["person_id", "id"], false)).await?;
        m.create_index(index("redemptions", "ix_redemptions_project", &["project_id", "id"], false)).await?;
        m.create_table(
            Table::create()
                .table(a("points_accounts"))
                .col(id("id"))
                .col(col("person_id").big_integer().not_null())
                .col(col("project_id").big_integer().not_null())
                .col(col("seq").big_integer().not_null())
                .foreign_key(&mut fk("points_accounts", "person_id", "persons", "id", Cascade))
                .foreign_key(&mut fk("points_accounts", "project_id", "org_nodes", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("points_accounts", "ux_points_accounts", &["person_id", "project_id"], true)).await?;
        m.create_index(index("points_ledger", "ix_points_ledger_project_at", &["project_id", "created_at"], false))
            .await?;
        // 活动纪实: one write-up per occurrence, with photos in the blob store.
        m.create_table(
            Table::create()
                .table(a("activity_writeups"))
                .col(id("id"))
                .col(col("occurrence_id").big_integer().not_null())
                .col(col("body").text().not_null())
                .col(col("attendance").integer().null())
                .col(col("author_user_id").big_integer().null())
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("activity_writeups", "occurrence_id", "activity_occurrences", "id", Cascade))
                .foreign_key(&mut fk("activity_writeups", "author_user_id", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("activity_writeups", "ux_activity_writeups_occ", &["occurrence_id"], true)).await?;
        m.create_table(
            Table::create()
                .table(a("writeup_photos"))
                .col(id("id"))
                .col(col("occurrence_id").big_integer().not_null())
                .col(col("object_key").string_len(100).not_null())
                .col(col("content_type").string_len(40).not_null())
                .col(col("size_bytes").integer().not_null())
                .col(col("uploaded_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("writeup_photos", "occurrence_id", "activity_occurrences", "id", Cascade))
                .foreign_key(&mut fk("writeup_photos", "uploaded_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("writeup_photos", "ix_writeup_photos_occ", &["occurrence_id", "id"], false)).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "writeup_photos",
            "activity_writeups",
            "points_accounts",
            "redemptions",
            "reward_items",
            "hour_corrections",
            "team_members",
            "teams",
            "volunteers",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
