//! Party organisations and members (issue 13, C5 first part): Party organisations form a tree
//! (`parent_id`: 党委 › 党总支 › 党支部 › 党小组; no foreign key, as SQLite cannot add one to an existing
//! table — the action checks it), members' memberships with their history (a transfer closes one row and
//! opens another; `current_person_id` is the person while the row is open and NULL once closed, so its
//! unique index keeps a person in one organisation at a time on both databases), and the committee's
//! posts with their terms.

use sea_orm_migration::prelude::*;

use super::{a, check, col, fk, id, index, ts};

pub struct M0020Party;

impl MigrationName for M0020Party {
    fn name(&self) -> &str {
        "m0020_party"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0020Party {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::Cascade;
        m.alter_table(
            Table::alter().table(a("party_orgs")).add_column(col("parent_id").big_integer().null()).to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("party_memberships"))
                .col(id("id"))
                .col(col("person_id").big_integer().not_null())
                .col(col("org_id").big_integer().not_null())
                .col(col("status").string_len(16).not_null())
                .col(col("joined_on").date().not_null())
                .col(col("confirmed_on").date().null())
                .col(col("since").date().not_null())
                .col(col("until").date().null())
                .col(col("current_person_id").big_integer().null())
                .col(col("note").string_len(200).null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("party_memberships", "person_id", "persons", "id", Cascade))
                .foreign_key(&mut fk("party_memberships", "org_id", "party_orgs", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("party_memberships", "ux_party_memberships_current", &["current_person_id"], true))
            .await?;
        m.create_index(index("party_memberships", "ix_party_memberships_org", &["org_id", "until"], false)).await?;
        m.create_index(index("party_memberships", "ix_party_memberships_person", &["person_id"], false)).await?;
        check(m, "party_memberships", "ck_party_memberships_status", "{c}status IN ('probationary','full')").await?;
        m.create_table(
            Table::create()
                .table(a("party_posts"))
                .col(id("id"))
                .col(col("org_id").big_integer().not_null())
                .col(col("person_id").big_integer().not_null())
                .col(col("post").string_len(24).not_null())
                .col(col("term_start").date().not_null())
                .col(col("term_end").date().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("party_posts", "org_id", "party_orgs", "id", Cascade))
                .foreign_key(&mut fk("party_posts", "person_id", "persons", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("party_posts", "ix_party_posts_org", &["org_id", "term_end"], false)).await?;
        Ok(())
    }
}
