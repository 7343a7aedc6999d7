//! 组织生活 (issue 13, C5 second part): Party meetings with their attendance, and the rules the
//! compliance board checks them against — rows, so a company can tighten them (`org_id` NULL: the
//! default for every organisation; seeded here from the 支部工作条例).

use sea_orm_migration::prelude::*;

use super::{a, check, col, fk, id, index, ts};

pub struct M0021PartyMeetings;

impl MigrationName for M0021PartyMeetings {
    fn name(&self) -> &str {
        "m0021_party_meetings"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0021PartyMeetings {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::Cascade;
        m.create_table(
            Table::create()
                .table(a("party_meetings"))
                .col(id("id"))
                .col(col("org_id").big_integer().not_null())
                .col(col("kind").string_len(24).not_null())
                .col(col("title").string_len(100).not_null())
                .col(col("held_on").date().not_null())
                .col(col("place").string_len(100).null())
                .col(col("minutes").text().null())
                .col(col("resolution").text().null())
                // Who had a vote then (正式党员 for a 党员大会, the committee for a 支委会) and how many of
                // them were there: the quorum is computed from these, never typed in.
                .col(col("voters").integer().not_null())
                .col(col("present_voters").integer().not_null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("party_meetings", "org_id", "party_orgs", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("party_meetings", "ix_party_meetings_org", &["org_id", "held_on"], false)).await?;
        m.create_table(
            Table::create()
                .table(a("party_attendance"))
                .col(id("id"))
                .col(col("meeting_id").big_integer().not_null())
                .col(col("person_id").big_integer().not_null())
                .col(col("presence").string_len(12).not_null())
                .foreign_key(&mut fk("party_attendance", "meeting_id", "party_meetings", "id", Cascade))
                .foreign_key(&mut fk("party_attendance", "person_id", "persons", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("party_attendance", "ux_party_attendance", &["meeting_id", "person_id"], true)).await?;
        check(m, "party_attendance", "ck_party_attendance_presence", "{c}presence IN ('present','excused','absent')")
            .await?;
        m.create_table(
            Table::create()
                .table(a("party_rules"))
                .col(id("id"))
                .col(col("org_id").big_integer().null())
                .col(col("kind").string_len(24).not_null())
                .col(col("period").string_len(12).not_null())
                .col(col("min_count").integer().not_null())
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("party_rules", "ix_party_rules_org", &["org_id"], false)).await?;
        let db = m.get_connection();
        for (kind, period) in [
            ("assembly", "quarter"),
            ("committee", "month"),
            ("group", "month"),
            ("theme_day", "month"),
            ("lecture", "year"),
            ("life_meeting", "year"),
            ("appraisal", "year"),
        ] {
            db.execute_unprepared(&format!(
                "INSERT INTO party_rules (org_id, kind, period, min_count, created_at) \
                 VALUES (NULL, '{kind}', '{period}', 1, CURRENT_TIMESTAMP)"
            ))
            .await?;
        }
        Ok(())
    }
}
