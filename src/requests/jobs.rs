//! Background work for requests: overdue requests climb the escalation ladder one level per period
//! (handler → project manager → branch company), with an event on their timeline.
//!
//! Safe with several app instances running the same job: each raise is a compare-and-set
//! (`UPDATE … WHERE level = old AND last_escalated_at is old enough`), so two instances that pick the same
//! request raise it once. Restart-safe: all state is in the row. Time comes from the injected clock.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{FromQueryResult, TransactionTrait};

use super::{
    model::{self, Level},
    store,
};
use crate::{app::AppState, db, error::AppError, params};

#[derive(FromQueryResult)]
struct Due {
    id: i64,
    state: String,
    level: String,
    last_escalated_at: Option<DateTime<Utc>>,
}

/// Raise every overdue request whose period has passed by one level. Returns how many were raised.
pub async fn escalate_overdue(state: &AppState, now: DateTime<Utc>) -> Result<usize, AppError> {
    let period = Duration::hours(state.config.escalation_hours);
    let cutoff = now - period;
    let due: Vec<Due> = db::all(
        &state.db.read,
        "SELECT id, state, level, last_escalated_at FROM requests \
         WHERE state IN ('pending','dispatched','in_progress') AND level <> 'branch' \
           AND ((responded_at IS NULL AND respond_by < $1) OR complete_by < $1) \
           AND (last_escalated_at IS NULL OR last_escalated_at <= $2) \
         ORDER BY id LIMIT 500",
        params![now, cutoff],
    )
    .await?;
    let mut raised = 0;
    for d in due {
        let Some(current) = Level::parse(&d.level) else { continue };
        let Some(next) = model::escalate(current, d.last_escalated_at, period, now) else { continue };
        let tx = state.db.write.begin().await?;
        let n = db::exec(
            &tx,
            "UPDATE requests SET level = $1, last_escalated_at = $2, updated_at = $2 \
             WHERE id = $3 AND level = $4 AND (last_escalated_at IS NULL OR last_escalated_at <= $5)",
            params![next.as_str(), now, d.id, current.as_str(), cutoff],
        )
        .await?
        .rows_affected();
        if n == 0 {
            // Another instance raised it first.
            tx.rollback().await?;
            continue;
        }
        let st = model::State::parse(&d.state).unwrap_or(model::State::Pending);
        store::event(
            &tx,
            d.id,
            None,
            "系统",
            "escalate",
            Some(st),
            st,
            Some(format!("超时未办，升级至{}", next.zh())),
            now,
        )
        .await?;
        tx.commit().await?;
        raised += 1;
    }
    Ok(raised)
}

/// Run the job every minute until the process stops.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            match escalate_overdue(&state, state.clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(raised = n, "overdue requests escalated"),
                Err(e) => tracing::warn!(code = e.code, "escalation job failed"),
            }
        }
    })
}
