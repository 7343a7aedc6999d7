//! What the organisation puts on a grid member's or cadre's home: the grids they cover, each with its
//! households, linking to the grid's page (its households one by one).

use crate::capability::{HomeCard, HomeLine};
use crate::{
    app::AppState,
    auth::Principal,
    error::AppError,
    web::i18n::{Lang, t},
};

use super::store;

pub async fn cards(state: &AppState, p: &Principal, lang: Lang) -> Result<Vec<HomeCard>, AppError> {
    if p.scope.grid_paths.is_empty() {
        return Ok(vec![]);
    }
    let mut lines = Vec::new();
    for path in &p.scope.grid_paths {
        if let Some(n) = store::node_by_path(&state.db.read, path).await? {
            let homes = store::households_in_grid(&state.db.read, path).await?;
            lines.push(HomeLine {
                href: format!("/org/{}", n.id),
                text: n.name,
                tag: t(lang, "home.households_n").replace("{n}", &homes.to_string()),
                ..Default::default()
            });
        }
    }
    Ok(vec![HomeCard { order: 4, id: "my-grids", title: t(lang, "home.my_grids").into(), lines, ..Default::default() }])
}
