//! Grid work's pages: `/grid` lists the campaigns the caller reads with their coverage and lets a
//! community's cadres put one on; a campaign's page shows coverage by micro-grid, building and member;
//! its visit page is the member's phone list of doors, each with a short form. Each form carries a key
//! made when the page was drawn, so a form sent twice — or queued on the phone while offline and sent
//! when the network returns (`static/app.js`) — is taken once.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect},
};

use super::{
    actions::{self, CampaignForm, Coverage, VisitForm},
    model::{self, How, Topic},
    store::{Campaign, Door},
};
use crate::{
    app::AppState,
    auth::Desk,
    error::AppResult,
    web::{
        Chrome, MsgQuery,
        forms::{Choice, choices},
    },
};

pub struct CampaignLine {
    pub c: Campaign,
    pub topic: &'static str,
    pub target: i64,
    pub visited: i64,
    pub pct: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "grid/campaigns.html")]
struct ListPage {
    c: Chrome,
    campaigns: Vec<CampaignLine>,
    areas: Vec<Choice>,
    topics: Vec<Choice>,
}

pub async fn list(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let o = actions::overview(&state, &p).await?;
    Ok(ListPage {
        c: Chrome::titled(&ctx, "grid.title").with_msg(m.msg.as_deref()),
        campaigns: o
            .campaigns
            .into_iter()
            .map(|(c, target, visited)| CampaignLine {
                topic: c.topic.label(ctx.lang),
                pct: model::pct(visited, target),
                target,
                visited,
                c,
            })
            .collect(),
        areas: choices(o.areas),
        topics: choices(Topic::ALL.iter().map(|t| (t.as_str(), t.label(ctx.lang)))),
    })
}

pub async fn create(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Form(f): Form<CampaignForm>,
) -> AppResult<Redirect> {
    let id = actions::create(&state, &p, &ctx, &f).await?;
    Ok(Redirect::to(&format!("/grid/campaigns/{id}?msg=created")))
}

pub struct Bar {
    pub name: String,
    pub target: i64,
    pub visited: i64,
    pub pct: String,
    /// Width of the bar, 0–100.
    pub width: i64,
}

fn bars(rows: &[super::store::Cover]) -> Vec<Bar> {
    rows.iter()
        .map(|r| Bar {
            name: r.name.clone(),
            target: r.target,
            visited: r.visited,
            pct: model::pct(r.visited, r.target),
            width: model::permille(r.visited, r.target) / 10,
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "grid/campaign.html")]
struct CampaignPage {
    c: Chrome,
    v: Coverage,
    topic: &'static str,
    pct: String,
    grids: Vec<Bar>,
    buildings: Vec<Bar>,
}

pub async fn campaign_page(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let v = actions::coverage(&state, &p, id).await?;
    Ok(CampaignPage {
        c: Chrome::new(&ctx, v.campaign.title.clone()).with_msg(m.msg.as_deref()),
        topic: v.campaign.topic.label(ctx.lang),
        pct: model::pct(v.visited, v.target),
        grids: bars(&v.by_microgrid),
        buildings: bars(&v.by_building),
        v,
    })
}

pub struct DoorLine {
    pub d: Door,
    /// A fresh key for this form.
    pub key: String,
    pub today: bool,
    /// The caller's own visit here today and its photos (a photo is added once the visit is in).
    pub mine: Option<i64>,
    pub photos: Vec<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "grid/visit.html")]
struct VisitPage {
    c: Chrome,
    campaign: Campaign,
    doors: Vec<DoorLine>,
    done: usize,
    hows: Vec<Choice>,
    photo_max_mb: usize,
    photos_per_visit: usize,
}

pub async fn visit_page(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let (campaign, doors) = actions::doors(&state, &p, id).await?;
    let mine = actions::mine_today(&state, &p, campaign.id).await?;
    let today = state.clock.today();
    let done = doors.iter().filter(|d| d.last_visit.is_some()).count();
    Ok(VisitPage {
        c: Chrome::new(&ctx, campaign.title.clone()).with_msg(m.msg.as_deref()),
        doors: doors
            .into_iter()
            .map(|d| {
                let here: Vec<_> = mine.iter().filter(|m| m.household_id == d.household_id).collect();
                DoorLine {
                    key: uuid::Uuid::new_v4().to_string(),
                    today: d.last_visit == Some(today),
                    mine: here.first().map(|m| m.id),
                    photos: here.iter().filter_map(|m| m.photo_id).collect(),
                    d,
                }
            })
            .collect(),
        done,
        hows: choices(How::ALL.iter().map(|h| (h.as_str(), h.label(ctx.lang)))),
        photo_max_mb: state.config.max_photo_bytes / (1024 * 1024),
        photos_per_visit: model::PHOTOS_PER_VISIT as usize,
        campaign,
    })
}

pub async fn visit(State(state): State<AppState>, Desk(p, ctx): Desk, Form(f): Form<VisitForm>) -> AppResult<Redirect> {
    let r = actions::visit(&state, &p, &ctx, &f).await?;
    let msg = if r.merged { "visit_merged" } else { "visit_saved" };
    Ok(Redirect::to(&format!("/grid/campaigns/{}/visit?msg={msg}", f.campaign_id.trim())))
}

/// Add photos to a visit the caller recorded (multipart; checked before the upload is read).
pub async fn add_photos(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    req: axum::extract::Request,
) -> AppResult<Redirect> {
    let campaign = actions::may_add_photos(&state, &p, id).await?;
    let (_, uploads): (std::collections::HashMap<String, String>, _) =
        crate::requests::photos::form_with_photos(&state, req).await?;
    actions::add_photos(&state, &p, &ctx, id, uploads).await?;
    Ok(Redirect::to(&format!("/grid/campaigns/{campaign}/visit?msg=photo_saved")))
}

pub async fn photo(
    State(state): State<AppState>,
    Desk(p, _ctx): Desk,
    Path((id, photo)): Path<(i64, i64)>,
) -> AppResult<axum::response::Response> {
    actions::photo(&state, &p, id, photo).await
}
