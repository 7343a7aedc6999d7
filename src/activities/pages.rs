//! Activity pages and the rules shared with the JSON API: the calendar, creating an activity (with an
//! RRULE), one occurrence with sign-up, cancel (promoting the wait list), sign-up on a resident's behalf,
//! and skipping a date.

use crate::ids::*;
use crate::web::forms::{Choice, Fact, Link, choices};
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State as AxState},
    response::{IntoResponse, Redirect},
};
use chrono::Duration;

use super::{
    actions::*,
    model::{self, Place},
    store::{self, Occurrence},
};
use crate::auth::StaffUser;
use crate::{
    app::AppState,
    auth::Auth,
    clock::fmt_datetime,
    clock::to_local,
    error::{AppError, AppResult},
    org::store as org,
    web::{Chrome, MsgQuery},
};

pub struct Line {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub when: String,
    pub project: String,
    pub place: String,
    pub seats: String,
    pub mine: String,
}

fn when(o: &Occurrence) -> String {
    format!("{}–{}", fmt_datetime(o.starts_at), to_local(o.ends_at).format("%H:%M"))
}

fn seats(o: &Occurrence) -> String {
    if o.capacity > 0 { format!("{}/{}", o.confirmed, o.capacity) } else { o.confirmed.to_string() }
}

#[derive(Template, WebTemplate)]
#[template(path = "activities/list.html")]
struct ListPage {
    c: Chrome,
    lines: Vec<Line>,
    /// iCalendar feed addresses: mine, and (staff) my projects'.
    my_feed: String,
    project_feeds: Vec<Link>,
    projects: Vec<Choice>,
    kinds: Vec<Choice>,
    /// Audience choices for a team: (`team:<id>`, name).
    teams: Vec<Choice>,
    /// Rooms that can be booked for an activity: (id, centre · room).
    rooms: Vec<Choice>,
    today: String,
}

pub async fn list(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let projects = p.scope.visible_projects();
    let now = state.clock.now();
    let occ = store::upcoming(&state.db.read, &projects, now - Duration::hours(3), now + Duration::days(31)).await?;
    let mut lines = Vec::new();
    for o in occ {
        let mine = match p.person_id {
            Some(pid) => {
                store::my_signup(&state.db.read, OccurrenceId(o.id), pid).await?.map(|s| s.label(ctx.lang).to_string())
            }
            None => None,
        };
        lines.push(Line {
            id: o.id,
            title: o.title.clone(),
            kind: o.kind.label(ctx.lang).into(),
            when: when(&o),
            project: o.project_name.clone(),
            place: o.place.clone().unwrap_or_default(),
            seats: seats(&o),
            mine: mine.unwrap_or_default(),
        });
    }
    let projects = org::project_names(&state.db.read, p.scope.write_projects.iter().copied()).await?;
    let mut teams = Vec::new();
    for (pid, pname) in &projects {
        for (id, name) in store::teams_of_project(&state.db.read, *pid).await? {
            teams.push((format!("team:{id}"), format!("{pname} · {name}")));
        }
    }
    let mut rooms = Vec::new();
    let staff_projects: Vec<ProjectId> = projects.iter().map(|(id, _)| *id).collect();
    for c in crate::positions::store::centres_in(&state.db.read, &staff_projects).await? {
        for r in crate::positions::store::rooms(&state.db.read, c.id).await? {
            rooms.push((r.id, format!("{} · {}", c.name, r.name)));
        }
    }
    let project_feeds =
        projects.iter().map(|(id, n)| Link::new(super::calendar::project_feed_url(&state, *id), n)).collect();
    Ok(ListPage {
        c: Chrome::titled(&ctx, "act.title").with_msg(m.msg.as_deref()),
        lines,
        my_feed: p.person_id.map(|pid| super::calendar::person_feed_url(&state, pid)).unwrap_or_default(),
        project_feeds,
        projects: choices(projects),
        kinds: choices(model::ActivityKind::ALL.iter().map(|k| (k.as_str(), k.label(ctx.lang)))),
        teams: choices(teams),
        rooms: choices(rooms),
        today: to_local(now).format("%Y-%m-%d").to_string(),
    })
}

pub async fn create(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Form(f): Form<NewActivityForm>,
) -> AppResult<Redirect> {
    let id = create_checked(&state, &p, &ctx, f).await?;
    let first = store::first_occurrence(&state.db.read, id)
        .await?
        .ok_or_else(|| AppError::internal("activity without occurrences"))?;
    Ok(Redirect::to(&format!("/activities/occurrences/{first}?msg=saved")))
}

#[derive(Template, WebTemplate)]
#[template(path = "activities/detail.html")]
struct DetailPage {
    c: Chrome,
    o: Occurrence,
    kind: String,
    when: String,
    seats: String,
    mine: String,
    can_sign_up: bool,
    can_cancel: bool,
    manager: bool,
    /// Who signed up (label) and their state (value).
    signups: Vec<Fact>,
    /// 活动纪实: text and number who came, and photo addresses.
    writeup: Option<super::store::Writeup>,
    photos: Vec<String>,
    started: bool,
    /// For the edit form (staff): start time and length.
    start: String,
    duration: i64,
}

pub async fn detail(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let o = load(&state, &p, id).await?;
    let manager = p.scope.can_write_project(o.project_id);
    let mine = match p.person_id {
        Some(pid) => store::my_signup(&state.db.read, OccurrenceId(id), pid).await?,
        None => None,
    };
    let open =
        model::open_for_signup(o.starts_at, state.clock.now()).is_ok() && o.state == model::OccurrenceState::Scheduled;
    let active = mine.is_some_and(|s| s != model::SignupState::Cancelled);
    let signups = if manager {
        store::signups(&state.db.read, OccurrenceId(id))
            .await?
            .into_iter()
            .map(|s| Fact::new(s.person_name, s.state.label(ctx.lang)))
            .collect()
    } else {
        vec![]
    };
    Ok(DetailPage {
        c: Chrome::new(&ctx, o.title.clone()).with_msg(m.msg.as_deref()),
        kind: o.kind.label(ctx.lang).into(),
        when: when(&o),
        seats: seats(&o),
        mine: mine.map(|s| s.label(ctx.lang)).unwrap_or("").into(),
        can_sign_up: open && !active && p.person_id.is_some(),
        can_cancel: open && active,
        manager,
        signups,
        writeup: super::store::writeup(&state.db.read, OccurrenceId(id)).await?,
        photos: super::store::photo_urls(&state.db.read, OccurrenceId(id)).await?,
        started: state.clock.now() >= o.starts_at,
        start: to_local(o.starts_at).format("%H:%M").to_string(),
        duration: (o.ends_at - o.starts_at).num_minutes(),
        o,
    })
}

pub async fn signup(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<SignupForm>,
) -> AppResult<Redirect> {
    let place = signup_checked(&state, &p, &ctx, id, f).await?;
    Ok(Redirect::to(&format!(
        "/activities/occurrences/{id}?msg={}",
        if place == Place::Confirmed { "signed_up" } else { "waitlisted" }
    )))
}

pub async fn cancel(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<SignupForm>,
) -> AppResult<Redirect> {
    cancel_checked(&state, &p, &ctx, id, f).await?;
    Ok(Redirect::to(&format!("/activities/occurrences/{id}?msg=saved")))
}

/// Skip one date of a series (staff): the occurrence is off, the rest stay.
pub async fn skip(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
) -> AppResult<Redirect> {
    skip_checked(&state, &p, &ctx, id).await?;
    Ok(Redirect::to("/activities?msg=saved"))
}
