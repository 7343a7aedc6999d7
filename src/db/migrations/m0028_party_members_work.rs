//! A Party member's work in the estate (issue 13, C5): 党员联系户 — each member linked to a handful of
//! households they keep in touch with, and the log of their visits (what was raised) —; 党员先锋岗 and
//! 示范岗, posts a member holds on a project; and 党员积分, the rules by which a branch assesses its
//! members from the records, as rows (`org_id` NULL: the default, seeded here; a branch's own row for a
//! source replaces the default for it).

use sea_orm_migration::prelude::*;

use super::{a, check, col, fk, id, index, ts};

pub struct M0028PartyMembersWork;

impl MigrationName for M0028PartyMembersWork {
    fn name(&self) -> &str {
        "m0028_party_members_work"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0028PartyMembersWork {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            Table::create()
                .table(a("party_contacts"))
                .col(id("id"))
                .col(col("org_id").big_integer().not_null())
                .col(col("person_id").big_integer().not_null())
                .col(col("household_id").big_integer().not_null())
                .col(col("since").date().not_null())
                .col(col("until").date().null())
                // The household while the link is in force (NULL once ended): one link per pair at a time.
                .col(col("current_household_id").big_integer().null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("party_contacts", "org_id", "party_orgs", "id", Cascade))
                .foreign_key(&mut fk("party_contacts", "person_id", "persons", "id", Cascade))
                .foreign_key(&mut fk("party_contacts", "household_id", "org_nodes", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "party_contacts",
            "ux_party_contacts_current",
            &["person_id", "current_household_id"],
            true,
        ))
        .await?;
        m.create_index(index("party_contacts", "ix_party_contacts_org", &["org_id"], false)).await?;
        m.create_index(index("party_contacts", "ix_party_contacts_person", &["person_id"], false)).await?;
        m.create_table(
            Table::create()
                .table(a("party_contact_visits"))
                .col(id("id"))
                .col(col("contact_id").big_integer().not_null())
                .col(col("visited_on").date().not_null())
                .col(col("how").string_len(12).not_null())
                .col(col("note").string_len(500).not_null())
                .col(col("raised").string_len(500).null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("party_contact_visits", "contact_id", "party_contacts", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("party_contact_visits", "ix_party_contact_visits_contact", &["contact_id"], false))
            .await?;
        check(m, "party_contact_visits", "ck_party_contact_visits_how", "{c}how IN ('door','phone','wechat')").await?;
        m.create_table(
            Table::create()
                .table(a("party_stations"))
                .col(id("id"))
                .col(col("org_id").big_integer().not_null())
                .col(col("person_id").big_integer().not_null())
                .col(col("project_id").big_integer().not_null())
                .col(col("kind").string_len(12).not_null())
                .col(col("title").string_len(60).not_null())
                .col(col("since").date().not_null())
                .col(col("until").date().null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("party_stations", "org_id", "party_orgs", "id", Cascade))
                .foreign_key(&mut fk("party_stations", "person_id", "persons", "id", Cascade))
                .foreign_key(&mut fk("party_stations", "project_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("party_stations", "created_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("party_stations", "ix_party_stations_project", &["project_id"], false)).await?;
        check(m, "party_stations", "ck_party_stations_kind", "{c}kind IN ('pioneer','model')").await?;
        m.create_table(
            Table::create()
                .table(a("party_score_rules"))
                .col(id("id"))
                .col(col("org_id").big_integer().null())
                .col(col("source").string_len(16).not_null())
                .col(col("points").integer().not_null())
                .col(col("yearly_cap").integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("party_score_rules", "org_id", "party_orgs", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("party_score_rules", "ix_party_score_rules_org", &["org_id"], false)).await?;
        check(
            m,
            "party_score_rules",
            "ck_party_score_rules",
            "{c}points >= 0 AND {c}points <= 100 AND ({c}yearly_cap IS NULL OR {c}yearly_cap >= 0)",
        )
        .await?;
        let db = m.get_connection();
        // The defaults many branches use: 组织生活 attended, 微心愿 fulfilled, 联系户 visits, service hours.
        for (source, points, cap) in
            [("meeting", 2, "NULL"), ("wish", 3, "30"), ("contact_visit", 1, "24"), ("service_hour", 1, "40")]
        {
            db.execute_unprepared(&format!(
                "INSERT INTO party_score_rules (org_id, source, points, yearly_cap, created_at) \
                 VALUES (NULL, '{source}', {points}, {cap}, CURRENT_TIMESTAMP)"
            ))
            .await?;
        }
        Ok(())
    }
}
