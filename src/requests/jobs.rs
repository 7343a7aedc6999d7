//! Background work for requests: suspended requests resume by themselves when their time comes (the
//! deadline moved by the pause), and overdue requests climb the escalation ladder one level per period
//! (handler → project manager → branch company), each with an event on the timeline and an in-app
//! notification.
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

/// Raise every overdue request one rung up its project's ladder when the rung's hours have passed (500 per
/// run, oldest first). Returns how many were raised. The ladder is the project's own
/// (`settings::ladder`) or the default (`model::default_ladder` with `escalation_hours`). `r.id + 0`
/// keeps PostgreSQL from walking the whole primary key for the order: the candidates come from
/// `ix_requests_escalation` (open states × lower levels) and only they are sorted.
pub async fn escalate_overdue(state: &AppState, now: DateTime<Utc>) -> Result<usize, AppError> {
    let default = model::default_ladder(state.config.escalation_hours);
    let own: std::collections::HashMap<_, _> = store::settings::ladders(&state.db.read).await?.into_iter().collect();
    // A request raised once waits at least the shortest upper rung of any ladder before it is a candidate.
    let shortest = own
        .values()
        .chain(std::iter::once(&default))
        .flat_map(|l| l.iter().skip(1).map(|r| r.after_hours))
        .min()
        .unwrap_or(0);
    let due = store::jobs::overdue(&state.db.read, now, now - Duration::hours(shortest)).await?;
    let mut raised = 0;
    for d in due {
        let Some(current) = Level::parse(&d.level) else { continue };
        let ladder = own.get(&d.project_id).unwrap_or(&default);
        let since = d
            .last_escalated_at
            .unwrap_or_else(|| model::missed_at(d.respond_by, d.complete_by, d.responded_at.is_some()));
        let Some(rung) = model::next_rung(ladder, current, since, now) else { continue };
        let next = rung.level;
        let tx = state.db.write.begin().await?;
        if !store::jobs::raise_level(&tx, d.id, current.as_str(), next.as_str(), now, d.last_escalated_at).await? {
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
        // Tell the rung it reached, in the same transaction.
        let to = match next {
            Level::ProjectManager => {
                crate::notify::project_staff_users(&tx, d.project_id, rung.notify_post.as_deref()).await?
            }
            Level::Branch => crate::notify::branch_users(&tx, d.project_id).await?,
            Level::Handler => vec![],
        };
        crate::notify::to_users(
            &tx,
            &to,
            &crate::notify::Note {
                kind: "escalation",
                msg: crate::notify::Msg::new("note.req.escalated")
                    .text("id", d.id)
                    .text("category", &d.category_name)
                    .coded("level", next),
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

/// Resume every suspended request whose resume time has passed (500 per run): back in progress with its
/// completion deadline moved by the time it waited, a 「系统」 event on its timeline, and its handler told.
/// Each is a compare-and-set on the state, so several instances resume a request once, and a request
/// resumed by hand a moment earlier is left alone.
pub async fn resume_due(state: &AppState, now: DateTime<Utc>) -> Result<usize, AppError> {
    let mut resumed = 0;
    for d in store::jobs::due_to_resume(&state.db.read, now).await? {
        if !model::resume_due(model::State::Suspended, d.resume_at, now) {
            continue;
        }
        let outcome = model::transition(model::State::Suspended, &model::Action::Resume, model::Actor::System, now)
            .map_err(|e| AppError::internal(e.zh))?;
        let complete_by = model::resumed_deadline(d.complete_by, d.suspended_at, now);
        let tx = state.db.write.begin().await?;
        if !store::jobs::resume(&tx, d.id, complete_by, now).await? {
            tx.rollback().await?;
            continue;
        }
        store::event(
            &tx,
            d.id,
            None,
            "系统",
            "resume",
            Some(model::State::Suspended),
            outcome.state,
            Some(format!("到达恢复时间，自动恢复处理；办结时限顺延至{}", crate::clock::fmt_datetime(complete_by))),
            now,
        )
        .await?;
        if let Some(a) = d.assignee_person_id {
            let users = crate::notify::users_of_person(&tx, a).await?;
            crate::notify::to_users(
                &tx,
                &users,
                &crate::notify::Note {
                    kind: "resume",
                    msg: crate::notify::Msg::new("note.req.resume_due")
                        .text("id", d.id)
                        .text("category", &d.category_name),
                    link: Some(format!("/requests/{}", d.id)),
                },
                now,
            )
            .await?;
        }
        tx.commit().await?;
        resumed += 1;
    }
    Ok(resumed)
}

/// Run the jobs every minute until the process stops.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        let http = super::outbound::client();
        loop {
            tick.tick().await;
            match super::outbound::push_due(&state, &http, state.clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(filed = n, "referrals pushed to the city"),
                Err(e) => tracing::warn!(code = e.code, "push job failed"),
            }
            match super::outbound::poll_due(&state, &http, state.clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(answered = n, "referrals answered by the city"),
                Err(e) => tracing::warn!(code = e.code, "poll job failed"),
            }
            match resume_due(&state, state.clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(resumed = n, "suspended requests resumed"),
                Err(e) => tracing::warn!(code = e.code, "resume job failed"),
            }
            match escalate_overdue(&state, state.clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(raised = n, "overdue requests escalated"),
                Err(e) => tracing::warn!(code = e.code, "escalation job failed"),
            }
        }
    })
}
