//! The other bodies' use cases. A body at a project is read by those who read the project and kept by
//! its writers; a body at a community or street (居委会, partners) by its cadres and the company's
//! admins. The member list is never public (names of tenants' employees, owners). Each change is one
//! audited transaction.

use chrono::NaiveDate;
use sea_orm::TransactionTrait;
use serde::Deserialize;

use super::{
    model::{self, BodyKind},
    store::{self, Body, Member},
};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    error::{AppError, AppResult, FieldError},
    ids::ProjectId,
    org::store::{self as org, Node},
};

pub struct Access {
    pub body: Body,
    pub node: Node,
    pub write: bool,
}

fn may_write(p: &Principal, n: &Node) -> bool {
    org::node_writable(p, n) || (!n.kind().is_property_side() && org::cadre_over(p, n))
}

fn may_read(p: &Principal, n: &Node, paths: &[(String, Option<String>)]) -> bool {
    may_write(p, n) || org::cadre_over(p, n) || (n.kind().is_property_side() && org::node_readable(p, n, paths))
}

pub async fn open(state: &AppState, p: &Principal, id: i64) -> AppResult<Access> {
    let conn = &state.db.read;
    let body = store::one(conn, id).await?.ok_or_else(AppError::not_found)?;
    let node = org::node(conn, body.node_id).await?.ok_or_else(AppError::not_found)?;
    let paths = org::readable_project_paths(conn, p).await?;
    if !may_read(p, &node, &paths) {
        return Err(AppError::not_found());
    }
    Ok(Access { write: may_write(p, &node), body, node })
}

/// The bodies the caller may read.
pub async fn visible(state: &AppState, p: &Principal) -> AppResult<Vec<Body>> {
    let conn = &state.db.read;
    let all = store::all(conn).await?;
    let mut ids: Vec<i64> = all.iter().map(|b| b.node_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let nodes = org::nodes(conn, ids.into_iter().map(crate::ids::NodeId)).await?;
    let paths = org::readable_project_paths(conn, p).await?;
    Ok(all
        .into_iter()
        .filter(|b| nodes.iter().find(|n| n.id == b.node_id).is_some_and(|n| may_read(p, n, &paths)))
        .collect())
}

/// Where the caller may set up a body: the projects, communities and streets they may keep.
pub async fn places(state: &AppState, p: &Principal) -> AppResult<Vec<(i64, String)>> {
    Ok(org::upper_tree(&state.db.read)
        .await?
        .into_iter()
        .filter(|n| {
            matches!(n.kind(), crate::org::model::NodeKind::Project | crate::org::model::NodeKind::Community)
                || n.kind() == crate::org::model::NodeKind::Street
        })
        .filter(|n| may_write(p, n))
        .map(|n| (n.id, format!("{}（{}）", n.name, n.kind().zh())))
        .collect())
}

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct BodyForm {
    pub kind: String,
    pub name: String,
    pub node_id: String,
    pub term_start: String,
    pub term_end: String,
    pub note: String,
}

/// Set up a body at a node the caller may keep: the kind fits the node, an elected body has a lawful
/// term, the name is unique there.
pub async fn create(state: &AppState, p: &Principal, ctx: &Ctx, f: &BodyForm) -> AppResult<i64> {
    let conn = &state.db.read;
    let mut errors: Vec<FieldError> = Vec::new();
    let node = match f.node_id.trim().parse::<i64>().ok() {
        Some(id) => org::node(conn, id).await?.filter(|n| may_write(p, n)),
        None => None,
    };
    if node.is_none() {
        errors.push(FieldError::new("node_id", "请选择您管理的项目或社区"));
    }
    let kind = f.kind.parse::<BodyKind>().ok();
    match (kind, &node) {
        (None, _) => errors.push(FieldError::new("kind", "请选择组织类型")),
        (Some(k), Some(n)) if !k.attaches_to(n.kind()) => {
            errors.push(FieldError::new("kind", format!("{}不能设在{}一级", k.label(ctx.lang), n.kind().zh())))
        }
        _ => {}
    }
    let name = crate::text::normalize(&f.name);
    if !(2..=100).contains(&name.chars().count()) {
        errors.push(FieldError::new("name", "请填写名称（2–100字）"));
    }
    let note = f.note.trim().to_string();
    if note.chars().count() > 500 {
        errors.push(FieldError::new("note", "说明不超过500字"));
    }
    let term = match kind {
        Some(k) => model::check_term(k, &f.term_start, &f.term_end).map_err(|e| errors.extend(e)).ok(),
        None => None,
    };
    let (Some(node), Some(kind), Some(term), true) = (node, kind, term, errors.is_empty()) else {
        return Err(AppError::validation(errors));
    };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let new =
        store::NewBody { kind, name: &name, node_id: node.id, term, note: (!note.is_empty()).then_some(note.as_str()) };
    let id = store::insert(&tx, &new, Some(p.user_id.get()), now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "body",
            entity_id: Some(id),
            project_id: node.project_id,
            summary: format!("在「{}」设立{}「{name}」", node.name, kind.label(ctx.lang)),
        },
    )
    .await?;
    Ok(id)
}

pub async fn detail(state: &AppState, p: &Principal, id: i64) -> AppResult<(Access, Vec<Member>)> {
    let a = open(state, p, id).await?;
    let members = store::members(&state.db.read, a.body.id).await?;
    Ok((a, members))
}

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct MemberForm {
    pub name: String,
    /// A resident of the body's project: their home (「1-1-101」); empty for someone not in the register
    /// (a tenant's employee, a partner's contact), who gets a person record without a home.
    pub room: String,
    pub post: String,
    pub since: String,
}

/// Add a member: a resident found by home and name, or a new person by name.
pub async fn add_member(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, f: &MemberForm) -> AppResult<i64> {
    let a = open(state, p, id).await?;
    if !a.write {
        return Err(AppError::forbidden());
    }
    let conn = &state.db.read;
    let mut errors: Vec<FieldError> = Vec::new();
    let name = crate::text::normalize(&f.name);
    if !(1..=40).contains(&name.chars().count()) {
        errors.push(FieldError::new("name", "请填写姓名（不超过40字）"));
    }
    let post = model::check_post(&f.post).map_err(|e| errors.push(e)).ok();
    let today = state.clock.today();
    let since = match crate::text::num(&f.since).as_str() {
        "" => Some(today),
        s => {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().filter(|d| *d <= today && (today - *d).num_days() < 366 * 30)
        }
    };
    if since.is_none() {
        errors.push(FieldError::new("since", "日期无效（不晚于今天）"));
    }
    let resident = match (f.room.trim(), a.node.project_id, errors.is_empty()) {
        ("", _, _) | (_, _, false) => None,
        (_, None, true) => {
            errors.push(FieldError::new("room", "社区一级的组织不按房号登记：请只填姓名"));
            None
        }
        (room, Some(project), true) => {
            let r = crate::people::store::resident_by_home(conn, project, room, &name).await?;
            if r.is_none() {
                errors.push(FieldError::new("room", "本项目这个房号下没有这位住户"));
            }
            r
        }
    };
    let (Some(post), Some(since), true) = (post, since, errors.is_empty()) else {
        return Err(AppError::validation(errors));
    };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let person = match resident {
        Some(r) => r,
        None => {
            let np = crate::people::store::NewPerson { name: name.clone(), gender: None, phone: None, id_number: None };
            let within = crate::people::store::Within::of_node(&a.node);
            crate::people::store::upsert_person(&tx, &state.vault, &np, &within, now).await?.0
        }
    };
    let mid = store::insert_member(&tx, a.body.id, person, &post, since, Some(p.user_id.get()), now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "body_member",
            entity_id: Some(mid),
            project_id: a.node.project_id,
            summary: format!("「{}」增加成员 {name}（{post}）", a.body.name),
        },
    )
    .await?;
    Ok(mid)
}

/// End a membership. Returns the body.
pub async fn end_member(state: &AppState, p: &Principal, ctx: &Ctx, member: i64) -> AppResult<i64> {
    let m = store::member(&state.db.read, member).await?.ok_or_else(AppError::not_found)?;
    let a = open(state, p, m.body_id).await?;
    if !a.write {
        return Err(AppError::forbidden());
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::end_member(&tx, m.id, state.clock.today()).await? {
        return Err(AppError::conflict("already_ended", "这位成员已离任", "This membership has ended"));
    }
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "end",
            entity: "body_member",
            entity_id: Some(m.id),
            project_id: a.node.project_id,
            summary: format!("「{}」成员 {} 离任", a.body.name, m.person_name),
        },
    )
    .await?;
    Ok(a.body.id)
}

/// May this person take part in the project's activities as a member of one of its bodies?
pub async fn member_at(state: &AppState, person: crate::ids::PersonId, project: ProjectId) -> AppResult<bool> {
    store::member_at(&state.db.read, person, project).await
}
