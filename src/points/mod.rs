//! The points ledger (C4): append-only. The balance is the sum of a person's entries in a project; every
//! entry names its reason and author, and — where it comes from something that must count once — a
//! `source` under a unique key:
//!
//! - `signup:<id>` — hours and points of an attendance, at check-out;
//! - `signup:<id>:organiser` — the organiser bonus of that attendance;
//! - `signup:<id>:correction:<cid>` — an approved hour correction of it;
//! - `redemption:<id>` and `redemption:<id>:refund` — 爱心超市 spending and its refund.
//!
//! Spending takes the person's account row first (`lock_account`), so two redemptions at once are
//! serialised on it and the second sees the first's entry when it sums the balance.
//!
//! Shared by the capabilities that credit or spend points (activities' check-out, volunteers' hour
//! corrections and 爱心超市; 微心愿, campaigns and honours later); it imports none of them.

pub mod model;
pub mod store;
