//! 党费 (C5): the monthly due from the published brackets (rows), each member's basis (sensitive: the member
//! and their branch's 组织委员 only), payments recorded by the branch, arrears; and 我的党组织, a member's
//! own page.

pub mod actions;
pub mod model;
pub mod pages;
pub mod store;
