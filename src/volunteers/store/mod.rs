//! SQL for volunteers (C4): registrations, teams and their members, hour corrections, services.

use crate::activities::model::SignupState;
use crate::ids::*;
use crate::volunteers::model::{CorrectionState, TeamKind, VolunteerState};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use crate::{
    db,
    db::constraint::OnConstraint,
    error::{AppError, AppResult},
    params,
};

mod registrations;
pub use registrations::*;

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Volunteer {
    pub id: i64,
    pub person_id: PersonId,
    pub person_name: String,
    pub project_id: ProjectId,
    pub project_name: String,
    pub state: VolunteerState,
    pub skills: String,
    pub decision_note: Option<String>,
    pub created_at: DateTime<Utc>,
}

const VOL_SELECT: &str = "SELECT v.id, v.person_id, pe.name AS person_name, v.project_id, p.name AS project_name, v.state, \
     v.skills, v.decision_note, v.created_at FROM volunteers v JOIN persons pe ON pe.id = v.person_id \
     JOIN org_nodes p ON p.id = v.project_id";

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Team {
    pub id: i64,
    pub project_id: ProjectId,
    pub project_name: String,
    pub kind: TeamKind,
    pub name: String,
    pub members: i64,
}

const TEAM_SELECT: &str = "SELECT t.id, t.project_id, p.name AS project_name, t.kind, t.name, \
     (SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id) AS members FROM teams t JOIN org_nodes p ON p.id = t.project_id";

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct TeamMember {
    pub team_id: TeamId,
    pub person_id: PersonId,
    pub name: String,
    /// `leader` or `member`.
    pub role: String,
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Correction {
    pub id: i64,
    pub signup_id: SignupId,
    pub person_id: PersonId,
    pub person_name: String,
    pub project_id: ProjectId,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub minutes_before: i32,
    pub minutes_requested: i32,
    pub reason: String,
    pub state: CorrectionState,
    pub decision_note: Option<String>,
}

const CORR_SELECT: &str = "SELECT c.id, c.signup_id, c.person_id, pe.name AS person_name, c.project_id, COALESCE(o.title, a.title) AS title, o.starts_at, \
     c.minutes_before, c.minutes_requested, c.reason, c.state, c.decision_note FROM hour_corrections c \
     JOIN persons pe ON pe.id = c.person_id JOIN signups s ON s.id = c.signup_id \
     JOIN activity_occurrences o ON o.id = s.occurrence_id JOIN activities a ON a.id = o.activity_id";

/// One of my attendances, with the minutes it counts for now (the latest approved correction, else the
/// check-out's).
#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Service {
    pub signup_id: SignupId,
    pub occurrence_id: OccurrenceId,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_out_at: Option<DateTime<Utc>>,
    pub minutes: i64,
    pub pending: i64,
}

/// The minutes an attendance counts for now.
const CURRENT_MINUTES: &str = "COALESCE((SELECT c.minutes_requested FROM hour_corrections c WHERE c.signup_id = s.id \
     AND c.state = 'approved' ORDER BY c.id DESC LIMIT 1), s.service_minutes, 0)";

pub async fn my_services(
    conn: &impl ConnectionTrait,
    person_id: PersonId,
    now: DateTime<Utc>,
) -> AppResult<Vec<Service>> {
    Ok(db::all(
        conn,
        &format!(
            "SELECT s.id AS signup_id, o.id AS occurrence_id, COALESCE(o.title, a.title) AS title, o.starts_at, o.ends_at, s.checked_in_at, \
             s.checked_out_at, CAST({CURRENT_MINUTES} AS BIGINT) AS minutes, \
             (SELECT COUNT(*) FROM hour_corrections c WHERE c.signup_id = s.id AND c.state = 'pending') AS pending \
             FROM signups s JOIN activity_occurrences o ON o.id = s.occurrence_id JOIN activities a ON a.id = o.activity_id \
             WHERE s.person_id = $1 AND s.state = 'confirmed' AND o.starts_at < $2 ORDER BY o.starts_at DESC LIMIT 20"
        ),
        params![person_id, now],
    )
    .await?)
}

/// Does `leader` lead a team of this project that `person` belongs to?
pub async fn leads(
    conn: &impl ConnectionTrait,
    leader: PersonId,
    person: PersonId,
    project_id: ProjectId,
) -> AppResult<bool> {
    Ok(db::count(
        conn,
        "SELECT COUNT(*) AS n FROM team_members l JOIN team_members m ON m.team_id = l.team_id \
         JOIN teams t ON t.id = l.team_id WHERE l.person_id = $1 AND l.role = 'leader' AND m.person_id = $2 AND t.project_id = $3",
        params![leader, person, project_id],
    )
    .await?
        > 0)
}

pub async fn team(conn: &impl ConnectionTrait, id: i64) -> AppResult<Team> {
    db::one(conn, &format!("{TEAM_SELECT} WHERE t.id = $1"), params![id]).await?.ok_or_else(AppError::not_found)
}

pub async fn team_role(
    conn: &impl ConnectionTrait,
    team_id: TeamId,
    person: Option<PersonId>,
) -> AppResult<Option<String>> {
    let Some(person) = person else { return Ok(None) };
    #[derive(FromQueryResult)]
    struct R {
        role: String,
    }
    Ok(db::one::<R>(
        conn,
        "SELECT role FROM team_members WHERE team_id = $1 AND person_id = $2",
        params![team_id, person],
    )
    .await?
    .map(|r| r.role))
}

pub async fn members(conn: &impl ConnectionTrait, team_id: TeamId) -> AppResult<Vec<TeamMember>> {
    Ok(db::all(
        conn,
        "SELECT m.team_id, m.person_id, pe.name, m.role FROM team_members m JOIN persons pe ON pe.id = m.person_id \
         WHERE m.team_id = $1 ORDER BY CASE m.role WHEN 'leader' THEN 0 ELSE 1 END, m.id",
        params![team_id],
    )
    .await?)
}

/// Whether a person is the project's staff (a staff role at the project's node) and whether a Party member
/// there — the two ways into a team without a volunteer registration.
pub async fn staff_and_party_here(
    conn: &impl ConnectionTrait,
    person: PersonId,
    project: ProjectId,
) -> AppResult<(bool, bool)> {
    #[derive(FromQueryResult)]
    struct R {
        role: String,
    }
    let roles = db::all::<R>(
        conn,
        "SELECT DISTINCT r.role FROM role_assignments r WHERE r.person_id = $1 AND r.node_id = $2          AND r.role IN ('staff', 'party_member') AND r.until IS NULL",
        params![person, project],
    )
    .await?;
    Ok((roles.iter().any(|r| r.role == "staff"), roles.iter().any(|r| r.role == "party_member")))
}

/// Approved volunteers, staff and Party members of the project who are not yet in the team: (person, name).
pub async fn team_candidates(
    conn: &impl ConnectionTrait,
    project_id: ProjectId,
    team_id: TeamId,
) -> AppResult<Vec<(PersonId, String)>> {
    #[derive(FromQueryResult)]
    struct C {
        person_id: PersonId,
        name: String,
    }
    Ok(db::all::<C>(
        conn,
        "SELECT c.person_id, pe.name FROM ( \
           SELECT v.person_id FROM volunteers v WHERE v.project_id = $1 AND v.state = 'approved' \
           UNION SELECT r.person_id FROM role_assignments r WHERE r.node_id = $1 AND r.role IN ('staff', 'party_member') AND r.until IS NULL \
         ) c JOIN persons pe ON pe.id = c.person_id \
         WHERE c.person_id NOT IN (SELECT person_id FROM team_members WHERE team_id = $2) ORDER BY pe.name LIMIT 500",
        params![project_id, team_id],
    )
    .await?
    .into_iter()
    .map(|c| (c.person_id, c.name))
    .collect())
}

// ---- one caller's overview ---------------------------------------------------------------------------

pub async fn registrations_of_person(conn: &impl ConnectionTrait, person: PersonId) -> AppResult<Vec<Volunteer>> {
    Ok(db::all(conn, &format!("{VOL_SELECT} WHERE v.person_id = $1 ORDER BY v.id"), params![person]).await?)
}

/// The teams a person is in, with their role there.
pub async fn teams_of_person(conn: &impl ConnectionTrait, person: PersonId) -> AppResult<Vec<(Team, String)>> {
    #[derive(FromQueryResult)]
    struct TR {
        id: i64,
        project_id: ProjectId,
        project_name: String,
        kind: TeamKind,
        name: String,
        members: i64,
        role: String,
    }
    let rows: Vec<TR> = db::all(
        conn,
        "SELECT t.id, t.project_id, p.name AS project_name, t.kind, t.name, \
         (SELECT COUNT(*) FROM team_members x WHERE x.team_id = t.id) AS members, m.role \
         FROM team_members m JOIN teams t ON t.id = m.team_id JOIN org_nodes p ON p.id = t.project_id \
         WHERE m.person_id = $1 ORDER BY t.id",
        params![person],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|t| {
            let team = Team {
                id: t.id,
                project_id: t.project_id,
                project_name: t.project_name,
                kind: t.kind,
                name: t.name,
                members: t.members,
            };
            (team, t.role)
        })
        .collect())
}

pub async fn corrections_of_person(conn: &impl ConnectionTrait, person: PersonId) -> AppResult<Vec<Correction>> {
    Ok(db::all(conn, &format!("{CORR_SELECT} WHERE c.person_id = $1 ORDER BY c.id DESC LIMIT 20"), params![person])
        .await?)
}

fn in_list(projects: &[ProjectId]) -> (String, Vec<sea_orm::Value>) {
    (db::placeholders(1, projects.len()), projects.iter().map(|v| (*v).into()).collect())
}

/// Registrations of these projects, pending first.
pub async fn registrations_in_projects(
    conn: &impl ConnectionTrait,
    projects: &[ProjectId],
) -> AppResult<Vec<Volunteer>> {
    let (ph, vals) = in_list(projects);
    Ok(db::all(
        conn,
        &format!(
            "{VOL_SELECT} WHERE v.project_id IN ({ph}) AND v.state <> 'rejected' \
             ORDER BY CASE v.state WHEN 'pending' THEN 0 ELSE 1 END, v.id DESC LIMIT 200"
        ),
        vals,
    )
    .await?)
}

pub async fn teams_in_projects(conn: &impl ConnectionTrait, projects: &[ProjectId]) -> AppResult<Vec<Team>> {
    let (ph, vals) = in_list(projects);
    Ok(db::all(conn, &format!("{TEAM_SELECT} WHERE t.project_id IN ({ph}) ORDER BY t.id"), vals).await?)
}

pub async fn pending_corrections_in_projects(
    conn: &impl ConnectionTrait,
    projects: &[ProjectId],
) -> AppResult<Vec<Correction>> {
    let (ph, vals) = in_list(projects);
    Ok(db::all(
        conn,
        &format!("{CORR_SELECT} WHERE c.project_id IN ({ph}) AND c.state = 'pending' ORDER BY c.id LIMIT 100"),
        vals,
    )
    .await?)
}

pub async fn teams_led_by(conn: &impl ConnectionTrait, person: PersonId) -> AppResult<Vec<Team>> {
    Ok(db::all(
        conn,
        &format!(
            "{TEAM_SELECT} WHERE t.id IN (SELECT team_id FROM team_members WHERE person_id = $1 AND role = 'leader') ORDER BY t.id"
        ),
        params![person],
    )
    .await?)
}

/// Pending corrections of the members of the teams this person leads (not their own).
pub async fn corrections_for_leader(conn: &impl ConnectionTrait, leader: i64) -> AppResult<Vec<Correction>> {
    Ok(db::all(
        conn,
        &format!(
            "{CORR_SELECT} WHERE c.state = 'pending' AND c.person_id <> $1 AND EXISTS (SELECT 1 FROM team_members l \
             JOIN team_members m ON m.team_id = l.team_id JOIN teams t ON t.id = l.team_id \
             WHERE l.person_id = $1 AND l.role = 'leader' AND m.person_id = c.person_id AND t.project_id = c.project_id) \
             ORDER BY c.id LIMIT 100"
        ),
        params![leader],
    )
    .await?)
}

// ---- teams -------------------------------------------------------------------------------------------

pub async fn insert_team(
    conn: &impl ConnectionTrait,
    project: ProjectId,
    kind: &str,
    name: &str,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    db::insert_id(
        conn,
        "INSERT INTO teams (project_id, kind, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        params![project, kind, name, now],
    )
    .await
    .on_constraint("ux_teams_project_name", || {
        AppError::conflict("duplicate_team", "本项目已有同名队伍", "A team with this name exists")
    })
}

/// Add a member with this role, or change the role of one already in the team.
pub async fn set_member_role(
    conn: &impl ConnectionTrait,
    team: TeamId,
    person: PersonId,
    role: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let updated = db::exec(
        conn,
        "UPDATE team_members SET role = $1 WHERE team_id = $2 AND person_id = $3",
        params![role, team, person],
    )
    .await?
    .rows_affected();
    if updated == 0 {
        db::exec(
            conn,
            "INSERT INTO team_members (team_id, person_id, role, created_at) VALUES ($1, $2, $3, $4)",
            params![team, person, role, now],
        )
        .await?;
    }
    Ok(())
}

pub async fn remove_member(conn: &impl ConnectionTrait, team: TeamId, person: PersonId) -> AppResult<()> {
    db::exec(conn, "DELETE FROM team_members WHERE team_id = $1 AND person_id = $2", params![team, person]).await?;
    Ok(())
}

// ---- hour corrections ----------------------------------------------------------------------------------

/// One attendance as a correction sees it: whose, where, its times and the minutes it counts for now.
#[derive(FromQueryResult)]
pub struct ServiceOf {
    pub person_id: PersonId,
    pub project_id: ProjectId,
    pub state: SignupState,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub checked_out_at: Option<DateTime<Utc>>,
    pub minutes: i64,
}

pub async fn service_of(conn: &impl ConnectionTrait, signup_id: SignupId) -> AppResult<Option<ServiceOf>> {
    Ok(db::one(
        conn,
        &format!(
            "SELECT s.person_id, a.project_id, s.state, COALESCE(o.title, a.title) AS title, o.starts_at, o.ends_at, s.checked_out_at, \
             CAST({CURRENT_MINUTES} AS BIGINT) AS minutes FROM signups s JOIN activity_occurrences o ON o.id = s.occurrence_id \
             JOIN activities a ON a.id = o.activity_id WHERE s.id = $1"
        ),
        params![signup_id],
    )
    .await?)
}

pub async fn has_pending_correction(conn: &impl ConnectionTrait, signup_id: SignupId) -> AppResult<bool> {
    Ok(db::count(
        conn,
        "SELECT COUNT(*) AS n FROM hour_corrections WHERE signup_id = $1 AND state = 'pending'",
        params![signup_id],
    )
    .await?
        > 0)
}

pub struct NewCorrection<'a> {
    pub signup_id: SignupId,
    pub person: i64,
    pub project: i64,
    pub minutes_before: i64,
    pub minutes_requested: i64,
    pub reason: &'a str,
}

pub async fn insert_correction(
    conn: &impl ConnectionTrait,
    c: &NewCorrection<'_>,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO hour_corrections (signup_id, person_id, project_id, minutes_before, minutes_requested, reason, state, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) RETURNING id",
        params![c.signup_id, c.person, c.project, c.minutes_before as i32, c.minutes_requested as i32, c.reason, now],
    )
    .await?)
}

/// The user accounts of the leaders of a person's teams in a project (not the person themself).
pub async fn leader_users(conn: &impl ConnectionTrait, person: PersonId, project: ProjectId) -> AppResult<Vec<i64>> {
    Ok(db::all::<db::IdRow>(
        conn,
        "SELECT DISTINCT u.id FROM team_members m JOIN teams t ON t.id = m.team_id AND t.project_id = $2 \
         JOIN team_members l ON l.team_id = m.team_id AND l.role = 'leader' JOIN users u ON u.person_id = l.person_id \
         WHERE m.person_id = $1 AND l.person_id <> $1",
        params![person, project],
    )
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect())
}

pub async fn correction(conn: &impl ConnectionTrait, id: i64) -> AppResult<Option<Correction>> {
    Ok(db::one(conn, &format!("{CORR_SELECT} WHERE c.id = $1"), params![id]).await?)
}

/// Decide a pending correction; false if it was no longer pending.
pub async fn decide_correction(
    conn: &impl ConnectionTrait,
    id: i64,
    next: CorrectionState,
    note: &str,
    by: UserId,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    Ok(db::exec(
        conn,
        "UPDATE hour_corrections SET state = $1, decided_by = $2, decided_at = $3, decision_note = $4 WHERE id = $5 AND state = 'pending'",
        params![next, by, now, (!note.is_empty()).then_some(note), id],
    )
    .await?
    .rows_affected()
        > 0)
}

/// The kind of activity an attendance was at (for its points rule).
pub async fn activity_kind_of_signup(conn: &impl ConnectionTrait, signup_id: SignupId) -> AppResult<String> {
    #[derive(FromQueryResult)]
    struct K {
        kind: String,
    }
    Ok(db::one::<K>(
        conn,
        "SELECT a.kind FROM signups s JOIN activity_occurrences o ON o.id = s.occurrence_id \
         JOIN activities a ON a.id = o.activity_id WHERE s.id = $1",
        params![signup_id],
    )
    .await?
    .map(|k| k.kind)
    .unwrap_or_default())
}
