//! The credential check that rides in a write (issue 15, `auth::gate`): on PostgreSQL, a report sent
//! with an API token the instance already knows is written without first reading the token, and the
//! same statement calls `xh_auth_gate` after its inserts. The function reads what the token was known
//! under — the token live and allowed to write, its user active at the same `auth_version`, the org
//! tree's and the reference data's epochs unchanged — and raises SQLSTATE `XH401` if any of it moved,
//! which undoes the whole statement (nothing is written). The instance then authenticates the request
//! the ordinary way and runs it again. SQLite reads its credentials inline (no round trip to save) and
//! has no such function.

use sea_orm_migration::prelude::*;

pub struct M0047AuthGate;

impl MigrationName for M0047AuthGate {
    fn name(&self) -> &str {
        "m0047_auth_gate"
    }
}

/// The SQLSTATE the gate raises.
pub const GATE_SQLSTATE: &str = "XH401";

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0047AuthGate {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
            return Ok(());
        }
        m.get_connection()
            .execute_unprepared(&format!(
                "CREATE FUNCTION xh_auth_gate(p_hash text, p_version bigint, p_epoch bigint, p_refs bigint, p_now timestamptz) \
                 RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN \
                   IF NOT EXISTS (SELECT 1 FROM api_tokens t JOIN users u ON u.id = t.user_id \
                        WHERE t.token_hash = p_hash AND t.revoked_at IS NULL AND t.expires_at > p_now \
                          AND t.access = 'write' AND u.is_active AND u.auth_version = p_version) \
                      OR (SELECT e.v FROM auth_epoch e WHERE e.id = 1) IS DISTINCT FROM p_epoch \
                      OR (SELECT e.v FROM auth_epoch e WHERE e.id = 2) IS DISTINCT FROM p_refs THEN \
                     RAISE EXCEPTION 'the credential changed since it was cached' USING ERRCODE = '{GATE_SQLSTATE}'; \
                   END IF; \
                   RETURN true; END $$"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            m.get_connection().execute_unprepared("DROP FUNCTION xh_auth_gate").await?;
        }
        Ok(())
    }
}
