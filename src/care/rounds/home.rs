//! What festival rounds put on a volunteer's (and the staff's) home page: the rounds under way they take
//! part in, each with how many doors are still to visit.

use super::{actions, model};
use crate::{
    app::AppState,
    auth::Principal,
    capability::{HomeCard, HomeLine},
    error::AppError,
    web::i18n::{Lang, t},
};

pub async fn cards(state: &AppState, p: &Principal, lang: Lang) -> Result<Vec<HomeCard>, AppError> {
    if p.person_id.is_none() && p.scope.write_projects.is_empty() {
        return Ok(vec![]);
    }
    let today = state.clock.today();
    let lines: Vec<HomeLine> = actions::mine(state, p)
        .await?
        .into_iter()
        .filter(|r| model::open_on(r.starts_on, r.ends_on, today).is_ok())
        .map(|r| HomeLine {
            href: format!("/care/rounds/{}", r.id),
            text: r.title.clone(),
            sub: format!("{} · {} {}", r.gift, t(lang, "care.until"), r.ends_on),
            tag: format!("{}/{}", r.delivered, r.stops),
            tone: if r.delivered < r.stops { "work" } else { "done" },
        })
        .collect();
    if lines.is_empty() {
        return Ok(vec![]);
    }
    Ok(vec![HomeCard {
        order: 6,
        id: "care-rounds",
        title: t(lang, "care.rounds").into(),
        more: Some(("/care/rounds".into(), t(lang, "care.rounds").into())),
        lines,
        ..Default::default()
    }])
}
