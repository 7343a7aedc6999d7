//! The reference-data epoch (issue 15): `auth_epoch` row 2, bumped by database triggers on every
//! change to the rows a write checks against and an instance serves from memory (`crate::refs`): a
//! report's request categories (SLA, handler post), a booking's room, centre, opening hours and closed
//! days, and a household row going away. (Where a home is — its project, unit and building — is already
//! covered by row 1, the org tree's epoch of `m0041_auth_versions`, bumped on every insert, delete and
//! move of a node and on a home's change of project; the reference cache checks both.) Read in the same
//! query that validates a caller's credential, so an instance serves a cached row only while nothing it
//! was made of has changed since that request began. Inserts bump it too: a project's categories and a
//! centre's hours are cached as lists. Triggers, not application code: no write path (the settings
//! pages, an import, a hand-run SQL fix) can forget to bump it. A capability that caches another table
//! adds its own migration with the same triggers on it.

use sea_orm_migration::prelude::*;

pub struct M0045RefEpoch;

impl MigrationName for M0045RefEpoch {
    fn name(&self) -> &str {
        "m0045_ref_epoch"
    }
}

/// Each table whose rows `crate::refs` may hold, with the changes to it that bump the epoch.
/// A household's own row only matters to a cached home by being there (`households.node_id`); its
/// project is row 1's (`households_auth`).
const WATCHED: [(&str, &str); 6] = [
    ("request_categories", ALL),
    ("rooms", ALL),
    ("centres", ALL),
    ("centre_hours", ALL),
    ("centre_closed_days", ALL),
    ("households", "DELETE OR UPDATE OF node_id"),
];

const ALL: &str = "INSERT OR UPDATE OR DELETE";

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0045RefEpoch {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared("INSERT INTO auth_epoch (id, v) VALUES (2, 0)").await?;
        let bump = "UPDATE auth_epoch SET v = v + 1 WHERE id = 2";
        let mut sql = Vec::new();
        match m.get_database_backend() {
            sea_orm::DatabaseBackend::Sqlite => {
                // SQLite names one event per trigger.
                for (t, events) in WATCHED {
                    for (i, op) in events.split(" OR ").enumerate() {
                        sql.push(format!(
                            "CREATE TRIGGER {t}_ref_{i} AFTER {op} ON {t} FOR EACH ROW BEGIN {bump}; END"
                        ));
                    }
                }
            }
            _ => {
                sql.push(format!(
                    "CREATE FUNCTION xh_ref_epoch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {bump}; RETURN NULL; END $$"
                ));
                for (t, events) in WATCHED {
                    // Once per statement, not per row: an import of a thousand rows bumps it once.
                    sql.push(format!(
                        "CREATE TRIGGER {t}_ref AFTER {events} ON {t} FOR EACH STATEMENT EXECUTE FUNCTION xh_ref_epoch()"
                    ));
                    sql.push(format!(
                        "CREATE TRIGGER {t}_ref_truncate AFTER TRUNCATE ON {t} FOR EACH STATEMENT EXECUTE FUNCTION xh_ref_epoch()"
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
