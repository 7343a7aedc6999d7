//! What 便民物资共享 puts on a resident's home page: the things they have borrowed or reserved, with the
//! day each is due (late ones first) — only when they have some.

use super::{model, store};
use crate::{
    app::AppState,
    auth::Principal,
    capability::{HomeCard, HomeLine},
    error::AppError,
    web::i18n::{Lang, t},
};

pub async fn cards(state: &AppState, p: &Principal, lang: Lang) -> Result<Vec<HomeCard>, AppError> {
    let Some(me) = p.person_id else { return Ok(vec![]) };
    let today = state.clock.today();
    let mut open: Vec<store::Loan> = store::of_person(&state.db.read, me)
        .await?
        .into_iter()
        .filter(|l| matches!(l.state, model::LoanState::Reserved | model::LoanState::Out))
        .collect();
    if open.is_empty() {
        return Ok(vec![]);
    }
    open.sort_by_key(|l| l.due_on.unwrap_or(chrono::NaiveDate::MAX));
    let lines = open
        .iter()
        .map(|l| {
            let late = l.due_on.map(|d| model::days_late(d, today)).unwrap_or(0);
            HomeLine {
                href: "/lending".into(),
                text: format!("{} {}", l.item_name, l.item_code),
                sub: match l.due_on {
                    Some(d) => format!("{} {d}", t(lang, "lend.due")),
                    None => t(lang, "lend.pick_up").into(),
                },
                tag: if late > 0 {
                    format!("{}{late}{}", t(lang, "lend.late"), t(lang, "common.days"))
                } else {
                    l.state.label(lang).into()
                },
                tone: if late > 0 {
                    "late"
                } else if l.state == model::LoanState::Reserved {
                    "wait"
                } else {
                    "work"
                },
            }
        })
        .collect();
    Ok(vec![HomeCard {
        order: 47,
        id: "my-loans",
        title: t(lang, "lend.mine").into(),
        more: Some(("/lending".into(), t(lang, "lend.title").into())),
        lines,
        ..Default::default()
    }])
}
