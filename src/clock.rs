//! Injected time. Production uses the system clock; tests use `TestClock` and move it by hand, so
//! lock-outs, session expiry and (later) SLA escalation are tested without sleeping. Store UTC; show
//! Asia/Shanghai.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
    /// Today's date in China.
    fn today(&self) -> NaiveDate {
        self.now().with_timezone(&Shanghai).date_naive()
    }
}

pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the one place the system time is read
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told to move.
#[derive(Clone)]
pub struct TestClock(Arc<Mutex<DateTime<Utc>>>);

impl TestClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Arc::new(Mutex::new(at)))
    }
    pub fn advance(&self, d: chrono::Duration) {
        let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *t += d;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// `2026-11-28 14:30` in Asia/Shanghai.
pub fn fmt_datetime(t: DateTime<Utc>) -> String {
    t.with_timezone(&Shanghai).format("%Y-%m-%d %H:%M").to_string()
}

/// `2026年11月28日`.
pub fn fmt_date_long(d: NaiveDate) -> String {
    d.format("%Y年%m月%d日").to_string()
}

// ---- China time: the one place wall-clock conversions live ----

/// China-time wall clock → UTC (China has no daylight saving, so this is never ambiguous).
pub fn to_utc(t: NaiveDateTime) -> DateTime<Utc> {
    Shanghai
        .from_local_datetime(&t)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&t))
}

/// UTC → China-time wall clock.
pub fn to_local(t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&Shanghai).naive_local()
}

/// [start, end) of a month in China, as UTC.
pub fn month_bounds(month: &str) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let first = NaiveDate::parse_from_str(&format!("{}-01", month.trim()), "%Y-%m-%d").ok()?;
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)?
    };
    let at =
        |d: NaiveDate| Shanghai.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).single().map(|t| t.with_timezone(&Utc));
    Some((at(first)?, at(next)?))
}
