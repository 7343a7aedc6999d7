//! Care's use cases. A care tag is sensitive personal information: it is seen only by the staff of the
//! resident's project and the grid members whose grid holds their home (the care duty), and every read
//! is written to the audit log. Staff give and end tags (by home and name); anyone with the duty sets
//! the plan (every how many days, taking it on as visitor) and records visits; the hourly job reminds
//! the visitor once a day while a visit is overdue.

use chrono::NaiveDate;
use sea_orm::TransactionTrait;
use serde::Deserialize;

use super::{
    model::{self, How, Tag, Wellbeing},
    store::{self, CareTag, NewTag, NewVisit, Visit},
};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    error::{AppError, AppResult, FieldError},
    ids::ProjectId,
    notify,
};

/// Has the caller a care duty for this tag: staff of its project, or a grid member whose grid holds
/// the home?
pub fn may_care(p: &Principal, t: &CareTag) -> bool {
    p.scope.can_write_project(t.project_id)
        || t.microgrid_path.as_deref().is_some_and(|mp| p.scope.grid_paths.iter().any(|g| mp.starts_with(g.as_str())))
}

/// One line of the care list: the tag, when the next visit is due and how many days late it is.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Line {
    pub tag: CareTag,
    pub due: NaiveDate,
    pub overdue_days: i64,
}

fn line(tag: CareTag, today: NaiveDate) -> Line {
    let due = model::due(tag.last_visit, tag.since, i64::from(tag.every_days));
    Line { overdue_days: model::overdue(due, today), due, tag }
}

/// The care list in the caller's duty, most overdue first (the read is audited).
pub async fn list(state: &AppState, p: &Principal, ctx: &Ctx) -> AppResult<Vec<Line>> {
    let conn = &state.db.read;
    let writable: Vec<ProjectId> = p.scope.write_projects.iter().copied().collect();
    let mut tags = store::in_projects(conn, &writable).await?;
    for t in store::in_grids(conn, &p.scope.grid_paths).await? {
        if !tags.iter().any(|x| x.id == t.id) {
            tags.push(t);
        }
    }
    let today = state.clock.today();
    let mut lines: Vec<Line> = tags.into_iter().map(|t| line(t, today)).collect();
    lines.sort_by(|a, b| b.overdue_days.cmp(&a.overdue_days).then(a.due.cmp(&b.due)));
    if !lines.is_empty() {
        let now = state.clock.now();
        let tx = state.db.write.begin().await?;
        let summary = format!("查看关爱对象名单（{}人次）", lines.len());
        audit::commit(
            tx,
            ctx,
            now,
            Entry { action: "care_read", entity: "care_tags", entity_id: None, project_id: None, summary },
        )
        .await?;
    }
    Ok(lines)
}

/// The care list of one grid area for a caller with a care duty there — a grid member whose grid holds
/// it — most overdue first, the read audited; None without the duty (a cadre or admin sees no names).
pub async fn in_area(state: &AppState, p: &Principal, ctx: &Ctx, area: &str) -> AppResult<Option<Vec<Line>>> {
    if !p.scope.grid_paths.iter().any(|g| area.starts_with(g.as_str())) {
        return Ok(None);
    }
    let tags = store::in_grids(&state.db.read, &[area.to_string()]).await?;
    let today = state.clock.today();
    let mut lines: Vec<Line> = tags.into_iter().map(|t| line(t, today)).collect();
    lines.sort_by(|a, b| b.overdue_days.cmp(&a.overdue_days).then(a.due.cmp(&b.due)));
    if !lines.is_empty() {
        let now = state.clock.now();
        let tx = state.db.write.begin().await?;
        let summary = format!("查看网格关爱对象（{}人次）", lines.len());
        let entry = Entry { action: "care_read", entity: "care_tags", entity_id: None, project_id: None, summary };
        audit::commit(tx, ctx, now, entry).await?;
    }
    Ok(Some(lines))
}

/// Projects where the caller may give tags (staff).
pub async fn projects(state: &AppState, p: &Principal) -> AppResult<Vec<(i64, String)>> {
    let ids = p.scope.write_projects.iter().take(50).map(|x| crate::ids::NodeId(x.get()));
    Ok(crate::org::store::nodes(&state.db.read, ids).await?.into_iter().map(|n| (n.id, n.name)).collect())
}

/// A tag in the caller's duty with its visits (the read is audited).
pub async fn open(state: &AppState, p: &Principal, ctx: &Ctx, id: i64) -> AppResult<(Line, Vec<Visit>, bool)> {
    let t = store::one(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    if !may_care(p, &t) {
        return Err(AppError::not_found());
    }
    let visits = store::visits(&state.db.read, id).await?;
    let staff = p.scope.can_write_project(t.project_id);
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let summary = format!("查看关爱对象{}的关爱记录", t.person_name);
    audit::commit(
        tx,
        ctx,
        now,
        Entry { action: "care_read", entity: "care_tag", entity_id: Some(id), project_id: Some(t.project_id), summary },
    )
    .await?;
    Ok((line(t, state.clock.today()), visits, staff))
}

async fn in_duty(state: &AppState, p: &Principal, id: i64) -> AppResult<CareTag> {
    let t = store::one(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    if !may_care(p, &t) {
        return Err(AppError::not_found());
    }
    Ok(t)
}

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct TagForm {
    pub project_id: String,
    /// The resident's home (「1-1-101」) and name.
    pub room: String,
    pub name: String,
    pub kind: String,
    pub note: String,
}

/// Give a resident of the caller's project a care tag (the plan starts from the kind's default).
pub async fn create(state: &AppState, p: &Principal, ctx: &Ctx, f: &TagForm) -> AppResult<i64> {
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
    let person = match household {
        Some(_) => crate::people::store::resident_by_home(conn, project, &f.room, &name).await?,
        None => None,
    };
    if person.is_none() {
        errors.push(FieldError::new("name", "门牌号与姓名对不上本项目的住户"));
    }
    let kind = f.kind.parse::<Tag>().ok();
    if kind.is_none() {
        errors.push(FieldError::new("kind", "请选择关爱类别"));
    }
    let note = crate::text::normalize(&f.note);
    if note.chars().count() > 200 {
        errors.push(FieldError::new("note", "说明不超过200字"));
    }
    let (Some(household), Some(person), Some(kind), true) = (household, person, kind, errors.is_empty()) else {
        return Err(AppError::validation(errors));
    };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let new = NewTag {
        person,
        project,
        household,
        kind,
        note: Some(note.as_str()).filter(|n| !n.is_empty()),
        since: state.clock.today(),
        every_days: model::default_every(kind),
        visitor: None,
    };
    let id = store::insert(&tx, &new, p.user_id.get(), now).await?;
    let summary = format!("为{name}添加关爱标签「{}」", kind.label(ctx.lang));
    audit::commit(
        tx,
        ctx,
        now,
        Entry { action: "create", entity: "care_tag", entity_id: Some(id), project_id: Some(project), summary },
    )
    .await?;
    Ok(id)
}

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct PlanForm {
    /// Days between visits, 1–90.
    pub every_days: String,
    /// `me` to take the visits on.
    pub visitor: String,
}

pub async fn plan(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, f: &PlanForm) -> AppResult<()> {
    let t = in_duty(state, p, id).await?;
    let every = crate::text::whole_in(&f.every_days, 1..=model::MAX_EVERY)
        .ok_or_else(|| AppError::field("every_days", "走访间隔填1至90天"))?;
    let visitor = if f.visitor == "me" { p.person_id } else { t.visitor_person_id };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    store::set_plan(&tx, id, every, visitor).await?;
    let summary = format!("关爱走访计划：{}每{every}天", t.person_name);
    audit::commit(
        tx,
        ctx,
        now,
        Entry { action: "update", entity: "care_tag", entity_id: Some(id), project_id: Some(t.project_id), summary },
    )
    .await?;
    Ok(())
}

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct VisitForm {
    /// `in_person` or `phone`.
    pub how: String,
    /// `good`, `fair` or `poor`.
    pub wellbeing: String,
    /// What was found and what they need (required when `poor`).
    pub note: String,
}

/// Record a care visit made today by the caller.
pub async fn visit(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, f: &VisitForm) -> AppResult<i64> {
    let t = in_duty(state, p, id).await?;
    let me = p.person_id.ok_or_else(AppError::forbidden)?;
    let mut errors = Vec::new();
    let how = f.how.parse::<How>().ok();
    if how.is_none() {
        errors.push(FieldError::new("how", "请选择走访方式"));
    }
    let wellbeing = f.wellbeing.parse::<Wellbeing>().ok();
    if wellbeing.is_none() {
        errors.push(FieldError::new("wellbeing", "请选择老人的状况"));
    }
    let note = crate::text::normalize(&f.note);
    if note.chars().count() > 500 {
        errors.push(FieldError::new("note", "记录不超过500字"));
    } else if wellbeing == Some(Wellbeing::Poor) && note.is_empty() {
        errors.push(FieldError::new("note", "状况不好时请写明需要什么帮助"));
    }
    let (Some(how), Some(wellbeing), true) = (how, wellbeing, errors.is_empty()) else {
        return Err(AppError::validation(errors));
    };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let v = NewVisit {
        tag: id,
        visitor: me,
        day: state.clock.today(),
        how,
        wellbeing,
        note: Some(note.as_str()).filter(|n| !n.is_empty()),
    };
    let vid = store::insert_visit(&tx, &v, p.user_id.get(), now).await?;
    let summary = format!("关爱走访{}（{}，{}）", t.person_name, how.label(ctx.lang), wellbeing.label(ctx.lang));
    audit::commit(
        tx,
        ctx,
        now,
        Entry { action: "create", entity: "care_visit", entity_id: Some(vid), project_id: Some(t.project_id), summary },
    )
    .await?;
    Ok(vid)
}

/// A visit with needs written down, in the caller's duty, and its tag.
async fn visit_with_needs(state: &AppState, p: &Principal, id: i64) -> AppResult<(store::VisitRef, CareTag, String)> {
    let v = store::visit(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    let t = in_duty(state, p, v.tag_id).await?;
    let needs =
        v.note.clone().filter(|n| !n.is_empty()).ok_or_else(|| {
            AppError::conflict("no_needs", "这次走访没有记录需要的帮助", "The visit records no needs")
        })?;
    Ok((v, t, needs))
}

fn already(what: &'static str) -> AppError {
    AppError::conflict(what, "这次走访的需求已经转办过了", "The visit's needs were passed on already")
}

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct NeedsForm {
    /// The request category of the resident's project.
    pub category_id: String,
}

/// A visit's needs become a request (C1) for the resident's home, filed by the visitor (a grid member's
/// channel when they are not the project's staff); the visit remembers it, so it is filed once.
pub async fn to_request(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, f: &NeedsForm) -> AppResult<i64> {
    use crate::requests::model::{Channel, Kind};
    let (v, t, needs) = visit_with_needs(state, p, id).await?;
    if v.request_id.is_some() {
        return Err(already("needs_filed"));
    }
    let categories = crate::requests::store::categories(&state.db.read, t.project_id).await?;
    let category = f
        .category_id
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|c| categories.iter().find(|x| x.id == c))
        .ok_or_else(|| AppError::field("category_id", "请选择诉求类别"))?;
    let channel = if p.scope.can_write_project(t.project_id) { Channel::StaffWalkIn } else { Channel::GridMember };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let filing = crate::requests::actions::Filing {
        category,
        kind: Kind::Repair,
        channel,
        description: format!("【关爱走访】{}：{needs}", t.person_name),
        household_id: Some(crate::ids::HouseholdId(t.household_id)),
        building_id: None,
        unit_id: None,
        spot_id: None,
        location_text: Some(t.home.clone()),
        reporter_person_id: Some(t.person_id),
        created_by: Some(p.user_id),
        lat: None,
        lng: None,
        open311_token: None,
        actor: ctx.actor(),
        audit_detail: channel.zh().to_string(),
    };
    let request = crate::requests::actions::file_in(&tx, ctx, filing, None, now).await?;
    if !store::link_request(&tx, id, request).await? {
        return Err(already("needs_filed"));
    }
    tx.commit().await?;
    Ok(request)
}

/// A visit's needs become a 微心愿 posted for the resident (others may claim and fulfil it); once.
pub async fn to_wish(state: &AppState, p: &Principal, ctx: &Ctx, id: i64) -> AppResult<i64> {
    let (v, t, needs) = visit_with_needs(state, p, id).await?;
    if v.wish_id.is_some() {
        return Err(already("needs_wished"));
    }
    let text: String = needs.chars().take(200).collect();
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let w = crate::wishes::store::NewWish {
        project_id: t.project_id,
        person_id: t.person_id,
        household_id: Some(t.household_id),
        text: &text,
        posted_by: p.user_id.get(),
    };
    let wish = crate::wishes::store::insert(&tx, &w, now).await?;
    if !store::link_wish(&tx, id, wish).await? {
        return Err(already("needs_wished"));
    }
    let summary = format!("关爱走访需求转为微心愿：{text}");
    audit::commit(
        tx,
        ctx,
        now,
        Entry { action: "create", entity: "wish", entity_id: Some(wish), project_id: Some(t.project_id), summary },
    )
    .await?;
    Ok(wish)
}

/// The request categories of a tag's project (the needs form).
pub async fn categories(state: &AppState, t: &CareTag) -> AppResult<Vec<(i64, String)>> {
    let cs = crate::requests::store::categories(&state.db.read, t.project_id).await?;
    Ok(cs.into_iter().map(|c| (c.id, c.name)).collect())
}

/// End a tag (staff): it leaves the care list; its visits stay.
pub async fn end(state: &AppState, p: &Principal, ctx: &Ctx, id: i64) -> AppResult<()> {
    let t = in_duty(state, p, id).await?;
    p.scope.require_write(t.project_id)?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::end(&tx, id, state.clock.today()).await? {
        return Err(AppError::conflict("care_tag_ended", "这项关爱标签已经结束", "The tag has ended"));
    }
    let summary = format!("结束{}的关爱标签「{}」", t.person_name, t.kind.label(ctx.lang));
    audit::commit(
        tx,
        ctx,
        now,
        Entry { action: "end", entity: "care_tag", entity_id: Some(id), project_id: Some(t.project_id), summary },
    )
    .await?;
    Ok(())
}

/// The job: remind each visitor once a day of a visit overdue. Returns how many were reminded.
pub async fn remind_overdue(state: &AppState, now: chrono::DateTime<chrono::Utc>) -> AppResult<usize> {
    let today = crate::clock::to_local(now).date();
    let mut n = 0;
    for t in store::all_in_force(&state.db.read).await? {
        let due = model::due(t.last_visit, t.since, i64::from(t.every_days));
        let Some(visitor) = t.visitor_person_id else { continue };
        if !model::remind(due, today, t.reminded_on) {
            continue;
        }
        let tx = state.db.write.begin().await?;
        if !store::mark_reminded(&tx, t.id, today).await? {
            tx.rollback().await?;
            continue;
        }
        let users = notify::users_of_person(&tx, visitor).await?;
        let msg =
            notify::Msg::new("note.care.overdue").text("name", &t.person_name).text("days", model::overdue(due, today));
        notify::to_users(
            &tx,
            &users,
            &notify::Note { kind: "care", msg, link: Some(format!("/care/tags/{}", t.id)) },
            now,
        )
        .await?;
        tx.commit().await?;
        n += 1;
    }
    Ok(n)
}
