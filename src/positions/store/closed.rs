//! A centre's closed dates (a holiday, a repair): written by staff, read by the booking rules and 五常.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use crate::{
    db::{self, constraint::OnConstraint},
    error::AppError,
    params,
};

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct ClosedDay {
    pub day: NaiveDate,
    pub reason: Option<String>,
}

/// Closed dates from `from` on, soonest first.
pub async fn closed_from(
    conn: &impl ConnectionTrait,
    centre: i64,
    from: NaiveDate,
) -> Result<Vec<ClosedDay>, AppError> {
    Ok(db::all(
        conn,
        "SELECT day, reason FROM centre_closed_days WHERE centre_id = $1 AND day >= $2 ORDER BY day LIMIT 400",
        params![centre, from],
    )
    .await?)
}

pub async fn add_closed(
    conn: &impl ConnectionTrait,
    centre: i64,
    day: NaiveDate,
    reason: Option<&str>,
) -> Result<(), AppError> {
    db::exec(
        conn,
        "INSERT INTO centre_closed_days (centre_id, day, reason) VALUES ($1, $2, $3)",
        params![centre, day, reason],
    )
    .await
    .on_constraint("ux_centre_closed_day", || {
        AppError::conflict("already_closed", format!("{day}已设为闭馆日"), "Already a closed date")
    })?;
    Ok(())
}

/// Open a closed date again; `false` when it was not closed.
pub async fn remove_closed(conn: &impl ConnectionTrait, centre: i64, day: NaiveDate) -> Result<bool, AppError> {
    Ok(db::exec(conn, "DELETE FROM centre_closed_days WHERE centre_id = $1 AND day = $2", params![centre, day])
        .await?
        .rows_affected()
        > 0)
}
