use sea_orm_migration::prelude::*;

use super::{a, index};

/// Index for the per-address log-in throttle (failed log-ins by address in a time window).
pub struct M0002AuditIpIndex;

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
