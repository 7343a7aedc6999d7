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

/// The month's counts per category from the day counters (`m0042_request_counts`, kept by triggers in
/// the transaction of every write): a few hundred rows whatever the history. The 三率 are then computed
/// by `model::three_rates_from`, the same function the row-by-row ledger uses. `start` and `end` are
/// China-calendar midnights (`clock::month_bounds`), so whole days of counters make up the month.
pub async fn month_counts(
    conn: &impl ConnectionTrait,
    project: ProjectId,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<(String, model::MonthCounts)>, AppError> {
    let (from, to) = (crate::clock::to_local(start).date(), crate::clock::to_local(end).date());
    let rows: Vec<CountRow> = db::all(
        conn,
        "SELECT c.name AS category, CAST(SUM(k.total) AS BIGINT) AS total, \
         CAST(SUM(k.responded_in_time) AS BIGINT) AS responded_in_time, CAST(SUM(k.closed) AS BIGINT) AS closed, \
         CAST(SUM(k.rated) AS BIGINT) AS rated, CAST(SUM(k.satisfied) AS BIGINT) AS satisfied \
         FROM request_day_counts k JOIN request_categories c ON c.id = k.category_id \
         WHERE k.project_id = $1 AND k.day >= $2 AND k.day < $3 \
         GROUP BY c.name HAVING SUM(k.total) > 0 ORDER BY c.name",
        params![project, from, to],
    )
    .await?;
    Ok(counts_of(rows))
}

/// The five counts aggregated over request rows `r` (`$1` = `model::SATISFIED_SUM`), as the
/// triggers of `m0042_request_counts` count them one row at a time.
const ROW_SUMS: &str = "COUNT(*) AS total, \
    SUM(CASE WHEN r.responded_at IS NOT NULL AND r.responded_at <= r.respond_by THEN 1 ELSE 0 END) AS responded_in_time, \
    SUM(CASE WHEN r.state = 'closed' THEN 1 ELSE 0 END) AS closed, \
    SUM(CASE WHEN r.rating_speed IS NOT NULL AND r.rating_quality IS NOT NULL AND r.rating_attitude IS NOT NULL THEN 1 ELSE 0 END) AS rated, \
    SUM(CASE WHEN r.rating_speed + r.rating_quality + r.rating_attitude >= $1 THEN 1 ELSE 0 END) AS satisfied";

/// The same counts aggregated from the request rows themselves — what the counters must agree with.
pub async fn month_counts_from_rows(
    conn: &impl ConnectionTrait,
    project: ProjectId,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<(String, model::MonthCounts)>, AppError> {
    let rows: Vec<CountRow> = db::all(
        conn,
        &format!(
            "SELECT c.name AS category, {} FROM requests r JOIN request_categories c ON c.id = r.category_id \
             WHERE r.project_id = $2 AND r.created_at >= $3 AND r.created_at < $4 AND r.state <> 'voided' \
             GROUP BY c.name ORDER BY c.name",
            ROW_SUMS
        ),
        params![model::SATISFIED_SUM as i32, project, start, end],
    )
    .await?;
    Ok(counts_of(rows))
}

#[derive(Debug, FromQueryResult)]
struct DiffRow {
    n: i64,
}

/// Counter rows that disagree with a recount from the request rows, over all history (0 when the
/// counters are true). `xinghuo check-figures` runs it; the tests run it after every kind of write.
pub async fn recount_mismatches(conn: &impl ConnectionTrait, sqlite: bool) -> Result<i64, AppError> {
    let day = if sqlite {
        "date(r.created_at, '+8 hours')"
    } else {
        "CAST((r.created_at AT TIME ZONE 'Asia/Shanghai') AS DATE)"
    };
    let sql = format!(
        "WITH fresh AS (SELECT r.project_id, r.category_id, {day} AS day, \
           {ROW_SUMS} FROM requests r WHERE r.state <> 'voided' GROUP BY r.project_id, r.category_id, {day}), \
         kept AS (SELECT project_id, category_id, day, SUM(total) AS total, SUM(responded_in_time) AS responded_in_time, \
           SUM(closed) AS closed, SUM(rated) AS rated, SUM(satisfied) AS satisfied \
           FROM request_day_counts GROUP BY project_id, category_id, day HAVING SUM(total) <> 0 OR SUM(closed) <> 0 \
           OR SUM(rated) <> 0 OR SUM(satisfied) <> 0 OR SUM(responded_in_time) <> 0) \
         SELECT (SELECT COUNT(*) FROM (SELECT * FROM fresh EXCEPT SELECT * FROM kept) d1) \
           + (SELECT COUNT(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM fresh) d2) AS n"
    );
    let row: Option<DiffRow> = db::one(conn, &sql, params![model::SATISFIED_SUM as i32]).await?;
    Ok(row.map_or(0, |r| r.n))
}

fn counts_of(rows: Vec<CountRow>) -> Vec<(String, model::MonthCounts)> {
    let n = |v: i64| v.max(0) as usize;
    rows.into_iter()
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
        .collect()
}
