//! What volunteering puts on the home page: the points balance of each estate I live in, and how to
//! earn and spend them.

use crate::capability::{HomeCard, HomeLine};
use crate::{
    app::AppState,
    auth::Principal,
    error::AppError,
    web::i18n::{Lang, t},
};

pub async fn cards(state: &AppState, p: &Principal, lang: Lang) -> Result<Vec<HomeCard>, AppError> {
    let Some(me) = p.person_id else { return Ok(vec![]) };
    if p.scope.households.is_empty() {
        return Ok(vec![]);
    }
    let mut projects = Vec::new();
    for h in &p.scope.households {
        if let Some(hh) = crate::org::store::household(&state.db.read, (*h).into()).await?
            && !projects.iter().any(|(id, _)| *id == hh.project_id)
        {
            projects.push((hh.project_id, hh.project_name));
        }
    }
    let mut total = 0;
    let mut lines = Vec::new();
    for (pid, name) in &projects {
        let b = crate::points::store::balance(&state.db.read, me, *pid).await?;
        total += b;
        if projects.len() > 1 {
            lines.push(HomeLine {
                href: "/rewards".into(),
                text: name.clone(),
                tag: b.to_string(),
                ..Default::default()
            });
        }
    }
    lines.push(if total > 0 {
        HomeLine { href: "/rewards".into(), text: t(lang, "home.spend_points").into(), ..Default::default() }
    } else {
        HomeLine {
            href: "/volunteers".into(),
            text: t(lang, "home.earn_points").into(),
            sub: t(lang, "home.earn_points_how").into(),
            ..Default::default()
        }
    });
    Ok(vec![HomeCard {
        order: 40,
        id: "points",
        title: t(lang, "home.points").into(),
        figure: Some(total.to_string()),
        more: Some(("/volunteers".into(), t(lang, "home.points_detail").into())),
        lines,
        ..Default::default()
    }])
}
