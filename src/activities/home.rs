//! What activities put on the home page: the dates I signed up for, and what is on next in my estates.

use crate::capability::{HomeCard, HomeLine};
use crate::{
    app::AppState,
    auth::Principal,
    clock::fmt_datetime,
    error::AppError,
    web::i18n::{Lang, t},
};
use chrono::Duration;

use super::store;

pub async fn cards(state: &AppState, p: &Principal, lang: Lang) -> Result<Vec<HomeCard>, AppError> {
    let now = state.clock.now();
    let mut cards = Vec::new();
    let mut signed = Vec::new();
    if let Some(me) = p.person_id {
        let mine = store::signed_up_for(&state.db.read, me, now).await?;
        signed = mine.iter().map(|(o, _)| o.id).collect();
        if !p.scope.households.is_empty() || !mine.is_empty() {
            cards.push(HomeCard {
                order: 25,
                id: "my-signups",
                title: t(lang, "home.my_signups").into(),
                more: Some(("/activities".into(), t(lang, "home.see_all").into())),
                lines: mine
                    .iter()
                    .take(3)
                    .map(|(o, s)| HomeLine {
                        href: format!("/activities/occurrences/{}", o.id),
                        text: o.title.clone(),
                        sub: fmt_datetime(o.starts_at),
                        tag: s.label(lang).into(),
                        tone: if s.as_str() == "confirmed" { "done" } else { "wait" },
                    })
                    .collect(),
                empty: t(lang, "home.no_signups").into(),
                ..Default::default()
            });
        }
    }
    if !p.scope.households.is_empty() {
        let projects = p.scope.visible_projects();
        let next = store::upcoming(&state.db.read, &projects, now, now + Duration::days(31)).await?;
        cards.push(HomeCard {
            order: 35,
            id: "next-activities",
            title: t(lang, "home.next_activities").into(),
            more: Some(("/activities".into(), t(lang, "home.see_all").into())),
            lines: next
                .iter()
                .filter(|o| !signed.contains(&o.id))
                .take(3)
                .map(|o| HomeLine {
                    href: format!("/activities/occurrences/{}", o.id),
                    text: o.title.clone(),
                    sub: format!("{} · {}", fmt_datetime(o.starts_at), o.kind.label(lang)),
                    ..Default::default()
                })
                .collect(),
            empty: t(lang, "home.no_activities").into(),
            ..Default::default()
        });
    }
    Ok(cards)
}
