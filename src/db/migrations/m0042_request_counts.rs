//! The 三率 counters (issue 15): per project, category, China-calendar day of creation and shard,
//! how many requests there are (voided ones not counted), how many were responded to in time, closed,
//! rated and rated satisfied. Kept by triggers on `requests`, in the transaction of every insert,
//! update and delete that changes a request's contribution — so no write path can forget them — and
//! filled from the rows that are already there. The month's figures then read a few hundred counter
//! rows whatever the history. `shard` (the request id mod 8) spreads the concurrent creates of one
//! busy project and day over eight rows instead of one, so PostgreSQL transactions do not queue on a
//! single row's lock. `requests::store::figures::recount` recomputes them from the rows.

use sea_orm_migration::prelude::*;

use super::{a, col};

pub struct M0042RequestCounts;

impl MigrationName for M0042RequestCounts {
    fn name(&self) -> &str {
        "m0042_request_counts"
    }
}

/// Each counter and its value for one request row (`{r}` is `NEW.`, `OLD.` or `r.`); a voided request
/// contributes nothing (the triggers' conditions and the backfill leave it out).
pub(crate) const COUNTERS: [(&str, &str); 5] = [
    ("total", "1"),
    (
        "responded_in_time",
        "CASE WHEN {r}responded_at IS NOT NULL AND {r}responded_at <= {r}respond_by THEN 1 ELSE 0 END",
    ),
    ("closed", "CASE WHEN {r}state = 'closed' THEN 1 ELSE 0 END"),
    (
        "rated",
        "CASE WHEN {r}rating_speed IS NOT NULL AND {r}rating_quality IS NOT NULL AND {r}rating_attitude IS NOT NULL THEN 1 ELSE 0 END",
    ),
    // 11 = requests::model::SATISFIED_SUM (a unit test holds the two together).
    ("satisfied", "CASE WHEN {r}rating_speed + {r}rating_quality + {r}rating_attitude >= 11 THEN 1 ELSE 0 END"),
];

/// The columns a request's contribution depends on.
const WATCHED: &str = "state, responded_at, respond_by, rating_speed, rating_quality, rating_attitude, category_id, project_id, created_at";

pub(crate) const SHARDS: i64 = 8;

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0042RequestCounts {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("request_day_counts"))
                .col(col("project_id").big_integer().not_null())
                .col(col("category_id").big_integer().not_null())
                .col(col("day").date().not_null())
                .col(col("shard").integer().not_null())
                .col(col("total").big_integer().not_null())
                .col(col("responded_in_time").big_integer().not_null())
                .col(col("closed").big_integer().not_null())
                .col(col("rated").big_integer().not_null())
                .col(col("satisfied").big_integer().not_null())
                .primary_key(Index::create().col(a("project_id")).col(a("day")).col(a("category_id")).col(a("shard")))
                .to_owned(),
        )
        .await?;
        let sqlite = m.get_database_backend() == sea_orm::DatabaseBackend::Sqlite;
        let day = |r: &str| {
            if sqlite {
                format!("date({r}created_at, '+8 hours')")
            } else {
                format!("CAST(({r}created_at AT TIME ZONE 'Asia/Shanghai') AS DATE)")
            }
        };
        let names = COUNTERS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
        let values = |r: &str| COUNTERS.iter().map(|(_, v)| v.replace("{r}", r)).collect::<Vec<_>>();
        let add = |r: &str| {
            let set = COUNTERS
                .iter()
                .map(|(n, _)| format!("{n} = request_day_counts.{n} + excluded.{n}"))
                .collect::<Vec<_>>();
            format!(
                "INSERT INTO request_day_counts (project_id, category_id, day, shard, {names}) \
                 VALUES ({r}project_id, {r}category_id, {}, {r}id % {SHARDS}, {}) \
                 ON CONFLICT (project_id, day, category_id, shard) DO UPDATE SET {}",
                day(r),
                values(r).join(", "),
                set.join(", ")
            )
        };
        let sub = |r: &str| {
            let set =
                COUNTERS.iter().zip(values(r)).map(|((n, _), v)| format!("{n} = {n} - ({v})")).collect::<Vec<_>>();
            format!(
                "UPDATE request_day_counts SET {} WHERE project_id = {r}project_id AND category_id = {r}category_id \
                 AND day = {} AND shard = {r}id % {SHARDS}",
                set.join(", "),
                day(r)
            )
        };
        let db = m.get_connection();
        let sums = COUNTERS
            .iter()
            .map(|(n, v)| format!("SUM({}) AS {n}", v.replace("{r}", "r.")))
            .collect::<Vec<_>>()
            .join(", ");
        db.execute_unprepared(&format!(
            "INSERT INTO request_day_counts (project_id, category_id, day, shard, {names}) \
             SELECT r.project_id, r.category_id, {d}, r.id % {SHARDS}, {sums} FROM requests r WHERE r.state <> 'voided' \
             GROUP BY r.project_id, r.category_id, {d}, r.id % {SHARDS}",
            d = day("r.")
        ))
        .await?;
        let sql: Vec<String> = if sqlite {
            vec![
                format!(
                    "CREATE TRIGGER requests_counts_i AFTER INSERT ON requests FOR EACH ROW WHEN NEW.state <> 'voided' \
                     BEGIN {}; END",
                    add("NEW.")
                ),
                format!(
                    "CREATE TRIGGER requests_counts_u_old AFTER UPDATE OF {WATCHED} ON requests FOR EACH ROW \
                     WHEN OLD.state <> 'voided' BEGIN {}; END",
                    sub("OLD.")
                ),
                format!(
                    "CREATE TRIGGER requests_counts_u_new AFTER UPDATE OF {WATCHED} ON requests FOR EACH ROW \
                     WHEN NEW.state <> 'voided' BEGIN {}; END",
                    add("NEW.")
                ),
                format!(
                    "CREATE TRIGGER requests_counts_d AFTER DELETE ON requests FOR EACH ROW WHEN OLD.state <> 'voided' \
                     BEGIN {}; END",
                    sub("OLD.")
                ),
            ]
        } else {
            vec![
                format!(
                    "CREATE FUNCTION xh_request_counts() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                       IF TG_OP <> 'INSERT' AND OLD.state <> 'voided' THEN {}; END IF; \
                       IF TG_OP <> 'DELETE' AND NEW.state <> 'voided' THEN {}; END IF; \
                       RETURN NULL; END $$",
                    sub("OLD."),
                    add("NEW.")
                ),
                format!(
                    "CREATE TRIGGER requests_counts AFTER INSERT OR DELETE OR UPDATE OF {WATCHED} ON requests \
                     FOR EACH ROW EXECUTE FUNCTION xh_request_counts()"
                ),
            ]
        };
        for s in sql {
            db.execute_unprepared(&s).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_satisfied_counter_uses_the_models_threshold() {
        let satisfied = super::COUNTERS.iter().find(|(n, _)| *n == "satisfied").unwrap().1;
        assert!(satisfied.ends_with(&format!(">= {} THEN 1 ELSE 0 END", crate::requests::model::SATISFIED_SUM)));
    }
}
