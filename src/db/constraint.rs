//! Which named constraint a write broke, on either database — so a store maps a violation to its
//! coded error by the constraint's name (`.on_constraint("ux_teams_project_name", …)`), never by
//! reading the message text at the call site.
//!
//! PostgreSQL names the constraint in the error. SQLite names a `CHECK` (ours are triggers that raise
//! `CHECK constraint failed: <name>`, see `migrations::check`) but reports a unique index only by its
//! columns (`UNIQUE constraint failed: teams.project_id, teams.name`), so [`UNIQUE`] lists every unique
//! index with its columns; a test compares the list with the migrated schema, so it cannot fall behind.

use sea_orm::{DbErr, RuntimeErr, sqlx};

use crate::error::AppError;

/// Every unique index: (name, table, columns). Kept equal to the schema by the integration test
/// `constraints::the_unique_list_is_the_schemas_unique_indexes`.
pub const UNIQUE: &[(&str, &str, &[&str])] = &[
    ("ux_activity_writeups_occ", "activity_writeups", &["occurrence_id"]),
    ("ux_api_tokens_hash", "api_tokens", &["token_hash"]),
    ("ux_bodies_node_name", "bodies", &["node_id", "name"]),
    ("ux_body_members_current", "body_members", &["body_id", "current_person_id"]),
    ("ux_booking_slots_room_slot", "booking_slots", &["room_id", "slot_start"]),
    ("ux_centre_closed_day", "centre_closed_days", &["centre_id", "day"]),
    ("ux_centre_hours_day", "centre_hours", &["centre_id", "weekday"]),
    ("ux_centres_project_name", "centres", &["project_id", "name"]),
    ("ux_escalation_ladders_project", "escalation_ladders", &["project_id"]),
    ("ux_grid_visits_day", "grid_visits", &["campaign_id", "household_id", "member_person_id", "visited_on"]),
    ("ux_grid_visits_key", "grid_visits", &["idem_key"]),
    ("ux_sv_appointments_current", "sv_appointments", &["project_id", "current_person_id"]),
    ("ux_custody_checks_day", "custody_checks", &["agreement_id", "checked_on"]),
    ("ux_care_round_stops_person", "care_round_stops", &["round_id", "person_id"]),
    ("ux_care_tags_current", "care_tags", &["current_person_id", "kind"]),
    ("ux_lend_items_centre_code", "lend_items", &["centre_id", "code"]),
    ("ux_lend_loans_open_item", "lend_loans", &["open_item_id"]),
    ("ux_notification_mutes_user_group", "notification_mutes", &["user_id", "kind_group"]),
    ("ux_honour_evidence", "honour_evidence", &["honour_id", "kind", "ref_id"]),
    ("ux_joint_activities", "joint_activities", &["agreement_id", "activity_id"]),
    ("ux_joint_reviews", "joint_reviews", &["agreement_id", "year", "side"]),
    ("ux_occurrences_activity_start", "activity_occurrences", &["activity_id", "starts_at"]),
    ("ux_open311_keys_hash", "open311_keys", &["key_hash"]),
    ("ux_open311_outbound_project", "open311_outbound", &["project_id"]),
    ("ux_org_nodes_code", "org_nodes", &["code"]),
    ("ux_org_nodes_parent_kind_name", "org_nodes", &["parent_id", "kind", "name"]),
    ("ux_pairings_pair", "pairings", &["project_a", "project_b"]),
    ("ux_party_attendance", "party_attendance", &["meeting_id", "person_id"]),
    ("ux_party_brands_org_year", "party_brands", &["org_id", "year"]),
    ("ux_party_contacts_current", "party_contacts", &["person_id", "current_household_id"]),
    ("ux_party_dues_bases_person", "party_dues_bases", &["person_id"]),
    ("ux_party_dues_payments_month", "party_dues_payments", &["person_id", "month"]),
    ("ux_party_memberships_current", "party_memberships", &["current_person_id"]),
    ("ux_party_orgs_node_name", "party_orgs", &["node_id", "name"]),
    ("ux_party_reports_current", "party_reports", &["current_person_id"]),
    ("ux_party_reminders", "party_reminders", &["kind", "subject_id", "period_key"]),
    ("ux_points_accounts", "points_accounts", &["person_id", "project_id"]),
    ("ux_points_ledger_source", "points_ledger", &["source"]),
    ("ux_points_rules_kind", "points_rules", &["project_id", "kind"]),
    ("ux_redemptions_code", "redemptions", &["code"]),
    ("ux_request_categories_name", "request_categories", &["project_id", "name"]),
    ("ux_requests_open311_token", "requests", &["open311_token"]),
    ("ux_reward_items_project_name", "reward_items", &["project_id", "name"]),
    ("ux_role_assignments", "role_assignments", &["person_id", "role", "node_id"]),
    ("ux_rooms_centre_name", "rooms", &["centre_id", "name"]),
    ("ux_signups_occurrence_person", "signups", &["occurrence_id", "person_id"]),
    ("ux_spots_project_name", "spots", &["project_id", "name"]),
    ("ux_team_members", "team_members", &["team_id", "person_id"]),
    ("ux_teams_project_name", "teams", &["project_id", "name"]),
    ("ux_users_person", "users", &["person_id"]),
    ("ux_users_username", "users", &["username"]),
    ("ux_volunteers_person_project", "volunteers", &["person_id", "project_id"]),
];

/// The name of the unique index or check constraint `e` violated, if it is one of those.
pub fn violated(e: &DbErr) -> Option<String> {
    let (DbErr::Exec(RuntimeErr::SqlxError(sqlx::Error::Database(d)))
    | DbErr::Query(RuntimeErr::SqlxError(sqlx::Error::Database(d)))) = e
    else {
        return None;
    };
    if let Some(name) = d.constraint() {
        return Some(name.to_string());
    }
    from_sqlite_message(d.message()).map(str::to_string)
}

/// SQLite's wording: `CHECK constraint failed: <name>` or `UNIQUE constraint failed: t.a, t.b`.
fn from_sqlite_message(m: &str) -> Option<&str> {
    if let Some(name) = m.strip_prefix("CHECK constraint failed: ") {
        return Some(name.trim());
    }
    let cols = m.strip_prefix("UNIQUE constraint failed: ")?;
    let cols: Vec<(&str, &str)> = cols.split(',').filter_map(|c| c.trim().split_once('.')).collect();
    let table = cols.first()?.0;
    UNIQUE
        .iter()
        .find(|(_, t, cs)| {
            *t == table && cs.len() == cols.len() && cs.iter().zip(&cols).all(|(c, (tt, cc))| tt == t && c == cc)
        })
        .map(|(name, _, _)| *name)
}

/// `result.on_constraint("ux_…", || AppError::conflict(…))?`: the violation of that constraint becomes
/// the given coded error; any other database error stays an internal one.
pub trait OnConstraint<T> {
    fn on_constraint(self, name: &str, err: impl FnOnce() -> AppError) -> Result<T, AppError>;
}

impl<T> OnConstraint<T> for Result<T, DbErr> {
    fn on_constraint(self, name: &str, err: impl FnOnce() -> AppError) -> Result<T, AppError> {
        self.map_err(|e| if violated(&e).as_deref() == Some(name) { err() } else { e.into() })
    }
}

/// Several constraints, each with its error (`[("ux_users_username", …), ("ux_users_person", …)]`).
pub fn map_violation(e: DbErr, cases: &[(&str, &dyn Fn() -> AppError)]) -> AppError {
    let name = violated(&e);
    match cases.iter().find(|(n, _)| name.as_deref() == Some(*n)) {
        Some((_, f)) => f(),
        None => e.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::from_sqlite_message;

    #[test]
    fn sqlite_messages_name_their_constraint() {
        assert_eq!(
            from_sqlite_message("UNIQUE constraint failed: teams.project_id, teams.name"),
            Some("ux_teams_project_name")
        );
        assert_eq!(from_sqlite_message("UNIQUE constraint failed: users.person_id"), Some("ux_users_person"));
        assert_eq!(
            from_sqlite_message("CHECK constraint failed: ck_reward_items_stock"),
            Some("ck_reward_items_stock")
        );
        // Columns in another order are another index; an unknown one names nothing.
        assert_eq!(from_sqlite_message("UNIQUE constraint failed: teams.name, teams.project_id"), None);
        assert_eq!(from_sqlite_message("NOT NULL constraint failed: teams.name"), None);
    }
}
