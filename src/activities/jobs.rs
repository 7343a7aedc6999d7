//! The rolling horizon: every open recurring series (the Friday 全员保洁日, the monthly 主题党日) is kept
//! laid out [`model::HORIZON_DAYS`] ahead. Each run extends the series whose mark is more than a week
//! behind, from their rule's start, strictly after what is already laid out (so nothing is repeated, and
//! skipped or moved dates stay as they are). Safe with several instances: a series' mark moves
//! compare-and-set in the same transaction as its new dates. A date whose room is taken is left out and
//! the project's staff are told.

use chrono::{DateTime, Duration, Utc};
use sea_orm::TransactionTrait;

use super::{model, store};
use crate::{app::AppState, error::AppError};

/// Extend every due series; returns how many dates were laid out.
pub async fn extend_series(state: &AppState, now: DateTime<Utc>) -> Result<usize, AppError> {
    let mark = now + Duration::days(model::HORIZON_DAYS - 7);
    let mut laid = 0;
    for s in store::series::due(&state.db.read, mark).await? {
        let to = model::horizon(now, s.series_until);
        if to <= s.laid_until {
            continue;
        }
        let dates = match model::further_occurrences(s.series_start, &s.rrule, s.laid_until, to) {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(activity = s.id, code = e.code, "a series rule no longer reads");
                continue;
            }
        };
        let tx = state.db.write.begin().await?;
        if !store::series::advance(&tx, s.id, s.laid_until, to).await? {
            tx.rollback().await?;
            continue;
        }
        let slot = store::Slot {
            activity: s.id,
            room: s.room_id,
            title: &s.title,
            organiser: &s.organiser,
            booked_by: s.created_by,
            minutes: s.duration_minutes as i64,
        };
        let mut left_out = Vec::new();
        for d in &dates {
            // Each date in its own savepoint: a taken room leaves that date out, not the series.
            let sp = tx.begin().await?;
            match store::lay_out(&sp, &slot, *d, now).await {
                Ok(()) => {
                    sp.commit().await?;
                    laid += 1;
                }
                Err(e) if e.code == "slot_taken" => {
                    sp.rollback().await?;
                    left_out.push(crate::clock::fmt_datetime(*d));
                }
                Err(e) => return Err(e),
            }
        }
        if !left_out.is_empty() {
            let users = crate::notify::project_staff_users(&tx, s.project_id, None).await?;
            crate::notify::to_users(
                &tx,
                &users,
                &crate::notify::Note {
                    kind: "series_room_taken",
                    msg: crate::notify::Msg::new("note.act.room_taken")
                        .text("title", &s.title)
                        .text("dates", left_out.join("、")),
                    link: None,
                },
                now,
            )
            .await?;
        }
        tx.commit().await?;
    }
    Ok(laid)
}

/// Run every hour until the process stops (the first run at start-up).
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match extend_series(&state, state.clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(dates = n, "recurring activities laid out further"),
                Err(e) => tracing::warn!(code = e.code, "series job failed"),
            }
        }
    })
}
