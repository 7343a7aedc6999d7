//! 微心愿's SQL. Every change of state is a compare-and-set on the state it expects, so two claims of one
//! wish cannot both succeed, on either database.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::model::WishState;
use crate::{
    db,
    error::AppError,
    ids::{PersonId, ProjectId},
    params,
    requests::photos::Owner,
};

#[derive(Debug, Clone, FromQueryResult)]
pub struct Wish {
    pub id: i64,
    pub project_id: ProjectId,
    pub project_name: String,
    pub person_id: PersonId,
    pub person_name: String,
    pub text: String,
    pub state: WishState,
    pub posted_at: DateTime<Utc>,
    pub claimed_by: Option<PersonId>,
    pub claimer_name: Option<String>,
    pub claimed_at: Option<DateTime<Utc>>,
    pub fulfilled_at: Option<DateTime<Utc>>,
    pub fulfil_note: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

const SELECT: &str = "SELECT w.id, w.project_id, n.name AS project_name, w.person_id, p.name AS person_name, w.text, w.state, \
     w.posted_at, w.claimed_by, c.name AS claimer_name, w.claimed_at, w.fulfilled_at, w.fulfil_note, w.confirmed_at \
     FROM wishes w JOIN org_nodes n ON n.id = w.project_id JOIN persons p ON p.id = w.person_id \
     LEFT JOIN persons c ON c.id = w.claimed_by";

pub fn photos_of(wish: i64) -> Owner {
    Owner { table: "wish_photos", column: "wish_id", id: wish, prefix: "wishes" }
}

pub async fn one(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Wish>, AppError> {
    Ok(db::one(conn, &format!("{SELECT} WHERE w.id = $1"), params![id]).await?)
}

/// Open wishes in these projects, oldest first (they have waited longest).
pub async fn open_in(conn: &impl ConnectionTrait, projects: &[ProjectId]) -> Result<Vec<Wish>, AppError> {
    if projects.is_empty() {
        return Ok(vec![]);
    }
    Ok(db::all(
        conn,
        &format!(
            "{SELECT} WHERE w.state = 'open' AND w.project_id IN ({}) ORDER BY w.posted_at, w.id LIMIT 200",
            db::placeholders(1, projects.len())
        ),
        projects.iter().map(|p| (*p).into()).collect(),
    )
    .await?)
}

/// A person's wishes (posted) and those they claimed, newest first.
pub async fn of_person(conn: &impl ConnectionTrait, person: PersonId) -> Result<Vec<Wish>, AppError> {
    Ok(db::all(
        conn,
        &format!("{SELECT} WHERE w.person_id = $1 OR w.claimed_by = $1 ORDER BY w.posted_at DESC, w.id DESC LIMIT 100"),
        params![person],
    )
    .await?)
}

pub struct NewWish<'a> {
    pub project_id: ProjectId,
    pub person_id: PersonId,
    pub household_id: Option<i64>,
    pub text: &'a str,
    pub posted_by: i64,
}

pub async fn insert(conn: &impl ConnectionTrait, w: &NewWish<'_>, now: DateTime<Utc>) -> Result<i64, AppError> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO wishes (project_id, person_id, household_id, text, state, posted_by, posted_at) \
         VALUES ($1, $2, $3, $4, 'open', $5, $6) RETURNING id",
        params![w.project_id, w.person_id, w.household_id, w.text, w.posted_by, now],
    )
    .await?)
}

/// Claim: only an open wish; false when someone was first.
pub async fn claim(conn: &impl ConnectionTrait, id: i64, by: PersonId, now: DateTime<Utc>) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE wishes SET state = 'claimed', claimed_by = $1, claimed_at = $2 WHERE id = $3 AND state = 'open'",
        params![by, now, id],
    )
    .await?
    .rows_affected()
        == 1)
}

/// Fulfil: only a claimed wish, by its claimer; false otherwise.
pub async fn fulfil(
    conn: &impl ConnectionTrait,
    id: i64,
    by: PersonId,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE wishes SET state = 'fulfilled', fulfilled_at = $1, fulfil_note = $2 WHERE id = $3 AND state = 'claimed' AND claimed_by = $4",
        params![now, note, id, by],
    )
    .await?
    .rows_affected()
        == 1)
}

/// Confirm (the resident) or withdraw (an open wish): a compare-and-set from `from` to `to`.
pub async fn settle(
    conn: &impl ConnectionTrait,
    id: i64,
    from: WishState,
    to: WishState,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE wishes SET state = $1, confirmed_at = CASE WHEN $1 = 'confirmed' THEN $2 ELSE confirmed_at END \
         WHERE id = $3 AND state = $4",
        params![to.as_str(), now, id, from.as_str()],
    )
    .await?
    .rows_affected()
        == 1)
}

/// Open wishes waiting since before `before` and not yet raised: (wish, project).
pub async fn to_raise(conn: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<Vec<(i64, ProjectId)>, AppError> {
    #[derive(FromQueryResult)]
    struct R {
        id: i64,
        project_id: ProjectId,
    }
    let rows: Vec<R> = db::all(
        conn,
        "SELECT id, project_id FROM wishes WHERE state = 'open' AND raised_at IS NULL AND posted_at <= $1 ORDER BY id LIMIT 500",
        params![before],
    )
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.project_id)).collect())
}

/// Mark a wish raised; false when another instance did it first.
pub async fn mark_raised(conn: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<bool, AppError> {
    Ok(db::exec(conn, "UPDATE wishes SET raised_at = $1 WHERE id = $2 AND raised_at IS NULL", params![now, id])
        .await?
        .rows_affected()
        == 1)
}
