//! Activities' use cases (C3): publish an activity (its dates laid out from the RRULE, a room booked for
//! each), sign up or cancel (capacity held, the wait list promoted and told), and who may take part —
//! each checks scope and writes in one audited transaction; the pages, the API, attendance and editing
//! call these.

use crate::ids::*;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use sea_orm::TransactionTrait;
use serde::Deserialize;

use super::{
    model::{self, Place},
    store::{self, NewActivity, Occurrence},
};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal, model::Role},
    clock::fmt_datetime,
    error::{AppError, AppResult, FieldError},
    org::store as org,
};

pub async fn load(state: &AppState, p: &Principal, id: i64) -> AppResult<Occurrence> {
    seen(p, store::occurrence(&state.db.read, id).await?)
}

/// [`load`] without the sign-up counts (they read 0; `store::occurrence_uncounted`): for check-in and
/// check-out, which do not show them.
pub async fn load_uncounted(state: &AppState, p: &Principal, id: i64) -> AppResult<Occurrence> {
    seen(p, store::occurrence_uncounted(&state.db.read, id).await?)
}

fn seen(p: &Principal, o: Option<Occurrence>) -> AppResult<Occurrence> {
    let o = o.ok_or_else(AppError::not_found)?;
    if !p.scope.can_see_project(o.project_id) {
        return Err(AppError::not_found());
    }
    Ok(o)
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct NewActivityForm {
    pub project_id: String,
    pub kind: String,
    pub title: String,
    pub series: String,
    pub organiser: String,
    pub co_organisers: String,
    pub place: String,
    /// A room of the project's centre to book for every date (optional).
    pub room_id: String,
    /// `all` (open to residents), `party` (Party members only), `volunteers` (approved volunteers of the
    /// project) or `team:<id>` (one of its teams).
    pub audience: String,
    pub capacity: String,
    /// `YYYY-MM-DD` and `HH:MM`, China time: the first occurrence.
    pub date: String,
    pub start: String,
    pub duration_minutes: String,
    /// `none`, `weekly` (same weekday), `monthly`, or `custom` with `rrule`.
    pub repeat: String,
    pub rrule: String,
}

/// Create an activity (project staff) and lay out its occurrences.
pub async fn create_checked(state: &AppState, p: &Principal, ctx: &Ctx, f: NewActivityForm) -> AppResult<i64> {
    let project: i64 = f.project_id.trim().parse().map_err(|_| AppError::field("project_id", "请选择项目"))?;
    p.scope.require_write(ProjectId(project))?;
    let mut errors = Vec::new();
    let kind = f.kind.trim().parse::<model::ActivityKind>().ok();
    if kind.is_none() {
        errors.push(FieldError::new("kind", "请选择活动类型"));
    }
    let title = crate::text::normalize(&f.title);
    if title.is_empty() || title.chars().count() > 100 {
        errors.push(FieldError::new("title", "请填写活动名称（不超过100字）"));
    }
    let short = |s: &str, max: usize, field: &str, errors: &mut Vec<FieldError>| {
        let v = crate::text::normalize(s);
        if v.chars().count() > max {
            errors.push(FieldError::new(field, format!("不超过{max}字")));
        }
        v
    };
    let series = short(&f.series, 100, "series", &mut errors);
    let co = short(&f.co_organisers, 300, "co_organisers", &mut errors);
    let place = short(&f.place, 200, "place", &mut errors);
    let mut organiser = short(&f.organiser, 100, "organiser", &mut errors);
    if organiser.is_empty() {
        organiser =
            format!("{}项目党支部", org::node(&state.db.read, project).await?.map(|n| n.name).unwrap_or_default());
    }
    let (audience, team_id) = match f.audience.trim() {
        "party" => ("party", None),
        "volunteers" => ("volunteers", None),
        t if t.starts_with("team:") => {
            let team: Option<TeamId> = t[5..].parse().ok();
            let ok = match team {
                Some(id) => {
                    store::teams_of_project(&state.db.read, ProjectId(project)).await?.iter().any(|(t, _)| *t == id)
                }
                None => false,
            };
            if !ok {
                errors.push(FieldError::new("audience", "请选择本项目的队伍"));
            }
            ("team", team)
        }
        _ => ("all", None),
    };
    let capacity = if f.capacity.trim().is_empty() {
        Some(0)
    } else {
        crate::text::num(&f.capacity).parse::<i32>().ok().filter(|c| (0..=10_000).contains(c))
    };
    if capacity.is_none() {
        errors.push(FieldError::new("capacity", "人数上限应为0（不限）至10000"));
    }
    let duration = crate::text::num(&f.duration_minutes).parse::<i32>().ok().filter(|d| (15..=720).contains(d));
    if duration.is_none() {
        errors.push(FieldError::new("duration_minutes", "时长应为15至720分钟"));
    }
    let first = NaiveDate::parse_from_str(f.date.trim(), "%Y-%m-%d")
        .ok()
        .zip(NaiveTime::parse_from_str(f.start.trim(), "%H:%M").ok())
        .map(|(d, t)| NaiveDateTime::new(d, t));
    if first.is_none() {
        errors.push(FieldError::new("date", "请填写日期和开始时间"));
    }
    // The place as a booked room: a room of this project's centre, on whole half hours.
    let mut place = place;
    let room_id = match f.room_id.trim() {
        "" => None,
        v => {
            let room = match v.parse::<i64>() {
                Ok(id) => crate::positions::store::room(&state.db.read, id).await?,
                Err(_) => None,
            };
            let centre = match &room {
                Some(r) => crate::positions::store::centre(&state.db.read, r.centre_id).await?,
                None => None,
            };
            match (room, centre) {
                (Some(r), Some(c)) if c.project_id == ProjectId(project) => {
                    let aligned = first.is_some_and(|t| chrono::Timelike::minute(&t) % 30 == 0)
                        && duration.is_some_and(|d| d % 30 == 0);
                    if !aligned {
                        errors.push(FieldError::new("start", "使用功能室时，开始时间和时长须为整半小时"));
                    }
                    if place.is_empty() {
                        place = format!("{}{}", c.name, r.name);
                    }
                    Some(r.id)
                }
                _ => {
                    errors.push(FieldError::new("room_id", "请选择本项目党群服务中心的功能室"));
                    None
                }
            }
        }
    };
    let (Some(kind), Some(capacity), Some(duration), Some(first)) = (kind, capacity, duration, first) else {
        return Err(AppError::validation(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
    let rule = match f.repeat.as_str() {
        "weekly" => Some(format!(
            "FREQ=WEEKLY;BYDAY={}",
            DAYS[chrono::Datelike::weekday(&first).num_days_from_monday() as usize]
        )),
        "monthly" => Some("FREQ=MONTHLY".to_string()),
        "custom" => Some(f.rrule.trim().to_string()),
        _ => None,
    };
    let starts = model::occurrences(first, rule.as_deref()).map_err(|e| AppError::field("rrule", e.zh))?;
    let now = state.clock.now();
    if starts[0] < now {
        return Err(AppError::field("date", "第一次活动的时间已经过去"));
    }
    let tx = state.db.write.begin().await?;
    let id = store::create(
        &tx,
        &NewActivity {
            project_id: ProjectId(project),
            kind: kind.as_str(),
            title: &title,
            series: Some(series.as_str()).filter(|s| !s.is_empty()),
            organiser: &organiser,
            co_organisers: Some(co.as_str()).filter(|s| !s.is_empty()),
            place: Some(place.as_str()).filter(|s| !s.is_empty()),
            audience,
            team_id,
            room_id,
            capacity,
            rrule: rule.as_deref(),
            duration_minutes: duration,
            created_by: Some(p.user_id),
        },
        &starts,
        now,
    )
    .await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "activity",
            entity_id: Some(id),
            project_id: Some(ProjectId(project)),
            summary: format!("发布活动「{title}」，共{}次", starts.len()),
        },
    )
    .await?;
    Ok(id)
}

/// May this person take part? Residents of the project (or its staff, or the members of a body there —
/// an office building's tenants have no home in the register); a Party-members-only activity needs the
/// 党员 role.
pub async fn eligible(state: &AppState, o: &Occurrence, person_id: PersonId) -> AppResult<bool> {
    let conn = &state.db.read;
    if !store::belongs_to_project(conn, person_id, o.project_id).await?
        && !crate::bodies::actions::member_at(state, person_id, o.project_id).await?
    {
        return Ok(false);
    }
    Ok(match o.audience.as_str() {
        "volunteers" => crate::volunteers::store::is_approved_volunteer(conn, person_id, o.project_id).await?,
        "team" => {
            crate::volunteers::store::team_role(conn, o.team_id.unwrap_or(TeamId(0)), Some(person_id)).await?.is_some()
        }
        "party" => store::has_role(conn, person_id, Role::PartyMember.as_str()).await?,
        _ => true,
    })
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SignupForm {
    /// Staff signing up a resident who has no phone: the home (「1-1-101」) and the resident's name; or
    /// the name alone for a member of a body at the project (an office tenant's employee).
    pub room: String,
    pub name: String,
}

/// The person a sign-up or cancellation is for: the caller, or (staff) a resident found by home and name.
pub async fn subject(state: &AppState, p: &Principal, o: &Occurrence, f: &SignupForm) -> AppResult<PersonId> {
    if f.room.trim().is_empty() && f.name.trim().is_empty() {
        return p.person_id.ok_or_else(|| AppError::field("name", "此账号未关联住户信息"));
    }
    p.scope.require_write(o.project_id)?;
    if f.room.trim().is_empty() {
        let name = crate::text::normalize(&f.name);
        return crate::bodies::store::member_by_name(&state.db.read, o.project_id, &name).await?.ok_or_else(|| {
            AppError::field("room", "请填写房号；不在住户名册的人须先登记为本项目组织（如入驻企业）的成员")
        });
    }
    crate::people::store::resident_by_home(&state.db.read, o.project_id, &f.room, &f.name)
        .await?
        .ok_or_else(|| AppError::field("name", "本项目这个房号下没有这位住户"))
}

pub async fn signup_checked(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, f: SignupForm) -> AppResult<Place> {
    let o = load(state, p, id).await?;
    let now = state.clock.now();
    model::open_for_signup(o.starts_at, now).map_err(|e| AppError::conflict(e.code, e.zh, "Sign-up is closed"))?;
    if o.state != model::OccurrenceState::Scheduled {
        return Err(AppError::conflict("signup_closed", "这次活动已取消", "This occurrence is off"));
    }
    let person = subject(state, p, &o, &f).await?;
    if !eligible(state, &o, person).await? {
        return Err(AppError::new(
            axum::http::StatusCode::FORBIDDEN,
            "not_eligible",
            model::audience_refusal(&o.audience),
            "Not eligible for this activity",
        ));
    }
    let tx = state.db.begin_unit().await?;
    let place = store::sign_up(&tx, OccurrenceId(id), o.capacity as i64, person, p.user_id, now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "signup",
            entity: "activity",
            entity_id: Some(o.activity_id),
            project_id: Some(o.project_id),
            summary: format!(
                "报名「{}」{}：{}",
                o.title,
                fmt_datetime(o.starts_at),
                place.state().label(crate::web::i18n::Lang::Zh)
            ),
        },
    )
    .await?;
    Ok(place)
}

pub async fn cancel_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i64,
    f: SignupForm,
) -> AppResult<Option<i64>> {
    let o = load(state, p, id).await?;
    let now = state.clock.now();
    model::open_for_signup(o.starts_at, now).map_err(|e| AppError::conflict(e.code, e.zh, "Sign-up is closed"))?;
    let person = subject(state, p, &o, &f).await?;
    let tx = state.db.begin_unit().await?;
    let promoted = store::cancel(&tx, OccurrenceId(id), o.capacity as i64, person, now).await?;
    if let Some(pid) = promoted {
        tell_promoted(&tx, PersonId(pid), &o.title, o.starts_at, OccurrenceId(id), now).await?;
    }
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "cancel",
            entity: "activity",
            entity_id: Some(o.activity_id),
            project_id: Some(o.project_id),
            summary: format!(
                "取消报名「{}」{}{}",
                o.title,
                fmt_datetime(o.starts_at),
                if promoted.is_some() { "，候补递补" } else { "" }
            ),
        },
    )
    .await?;
    Ok(promoted)
}

/// Tell someone promoted from the wait list (inside the promoting transaction).
pub async fn tell_promoted(
    conn: &impl sea_orm::ConnectionTrait,
    person_id: PersonId,
    title: &str,
    starts_at: chrono::DateTime<chrono::Utc>,
    occurrence_id: OccurrenceId,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let users = crate::notify::users_of_person(conn, person_id).await?;
    crate::notify::to_users(
        conn,
        &users,
        &crate::notify::Note {
            kind: "waitlist_promoted",
            msg: crate::notify::Msg::new("note.act.promoted").text("title", title).text("at", fmt_datetime(starts_at)),
            link: Some(format!("/activities/occurrences/{occurrence_id}")),
        },
        now,
    )
    .await?;
    Ok(())
}

/// Skip one date of a series (staff): the occurrence is off, the rest stay.
pub async fn skip_checked(state: &AppState, p: &Principal, ctx: &Ctx, id: i64) -> AppResult<()> {
    let o = load(state, p, id).await?;
    p.scope.require_write(o.project_id)?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::skip_occurrence(&tx, id).await? {
        return Err(AppError::conflict("already_skipped", "这次活动已经取消", "Already skipped"));
    }
    // Its room is free again.
    if let Some(b) = store::booking_of_occurrence(&tx, id).await? {
        use crate::positions::model::BookingState;
        crate::positions::store::set_booking_state(&tx, b, BookingState::Approved, BookingState::Cancelled, now)
            .await?;
    }
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "skip",
            entity: "activity",
            entity_id: Some(o.activity_id),
            project_id: Some(o.project_id),
            summary: format!("取消「{}」{}这一次", o.title, fmt_datetime(o.starts_at)),
        },
    )
    .await?;
    Ok(())
}

/// Cancel an activity from now on (staff): its series ends, every date not yet begun is off (its room
/// freed), and those signed up are told — one transaction. Dates already held stay as they were.
pub async fn cancel_activity_checked(state: &AppState, p: &Principal, ctx: &Ctx, activity: i64) -> AppResult<usize> {
    let first = store::first_occurrence(&state.db.read, activity).await?.ok_or_else(AppError::not_found)?;
    let o = load(state, p, first).await?;
    p.scope.require_write(o.project_id)?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let dates = store::dates_from(&tx, activity, now).await?;
    if dates.is_empty() {
        return Err(AppError::conflict("nothing_to_cancel", "这项活动已没有未开始的场次", "No future dates"));
    }
    store::series::end(&tx, activity, now).await?;
    let mut told: Vec<PersonId> = Vec::new();
    for d in &dates {
        store::skip_occurrence(&tx, d.id).await?;
        if let Some(b) = d.booking_id {
            use crate::positions::model::BookingState;
            crate::positions::store::set_booking_state(&tx, b, BookingState::Approved, BookingState::Cancelled, now)
                .await?;
        }
        for person in store::signed_up(&tx, OccurrenceId(d.id)).await? {
            if !told.contains(&person) {
                told.push(person);
            }
        }
    }
    for person in &told {
        let users = crate::notify::users_of_person(&tx, *person).await?;
        crate::notify::to_users(
            &tx,
            &users,
            &crate::notify::Note {
                kind: "activity_cancelled",
                msg: crate::notify::Msg::new("note.act.cancelled")
                    .text("title", &o.title)
                    .text("from", crate::clock::to_local(dates[0].starts_at).format("%Y-%m-%d")),
                link: Some("/activities".into()),
            },
            now,
        )
        .await?;
    }
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "cancel",
            entity: "activity",
            entity_id: Some(activity),
            project_id: Some(o.project_id),
            summary: format!("取消「{}」：此后{}次", o.title, dates.len()),
        },
    )
    .await?;
    Ok(dates.len())
}
