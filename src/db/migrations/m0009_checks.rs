//! Row-level rules the database keeps (issue 10), so a bug in one write path cannot store an
//! impossible row: stock and quantities never negative, an end after its start, ratings 1–5, a room's
//! shortest booking no longer than its longest. Each is named, and `db::constraint` maps the name to
//! its coded error.

use sea_orm_migration::prelude::*;

use super::check;

pub struct M0009Checks;

impl MigrationName for M0009Checks {
    fn name(&self) -> &str {
        "m0009_checks"
    }
}

/// (table, name, rule with `{c}` before each column).
pub const CHECKS: &[(&str, &str, &str)] = &[
    ("reward_items", "ck_reward_items_stock", "{c}stock >= 0"),
    ("reward_items", "ck_reward_items_points", "{c}points > 0"),
    ("redemptions", "ck_redemptions_quantity", "{c}quantity > 0 AND {c}points >= 0"),
    ("bookings", "ck_bookings_time", "{c}ends_at > {c}starts_at"),
    ("activity_occurrences", "ck_occurrences_time", "{c}ends_at > {c}starts_at"),
    ("rooms", "ck_rooms_minutes", "{c}capacity > 0 AND {c}min_minutes > 0 AND {c}min_minutes <= {c}max_minutes"),
    (
        "requests",
        "ck_requests_ratings",
        "({c}rating_speed IS NULL OR {c}rating_speed BETWEEN 1 AND 5) \
         AND ({c}rating_quality IS NULL OR {c}rating_quality BETWEEN 1 AND 5) \
         AND ({c}rating_attitude IS NULL OR {c}rating_attitude BETWEEN 1 AND 5)",
    ),
    ("signups", "ck_signups_minutes", "{c}service_minutes IS NULL OR {c}service_minutes >= 0"),
];

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0009Checks {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, name, rule) in CHECKS {
            check(m, table, name, rule).await?;
        }
        Ok(())
    }
}
