//! A grid's pages: `/grid/areas` lists the areas the caller opens; `/grid/areas/{id}` is the one-page
//! profile (households, who serves, care list, open and pushed-up issues) with the KPIs per micro-grid
//! and member over a window of 4, 13 or 52 weeks.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, Query, State},
    response::IntoResponse,
};

use super::{
    actions::{self, Area, Profile},
    api::Window,
    model,
};
use crate::{app::AppState, auth::Desk, error::AppResult, web::Chrome};

pub struct AreaLine {
    pub a: Area,
    pub kind: &'static str,
}

fn kind_label(kind: &str, lang: crate::web::i18n::Lang) -> &'static str {
    kind.parse::<crate::org::model::NodeKind>().map(|k| k.label(lang)).unwrap_or("")
}

#[derive(Template, WebTemplate)]
#[template(path = "grid/areas.html")]
struct AreasPage {
    c: Chrome,
    areas: Vec<AreaLine>,
}

pub async fn areas(State(state): State<AppState>, Desk(p, ctx): Desk) -> AppResult<impl IntoResponse> {
    let areas = actions::areas(&state, &p).await?;
    Ok(AreasPage {
        c: Chrome::titled(&ctx, "grid.areas"),
        areas: areas.into_iter().map(|a| AreaLine { kind: kind_label(&a.kind, ctx.lang), a }).collect(),
    })
}

/// An open issue as shown: its state's label and tone, how many days it has been open.
pub struct IssueLine {
    pub i: super::store::OpenIssue,
    pub state: &'static str,
    pub tone: &'static str,
    pub days: i64,
}

pub struct PushedLine {
    pub x: super::store::PushedUp,
    pub state: &'static str,
    pub open: bool,
    pub sent_on: String,
}

pub struct CareLine {
    pub l: crate::care::actions::Line,
    pub kind: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "grid/area.html")]
struct AreaPage {
    c: Chrome,
    v: Profile,
    kind: &'static str,
    care: Option<Vec<CareLine>>,
    issues: Vec<IssueLine>,
    pushed: Vec<PushedLine>,
    windows: [u32; 3],
}

pub async fn area(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Query(w): Query<Window>,
) -> AppResult<impl IntoResponse> {
    let mut v = actions::profile(&state, &p, &ctx, id, w.weeks()).await?;
    let now = state.clock.now();
    let lang = ctx.lang;
    let care = v
        .care
        .take()
        .map(|lines| lines.into_iter().map(|l| CareLine { kind: l.tag.kind.label(lang), l }).collect::<Vec<_>>());
    let issues = std::mem::take(&mut v.open_issues)
        .into_iter()
        .map(|i| IssueLine {
            state: i.state.label(lang),
            tone: i.state.tone(),
            days: (now - i.created_at).num_days(),
            i,
        })
        .collect();
    let pushed = std::mem::take(&mut v.pushed_up)
        .into_iter()
        .map(|x| PushedLine {
            state: x.state.label(lang),
            open: x.state.is_open(),
            sent_on: crate::clock::to_local(x.sent_at).date().to_string(),
            x,
        })
        .collect();
    Ok(AreaPage {
        c: Chrome::new(&ctx, v.area.name.clone()),
        kind: kind_label(&v.area.kind, lang),
        care,
        issues,
        pushed,
        windows: model::WINDOWS,
        v,
    })
}
