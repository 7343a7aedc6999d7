//! 结对 (C6): two projects paired — a company estate with a resettlement estate —, an exchange of staff
//! (a rotation shown on both projects' duty lists) and an outcomes log. Rules in `model.rs`, SQL in
//! `store.rs`, use cases in `actions.rs`, thin pages and API in `pages.rs`.

pub mod actions;
pub mod model;
pub mod pages;
pub mod store;
