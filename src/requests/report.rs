//! The report form (一键报修): who may report and how, the duplicate hint while filling it in, and the
//! submission — refused input comes back as the same form with what was typed and each message beside
//! its field.

use crate::ids::*;
use crate::web::forms::{Choice, choices_with};
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Query, State as AxState},
    response::{IntoResponse, Redirect},
};
use serde::Deserialize;

use super::{
    actions::*,
    model::{Channel, Kind},
    pages::{Line, line},
    store,
};
use crate::{
    app::AppState,
    auth::{Auth, Principal},
    error::{AppError, AppResult},
    org::store as org,
    web::Chrome,
};

#[derive(Template, WebTemplate)]
#[template(path = "requests/new.html")]
struct NewPage {
    c: Chrome,
    /// Ways the caller may report (empty: only the resident's own page).
    channels: Vec<Choice>,
    /// Staff may give a home by its number.
    staff_entry: bool,
    /// The caller's homes to report from (the first is checked).
    homes: Vec<Choice>,
    categories: Vec<Choice>,
    kinds: Vec<Choice>,
    similar: Vec<Line>,
    /// Buildings and units a public-area report may name.
    places: Vec<Choice>,
    /// The estate's named public spots (东门、地下车库…).
    spots: Vec<Choice>,
    /// No home chosen: a public area of the estate.
    public: bool,
    typed: NewRequestForm,
    category_error: Option<String>,
    where_error: Option<String>,
    room_error: Option<String>,
    description_error: Option<String>,
    photo_error: Option<String>,
    channel_error: Option<String>,
    /// A refusal that belongs to no one field.
    general: Option<String>,
    photo_max_mb: usize,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    pub category_id: Option<i64>,
    pub household_id: Option<HouseholdId>,
    /// A public-area report's building or unit.
    pub place_id: Option<i64>,
}

pub async fn new_page(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Query(q): Query<NewQuery>,
) -> AppResult<impl IntoResponse> {
    let typed = NewRequestForm {
        category_id: q.category_id.map(|c| c.to_string()).unwrap_or_default(),
        household_id: q.household_id.map(|h| h.to_string()).unwrap_or_default(),
        place_id: q.place_id.map(|x| x.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    form_page(&state, &p, &ctx, &q, &typed, Vec::new(), q.household_id.is_none() && q.place_id.is_none()).await
}

/// Whether the caller may report at all (the report form refuses those with no way in).
pub(super) async fn can_report(state: &AppState, p: &Principal) -> AppResult<bool> {
    Ok(!p.scope.households.is_empty()
        || !p.scope.write_projects.is_empty()
        || p.grants.iter().any(|g| g.role == crate::auth::model::Role::Supervisor)
        || !grid_projects(state, p).await?.is_empty())
}

/// The report form, with what was typed and the messages beside their fields (a refused submission
/// comes back as this page: nothing typed is lost; photos are picked again).
async fn form_page(
    state: &AppState,
    p: &Principal,
    ctx: &crate::auth::Ctx,
    q: &NewQuery,
    typed: &NewRequestForm,
    errors: Vec<crate::error::FieldError>,
    first_home_by_default: bool,
) -> AppResult<NewPage> {
    let mut homes = Vec::new();
    let mut projects = Vec::new();
    for h in &p.scope.households {
        if let Some(hh) = org::household(&state.db.read, (*h).into()).await? {
            let on = typed.household_id == hh.id.to_string() || (first_home_by_default && homes.is_empty());
            homes.push(Choice::new(hh.id, format!("{} {}", hh.project_name, hh.label())).selected_if(on));
            if !projects.contains(&hh.project_id) {
                projects.push(hh.project_id);
            }
        }
    }
    let supervised: Vec<ProjectId> = p
        .grants
        .iter()
        .filter(|g| g.role == crate::auth::model::Role::Supervisor)
        .map(|g| ProjectId(g.node_id))
        .collect();
    let gridded = grid_projects(state, p).await?;
    for pid in p.scope.write_projects.iter().chain(&supervised).chain(&gridded) {
        if !projects.contains(pid) {
            projects.push(*pid);
        }
    }
    if projects.is_empty() {
        return Err(AppError::forbidden());
    }
    let mut channels = Vec::new();
    let staff_entry = !p.scope.write_projects.is_empty();
    if !homes.is_empty() && (staff_entry || !supervised.is_empty() || !gridded.is_empty()) {
        channels.push(Channel::ResidentPage);
    }
    if staff_entry {
        channels.extend([Channel::StaffPhone, Channel::StaffWalkIn]);
    }
    if !supervised.is_empty() {
        channels.push(Channel::Supervisor);
    }
    if !gridded.is_empty() {
        channels.push(Channel::GridMember);
    }
    let mut categories = Vec::new();
    for pid in &projects {
        let name = org::node(&state.db.read, (*pid).into()).await?.map(|n| n.name).unwrap_or_default();
        for c in store::categories(&state.db.read, *pid).await? {
            categories.push((c.id, if projects.len() > 1 { format!("{name} · {}", c.name) } else { c.name }));
        }
    }
    // Duplicate hint: open requests of the chosen category at the chosen home's (or place's) building.
    let similar = similar_lines(state, p, q, ctx.lang).await?;
    let many = projects.len() > 1;
    let mut places = Vec::new();
    for x in store::places(&state.db.read, &projects).await? {
        let label = if many {
            format!(
                "{} · {}",
                org::node(&state.db.read, x.project_id.into()).await?.map(|n| n.name).unwrap_or_default(),
                x.label
            )
        } else {
            x.label
        };
        places.push(Choice::new(x.id, label).selected_if(typed.place_id == x.id.to_string()));
    }
    let mut spots = Vec::new();
    for s in crate::org::spots::active_of(&state.db.read, &projects).await? {
        let label = if many {
            let project = org::node(&state.db.read, s.project_id.into()).await?.map(|n| n.name).unwrap_or_default();
            format!("{project} · {}", s.name)
        } else {
            s.name
        };
        spots.push(Choice::new(s.id, label).selected_if(typed.spot_id == s.id.to_string()));
    }
    let public = !homes.iter().any(|h| h.selected);
    let msg = |f: &str| errors.iter().find(|e| e.field == f).map(|e| e.message.clone());
    let general = errors
        .iter()
        .filter(|e| !FORM_FIELDS.contains(&e.field.as_str()))
        .map(|e| e.message.clone())
        .collect::<Vec<_>>()
        .join("；");
    Ok(NewPage {
        c: Chrome::titled(ctx, "req.new"),
        channels: choices_with(channels.into_iter().map(|c| (c.as_str(), c.label(ctx.lang))), &typed.channel),
        staff_entry,
        homes,
        public,
        categories: choices_with(categories, typed.category_id.trim()),
        kinds: choices_with(Kind::ALL.iter().map(|k| (k.as_str(), k.label(ctx.lang))), &typed.kind),
        similar,
        places,
        spots,
        typed: typed.clone(),
        category_error: msg("category_id"),
        where_error: msg("household_id").or(msg("spot_id")).or(msg("place_id")).or(msg("location_text")).or(msg("lat")),
        room_error: msg("room"),
        description_error: msg("description"),
        photo_error: msg("photo"),
        channel_error: msg("channel"),
        general: (!general.is_empty()).then_some(general),
        photo_max_mb: state.config.max_photo_bytes / (1024 * 1024),
    })
}

/// The report form's fields (a message for any other name is shown at the top of the form).
const FORM_FIELDS: &[&str] = &[
    "category_id",
    "household_id",
    "spot_id",
    "place_id",
    "location_text",
    "lat",
    "room",
    "description",
    "photo",
    "channel",
];

#[derive(Template, WebTemplate)]
#[template(path = "requests/similar.html")]
struct SimilarFragment {
    c: Chrome,
    similar: Vec<Line>,
}

/// Open requests of the same category at the chosen home's building: what the report form shows while
/// the resident fills it in (an HTML fragment, fetched by `app.js`; the form works without it).
async fn similar_lines(
    state: &AppState,
    p: &Principal,
    q: &NewQuery,
    lang: crate::web::i18n::Lang,
) -> AppResult<Vec<Line>> {
    let Some(cid) = q.category_id else { return Ok(vec![]) };
    // The building: of the chosen home (the caller's, or any of a project they work in), or of the chosen
    // public place (in a project the caller lives in or works in).
    let (project, building) = match (q.household_id, q.place_id) {
        (Some(hid), _) => {
            let Some(hh) = org::household(&state.db.read, hid.into()).await? else { return Ok(vec![]) };
            if !(p.scope.households.contains(&hid) || p.scope.can_write_project(hh.project_id)) {
                return Ok(vec![]);
            }
            (hh.project_id, hh.building_id)
        }
        (None, Some(place)) => {
            let Some(x) = store::place(&state.db.read, place).await? else { return Ok(vec![]) };
            if !(p.scope.can_read_project(x.project_id) || p.scope.home_in(x.project_id).is_some()) {
                return Ok(vec![]);
            }
            (x.project_id, x.building_id)
        }
        _ => return Ok(vec![]),
    };
    let now = state.clock.now();
    Ok(store::similar_open(&state.db.read, cid, building)
        .await?
        .iter()
        .filter(|r| r.project_id == project)
        .map(|r| line(r, now, lang))
        .collect())
}

pub async fn similar(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Query(q): Query<NewQuery>,
) -> AppResult<impl IntoResponse> {
    Ok(SimilarFragment { c: Chrome::new(&ctx, ""), similar: similar_lines(&state, &p, &q, ctx.lang).await? })
}

pub async fn create(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    req: axum::extract::Request,
) -> AppResult<axum::response::Response> {
    let (f, files) = super::photos::form_and_files::<NewRequestForm>(&state, req).await?;
    let done = match super::photos::check_all(&state, files, state.config.max_photo_bytes).await {
        Ok(photos) => create_checked(&state, &p, &ctx, f.clone(), photos).await,
        Err(e) => Err(photo_field(e)),
    };
    let e = match done {
        Ok(id) => return Ok(Redirect::to(&format!("/requests/{id}?msg=request_created")).into_response()),
        Err(e) if refused_input(&e) => e,
        Err(e) => return Err(e),
    };
    // Refused: the same form again, with what was typed and each message beside its field.
    let status = e.status;
    let errors = if e.fields.is_empty() { vec![crate::error::FieldError::new("", e.zh)] } else { e.fields };
    let q = NewQuery {
        category_id: f.category_id.trim().parse().ok(),
        household_id: f.household_id.trim().parse().ok(),
        place_id: f.place_id.trim().parse().ok(),
    };
    let page = form_page(&state, &p, &ctx, &q, &f, errors, false).await?;
    Ok((status, page).into_response())
}

/// A refusal of what the user typed (to show beside the form), not of who they are or what exists.
fn refused_input(e: &AppError) -> bool {
    use axum::http::StatusCode as S;
    matches!(e.status, S::UNPROCESSABLE_ENTITY | S::BAD_REQUEST | S::CONFLICT | S::PAYLOAD_TOO_LARGE)
}

/// A photo refusal, beside the photo field.
fn photo_field(e: AppError) -> AppError {
    let mut f = AppError::field("photo", e.zh.clone());
    f.status = e.status;
    f
}
