//! 便民物资共享's SQL: items per centre and their loans. A loan takes its item by writing `open_item_id`;
//! the unique index on it refuses a second open loan of the same item, whichever database and however
//! many requests arrive at once. Every change of a loan is a compare-and-set on the state it expects.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use super::model::{Condition, ITEM_OUT, ItemKind, LoanState};
use crate::{
    db::{self, constraint::OnConstraint},
    error::AppError,
    ids::{PersonId, ProjectId},
    params,
};

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Item {
    pub id: i64,
    pub centre_id: i64,
    pub centre_name: String,
    pub project_id: ProjectId,
    pub kind: ItemKind,
    pub name: String,
    pub code: String,
    pub deposit_fen: i64,
    pub loan_days: i32,
    pub condition: Condition,
    pub note: Option<String>,
    pub retired_at: Option<DateTime<Utc>>,
    /// The loan holding it now (reserved or out), if any.
    pub open_loan: Option<i64>,
    pub open_state: Option<LoanState>,
    pub due_on: Option<NaiveDate>,
}

const ITEM_SELECT: &str = "SELECT i.id, i.centre_id, c.name AS centre_name, i.project_id, i.kind, i.name, i.code, \
     i.deposit_fen, i.loan_days, i.condition, i.note, i.retired_at, l.id AS open_loan, l.state AS open_state, l.due_on \
     FROM lend_items i JOIN centres c ON c.id = i.centre_id LEFT JOIN lend_loans l ON l.open_item_id = i.id";

/// Items of these projects' centres (retired ones left out), by centre, kind and code.
pub async fn items_in(conn: &impl ConnectionTrait, projects: &[ProjectId]) -> Result<Vec<Item>, AppError> {
    if projects.is_empty() {
        return Ok(vec![]);
    }
    Ok(db::all(
        conn,
        &format!(
            "{ITEM_SELECT} WHERE i.project_id IN ({}) AND i.retired_at IS NULL ORDER BY c.name, i.kind, i.code LIMIT 500",
            db::placeholders(1, projects.len())
        ),
        projects.iter().map(|p| (*p).into()).collect(),
    )
    .await?)
}

pub async fn item(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Item>, AppError> {
    Ok(db::one(conn, &format!("{ITEM_SELECT} WHERE i.id = $1"), params![id]).await?)
}

pub struct NewItem<'a> {
    pub centre_id: i64,
    pub project_id: ProjectId,
    pub kind: ItemKind,
    pub name: &'a str,
    pub code: &'a str,
    pub deposit_fen: i64,
    pub loan_days: i64,
    pub note: Option<&'a str>,
}

pub async fn insert_item(
    conn: &impl ConnectionTrait,
    it: &NewItem<'_>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    db::insert_id(
        conn,
        "INSERT INTO lend_items (centre_id, project_id, kind, name, code, deposit_fen, loan_days, condition, note, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'good', $8, $9, $10) RETURNING id",
        params![it.centre_id, it.project_id, it.kind.as_str(), it.name, it.code, it.deposit_fen, it.loan_days, it.note, by, now],
    )
    .await
    .on_constraint("ux_lend_items_centre_code", || {
        AppError::conflict("item_code_taken", "本中心已有这个编号的物品", "An item with this code exists at this centre")
    })
}

/// Set an item's condition (a repair, or what a return found).
pub async fn set_condition(conn: &impl ConnectionTrait, id: i64, c: Condition) -> Result<(), AppError> {
    db::exec(conn, "UPDATE lend_items SET condition = $1 WHERE id = $2", params![c.as_str(), id]).await?;
    Ok(())
}

/// Retire an item that is not out; false when it is held by a loan or already retired.
pub async fn retire(conn: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE lend_items SET retired_at = $1 WHERE id = $2 AND retired_at IS NULL \
         AND NOT EXISTS (SELECT 1 FROM lend_loans l WHERE l.open_item_id = lend_items.id)",
        params![now, id],
    )
    .await?
    .rows_affected()
        == 1)
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Loan {
    pub id: i64,
    pub item_id: i64,
    pub item_name: String,
    pub item_code: String,
    pub centre_name: String,
    pub project_id: ProjectId,
    pub person_id: PersonId,
    pub person_name: String,
    /// The borrower's home as 「1栋1单元101」, when they borrowed as a resident.
    pub home: Option<String>,
    pub state: LoanState,
    pub requested_at: DateTime<Utc>,
    pub lent_at: Option<DateTime<Utc>>,
    pub due_on: Option<NaiveDate>,
    pub deposit_fen: i64,
    pub deposit_kept_fen: Option<i64>,
    pub returned_at: Option<DateTime<Utc>>,
    pub return_condition: Option<Condition>,
    pub return_note: Option<String>,
    pub reminded_on: Option<NaiveDate>,
}

const LOAN_SELECT: &str = "SELECT l.id, l.item_id, i.name AS item_name, i.code AS item_code, c.name AS centre_name, \
     l.project_id, l.person_id, p.name AS person_name, b.name || u.name || h.room || '室' AS home, l.state, l.requested_at, \
     l.lent_at, l.due_on, l.deposit_fen, l.deposit_kept_fen, l.returned_at, l.return_condition, l.return_note, l.reminded_on \
     FROM lend_loans l JOIN lend_items i ON i.id = l.item_id JOIN centres c ON c.id = i.centre_id \
     JOIN persons p ON p.id = l.person_id LEFT JOIN households h ON h.node_id = l.household_id \
     LEFT JOIN org_nodes hn ON hn.id = h.node_id LEFT JOIN org_nodes u ON u.id = hn.parent_id LEFT JOIN org_nodes b ON b.id = u.parent_id";

pub async fn loan(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Loan>, AppError> {
    Ok(db::one(conn, &format!("{LOAN_SELECT} WHERE l.id = $1"), params![id]).await?)
}

/// Open loans (reserved or out) of these projects: the most overdue first, then reservations.
pub async fn open_in(conn: &impl ConnectionTrait, projects: &[ProjectId]) -> Result<Vec<Loan>, AppError> {
    if projects.is_empty() {
        return Ok(vec![]);
    }
    Ok(db::all(
        conn,
        &format!(
            "{LOAN_SELECT} WHERE l.project_id IN ({}) AND l.open_item_id IS NOT NULL \
             ORDER BY CASE WHEN l.due_on IS NULL THEN 1 ELSE 0 END, l.due_on, l.requested_at LIMIT 500",
            db::placeholders(1, projects.len())
        ),
        projects.iter().map(|p| (*p).into()).collect(),
    )
    .await?)
}

/// A person's loans, open first, then the latest.
pub async fn of_person(conn: &impl ConnectionTrait, person: PersonId) -> Result<Vec<Loan>, AppError> {
    Ok(db::all(
        conn,
        &format!(
            "{LOAN_SELECT} WHERE l.person_id = $1 \
             ORDER BY CASE WHEN l.open_item_id IS NULL THEN 1 ELSE 0 END, l.requested_at DESC, l.id DESC LIMIT 50"
        ),
        params![person],
    )
    .await?)
}

/// An item's loans, newest first (its history).
pub async fn of_item(conn: &impl ConnectionTrait, item: i64) -> Result<Vec<Loan>, AppError> {
    Ok(db::all(
        conn,
        &format!("{LOAN_SELECT} WHERE l.item_id = $1 ORDER BY l.requested_at DESC, l.id DESC LIMIT 100"),
        params![item],
    )
    .await?)
}

pub struct NewLoan {
    pub item_id: i64,
    pub project_id: ProjectId,
    pub person_id: PersonId,
    pub household_id: Option<i64>,
    /// Reserved (a resident on the phone) or out (handed over at the desk).
    pub state: LoanState,
    pub due_on: Option<NaiveDate>,
    pub deposit_fen: i64,
    pub by: i64,
}

/// Open a loan on an item: the unique open item refuses it when the item is already held (`item_out`).
pub async fn insert_loan(conn: &impl ConnectionTrait, l: &NewLoan, now: DateTime<Utc>) -> Result<i64, AppError> {
    let out = l.state == LoanState::Out;
    db::insert_id(
        conn,
        "INSERT INTO lend_loans (item_id, project_id, person_id, household_id, state, open_item_id, requested_at, lent_at, \
         due_on, deposit_fen, created_by, lent_by) VALUES ($1, $2, $3, $4, $5, $1, $6, $7, $8, $9, $10, $11) RETURNING id",
        params![
            l.item_id,
            l.project_id,
            l.person_id,
            l.household_id,
            l.state.as_str(),
            now,
            out.then_some(now),
            l.due_on,
            l.deposit_fen,
            l.by,
            out.then_some(l.by)
        ],
    )
    .await
    .on_constraint("ux_lend_loans_open_item", || AppError::conflict(ITEM_OUT.code, ITEM_OUT.zh, ITEM_OUT.en))
}

/// Hand a reserved item over; false when the loan is no longer reserved.
pub async fn hand_over(
    conn: &impl ConnectionTrait,
    id: i64,
    due: NaiveDate,
    deposit_fen: i64,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE lend_loans SET state = 'out', lent_at = $1, due_on = $2, deposit_fen = $3, lent_by = $4 \
         WHERE id = $5 AND state = 'reserved'",
        params![now, due, deposit_fen, by, id],
    )
    .await?
    .rows_affected()
        == 1)
}

pub struct Return<'a> {
    pub condition: Condition,
    pub note: Option<&'a str>,
    pub deposit_kept_fen: i64,
    pub by: i64,
}

/// Take an item back; false when the loan is not out.
pub async fn take_back(
    conn: &impl ConnectionTrait,
    id: i64,
    r: &Return<'_>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE lend_loans SET state = 'returned', open_item_id = NULL, returned_at = $1, return_condition = $2, \
         return_note = $3, deposit_kept_fen = $4, returned_by = $5 WHERE id = $6 AND state = 'out'",
        params![now, r.condition.as_str(), r.note, r.deposit_kept_fen, r.by, id],
    )
    .await?
    .rows_affected()
        == 1)
}

/// Cancel a reservation; false when it is no longer reserved.
pub async fn cancel(conn: &impl ConnectionTrait, id: i64) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE lend_loans SET state = 'cancelled', open_item_id = NULL WHERE id = $1 AND state = 'reserved'",
        params![id],
    )
    .await?
    .rows_affected()
        == 1)
}

/// Loans out and due by `until` (reminders), and reservations older than `before` (to lapse).
pub async fn due_by(conn: &impl ConnectionTrait, until: NaiveDate) -> Result<Vec<Loan>, AppError> {
    Ok(db::all(
        conn,
        &format!("{LOAN_SELECT} WHERE l.state = 'out' AND l.due_on <= $1 ORDER BY l.id LIMIT 1000"),
        params![until],
    )
    .await?)
}

pub async fn reserved_before(conn: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<Vec<Loan>, AppError> {
    Ok(db::all(
        conn,
        &format!("{LOAN_SELECT} WHERE l.state = 'reserved' AND l.requested_at <= $1 ORDER BY l.id LIMIT 1000"),
        params![before],
    )
    .await?)
}

/// Mark a loan reminded today; false when it already was (another instance's job was first).
pub async fn mark_reminded(conn: &impl ConnectionTrait, id: i64, today: NaiveDate) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE lend_loans SET reminded_on = $1 WHERE id = $2 AND state = 'out' AND (reminded_on IS NULL OR reminded_on < $1)",
        params![today, id],
    )
    .await?
    .rows_affected()
        == 1)
}
