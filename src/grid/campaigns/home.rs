//! What grid work puts on a grid member's or cadre's home page: the campaigns under way in their area,
//! each with its coverage, leading a member straight to their doors.

use super::{actions, model};
use crate::{
    app::AppState,
    auth::Principal,
    capability::{HomeCard, HomeLine},
    error::AppError,
    web::i18n::{Lang, t},
};

pub async fn cards(state: &AppState, p: &Principal, lang: Lang) -> Result<Vec<HomeCard>, AppError> {
    if p.scope.gov_paths.is_empty() {
        return Ok(vec![]);
    }
    let today = state.clock.today();
    let member = !p.scope.grid_paths.is_empty();
    let lines: Vec<HomeLine> = actions::overview(state, p)
        .await?
        .campaigns
        .into_iter()
        .filter(|(c, _, _)| model::open_on(c.starts_on, c.ends_on, today).is_ok())
        .map(|(c, target, visited)| HomeLine {
            href: if member { format!("/grid/campaigns/{}/visit", c.id) } else { format!("/grid/campaigns/{}", c.id) },
            text: c.title.clone(),
            sub: format!("{} · {} {}", c.node_name, t(lang, "grid.ends_on"), c.ends_on),
            tag: model::pct(visited, target),
            tone: "work",
        })
        .collect();
    if lines.is_empty() {
        return Ok(vec![]);
    }
    Ok(vec![HomeCard {
        order: 5,
        id: "campaigns",
        title: t(lang, "grid.campaigns").into(),
        more: Some(("/grid".into(), t(lang, "grid.title").into())),
        lines,
        ..Default::default()
    }])
}
