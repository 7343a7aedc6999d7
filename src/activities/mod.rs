//! C3 Activities (活动).
pub mod model;
