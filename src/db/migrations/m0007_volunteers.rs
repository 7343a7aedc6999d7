use sea_orm_migration::prelude::*;

use super::{a, col, fk, id, index, ts, ts_null};

/// C4 volunteers and points, and the rest of C3: volunteer registration, teams, hour corrections, the
/// organiser bonus, 爱心超市 (items, redemptions, and one account row per person and project that a
/// redemption locks first, so two redemptions cannot both spend the same points), activity write-ups with
/// photos, and per-occurrence overrides for editing one date of a series.
pub struct M0007Volunteers;

impl MigrationName for M0007Volunteers {
    fn name(&self) -> &str {
        "m0007_volunteers"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0007Volunteers {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            Table::create()
                .table(a("volunteers"))
                .col(id("id"))
                .col(col("person_id").big_integer().not_null())
                .col(col("project_id").big_integer().not_null())
                .col(col("state").string_len(16).not_null())
                .col(col("skills").string_len(200).not_null())
                .col(col("decision_note").string_len(200).null())
                .col(col("decided_by").big_integer().null())
                .col(ts_null("decided_at"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("volunteers", "person_id", "persons", "id", Cascade))
                .foreign_key(&mut fk("volunteers", "project_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("volunteers", "decided_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("volunteers", "ux_volunteers_person_project", &["person_id", "project_id"], true)).await?;
        m.create_index(index("volunteers", "ix_volunteers_project_state", &["project_id", "state", "id"], false))
            .await?;
        m.create_table(
            Table::create()
                .table(a("teams"))
                .col(id("id"))
                .col(col("project_id").big_integer().not_null())
                .col(col("kind").string_len(16).not_null())
                .col(col("name").string_len(60).not_null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("teams", "project_id", "org_nodes", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("teams", "ux_teams_project_name", &["project_id", "name"], true)).await?;
        m.create_table(
            Table::create()
                .table(a("team_members"))
                .col(id("id"))
                .col(col("team_id").big_integer().not_null())
                .col(col("person_id").big_integer().not_null())
                .col(col("role").string_len(16).not_null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("team_members", "team_id", "teams", "id", Cascade))
                .foreign_key(&mut fk("team_members", "person_id", "persons", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("team_members", "ux_team_members", &["team_id", "person_id"], true)).await?;
        m.create_index(index("team_members", "ix_team_members_person", &["person_id"], false)).await?;
        m.create_table(
            Table::create()
                .table(a("hour_corrections"))
                .col(id("id"))
                .col(col("signup_id").big_integer().not_null())
                .col(col("person_id").big_integer().not_null())
                .col(col("project_id").big_integer().not_null())
                .col(col("minutes_before").integer().not_null())
                .col(col("minutes_requested").integer().not_null())
                .col(col("reason").string_len(200).not_null())
                .col(col("state").string_len(16).not_null())
                .col(col("decided_by").big_integer().null())
                .col(ts_null("decided_at"))
                .col(col("decision_note").string_len(200).null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("hour_corrections", "signup_id", "signups", "id", Cascade))
                .foreign_key(&mut fk("hour_corrections", "person_id", "persons", "id", Cascade))
                .foreign_key(&mut fk("hour_corrections", "project_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("hour_corrections", "decided_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("hour_corrections", "ix_hour_corrections_project", &["project_id", "state", "id"], false))
            .await?;
        m.create_index(index("hour_corrections", "ix_hour_corrections_signup", &["signup_id"], false)).await?;
        // Organiser bonus (points_rules) and who organised (signups); a team audience (activities);
        // one date of a series edited on its own (occurrence overrides).
        let mut c = col("organiser_bonus").integer().not_null().default(0).to_owned();
        m.alter_table(Table::alter().table(a("points_rules")).add_column(&mut c).to_owned()).await?;
        let mut c = col("role").string_len(16).not_null().default("participant").to_owned();
        m.alter_table(Table::alter().table(a("signups")).add_column(&mut c).to_owned()).await?;
        let mut c = col("team_id").big_integer().null().to_owned();
        m.alter_table(Table::alter().table(a("activities")).add_column(&mut c).to_owned()).await?;
        // The place as a booked room: the activity's room, and each date's booking (its slots keep the
        // room from being booked twice).
        let mut c = col("room_id").big_integer().null().to_owned();
        m.alter_table(Table::alter().table(a("activities")).add_column(&mut c).to_owned()).await?;
        let mut c = col("booking_id").big_integer().null().to_owned();
        m.alter_table(Table::alter().table(a("activity_occurrences")).add_column(&mut c).to_owned()).await?;
        for c in [
            col("title").string_len(100).null().to_owned(),
            col("place").string_len(200).null().to_owned(),
            col("capacity").integer().null().to_owned(),
        ] {
            let mut c = c;
            m.alter_table(Table::alter().table(a("activity_occurrences")).add_column(&mut c).to_owned()).await?;
        }
        // 爱心超市.
        m.create_table(
            Table::create()
                .table(a("reward_items"))
                .col(id("id"))
                .col(col("project_id").big_integer().not_null())
                .col(col("name").string_len(60).not_null())
                .col(col("description").string_len(200).not_null())
                .col(col("points").integer().not_null())
                .col(col("stock").integer().not_null())
                .col(col("active").boolean().not_null())
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("reward_items", "project_id", "org_nodes", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("reward_items", "ux_reward_items_project_name", &["project_id", "name"], true)).await?;
        m.create_table(
            Table::create()
                .table(a("redemptions"))
                .col(id("id"))
                .col(col("item_id").big_integer().not_null())
                .col(col("project_id").big_integer().not_null())
                .col(col("person_id").big_integer().not_null())
                .col(col("quantity").integer().not_null())
                .col(col("points").integer().not_null())
                .col(col("code").string_len(16).not_null())
                .col(col("state").string_len(16).not_null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .col(ts_null("closed_at"))
                .col(col("closed_by").big_integer().null())
                .foreign_key(&mut fk("redemptions", "item_id", "reward_items", "id", Cascade))
                .foreign_key(&mut fk("redemptions", "project_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("redemptions", "person_id", "persons", "id", Cascade))
                .foreign_key(&mut fk("redemptions", "created_by", "users", "id", SetNull))
                .foreign_key(&mut fk("redemptions", "closed_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("redemptions", "ux_redemptions_code", &["code"], true)).await?;
        m.create_index(index("redemptions", "ix_redemptions_person", &["person_id", "id"], false)).await?;
        m.create_index(index("redemptions", "ix_redemptions_project", &["project_id", "id"], false)).await?;
        m.create_table(
            Table::create()
                .table(a("points_accounts"))
                .col(id("id"))
                .col(col("person_id").big_integer().not_null())
                .col(col("project_id").big_integer().not_null())
                .col(col("seq").big_integer().not_null())
                .foreign_key(&mut fk("points_accounts", "person_id", "persons", "id", Cascade))
                .foreign_key(&mut fk("points_accounts", "project_id", "org_nodes", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("points_accounts", "ux_points_accounts", &["person_id", "project_id"], true)).await?;
        m.create_index(index("points_ledger", "ix_points_ledger_project_at", &["project_id", "created_at"], false))
            .await?;
        // 活动纪实: one write-up per occurrence, with photos in the blob store.
        m.create_table(
            Table::create()
                .table(a("activity_writeups"))
                .col(id("id"))
                .col(col("occurrence_id").big_integer().not_null())
                .col(col("body").text().not_null())
                .col(col("attendance").integer().null())
                .col(col("author_user_id").big_integer().null())
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("activity_writeups", "occurrence_id", "activity_occurrences", "id", Cascade))
                .foreign_key(&mut fk("activity_writeups", "author_user_id", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("activity_writeups", "ux_activity_writeups_occ", &["occurrence_id"], true)).await?;
        m.create_table(
            Table::create()
                .table(a("writeup_photos"))
                .col(id("id"))
                .col(col("occurrence_id").big_integer().not_null())
                .col(col("object_key").string_len(100).not_null())
                .col(col("content_type").string_len(40).not_null())
                .col(col("size_bytes").integer().not_null())
                .col(col("uploaded_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("writeup_photos", "occurrence_id", "activity_occurrences", "id", Cascade))
                .foreign_key(&mut fk("writeup_photos", "uploaded_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("writeup_photos", "ix_writeup_photos_occ", &["occurrence_id", "id"], false)).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "writeup_photos",
            "activity_writeups",
            "points_accounts",
            "redemptions",
            "reward_items",
            "hour_corrections",
            "team_members",
            "teams",
            "volunteers",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
