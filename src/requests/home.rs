//! What requests put on the home page: a resident's requests still under way (with their state), and
//! for staff the work waiting — to dispatch, assigned to me, overdue, waiting for the rating.

use crate::capability::{HomeCard, HomeLine};
use crate::ids::*;
use crate::{app::AppState, auth::Principal, error::AppError, web::i18n::Lang, web::i18n::t};

use super::{model::State, store};

pub async fn cards(state: &AppState, p: &Principal, lang: Lang) -> Result<Vec<HomeCard>, AppError> {
    let mut cards = Vec::new();
    let now = state.clock.now();
    if let Some(pid) = p.person_id.filter(|_| !p.scope.households.is_empty()) {
        let rows = store::reported_by(&state.db.read, pid, None).await?;
        let lines = rows
            .iter()
            .filter(|r| !matches!(r.state(), State::Closed | State::Voided))
            .take(5)
            .map(|r| HomeLine {
                href: format!("/requests/{}", r.id),
                text: format!("#{} {}", r.id, r.category_name),
                sub: format!(
                    "{} · {}",
                    r.description.chars().take(16).collect::<String>(),
                    crate::clock::to_local(r.created_at).format("%m-%d")
                ),
                tag: r.state().label(lang).into(),
                tone: r.state().tone(),
            })
            .collect();
        cards.push(HomeCard {
            order: 20,
            id: "my-requests",
            title: t(lang, "home.my_requests").into(),
            more: Some(("/requests".into(), t(lang, "home.see_all").into())),
            lines,
            empty: t(lang, "home.no_open_requests").into(),
            ..Default::default()
        });
    }
    let projects: Vec<ProjectId> = p.scope.write_projects.iter().copied().collect();
    if !projects.is_empty() {
        let w = store::work_counts(&state.db.read, &projects, p.person_id, now).await?;
        let line = |href, key, n, tone| count_line(lang, href, key, n, tone);
        cards.push(HomeCard {
            order: 5,
            id: "work",
            title: t(lang, "home.work").into(),
            more: Some(("/requests".into(), t(lang, "req.queue").into())),
            lines: vec![
                line("/requests?state=pending", "home.to_dispatch", w.to_dispatch, "wait"),
                line("/requests?mine=1", "home.mine", w.mine, "work"),
                line("/requests?overdue=1", "home.overdue", w.overdue, "late"),
                line("/requests?state=awaiting_rating", "home.awaiting_rating", w.awaiting_rating, "done"),
            ],
            ..Default::default()
        });
    }
    // The government side (cadres, grid members): what was pushed up to them and waits.
    if !p.scope.gov_paths.is_empty() {
        let (open, overdue) = super::actions::referrals::waiting(state, p).await?;
        let line = |href, key, n, tone| count_line(lang, href, key, n, tone);
        cards.push(HomeCard {
            order: 3,
            id: "referrals",
            title: t(lang, "home.grid_referrals").into(),
            more: Some(("/referrals".into(), t(lang, "ref.inbox").into())),
            lines: vec![
                line("/referrals?filter=open", "home.referrals_open", open, "wait"),
                line("/referrals?filter=overdue", "home.referrals_overdue", overdue, "late"),
            ],
            ..Default::default()
        });
    }
    Ok(cards)
}

/// A home line that is a count: what, how many, coloured only when there is something.
fn count_line(lang: Lang, href: &str, key: &str, n: i64, tone: &'static str) -> HomeLine {
    HomeLine {
        href: href.into(),
        text: t(lang, key).into(),
        tag: n.to_string(),
        tone: if n > 0 { tone } else { "off" },
        ..Default::default()
    }
}
