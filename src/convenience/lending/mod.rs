//! 便民物资共享: a lending library per Party-mass service centre (ladders, wheelchairs, toolkits,
//! umbrellas, strollers). Rules in `model.rs`, SQL in `store.rs`, use cases in `actions.rs`, pages in
//! `pages.rs`, JSON in `api.rs`.

pub mod actions;
pub mod api;
pub mod home;
pub mod model;
pub mod pages;
pub mod store;
