//! 党费 (issue 13, C5): the brackets as rows (seeded with the published ones), each member's basis (their
//! category and monthly income — sensitive: only the member and their branch's organisation member see
//! it), and payments recorded by the branch, one per member and month.

use sea_orm_migration::prelude::*;

use super::{a, col, fk, id, index, ts};

pub struct M0022PartyDues;

impl MigrationName for M0022PartyDues {
    fn name(&self) -> &str {
        "m0022_party_dues"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0022PartyDues {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::Cascade;
        m.create_table(
            Table::create()
                .table(a("party_dues_brackets"))
                .col(id("id"))
                .col(col("category").string_len(16).not_null())
                .col(col("above_fen").big_integer().not_null())
                .col(col("upto_fen").big_integer().null())
                .col(col("permille").integer().not_null())
                .col(col("fixed_fen").big_integer().null())
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        // The published brackets, written out here (a migration never changes once merged).
        for (category, above, upto, permille, fixed) in [
            ("in_work", "0", "300000", 5, "NULL"),
            ("in_work", "300000", "500000", 10, "NULL"),
            ("in_work", "500000", "1000000", 15, "NULL"),
            ("in_work", "1000000", "NULL", 20, "NULL"),
            ("retired", "0", "500000", 5, "NULL"),
            ("retired", "500000", "NULL", 10, "NULL"),
            ("special", "-1", "NULL", 0, "20"),
        ] {
            db.execute_unprepared(&format!(
                "INSERT INTO party_dues_brackets (category, above_fen, upto_fen, permille, fixed_fen) \
                 VALUES ('{category}', {above}, {upto}, {permille}, {fixed})"
            ))
            .await?;
        }
        m.create_table(
            Table::create()
                .table(a("party_dues_bases"))
                .col(id("id"))
                .col(col("person_id").big_integer().not_null())
                .col(col("category").string_len(16).not_null())
                .col(col("income_fen").big_integer().not_null())
                .col(col("set_by").big_integer().null())
                .col(ts("updated_at"))
                .foreign_key(&mut fk("party_dues_bases", "person_id", "persons", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("party_dues_bases", "ux_party_dues_bases_person", &["person_id"], true)).await?;
        m.create_table(
            Table::create()
                .table(a("party_dues_payments"))
                .col(id("id"))
                .col(col("person_id").big_integer().not_null())
                .col(col("org_id").big_integer().not_null())
                .col(col("month").string_len(7).not_null())
                .col(col("amount_fen").big_integer().not_null())
                .col(col("paid_on").date().not_null())
                .col(col("recorded_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("party_dues_payments", "person_id", "persons", "id", Cascade))
                .foreign_key(&mut fk("party_dues_payments", "org_id", "party_orgs", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("party_dues_payments", "ux_party_dues_payments_month", &["person_id", "month"], true))
            .await?;
        Ok(())
    }
}
