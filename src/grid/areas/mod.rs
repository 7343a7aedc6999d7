//! A grid's one-page profile and KPIs (网格画像): rules in `model.rs`, SQL in `store.rs`, use cases in
//! `actions.rs`, pages in `pages.rs`, JSON in `api.rs`.

pub mod actions;
pub mod api;
pub mod model;
pub mod pages;
pub mod store;
