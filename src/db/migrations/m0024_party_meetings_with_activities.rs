//! 组织生活 held with an activity, and resolutions' votes (issue 13): a meeting may be held with an
//! activity date (a 主题党日 that is also a volunteer activity) — its roster is written when it is
//! planned, one row per member marked absent with whether they have a vote, and each check-in to the
//! activity marks the member present in the same transaction that records the check-in; a resolution
//! carries its vote count (赞成/反对/弃权).

use sea_orm_migration::prelude::*;

use super::{a, check, col, index};

pub struct M0024PartyMeetingsWithActivities;

impl MigrationName for M0024PartyMeetingsWithActivities {
    fn name(&self) -> &str {
        "m0024_party_meetings_with_activities"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0024PartyMeetingsWithActivities {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for c in [
            col("occurrence_id").big_integer().null().to_owned(),
            col("votes_for").integer().null().to_owned(),
            col("votes_against").integer().null().to_owned(),
            col("votes_abstain").integer().null().to_owned(),
        ] {
            let mut c = c;
            m.alter_table(Table::alter().table(a("party_meetings")).add_column(&mut c).to_owned()).await?;
        }
        let mut c = col("voter").boolean().not_null().default(false).to_owned();
        m.alter_table(Table::alter().table(a("party_attendance")).add_column(&mut c).to_owned()).await?;
        m.create_index(index("party_meetings", "ix_party_meetings_occurrence", &["occurrence_id"], false)).await?;
        check(
            m,
            "party_meetings",
            "ck_party_meetings_votes",
            "({c}votes_for IS NULL OR {c}votes_for >= 0) AND ({c}votes_against IS NULL OR {c}votes_against >= 0) \
             AND ({c}votes_abstain IS NULL OR {c}votes_abstain >= 0)",
        )
        .await?;
        Ok(())
    }
}
