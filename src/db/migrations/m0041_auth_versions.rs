//! What a cached principal is checked against (issue 15): `users.auth_version`, bumped by the
//! database itself on every change to what a user's principal is made of — their own row (name,
//! language, large type, active, person, password), their role assignments and their homes — and
//! `auth_epoch.v`, bumped when the org tree a scope is resolved through changes (a node added,
//! moved, renamed or removed; a home moved to another project). Triggers, not application code, so
//! no write path (an import, the admin pages, the demo loader, a hand-run SQL fix) can forget one.

use sea_orm_migration::prelude::*;

use super::{a, col};

pub struct M0041AuthVersions;

impl MigrationName for M0041AuthVersions {
    fn name(&self) -> &str {
        "m0041_auth_versions"
    }
}

/// The users columns a principal is made of.
const USER_COLUMNS: [&str; 7] =
    ["username", "display_name", "person_id", "is_active", "large_type", "lang", "password_hash"];

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0041AuthVersions {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(a("users"))
                .add_column(col("auth_version").big_integer().not_null().default(0))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("auth_epoch"))
                .col(col("id").integer().not_null().primary_key())
                .col(col("v").big_integer().not_null())
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        db.execute_unprepared("INSERT INTO auth_epoch (id, v) VALUES (1, 0)").await?;
        let bump_person = "UPDATE users SET auth_version = auth_version + 1 WHERE person_id =";
        let bump_epoch = "UPDATE auth_epoch SET v = v + 1 WHERE id = 1";
        match m.get_database_backend() {
            sea_orm::DatabaseBackend::Sqlite => {
                let changed =
                    USER_COLUMNS.iter().map(|c| format!("NEW.{c} IS NOT OLD.{c}")).collect::<Vec<_>>().join(" OR ");
                let mut sql = vec![format!(
                    "CREATE TRIGGER users_auth_version AFTER UPDATE ON users FOR EACH ROW \
                     WHEN NEW.auth_version = OLD.auth_version AND ({changed}) \
                     BEGIN UPDATE users SET auth_version = auth_version + 1 WHERE id = NEW.id; END"
                )];
                for t in ["role_assignments", "household_members"] {
                    sql.push(format!(
                        "CREATE TRIGGER {t}_auth_i AFTER INSERT ON {t} FOR EACH ROW \
                         BEGIN {bump_person} NEW.person_id; END"
                    ));
                    sql.push(format!(
                        "CREATE TRIGGER {t}_auth_u AFTER UPDATE ON {t} FOR EACH ROW \
                         BEGIN {bump_person} OLD.person_id; {bump_person} NEW.person_id AND NEW.person_id IS NOT OLD.person_id; END"
                    ));
                    sql.push(format!(
                        "CREATE TRIGGER {t}_auth_d AFTER DELETE ON {t} FOR EACH ROW \
                         BEGIN {bump_person} OLD.person_id; END"
                    ));
                }
                for (name, when) in [
                    ("org_nodes_auth_i", "INSERT ON org_nodes"),
                    (
                        "org_nodes_auth_u",
                        "UPDATE OF path, kind, name, parent_id, project_id, community_id ON org_nodes",
                    ),
                    ("org_nodes_auth_d", "DELETE ON org_nodes"),
                    ("households_auth_u", "UPDATE OF project_id ON households"),
                ] {
                    sql.push(format!("CREATE TRIGGER {name} AFTER {when} FOR EACH ROW BEGIN {bump_epoch}; END"));
                }
                for s in sql {
                    db.execute_unprepared(&s).await?;
                }
            }
            _ => {
                let changed = USER_COLUMNS
                    .iter()
                    .map(|c| format!("NEW.{c} IS DISTINCT FROM OLD.{c}"))
                    .collect::<Vec<_>>()
                    .join(" OR ");
                let sql = [
                    format!(
                        "CREATE FUNCTION xh_users_auth_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                           IF NEW.auth_version = OLD.auth_version AND ({changed}) THEN \
                             NEW.auth_version := OLD.auth_version + 1; END IF; \
                           RETURN NEW; END $$"
                    ),
                    "CREATE TRIGGER users_auth_version BEFORE UPDATE ON users FOR EACH ROW \
                     EXECUTE FUNCTION xh_users_auth_version()"
                        .into(),
                    format!(
                        "CREATE FUNCTION xh_person_auth_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                           IF TG_OP <> 'INSERT' THEN {bump_person} OLD.person_id; END IF; \
                           IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.person_id IS DISTINCT FROM OLD.person_id) THEN \
                             {bump_person} NEW.person_id; END IF; \
                           RETURN NULL; END $$"
                    ),
                    format!("CREATE FUNCTION xh_auth_epoch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {bump_epoch}; RETURN NULL; END $$"),
                    "CREATE TRIGGER role_assignments_auth AFTER INSERT OR UPDATE OR DELETE ON role_assignments \
                     FOR EACH ROW EXECUTE FUNCTION xh_person_auth_version()"
                        .into(),
                    "CREATE TRIGGER household_members_auth AFTER INSERT OR UPDATE OR DELETE ON household_members \
                     FOR EACH ROW EXECUTE FUNCTION xh_person_auth_version()"
                        .into(),
                    "CREATE TRIGGER org_nodes_auth AFTER INSERT OR DELETE OR UPDATE OF path, kind, name, parent_id, project_id, community_id \
                     ON org_nodes FOR EACH STATEMENT EXECUTE FUNCTION xh_auth_epoch()"
                        .into(),
                    "CREATE TRIGGER households_auth AFTER UPDATE OF project_id ON households \
                     FOR EACH STATEMENT EXECUTE FUNCTION xh_auth_epoch()"
                        .into(),
                ];
                for s in sql {
                    db.execute_unprepared(&s).await?;
                }
            }
        }
        Ok(())
    }
}
