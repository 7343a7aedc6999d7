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

use super::{
    actions::*,
    model::{self, Action, Channel, Kind, Outside, Rating, State},
    store::{self, QueueFilter, RequestRow},
};
use crate::auth::StaffUser;
use crate::{
    app::AppState,
    auth::{Auth, Ctx, Principal, model::Access},
    clock::fmt_datetime,
    error::AppResult,
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

pub(super) fn line(r: &RequestRow, now: DateTime<Utc>, lang: crate::web::i18n::Lang) -> Line {
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
    ctx: &Ctx,
    projects: &[ProjectId],
    f: &QueueFilter,
) -> AppResult<(Vec<(String, String)>, Vec<(String, String)>, Vec<(String, String)>)> {
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
        // Reference rows, from memory while this request's stamp holds (`crate::refs`).
        cats = refs::categories(state, ctx, pid).await?.iter().map(|c| (c.id.to_string(), c.name.clone())).collect();
        blds = refs::buildings(state, ctx, pid).await?.iter().map(|n| (n.id.to_string(), n.name.clone())).collect();
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
        filter_choices(&state, &ctx, &mine, &f).await?
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
            report: super::report::can_report(&state, &p).await?,
            figures: desk && !p.scope.read_projects.is_empty(),
            staff: p.has(Access::Staff),
            keys: !super::actions::keys::managed_projects(&p).is_empty(),
        },
    })
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
    let unread = crate::notify::read_link(&state, &ctx, &format!("/requests/{id}")).await?;
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
