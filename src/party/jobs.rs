//! The Party jobs, on the injected clock: each member's 政治生日 greeted on the day, and each branch's
//! secretary reminded in the last week of a period of what the rules still ask (a 主题党日 not yet held
//! this month …). Each reminder is claimed in `party_reminders` in the notice's own transaction, so it
//! goes out once however many instances run the job, and a restart does not repeat it.

use chrono::{DateTime, Duration, Utc};
use sea_orm::TransactionTrait;

use super::{
    meetings::{actions as meetings, model::Standing},
    model::{self, Post},
    store,
};
use crate::{app::AppState, error::AppError, notify};

/// Greet every member whose joining day is today (local date). Returns how many were greeted.
pub async fn political_birthdays(state: &AppState, now: DateTime<Utc>) -> Result<usize, AppError> {
    let today = crate::clock::to_local(now).date();
    let mut sent = 0;
    for m in store::all_current(&state.db.read).await? {
        let Some(years) = model::political_birthday(m.joined_on, today) else { continue };
        let tx = state.db.write.begin().await?;
        if !store::claim_reminder(&tx, "birthday", m.person_id.get(), &today.to_string(), now).await? {
            tx.rollback().await?;
            continue;
        }
        let users = notify::users_of_person(&tx, m.person_id).await?;
        let msg = notify::Msg::new("note.party.birthday").text("years", years).text("org", &m.org_name);
        notify::to_users(
            &tx,
            &users,
            &notify::Note { kind: "party_birthday", msg, link: Some("/party/me".into()) },
            now,
        )
        .await?;
        tx.commit().await?;
        sent += 1;
    }
    Ok(sent)
}

/// In the last 7 days of a period, remind each branch's secretary (and deputy) of every rule not yet met.
pub async fn period_reminders(state: &AppState, now: DateTime<Utc>) -> Result<usize, AppError> {
    let today = crate::clock::to_local(now).date();
    let mut sent = 0;
    let branches: Vec<_> =
        store::all_orgs(&state.db.read).await?.into_iter().filter(|o| o.kind().holds_members()).collect();
    let ids: Vec<i64> = branches.iter().map(|o| o.id).collect();
    let boards = meetings::boards(state, &ids).await?;
    for (org, (_, cells)) in branches.iter().zip(boards) {
        let due: Vec<_> =
            cells.into_iter().filter(|c| c.standing == Standing::Due && c.to - today <= Duration::days(6)).collect();
        if due.is_empty() {
            continue;
        }
        let to: Vec<i64> = store::posts(&state.db.read, org.id, today)
            .await?
            .iter()
            .filter(|p| matches!(p.post, Post::Secretary | Post::DeputySecretary))
            .map(|p| p.person_id.get())
            .collect();
        for c in due {
            let key = format!("{}:{}", c.rule.kind.as_str(), c.from);
            let tx = state.db.write.begin().await?;
            if !store::claim_reminder(&tx, "period", org.id, &key, now).await? {
                tx.rollback().await?;
                continue;
            }
            let mut users = Vec::new();
            for p in &to {
                users.extend(notify::users_of_person(&tx, crate::ids::PersonId(*p)).await?);
            }
            let msg = notify::Msg::new("note.party.due_soon")
                .text("org", &org.name)
                .coded("kind", c.rule.kind)
                .text("to", c.to);
            let link = Some(format!("/party/orgs/{}/meetings", org.id));
            notify::to_users(&tx, &users, &notify::Note { kind: "party_due", msg, link }, now).await?;
            tx.commit().await?;
            sent += 1;
        }
    }
    Ok(sent)
}

pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match political_birthdays(&state, state.clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(greeted = n, "political birthdays"),
                Err(e) => tracing::warn!(code = e.code, "birthday job failed"),
            }
            match period_reminders(&state, state.clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reminded = n, "branch meetings due"),
                Err(e) => tracing::warn!(code = e.code, "party reminder job failed"),
            }
        }
    })
}
