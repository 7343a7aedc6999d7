//! Attendance and points (C3 check-in/out, C4 hours and points): a resident checks in and out by scanning
//! the activity's rotating code (it changes every 5 minutes), or staff check them in and out by hand; the
//! check-out credits service time, capped by the activity's own time, and points by the project's rule
//! for the activity type — one append-only ledger entry per attendance, never two.
//!
//! Rooms: `store.rs` (SQL), `actions.rs` (use cases), `pages.rs`, `api.rs`. The ledger itself is the
//! shared `crate::points`.

pub mod actions;
pub mod api;
pub mod pages;
pub mod store;

pub use actions::{Attended, attendance_code, person_code};
pub use api::{attend_api, mine_api, rankings_api};
pub use pages::{attend_page, attend_post, code_page, export, mine, my_code, rankings, set_organiser, set_rule};
