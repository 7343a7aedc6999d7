//! What 微心愿 puts on the home page: for a resident, how to make a wish and where theirs stand; for a
//! Party member or volunteer, the wishes waiting nearby (surname only).

use super::{actions, model::WishState};
use crate::{
    app::AppState,
    auth::Principal,
    capability::{HomeCard, HomeLine},
    error::AppError,
    web::i18n::{Lang, t},
};

pub async fn cards(state: &AppState, p: &Principal, lang: Lang) -> Result<Vec<HomeCard>, AppError> {
    // Residents (a home in the register) and Party members or volunteers (who may claim).
    let helper = p
        .grants
        .iter()
        .any(|g| matches!(g.role, crate::auth::model::Role::PartyMember | crate::auth::model::Role::Volunteer));
    if p.person_id.is_none() || (p.scope.households.is_empty() && !helper) {
        return Ok(vec![]);
    }
    let (mine, open) = actions::board(state, p).await?;
    let mut lines: Vec<HomeLine> = open
        .iter()
        .take(3)
        .map(|w| HomeLine {
            href: format!("/wishes/{}", w.id),
            text: w.text.clone(),
            sub: format!("{} · {}", super::model::masked_name(&w.person_name), w.project_name),
            tag: WishState::Open.label(lang).into(),
            tone: "wait",
        })
        .collect();
    lines.extend(mine.iter().filter(|w| w.state != WishState::Confirmed).take(3).map(|w| HomeLine {
        href: format!("/wishes/{}", w.id),
        text: w.text.clone(),
        tag: w.state.label(lang).into(),
        tone: "work",
        ..Default::default()
    }));
    Ok(vec![HomeCard {
        order: 45,
        id: "wishes",
        title: t(lang, "wish.title").into(),
        figure: (!open.is_empty()).then(|| open.len().to_string()),
        more: Some(("/wishes".into(), t(lang, "wish.home_more").into())),
        lines,
        empty: t(lang, "wish.home_empty").into(),
    }])
}
