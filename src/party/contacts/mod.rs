//! 党员联系户 (members keeping in touch with households, and their visit log) and 党员先锋岗/示范岗
//! (posts members hold on a project), in the capability template: rules in `model.rs`, SQL in
//! `store.rs`, use cases in `actions.rs`, thin pages and API in `pages.rs`.

pub mod actions;
pub mod model;
pub mod pages;
pub mod store;
