//! 快递配送: a resident (or staff for them) asks for their parcels to be brought to the door; staff take
//! a request, deliver it and mark it with a photo; the elderly living alone and the disabled (by their
//! care tags) come first in the staff's queue. Rules in `model.rs`, SQL in `store.rs`, use cases in
//! `actions.rs`, pages in `pages.rs`, JSON in `api.rs`.

pub mod actions;
pub mod api;
pub mod model;
pub mod pages;
pub mod store;
