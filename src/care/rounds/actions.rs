//! Festival rounds' use cases. Staff of a project put a round on (its list generated from the care tags
//! of one kind in the same transaction) and see it whole; the volunteers signed up for its activity date
//! see it with family names only, take stops (several at once: all or none), give them back, and mark
//! each delivery with a photo. Every reading is an audit line (it tells who is cared for).

use std::collections::BTreeMap;

use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};

use super::{
    model::{self, Stop},
    store::{self, NewRound, Round, StopRow},
};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    care::model::Tag,
    error::{AppError, AppResult, FieldError},
    ids::ProjectId,
    requests::photos::{self, Upload},
};

/// The caller's part in a round: `staff` of its project (sees everything), or a volunteer signed up for
/// its activity date; anyone else finds nothing.
async fn part(state: &AppState, p: &Principal, r: &Round) -> AppResult<bool> {
    if p.scope.can_write_project(r.project_id) {
        return Ok(true);
    }
    match (r.occurrence_id, p.person_id) {
        (Some(o), Some(me)) if store::signed_up(&state.db.read, o, me).await? => Ok(false),
        _ => Err(AppError::not_found()),
    }
}

/// A stop as the caller sees it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StopLine {
    pub id: i64,
    /// The whole name for staff; family name and 「*」 for volunteers.
    pub name: String,
    pub building: String,
    pub home: String,
    /// `open`, `taken`, `mine` or `delivered`.
    pub state: &'static str,
    pub taker_name: Option<String>,
    pub delivered_at: Option<chrono::DateTime<chrono::Utc>>,
    pub note: Option<String>,
    /// Delivery photos (`/care/stops/{id}/photos/{photo}`).
    pub photos: Vec<i64>,
}

/// Delivered of all, per building.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Building {
    pub name: String,
    pub stops: i64,
    pub delivered: i64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct View {
    pub round: Round,
    pub staff: bool,
    /// Open for taking and delivering today.
    pub open: bool,
    pub buildings: Vec<Building>,
    pub stops: Vec<StopLine>,
}

fn stop_state(s: &StopRow, me: Option<crate::ids::PersonId>) -> Stop {
    match (s.delivered_at, s.taker_person_id) {
        (Some(_), _) => Stop::Delivered,
        (None, Some(t)) => Stop::Taken { mine: Some(t) == me },
        (None, None) => Stop::Open,
    }
}

/// A round with its stops and coverage, as the caller may see it (the read is audited).
pub async fn view(state: &AppState, p: &Principal, ctx: &Ctx, id: i64) -> AppResult<View> {
    let round = store::round(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    let staff = part(state, p, &round).await?;
    let rows = store::stops(&state.db.read, id).await?;
    let pics = store::photos_of_round(&state.db.read, id).await?;
    let mut by: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for s in &rows {
        let e = by.entry(s.building.clone()).or_default();
        e.0 += 1;
        e.1 += i64::from(s.delivered_at.is_some());
    }
    let stops = rows
        .into_iter()
        .map(|s| StopLine {
            state: match stop_state(&s, p.person_id) {
                Stop::Open => "open",
                Stop::Taken { mine: true } => "mine",
                Stop::Taken { mine: false } => "taken",
                Stop::Delivered => "delivered",
            },
            id: s.id,
            name: model::shown_name(&s.person_name, staff),
            building: s.building,
            home: s.home,
            taker_name: s.taker_name,
            delivered_at: s.delivered_at,
            photos: pics.iter().filter(|x| x.stop_id == s.id).map(|x| x.id).collect(),
            note: s.note,
        })
        .collect();
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let summary = format!("查看节日慰问「{}」名单", round.title);
    let entry = Entry {
        action: "care_read",
        entity: "care_round",
        entity_id: Some(id),
        project_id: Some(round.project_id),
        summary,
    };
    audit::commit(tx, ctx, now, entry).await?;
    Ok(View {
        open: model::open_on(round.starts_on, round.ends_on, state.clock.today()).is_ok(),
        buildings: by.into_iter().map(|(name, (stops, delivered))| Building { name, stops, delivered }).collect(),
        stops,
        staff,
        round,
    })
}

/// Rounds the caller takes part in: their projects' (staff) and those whose activity date they signed up for.
pub async fn mine(state: &AppState, p: &Principal) -> AppResult<Vec<Round>> {
    let projects: Vec<ProjectId> = p.scope.write_projects.iter().copied().collect();
    let mut rounds = store::in_projects(&state.db.read, &projects).await?;
    if let Some(me) = p.person_id {
        for r in store::of_volunteer(&state.db.read, me).await? {
            if !rounds.iter().any(|x| x.id == r.id) {
                rounds.push(r);
            }
        }
    }
    Ok(rounds)
}

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct RoundForm {
    pub project_id: String,
    /// 「端午节送粽子」.
    pub title: String,
    /// What is carried: 「粽子两袋」.
    pub gift: String,
    /// The care tag whose residents are visited (`elderly_alone` …).
    pub kind: String,
    pub starts_on: String,
    pub ends_on: String,
    /// The activity date (occurrence id) whose check-in credits the volunteers' hours; optional.
    pub occurrence_id: String,
}

/// Put a round on (staff): its list is every resident of the project with a tag of its kind in force.
pub async fn create(state: &AppState, p: &Principal, ctx: &Ctx, f: &RoundForm) -> AppResult<i64> {
    let project = f.project_id.trim().parse::<i64>().ok().map(ProjectId).filter(|x| p.scope.can_write_project(*x));
    let Some(project) = project else {
        if p.scope.write_projects.is_empty() {
            return Err(AppError::forbidden());
        }
        return Err(AppError::field("project_id", "请选择您负责的项目"));
    };
    let mut errors = Vec::new();
    let title = crate::text::normalize(&f.title);
    if title.is_empty() || title.chars().count() > 60 {
        errors.push(FieldError::new("title", "请填写慰问名称（不超过60字）"));
    }
    let gift = crate::text::normalize(&f.gift);
    if gift.is_empty() || gift.chars().count() > 60 {
        errors.push(FieldError::new("gift", "请填写慰问品（不超过60字）"));
    }
    let kind = f.kind.parse::<Tag>().ok();
    if kind.is_none() {
        errors.push(FieldError::new("kind", "请选择慰问对象的关爱类别"));
    }
    let starts = crate::text::day(&f.starts_on);
    let ends = crate::text::day(&f.ends_on);
    match (starts, ends) {
        (None, _) => errors.push(FieldError::new("starts_on", "请选择开始日期")),
        (_, None) => errors.push(FieldError::new("ends_on", "请选择结束日期")),
        (Some(s), Some(e)) => {
            if let Err(m) = model::days(s, e, state.clock.today()) {
                errors.push(FieldError::new("ends_on", m));
            }
        }
    }
    let occurrence = match f.occurrence_id.trim() {
        "" => None,
        typed => {
            let o = typed.parse::<i64>().ok();
            let here = match o {
                Some(o) => store::occurrence_project(&state.db.read, o).await? == Some(project.get()),
                None => false,
            };
            if !here {
                errors.push(FieldError::new("occurrence_id", "请选择本项目的志愿活动"));
            }
            o
        }
    };
    let (Some(kind), Some(starts_on), Some(ends_on), true) = (kind, starts, ends, errors.is_empty()) else {
        return Err(AppError::validation(errors));
    };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let r = NewRound { project, title: &title, gift: &gift, kind, starts_on, ends_on, occurrence };
    let id = store::insert(&tx, &r, p.user_id.get(), now).await?;
    let n = store::generate(&tx, id, project, kind).await?;
    if n == 0 {
        return Err(AppError::field("kind", "本项目还没有这类关爱对象，请先添加关爱标签"));
    }
    let summary = format!("开展节日慰问「{title}」：{}{n}人", kind.label(ctx.lang));
    let entry =
        Entry { action: "create", entity: "care_round", entity_id: Some(id), project_id: Some(project), summary };
    audit::commit(tx, ctx, now, entry).await?;
    Ok(id)
}

/// Take these stops of a round (a volunteer's part): all of them, or none when one was taken first.
pub async fn take(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, stops: &[i64]) -> AppResult<usize> {
    let round = store::round(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    part(state, p, &round).await?;
    let me = p.person_id.ok_or_else(AppError::forbidden)?;
    model::open_on(round.starts_on, round.ends_on, state.clock.today())?;
    if stops.is_empty() || stops.len() > 200 {
        return Err(AppError::field("stop", "请勾选要认领的住户"));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    for s in stops {
        let row = store::stop(&tx, *s).await?.filter(|r| r.round_id == id).ok_or_else(AppError::not_found)?;
        model::may_take(stop_state(&row, Some(me)))?;
        if !store::take(&tx, *s, me, now).await? {
            return Err(model::may_take(Stop::Taken { mine: false }).unwrap_err().into());
        }
    }
    let summary = format!("认领节日慰问「{}」{}户", round.title, stops.len());
    let entry = Entry {
        action: "update",
        entity: "care_round",
        entity_id: Some(id),
        project_id: Some(round.project_id),
        summary,
    };
    audit::commit(tx, ctx, now, entry).await?;
    Ok(stops.len())
}

/// A stop with its round, when the caller takes part in the round.
async fn stop_in_part(state: &AppState, p: &Principal, stop: i64) -> AppResult<(StopRow, Round, bool)> {
    let s = store::stop(&state.db.read, stop).await?.ok_or_else(AppError::not_found)?;
    let r = store::round(&state.db.read, s.round_id).await?.ok_or_else(AppError::not_found)?;
    let staff = part(state, p, &r).await?;
    Ok((s, r, staff))
}

/// Give back a stop the caller took and has not delivered.
pub async fn release(state: &AppState, p: &Principal, ctx: &Ctx, stop: i64) -> AppResult<i64> {
    let (s, r, _) = stop_in_part(state, p, stop).await?;
    let me = p.person_id.ok_or_else(AppError::forbidden)?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::release(&tx, stop, me).await? {
        return Err(AppError::conflict("stop_not_yours", "这一户不在您认领的名单里", "Not a stop you took"));
    }
    let summary = format!("退回节日慰问「{}」的一户", r.title);
    let entry = Entry {
        action: "update",
        entity: "care_round",
        entity_id: Some(r.id),
        project_id: Some(r.project_id),
        summary,
    };
    audit::commit(tx, ctx, now, entry).await?;
    Ok(s.round_id)
}

/// Settle who may deliver a stop before its photos are read (the page checks this first).
pub async fn may_deliver(state: &AppState, p: &Principal, stop: i64) -> AppResult<()> {
    let (s, r, staff) = stop_in_part(state, p, stop).await?;
    model::open_on(r.starts_on, r.ends_on, state.clock.today())?;
    model::may_deliver(stop_state(&s, p.person_id), staff)?;
    Ok(())
}

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct DeliverForm {
    /// How it went (optional, ≤ 200).
    pub note: String,
}

/// Mark a stop delivered, with at least one photo, in one transaction with the photos.
pub async fn deliver(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    stop: i64,
    f: &DeliverForm,
    uploads: Vec<Upload>,
) -> AppResult<i64> {
    let (s, r, staff) = stop_in_part(state, p, stop).await?;
    let me = p.person_id.ok_or_else(AppError::forbidden)?;
    model::open_on(r.starts_on, r.ends_on, state.clock.today())?;
    model::may_deliver(stop_state(&s, Some(me)), staff)?;
    let note = crate::text::normalize(&f.note);
    if note.chars().count() > 200 {
        return Err(AppError::field("note", "说明不超过200字"));
    }
    if uploads.is_empty() {
        return Err(AppError::field("photo", "请拍一张送达的照片"));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::deliver(&tx, stop, me, staff, Some(note.as_str()).filter(|n| !n.is_empty()), now).await? {
        let st = store::stop(&tx, stop).await?.map(|s| stop_state(&s, Some(me))).unwrap_or(Stop::Delivered);
        return Err(model::may_deliver(st, staff)
            .err()
            .unwrap_or(model::may_take(Stop::Delivered).unwrap_err())
            .into());
    }
    let summary = format!("节日慰问「{}」送达{}", r.title, s.home);
    let entry = Entry {
        action: "update",
        entity: "care_round",
        entity_id: Some(r.id),
        project_id: Some(r.project_id),
        summary,
    };
    photos::commit_with_photos(state, tx, ctx, (store::photos_of(stop), uploads), p.user_id, now, entry).await?;
    Ok(r.id)
}

/// A delivery photo, for those who take part in the round.
pub async fn photo(state: &AppState, p: &Principal, stop: i64, photo: i64) -> AppResult<axum::response::Response> {
    stop_in_part(state, p, stop).await?;
    photos::serve_of(state, &store::photos_of(stop), photo).await
}

/// The ids of a stop's delivery photos.
pub async fn photo_ids(state: &AppState, stop: i64) -> AppResult<Vec<i64>> {
    crate::requests::store::photos::ids_of(&state.db.read, &store::photos_of(stop)).await
}
