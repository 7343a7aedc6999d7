//! 组织生活's SQL: meetings, attendance, the rules in force for an organisation.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use super::model::{MeetingKind, Period, Presence, Rule};
use crate::{db, error::AppError, ids::PersonId, params};

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Meeting {
    pub id: i64,
    pub org_id: i64,
    pub kind: MeetingKind,
    pub title: String,
    pub held_on: NaiveDate,
    pub place: Option<String>,
    pub minutes: Option<String>,
    /// A resolution taken (only by a quorate 党员大会 or 支委会).
    pub resolution: Option<String>,
    pub voters: i32,
    pub present_voters: i32,
    /// Members marked present.
    pub present: i64,
    /// The activity date it is held with (a check-in there marks the member present).
    pub occurrence_id: Option<i64>,
    /// The resolution's vote: 赞成, 反对, 弃权.
    pub votes_for: Option<i32>,
    pub votes_against: Option<i32>,
    pub votes_abstain: Option<i32>,
}

impl Meeting {
    /// Whether it counts (computed from who was there).
    pub fn quorate(&self) -> bool {
        super::model::quorate(self.kind, self.voters.max(0) as usize, self.present_voters.max(0) as usize)
    }

    /// Whether its resolution passed (none without a vote count).
    pub fn passed(&self) -> Option<bool> {
        let v = |x: Option<i32>| x.map(|n| n.max(0) as u32);
        let votes = super::model::Votes {
            yes: v(self.votes_for)?,
            no: v(self.votes_against)?,
            abstain: v(self.votes_abstain)?,
        };
        super::model::passes(self.voters.max(0) as usize, self.present_voters.max(0) as usize, votes).ok()
    }
}

const SELECT: &str = "SELECT m.id, m.org_id, m.kind, m.title, m.held_on, m.place, m.minutes, m.resolution, m.voters, m.present_voters, \
     (SELECT COUNT(*) FROM party_attendance a WHERE a.meeting_id = m.id AND a.presence = 'present') AS present, \
     m.occurrence_id, m.votes_for, m.votes_against, m.votes_abstain \
     FROM party_meetings m";

/// An organisation's meetings from a day on, newest first.
pub async fn of_org(conn: &impl ConnectionTrait, org: i64, from: NaiveDate) -> Result<Vec<Meeting>, AppError> {
    Ok(db::all(
        conn,
        &format!("{SELECT} WHERE m.org_id = $1 AND m.held_on >= $2 ORDER BY m.held_on DESC, m.id DESC"),
        params![org, from],
    )
    .await?)
}

pub async fn meeting(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Meeting>, AppError> {
    Ok(db::one(conn, &format!("{SELECT} WHERE m.id = $1"), params![id]).await?)
}

pub struct NewMeeting<'a> {
    pub org_id: i64,
    pub kind: MeetingKind,
    pub title: &'a str,
    pub held_on: NaiveDate,
    pub place: Option<&'a str>,
    pub minutes: Option<&'a str>,
    pub resolution: Option<&'a str>,
    pub voters: i32,
    pub present_voters: i32,
    pub created_by: Option<i64>,
    pub occurrence_id: Option<i64>,
    pub votes: Option<super::model::Votes>,
}

pub async fn insert(conn: &impl ConnectionTrait, m: &NewMeeting<'_>, now: DateTime<Utc>) -> Result<i64, AppError> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO party_meetings (org_id, kind, title, held_on, place, minutes, resolution, voters, present_voters, created_by, created_at, \
         occurrence_id, votes_for, votes_against, votes_abstain) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
        params![
            m.org_id,
            m.kind.as_str(),
            m.title,
            m.held_on,
            m.place,
            m.minutes,
            m.resolution,
            m.voters,
            m.present_voters,
            m.created_by,
            now,
            m.occurrence_id,
            m.votes.map(|v| v.yes as i32),
            m.votes.map(|v| v.no as i32),
            m.votes.map(|v| v.abstain as i32)
        ],
    )
    .await?)
}

pub async fn mark(
    conn: &impl ConnectionTrait,
    meeting: i64,
    person: PersonId,
    presence: Presence,
    voter: bool,
) -> Result<(), AppError> {
    db::exec(
        conn,
        "INSERT INTO party_attendance (meeting_id, person_id, presence, voter) VALUES ($1, $2, $3, $4)",
        params![meeting, person, presence.as_str(), voter],
    )
    .await?;
    Ok(())
}

/// The meetings held with an activity date.
pub async fn of_occurrence(conn: &impl ConnectionTrait, occurrence: i64) -> Result<Vec<Meeting>, AppError> {
    Ok(db::all(conn, &format!("{SELECT} WHERE m.occurrence_id = $1 ORDER BY m.id"), params![occurrence]).await?)
}

/// Is the person on the roster of a meeting held with this activity date?
pub async fn on_roster(conn: &impl ConnectionTrait, occurrence: i64, person: PersonId) -> Result<bool, AppError> {
    Ok(db::count(
        conn,
        "SELECT COUNT(*) AS n FROM party_attendance a JOIN party_meetings m ON m.id = a.meeting_id \
         WHERE m.occurrence_id = $1 AND a.person_id = $2",
        params![occurrence, person],
    )
    .await?
        > 0)
}

/// A check-in to an activity date (or its undoing) marks the person present (or absent again) at the
/// meetings held with it whose roster they are on, and recounts those meetings' present voters — in the
/// transaction of the check-in. Returns how many meetings it touched.
pub async fn credit(
    conn: &impl ConnectionTrait,
    occurrence: i64,
    person: PersonId,
    present: bool,
) -> Result<u64, AppError> {
    // Present from absent or excused; absent again only from present.
    let (to, from) = if present { ("present", "absent', 'excused") } else { ("absent", "present") };
    let n = db::exec(
        conn,
        &format!(
            "UPDATE party_attendance SET presence = $1 WHERE person_id = $2 AND presence IN ('{from}') \
             AND meeting_id IN (SELECT id FROM party_meetings WHERE occurrence_id = $3)"
        ),
        params![to, person, occurrence],
    )
    .await?
    .rows_affected();
    if n > 0 {
        db::exec(
            conn,
            "UPDATE party_meetings SET present_voters = (SELECT COUNT(*) FROM party_attendance a \
             WHERE a.meeting_id = party_meetings.id AND a.voter AND a.presence = 'present') WHERE occurrence_id = $1",
            params![occurrence],
        )
        .await?;
    }
    Ok(n)
}

/// Meetings from a day on of the organisations a person is on the roster of (their notices).
pub async fn ahead_for(
    conn: &impl ConnectionTrait,
    person: PersonId,
    from: NaiveDate,
) -> Result<Vec<Meeting>, AppError> {
    Ok(db::all(
        conn,
        &format!(
            "{SELECT} WHERE m.held_on >= $2 AND m.id IN (SELECT a.meeting_id FROM party_attendance a WHERE a.person_id = $1) \
             ORDER BY m.held_on, m.id"
        ),
        params![person, from],
    )
    .await?)
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Attendee {
    pub person_id: PersonId,
    pub person_name: String,
    pub presence: Presence,
}

pub async fn attendance(conn: &impl ConnectionTrait, meeting: i64) -> Result<Vec<Attendee>, AppError> {
    Ok(db::all(
        conn,
        "SELECT a.person_id, p.name AS person_name, a.presence FROM party_attendance a JOIN persons p ON p.id = a.person_id \
         WHERE a.meeting_id = $1 ORDER BY CASE a.presence WHEN 'present' THEN 0 WHEN 'excused' THEN 1 ELSE 2 END, p.name",
        params![meeting],
    )
    .await?)
}

/// The meetings a person attended from a day on (their branch's 组织生活 as they lived it).
pub async fn attended_by(
    conn: &impl ConnectionTrait,
    person: PersonId,
    from: NaiveDate,
) -> Result<Vec<Meeting>, AppError> {
    Ok(db::all(
        conn,
        &format!(
            "{SELECT} WHERE m.held_on >= $2 AND m.id IN \
             (SELECT a.meeting_id FROM party_attendance a WHERE a.person_id = $1 AND a.presence = 'present') \
             ORDER BY m.held_on DESC, m.id DESC"
        ),
        params![person, from],
    )
    .await?)
}

/// A meeting as the board reads it: (org, kind, day, voters, present voters).
pub type HeldRow = (i64, MeetingKind, NaiveDate, i32, i32);

/// What the boards of several organisations need, in four queries whatever their number: full members and
/// groups per organisation, the rules rows that concern them, and their meetings from a day on.
pub struct BoardData {
    pub full: Vec<(i64, i64)>,
    pub groups: Vec<(i64, i64)>,
    /// (org_id of the rule — none for the defaults —, rule).
    pub rules: Vec<(Option<i64>, Rule)>,
    pub meetings: Vec<HeldRow>,
}

pub async fn board_data(conn: &impl ConnectionTrait, orgs: &[i64], from: NaiveDate) -> Result<BoardData, AppError> {
    #[derive(FromQueryResult)]
    struct Count {
        org_id: i64,
        n: i64,
    }
    #[derive(FromQueryResult)]
    struct R {
        org_id: Option<i64>,
        kind: MeetingKind,
        period: Period,
        min_count: i32,
    }
    #[derive(FromQueryResult)]
    struct M {
        org_id: i64,
        kind: MeetingKind,
        held_on: NaiveDate,
        voters: i32,
        present_voters: i32,
    }
    if orgs.is_empty() {
        return Ok(BoardData { full: vec![], groups: vec![], rules: vec![], meetings: vec![] });
    }
    let ids: Vec<sea_orm::Value> = orgs.iter().map(|o| sea_orm::Value::from(*o)).collect();
    let ph = db::placeholders(1, orgs.len());
    let full: Vec<Count> = db::all(
        conn,
        &format!(
            "SELECT org_id, COUNT(*) AS n FROM party_memberships WHERE org_id IN ({ph}) AND until IS NULL AND status = 'full' \
             GROUP BY org_id"
        ),
        ids.clone(),
    )
    .await?;
    let groups: Vec<Count> = db::all(
        conn,
        &format!(
            "SELECT parent_id AS org_id, COUNT(*) AS n FROM party_orgs WHERE parent_id IN ({ph}) AND kind = 'group' \
             GROUP BY parent_id"
        ),
        ids.clone(),
    )
    .await?;
    let rules: Vec<R> = db::all(
        conn,
        &format!(
            "SELECT org_id, kind, period, min_count FROM party_rules WHERE org_id IS NULL OR org_id IN ({ph}) ORDER BY id"
        ),
        ids.clone(),
    )
    .await?;
    let mut values = ids;
    values.push(from.into());
    let meetings: Vec<M> = db::all(
        conn,
        &format!(
            "SELECT org_id, kind, held_on, voters, present_voters FROM party_meetings WHERE org_id IN ({ph}) AND held_on >= ${}",
            orgs.len() + 1
        ),
        values,
    )
    .await?;
    Ok(BoardData {
        full: full.into_iter().map(|c| (c.org_id, c.n)).collect(),
        groups: groups.into_iter().map(|c| (c.org_id, c.n)).collect(),
        rules: rules
            .into_iter()
            .map(|r| (r.org_id, Rule { kind: r.kind, period: r.period, min_count: r.min_count.max(0) as u32 }))
            .collect(),
        meetings: meetings.into_iter().map(|m| (m.org_id, m.kind, m.held_on, m.voters, m.present_voters)).collect(),
    })
}
