//! Custody's use cases. The project's staff set an agreement up for a home (by home and the owner's
//! name), log the keys, record checks (every item looked at, a photo at least) and end it; the people
//! living in the home follow it on the phone; everyone else finds nothing. The hourly job alerts the
//! manager who set it up, once a day, while a check is overdue.

use std::collections::HashMap;

use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};

use super::{
    model::{self, Item, KeyEvent},
    store::{self, Agreement, Check, KeyLine, NewAgreement},
};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    error::{AppError, AppResult, FieldError},
    ids::ProjectId,
    notify,
    requests::photos::{self, Upload},
};

/// The caller's standing on an agreement: `true` for its project's staff, `false` for the home's people.
async fn standing(state: &AppState, p: &Principal, a: &Agreement) -> AppResult<bool> {
    if p.scope.can_write_project(a.project_id) {
        return Ok(true);
    }
    match p.person_id {
        Some(me) if store::lives_in(&state.db.read, me, a.household_id).await? => Ok(false),
        _ => Err(AppError::not_found()),
    }
}

async fn load(state: &AppState, p: &Principal, id: i64) -> AppResult<(Agreement, bool)> {
    let a = store::one(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    let staff = standing(state, p, &a).await?;
    Ok((a, staff))
}

async fn load_staff(state: &AppState, p: &Principal, id: i64) -> AppResult<Agreement> {
    let (a, staff) = load(state, p, id).await?;
    if !staff {
        return Err(AppError::forbidden());
    }
    Ok(a)
}

/// An agreement with when its next check is due and whether it is in force.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Line {
    pub a: Agreement,
    pub due: chrono::NaiveDate,
    pub overdue: bool,
    pub in_force: bool,
    /// The items' words.
    pub items: Vec<String>,
}

fn line(a: Agreement, today: chrono::NaiveDate, lang: crate::web::i18n::Lang) -> Line {
    let due = model::due(a.last_check, a.starts_on, i64::from(a.every_days));
    let in_force = model::may_check(a.starts_on, a.ends_on, a.ended_on, today).is_ok();
    Line {
        overdue: in_force && today > due,
        items: model::items_of(&a.items).iter().map(|i| i.label(lang).to_string()).collect(),
        due,
        in_force,
        a,
    }
}

/// Agreements the caller sees: their projects' (staff) and their own homes'.
pub async fn list(state: &AppState, p: &Principal, lang: crate::web::i18n::Lang) -> AppResult<Vec<Line>> {
    let projects: Vec<ProjectId> = p.scope.write_projects.iter().copied().collect();
    let mut all = store::in_projects(&state.db.read, &projects).await?;
    if let Some(me) = p.person_id {
        for a in store::of_person(&state.db.read, me).await? {
            if !all.iter().any(|x| x.id == a.id) {
                all.push(a);
            }
        }
    }
    let today = state.clock.today();
    let mut lines: Vec<Line> = all.into_iter().map(|a| line(a, today, lang)).collect();
    lines.sort_by_key(|l| (!l.in_force, !l.overdue, l.due));
    Ok(lines)
}

/// One check with its photos.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CheckLine {
    pub c: Check,
    pub problems: Vec<String>,
    pub photos: Vec<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct View {
    pub l: Line,
    pub staff: bool,
    pub keys: Vec<KeyLine>,
    pub checks: Vec<CheckLine>,
}

pub async fn view(state: &AppState, p: &Principal, id: i64, lang: crate::web::i18n::Lang) -> AppResult<View> {
    let (a, staff) = load(state, p, id).await?;
    let conn = &state.db.read;
    let pics = store::check_photos(conn, id).await?;
    let checks = store::checks(conn, id)
        .await?
        .into_iter()
        .map(|c| CheckLine {
            problems: c
                .problems
                .as_deref()
                .map(model::items_of)
                .unwrap_or_default()
                .iter()
                .map(|i| i.label(lang).to_string())
                .collect(),
            photos: pics.iter().filter(|x| x.check_id == c.id).map(|x| x.id).collect(),
            c,
        })
        .collect();
    Ok(View { keys: store::keys(conn, id).await?, checks, staff, l: line(a, state.clock.today(), lang) })
}

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct AgreementForm {
    pub project_id: String,
    /// The home (「1-1-101」) and the owner's name.
    pub room: String,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    /// Items to check (`water`, `gas`, `windows`, `plants`, `power`, `mail`), repeated.
    pub items: Vec<String>,
    /// Days between checks, 1–30.
    pub every_days: String,
    pub note: String,
}

impl AgreementForm {
    /// From a page's form, where the items come as repeated `items` fields.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut f = AgreementForm::default();
        for (k, v) in pairs {
            let v = v.clone();
            match k.as_str() {
                "project_id" => f.project_id = v,
                "room" => f.room = v,
                "name" => f.name = v,
                "starts_on" => f.starts_on = v,
                "ends_on" => f.ends_on = v,
                "items" if f.items.len() < 10 => f.items.push(v),
                "every_days" => f.every_days = v,
                "note" => f.note = v,
                _ => {}
            }
        }
        f
    }
}

/// Set an agreement up (staff of the home's project).
pub async fn create(state: &AppState, p: &Principal, ctx: &Ctx, f: &AgreementForm) -> AppResult<i64> {
    let project = f.project_id.trim().parse::<i64>().ok().map(ProjectId).filter(|x| p.scope.can_write_project(*x));
    let Some(project) = project else {
        if p.scope.write_projects.is_empty() {
            return Err(AppError::forbidden());
        }
        return Err(AppError::field("project_id", "请选择您负责的项目"));
    };
    let conn = &state.db.read;
    let mut errors = Vec::new();
    let name = crate::text::normalize(&f.name);
    let household = crate::org::store::household_by_label(conn, project, &f.room).await?;
    let owner = match household {
        Some(_) => crate::people::store::resident_by_home(conn, project, &f.room, &name).await?,
        None => None,
    };
    if owner.is_none() {
        errors.push(FieldError::new("name", "门牌号与姓名对不上本项目的住户"));
    }
    let (starts, ends) = (crate::text::day(&f.starts_on), crate::text::day(&f.ends_on));
    match (starts, ends) {
        (None, _) => errors.push(FieldError::new("starts_on", "请选择开始日期")),
        (_, None) => errors.push(FieldError::new("ends_on", "请选择结束日期")),
        (Some(s), Some(e)) => {
            if let Err(m) = model::days(s, e, state.clock.today()) {
                errors.push(FieldError::new("ends_on", m));
            }
        }
    }
    let items: Vec<Item> = Item::ALL.iter().copied().filter(|i| f.items.iter().any(|x| x == i.as_str())).collect();
    if items.is_empty() {
        errors.push(FieldError::new("items", "请至少选择一项巡查内容"));
    }
    let every = crate::text::whole_in(&f.every_days, 1..=model::MAX_EVERY);
    if every.is_none() {
        errors.push(FieldError::new("every_days", "巡查间隔填1至30天"));
    }
    let note = crate::text::normalize(&f.note);
    if note.chars().count() > 200 {
        errors.push(FieldError::new("note", "说明不超过200字"));
    }
    let (Some(household), Some(owner), Some(starts_on), Some(ends_on), Some(every), true) =
        (household, owner, starts, ends, every, errors.is_empty())
    else {
        return Err(AppError::validation(errors));
    };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let stored = model::store_items(&items);
    let new = NewAgreement {
        project,
        household,
        owner,
        starts_on,
        ends_on,
        items: &stored,
        every_days: every,
        note: Some(note.as_str()).filter(|n| !n.is_empty()),
    };
    let id = store::insert(&tx, &new, p.user_id.get(), now).await?;
    let summary = format!("户内托管：{name}家（{starts_on}至{ends_on}，每{every}天巡查）");
    let entry = Entry { action: "create", entity: "custody", entity_id: Some(id), project_id: Some(project), summary };
    audit::commit(tx, ctx, now, entry).await?;
    Ok(id)
}

/// Settle that the caller keeps this agreement (before an upload is read).
pub async fn keeps(state: &AppState, p: &Principal, id: i64) -> AppResult<()> {
    load_staff(state, p, id).await.map(|_| ())
}

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct KeyForm {
    /// `received` or `returned`.
    pub event: String,
    /// Who handed the keys over or took them back, as they signed.
    pub party: String,
    pub note: String,
}

/// A key log line (staff), with an optional photo of the signed slip.
pub async fn key(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i64,
    fields: &HashMap<String, String>,
    uploads: Vec<Upload>,
) -> AppResult<()> {
    let a = load_staff(state, p, id).await?;
    let get = |k: &str| crate::text::normalize(fields.get(k).map(String::as_str).unwrap_or(""));
    let mut errors = Vec::new();
    let event = get("event").parse::<KeyEvent>().ok();
    if event.is_none() {
        errors.push(FieldError::new("event", "请选择交接方向"));
    }
    let party = get("party");
    if party.is_empty() || party.chars().count() > 40 {
        errors.push(FieldError::new("party", "请填写交接人（签字人）姓名"));
    }
    let note = get("note");
    if note.chars().count() > 200 {
        errors.push(FieldError::new("note", "说明不超过200字"));
    }
    // Keys are received once and returned once at a time.
    match (event, a.keys_held) {
        (Some(KeyEvent::Received), true) => errors.push(FieldError::new("event", "钥匙已在物业，请先登记归还")),
        (Some(KeyEvent::Returned), false) => errors.push(FieldError::new("event", "物业没有保管这户的钥匙")),
        _ => {}
    }
    let (Some(event), true) = (event, errors.is_empty()) else {
        return Err(AppError::validation(errors));
    };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let kid =
        store::insert_key(&tx, id, event, &party, Some(note.as_str()).filter(|n| !n.is_empty()), p.person_id, now)
            .await?;
    let summary = format!("户内托管钥匙{}：{}，交接人{party}", event.label(ctx.lang), a.home);
    let entry =
        Entry { action: "update", entity: "custody", entity_id: Some(id), project_id: Some(a.project_id), summary };
    photos::commit_with_photos(state, tx, ctx, (store::photos_of_key(kid), uploads), p.user_id, now, entry).await
}

/// Record today's check (staff): every item of the agreement looked at (`ok_<item>` ticked when fine),
/// a note when something is wrong, at least one photo; refused on an agreement ended or not started.
pub async fn check(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i64,
    fields: &HashMap<String, String>,
    uploads: Vec<Upload>,
) -> AppResult<i64> {
    let a = load_staff(state, p, id).await?;
    let today = state.clock.today();
    model::may_check(a.starts_on, a.ends_on, a.ended_on, today)?;
    let problems: Vec<Item> =
        model::items_of(&a.items).into_iter().filter(|i| !fields.contains_key(&format!("ok_{}", i.as_str()))).collect();
    let note = crate::text::normalize(fields.get("note").map(String::as_str).unwrap_or(""));
    let mut errors = Vec::new();
    if note.chars().count() > 500 {
        errors.push(FieldError::new("note", "记录不超过500字"));
    } else if !problems.is_empty() && note.is_empty() {
        errors.push(FieldError::new("note", "有未勾选的项目，请写明发现的问题"));
    }
    if uploads.is_empty() {
        errors.push(FieldError::new("photo", "请至少拍一张巡查照片"));
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let stored = Some(model::store_items(&problems)).filter(|s| !s.is_empty());
    let cid = store::insert_check(
        &tx,
        id,
        today,
        p.person_id,
        stored.as_deref(),
        Some(note.as_str()).filter(|n| !n.is_empty()),
        now,
    )
    .await?;
    // The people of the home hear of every check.
    let owners = notify::users_of_person(&tx, a.owner_person_id).await?;
    let msg = notify::Msg::new(if problems.is_empty() { "note.custody.checked" } else { "note.custody.problem" })
        .text("home", &a.home);
    notify::to_users(&tx, &owners, &notify::Note { kind: "custody", msg, link: Some(format!("/custody/{id}")) }, now)
        .await?;
    let summary = format!("户内托管巡查：{}（问题{}项）", a.home, problems.len());
    let entry =
        Entry { action: "update", entity: "custody", entity_id: Some(id), project_id: Some(a.project_id), summary };
    photos::commit_with_photos(state, tx, ctx, (store::photos_of_check(cid), uploads), p.user_id, now, entry).await?;
    Ok(cid)
}

/// End an agreement early (staff): no more checks.
pub async fn end(state: &AppState, p: &Principal, ctx: &Ctx, id: i64) -> AppResult<()> {
    let a = load_staff(state, p, id).await?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::end(&tx, id, state.clock.today()).await? {
        return Err(AppError::conflict("custody_ended", "托管已经结束", "The custody has ended"));
    }
    let summary = format!("结束户内托管：{}", a.home);
    let entry =
        Entry { action: "end", entity: "custody", entity_id: Some(id), project_id: Some(a.project_id), summary };
    audit::commit(tx, ctx, now, entry).await?;
    Ok(())
}

/// A check's photo, for the staff and the home's people.
pub async fn photo(state: &AppState, p: &Principal, check: i64, photo: i64) -> AppResult<axum::response::Response> {
    let id = store::agreement_of_check(&state.db.read, check).await?.ok_or_else(AppError::not_found)?;
    load(state, p, id).await?;
    photos::serve_of(state, &store::photos_of_check(check), photo).await
}

/// The job: alert the manager who set an agreement up, once a day, while its check is overdue.
pub async fn alert_missed(state: &AppState, now: chrono::DateTime<chrono::Utc>) -> AppResult<usize> {
    let today = crate::clock::to_local(now).date();
    let mut n = 0;
    for a in store::in_force(&state.db.read, today).await? {
        let due = model::due(a.last_check, a.starts_on, i64::from(a.every_days));
        if !model::alert(due, a.ends_on, a.ended_on.is_some(), today, a.alerted_on) {
            continue;
        }
        let tx = state.db.write.begin().await?;
        if !store::mark_alerted(&tx, a.id, today).await? {
            tx.rollback().await?;
            continue;
        }
        let users: Vec<i64> = a.created_by.into_iter().collect();
        let msg = notify::Msg::new("note.custody.missed").text("home", &a.home).text("days", (today - due).num_days());
        notify::to_users(
            &tx,
            &users,
            &notify::Note { kind: "custody", msg, link: Some(format!("/custody/{}", a.id)) },
            now,
        )
        .await?;
        tx.commit().await?;
        n += 1;
    }
    Ok(n)
}
