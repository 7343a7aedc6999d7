//! The reference-data epoch (issue 15): `auth_epoch` row 2, bumped by triggers on every insert, update
//! and delete of the reference tables a write path checks against and serves from memory
//! (`crate::refs`) — today the request categories with their SLAs. Read in the same query that
//! validates a caller's credential, so an instance serves a cached row only while nothing in those
//! tables has changed since that request began; triggers, not application code, so no write path (the
//! settings page, an import, a hand-run SQL fix) can forget to bump it. A capability that caches
//! another table adds its own migration with the same triggers on it.

use sea_orm_migration::prelude::*;

pub struct M0043RefEpoch;

impl MigrationName for M0043RefEpoch {
    fn name(&self) -> &str {
        "m0043_ref_epoch"
    }
}

/// The tables whose rows `crate::refs` may hold.
const TABLES: [&str; 1] = ["request_categories"];

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0043RefEpoch {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared("INSERT INTO auth_epoch (id, v) VALUES (2, 0)").await?;
        let bump = "UPDATE auth_epoch SET v = v + 1 WHERE id = 2";
        let mut sql = Vec::new();
        match m.get_database_backend() {
            sea_orm::DatabaseBackend::Sqlite => {
                for t in TABLES {
                    for (suffix, op) in [("i", "INSERT"), ("u", "UPDATE"), ("d", "DELETE")] {
                        sql.push(format!(
                            "CREATE TRIGGER {t}_ref_{suffix} AFTER {op} ON {t} FOR EACH ROW BEGIN {bump}; END"
                        ));
                    }
                }
            }
            _ => {
                sql.push(format!(
                    "CREATE FUNCTION xh_ref_epoch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {bump}; RETURN NULL; END $$"
                ));
                for t in TABLES {
                    sql.push(format!(
                        "CREATE TRIGGER {t}_ref AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {t} \
                         FOR EACH STATEMENT EXECUTE FUNCTION xh_ref_epoch()"
                    ));
                }
            }
        }
        for s in sql {
            db.execute_unprepared(&s).await?;
        }
        Ok(())
    }
}
