//! One integration-test binary. Each test gets a fresh database — a temp SQLite file by default, or a
//! fresh schema on PostgreSQL when `XINGHUO_TEST_PG` holds a URL — loaded with the demo data, and
//! clients for each persona. Requests go through the real router in-process (no socket).

mod support;

mod accounts;
mod activities;
mod bodies;
mod care;
mod constraints;
mod experience;
mod grid;
mod grid_areas;
mod honours;
mod import_export;
mod joint;
mod lending;
mod open311;
mod outbound;
mod pairing;
mod party;
mod party_work;
mod people_and_org;
mod permissions;
mod platform;
mod positions;
mod referrals;
mod refs;
mod requests;
mod requests_more;
mod services;
mod supervision;
mod trust;
mod volunteers;
mod wishes;
mod write_unit;
