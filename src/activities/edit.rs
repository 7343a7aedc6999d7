//! Editing a date of a series (RFC 5545's "this one" or "this and following"): the title, place,
//! capacity, start time and length. One date keeps its changes as overrides on the occurrence; "this and
//! following" from the first date changes the activity itself, and from a later date splits the series —
//! a new activity takes the later dates (their sign-ups stay with them) and the earlier ones keep the
//! old details. A larger capacity promotes from the wait list; people signed up are told of a new time.

use crate::ids::*;
use axum::{
    Form,
    extract::{Path, State as AxState},
    response::Redirect,
};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use sea_orm::TransactionTrait;
use serde::Deserialize;

use super::{actions::load, store};
use crate::auth::StaffUser;
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    clock::fmt_datetime,
    clock::{to_local, to_utc},
    error::{AppError, AppResult, FieldError},
    notify,
};

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct EditForm {
    /// `one` or `following`.
    pub scope: String,
    pub title: String,
    pub place: String,
    pub capacity: String,
    /// `HH:MM`, China time.
    pub start: String,
    pub duration_minutes: String,
}

struct Valid {
    following: bool,
    title: String,
    place: Option<String>,
    capacity: i32,
    start: NaiveTime,
    duration: i64,
}

fn validate(f: &EditForm) -> AppResult<Valid> {
    let mut errors = Vec::new();
    let following = match f.scope.trim() {
        "one" => false,
        "following" => true,
        _ => {
            errors.push(FieldError::new("scope", "请选择修改范围"));
            false
        }
    };
    let title = crate::text::normalize(&f.title).trim().to_string();
    if title.is_empty() || title.chars().count() > 100 {
        errors.push(FieldError::new("title", "请填写活动名称（不超过100字）"));
    }
    let place = crate::text::normalize(&f.place).trim().to_string();
    if place.chars().count() > 200 {
        errors.push(FieldError::new("place", "不超过200字"));
    }
    let capacity = crate::text::num(&f.capacity).parse::<i32>().ok().filter(|c| (0..=10_000).contains(c));
    if capacity.is_none() {
        errors.push(FieldError::new("capacity", "人数上限应为0（不限）至10000"));
    }
    let start = NaiveTime::parse_from_str(f.start.trim(), "%H:%M").ok();
    if start.is_none() {
        errors.push(FieldError::new("start", "请填写开始时间"));
    }
    let duration = crate::text::num(&f.duration_minutes).parse::<i64>().ok().filter(|d| (15..=720).contains(d));
    if duration.is_none() {
        errors.push(FieldError::new("duration_minutes", "时长应为15至720分钟"));
    }
    match (capacity, start, duration) {
        (Some(capacity), Some(start), Some(duration)) if errors.is_empty() => {
            Ok(Valid { following, title, place: Some(place).filter(|p| !p.is_empty()), capacity, start, duration })
        }
        _ => Err(AppError::validation(errors)),
    }
}

/// The same China date at the new start time.
fn moved(t: DateTime<Utc>, start: NaiveTime) -> DateTime<Utc> {
    to_utc(to_local(t).date().and_time(start))
}

pub async fn edit_checked(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, f: &EditForm) -> AppResult<usize> {
    let o = load(state, p, id).await?;
    p.scope.require_write(o.project_id)?;
    let v = validate(f)?;
    let now = state.clock.now();
    if o.state != crate::activities::model::OccurrenceState::Scheduled || o.starts_at <= now {
        return Err(AppError::conflict(
            "already_started",
            "只能修改尚未开始的活动",
            "Only future dates can be changed",
        ));
    }
    if moved(o.starts_at, v.start) <= now {
        return Err(AppError::field("start", "新的开始时间已经过去"));
    }
    let tx = state.db.write.begin().await?;
    // The dates changed: this one, or this and every later scheduled one of the activity.
    let dates = if v.following {
        store::dates_from(&tx, o.activity_id, o.starts_at).await?
    } else {
        store::dates_by_id(&tx, id).await?
    };
    for d in &dates {
        // Lock each date (as sign-up does) and check the new capacity holds those already confirmed.
        store::lock(&tx, OccurrenceId(d.id)).await?;
        let confirmed = store::confirmed(&tx, OccurrenceId(d.id)).await?;
        if v.capacity > 0 && confirmed > v.capacity as i64 {
            return Err(AppError::conflict(
                "capacity_below_signups",
                format!("{}已有{confirmed}人报名，人数上限不能少于此数", fmt_datetime(d.starts_at)),
                "Capacity below confirmed sign-ups",
            ));
        }
    }
    let first = store::dates_before(&tx, o.activity_id, o.starts_at).await? == 0;
    let target_activity = if !v.following {
        None
    } else if first {
        store::update_activity(&tx, o.activity_id, &v.title, v.place.as_deref(), v.capacity, v.duration).await?;
        // The rule now starts at the new time (later dates the horizon lays out keep it).
        store::series::restart(&tx, o.activity_id, moved(o.starts_at, v.start), None).await?;
        Some(o.activity_id)
    } else {
        // Split: a copy of the activity with the new details takes this and the later dates.
        let new_id = store::copy_activity(
            &tx,
            o.activity_id,
            &v.title,
            v.place.as_deref(),
            v.capacity,
            v.duration,
            p.user_id,
            now,
        )
        .await?;
        // The old series ends before this date; the new one's rule starts here and is laid out as far.
        let mark = store::series::laid_until(&tx, o.activity_id).await?;
        store::series::end(&tx, o.activity_id, o.starts_at - Duration::seconds(1)).await?;
        store::series::restart(&tx, new_id, moved(o.starts_at, v.start), mark).await?;
        Some(new_id)
    };
    let mut told: Vec<PersonId> = Vec::new();
    let mut promoted_all: Vec<(i64, DateTime<Utc>, i64)> = Vec::new();
    for d in &dates {
        let starts = moved(d.starts_at, v.start);
        let ends = starts + Duration::minutes(v.duration);
        match target_activity {
            // One date: its own overrides.
            None => store::override_date(&tx, d.id, &v.title, v.place.as_deref(), v.capacity, starts, ends).await?,
            // The series: the activity's details, no overrides.
            Some(a) => store::move_date(&tx, d.id, a, starts, ends).await?,
        }
        // Its room moves with it (a clash with another booking fails the whole edit).
        if let Some(b) = d.booking_id {
            crate::positions::store::move_booking(&tx, b, starts, ends, now).await.map_err(|e| {
                if e.code == "slot_taken" {
                    AppError::conflict(
                        "slot_taken",
                        format!("{}功能室已被预约，不能改到这个时间", fmt_datetime(starts)),
                        "The room is booked at the new time",
                    )
                } else {
                    e
                }
            })?;
        }
        for person in store::promote(&tx, OccurrenceId(d.id), v.capacity as i64, now).await? {
            promoted_all.push((person, starts, d.id));
        }
        if starts != d.starts_at {
            for person in store::signed_up(&tx, OccurrenceId(d.id)).await? {
                if !told.contains(&person) {
                    told.push(person);
                }
            }
        }
    }
    if let Some(a) = target_activity.filter(|a| *a != o.activity_id) {
        // Skipped later dates go with the rest of the series.
        store::move_skipped_dates(&tx, o.activity_id, a, o.starts_at).await?;
    }
    let new_time = v.start.format("%H:%M").to_string();
    for person in &told {
        let users = notify::users_of_person(&tx, *person).await?;
        notify::to_users(
            &tx,
            &users,
            &notify::Note {
                kind: "activity_changed",
                msg: notify::Msg::new("note.act.time_changed")
                    .text("title", &v.title)
                    .text("from", to_local(o.starts_at).format("%Y-%m-%d"))
                    .text("time", &new_time),
                link: Some(format!("/activities/occurrences/{id}")),
            },
            now,
        )
        .await?;
    }
    for (person, starts, occurrence) in &promoted_all {
        super::actions::tell_promoted(&tx, PersonId(*person), &v.title, *starts, OccurrenceId(*occurrence), now)
            .await?;
    }
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "activity",
            entity_id: Some(target_activity.unwrap_or(o.activity_id)),
            project_id: Some(o.project_id),
            summary: format!(
                "修改「{}」{}{}：{}开始，{}分钟，上限{}",
                o.title,
                fmt_datetime(o.starts_at),
                if v.following { format!("及以后共{}次", dates.len()) } else { "这一次".into() },
                new_time,
                v.duration,
                v.capacity
            ),
        },
    )
    .await?;
    Ok(dates.len())
}

pub async fn edit(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<EditForm>,
) -> AppResult<Redirect> {
    edit_checked(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/activities/occurrences/{id}?msg=saved")))
}
