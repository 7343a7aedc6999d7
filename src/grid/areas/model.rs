//! A grid's figures on plain types: the window they cover (the last 4, 13 or 52 weeks), visits per
//! week, the time issues take to close, and who may open a grid's profile.

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// The windows offered, in weeks (a month, a quarter, a year).
pub const WINDOWS: [u32; 3] = [4, 13, 52];

/// The window asked for, or 4 weeks when it is not one of [`WINDOWS`].
pub fn weeks(asked: Option<u32>) -> u32 {
    asked.filter(|w| WINDOWS.contains(w)).unwrap_or(WINDOWS[0])
}

/// The first day of a window of `weeks` ending today (inclusive): 4 weeks from 2026-12-01 start on
/// 2026-11-04.
pub fn since(today: NaiveDate, weeks: u32) -> NaiveDate {
    today - Duration::days(i64::from(weeks) * 7 - 1)
}

/// Visits per week over the window, one decimal: 「2.5」.
pub fn per_week(visits: i64, weeks: u32) -> String {
    let tenths = if weeks == 0 { 0 } else { (visits.max(0) * 10 + i64::from(weeks) / 2) / i64::from(weeks) };
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// The median time to close, in hours, of the issues closed (opened, done); None when none closed.
/// The median, not the mean: one issue pushed up for a month does not hide a grid that closes most
/// within a day.
pub fn median_hours(closed: &[(DateTime<Utc>, DateTime<Utc>)]) -> Option<i64> {
    let mut hours: Vec<i64> = closed.iter().map(|(a, b)| (*b - *a).num_minutes().max(0)).collect();
    if hours.is_empty() {
        return None;
    }
    hours.sort_unstable();
    let n = hours.len();
    let mid = if n % 2 == 1 { hours[n / 2] } else { (hours[n / 2 - 1] + hours[n / 2]) / 2 };
    Some((mid + 30) / 60)
}

/// May a caller whose grids are `grid_paths` open the profile of the area at `area`? Only an area
/// inside one of their grids (a grid member of 第一网格 opens its micro-grids; one of a micro-grid
/// does not open its neighbour's or the grid above).
pub fn member_of(grid_paths: &[String], area: &str) -> bool {
    grid_paths.iter().any(|g| area.starts_with(g.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_window_counts_today_and_only_offered_sizes() {
        assert_eq!(since(d("2026-12-01"), 4), d("2026-11-04"));
        assert_eq!(since(d("2026-12-01"), 52), d("2025-12-03"));
        assert_eq!(weeks(Some(13)), 13);
        assert_eq!(weeks(Some(5)), 4);
        assert_eq!(weeks(None), 4);
    }

    #[test]
    fn visits_per_week_round_to_a_tenth() {
        assert_eq!(per_week(10, 4), "2.5");
        assert_eq!(per_week(1, 13), "0.1");
        assert_eq!(per_week(0, 4), "0.0");
        assert_eq!(per_week(7, 0), "0.0");
    }

    #[test]
    fn the_median_ignores_one_long_push_up() {
        let t = |h: i64| DateTime::<Utc>::from_timestamp(h * 3600, 0).unwrap();
        let closed = [(t(0), t(2)), (t(0), t(4)), (t(0), t(24 * 30))];
        assert_eq!(median_hours(&closed), Some(4));
        assert_eq!(median_hours(&[(t(0), t(2)), (t(0), t(5))]), Some(4), "3.5 h rounds up");
        assert_eq!(median_hours(&[]), None);
    }

    #[test]
    fn a_member_opens_only_areas_inside_their_grids() {
        let mine = vec!["/1/2/3/".to_string()];
        assert!(member_of(&mine, "/1/2/3/"));
        assert!(member_of(&mine, "/1/2/3/9/"));
        assert!(!member_of(&mine, "/1/2/"), "the grid above");
        assert!(!member_of(&mine, "/1/2/4/"), "a neighbour");
        assert!(!member_of(&mine, "/1/2/33/"), "a path that only shares digits");
    }

    proptest! {
        #[test]
        fn the_median_lies_between_the_fastest_and_the_slowest(hours in proptest::collection::vec(0i64..5000, 1..40)) {
            let t = |h: i64| DateTime::<Utc>::from_timestamp(h * 3600, 0).unwrap();
            let closed: Vec<_> = hours.iter().map(|h| (t(0), t(*h))).collect();
            let m = median_hours(&closed).unwrap();
            prop_assert!(m >= *hours.iter().min().unwrap() && m <= *hours.iter().max().unwrap());
        }

        #[test]
        fn per_week_never_exceeds_the_visits(v in 0i64..100_000, w in proptest::sample::select(WINDOWS.to_vec())) {
            let s = per_week(v, w);
            let x: f64 = s.parse().unwrap();
            prop_assert!(x <= v as f64 + 0.05);
        }
    }
}
