//! The month's figures: the ledger's rows and the 三率 counts per category.

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{
    db,
    error::AppError,
    params,
    requests::{figures::MonthRow, model},
};

pub async fn month_rows(
    conn: &impl ConnectionTrait,
    project: ProjectId,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<MonthRow>, AppError> {
    Ok(db::all(
        conn,
        "SELECT r.id, c.name AS category, r.kind, r.state, \
         COALESCE(b.name || u.name || h.room || '室', r.location_text) AS location, r.created_at, r.respond_by, \
         r.responded_at, r.closed_at, r.rating_speed, r.rating_quality, r.rating_attitude, r.rating_comment \
         FROM requests r JOIN request_categories c ON c.id = r.category_id \
         LEFT JOIN households h ON h.node_id = r.household_id LEFT JOIN org_nodes hn ON hn.id = h.node_id \
         LEFT JOIN org_nodes u ON u.id = hn.parent_id LEFT JOIN org_nodes b ON b.id = u.parent_id \
         WHERE r.project_id = $1 AND r.created_at >= $2 AND r.created_at < $3 AND r.state <> 'voided' ORDER BY r.id",
        params![project, start, end],
    )
    .await?)
}

#[derive(Debug, FromQueryResult)]
struct CountRow {
    category: String,
    total: i64,
    responded_in_time: i64,
    closed: i64,
    rated: i64,
    satisfied: i64,
}

/// The month's counts per category in one aggregate query (the figures page at any size); the 三率 are
/// then computed by `model::three_rates_from`, the same function the row-by-row ledger uses.
pub async fn month_counts(
    conn: &impl ConnectionTrait,
    project: ProjectId,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<(String, model::MonthCounts)>, AppError> {
    let rows: Vec<CountRow> = db::all(
        conn,
        "SELECT c.name AS category, COUNT(*) AS total, \
         SUM(CASE WHEN r.responded_at IS NOT NULL AND r.responded_at <= r.respond_by THEN 1 ELSE 0 END) AS responded_in_time, \
         SUM(CASE WHEN r.state = 'closed' THEN 1 ELSE 0 END) AS closed, \
         SUM(CASE WHEN r.rating_speed IS NOT NULL AND r.rating_quality IS NOT NULL AND r.rating_attitude IS NOT NULL THEN 1 ELSE 0 END) AS rated, \
         SUM(CASE WHEN r.rating_speed + r.rating_quality + r.rating_attitude >= $4 THEN 1 ELSE 0 END) AS satisfied \
         FROM requests r JOIN request_categories c ON c.id = r.category_id \
         WHERE r.project_id = $1 AND r.created_at >= $2 AND r.created_at < $3 AND r.state <> 'voided' \
         GROUP BY c.name ORDER BY c.name",
        params![project, start, end, model::SATISFIED_SUM as i32],
    )
    .await?;
    let n = |v: i64| v.max(0) as usize;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.category,
                model::MonthCounts {
                    total: n(r.total),
                    responded_in_time: n(r.responded_in_time),
                    closed: n(r.closed),
                    rated: n(r.rated),
                    satisfied: n(r.satisfied),
                },
            )
        })
        .collect())
}
