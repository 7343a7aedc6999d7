//! 联系户 and 先锋岗's use cases: a branch's leaders (those who record its meetings) link a member with
//! households of the branch's project and give members posts; a member logs their own visits (the
//! leaders may log for them). Each write is one transaction ending with its audit line; reading the
//! branch's links is audited (members' names beside households).

use chrono::{Datelike, NaiveDate};
use sea_orm::TransactionTrait;
use serde::Deserialize;

use super::{
    model::{self, StationKind},
    store::{self, Contact, Station, Visit},
};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    error::{AppError, AppResult, FieldError},
    ids::{PersonId, ProjectId},
    party::{
        actions::Access,
        meetings::actions::{may_record, open_to_record},
        store as party,
    },
};

fn year_start(today: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today)
}

/// The branch's project (links and posts are kept by a project's branch).
fn project_of(a: &Access) -> AppResult<ProjectId> {
    a.node.project_id.ok_or_else(|| {
        AppError::conflict("not_a_project_branch", "联系户和党员岗位由项目党支部安排", "Kept by a project's branch")
    })
}

/// A current member of this branch, by the id typed in a form.
async fn member_of(state: &AppState, a: &Access, person: &str) -> AppResult<PersonId> {
    let id = person.trim().parse::<i64>().ok().map(PersonId);
    let m = match id {
        Some(id) => party::current_of(&state.db.read, id).await?,
        None => None,
    };
    m.filter(|m| m.org_id == a.org.id)
        .map(|m| m.person_id)
        .ok_or_else(|| AppError::field("person_id", "请选择本支部的党员"))
}

/// What the branch's leaders see: links in force with the year's visits, the latest visits, the posts.
pub struct Overview {
    pub access: Access,
    pub contacts: Vec<Contact>,
    pub visits: Vec<Visit>,
    pub stations: Vec<Station>,
}

pub async fn overview(state: &AppState, p: &Principal, ctx: &Ctx, org_id: i64) -> AppResult<Overview> {
    let a = open_to_record(state, p, org_id).await?;
    let conn = &state.db.read;
    let today = state.clock.today();
    let contacts = store::of_org(conn, a.org.id, year_start(today)).await?;
    let visits = store::visits_of_org(conn, a.org.id, 50).await?;
    let stations = store::stations_of_org(conn, a.org.id).await?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "party_read",
            entity: "party_contacts",
            entity_id: Some(a.org.id),
            project_id: a.node.project_id,
            summary: format!("查看「{}」党员联系户（{}户）", a.org.name, contacts.len()),
        },
    )
    .await?;
    Ok(Overview { access: a, contacts, visits, stations })
}

fn ended() -> AppError {
    AppError::conflict("already_ended", "这条联系已解除", "This link has ended")
}

/// A member's own: the households they keep in touch with, their latest visits, their posts.
pub async fn mine(state: &AppState, p: &Principal) -> AppResult<(Vec<Contact>, Vec<Visit>, Vec<Station>)> {
    let Some(me) = p.person_id else { return Ok((vec![], vec![], vec![])) };
    let conn = &state.db.read;
    let today = state.clock.today();
    Ok((
        store::of_person(conn, me, year_start(today)).await?,
        store::visits_of_person(conn, me, 20).await?,
        store::stations_of_person(conn, me).await?,
    ))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct LinkForm {
    pub person_id: String,
    /// The household as typed: 「3栋2单元1001」.
    pub household: String,
}

/// Link a member of the branch with a household of its project (at most [`model::MAX_CONTACTS`] each).
pub async fn link(state: &AppState, p: &Principal, ctx: &Ctx, org_id: i64, f: &LinkForm) -> AppResult<i64> {
    let a = open_to_record(state, p, org_id).await?;
    let project = project_of(&a)?;
    let person = member_of(state, &a, &f.person_id).await?;
    let conn = &state.db.read;
    let household = crate::org::store::household_by_label(conn, project, &f.household)
        .await?
        .ok_or_else(|| AppError::field("household", "本项目没有这个房号（如 3栋2单元1001）"))?;
    if store::count_of(conn, person).await? >= model::MAX_CONTACTS as i64 {
        return Err(AppError::conflict(
            "too_many_contacts",
            format!("每位党员联系不超过{}户：请安排给其他党员", model::MAX_CONTACTS),
            "A member keeps in touch with a handful of households at most",
        ));
    }
    let now = state.clock.now();
    let today = state.clock.today();
    let tx = state.db.write.begin().await?;
    let id = store::insert(&tx, a.org.id, person, household, today, Some(p.user_id.get()), now).await?;
    let c = store::one(&tx, id, year_start(today)).await?.ok_or_else(AppError::not_found)?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "party_contact",
            entity_id: Some(id),
            project_id: Some(project),
            summary: format!("安排党员{}联系{}", c.person_name, c.household),
        },
    )
    .await?;
    Ok(id)
}

/// End a link (the member no longer keeps in touch with that household). Returns the branch.
pub async fn unlink(state: &AppState, p: &Principal, ctx: &Ctx, contact: i64) -> AppResult<i64> {
    let today = state.clock.today();
    let c = store::one(&state.db.read, contact, year_start(today)).await?.ok_or_else(AppError::not_found)?;
    let a = open_to_record(state, p, c.org_id).await?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::end(&tx, c.id, today).await? {
        return Err(ended());
    }
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "end",
            entity: "party_contact",
            entity_id: Some(c.id),
            project_id: a.node.project_id,
            summary: format!("结束党员{}联系{}", c.person_name, c.household),
        },
    )
    .await?;
    Ok(a.org.id)
}

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct VisitForm {
    /// YYYY-MM-DD, within a year back; today when empty.
    pub visited_on: String,
    /// door, phone or wechat.
    pub how: String,
    pub note: String,
    pub raised: String,
}

/// Log a visit to a household: the member who keeps in touch with it, or the branch's leaders. Returns
/// (branch, whether the caller is the member).
pub async fn visit(state: &AppState, p: &Principal, ctx: &Ctx, contact: i64, f: &VisitForm) -> AppResult<(i64, bool)> {
    let today = state.clock.today();
    let c = store::one(&state.db.read, contact, year_start(today)).await?.ok_or_else(AppError::not_found)?;
    let own = p.person_id == Some(c.person_id);
    if !own {
        // Another member or a stranger: a number is not a key.
        let a = crate::party::actions::open(state, p, c.org_id).await.map_err(|_| AppError::not_found())?;
        if !may_record(state, p, &a).await? {
            return Err(AppError::not_found());
        }
    }
    if c.until.is_some() {
        return Err(ended());
    }
    let v = model::check_visit(&f.visited_on, &f.how, &f.note, &f.raised, today).map_err(AppError::validation)?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let id = store::insert_visit(&tx, c.id, &v, Some(p.user_id.get()), now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "party_contact_visit",
            entity_id: Some(id),
            project_id: Some(c.project_id),
            summary: format!("记录党员{}走访{}（{}）", c.person_name, c.household, v.visited_on),
        },
    )
    .await?;
    Ok((c.org_id, own))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct StationForm {
    pub person_id: String,
    pub kind: String,
    pub title: String,
    pub since: String,
}

/// Give a member of the branch a 先锋岗 or 示范岗 on its project.
pub async fn add_station(state: &AppState, p: &Principal, ctx: &Ctx, org_id: i64, f: &StationForm) -> AppResult<i64> {
    let a = open_to_record(state, p, org_id).await?;
    let project = project_of(&a)?;
    let mut errors: Vec<FieldError> = Vec::new();
    let person = member_of(state, &a, &f.person_id).await;
    let kind = f.kind.parse::<StationKind>().ok();
    if kind.is_none() {
        errors.push(FieldError::new("kind", "请选择先锋岗或示范岗"));
    }
    let title = model::check_title(&f.title).map_err(|e| errors.push(e)).ok();
    let today = state.clock.today();
    let since = match crate::text::num(&f.since).as_str() {
        "" => Some(today),
        s => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().filter(|d| *d <= today && (today - *d).num_days() <= 3660),
    };
    if since.is_none() {
        errors.push(FieldError::new("since", "上岗日期无效（不晚于今天）"));
    }
    let person = match person {
        Ok(x) => Some(x),
        Err(_) => {
            errors.insert(0, FieldError::new("person_id", "请选择本支部的党员"));
            None
        }
    };
    let (Some(person), Some(kind), Some(title), Some(since)) = (person, kind, title, since) else {
        return Err(AppError::validation(errors));
    };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let id = store::insert_station(
        &tx,
        &store::NewStation { org: a.org.id, person, project: project.get(), kind, title: &title, since },
        Some(p.user_id.get()),
        now,
    )
    .await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "party_station",
            entity_id: Some(id),
            project_id: Some(project),
            summary: format!("设立{}「{title}」", kind.label(ctx.lang)),
        },
    )
    .await?;
    Ok(id)
}

/// End a post. Returns the branch.
pub async fn end_station(state: &AppState, p: &Principal, ctx: &Ctx, id: i64) -> AppResult<i64> {
    let s = store::station(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    let a = open_to_record(state, p, s.org_id).await?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::end_station(&tx, s.id, state.clock.today()).await? {
        return Err(AppError::conflict("already_ended", "这个岗位已撤销", "This post has ended"));
    }
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "end",
            entity: "party_station",
            entity_id: Some(s.id),
            project_id: a.node.project_id,
            summary: format!("撤销{}「{}」（{}）", s.kind.label(ctx.lang), s.title, s.person_name),
        },
    )
    .await?;
    Ok(a.org.id)
}

/// The posts held now on a project: (person, label) — shown beside the people who serve there.
pub async fn stations_at(
    state: &AppState,
    project: i64,
    lang: crate::web::i18n::Lang,
) -> AppResult<Vec<(i64, String)>> {
    Ok(store::stations_at(&state.db.read, project)
        .await?
        .into_iter()
        .map(|s| (s.person_id.get(), format!("{}·{}", s.kind.label(lang), s.title)))
        .collect())
}
