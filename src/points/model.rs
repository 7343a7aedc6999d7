//! The ledger's plain types and defaults.

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::FromQueryResult;
use serde::Serialize;

use crate::error::AppError;

/// One ledger line: `delta` points (negative to spend) and `minutes` of service (negative in a
/// correction that lowers them), with the reason shown to the person and, where it must count once,
/// its `source` key.
pub struct Entry {
    pub person_id: PersonId,
    pub project_id: ProjectId,
    pub delta: i64,
    pub minutes: i64,
    pub reason: String,
    pub source: Option<String>,
    pub author: Option<UserId>,
}

/// Points per hour of service when the project has no rule for the activity type.
pub const DEFAULT_POINTS_PER_HOUR: i64 = 10;

/// The organiser's bonus per attendance when the project has no rule.
pub const DEFAULT_ORGANISER_BONUS: i64 = 0;

#[derive(Debug, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct LedgerEntry {
    pub id: i64,
    pub delta: i32,
    pub minutes: i32,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// A person's balance, service minutes and latest entries (「我的积分」).
#[derive(Serialize, utoipa::ToSchema, Default)]
pub struct Statement {
    pub balance: i64,
    pub minutes: i64,
    pub entries: Vec<LedgerEntry>,
}

#[derive(Debug, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct RankRow {
    pub person_id: PersonId,
    pub name: String,
    pub points: i64,
    pub minutes: i64,
}

/// Minutes as hours with one decimal (rounded down), e.g. 90 → 「1.5」.
pub fn hours(minutes: i64) -> String {
    format!("{}.{}", minutes / 60, (minutes % 60) * 10 / 60)
}

/// A line of a ranking as shown: place (from 1), name, points, hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankLine {
    pub place: usize,
    pub name: String,
    pub points: i64,
    pub hours: String,
}

/// Ranking rows (best first) as page lines.
pub fn rank_lines(rows: Vec<RankRow>) -> Vec<RankLine> {
    rows.into_iter()
        .enumerate()
        .map(|(i, r)| RankLine { place: i + 1, name: r.name, points: r.points, hours: hours(r.minutes) })
        .collect()
}

/// A ranking period: `YYYY-MM` (a month), `YYYY` (a year) or empty for the month of `now`; returns the
/// period as written and its bounds in UTC (China months).
pub fn period_bounds(period: &str, now: DateTime<Utc>) -> Result<(String, DateTime<Utc>, DateTime<Utc>), AppError> {
    use crate::clock::{month_bounds, to_local};
    let period =
        if period.trim().is_empty() { to_local(now).format("%Y-%m").to_string() } else { period.trim().to_string() };
    let bad = || AppError::field("period", "期间应为 2026-11（月）或 2026（年）");
    let (start, end) = if period.len() == 4 {
        let y: i32 = period.parse().map_err(|_| bad())?;
        let a = month_bounds(&format!("{y}-01")).ok_or_else(bad)?;
        let b = month_bounds(&format!("{y}-12")).ok_or_else(bad)?;
        (a.0, b.1)
    } else {
        month_bounds(&period).ok_or_else(bad)?
    };
    Ok((period, start, end))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn periods_are_china_months_and_years() {
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 17, 0, 0).unwrap(); // 1 Dec 01:00 in China
        let (p, a, b) = period_bounds("", now).unwrap();
        assert_eq!(p, "2026-12");
        assert_eq!(a, Utc.with_ymd_and_hms(2026, 11, 30, 16, 0, 0).unwrap());
        assert_eq!(b, Utc.with_ymd_and_hms(2026, 12, 31, 16, 0, 0).unwrap());
        let (_, a, b) = period_bounds("2026", now).unwrap();
        assert_eq!(
            (a, b),
            (
                Utc.with_ymd_and_hms(2025, 12, 31, 16, 0, 0).unwrap(),
                Utc.with_ymd_and_hms(2026, 12, 31, 16, 0, 0).unwrap()
            )
        );
        assert!(period_bounds("2026-13", now).is_err());
        assert!(period_bounds("last month", now).is_err());
        assert_eq!(hours(90), "1.5");
        assert_eq!(hours(59), "0.9");
    }
}
