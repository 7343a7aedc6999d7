//! The escalation ladder per project (issue 11): which rungs above the handler a project has (its
//! manager, its branch company), who is told at the manager rung (a post), and after how many hours each
//! is reached. Kept as the rules' own JSON (`model::Rung`s); no row is the default ladder.

use sea_orm_migration::prelude::*;

use super::{a, col, fk, id, index, ts};

pub struct M0016EscalationLadder;

impl MigrationName for M0016EscalationLadder {
    fn name(&self) -> &str {
        "m0016_escalation_ladder"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0016EscalationLadder {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("escalation_ladders"))
                .col(id("id"))
                .col(col("project_id").big_integer().not_null())
                .col(col("rungs").string_len(2000).not_null())
                .col(ts("updated_at"))
                .foreign_key(&mut fk("escalation_ladders", "project_id", "org_nodes", "id", ForeignKeyAction::Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("escalation_ladders", "ux_escalation_ladders_project", &["project_id"], true)).await?;
        Ok(())
    }
}
