//! Positions' use cases (C2): open a centre, book a room (rules, quota, overlaps refused by the database)
//! and act on a booking (approve, reject, cancel) — each checks scope and writes in one audited
//! transaction; the pages and the JSON API both call these.

use crate::ids::*;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use sea_orm::TransactionTrait;
use serde::Deserialize;

use super::{
    model::{self, Attempt, BookingState, Hours, Rules},
    store::{self, Centre, NewBooking, NewRoom},
};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    error::{AppError, AppResult, FieldError},
};

/// A centre the caller may see: its project is readable or their home (404 otherwise).
pub async fn load_centre(state: &AppState, p: &Principal, id: i64) -> AppResult<Centre> {
    // Read through `Db::reader` (inline on SQLite): a booking checks its centre here on its hot path.
    let c = store::centre(&state.db.reader(), id).await?.ok_or_else(AppError::not_found)?;
    if !p.scope.can_see_project(c.project_id) {
        return Err(AppError::not_found());
    }
    Ok(c)
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
    p.scope.require_write(ProjectId(project))?;
    let name = crate::text::normalize(&f.name);
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::field("name", "请填写中心名称（不超过100字）"));
    }
    let address = crate::text::normalize(&f.address);
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let id =
        store::create_centre(&tx, ProjectId(project), &name, Some(address.as_str()).filter(|a| !a.is_empty()), now)
            .await?;
    let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN);
    let twenty_one = NaiveTime::from_hms_opt(21, 0, 0).unwrap_or(NaiveTime::MIN);
    let week: Vec<Hours> = (1..=7).filter_map(|d| Hours::new(d, nine, twenty_one).ok()).collect();
    store::set_hours(&tx, id, &week).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "centre",
            entity_id: Some(id),
            project_id: Some(ProjectId(project)),
            summary: format!("新建党群服务中心「{name}」"),
        },
    )
    .await?;
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
    // The room and its centre, hours and closed days from memory while this request's stamp holds
    // (`super::refs`); the household's week read inline on SQLite (`Db::reader`), as a report's checks are.
    let r = state.db.reader();
    let room = super::refs::room(state, ctx, room_id).await?.ok_or_else(AppError::not_found)?;
    let c = super::refs::centre(state, ctx, room.centre_id).await?.ok_or_else(AppError::not_found)?;
    if !p.scope.can_see_project(c.project_id) {
        return Err(AppError::not_found());
    }
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
    let hours = store::parse_hours(&super::refs::hours(state, ctx, c.id).await?);
    let closed = super::refs::closed_days(state, ctx, c.id).await?;
    // Residents book for their household (the quota counts); staff book for the centre or an organisation.
    let household = if staff { None } else { home };
    let (mon, next) = model::week_of(day);
    let week_count = match household {
        Some(h) => Some(
            store::household_active_between(
                &r,
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
    let tx = state.db.begin_unit().await?;
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
    audit::commit(
        tx,
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
    Ok((id, st))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BookingActionForm {
    /// `cancel`, `approve`, `reject`.
    pub action: String,
    /// Where to go back to (the approvals queue); the centre's page otherwise.
    #[serde(default)]
    pub next: String,
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
    let tx = state.db.begin_unit().await?;
    if !store::set_booking_state(&tx, id, b.state(), to, now).await? {
        return Err(AppError::conflict("stale_state", "该预约刚被他人处理过，请刷新", "The booking changed meanwhile"));
    }
    audit::commit(
        tx,
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
    Ok(to)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewRoomForm {
    pub name: String,
    pub function: String,
    pub capacity: String,
    pub needs_approval: String,
    pub min_minutes: String,
    pub max_minutes: String,
    pub notice_minutes: String,
    pub weekly_quota: String,
    pub horizon_days: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VersionForm {
    pub version: String,
    pub effective_on: String,
    pub summary: String,
}

pub async fn create_room_checked(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, f: NewRoomForm) -> AppResult<()> {
    let c = load_centre(state, p, id).await?;
    p.scope.require_write(c.project_id)?;
    let mut errors = Vec::new();
    let name = crate::text::normalize(&f.name);
    if name.is_empty() || name.chars().count() > 60 {
        errors.push(FieldError::new("name", "请填写功能室名称（不超过60字）"));
    }
    let function = crate::text::normalize(&f.function);
    let num = |s: &str, d: i64, lo: i64, hi: i64, field: &str, msg: &str, errors: &mut Vec<FieldError>| {
        let v = if s.trim().is_empty() { Some(d) } else { crate::text::num(s).parse::<i64>().ok() };
        match v.filter(|v| (lo..=hi).contains(v)) {
            Some(v) => v,
            None => {
                errors.push(FieldError::new(field, msg));
                d
            }
        }
    };
    let defaults = Rules::default();
    let capacity = num(&f.capacity, 20, 1, 10_000, "capacity", "容纳人数应为1至10000", &mut errors);
    let min = num(&f.min_minutes, defaults.min_minutes, 30, 720, "min_minutes", "最短时长应为30至720分钟", &mut errors);
    let max = num(&f.max_minutes, defaults.max_minutes, 30, 720, "max_minutes", "最长时长应为30至720分钟", &mut errors);
    let notice = num(
        &f.notice_minutes,
        defaults.notice_minutes,
        0,
        20_160,
        "notice_minutes",
        "提前预约时间应为0至20160分钟",
        &mut errors,
    );
    let quota =
        num(&f.weekly_quota, defaults.weekly_quota, 0, 100, "weekly_quota", "每户每周次数应为0至100", &mut errors);
    let horizon =
        num(&f.horizon_days, defaults.horizon_days, 1, 366, "horizon_days", "可提前预约天数应为1至366", &mut errors);
    if min > max || min % model::SLOT_MINUTES != 0 || max % model::SLOT_MINUTES != 0 {
        errors.push(FieldError::new("min_minutes", "时长须为30分钟的整数倍，且最短不超过最长"));
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let rid = store::create_room(
        &tx,
        &NewRoom {
            centre_id: id,
            name: &name,
            function: if function.is_empty() { "多功能厅" } else { &function },
            capacity: capacity as i32,
            needs_approval: f.needs_approval == "1",
            rules: Rules {
                min_minutes: min,
                max_minutes: max,
                notice_minutes: notice,
                weekly_quota: quota,
                horizon_days: horizon,
            },
            no_show_minutes: 15,
        },
        now,
    )
    .await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "room",
            entity_id: Some(rid),
            project_id: Some(c.project_id),
            summary: format!("「{}」新增功能室「{name}」", c.name),
        },
    )
    .await?;
    Ok(())
}

/// The weekly hours form: `opens_1`…`opens_7`, `closes_1`…`closes_7` (`HH:MM`; both empty = closed).
pub async fn set_hours_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i64,
    f: std::collections::HashMap<String, String>,
) -> AppResult<()> {
    let c = load_centre(state, p, id).await?;
    p.scope.require_write(c.project_id)?;
    let mut week = Vec::new();
    let mut errors = Vec::new();
    for d in 1..=7u8 {
        let get = |k: &str| f.get(&format!("{k}_{d}")).map(|s| s.trim().to_string()).unwrap_or_default();
        let (o, cl) = (get("opens"), get("closes"));
        if o.is_empty() && cl.is_empty() {
            continue;
        }
        let t = |s: &str| NaiveTime::parse_from_str(s, "%H:%M").ok();
        match t(&o).zip(t(&cl)).and_then(|(a, b)| Hours::new(d, a, b).ok()) {
            Some(h) => week.push(h),
            None => {
                errors.push(FieldError::new(&format!("opens_{d}"), format!("{}的开放时间无效", model::weekday_zh(d))))
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    store::set_hours(&tx, id, &week).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "centre",
            entity_id: Some(id),
            project_id: Some(c.project_id),
            summary: format!("「{}」调整开放时间", c.name),
        },
    )
    .await?;
    Ok(())
}

/// Record an upgrade ("升级版2.0": what changed, when).
pub async fn add_version_checked(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, f: VersionForm) -> AppResult<()> {
    let c = load_centre(state, p, id).await?;
    p.scope.require_write(c.project_id)?;
    let version = crate::text::normalize(&f.version);
    let summary = crate::text::normalize(&f.summary);
    let day = NaiveDate::parse_from_str(f.effective_on.trim(), "%Y-%m-%d").ok();
    let mut errors = Vec::new();
    if version.is_empty() || version.chars().count() > 40 {
        errors.push(FieldError::new("version", "请填写版本（如 升级版2.0）"));
    }
    if day.is_none() {
        errors.push(FieldError::new("effective_on", "请填写启用日期"));
    }
    if summary.is_empty() || summary.chars().count() > 1000 {
        errors.push(FieldError::new("summary", "请说明改了什么（不超过1000字）"));
    }
    let Some(day) = day.filter(|_| errors.is_empty()) else { return Err(AppError::validation(errors)) };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    store::add_version(&tx, id, &version, day, &summary, now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "centre",
            entity_id: Some(id),
            project_id: Some(c.project_id),
            summary: format!("「{}」记录版本「{version}」", c.name),
        },
    )
    .await?;
    Ok(())
}
