//! SQL of `people/links.rs`.

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{clock::fmt_datetime, db, error::AppError, params};

#[derive(Debug, Clone, FromQueryResult)]
pub struct Link {
    pub id: i64,
    pub person_id: PersonId,
    pub person_name: String,
    pub other_id: i64,
    pub other_name: String,
    pub project_name: Option<String>,
    pub state: String,
    pub created_at: DateTime<Utc>,
}

impl Link {
    pub fn created(&self) -> String {
        fmt_datetime(self.created_at)
    }
    pub fn state_zh(&self) -> &'static str {
        match self.state.as_str() {
            "pending" => "待确认",
            "linked" => "已合并",
            "declined" => "不是本人",
            _ => "",
        }
    }
}

const SELECT: &str = "SELECT l.id, l.person_id, a.name AS person_name, l.other_id, b.name AS other_name, \
     pr.name AS project_name, l.state, l.created_at FROM person_links l JOIN persons a ON a.id = l.person_id \
     JOIN persons b ON b.id = l.other_id LEFT JOIN org_nodes pr ON pr.id = l.project_id";

pub async fn pending_for_person(conn: &impl ConnectionTrait, person_id: PersonId) -> Result<Vec<Link>, AppError> {
    Ok(db::all(
        conn,
        &format!("{SELECT} WHERE l.person_id = $1 AND l.state = 'pending' ORDER BY l.id"),
        params![person_id],
    )
    .await?)
}

pub async fn one(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Link>, AppError> {
    Ok(db::one(conn, &format!("{SELECT} WHERE l.id = $1"), params![id]).await?)
}

/// Make `gone` part of `keep`: every reference moves, `keep` gains a phone only where it had none, and
/// `gone` is deleted. A conflict (both records in one home, both with a log-in) refuses the whole merge.
pub async fn merge(conn: &impl ConnectionTrait, keep: PersonId, gone: PersonId) -> Result<(), AppError> {
    for (table, column) in PERSON_REFS.iter().chain(PERSON_KEYS) {
        db::exec(conn, &format!("UPDATE {table} SET {column} = $1 WHERE {column} = $2"), params![keep, gone])
            .await
            .map_err(|e| {
                if db::constraint::violated(&e).is_some_and(|c| c.starts_with("ux_")) {
                    AppError::conflict(
                        "merge_conflict",
                        "两条记录在同一户或都有登录账号，无法自动合并，请联系管理员",
                        "The records overlap and cannot be merged automatically",
                    )
                } else {
                    e.into()
                }
            })?;
    }
    db::exec(
        conn,
        "UPDATE persons SET \
           phone_masked = COALESCE(phone_masked, (SELECT phone_masked FROM persons WHERE id = $2)), \
           phone_hash = COALESCE(phone_hash, (SELECT phone_hash FROM persons WHERE id = $2)), \
           phone_enc = COALESCE(phone_enc, (SELECT phone_enc FROM persons WHERE id = $2)) WHERE id = $1",
        params![keep, gone],
    )
    .await?;
    db::exec(conn, "DELETE FROM persons WHERE id = $1", params![gone]).await?;
    Ok(())
}

/// Other records holding this ID number (by its blind index).
pub async fn others_with_id_hash(conn: &impl ConnectionTrait, hash: &str, except: i64) -> Result<Vec<i64>, AppError> {
    Ok(db::all::<db::IdRow>(
        conn,
        "SELECT id FROM persons WHERE id_number_hash = $1 AND id <> $2 ORDER BY id",
        params![hash, except],
    )
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect())
}

pub async fn insert_link(
    conn: &impl ConnectionTrait,
    person: PersonId,
    other: PersonId,
    project_id: Option<ProjectId>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    db::exec(
        conn,
        "INSERT INTO person_links (person_id, other_id, project_id, state, created_at) VALUES ($1, $2, $3, 'pending', $4)",
        params![person, other, project_id, now],
    )
    .await?;
    Ok(())
}

/// Pending links, oldest first (at most 200).
pub async fn pending(conn: &impl ConnectionTrait) -> Result<Vec<Link>, AppError> {
    Ok(db::all(conn, &format!("{SELECT} WHERE l.state = 'pending' ORDER BY l.id LIMIT 200"), vec![]).await?)
}

/// Decide a pending link; `false` when it was decided already (compare-and-set).
pub async fn decide_link(
    conn: &impl ConnectionTrait,
    id: i64,
    confirm: bool,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let n = db::exec(
        conn,
        "UPDATE person_links SET state = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND state = 'pending'",
        params![if confirm { "linked" } else { "declined" }, by, now, id],
    )
    .await?
    .rows_affected();
    Ok(n > 0)
}

/// Every column that names a person, as (table, column). A test compares this with the schema's
/// foreign keys, so a capability that adds one cannot be forgotten by a merge.
pub const PERSON_REFS: &[(&str, &str)] = &[
    ("household_members", "person_id"),
    ("role_assignments", "person_id"),
    ("users", "person_id"),
    ("requests", "reporter_person_id"),
    ("requests", "assignee_person_id"),
    ("bookings", "person_id"),
    ("centre_visits", "person_id"),
    ("signups", "person_id"),
    ("points_ledger", "person_id"),
    ("volunteers", "person_id"),
    ("team_members", "person_id"),
    ("hour_corrections", "person_id"),
    ("redemptions", "person_id"),
    ("points_accounts", "person_id"),
    ("data_requests", "person_id"),
    ("person_links", "person_id"),
    ("person_links", "other_id"),
    ("party_memberships", "person_id"),
    ("party_posts", "person_id"),
    ("party_attendance", "person_id"),
    ("party_dues_bases", "person_id"),
    ("party_dues_payments", "person_id"),
    ("honours", "recipient_person_id"),
    ("party_reports", "person_id"),
    ("wishes", "person_id"),
    ("wishes", "claimed_by"),
    ("party_contacts", "person_id"),
    ("party_stations", "person_id"),
    ("pairing_rotations", "person_id"),
    ("body_members", "person_id"),
    ("lend_loans", "person_id"),
    ("grid_visits", "member_person_id"),
    ("sv_appointments", "person_id"),
    ("sv_inspections", "person_id"),
    ("grid_member_counts", "member_person_id"),
    ("care_tags", "person_id"),
    ("care_tags", "visitor_person_id"),
    ("care_visits", "visitor_person_id"),
    ("care_round_stops", "person_id"),
    ("care_round_stops", "taker_person_id"),
    ("care_round_stops", "delivered_by"),
    ("custody_agreements", "owner_person_id"),
    ("custody_keys", "by_person_id"),
    ("custody_checks", "by_person_id"),
    ("parcels", "person_id"),
    ("parcels", "taker_person_id"),
];

/// Columns naming a person without a foreign key, moved with the rest (`party_memberships`' current
/// member: two records both in a branch now cannot be merged automatically).
const PERSON_KEYS: &[(&str, &str)] = &[
    ("party_memberships", "current_person_id"),
    ("party_reports", "current_person_id"),
    ("body_members", "current_person_id"),
    ("sv_appointments", "current_person_id"),
    ("care_tags", "current_person_id"),
];
