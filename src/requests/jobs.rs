//! Background work for requests: overdue requests climb the escalation ladder one level per period
//! (handler → project manager → branch company), with an event on their timeline and an in-app
//! notification to the people at the level it reached.
//!
//! Safe with several app instances running the same job: each raise is a compare-and-set
//! (`UPDATE … WHERE level = old AND last_escalated_at is old enough`), so two instances that pick the same
//! request raise it once. Restart-safe: all state is in the row. Time comes from the injected clock.

use chrono::{DateTime, Duration, Utc};
use sea_orm::TransactionTrait;

use super::{
    model::{self, Level},
    store,
};
use crate::{app::AppState, error::AppError};

/// Raise every overdue request whose period has passed by one level (500 per run, oldest first). Returns
/// how many were raised. `r.id + 0` keeps PostgreSQL from walking the whole primary key for the order: the
/// candidates come from `ix_requests_escalation` (open states × lower levels) and only they are sorted.
pub async fn escalate_overdue(state: &AppState, now: DateTime<Utc>) -> Result<usize, AppError> {
    let period = Duration::hours(state.config.escalation_hours);
    let cutoff = now - period;
    let due = store::jobs::overdue(&state.db.read, now, cutoff).await?;
    let mut raised = 0;
    for d in due {
        let Some(current) = Level::parse(&d.level) else { continue };
        let Some(next) = model::escalate(current, d.last_escalated_at, period, now) else { continue };
        let tx = state.db.write.begin().await?;
        if !store::jobs::raise_level(&tx, d.id, current.as_str(), next.as_str(), now, cutoff).await? {
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
        // Tell the level it reached, in the same transaction.
        let to = match next {
            Level::ProjectManager => crate::notify::project_staff_users(&tx, d.project_id, Some("项目经理")).await?,
            Level::Branch => crate::notify::branch_users(&tx, d.project_id).await?,
            Level::Handler => vec![],
        };
        crate::notify::to_users(
            &tx,
            &to,
            &crate::notify::Note {
                kind: "escalation",
                title: format!("诉求#{}（{}）超时未办，已升级至{}", d.id, d.category_name, next.zh()),
                link: Some(format!("/requests/{}", d.id)),
            },
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
