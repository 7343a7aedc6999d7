//! 一支部一品牌一特色 (issue 13): each branch's brand for a year — name, motto, signature project, story,
//! photos — kept by whoever records the branch's meetings, shown on a public page and in the company's
//! list for the year's 创建 campaign. A brand holds no personal data, so its pages are public.

pub mod actions;
pub mod pages;
pub mod store;
