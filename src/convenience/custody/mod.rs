//! 户内托管: a home kept while its owners are away — the agreement (dates, what to check, how often),
//! the key log, the checks with photos, a missed check alerting the manager, and the owner following
//! every check on the phone. Rules in `model.rs`, SQL in `store.rs`, use cases in `actions.rs`, pages in
//! `pages.rs`, JSON in `api.rs`.

pub mod actions;
pub mod api;
pub mod model;
pub mod pages;
pub mod store;
