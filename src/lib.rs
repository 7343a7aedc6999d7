//! 星火社区 Xinghuo — the platform on which a property-service company, community Party committees,
//! street offices and residents run Party-building-led property service and grassroots governance.
//!
//! A tour, in the order a request meets them:

/// The route table: every route with the access it needs (feeds the router and the permission test).
pub mod access;
/// C3 Activities: types, RRULE recurrence, sign-up with a wait list, attendance, write-ups.
pub mod activities;
/// User administration for company admins.
pub mod admin;
/// `/api/v1` OpenAPI document.
pub mod api;
/// Start-up: `AppState`, `build(state) -> Router`, `serve(listener, shutdown)`.
pub mod app;
/// C0.5 Audit log.
pub mod audit;

/// Accounts, DB sessions, API tokens, CSRF, role extractors, roles and scopes.
pub mod auth;
/// Files outside the database (photos) through `object_store`.
pub mod blob;
pub mod bodies;
/// The CLI: serve | migrate | demo | import | export | user | backup.
/// The list of capabilities and what each shows the app (routes, navigation, jobs, API, hooks).
pub mod capability;
/// C9 Care: care tags (sensitive, audited reads), visit plans and visits.
pub mod care;
pub mod cli;
/// Injected clock (system or test); UTC stored, Asia/Shanghai shown.
pub mod clock;
/// One typed config from `XINGHUO_*` variables; secrets redacted.
pub mod config;
/// C10 Convenience services: 便民物资共享 (lending library), 快递配送, 户内托管.
pub mod convenience;
/// SQLite or PostgreSQL by URL scheme; migrations; shared-dialect SQL helpers.
pub mod db;
/// C0.7 Demo data from the seed article.
pub mod demo;
/// One error type, rendered as HTML for pages and JSON for the API.
pub mod error;
/// C8 Grid work: door-to-door campaigns with an offline queue on the phone.
pub mod grid;
/// CPU-heavy request work (spreadsheets, photos) off the async workers, a few at a time.
pub mod heavy;
// The message catalog: every `src/**/messages.yml` (rust-i18n's one-file format), compiled in; read
// through `web::i18n::t`. `build.rs` rebuilds when one changes.
rust_i18n::i18n!("src", fallback = "zh-CN");

pub mod honours;
/// Typed ids (`ProjectId`, `PersonId`, …): a swapped id does not compile.
pub mod ids;
/// C0.6 Import/export of households and residents (.xlsx/.csv).
pub mod io;
pub mod joint;
/// In-app notifications (escalations, dispatches, finished requests).
pub mod notify;
/// Health, readiness, metrics.
pub mod ops;
/// C0.1 Organisation tree (both sides), households, Party organisations.
pub mod org;
/// C5 Party building: Party organisations, members, committees (issue 13, first part).
pub mod party;
/// C0.2 People, household membership, roles, search, reveal.
pub mod people;
/// The points ledger (shared: credited by activities, spent by 爱心超市).
pub mod points;
/// C2 Positions: Party-mass service centres, rooms, booking.
pub mod positions;
/// Reference data (categories, homes, a booking's rules) from memory under the stamp read with the credential.
pub mod refs;
/// C1 Resident requests: report, dispatch, handle, rate — the closed loop.
pub mod requests;
/// C7 Service-quality supervisors: appointments, inspections, rectifications they confirm, 公示.
pub mod supervision;
/// Text normalisation (full-width characters, zero-width spaces).
pub mod text;
/// Personal data sealed at rest (AES-256-GCM) with blind indexes; key rotation.
pub mod vault;
/// C4 Volunteers and points: registration, teams, hour corrections, the points ledger, 爱心超市.
pub mod volunteers;
/// Layout chrome, message catalog (zh-CN/en), static assets, security headers.
pub mod web;
pub mod wishes;
