//! SQL for activities, their occurrences and sign-ups (and, in its files, changing dates and write-ups).

use crate::activities::model::{ActivityKind, OccurrenceState, SignupState};
use crate::ids::*;
mod dates;
pub mod series;
mod writeups;

pub use dates::*;
pub use writeups::*;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use crate::activities::model::{self, Place};
use crate::{
    db::{self},
    error::AppError,
    params,
};

pub struct NewActivity<'a> {
    pub project_id: ProjectId,
    pub kind: &'a str,
    pub title: &'a str,
    pub series: Option<&'a str>,
    pub organiser: &'a str,
    pub co_organisers: Option<&'a str>,
    pub place: Option<&'a str>,
    pub audience: &'a str,
    pub team_id: Option<TeamId>,
    /// A room of the project's centre, booked for every date.
    pub room_id: Option<i64>,
    pub capacity: i32,
    pub rrule: Option<&'a str>,
    pub duration_minutes: i32,
    pub created_by: Option<UserId>,
}

/// Insert an activity and lay out its occurrences.
pub async fn create(
    conn: &impl ConnectionTrait,
    a: &NewActivity<'_>,
    starts: &[DateTime<Utc>],
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let id = db::insert_id(
        conn,
        "INSERT INTO activities (project_id, kind, title, series, organiser, co_organisers, place, audience, capacity, rrule, \
         duration_minutes, created_by, created_at, team_id, room_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
        params![
            a.project_id,
            a.kind,
            a.title,
            a.series,
            a.organiser,
            a.co_organisers,
            a.place,
            a.audience,
            a.capacity,
            a.rrule,
            a.duration_minutes,
            a.created_by,
            now,
            a.team_id,
            a.room_id
        ],
    )
    .await?;
    // A series remembers its rule's start and how far it is laid out (the rolling horizon extends it).
    if a.rrule.is_some()
        && let (Some(first), Some(last)) = (starts.first(), starts.last())
    {
        let laid = (*first + Duration::days(crate::activities::model::HORIZON_DAYS)).max(*last);
        db::exec(
            conn,
            "UPDATE activities SET series_start = $1, laid_until = $2 WHERE id = $3",
            params![*first, laid, id],
        )
        .await?;
    }
    let slot = Slot {
        activity: id,
        room: a.room_id,
        title: a.title,
        organiser: a.organiser,
        booked_by: a.created_by,
        minutes: a.duration_minutes as i64,
    };
    for s in starts {
        lay_out(conn, &slot, *s, now).await?;
    }
    Ok(id)
}

/// What laying out one date of an activity needs.
pub struct Slot<'a> {
    pub activity: i64,
    pub room: Option<i64>,
    pub title: &'a str,
    pub organiser: &'a str,
    pub booked_by: Option<UserId>,
    pub minutes: i64,
}

/// One date of an activity, with its room booked when it has one (a taken room is `slot_taken`).
pub async fn lay_out(
    conn: &impl ConnectionTrait,
    a: &Slot<'_>,
    s: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let ends = s + Duration::minutes(a.minutes);
    let booking = match a.room {
        Some(room) => Some(
            crate::positions::store::insert_booking(
                conn,
                &crate::positions::store::NewBooking {
                    room_id: room,
                    starts_at: s,
                    ends_at: ends,
                    state: crate::positions::model::BookingState::Approved,
                    purpose: &format!("活动：{}", a.title),
                    household_id: None,
                    person_id: None,
                    org_name: Some(a.organiser),
                    booked_by: a.booked_by.ok_or_else(|| AppError::internal("a room booked by nobody"))?,
                },
                now,
            )
            .await
            .map_err(|e| {
                if e.code == "slot_taken" {
                    AppError::conflict(
                        "slot_taken",
                        format!("{}该功能室已被预约，请换时间或换功能室", crate::clock::fmt_datetime(s)),
                        "The room is already booked then",
                    )
                } else {
                    e
                }
            })?,
        ),
        None => None,
    };
    db::exec(
        conn,
        "INSERT INTO activity_occurrences (activity_id, starts_at, ends_at, state, seq, booking_id) VALUES ($1, $2, $3, 'scheduled', 0, $4)",
        params![a.activity, s, ends, booking],
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Occurrence {
    pub id: i64,
    pub activity_id: i64,
    pub project_id: ProjectId,
    pub project_name: String,
    pub kind: ActivityKind,
    pub title: String,
    pub series: Option<String>,
    pub organiser: String,
    pub co_organisers: Option<String>,
    pub place: Option<String>,
    pub audience: String,
    pub team_id: Option<TeamId>,
    pub capacity: i32,
    pub rrule: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub state: OccurrenceState,
    pub confirmed: i64,
    pub waitlisted: i64,
}

/// The occurrence's select, with the two sign-up counts given (`occ_select!("… AS confirmed, … AS waitlisted")`).
macro_rules! occ_select {
    ($counts:literal) => {
        concat!("SELECT o.id, o.activity_id, a.project_id, p.name AS project_name, a.kind, COALESCE(o.title, a.title) AS title, a.series, a.organiser, \
     a.co_organisers, COALESCE(o.place, a.place) AS place, a.audience, a.team_id, COALESCE(o.capacity, a.capacity) AS capacity, a.rrule, o.starts_at, o.ends_at, o.state, \
     ", $counts, " FROM activity_occurrences o JOIN activities a ON a.id = o.activity_id JOIN org_nodes p ON p.id = a.project_id")
    };
}

const OCC_SELECT: &str = occ_select!(
    "(SELECT COUNT(*) FROM signups s WHERE s.occurrence_id = o.id AND s.state = 'confirmed') AS confirmed, \
     (SELECT COUNT(*) FROM signups s WHERE s.occurrence_id = o.id AND s.state = 'waitlisted') AS waitlisted"
);
/// Without the counts (both 0); see [`occurrence_uncounted`].
const OCC_SELECT_UNCOUNTED: &str = occ_select!("CAST(0 AS BIGINT) AS confirmed, CAST(0 AS BIGINT) AS waitlisted");

pub async fn occurrence(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Occurrence>, AppError> {
    Ok(db::one(conn, &format!("{OCC_SELECT} WHERE o.id = $1"), params![id]).await?)
}

/// The occurrence without its sign-up counts — `confirmed` and `waitlisted` read 0 — for check-in and
/// check-out, which neither show nor need them: counting a date's sign-ups is O(sign-ups), and ran on every
/// check-in (0.8 ms at 30,000 sign-ups; docs/benchmarks.md, issue 15). Never for a page that shows seats.
pub async fn occurrence_uncounted(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Occurrence>, AppError> {
    Ok(db::one(conn, &format!("{OCC_SELECT_UNCOUNTED} WHERE o.id = $1"), params![id]).await?)
}

/// Scheduled occurrences in these projects between two times, soonest first.
pub async fn upcoming(
    conn: &impl ConnectionTrait,
    projects: &[ProjectId],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Occurrence>, AppError> {
    if projects.is_empty() {
        return Ok(vec![]);
    }
    let n = projects.len();
    let mut values: Vec<sea_orm::Value> = projects.iter().map(|p| (*p).into()).collect();
    values.push(from.into());
    values.push(to.into());
    Ok(db::all(
        conn,
        &format!(
            "{OCC_SELECT} WHERE a.project_id IN ({}) AND o.starts_at >= ${} AND o.starts_at < ${} AND o.state = 'scheduled' \
             ORDER BY o.starts_at, o.id LIMIT 200",
            db::placeholders(1, n),
            n + 1,
            n + 2
        ),
        values,
    )
    .await?)
}

/// The dates a person is signed up for (or waiting for) that have not ended, soonest first.
pub async fn signed_up_for(
    conn: &impl ConnectionTrait,
    person_id: PersonId,
    now: DateTime<Utc>,
) -> Result<Vec<(Occurrence, SignupState)>, AppError> {
    let occ: Vec<Occurrence> = db::all(
        conn,
        &format!(
            "{OCC_SELECT} WHERE o.ends_at > $2 AND o.state = 'scheduled' AND o.id IN \
             (SELECT s.occurrence_id FROM signups s WHERE s.person_id = $1 AND s.state IN ('confirmed','waitlisted')) \
             ORDER BY o.starts_at, o.id LIMIT 20"
        ),
        params![person_id, now],
    )
    .await?;
    if occ.is_empty() {
        return Ok(vec![]);
    }
    // The person's state on each, in one query (not one per date).
    #[derive(FromQueryResult)]
    struct Mine {
        occurrence_id: i64,
        state: SignupState,
    }
    let mut values: Vec<sea_orm::Value> = vec![person_id.into()];
    values.extend(occ.iter().map(|o| sea_orm::Value::from(o.id)));
    let mine: Vec<Mine> = db::all(
        conn,
        &format!(
            "SELECT occurrence_id, state FROM signups WHERE person_id = $1 AND occurrence_id IN ({})",
            db::placeholders(2, occ.len())
        ),
        values,
    )
    .await?;
    Ok(occ
        .into_iter()
        .map(|o| {
            let state =
                mine.iter().find(|m| m.occurrence_id == o.id).map(|m| m.state).unwrap_or(SignupState::Confirmed);
            (o, state)
        })
        .collect())
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Signup {
    pub id: i64,
    pub person_id: PersonId,
    pub person_name: String,
    pub state: SignupState,
}

pub async fn signups(conn: &impl ConnectionTrait, occurrence_id: OccurrenceId) -> Result<Vec<Signup>, AppError> {
    Ok(db::all(
        conn,
        "SELECT s.id, s.person_id, p.name AS person_name, s.state FROM signups s JOIN persons p ON p.id = s.person_id \
         WHERE s.occurrence_id = $1 AND s.state <> 'cancelled' ORDER BY CASE s.state WHEN 'confirmed' THEN 0 ELSE 1 END, s.updated_at, s.id",
        params![occurrence_id],
    )
    .await?)
}

#[derive(FromQueryResult)]
struct StateRow {
    id: i64,
    state: SignupState,
}

pub async fn my_signup(
    conn: &impl ConnectionTrait,
    occurrence_id: OccurrenceId,
    person_id: PersonId,
) -> Result<Option<SignupState>, AppError> {
    Ok(db::one::<StateRow>(
        conn,
        "SELECT id, state FROM signups WHERE occurrence_id = $1 AND person_id = $2",
        params![occurrence_id, person_id],
    )
    .await?
    .map(|r| r.state))
}

/// Lock the occurrence for this transaction (PostgreSQL: a row lock; SQLite: the single writer).
pub async fn lock(conn: &impl ConnectionTrait, occurrence_id: OccurrenceId) -> Result<(), AppError> {
    db::exec(conn, "UPDATE activity_occurrences SET seq = seq + 1 WHERE id = $1", params![occurrence_id]).await?;
    Ok(())
}

/// Sign a person up (inside the caller's transaction): confirmed while there is room, else wait-listed.
/// Signing up twice is refused; a cancelled sign-up may sign up again (it goes to the back).
pub async fn sign_up(
    conn: &impl ConnectionTrait,
    occurrence_id: OccurrenceId,
    capacity: i64,
    person_id: PersonId,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<Place, AppError> {
    lock(conn, occurrence_id).await?;
    let existing = db::one::<StateRow>(
        conn,
        "SELECT id, state FROM signups WHERE occurrence_id = $1 AND person_id = $2",
        params![occurrence_id, person_id],
    )
    .await?;
    if let Some(e) = &existing
        && e.state != crate::activities::model::SignupState::Cancelled
    {
        return Err(AppError::conflict("already_signed_up", "已经报名过了", "Already signed up"));
    }
    let place = model::place(capacity, confirmed(conn, occurrence_id).await?);
    match existing {
        Some(e) => {
            db::exec(
                conn,
                "UPDATE signups SET state = $1, signed_up_by = $2, updated_at = $3 WHERE id = $4",
                params![place.as_str(), by, now, e.id],
            )
            .await?;
        }
        None => {
            db::exec(
                conn,
                "INSERT INTO signups (occurrence_id, person_id, state, signed_up_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
                params![occurrence_id, person_id, place.as_str(), by, now],
            )
            .await?;
        }
    }
    Ok(place)
}

/// Cancel a person's sign-up (inside the caller's transaction). When a confirmed place frees up, the
/// first on the wait list takes it; returns that person, to be notified.
pub async fn cancel(
    conn: &impl ConnectionTrait,
    occurrence_id: OccurrenceId,
    capacity: i64,
    person_id: PersonId,
    now: DateTime<Utc>,
) -> Result<Option<i64>, AppError> {
    lock(conn, occurrence_id).await?;
    let existing = db::one::<StateRow>(
        conn,
        "SELECT id, state FROM signups WHERE occurrence_id = $1 AND person_id = $2 AND state <> 'cancelled'",
        params![occurrence_id, person_id],
    )
    .await?
    .ok_or_else(|| AppError::conflict("not_signed_up", "您没有报名这次活动", "Not signed up"))?;
    db::exec(conn, "UPDATE signups SET state = 'cancelled', updated_at = $1 WHERE id = $2", params![now, existing.id])
        .await?;
    if existing.state != crate::activities::model::SignupState::Confirmed {
        return Ok(None);
    }
    Ok(promote(conn, occurrence_id, capacity, now).await?.into_iter().next())
}

/// Confirmed places taken on an occurrence.
pub async fn confirmed(conn: &impl ConnectionTrait, occurrence_id: OccurrenceId) -> Result<i64, AppError> {
    Ok(db::count(
        conn,
        "SELECT COUNT(*) AS n FROM signups WHERE occurrence_id = $1 AND state = 'confirmed'",
        params![occurrence_id],
    )
    .await?)
}

/// Confirm people from the wait list, first come first served, while there is room (inside the caller's
/// transaction, with the occurrence locked). Returns those promoted, to be notified.
pub async fn promote(
    conn: &impl ConnectionTrait,
    occurrence_id: OccurrenceId,
    capacity: i64,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, AppError> {
    #[derive(FromQueryResult)]
    struct Next {
        id: i64,
        person_id: PersonId,
    }
    let mut promoted = Vec::new();
    while model::place(capacity, confirmed(conn, occurrence_id).await?) == Place::Confirmed {
        let Some(n) = db::one::<Next>(
            conn,
            "SELECT id, person_id FROM signups WHERE occurrence_id = $1 AND state = 'waitlisted' ORDER BY updated_at, id LIMIT 1",
            params![occurrence_id],
        )
        .await?
        else {
            break;
        };
        db::exec(conn, "UPDATE signups SET state = 'confirmed', updated_at = $1 WHERE id = $2", params![now, n.id])
            .await?;
        promoted.push(n.person_id.into());
    }
    Ok(promoted)
}

// ---- used by the activity pages ------------------------------------------------------------------------

/// A project's teams: (id, name).
pub async fn teams_of_project(
    conn: &impl ConnectionTrait,
    project: ProjectId,
) -> Result<Vec<(TeamId, String)>, AppError> {
    #[derive(FromQueryResult)]
    struct T {
        id: TeamId,
        name: String,
    }
    Ok(db::all::<T>(conn, "SELECT id, name FROM teams WHERE project_id = $1 ORDER BY id", params![project])
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect())
}

pub async fn first_occurrence(conn: &impl ConnectionTrait, activity: i64) -> Result<Option<i64>, AppError> {
    Ok(db::one::<db::IdRow>(
        conn,
        "SELECT id FROM activity_occurrences WHERE activity_id = $1 ORDER BY starts_at LIMIT 1",
        params![activity],
    )
    .await?
    .map(|r| r.id))
}

/// Lives in the project now, or holds a role on it.
pub async fn belongs_to_project(
    conn: &impl ConnectionTrait,
    person: PersonId,
    project: ProjectId,
) -> Result<bool, AppError> {
    let lives = db::count(
        conn,
        "SELECT COUNT(*) AS n FROM household_members m JOIN households h ON h.node_id = m.household_id \
         WHERE m.person_id = $1 AND h.project_id = $2 AND m.moved_out IS NULL",
        params![person, project],
    )
    .await?;
    if lives > 0 {
        return Ok(true);
    }
    Ok(db::count(
        conn,
        "SELECT COUNT(*) AS n FROM role_assignments WHERE person_id = $1 AND node_id = $2",
        params![person, project],
    )
    .await?
        > 0)
}

pub async fn has_role(conn: &impl ConnectionTrait, person: PersonId, role: &str) -> Result<bool, AppError> {
    Ok(db::count(
        conn,
        "SELECT COUNT(*) AS n FROM role_assignments WHERE person_id = $1 AND role = $2",
        params![person, role],
    )
    .await?
        > 0)
}

/// Call one date off; false if it was not scheduled any more.
pub async fn skip_occurrence(conn: &impl ConnectionTrait, id: i64) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE activity_occurrences SET state = 'skipped' WHERE id = $1 AND state = 'scheduled'",
        params![id],
    )
    .await?
    .rows_affected()
        > 0)
}

/// The room booking a date holds, if any.
pub async fn booking_of_occurrence(conn: &impl ConnectionTrait, id: i64) -> Result<Option<i64>, AppError> {
    Ok(db::one::<db::IdRow>(
        conn,
        "SELECT booking_id AS id FROM activity_occurrences WHERE id = $1 AND booking_id IS NOT NULL",
        params![id],
    )
    .await?
    .map(|r| r.id))
}
