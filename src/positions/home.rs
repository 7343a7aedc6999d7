//! What the centres put on the home page: my coming bookings, and for staff the bookings waiting for
//! their approval.

use crate::capability::{HomeCard, HomeLine};
use crate::ids::*;
use crate::{
    app::AppState,
    auth::Principal,
    clock::{fmt_datetime, to_local},
    error::AppError,
    web::i18n::{Lang, t},
};

use super::{model::BookingState, store};

pub async fn cards(state: &AppState, p: &Principal, lang: Lang) -> Result<Vec<HomeCard>, AppError> {
    let mut cards = Vec::new();
    let now = state.clock.now();
    if !p.scope.households.is_empty() {
        let mut mine: Vec<store::Booking> = store::bookings_by(&state.db.read, p.user_id)
            .await?
            .into_iter()
            .filter(|b| b.ends_at > now && matches!(b.state(), BookingState::Pending | BookingState::Approved))
            .collect();
        mine.sort_by_key(|b| b.starts_at);
        cards.push(HomeCard {
            order: 30,
            id: "my-bookings",
            title: t(lang, "home.my_bookings").into(),
            more: Some(("/positions".into(), t(lang, "home.book_room").into())),
            lines: mine
                .iter()
                .take(3)
                .map(|b| HomeLine {
                    href: format!("/positions/centres/{}", b.centre_id),
                    text: b.room_name.clone(),
                    sub: format!("{}–{}", fmt_datetime(b.starts_at), to_local(b.ends_at).format("%H:%M")),
                    tag: b.state().label(lang).into(),
                    tone: if b.state() == BookingState::Pending { "wait" } else { "done" },
                })
                .collect(),
            empty: t(lang, "home.no_bookings").into(),
            ..Default::default()
        });
    }
    let projects: Vec<ProjectId> = p.scope.write_projects.iter().copied().collect();
    if !projects.is_empty() {
        let waiting = store::awaiting_approval(&state.db.read, &projects, now).await?;
        cards.push(HomeCard {
            order: 6,
            id: "approvals",
            title: t(lang, "home.approvals").into(),
            more: Some(("/positions/approvals".into(), t(lang, "home.see_all").into())),
            lines: waiting
                .iter()
                .take(5)
                .map(|b| HomeLine {
                    href: "/positions/approvals".into(),
                    text: format!("{} · {}", b.room_name, b.booker_name.clone().unwrap_or_default()),
                    sub: fmt_datetime(b.starts_at),
                    tag: b.state().label(lang).into(),
                    tone: "wait",
                })
                .collect(),
            empty: t(lang, "home.no_approvals").into(),
            ..Default::default()
        });
    }
    Ok(cards)
}
