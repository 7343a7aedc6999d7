//! Embedded migrations, run at start-up, one file per migration (`m000N_what.rs`). Rules (see
//! `migrations/README.md`): a merged migration is never edited; a capability adds its own file and one
//! line below. DDL is generated per backend by sea-query from one description.

use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_audit_ip_index;
mod m0003_requests;
mod m0004_requests_more;
mod m0005_positions;
mod m0006_activities;
mod m0007_volunteers;
mod m0008_trust;
mod m0009_checks;
mod m0010_suspend;
mod m0011_referrals;
mod m0012_outbound;
mod m0013_series;
mod m0014_one_volunteer;
mod m0015_request_unit;
mod m0016_escalation_ladder;
mod m0017_notification_prefs;
mod m0018_notification_words;
mod m0019_spots;
mod m0020_party;
mod m0021_party_meetings;
mod m0022_party_dues;
mod m0023_party_reminders;
mod m0024_party_meetings_with_activities;
mod m0025_brands_and_honours;
mod m0026_joint_building;
mod m0027_wishes;
mod m0028_party_members_work;
mod m0029_pairings;
mod m0030_bodies;
mod m0031_meeting_photos;
mod m0032_lending;
mod m0033_grid_campaigns;
pub(crate) mod m0034_supervision;
mod m0035_grid_reached;
mod m0036_care;
mod m0037_household_unit;
mod m0038_care_rounds;
mod m0039_custody_parcels;
mod m0040_grid_figures;
mod m0041_auth_versions;
pub(crate) mod m0042_request_counts;
pub(crate) mod m0043_open_requests;
mod m0044_counts_by_backend;
mod m0045_ref_epoch;
pub mod m0046_late_work;
pub mod m0047_auth_gate;

pub struct Migrator;

#[sea_orm_migration::async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::M0001Foundation),
            Box::new(m0002_audit_ip_index::M0002AuditIpIndex),
            Box::new(m0003_requests::M0003Requests),
            Box::new(m0004_requests_more::M0004RequestsMore),
            Box::new(m0005_positions::M0005Positions),
            Box::new(m0006_activities::M0006Activities),
            Box::new(m0007_volunteers::M0007Volunteers),
            Box::new(m0008_trust::M0008Trust),
            Box::new(m0009_checks::M0009Checks),
            Box::new(m0010_suspend::M0010Suspend),
            Box::new(m0011_referrals::M0011Referrals),
            Box::new(m0012_outbound::M0012Outbound),
            Box::new(m0013_series::M0013Series),
            Box::new(m0014_one_volunteer::M0014OneVolunteer),
            Box::new(m0015_request_unit::M0015RequestUnit),
            Box::new(m0016_escalation_ladder::M0016EscalationLadder),
            Box::new(m0017_notification_prefs::M0017NotificationPrefs),
            Box::new(m0018_notification_words::M0018NotificationWords),
            Box::new(m0019_spots::M0019Spots),
            Box::new(m0020_party::M0020Party),
            Box::new(m0021_party_meetings::M0021PartyMeetings),
            Box::new(m0022_party_dues::M0022PartyDues),
            Box::new(m0023_party_reminders::M0023PartyReminders),
            Box::new(m0024_party_meetings_with_activities::M0024PartyMeetingsWithActivities),
            Box::new(m0025_brands_and_honours::M0025BrandsAndHonours),
            Box::new(m0026_joint_building::M0026JointBuilding),
            Box::new(m0027_wishes::M0027Wishes),
            Box::new(m0028_party_members_work::M0028PartyMembersWork),
            Box::new(m0029_pairings::M0029Pairings),
            Box::new(m0030_bodies::M0030Bodies),
            Box::new(m0031_meeting_photos::M0031MeetingPhotos),
            Box::new(m0032_lending::M0032Lending),
            Box::new(m0033_grid_campaigns::M0033GridCampaigns),
            Box::new(m0034_supervision::M0034Supervision),
            Box::new(m0035_grid_reached::M0035GridReached),
            Box::new(m0036_care::M0036Care),
            Box::new(m0037_household_unit::M0037HouseholdUnit),
            Box::new(m0038_care_rounds::M0038CareRounds),
            Box::new(m0039_custody_parcels::M0039CustodyParcels),
            Box::new(m0040_grid_figures::M0040GridFigures),
            Box::new(m0041_auth_versions::M0041AuthVersions),
            Box::new(m0042_request_counts::M0042RequestCounts),
            Box::new(m0043_open_requests::M0043OpenRequests),
            Box::new(m0044_counts_by_backend::M0044CountsByBackend),
            Box::new(m0045_ref_epoch::M0045RefEpoch),
            Box::new(m0046_late_work::M0046LateWork),
            Box::new(m0047_auth_gate::M0047AuthGate),
        ]
    }
}

// ---- helpers every migration uses ----

pub(crate) fn id(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).big_integer().not_null().auto_increment().primary_key().to_owned()
}
pub(crate) fn col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
}
pub(crate) fn ts(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).timestamp_with_time_zone().not_null().to_owned()
}
pub(crate) fn ts_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).timestamp_with_time_zone().null().to_owned()
}
pub(crate) fn a(s: &str) -> Alias {
    Alias::new(s)
}
pub(crate) fn fk(
    table: &str,
    column: &str,
    to: &str,
    to_col: &str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(a(table), a(column))
        .to(a(to), a(to_col))
        .on_delete(on_delete)
        .to_owned()
}
pub(crate) fn index(table: &str, name: &str, cols: &[&str], unique: bool) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(a(table));
    for c in cols {
        i.col(a(c));
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}

/// A named row-level rule on both databases: a `CHECK` constraint on PostgreSQL; on SQLite (which
/// cannot add one to an existing table) two triggers that raise the same `CHECK constraint failed:
/// <name>` a `CHECK` would. `rule` names columns as `{c}` placeholders: `"{c}stock >= 0"`. A `NULL`
/// passes, as in a `CHECK`.
pub(crate) async fn check(m: &SchemaManager<'_>, table: &str, name: &str, rule: &str) -> Result<(), DbErr> {
    let db = m.get_connection();
    match m.get_database_backend() {
        sea_orm::DatabaseBackend::Sqlite => {
            let cond = rule.replace("{c}", "NEW.");
            for (suffix, when) in [("i", "INSERT"), ("u", "UPDATE")] {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {name}_{suffix} BEFORE {when} ON {table} FOR EACH ROW WHEN NOT ({cond}) \
                     BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"
                ))
                .await?;
            }
        }
        _ => {
            let cond = rule.replace("{c}", "");
            db.execute_unprepared(&format!("ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({cond})")).await?;
        }
    }
    Ok(())
}
