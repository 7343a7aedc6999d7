//! C10's other two services (issue 14): 户内托管 — a custody agreement for a home while its owners are
//! away (what to check, how often, who keeps it), its key log and its checks with photos, a missed check
//! alerting the manager once a day — and 快递配送 — parcels brought to the door, taken and delivered by
//! staff with a photo, the elderly and disabled first.

use sea_orm_migration::prelude::*;

use super::{a, check, col, fk, id, index, ts};

pub struct M0039CustodyParcels;

impl MigrationName for M0039CustodyParcels {
    fn name(&self) -> &str {
        "m0039_custody_parcels"
    }
}

fn photo_table(name: &str, owner_col: &str, owner: &str) -> TableCreateStatement {
    Table::create()
        .table(a(name))
        .col(id("id"))
        .col(col(owner_col).big_integer().not_null())
        .col(col("object_key").string_len(100).not_null())
        .col(col("content_type").string_len(40).not_null())
        .col(col("size_bytes").integer().not_null())
        .col(col("uploaded_by").big_integer().null())
        .col(ts("created_at"))
        .foreign_key(&mut fk(name, owner_col, owner, "id", ForeignKeyAction::Cascade))
        .to_owned()
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0039CustodyParcels {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            Table::create()
                .table(a("custody_agreements"))
                .col(id("id"))
                .col(col("project_id").big_integer().not_null())
                .col(col("household_id").big_integer().not_null())
                .col(col("owner_person_id").big_integer().not_null())
                .col(col("starts_on").date().not_null())
                .col(col("ends_on").date().not_null())
                .col(col("items").string_len(80).not_null())
                .col(col("every_days").integer().not_null())
                .col(col("note").string_len(200).null())
                .col(col("ended_on").date().null())
                .col(col("alerted_on").date().null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("custody_agreements", "project_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("custody_agreements", "household_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("custody_agreements", "owner_person_id", "persons", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("custody_agreements", "ix_custody_agreements_project", &["project_id"], false)).await?;
        m.create_index(index("custody_agreements", "ix_custody_agreements_household", &["household_id"], false))
            .await?;
        check(m, "custody_agreements", "ck_custody_days", "{c}ends_on >= {c}starts_on").await?;
        check(m, "custody_agreements", "ck_custody_every", "{c}every_days BETWEEN 1 AND 30").await?;
        m.create_table(
            Table::create()
                .table(a("custody_keys"))
                .col(id("id"))
                .col(col("agreement_id").big_integer().not_null())
                .col(col("event").string_len(12).not_null())
                .col(col("party").string_len(40).not_null())
                .col(col("note").string_len(200).null())
                .col(col("by_person_id").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("custody_keys", "agreement_id", "custody_agreements", "id", Cascade))
                .foreign_key(&mut fk("custody_keys", "by_person_id", "persons", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("custody_keys", "ix_custody_keys_agreement", &["agreement_id"], false)).await?;
        check(m, "custody_keys", "ck_custody_keys_event", "{c}event IN ('received','returned')").await?;
        m.create_table(photo_table("custody_key_photos", "key_id", "custody_keys")).await?;
        m.create_table(
            Table::create()
                .table(a("custody_checks"))
                .col(id("id"))
                .col(col("agreement_id").big_integer().not_null())
                .col(col("checked_on").date().not_null())
                .col(col("by_person_id").big_integer().null())
                .col(col("problems").string_len(80).null())
                .col(col("note").string_len(500).null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("custody_checks", "agreement_id", "custody_agreements", "id", Cascade))
                .foreign_key(&mut fk("custody_checks", "by_person_id", "persons", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("custody_checks", "ux_custody_checks_day", &["agreement_id", "checked_on"], true)).await?;
        m.create_table(photo_table("custody_check_photos", "check_id", "custody_checks")).await?;
        m.create_table(
            Table::create()
                .table(a("parcels"))
                .col(id("id"))
                .col(col("project_id").big_integer().not_null())
                .col(col("household_id").big_integer().not_null())
                .col(col("person_id").big_integer().not_null())
                .col(col("pieces").integer().not_null())
                .col(col("pickup").string_len(80).not_null())
                .col(col("note").string_len(200).null())
                .col(col("priority").boolean().not_null())
                .col(col("state").string_len(12).not_null())
                .col(col("taker_person_id").big_integer().null())
                .col(col("taken_at").timestamp_with_time_zone().null())
                .col(col("delivered_at").timestamp_with_time_zone().null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("parcels", "project_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("parcels", "household_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("parcels", "person_id", "persons", "id", Cascade))
                .foreign_key(&mut fk("parcels", "taker_person_id", "persons", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("parcels", "ix_parcels_project_state", &["project_id", "state"], false)).await?;
        m.create_index(index("parcels", "ix_parcels_person", &["person_id"], false)).await?;
        check(m, "parcels", "ck_parcels_state", "{c}state IN ('requested','taken','delivered','cancelled')").await?;
        check(m, "parcels", "ck_parcels_pieces", "{c}pieces BETWEEN 1 AND 20").await?;
        m.create_table(photo_table("parcel_photos", "parcel_id", "parcels")).await?;
        Ok(())
    }
}
