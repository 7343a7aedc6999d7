//! Positions' use cases (C2): open a centre, book a room (rules, quota, overlaps refused by the database)
//! and act on a booking (approve, reject, cancel) — each checks scope and writes in one audited
//! transaction; the pages and the JSON API both call these.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use sea_orm::TransactionTrait;
use serde::Deserialize;

use super::{
    model::{self, Attempt, BookingState, Hours},
    store::{self, Centre, NewBooking},
};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    error::{AppError, AppResult},
};

/// A centre the caller may see: its project is readable or their home (404 otherwise).
pub async fn load_centre(state: &AppState, p: &Principal, id: i64) -> AppResult<Centre> {
    let c = store::centre(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    if !p.scope.visible_projects().contains(&c.project_id) {
        return Err(AppError::not_found());
    }
    Ok(c)
}

/// Only the project's staff manage its centre.
pub fn manage(p: &Principal, c: &Centre) -> AppResult<()> {
    if p.scope.can_write_project(c.project_id) { Ok(()) } else { Err(AppError::forbidden()) }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewCentreForm {
    pub project_id: String,
    pub name: String,
    pub address: String,
}

/// Open a centre in a project (its staff), with default hours 09:00–21:00 every day.
pub async fn create_centre_checked(state: &AppState, p: &Principal, ctx: &Ctx, f: NewCentreForm) -> AppResult<i64> {
    let project: i64 = f.project_id.trim().parse().map_err(|_| AppError::field("project_id", "请选择项目"))?;
    if !p.scope.can_write_project(project) {
        return Err(AppError::forbidden());
    }
    let name = crate::text::normalize(&f.name);
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::field("name", "请填写中心名称（不超过100字）"));
    }
    let address = crate::text::normalize(&f.address);
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let id = store::create_centre(&tx, project, &name, Some(address.as_str()).filter(|a| !a.is_empty()), now).await?;
    let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN);
    let twenty_one = NaiveTime::from_hms_opt(21, 0, 0).unwrap_or(NaiveTime::MIN);
    let week: Vec<Hours> = (1..=7).filter_map(|d| Hours::new(d, nine, twenty_one).ok()).collect();
    store::set_hours(&tx, id, &week).await?;
    audit::record(
        &tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "centre",
            entity_id: Some(id),
            project_id: Some(project),
            summary: format!("新建党群服务中心「{name}」"),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct BookingForm {
    /// `YYYY-MM-DD`, China time.
    pub date: String,
    /// `HH:MM`.
    pub start: String,
    pub end: String,
    pub purpose: String,
    /// Staff booking for a partner organisation.
    pub org_name: String,
}

/// Book a room: the room's rules and the centre's hours, the household's weekly quota for residents,
/// then one transaction writing the booking and its slots — an overlapping booking fails on the slot key.
pub async fn book_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    room_id: i64,
    f: BookingForm,
) -> AppResult<(i64, BookingState)> {
    let room = store::room(&state.db.read, room_id).await?.ok_or_else(AppError::not_found)?;
    let c = load_centre(state, p, room.centre_id).await?;
    let staff = p.scope.can_write_project(c.project_id);
    let home = p.scope.home_in(c.project_id);
    if !staff && home.is_none() {
        return Err(AppError::forbidden());
    }
    let day =
        NaiveDate::parse_from_str(f.date.trim(), "%Y-%m-%d").map_err(|_| AppError::field("date", "请选择日期"))?;
    let time = |s: &str, field: &str| {
        NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| AppError::field(field, "请选择时间"))
    };
    let start = NaiveDateTime::new(day, time(&f.start, "start")?);
    let end = NaiveDateTime::new(day, time(&f.end, "end")?);
    let purpose = crate::text::normalize(&f.purpose);
    if purpose.is_empty() || purpose.chars().count() > 200 {
        return Err(AppError::field("purpose", "请填写用途（不超过200字）"));
    }
    let org_name = crate::text::normalize(&f.org_name);
    if org_name.chars().count() > 100 {
        return Err(AppError::field("org_name", "单位名称不超过100字"));
    }
    let now = state.clock.now();
    let hours = store::parse_hours(&store::hours(&state.db.read, c.id).await?);
    let closed = store::closed_days(&state.db.read, c.id).await?;
    // Residents book for their household (the quota counts); staff book for the centre or an organisation.
    let household = if staff { None } else { home };
    let (mon, next) = model::week_of(day);
    let week_count = match household {
        Some(h) => Some(
            store::household_active_between(
                &state.db.read,
                h,
                model::to_utc(mon.and_time(NaiveTime::MIN)),
                model::to_utc(next.and_time(NaiveTime::MIN)),
            )
            .await?,
        ),
        None => None,
    };
    model::check(&Attempt {
        start,
        end,
        now: model::to_local(now),
        rules: room.rules(),
        hours: &hours,
        closed_dates: &closed,
        household_week_count: week_count,
    })
    .map_err(|e| {
        AppError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, e.code, e.zh, "The booking breaks a room rule")
    })?;
    let st = if room.needs_approval && !staff { BookingState::Pending } else { BookingState::Approved };
    let tx = state.db.write.begin().await?;
    let id = store::insert_booking(
        &tx,
        &NewBooking {
            room_id,
            starts_at: model::to_utc(start),
            ends_at: model::to_utc(end),
            state: st,
            purpose: &purpose,
            household_id: household,
            person_id: p.person_id,
            org_name: Some(org_name.as_str()).filter(|s| !s.is_empty()),
            booked_by: p.user_id,
        },
        now,
    )
    .await?;
    audit::record(
        &tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "booking",
            entity_id: Some(id),
            project_id: Some(c.project_id),
            summary: format!("预约「{}」{} {}–{}", room.name, day, f.start.trim(), f.end.trim()),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((id, st))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BookingActionForm {
    /// `cancel`, `approve`, `reject`.
    pub action: String,
}

/// Cancel (the booker or staff, before it starts), approve or reject (staff).
pub async fn booking_act_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i64,
    action: &str,
) -> AppResult<BookingState> {
    let b = store::booking(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    let staff = p.scope.can_write_project(b.project_id);
    let own = b.booked_by == Some(p.user_id);
    if !staff && !own {
        return Err(AppError::not_found());
    }
    let now = state.clock.now();
    if action == "cancel" && b.starts_at <= now {
        return Err(AppError::conflict("already_started", "预约已开始，不能取消", "The booking has started"));
    }
    let to = model::next_booking_state(b.state(), action, staff)
        .map_err(|e| AppError::conflict(e.code, e.zh, "This action is not allowed now"))?;
    let tx = state.db.write.begin().await?;
    if !store::set_booking_state(&tx, id, b.state(), to, now).await? {
        return Err(AppError::conflict("stale_state", "该预约刚被他人处理过，请刷新", "The booking changed meanwhile"));
    }
    audit::record(
        &tx,
        ctx,
        now,
        Entry {
            action,
            entity: "booking",
            entity_id: Some(id),
            project_id: Some(b.project_id),
            summary: format!("预约#{id}「{}」→ {}", b.room_name, to.zh()),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(to)
}
