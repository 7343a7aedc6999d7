//! C0 foundation: the organisation tree, households, Party organisations, persons, memberships,
//! roles, users, sessions, API tokens and the audit log.

use sea_orm_migration::prelude::*;

use super::{a, col, fk, id, index, ts, ts_null};

pub struct M0001Foundation;

impl MigrationName for M0001Foundation {
    fn name(&self) -> &str {
        "m0001_foundation"
    }
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
