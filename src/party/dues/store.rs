//! 党费's SQL: the brackets, each member's basis, payments.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use super::model::{Bracket, Category};
use crate::{
    db::{self, constraint::OnConstraint},
    error::AppError,
    ids::PersonId,
    params,
};

pub async fn brackets(conn: &impl ConnectionTrait) -> Result<Vec<Bracket>, AppError> {
    #[derive(FromQueryResult)]
    struct B {
        category: Category,
        above_fen: i64,
        upto_fen: Option<i64>,
        permille: i32,
        fixed_fen: Option<i64>,
    }
    Ok(db::all::<B>(
        conn,
        "SELECT category, above_fen, upto_fen, permille, fixed_fen FROM party_dues_brackets ORDER BY id",
        vec![],
    )
    .await?
    .into_iter()
    .map(|b| Bracket {
        category: b.category,
        above_fen: b.above_fen,
        upto_fen: b.upto_fen,
        permille: i64::from(b.permille),
        fixed_fen: b.fixed_fen,
    })
    .collect())
}

/// A member's basis: their category and monthly income in fen (sensitive).
#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Basis {
    pub person_id: PersonId,
    pub category: Category,
    pub income_fen: i64,
}

pub async fn bases(conn: &impl ConnectionTrait, people: &[i64]) -> Result<Vec<Basis>, AppError> {
    if people.is_empty() {
        return Ok(vec![]);
    }
    let values: Vec<sea_orm::Value> = people.iter().map(|p| sea_orm::Value::from(*p)).collect();
    let sql = format!(
        "SELECT person_id, category, income_fen FROM party_dues_bases WHERE person_id IN ({})",
        db::placeholders(1, people.len())
    );
    Ok(db::all(conn, &sql, values).await?)
}

/// Set (or replace) a member's basis.
pub async fn set_basis(
    conn: &impl ConnectionTrait,
    person: PersonId,
    category: Category,
    income_fen: i64,
    set_by: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    db::exec(
        conn,
        "INSERT INTO party_dues_bases (person_id, category, income_fen, set_by, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (person_id) DO UPDATE SET category = excluded.category, income_fen = excluded.income_fen, \
         set_by = excluded.set_by, updated_at = excluded.updated_at",
        params![person, category.as_str(), income_fen, set_by, now],
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Payment {
    pub person_id: PersonId,
    pub month: String,
    pub amount_fen: i64,
    pub paid_on: NaiveDate,
}

/// Payments of these people, newest month first.
pub async fn payments(conn: &impl ConnectionTrait, people: &[i64]) -> Result<Vec<Payment>, AppError> {
    if people.is_empty() {
        return Ok(vec![]);
    }
    let values: Vec<sea_orm::Value> = people.iter().map(|p| sea_orm::Value::from(*p)).collect();
    let sql = format!(
        "SELECT person_id, month, amount_fen, paid_on FROM party_dues_payments WHERE person_id IN ({}) ORDER BY month DESC",
        db::placeholders(1, people.len())
    );
    Ok(db::all(conn, &sql, values).await?)
}

/// Record a month's payment; a month already paid is refused.
#[allow(clippy::too_many_arguments)]
pub async fn insert_payment(
    conn: &impl ConnectionTrait,
    person: PersonId,
    org: i64,
    month: &str,
    amount_fen: i64,
    paid_on: NaiveDate,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    db::insert_id(
        conn,
        "INSERT INTO party_dues_payments (person_id, org_id, month, amount_fen, paid_on, recorded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        params![person, org, month, amount_fen, paid_on, by, now],
    )
    .await
    .on_constraint("ux_party_dues_payments_month", || {
        AppError::conflict("already_paid", format!("{month}的党费已经登记过了"), "That month is already recorded")
    })
}
