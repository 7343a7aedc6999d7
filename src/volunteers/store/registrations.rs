//! Volunteer registrations' SQL: applying, deciding, staff enrolling someone (C0's role form and imports),
//! and the one test every rule asks — is this person an approved volunteer of the project.

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::{VOL_SELECT, Volunteer};
use crate::volunteers::model::VolunteerState;
use crate::{db, db::constraint::OnConstraint, error::AppError, error::AppResult, params};

// ---- registrations -----------------------------------------------------------------------------------

/// A person's registration at a project: (id, state).
pub async fn registration_of(
    conn: &impl ConnectionTrait,
    person: PersonId,
    project: ProjectId,
) -> AppResult<Option<(i64, VolunteerState)>> {
    #[derive(FromQueryResult)]
    struct R {
        id: i64,
        state: VolunteerState,
    }
    Ok(db::one::<R>(
        conn,
        "SELECT id, state FROM volunteers WHERE person_id = $1 AND project_id = $2",
        params![person, project],
    )
    .await?
    .map(|r| (r.id, r.state)))
}

/// A refused registration asks again.
pub async fn reapply(conn: &impl ConnectionTrait, id: i64, skills: &str, now: DateTime<Utc>) -> AppResult<()> {
    db::exec(
        conn,
        "UPDATE volunteers SET state = 'pending', skills = $1, decision_note = NULL, decided_by = NULL, \
         decided_at = NULL, created_at = $2 WHERE id = $3 AND state = 'rejected'",
        params![skills, now, id],
    )
    .await?;
    Ok(())
}

pub async fn insert_registration(
    conn: &impl ConnectionTrait,
    person: PersonId,
    project: ProjectId,
    skills: &str,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    db::insert_id(
        conn,
        "INSERT INTO volunteers (person_id, project_id, state, skills, created_at) VALUES ($1, $2, 'pending', $3, $4) RETURNING id",
        params![person, project, skills, now],
    )
    .await
    .on_constraint("ux_volunteers_person_project", || {
        AppError::conflict("already_applied", "已经提交过申请，请等待审核", "Already applied")
    })
}

pub async fn registration(conn: &impl ConnectionTrait, id: i64) -> AppResult<Option<Volunteer>> {
    Ok(db::one(conn, &format!("{VOL_SELECT} WHERE v.id = $1"), params![id]).await?)
}

/// Decide a pending registration; false if it was no longer pending.
pub async fn decide_registration(
    conn: &impl ConnectionTrait,
    id: i64,
    next: VolunteerState,
    note: &str,
    by: UserId,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    Ok(db::exec(
        conn,
        "UPDATE volunteers SET state = $1, decision_note = $2, decided_by = $3, decided_at = $4 WHERE id = $5 AND state = 'pending'",
        params![next, (!note.is_empty()).then_some(note), by, now, id],
    )
    .await?
    .rows_affected()
        > 0)
}

/// Make a person an approved volunteer of a project (entered by staff or an import): a new registration,
/// or an earlier one (pending, rejected) approved. A registration that is already approved is
/// `duplicate_role`, as the same role twice would be. Returns the registration's id.
pub async fn enrol(
    conn: &impl ConnectionTrait,
    person: PersonId,
    project: ProjectId,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    #[derive(FromQueryResult)]
    struct R {
        id: i64,
        state: String,
    }
    let existing = db::one::<R>(
        conn,
        "SELECT id, state FROM volunteers WHERE person_id = $1 AND project_id = $2",
        params![person, project],
    )
    .await?;
    match existing {
        Some(r) if r.state == "approved" => {
            Err(AppError::conflict("duplicate_role", "此人已是本项目的志愿者", "Already a volunteer of this project"))
        }
        Some(r) => {
            db::exec(
                conn,
                "UPDATE volunteers SET state = 'approved', decided_at = $1, decision_note = $2 WHERE id = $3",
                params![now, "工作人员登记", r.id],
            )
            .await?;
            Ok(r.id)
        }
        None => Ok(db::insert_id(
            conn,
            "INSERT INTO volunteers (person_id, project_id, state, skills, decision_note, decided_at, created_at) \
             VALUES ($1, $2, 'approved', '', $3, $4, $4) RETURNING id",
            params![person, project, "工作人员登记", now],
        )
        .await?),
    }
}

pub async fn is_approved_volunteer(
    conn: &impl ConnectionTrait,
    person: PersonId,
    project: ProjectId,
) -> AppResult<bool> {
    Ok(db::count(
        conn,
        "SELECT COUNT(*) AS n FROM volunteers WHERE person_id = $1 AND project_id = $2 AND state = 'approved'",
        params![person, project],
    )
    .await?
        > 0)
}
