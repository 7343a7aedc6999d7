//! C1 Resident requests (诉求: 报事报修 · 投诉 · 建议 · 咨询 · 表扬). This first slice holds the domain rules
//! only — the closed-loop state machine, SLA deadlines and escalation, ratings and the monthly 三率 — as
//! plain functions with unit and property tests. Schema, store, pages, API and Open311 follow (issue 3).

pub mod model;
