//! The write of one state-machine step on a request row, compare-and-set on the state it was decided from.

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::RequestRow;
use crate::requests::model::State;
use crate::{db, error::AppError, params};

/// What one step of the state machine writes on the request row.
pub struct StateChange<'a> {
    pub id: i64,
    pub from: &'a str,
    pub to: &'a str,
    pub assignee: Option<PersonId>,
    pub responded: bool,
    pub completed: bool,
    pub closed: bool,
    pub reopened: bool,
    /// (speed, quality, attitude)
    pub rating: Option<(i16, i16, i16)>,
    /// What the resident wrote with the rating (kept with it; replaced when they rate again).
    pub rating_comment: Option<String>,
    /// Suspended (挂起) until this time: the start and the resume time are kept.
    pub suspend_until: Option<DateTime<Utc>>,
    /// Leaving a suspension: the completion deadline moved by the time suspended (`model::resumed_deadline`).
    pub resumed_deadline: Option<DateTime<Utc>>,
    pub chased: bool,
    pub handler_post: Option<String>,
    pub second_visit: bool,
    pub manager_visited: bool,
    pub manager_visit_due: bool,
}

impl StateChange<'_> {
    /// A move of `r` to `to` that changes nothing else (handler, post and visit flag kept).
    pub fn keeping(r: &RequestRow, to: State) -> StateChange<'static> {
        StateChange {
            id: r.id,
            from: r.state().as_str(),
            to: to.as_str(),
            assignee: r.assignee_person_id,
            responded: false,
            completed: false,
            closed: false,
            reopened: false,
            rating: None,
            rating_comment: None,
            suspend_until: None,
            resumed_deadline: None,
            chased: false,
            handler_post: r.handler_post.clone(),
            second_visit: false,
            manager_visited: false,
            manager_visit_due: r.manager_visit_due,
        }
    }
}

/// Write a state change with a compare-and-set on the state (and on the manager's visit flag) it was
/// decided from; 0 rows changed means someone else acted first.
pub async fn change_state(
    conn: &impl ConnectionTrait,
    c: &StateChange<'_>,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE requests SET state = $1, assignee_person_id = $2, \
         responded_at = CASE WHEN $3 AND responded_at IS NULL THEN $4 ELSE responded_at END, \
         completed_at = CASE WHEN $5 THEN $4 ELSE completed_at END, \
         closed_at = CASE WHEN $6 THEN $4 WHEN $7 THEN NULL ELSE closed_at END, \
         rating_speed = COALESCE($8, rating_speed), rating_quality = COALESCE($9, rating_quality), \
         rating_attitude = COALESCE($10, rating_attitude), chase_count = chase_count + $11, updated_at = $4, \
         handler_post = $14, manager_visit_due = CASE WHEN $15 THEN $16 WHEN $17 THEN $18 ELSE manager_visit_due END, \
         rating_comment = CASE WHEN $20 THEN $21 ELSE rating_comment END, \
         suspended_at = CASE WHEN $22 THEN $4 WHEN $23 THEN NULL ELSE suspended_at END, \
         resume_at = CASE WHEN $22 THEN $24 WHEN $23 THEN NULL ELSE resume_at END, \
         complete_by = CASE WHEN $23 THEN $25 ELSE complete_by END \
         WHERE id = $12 AND state = $13 AND manager_visit_due = $19",
        params![
            c.to,
            c.assignee,
            c.responded,
            now,
            c.completed,
            c.closed,
            c.reopened,
            c.rating.map(|r| r.0),
            c.rating.map(|r| r.1),
            c.rating.map(|r| r.2),
            i32::from(c.chased),
            c.id,
            c.from,
            c.handler_post.clone(),
            c.second_visit,
            true,
            c.manager_visited,
            false,
            c.manager_visit_due,
            c.rating.is_some(),
            c.rating_comment.clone(),
            c.suspend_until.is_some(),
            c.resumed_deadline.is_some(),
            c.suspend_until,
            c.resumed_deadline
        ],
    )
    .await?
    .rows_affected())
}
