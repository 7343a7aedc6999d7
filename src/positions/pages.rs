//! Positions pages and the rules shared with the JSON API (`*_checked`): centres, rooms, hours, versions,
//! and room booking by residents, staff and partner organisations.

use crate::web::forms::{Choice, Fact, choices};
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State as AxState},
    response::{IntoResponse, Redirect},
};
use chrono::{Duration, NaiveDate};
use serde::Deserialize;

use super::{
    actions::*,
    model::{self, BookingState},
    store::{self, Booking, Centre},
};
use crate::auth::StaffUser;
use crate::{
    app::AppState,
    auth::Auth,
    clock::fmt_datetime,
    error::{AppError, AppResult},
    org::store as org,
    web::{Chrome, MsgQuery},
};

pub struct Line {
    pub id: i64,
    pub project: String,
    pub name: String,
    pub address: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "positions/list.html")]
struct ListPage {
    c: Chrome,
    centres: Vec<Line>,
    mine: Vec<BookingLine>,
    /// Projects where the caller may open a centre.
    can_create: Vec<Choice>,
}

pub struct BookingLine {
    pub id: i64,
    pub room: String,
    pub when: String,
    pub state: String,
    pub purpose: String,
    pub who: String,
    pub can_cancel: bool,
    pub can_approve: bool,
}

fn when(b: &Booking) -> String {
    let end = model::to_local(b.ends_at).format("%H:%M");
    format!("{}–{end}", fmt_datetime(b.starts_at))
}

pub async fn list(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let projects = p.scope.visible_projects();
    let centres = store::centres_in(&state.db.read, &projects)
        .await?
        .into_iter()
        .map(|c| Line { id: c.id, project: c.project_name, name: c.name, address: c.address.unwrap_or_default() })
        .collect();
    let now = state.clock.now();
    let mine = store::bookings_by(&state.db.read, p.user_id)
        .await?
        .into_iter()
        .map(|b| BookingLine {
            id: b.id,
            room: b.room_name.clone(),
            when: when(&b),
            state: b.state().label(ctx.lang).into(),
            purpose: b.purpose.clone(),
            who: String::new(),
            can_cancel: b.state().holds_slots() && b.starts_at > now,
            can_approve: false,
        })
        .collect();
    let can_create = org::project_names(&state.db.read, p.scope.write_projects.iter().copied()).await?;
    Ok(ListPage {
        c: Chrome::titled(&ctx, "pos.title").with_msg(m.msg.as_deref()),
        centres,
        mine,
        can_create: choices(can_create),
    })
}

pub struct RoomView {
    pub room: store::Room,
    pub booked: Vec<BookingLine>,
    /// The chosen day's half-hour slots inside opening hours (LibreBooking's free/busy row).
    pub grid: Vec<SlotCell>,
    /// Free starts on the chosen day, each with the ends it allows (for the form's lists).
    pub starts: Vec<StartOption>,
    pub ends: Vec<Choice>,
    /// The form is shown open (this room was chosen, or its booking was refused).
    pub open: bool,
    pub error: Option<String>,
    pub typed: BookingForm,
    /// The week view: seven days from the chosen one, each with its free runs.
    pub week_rows: Vec<WeekRow>,
}

/// A day of a room's week view: its free runs, each a link to the day grid with that start chosen.
pub struct WeekRow {
    pub label: String,
    pub href: String,
    pub runs: Vec<crate::web::forms::Link>,
    /// Closed that day (no slot inside opening hours).
    pub closed: bool,
}

pub struct SlotCell {
    pub time: String,
    /// `free`, `taken` or `off`.
    pub state: &'static str,
    /// Free: the page again with this start chosen.
    pub href: String,
}

pub struct StartOption {
    pub time: String,
    /// The ends allowed from this start, space-separated (`app.js` narrows the end list with it).
    pub ends: String,
    pub selected: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CentreQuery {
    pub msg: Option<String>,
    /// `YYYY-MM-DD`: the day the grid shows (today by default; within the next 14 days).
    pub day: Option<String>,
    /// The room and start chosen from the grid.
    pub room: Option<i64>,
    pub start: Option<String>,
    /// `week`: seven days of free runs per room instead of one day's grid.
    pub view: Option<String>,
}

/// A refused booking, shown again in its room's form.
pub struct Refused {
    pub room_id: i64,
    pub form: BookingForm,
    pub message: String,
}

pub struct DayLink {
    pub href: String,
    pub label: String,
    pub current: bool,
}

/// One weekday of the opening-hours form.
struct WeekHours {
    weekday: u8,
    name: &'static str,
    opens: String,
    closes: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "positions/centre.html")]
struct CentrePage {
    c: Chrome,
    centre: Centre,
    /// Opening hours shown: day, times.
    hours: Vec<Fact>,
    versions: Vec<store::Version>,
    rooms: Vec<RoomView>,
    manager: bool,
    /// Dates offered in the booking form: today and the next 13 days.
    days: Vec<Choice>,
    /// The day strip above the grids: links, the chosen one current.
    strip: Vec<DayLink>,
    day_label: String,
    /// The rooms show a week of free runs instead of the day's grid; links to switch.
    week_view: bool,
    day_href: String,
    week_href: String,
    functions: Vec<&'static str>,
    week: Vec<WeekHours>,
    /// Closed dates from today on.
    closed: Vec<store::ClosedDay>,
}

pub async fn centre(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Query(q): Query<CentreQuery>,
) -> AppResult<impl IntoResponse> {
    centre_page(&state, &p, &ctx, id, q, None).await
}

async fn centre_page(
    state: &AppState,
    p: &crate::auth::Principal,
    ctx: &crate::auth::Ctx,
    id: i64,
    q: CentreQuery,
    refused: Option<Refused>,
) -> AppResult<CentrePage> {
    let c = load_centre(state, p, id).await?;
    let manager = p.scope.can_write_project(c.project_id);
    let now = state.clock.now();
    let today = model::to_local(now).date();
    let hours_rows = store::hours(&state.db.read, id).await?;
    let hours = store::parse_hours(&hours_rows);
    let closed_dates = store::closed_days(&state.db.read, id).await?;
    let week_view = q.view.as_deref() == Some("week") && refused.is_none();
    // The day strip reaches 13 days ahead and the week view 6 more.
    let bookings =
        store::centre_bookings(&state.db.read, id, now - Duration::hours(12), now + Duration::days(21)).await?;
    // The day shown: asked for (within the next 14 days), else the refused booking's, else today.
    let asked = q.day.as_deref().or(refused.as_ref().map(|r| r.form.date.as_str()));
    let day = asked
        .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
        .filter(|d| *d >= today && *d < today + Duration::days(14))
        .unwrap_or(today);
    let day_s = day.format("%Y-%m-%d").to_string();
    let local_now = model::to_local(now);
    let mut rooms = Vec::new();
    for room in store::rooms(&state.db.read, id).await? {
        let mine = bookings.iter().filter(|b| b.room_id == room.id);
        let booked = mine
            .clone()
            .map(|b| {
                let own = b.booked_by == Some(p.user_id);
                BookingLine {
                    id: b.id,
                    room: b.room_name.clone(),
                    when: when(b),
                    state: b.state().label(ctx.lang).into(),
                    // Residents see that a time is taken, not by whom or why.
                    purpose: if manager || own { b.purpose.clone() } else { String::new() },
                    who: if manager {
                        b.org_name.clone().or(b.booker_name.clone()).unwrap_or_default()
                    } else {
                        String::new()
                    },
                    can_cancel: (manager || own) && b.starts_at > now,
                    can_approve: manager && b.state() == BookingState::Pending,
                }
            })
            .collect();
        let taken: Vec<_> = mine
            .filter(|b| b.state().holds_slots())
            .map(|b| (model::to_local(b.starts_at), model::to_local(b.ends_at)))
            .collect();
        let rules = room.rules();
        let slots = model::day_slots(day, local_now, rules, &hours, &closed_dates, &taken);
        let hm = |t: chrono::NaiveTime| t.format("%H:%M").to_string();
        let week_rows = if week_view {
            (0..7)
                .map(|i| {
                    let d = day + Duration::days(i);
                    let ds = d.format("%Y-%m-%d").to_string();
                    let slots = model::day_slots(d, local_now, rules, &hours, &closed_dates, &taken);
                    let runs = model::free_runs(&slots)
                        .into_iter()
                        .map(|(a, b)| {
                            let href = format!(
                                "/positions/centres/{id}?day={ds}&room={}&start={}#book-{}",
                                room.id,
                                hm(a),
                                room.id
                            );
                            crate::web::forms::Link::new(href, format!("{}–{}", hm(a), hm(b)))
                        })
                        .collect();
                    WeekRow {
                        label: format!("{} {}", date_label(ctx.lang, d), wd(ctx.lang, weekday(d))),
                        href: format!("/positions/centres/{id}?day={ds}#room-{}", room.id),
                        runs,
                        closed: slots.is_empty(),
                    }
                })
                .collect()
        } else {
            vec![]
        };
        let this = refused.as_ref().filter(|r| r.room_id == room.id);
        let chosen_start = this
            .map(|r| r.form.start.clone())
            .or_else(|| q.start.clone().filter(|_| q.room == Some(room.id)))
            .unwrap_or_default();
        let grid = slots
            .iter()
            .map(|s| SlotCell {
                time: hm(s.start),
                state: match s.state {
                    model::SlotState::Free => "free",
                    model::SlotState::Taken => "taken",
                    model::SlotState::Unavailable => "off",
                },
                href: format!(
                    "/positions/centres/{id}?day={day_s}&room={}&start={}#book-{}",
                    room.id,
                    hm(s.start),
                    room.id
                ),
            })
            .collect();
        let starts: Vec<StartOption> = slots
            .iter()
            .filter(|s| s.state == model::SlotState::Free)
            .map(|s| StartOption {
                time: hm(s.start),
                ends: model::ends_from(&slots, s.start, rules).into_iter().map(hm).collect::<Vec<_>>().join(" "),
                selected: hm(s.start) == chosen_start,
            })
            .filter(|o| !o.ends.is_empty())
            .collect();
        let first = starts.iter().find(|o| o.selected).or(starts.first());
        let chosen_end = this.map(|r| r.form.end.clone()).unwrap_or_default();
        let ends = first
            .map(|o| o.ends.split(' ').map(|e| Choice::new(e, e).selected_if(e == chosen_end)).collect::<Vec<_>>())
            .unwrap_or_default();
        rooms.push(RoomView {
            open: this.is_some() || q.room == Some(room.id),
            error: this.map(|r| r.message.clone()),
            typed: this.map(|r| r.form.clone()).unwrap_or_default(),
            room,
            booked,
            grid,
            starts,
            ends,
            week_rows,
        });
    }
    let days: Vec<_> = (0..14)
        .map(|i| {
            let d = today + Duration::days(i);
            (d.format("%Y-%m-%d").to_string(), format!("{} {}", date_label(ctx.lang, d), wd(ctx.lang, weekday(d))))
        })
        .collect();
    let strip = (0..14)
        .map(|i| {
            let d = today + Duration::days(i);
            DayLink {
                href: format!(
                    "/positions/centres/{id}?day={}{}#rooms",
                    d.format("%Y-%m-%d"),
                    if week_view { "&view=week" } else { "" }
                ),
                label: format!("{} {}", wd(ctx.lang, weekday(d)), d.format("%m-%d")),
                current: d == day,
            }
        })
        .collect();
    let week = (1..=7u8)
        .map(|d| {
            let h = hours_rows.iter().find(|h| h.weekday as u8 == d);
            WeekHours {
                weekday: d,
                name: wd(ctx.lang, d),
                opens: h.map(|h| h.opens.clone()).unwrap_or_default(),
                closes: h.map(|h| h.closes.clone()).unwrap_or_default(),
            }
        })
        .collect();
    Ok(CentrePage {
        c: Chrome::new(ctx, c.name.clone()).with_msg(q.msg.as_deref()),
        hours: hours_rows
            .iter()
            .map(|h| Fact::new(wd(ctx.lang, h.weekday as u8), format!("{}–{}", h.opens, h.closes)))
            .collect(),
        versions: store::versions(&state.db.read, id).await?,
        rooms,
        manager,
        days: crate::web::forms::choices_with(days, &day_s),
        strip,
        day_label: format!("{} {}", date_label(ctx.lang, day), wd(ctx.lang, weekday(day))),
        week_view,
        day_href: format!("/positions/centres/{id}?day={day_s}#rooms"),
        week_href: format!("/positions/centres/{id}?day={day_s}&view=week#rooms"),
        functions: model::ROOM_FUNCTIONS.to_vec(),
        week,
        closed: store::closed_from(&state.db.read, id, today).await?,
        centre: c,
    })
}

/// A weekday (1 = Monday) in the reader's language (the catalog's `weekday.N`).
fn wd(lang: crate::web::i18n::Lang, d: u8) -> &'static str {
    crate::web::i18n::t(lang, &format!("weekday.{d}"))
}

/// 「12月04日」, or "Dec 04" in English.
fn date_label(lang: crate::web::i18n::Lang, d: NaiveDate) -> String {
    if lang == crate::web::i18n::Lang::En { d.format("%b %d").to_string() } else { d.format("%m月%d日").to_string() }
}

fn weekday(d: NaiveDate) -> u8 {
    use chrono::Datelike;
    d.weekday().number_from_monday() as u8
}

pub async fn create_centre(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Form(f): Form<NewCentreForm>,
) -> AppResult<Redirect> {
    let id = create_centre_checked(&state, &p, &ctx, f).await?;
    Ok(Redirect::to(&format!("/positions/centres/{id}?msg=saved")))
}

pub async fn create_room(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<NewRoomForm>,
) -> AppResult<Redirect> {
    create_room_checked(&state, &p, &ctx, id, f).await?;
    Ok(Redirect::to(&format!("/positions/centres/{id}?msg=saved")))
}

/// The weekly hours form: `opens_1`…`opens_7`, `closes_1`…`closes_7` (`HH:MM`; both empty = closed).
pub async fn set_hours(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<std::collections::HashMap<String, String>>,
) -> AppResult<Redirect> {
    set_hours_checked(&state, &p, &ctx, id, f).await?;
    Ok(Redirect::to(&format!("/positions/centres/{id}?msg=saved")))
}

/// Record an upgrade ("升级版2.0": what changed, when).
pub async fn add_version(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<VersionForm>,
) -> AppResult<Redirect> {
    add_version_checked(&state, &p, &ctx, id, f).await?;
    Ok(Redirect::to(&format!("/positions/centres/{id}?msg=saved")))
}

pub async fn book(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(room_id): Path<i64>,
    Form(f): Form<BookingForm>,
) -> AppResult<axum::response::Response> {
    let room = store::room(&state.db.read, room_id).await?.ok_or_else(AppError::not_found)?;
    match book_checked(&state, &p, &ctx, room_id, f.clone()).await {
        Ok(_) => Ok(Redirect::to(&format!("/positions/centres/{}?msg=booked", room.centre_id)).into_response()),
        // Refused (a rule, a slot just taken): the centre again, the form open with what was typed and why.
        Err(e) if matches!(e.status.as_u16(), 400 | 409 | 422) => {
            let status = e.status;
            let message = if e.fields.is_empty() {
                e.zh
            } else {
                e.fields.iter().map(|f| f.message.clone()).collect::<Vec<_>>().join("；")
            };
            let refused = Refused { room_id, form: f, message };
            let page = centre_page(&state, &p, &ctx, room.centre_id, CentreQuery::default(), Some(refused)).await?;
            Ok((status, page).into_response())
        }
        Err(e) => Err(e),
    }
}

pub async fn booking_act(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<BookingActionForm>,
) -> AppResult<Redirect> {
    let b = store::booking(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    booking_act_checked(&state, &p, &ctx, id, f.action.trim()).await?;
    if f.next == "/positions/approvals" {
        return Ok(Redirect::to("/positions/approvals?msg=saved"));
    }
    Ok(Redirect::to(&format!("/positions/centres/{}?msg=saved", b.centre_id)))
}

pub struct ApprovalLine {
    pub id: i64,
    pub centre_id: i64,
    pub room: String,
    pub when: String,
    pub who: String,
    pub purpose: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "positions/approvals.html")]
struct ApprovalsPage {
    c: Chrome,
    lines: Vec<ApprovalLine>,
}

/// Staff: the bookings of their projects' rooms waiting for approval, soonest first, to approve or
/// reject from one page.
pub async fn approvals(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let projects: Vec<crate::ids::ProjectId> = p.scope.write_projects.iter().copied().collect();
    let rows = store::awaiting_approval(&state.db.read, &projects, state.clock.now()).await?;
    Ok(ApprovalsPage {
        c: Chrome::titled(&ctx, "pos.approvals").with_msg(m.msg.as_deref()),
        lines: rows
            .into_iter()
            .map(|b| ApprovalLine {
                id: b.id,
                centre_id: b.centre_id,
                when: when(&b),
                who: b.org_name.clone().or(b.booker_name.clone()).unwrap_or_default(),
                room: b.room_name,
                purpose: b.purpose,
            })
            .collect(),
    })
}
