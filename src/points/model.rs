//! The ledger's plain types and defaults.

/// One ledger line: `delta` points (negative to spend) and `minutes` of service (negative in a
/// correction that lowers them), with the reason shown to the person and, where it must count once,
/// its `source` key.
pub struct Entry {
    pub person_id: i64,
    pub project_id: i64,
    pub delta: i64,
    pub minutes: i64,
    pub reason: String,
    pub source: Option<String>,
    pub author: Option<i64>,
}

/// Points per hour of service when the project has no rule for the activity type.
pub const DEFAULT_POINTS_PER_HOUR: i64 = 10;

/// The organiser's bonus per attendance when the project has no rule.
pub const DEFAULT_ORGANISER_BONUS: i64 = 0;
