//! Resident request pages (phone-first for residents, queue and detail for staff). The `*_checked`
//! functions hold the rules shared with the JSON API.

use crate::ids::*;
use crate::web::forms::{Choice, choices, choices_with};
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State as AxState},
    response::{IntoResponse, Redirect},
};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{
    actions::*,
    model::{self, Action, Channel, Kind, Outside, Rating, State},
    store::{self, QueueFilter, RequestRow},
};
use crate::auth::StaffUser;
use crate::{
    app::AppState,
    auth::{Auth, Principal, model::Access},
    clock::fmt_datetime,
    error::{AppError, AppResult},
    org::store as org,
    web::{Chrome, MsgQuery},
};

pub struct Line {
    pub id: i64,
    pub title: String,
    pub location: String,
    pub state: String,
    /// The state's colour (`st-*`).
    pub tone: &'static str,
    pub created: String,
    pub overdue: bool,
    /// What is due next and by when: 「响应 12-01 10:00」 or 「办结 12-03 18:00」 (empty once done).
    pub due: String,
    /// Who has it: the person, else the post, else nobody yet.
    pub assignee: String,
}

fn line(r: &RequestRow, now: DateTime<Utc>, lang: crate::web::i18n::Lang) -> Line {
    let d = model::Deadlines { respond_by: r.respond_by, complete_by: r.complete_by };
    let overdue = model::overdue(r.state(), d, r.responded_at, chrono::Duration::zero(), now);
    let short = |t: DateTime<Utc>| crate::clock::to_local(t).format("%m-%d %H:%M").to_string();
    let due = if !r.state().is_open() {
        String::new()
    } else if r.responded_at.is_none() {
        format!("{} {}", crate::web::i18n::t(lang, "req.due_respond"), short(r.respond_by))
    } else {
        format!("{} {}", crate::web::i18n::t(lang, "req.due_complete"), short(r.complete_by))
    };
    Line {
        id: r.id,
        title: format!("{} · {}", r.category_name, Kind::parse(&r.kind).map(|k| k.label(lang)).unwrap_or("")),
        location: r.location.clone().unwrap_or_default(),
        state: r.state().label(lang).into(),
        tone: if overdue { "late" } else { r.state().tone() },
        created: fmt_datetime(r.created_at),
        overdue,
        due,
        assignee: r.assignee_name.clone().or_else(|| r.handler_post.clone()).unwrap_or_default(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "requests/list.html")]
struct ListPage {
    c: Chrome,
    desk: bool,
    lines: Vec<Line>,
    f: QueueFilter,
    next_before: Option<i64>,
    states: Vec<Choice>,
    /// Filter choices: projects (when more than one), and categories and buildings of the one chosen.
    projects: Vec<Choice>,
    categories: Vec<Choice>,
    buildings: Vec<Choice>,
    has_post: bool,
    /// The query string of the current filters, for the next-page link.
    filter_qs: String,
    /// What this caller may open from the toolbar (no link that answers 403).
    tools: Tools,
}

#[derive(Default)]
struct Tools {
    report: bool,
    figures: bool,
    staff: bool,
    keys: bool,
}

/// Choices for the queue filters: the caller's projects; categories and buildings of the chosen project
/// (or of the only one).
async fn filter_choices(
    state: &AppState,
    projects: &[ProjectId],
    f: &QueueFilter,
) -> AppResult<(Vec<(String, String)>, Vec<(String, String)>, Vec<(String, String)>)> {
    let pairs = |v: Vec<store::Named>| v.into_iter().map(|n| (n.id.to_string(), n.name)).collect::<Vec<_>>();
    let mut project_list = Vec::new();
    if projects.len() > 1 && projects.len() <= 200 {
        let mut nodes = org::nodes(&state.db.read, projects.iter().copied()).await?;
        nodes.sort_by(|a, b| a.name.cmp(&b.name));
        project_list = nodes.into_iter().map(|n| (n.id.to_string(), n.name)).collect();
    }
    let chosen = match f.project_id.as_deref().and_then(|v| v.parse::<ProjectId>().ok()) {
        Some(p) if projects.contains(&p) => Some(p),
        _ if projects.len() == 1 => Some(projects[0]),
        _ => None,
    };
    let (mut cats, mut blds) = (Vec::new(), Vec::new());
    if let Some(pid) = chosen {
        cats = store::categories(&state.db.read, pid).await?.into_iter().map(|c| (c.id.to_string(), c.name)).collect();
        blds = pairs(store::buildings(&state.db.read, pid).await?);
    }
    Ok((project_list, cats, blds))
}

pub async fn list(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Query(f): Query<QueueFilter>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let now = state.clock.now();
    let desk = p.has(Access::Desk);
    let rows = if desk {
        let projects: Vec<ProjectId> = p.scope.read_projects.iter().copied().collect();
        store::queue(&state.db.read, &projects, p.person_id, &p.staff_posts(), &f, now).await?
    } else {
        match p.person_id {
            Some(pid) => store::reported_by(&state.db.read, pid, f.before).await?,
            None => vec![],
        }
    };
    let next_before = (rows.len() as i64 == store::PAGE).then(|| rows.last().map(|r| r.id)).flatten();
    let (projects, categories, buildings) = if desk {
        let mine: Vec<ProjectId> = p.scope.read_projects.iter().copied().collect();
        filter_choices(&state, &mine, &f).await?
    } else {
        Default::default()
    };
    let filter_qs = serde_urlencoded::to_string(QueueFilter { before: None, ..f.clone() }).unwrap_or_default();
    let chosen = |v: &Option<String>| v.clone().unwrap_or_default();
    let states = choices_with(State::ALL.iter().map(|s| (s.as_str(), s.label(ctx.lang))), &chosen(&f.state));
    let projects = choices_with(projects, &chosen(&f.project_id));
    let categories = choices_with(categories, &chosen(&f.category_id));
    let buildings = choices_with(buildings, &chosen(&f.building_id));
    Ok(ListPage {
        c: Chrome::titled(&ctx, if desk { "req.queue" } else { "req.mine" }).with_msg(m.msg.as_deref()),
        desk,
        lines: rows.iter().map(|r| line(r, now, ctx.lang)).collect(),
        f,
        next_before,
        states,
        projects,
        categories,
        buildings,
        has_post: !p.staff_posts().is_empty(),
        filter_qs,
        tools: Tools {
            report: can_report(&state, &p).await?,
            figures: desk && !p.scope.read_projects.is_empty(),
            staff: p.has(Access::Staff),
            keys: !super::actions::keys::managed_projects(&p).is_empty(),
        },
    })
}

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
async fn can_report(state: &AppState, p: &Principal) -> AppResult<bool> {
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
        typed: typed.clone(),
        category_error: msg("category_id"),
        where_error: msg("household_id").or(msg("place_id")).or(msg("location_text")).or(msg("lat")),
        room_error: msg("room"),
        description_error: msg("description"),
        photo_error: msg("photo"),
        channel_error: msg("channel"),
        general: (!general.is_empty()).then_some(general),
        photo_max_mb: state.config.max_photo_bytes / (1024 * 1024),
    })
}

/// The report form's fields (a message for any other name is shown at the top of the form).
const FORM_FIELDS: &[&str] =
    &["category_id", "household_id", "place_id", "location_text", "lat", "room", "description", "photo", "channel"];

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

#[derive(Template, WebTemplate)]
#[template(path = "requests/visits.html")]
struct VisitsPage {
    c: Chrome,
    days: i64,
    unrated: Vec<Line>,
    second: Vec<Line>,
}

/// 回访: finished requests the resident has not rated within N days, and second visits owed after a bad
/// rating — for the staff of the caller's projects.
pub async fn visits(AxState(state): AxState<AppState>, StaffUser(p, ctx): StaffUser) -> AppResult<impl IntoResponse> {
    let projects: Vec<ProjectId> = p.scope.write_projects.iter().copied().collect();
    let now = state.clock.now();
    let days = state.config.return_visit_days;
    let rows = store::return_visits(&state.db.read, &projects, days, now).await?;
    let (second, unrated): (Vec<&RequestRow>, Vec<&RequestRow>) = rows.iter().partition(|r| r.manager_visit_due);
    Ok(VisitsPage {
        c: Chrome::titled(&ctx, "req.visits"),
        days,
        unrated: unrated
            .into_iter()
            .filter(|r| model::return_visit_due(r.state(), r.completed_at, days, now))
            .map(|r| line(r, now, ctx.lang))
            .collect(),
        second: second.into_iter().map(|r| line(r, now, ctx.lang)).collect(),
    })
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

/// One timeline line in the reader's language.
pub fn event_line(e: store::EventRow, lang: crate::web::i18n::Lang) -> EventLine {
    EventLine {
        at: fmt_datetime(e.at),
        actor: e.actor,
        action: crate::web::i18n::t(lang, &format!("req.action.{}", e.action)).to_string(),
        to_state: State::parse(&e.to_state).map(|s| s.label(lang)).unwrap_or("").into(),
        note: e.note.unwrap_or_default(),
    }
}

pub struct EventLine {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub to_state: String,
    pub note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "requests/detail.html")]
struct DetailPage {
    c: Chrome,
    r: RequestRow,
    kind: String,
    state_zh: String,
    channel: String,
    respond_by: String,
    complete_by: String,
    /// While suspended: when it resumes by itself (empty otherwise).
    resume_at: String,
    level: String,
    overdue: bool,
    events: Vec<EventLine>,
    /// Action codes this caller may use now.
    allowed: Vec<&'static str>,
    staff: Vec<Choice>,
    posts: Vec<&'static str>,
    photos: Vec<String>,
    can_add_photo: bool,
    photo_max_mb: usize,
    /// Where it was pushed up, and what came back.
    referrals: Vec<super::inbox::Line>,
    /// The 上报 choices.
    outside: Vec<Choice>,
}

impl DetailPage {
    /// 「★★★★☆」 for a rating of 4.
    fn stars(&self, n: &u8) -> String {
        (1..=5u8).map(|i| if i <= *n { '★' } else { '☆' }).collect()
    }
}

/// Which actions the caller could take now (to show only those buttons).
fn allowed_actions(p: &Principal, r: &RequestRow, now: DateTime<Utc>) -> Vec<&'static str> {
    let later = now + chrono::Duration::days(1);
    let samples = [
        Action::Dispatch,
        Action::Accept,
        Action::Return { reason: "x".into() },
        Action::Transfer { reason: "x".into() },
        Action::Suspend { reason: "x".into(), resume_at: later },
        Action::Resume,
        Action::EscalateOutside { to: Outside::Community, reason: "x".into() },
        Action::OutsideAnswer { note: "x".into(), resolved: true },
        Action::Complete { note: "x".into() },
        Action::Chase,
        Action::Reopen { reason: "x".into() },
        Action::Rate(Rating { speed: 5, quality: 5, attitude: 5 }),
        Action::ReturnVisit { note: "x".into() },
        Action::Void { reason: "x".into() },
        Action::ManagerVisit { note: "x".into() },
    ];
    let roles = actors(p, r);
    samples
        .iter()
        .filter(|a| !matches!(a, Action::ManagerVisit { .. }) || r.manager_visit_due)
        .filter(|a| roles.iter().any(|who| model::transition(r.state(), a, *who, now).is_ok()))
        .map(|a| a.code())
        .collect()
}

pub async fn detail(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let r = load(&state, &p, id).await?;
    let unread = crate::notify::read_link(&state, &p, &format!("/requests/{id}")).await?;
    let now = state.clock.now();
    let events = super::actions::referrals::timeline_for(&p, &r, store::events(&state.db.read, id).await?)
        .into_iter()
        .map(|e| event_line(e, ctx.lang))
        .collect();
    let allowed = allowed_actions(&p, &r, now);
    let staff = if allowed.iter().any(|a| matches!(*a, "dispatch" | "transfer")) {
        project_staff(&state, r.project_id).await?
    } else {
        vec![]
    };
    let d = model::Deadlines { respond_by: r.respond_by, complete_by: r.complete_by };
    Ok(DetailPage {
        c: {
            let mut c = Chrome::new(&ctx, format!("#{} {}", r.id, r.category_name)).with_msg(m.msg.as_deref());
            c.set_unread(unread);
            c
        },
        kind: Kind::parse(&r.kind).map(|k| k.label(ctx.lang)).unwrap_or("").into(),
        state_zh: r.state().label(ctx.lang).into(),
        channel: Channel::ALL.iter().find(|c| c.as_str() == r.channel).map(|c| c.label(ctx.lang)).unwrap_or("").into(),
        respond_by: fmt_datetime(r.respond_by),
        complete_by: fmt_datetime(r.complete_by),
        resume_at: r.resume_at.filter(|_| r.state() == State::Suspended).map(fmt_datetime).unwrap_or_default(),
        level: model::Level::parse(&r.level).map(|l| l.label(ctx.lang)).unwrap_or("").into(),
        overdue: model::overdue(r.state(), d, r.responded_at, chrono::Duration::zero(), now),
        events,
        allowed,
        // The first of the staff is the default assignee.
        staff: choices(staff).into_iter().enumerate().map(|(i, c)| c.selected_if(i == 0)).collect(),
        posts: crate::auth::model::STAFF_POSTS.to_vec(),
        photos: super::photos::ids(&state.db.read, id)
            .await?
            .into_iter()
            .map(|pid| super::photos::url(id, pid))
            .collect(),
        can_add_photo: !actors(&p, &r).is_empty() && r.state() != State::Voided,
        photo_max_mb: state.config.max_photo_bytes / (1024 * 1024),
        referrals: super::actions::referrals::of_request_for(&state, &p, &r)
            .await?
            .into_iter()
            .map(|f| super::inbox::line(f, ctx.lang, false, now))
            .collect(),
        outside: Outside::ALL
            .iter()
            .map(|o| Choice::new(if *o == Outside::Hotline { "12345" } else { o.as_str() }, o.label(ctx.lang)))
            .collect(),
        r,
    })
}

pub async fn act(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<ActionForm>,
) -> AppResult<Redirect> {
    act_checked(&state, &p, &ctx, id, f).await?;
    Ok(Redirect::to(&format!("/requests/{id}?msg=saved")))
}
