//! Injected time. Production uses the system clock; tests use `TestClock` and move it by hand, so
//! lock-outs, session expiry and (later) SLA escalation are tested without sleeping. Store UTC; show
//! Asia/Shanghai.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};
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
