//! 党员积分: a branch's members assessed from the records (组织生活 attended, 微心愿 fulfilled, 联系户
//! visits, hours of service) with the rules as rows; never redeemable and apart from the residents'
//! volunteer points ledger.

pub mod actions;
pub mod model;
pub mod pages;
pub mod store;
