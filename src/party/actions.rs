//! C5's use cases: who may see and change a Party organisation, setting up its tree, registering
//! members, transferring them (组织关系转接), and the committee's posts. Each write is one transaction
//! ending with its audit line; reading a member list is audited too (political status is sensitive
//! personal information, PIPL art. 28).

use chrono::NaiveDate;
use sea_orm::TransactionTrait;
use serde::Deserialize;

use super::{
    model::{self, Post},
    store::{self, PartyOrg},
};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    error::{AppError, AppResult, FieldError},
    ids::PersonId,
    org::{model::PartyOrgKind, store as org},
};

/// What the caller may do with an organisation: read it (its node is in their scope, or they are one of
/// its members) and change it (they may write its node).
pub struct Access {
    pub org: PartyOrg,
    pub node: org::Node,
    pub write: bool,
}

/// The organisation, if the caller may read it; not found otherwise (a number is not a key).
pub async fn open(state: &AppState, p: &Principal, id: i64) -> AppResult<Access> {
    let conn = &state.db.read;
    let o = store::org(conn, id).await?.ok_or_else(AppError::not_found)?;
    let node = org::node(conn, o.node_id).await?.ok_or_else(AppError::not_found)?;
    let paths = org::readable_project_paths(conn, p).await?;
    let write = org::node_writable(p, &node);
    let member_here = match p.person_id {
        Some(me) => store::current_of(conn, me).await?.is_some_and(|m| m.org_id == o.id),
        None => false,
    };
    if !(write || org::node_readable(p, &node, &paths) || member_here) {
        return Err(AppError::not_found());
    }
    Ok(Access { org: o, node, write })
}

/// The organisations the caller may read, in tree order.
pub async fn visible(state: &AppState, p: &Principal) -> AppResult<Vec<PartyOrg>> {
    let conn = &state.db.read;
    let all = store::all_orgs(conn).await?;
    let mut ids: Vec<i64> = all.iter().map(|o| o.node_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let nodes = org::nodes(conn, ids.into_iter().map(crate::ids::NodeId)).await?;
    let paths = org::readable_project_paths(conn, p).await?;
    let mine = match p.person_id {
        Some(me) => store::current_of(conn, me).await?.map(|m| m.org_id),
        None => None,
    };
    Ok(all
        .into_iter()
        .filter(|o| {
            mine == Some(o.id)
                || nodes.iter().find(|n| n.id == o.node_id).is_some_and(|n| org::node_readable(p, n, &paths))
        })
        .collect())
}

/// Record that a member list was read (who, which organisation, how many members).
pub async fn audit_read(state: &AppState, ctx: &Ctx, a: &Access, n: usize) -> AppResult<()> {
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "party_read",
            entity: "party_org",
            entity_id: Some(a.org.id),
            project_id: a.node.project_id,
            summary: format!("查看「{}」党员名册（{n}人）", a.org.name),
        },
    )
    .await?;
    Ok(())
}

fn must_write(a: &Access) -> AppResult<()> {
    if a.write { Ok(()) } else { Err(AppError::forbidden()) }
}

fn date_field(field: &str, s: &str, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    match crate::text::num(s).trim() {
        "" => Ok(today),
        t => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .ok()
            .filter(|d| (*d - today).num_days().abs() <= 366 * 30)
            .ok_or_else(|| FieldError::new(field, "日期无效（格式 2026-07-01）")),
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ChildForm {
    pub kind: String,
    pub name: String,
    /// The org node it is attached to (the parent's own node when empty).
    pub node_id: String,
}

/// Set up an organisation under this one (a 党总支 or 党支部 under a 党委, a 党小组 under a 党支部).
pub async fn create_child(state: &AppState, p: &Principal, ctx: &Ctx, parent: i64, f: &ChildForm) -> AppResult<i64> {
    let a = open(state, p, parent).await?;
    must_write(&a)?;
    let kind = PartyOrgKind::parse(&f.kind).ok_or_else(|| AppError::field("kind", "请选择党组织类型"))?;
    if !kind.may_be_under(a.org.kind()) {
        return Err(AppError::field("kind", format!("{}不能设在{}之下", kind.zh(), a.org.kind().zh())));
    }
    let node = match f.node_id.trim() {
        "" => a.node.clone(),
        s => {
            let n = s.parse::<i64>().ok();
            let n = match n {
                Some(n) => org::node(&state.db.read, n).await?,
                None => None,
            };
            n.filter(|n| n.path.starts_with(&a.node.path) && org::node_writable(p, n))
                .ok_or_else(|| AppError::field("node_id", "请选择本组织范围内的单位"))?
        }
    };
    if !kind.attaches_to(node.kind()) {
        return Err(AppError::field("node_id", format!("{}不能设在{}一级", kind.zh(), node.kind().zh())));
    }
    let name = crate::text::normalize(&f.name);
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::field("name", "名称不能为空，且不超过100个字"));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let id = org::create_party_org(&tx, node.id, kind.as_str(), &name, None, now).await?;
    store::set_parent(&tx, id, a.org.id).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "party_org",
            entity_id: Some(id),
            project_id: node.project_id,
            summary: format!("在「{}」下设立{}「{name}」", a.org.name, kind.zh()),
        },
    )
    .await?;
    Ok(id)
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct MemberForm {
    pub person_id: String,
    pub status: String,
    pub joined_on: String,
    pub confirmed_on: String,
    /// In this organisation since (today when empty).
    pub since: String,
}

/// Register a member of a branch: one of the register's people at its node, checked dates; a person
/// already a member anywhere is refused (transfer instead).
pub async fn add_member(state: &AppState, p: &Principal, ctx: &Ctx, org_id: i64, f: &MemberForm) -> AppResult<i64> {
    let a = open(state, p, org_id).await?;
    must_write(&a)?;
    if !a.org.kind().holds_members() {
        return Err(AppError::conflict(
            "not_a_branch",
            "党员登记在党支部：请到下属党支部登记",
            "Members are registered in a branch",
        ));
    }
    let today = state.clock.today();
    let mut errors = Vec::new();
    let candidates = store::candidates(&state.db.read, a.node.id).await?;
    let person = f.person_id.trim().parse::<i64>().ok().filter(|id| candidates.iter().any(|(c, _)| c == id));
    if person.is_none() {
        errors.push(FieldError::new("person_id", "请从名单中选择人员"));
    }
    let m = match model::check_membership(&f.status, &f.joined_on, &f.confirmed_on, today) {
        Ok(m) => Some(m),
        Err(e) => {
            errors.extend(e);
            None
        }
    };
    let since = date_field("since", &f.since, today).map_err(|e| errors.push(e)).ok();
    let (Some(person), Some(m), Some(since), true) = (person, m, since, errors.is_empty()) else {
        return Err(AppError::validation(errors));
    };
    let name = candidates.iter().find(|(c, _)| *c == person).map(|(_, n)| n.clone()).unwrap_or_default();
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let id = store::insert_membership(&tx, PersonId(person), a.org.id, &m, since, now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "add_member",
            entity: "party_membership",
            entity_id: Some(id),
            project_id: a.node.project_id,
            summary: format!("登记「{name}」为「{}」{}", a.org.name, m.status.label(crate::web::i18n::Lang::Zh)),
        },
    )
    .await?;
    Ok(id)
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct TransferForm {
    pub to_org: String,
    /// The day of the transfer (today when empty).
    pub on: String,
}

/// 组织关系转接: close the membership here and open it in the receiving branch on the same day, in one
/// transaction — the person is a member of exactly one organisation before and after.
pub async fn transfer(state: &AppState, p: &Principal, ctx: &Ctx, membership: i64, f: &TransferForm) -> AppResult<i64> {
    let m = store::membership(&state.db.read, membership).await?.ok_or_else(AppError::not_found)?;
    let from = open(state, p, m.org_id).await?;
    must_write(&from)?;
    if m.until.is_some() {
        return Err(AppError::conflict("already_moved", "这条组织关系已经转出", "This membership has already ended"));
    }
    let to_id = f.to_org.trim().parse::<i64>().map_err(|_| AppError::field("to_org", "请选择转入的党支部"))?;
    let to = open(state, p, to_id).await.map_err(|_| AppError::field("to_org", "请选择转入的党支部"))?;
    if to.org.id == from.org.id || !to.org.kind().holds_members() {
        return Err(AppError::field("to_org", "请选择另一个党支部"));
    }
    let today = state.clock.today();
    let on = date_field("on", &f.on, today).map_err(|e| AppError::validation(vec![e]))?;
    if on < m.since {
        return Err(AppError::field("on", "转接日期不能早于转入本支部的日期"));
    }
    let input = model::MembershipInput { status: m.status, joined_on: m.joined_on, confirmed_on: m.confirmed_on };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::close_membership(&tx, m.id, on).await? {
        return Err(AppError::conflict("already_moved", "这条组织关系已经转出", "This membership has already ended"));
    }
    let id = store::insert_membership(&tx, m.person_id, to.org.id, &input, on, now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "transfer",
            entity: "party_membership",
            entity_id: Some(id),
            project_id: from.node.project_id,
            summary: format!("「{}」的组织关系由「{}」转入「{}」（{on}）", m.person_name, from.org.name, to.org.name),
        },
    )
    .await?;
    Ok(id)
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct PostForm {
    pub person_id: String,
    pub post: String,
    pub term_start: String,
    pub term_end: String,
}

/// Put a member of this organisation on its committee for a term.
pub async fn add_post(state: &AppState, p: &Principal, ctx: &Ctx, org_id: i64, f: &PostForm) -> AppResult<i64> {
    let a = open(state, p, org_id).await?;
    must_write(&a)?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let members = store::members(&state.db.read, a.org.id).await?;
    let person = f.person_id.trim().parse::<i64>().ok().and_then(|id| members.iter().find(|m| m.person_id.get() == id));
    if person.is_none() {
        errors.push(FieldError::new("person_id", "委员须是本组织的党员"));
    }
    let post = f.post.parse::<Post>().ok();
    if post.is_none() {
        errors.push(FieldError::new("post", "请选择职务"));
    }
    let start = date_field("term_start", &f.term_start, today).map_err(|e| errors.push(e)).ok();
    let end = match f.term_end.trim() {
        "" => None,
        s => date_field("term_end", s, today).map_err(|e| errors.push(e)).ok(),
    };
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        errors.push(FieldError::new("term_end", "任期结束不能早于开始"));
    }
    let (Some(person), Some(post), Some(start), true) = (person, post, start, errors.is_empty()) else {
        return Err(AppError::validation(errors));
    };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let id = store::insert_post(&tx, a.org.id, person.person_id, post, start, end, now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "party_post",
            entity_id: Some(id),
            project_id: a.node.project_id,
            summary: format!(
                "「{}」任「{}」{}（{start}起）",
                person.person_name,
                a.org.name,
                post.label(crate::web::i18n::Lang::Zh)
            ),
        },
    )
    .await?;
    Ok(id)
}

/// End a post from today (a term that ended or a change of committee).
pub async fn end_post(state: &AppState, p: &Principal, ctx: &Ctx, post_id: i64) -> AppResult<i64> {
    let post = store::post(&state.db.read, post_id).await?.ok_or_else(AppError::not_found)?;
    let a = open(state, p, post.org_id).await?;
    must_write(&a)?;
    // The term's last day is yesterday: from today the post is not held.
    let yesterday = state.clock.today() - chrono::Duration::days(1);
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::end_post(&tx, post.id, yesterday).await? {
        return Ok(a.org.id);
    }
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "party_post",
            entity_id: Some(post.id),
            project_id: a.node.project_id,
            summary: format!(
                "「{}」卸任「{}」{}",
                post.person_name,
                a.org.name,
                post.post.label(crate::web::i18n::Lang::Zh)
            ),
        },
    )
    .await?;
    Ok(a.org.id)
}

/// The micro-grids a member may report to (双报到): those of the communities where they live.
pub async fn report_choices(state: &AppState, p: &Principal) -> AppResult<Vec<(i64, String)>> {
    let Some(me) = p.person_id else { return Ok(vec![]) };
    let conn = &state.db.read;
    let mut out: Vec<(i64, String)> = Vec::new();
    for m in crate::people::store::memberships_of_person(conn, me).await?.into_iter().filter(|m| m.moved_out.is_none())
    {
        for g in org::project_microgrids(conn, m.project_id).await? {
            if !out.iter().any(|x| x.0 == g.0) {
                out.push(g);
            }
        }
    }
    Ok(out)
}

/// 在职党员双报到: a member registers with the community where they live, in one of its micro-grids
/// (a new registration ends the one in force, in the same transaction).
pub async fn report(state: &AppState, p: &Principal, ctx: &Ctx, microgrid: &str) -> AppResult<()> {
    let me = p.person_id.ok_or_else(|| AppError::field("microgrid_id", "此账号未关联人员信息"))?;
    let conn = &state.db.read;
    if store::current_of(conn, me).await?.is_none() {
        return Err(AppError::forbidden());
    }
    let choices = report_choices(state, p).await?;
    let grid = microgrid
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|g| choices.iter().any(|c| c.0 == *g))
        .ok_or_else(|| AppError::field("microgrid_id", "请选择您居住社区的微网格"))?;
    let node = org::node(conn, grid).await?.ok_or_else(AppError::not_found)?;
    let community = org::ancestors(conn, &node)
        .await?
        .into_iter()
        .find(|a| a.kind() == crate::org::model::NodeKind::Community)
        .ok_or_else(|| AppError::field("microgrid_id", "这个微网格不属于任何社区"))?;
    let now = state.clock.now();
    let today = state.clock.today();
    let tx = state.db.write.begin().await?;
    store::end_report(&tx, me, today).await?;
    store::insert_report(&tx, me, community.id, Some(grid), today, now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "party_report",
            entity_id: Some(me.get()),
            project_id: None,
            summary: format!("双报到：{} · {}", community.name, node.name),
        },
    )
    .await?;
    Ok(())
}
