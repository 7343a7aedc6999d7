//! 组织生活 (C5, second part): 三会一课, 主题党日, 组织生活会 and 民主评议 recorded with attendance, the quorum
//! computed from it, and the compliance board against the rules (rows, after the 支部工作条例).

pub mod actions;
pub mod model;
pub mod pages;
pub mod photos;
pub mod store;
