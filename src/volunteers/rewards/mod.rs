//! 爱心超市 (C4): a project's catalogue of items with points and stock; a resident redeems points for an
//! item and gets a unique pickup code; staff mark it collected at the counter, or it is cancelled (points
//! and stock come back).
//!
//! No double spend, no negative stock: a redemption's transaction first takes the person's account row
//! (`points::store::lock_account`), then sums the balance — a second redemption by the same person waits and
//! then sees the first one's entry — and takes the stock with `UPDATE … SET stock = stock - q WHERE
//! stock >= q`, which can never go below zero. Tests fire concurrent redemptions at both backends.
//!
//! The use case's rooms: `store.rs` (SQL), `actions.rs` (the use cases), `pages.rs` (the handlers).

mod actions;
mod pages;
pub mod store;

pub use actions::{Catalogue, Shelf, cancel_checked, catalogue, collect_checked, redeem_checked};
pub(super) use pages::{cancel, collect, create_item, page, redeem, update_item};
pub use store::{Item, Redemption};
