//! 联建's use cases. Who may do what: anyone who may read either organisation's node reads the agreement;
//! the project's writers act for the company side (create it, link activities, keep the lists, assess),
//! the community's cadres for the government side (keep the lists, assess). Each change is one audited
//! transaction.

use chrono::{Datelike, NaiveDate};
use sea_orm::TransactionTrait;

use super::{
    model::{self, List, Side, Status, TermError},
    store::{self, Agreement, Assessment, Item, Joint, NewAgreement, NewItem},
};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    error::{AppError, AppResult, FieldError},
    ids::ProjectId,
    org::store::{self as org, Node},
    party::store as party,
};

pub struct Access {
    pub a: Agreement,
    pub project: Node,
    pub community: Node,
    /// Acts for the company side (the project's writers).
    pub company: bool,
    /// Acts for the government side (the community's cadres).
    pub government: bool,
}

fn readable(p: &Principal, n: &Node, paths: &[(String, Option<String>)]) -> bool {
    org::node_writable(p, n) || org::node_readable(p, n, paths) || org::cadre_over(p, n)
}

pub async fn open(state: &AppState, p: &Principal, id: i64) -> AppResult<Access> {
    let conn = &state.db.read;
    let a = store::one(conn, id).await?.ok_or_else(AppError::not_found)?;
    let project = org::node(conn, a.project_node_id).await?.ok_or_else(AppError::not_found)?;
    let community = org::node(conn, a.community_node_id).await?.ok_or_else(AppError::not_found)?;
    let paths = org::readable_project_paths(conn, p).await?;
    if !(readable(p, &project, &paths) || readable(p, &community, &paths)) {
        return Err(AppError::not_found());
    }
    Ok(Access {
        company: org::node_writable(p, &project),
        government: org::cadre_over(p, &community),
        a,
        project,
        community,
    })
}

/// The agreements the caller may read: the nodes loaded in one query, not one per agreement.
pub async fn visible(state: &AppState, p: &Principal) -> AppResult<Vec<Agreement>> {
    let conn = &state.db.read;
    let all = store::all(conn).await?;
    let mut ids: Vec<i64> = all.iter().flat_map(|a| [a.project_node_id, a.community_node_id]).collect();
    ids.sort_unstable();
    ids.dedup();
    let nodes = org::nodes(conn, ids.into_iter().map(crate::ids::NodeId)).await?;
    let paths = org::readable_project_paths(conn, p).await?;
    let ok = |id: i64| nodes.iter().find(|n| n.id == id).is_some_and(|n| readable(p, n, &paths));
    Ok(all.into_iter().filter(|a| ok(a.project_node_id) || ok(a.community_node_id)).collect())
}

/// The organisations an agreement may be made between, for the caller: the project branches they may
/// change, and every 社区党委 and 街道党工委.
pub struct Parties {
    pub projects: Vec<(i64, String)>,
    pub communities: Vec<(i64, String)>,
    pub streets: Vec<(i64, String)>,
}

pub async fn parties(state: &AppState, p: &Principal) -> AppResult<Parties> {
    let conn = &state.db.read;
    let orgs = party::all_orgs(conn).await?;
    let mut ids: Vec<i64> = orgs.iter().map(|o| o.node_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let nodes = org::nodes(conn, ids.into_iter().map(crate::ids::NodeId)).await?;
    let writable = |node: i64| nodes.iter().find(|n| n.id == node).is_some_and(|n| org::node_writable(p, n));
    let of = |kind: &str| -> Vec<(i64, String)> {
        orgs.iter().filter(|o| o.kind == kind).map(|o| (o.id, format!("{} · {}", o.node_name, o.name))).collect()
    };
    Ok(Parties {
        projects: orgs
            .iter()
            .filter(|o| o.kind == "project_branch" && writable(o.node_id))
            .map(|o| (o.id, format!("{} · {}", o.node_name, o.name)))
            .collect(),
        communities: of("community_committee"),
        streets: of("street_work_committee"),
    })
}

#[derive(Default, Clone, Debug, serde::Deserialize)]
#[serde(default)]
pub struct AgreementForm {
    pub project_org_id: String,
    pub community_org_id: String,
    pub street_org_id: String,
    pub title: String,
    pub signed_on: String,
    pub starts_on: String,
    pub ends_on: String,
    pub by_community: String,
    pub by_company: String,
    pub by_owners: String,
    pub by_members: String,
}

fn date(s: &str) -> Option<NaiveDate> {
    crate::text::day(s)
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Sign an agreement (recorded by the project side): organisations of the right kinds, a term that ends
/// after it starts, commitments of at most 2,000 characters each.
pub async fn create(state: &AppState, p: &Principal, ctx: &Ctx, f: &AgreementForm) -> AppResult<i64> {
    let ps = parties(state, p).await?;
    if ps.projects.is_empty() {
        return Err(AppError::forbidden());
    }
    let mut errors = Vec::new();
    let pick =
        |s: &str, list: &[(i64, String)]| s.trim().parse::<i64>().ok().filter(|id| list.iter().any(|x| x.0 == *id));
    let project = pick(&f.project_org_id, &ps.projects);
    if project.is_none() {
        errors.push(FieldError::new("project_org_id", "请选择本项目的党组织"));
    }
    let community = pick(&f.community_org_id, &ps.communities);
    if community.is_none() {
        errors.push(FieldError::new("community_org_id", "请选择社区党委"));
    }
    let street = match f.street_org_id.trim() {
        "" => None,
        s => match pick(s, &ps.streets) {
            Some(id) => Some(id),
            None => {
                errors.push(FieldError::new("street_org_id", "请选择街道党工委"));
                None
            }
        },
    };
    let title = crate::text::normalize(&f.title);
    if title.is_empty() || title.chars().count() > 100 {
        errors.push(FieldError::new("title", "请填写协议名称（不超过100字）"));
    }
    for (field, text) in [
        ("by_community", &f.by_community),
        ("by_company", &f.by_company),
        ("by_owners", &f.by_owners),
        ("by_members", &f.by_members),
    ] {
        if text.chars().count() > 2000 {
            errors.push(FieldError::new(field, "不超过2000字"));
        }
    }
    let (signed, starts, ends) = (date(&f.signed_on), date(&f.starts_on), date(&f.ends_on));
    for (field, d) in [("signed_on", signed), ("starts_on", starts), ("ends_on", ends)] {
        if d.is_none() {
            errors.push(FieldError::new(field, "请填写日期"));
        }
    }
    if let (Some(s), Some(a), Some(b)) = (signed, starts, ends) {
        match model::check_term(s, a, b, state.clock.today()) {
            Ok(()) => {}
            Err(TermError::EndsBeforeStart) => errors.push(FieldError::new("ends_on", "协议结束日期须晚于开始日期")),
            Err(TermError::Signed) => errors.push(FieldError::new("signed_on", "签订日期不能晚于今天")),
            Err(TermError::TooLong) => errors.push(FieldError::new("ends_on", "协议期限不超过10年")),
        }
    }
    let (Some(project), Some(community), Some(signed_on), Some(starts_on), Some(ends_on), true) =
        (project, community, signed, starts, ends, errors.is_empty())
    else {
        return Err(AppError::validation(errors));
    };
    let now = state.clock.now();
    let (c1, c2, c3, c4) = (opt(&f.by_community), opt(&f.by_company), opt(&f.by_owners), opt(&f.by_members));
    let tx = state.db.write.begin().await?;
    let id = store::insert(
        &tx,
        &NewAgreement {
            project_org_id: project,
            community_org_id: community,
            street_org_id: street,
            title: &title,
            signed_on,
            starts_on,
            ends_on,
            by_community: c1.as_deref(),
            by_company: c2.as_deref(),
            by_owners: c3.as_deref(),
            by_members: c4.as_deref(),
            created_by: Some(p.user_id.get()),
        },
        now,
    )
    .await?;
    let node = party::org(&tx, project).await?.map(|o| o.node_id);
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "joint_agreement",
            entity_id: Some(id),
            project_id: node.map(ProjectId),
            summary: format!("签订联建协议「{title}」（{starts_on} 至 {ends_on}）"),
        },
    )
    .await?;
    Ok(id)
}

#[derive(Default, Clone, Debug, serde::Deserialize)]
#[serde(default)]
pub struct ItemForm {
    pub list: String,
    pub side: String,
    pub title: String,
    pub owner: String,
    pub due_on: String,
}

/// Add to one of the three lists (either side).
pub async fn add_item(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, f: &ItemForm) -> AppResult<i64> {
    let x = open(state, p, id).await?;
    if !(x.company || x.government) {
        return Err(AppError::forbidden());
    }
    let mut errors = Vec::new();
    let list = f.list.parse::<List>().ok();
    if list.is_none() {
        errors.push(FieldError::new("list", "请选择清单"));
    }
    let side = match f.side.trim() {
        "" => None,
        s => match s.parse::<Side>() {
            Ok(s) => Some(s),
            Err(_) => {
                errors.push(FieldError::new("side", "请选择提供方"));
                None
            }
        },
    };
    let title = crate::text::normalize(&f.title);
    if title.is_empty() || title.chars().count() > 100 {
        errors.push(FieldError::new("title", "请填写内容（不超过100字）"));
    }
    let owner = crate::text::normalize(&f.owner);
    if owner.chars().count() > 60 {
        errors.push(FieldError::new("owner", "负责人不超过60字"));
    }
    let due_on = match f.due_on.trim() {
        "" => None,
        s => match date(s) {
            Some(d) if d.year() >= 2000 && d.year() <= 2100 => Some(d),
            _ => {
                errors.push(FieldError::new("due_on", "完成时限无效"));
                None
            }
        },
    };
    let (Some(list), true) = (list, errors.is_empty()) else {
        return Err(AppError::validation(errors));
    };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let item = store::insert_item(
        &tx,
        &NewItem {
            agreement_id: x.a.id,
            list,
            side,
            title: &title,
            owner: (!owner.is_empty()).then_some(owner.as_str()),
            due_on,
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
            entity: "joint_item",
            entity_id: Some(item),
            project_id: x.project.project_id,
            summary: format!("「{}」{}：{title}", x.a.title, list.label(crate::web::i18n::Lang::Zh)),
        },
    )
    .await?;
    Ok(item)
}

#[derive(Default, Clone, Debug, serde::Deserialize)]
#[serde(default)]
pub struct StatusForm {
    pub status: String,
    pub outcome: String,
}

/// Move a joint project on (计划 → 进行中 → 已完成) with its outcomes; returns the agreement.
pub async fn set_status(state: &AppState, p: &Principal, ctx: &Ctx, item: i64, f: &StatusForm) -> AppResult<i64> {
    let it: Item = store::item(&state.db.read, item).await?.ok_or_else(AppError::not_found)?;
    let x = open(state, p, it.agreement_id).await?;
    if !(x.company || x.government) {
        return Err(AppError::forbidden());
    }
    if it.list != List::Project {
        return Err(AppError::conflict("not_a_project", "只有项目清单有进度", "Only joint projects have a status"));
    }
    let status = f.status.parse::<Status>().map_err(|_| AppError::field("status", "请选择进度"))?;
    let outcome = f.outcome.trim();
    if outcome.chars().count() > 2000 {
        return Err(AppError::field("outcome", "成效不超过2000字"));
    }
    let now = state.clock.now();
    let done = model::done_on(it.done_on, status, state.clock.today());
    let tx = state.db.write.begin().await?;
    store::set_status(&tx, it.id, status, (!outcome.is_empty()).then_some(outcome), done).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "joint_item",
            entity_id: Some(it.id),
            project_id: x.project.project_id,
            summary: format!("「{}」项目「{}」：{}", x.a.title, it.title, status.label(crate::web::i18n::Lang::Zh)),
        },
    )
    .await?;
    Ok(x.a.id)
}

#[derive(Default, Clone, Debug, serde::Deserialize)]
#[serde(default)]
pub struct LinkForm {
    pub activity_id: String,
    pub item_id: String,
}

/// Link a joint activity (an activity of a project in the community — the audience may span them) and,
/// optionally, the project-list item it serves. The company side does this.
pub async fn link_activity(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, f: &LinkForm) -> AppResult<()> {
    let x = open(state, p, id).await?;
    if !x.company {
        return Err(AppError::forbidden());
    }
    let conn = &state.db.read;
    let activity: i64 = f.activity_id.trim().parse().map_err(|_| AppError::field("activity_id", "请选择活动"))?;
    let occ = match crate::activities::store::first_occurrence(conn, activity).await? {
        Some(o) => crate::activities::store::occurrence(conn, o).await?,
        None => None,
    };
    let mut allowed: Vec<ProjectId> =
        org::projects_of_community(conn, x.community.id).await?.into_iter().map(|n| ProjectId(n.id)).collect();
    allowed.extend(x.project.project_id);
    let Some(o) = occ.filter(|o| allowed.contains(&o.project_id)) else {
        return Err(AppError::field("activity_id", "只能关联本社区内项目的活动"));
    };
    let item = match f.item_id.trim() {
        "" => None,
        s => {
            let it = match s.parse::<i64>() {
                Ok(i) => store::item(conn, i).await?,
                Err(_) => None,
            };
            match it.filter(|i| i.agreement_id == x.a.id && i.list == List::Project) {
                Some(i) => Some(i.id),
                None => return Err(AppError::field("item_id", "请选择本协议项目清单中的项目")),
            }
        }
    };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::link(&tx, x.a.id, o.activity_id, item).await? {
        return Err(AppError::conflict("already_linked", "这项活动已关联到本协议", "Already linked"));
    }
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "joint_agreement",
            entity_id: Some(x.a.id),
            project_id: x.project.project_id,
            summary: format!("「{}」关联共建活动「{}」", x.a.title, o.title),
        },
    )
    .await?;
    Ok(())
}

/// Activities the company side may link: those of the community's projects from the agreement's start,
/// not linked yet (at most 100, newest first).
pub async fn linkable(state: &AppState, x: &Access) -> AppResult<Vec<(i64, String)>> {
    let conn = &state.db.read;
    let mut projects: Vec<ProjectId> =
        org::projects_of_community(conn, x.community.id).await?.into_iter().map(|n| ProjectId(n.id)).collect();
    projects.extend(x.project.project_id);
    let year_ago = state.clock.now() - chrono::Duration::days(366);
    let from = x.a.starts_on.and_hms_opt(0, 0, 0).map(crate::clock::to_utc).unwrap_or(year_ago).max(year_ago);
    let linked = store::linked(conn, x.a.id).await?;
    let mut out: Vec<(i64, String)> = Vec::new();
    let to = state.clock.now() + chrono::Duration::days(90);
    for o in crate::activities::store::upcoming(conn, &projects, from, to).await?.into_iter().rev() {
        if !linked.contains(&o.activity_id) && !out.iter().any(|(id, _)| *id == o.activity_id) && out.len() < 100 {
            out.push((
                o.activity_id,
                format!("{} · {} 「{}」", o.project_name, crate::clock::fmt_datetime(o.starts_at), o.title),
            ));
        }
    }
    Ok(out)
}

/// The annual review of an agreement, generated from the records: the joint activities held that year and
/// their attendance, the joint projects closed, the requests pushed up to the community and resolved —
/// and each side's written assessment.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Review {
    pub year: i32,
    pub activities: Vec<Joint>,
    /// Dates held and check-ins, over all joint activities.
    pub held: i64,
    pub attended: i64,
    pub projects: usize,
    pub projects_done: usize,
    pub pushed_up: i64,
    pub resolved: i64,
    pub assessments: Vec<Assessment>,
}

pub async fn review(state: &AppState, x: &Access, year: i32) -> AppResult<Review> {
    let conn = &state.db.read;
    let day = |y: i32| {
        NaiveDate::from_ymd_opt(y, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(crate::clock::to_utc)
            .ok_or_else(|| AppError::field("year", "年份无效"))
    };
    // Held means begun: a date later this year is not counted yet.
    let (from, to) = (day(year)?, day(year + 1)?.min(state.clock.now()));
    let activities = store::activities(conn, x.a.id, from, to).await?;
    let items = store::items(conn, x.a.id).await?;
    let projects: Vec<&Item> = items.iter().filter(|i| i.list == List::Project).collect();
    let (pushed_up, resolved) = store::pushed_up(conn, x.project.id, &x.community.path, from, to).await?;
    Ok(Review {
        year,
        held: activities.iter().map(|a| a.held).sum(),
        attended: activities.iter().map(|a| a.attended).sum(),
        projects: projects.len(),
        projects_done: projects.iter().filter(|i| i.done_on.is_some_and(|d| d.year() == year)).count(),
        activities,
        pushed_up,
        resolved,
        assessments: store::assessments(conn, x.a.id, year).await?,
    })
}

/// A review year: from the agreement's first to this one.
pub fn review_year(x: &Access, asked: Option<i32>, today: NaiveDate) -> AppResult<i32> {
    let year = asked.unwrap_or(today.year());
    if year < x.a.starts_on.year() || year > today.year() {
        return Err(AppError::field("year", "年份不在协议期内"));
    }
    Ok(year)
}

#[derive(Default, Clone, Debug, serde::Deserialize)]
#[serde(default)]
pub struct AssessForm {
    pub year: String,
    pub side: String,
    pub assessment: String,
}

/// A side's written assessment for a year (the company side by the project's writers, the community's
/// by its cadres).
pub async fn assess(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, f: &AssessForm) -> AppResult<i32> {
    let x = open(state, p, id).await?;
    if !(x.company || x.government) {
        return Err(AppError::forbidden());
    }
    let side =
        f.side.parse::<Side>().ok().filter(|s| s.assesses()).ok_or_else(|| AppError::field("side", "请选择评价方"))?;
    let may = match side {
        Side::Community => x.government,
        _ => x.company,
    };
    if !may {
        return Err(AppError::forbidden());
    }
    let year = review_year(&x, f.year.trim().parse().ok(), state.clock.today())?;
    let text = f.assessment.trim();
    if text.is_empty() || text.chars().count() > 3000 {
        return Err(AppError::field("assessment", "请填写评价（不超过3000字）"));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    store::assess(&tx, x.a.id, year, side, text, p.user_id.get(), now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "joint_agreement",
            entity_id: Some(x.a.id),
            project_id: x.project.project_id,
            summary: format!("「{}」{year}年度评价（{}）", x.a.title, side.label(crate::web::i18n::Lang::Zh)),
        },
    )
    .await?;
    Ok(year)
}
