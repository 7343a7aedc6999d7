//! 便民物资共享 (issue 14, C10): a lending library per Party-mass service centre — ladders, wheelchairs,
//! toolkits, umbrellas, strollers — with its loans. A loan holds its item in `open_item_id` while it is
//! reserved or out (NULL once returned or cancelled); the unique index on it is what makes "one item is
//! never lent twice at once" true under concurrent requests, on both databases.

use sea_orm_migration::prelude::*;

use super::{a, check, col, fk, id, index, ts, ts_null};

pub struct M0032Lending;

impl MigrationName for M0032Lending {
    fn name(&self) -> &str {
        "m0032_lending"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0032Lending {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            Table::create()
                .table(a("lend_items"))
                .col(id("id"))
                .col(col("centre_id").big_integer().not_null())
                .col(col("project_id").big_integer().not_null())
                .col(col("kind").string_len(16).not_null())
                .col(col("name").string_len(60).not_null())
                // 编号 on the item's label (「轮椅-02」), unique in its centre.
                .col(col("code").string_len(20).not_null())
                .col(col("deposit_fen").big_integer().not_null().default(0))
                .col(col("loan_days").integer().not_null())
                .col(col("condition").string_len(16).not_null())
                .col(col("note").string_len(200).null())
                .col(ts_null("retired_at"))
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("lend_items", "centre_id", "centres", "id", Cascade))
                .foreign_key(&mut fk("lend_items", "project_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("lend_items", "created_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("lend_items", "ux_lend_items_centre_code", &["centre_id", "code"], true)).await?;
        m.create_index(index("lend_items", "ix_lend_items_project", &["project_id"], false)).await?;
        check(
            m,
            "lend_items",
            "ck_lend_items_kind",
            "{c}kind IN ('ladder','wheelchair','toolkit','umbrella','stroller','other')",
        )
        .await?;
        check(m, "lend_items", "ck_lend_items_condition", "{c}condition IN ('good','worn','damaged')").await?;
        check(m, "lend_items", "ck_lend_items_numbers", "{c}deposit_fen >= 0 AND {c}loan_days BETWEEN 1 AND 90")
            .await?;
        m.create_table(
            Table::create()
                .table(a("lend_loans"))
                .col(id("id"))
                .col(col("item_id").big_integer().not_null())
                .col(col("project_id").big_integer().not_null())
                .col(col("person_id").big_integer().not_null())
                .col(col("household_id").big_integer().null())
                .col(col("state").string_len(16).not_null())
                // The item while this loan holds it (reserved or out); NULL after.
                .col(col("open_item_id").big_integer().null())
                .col(ts("requested_at"))
                .col(ts_null("lent_at"))
                .col(col("due_on").date().null())
                .col(col("deposit_fen").big_integer().not_null().default(0))
                .col(col("deposit_kept_fen").big_integer().null())
                .col(ts_null("returned_at"))
                .col(col("return_condition").string_len(16).null())
                .col(col("return_note").string_len(200).null())
                // The last day the borrower was reminded (once a day at most).
                .col(col("reminded_on").date().null())
                .col(col("created_by").big_integer().null())
                .col(col("lent_by").big_integer().null())
                .col(col("returned_by").big_integer().null())
                .foreign_key(&mut fk("lend_loans", "item_id", "lend_items", "id", Cascade))
                .foreign_key(&mut fk("lend_loans", "project_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("lend_loans", "person_id", "persons", "id", Cascade))
                .foreign_key(&mut fk("lend_loans", "household_id", "org_nodes", "id", SetNull))
                .foreign_key(&mut fk("lend_loans", "created_by", "users", "id", SetNull))
                .foreign_key(&mut fk("lend_loans", "lent_by", "users", "id", SetNull))
                .foreign_key(&mut fk("lend_loans", "returned_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("lend_loans", "ux_lend_loans_open_item", &["open_item_id"], true)).await?;
        m.create_index(index("lend_loans", "ix_lend_loans_item", &["item_id"], false)).await?;
        m.create_index(index("lend_loans", "ix_lend_loans_person", &["person_id"], false)).await?;
        m.create_index(index("lend_loans", "ix_lend_loans_project_state", &["project_id", "state"], false)).await?;
        check(m, "lend_loans", "ck_lend_loans_state", "{c}state IN ('reserved','out','returned','cancelled')").await?;
        check(
            m,
            "lend_loans",
            "ck_lend_loans_deposit",
            "{c}deposit_fen >= 0 AND ({c}deposit_kept_fen IS NULL OR {c}deposit_kept_fen BETWEEN 0 AND {c}deposit_fen)",
        )
        .await?;
        Ok(())
    }
}
