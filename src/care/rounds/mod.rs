//! Festival rounds (节日慰问): a round carries something (端午 粽子) to every resident of a project with a
//! care tag of one kind; its list is generated from the tags, volunteers take parts of it and mark each
//! delivery with a photo, and the coverage shows live. Linked to an activity date, the volunteers' hours
//! are credited by that date's check-in and check-out. Rules in `model.rs`, SQL in `store.rs`, use cases
//! in `actions.rs`, pages in `pages.rs`, JSON in `api.rs`, the volunteer's home card in `home.rs`.

pub mod actions;
pub mod api;
pub mod home;
pub mod model;
pub mod pages;
pub mod store;
