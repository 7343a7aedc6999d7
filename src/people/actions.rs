//! People's use cases (C0.2): register a resident in a household or a person with a role at a node,
//! change a person, add and remove roles, reveal full numbers (audited), and log reads where the data
//! lives. Each checks scope, validates at the boundary and writes in one transaction; the pages and the
//! JSON API both call these.

use crate::ids::*;
use chrono::NaiveDate;
use serde::Deserialize;

use super::{
    model::{IdNumber, Phone, Relation, mask_phone, parse_name},
    store,
};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal, model::Role},
    error::{AppError, AppResult, FieldError},
    org::store as org,
};

pub async fn load_person(state: &AppState, p: &Principal, id: i64) -> AppResult<(store::PersonRow, bool)> {
    let row = store::person(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    let (read, write) = store::person_access(&state.db.read, p, PersonId(id)).await?;
    if !read {
        return Err(AppError::not_found());
    }
    Ok((row, write))
}

/// A person's record was read by someone else: logged where the data lives.
pub async fn log_read(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, name: &str) -> AppResult<()> {
    if p.person_id == Some(PersonId(id)) {
        return Ok(());
    }
    let summary = format!("查看「{name}」的人员信息（已脱敏）");
    store::audit_person(&state.db.write, ctx, &[id], "view_person", &summary, state.clock.now()).await
}

/// Full phone and ID number, for permitted staff only, always audited.
pub async fn reveal_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i64,
) -> AppResult<(Option<String>, Option<String>)> {
    let (row, write) = load_person(state, p, id).await?;
    if !write {
        return Err(AppError::forbidden());
    }
    let now = state.clock.now();
    // Logged where the data lives, so each of the person's projects sees who looked.
    let summary = format!("查看「{}」的完整手机号和身份证号", row.name);
    store::audit_person(&state.db.write, ctx, &[id], "reveal", &summary, now).await?;
    super::seal::open_contact(&state.db.read, &state.vault, PersonId(id)).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PersonForm {
    pub name: String,
    pub phone: String,
    pub note: String,
}

pub async fn update_person_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i64,
    f: PersonForm,
) -> AppResult<()> {
    let (row, write) = load_person(state, p, id).await?;
    if !write {
        return Err(AppError::forbidden());
    }
    let mut errors = Vec::new();
    let name = parse_name(&f.name).map_err(|m| errors.push(FieldError::new("name", m))).ok();
    let phone = if f.phone.trim().is_empty() {
        None
    } else {
        Phone::parse(&f.phone)
            .map_err(|m| errors.push(FieldError::new("phone", m)))
            .ok()
            .map(|p| p.reveal().to_string())
    };
    let note = crate::text::normalize(&f.note);
    if note.chars().count() > 500 {
        errors.push(FieldError::new("note", "备注不能超过500字"));
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let name = name.unwrap_or_default();
    let now = state.clock.now();
    let tx = sea_orm::TransactionTrait::begin(&state.db.write).await?;
    store::update_person(&tx, &state.vault, id, &name, phone.clone(), (!note.is_empty()).then_some(note), now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "person",
            entity_id: Some(id),
            project_id: None,
            summary: format!(
                "修改人员「{}」→「{name}」，手机 {}",
                row.name,
                phone.as_deref().map(mask_phone).unwrap_or_else(|| "未填".into())
            ),
        },
    )
    .await?;
    Ok(())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RoleForm {
    pub role: String,
    pub node_id: String,
    pub post: String,
}

pub async fn add_role_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    person_id: PersonId,
    f: RoleForm,
) -> AppResult<i64> {
    let (row, _) = load_person(state, p, person_id.into()).await?;
    let role = Role::parse(&f.role).ok_or_else(|| AppError::field("role", "请选择角色"))?;
    let node_id: i64 = f.node_id.trim().parse().map_err(|_| AppError::field("node_id", "请选择所在组织"))?;
    let node = org::node(&state.db.read, node_id).await?.ok_or_else(|| AppError::field("node_id", "所选组织不存在"))?;
    if !org::node_writable(p, &node) || (role == Role::CompanyAdmin && !p.scope.is_admin_over(&node.path)) {
        return Err(AppError::forbidden());
    }
    if !role.fits(node.kind()) {
        return Err(AppError::field("node_id", format!("{}不能设在{}一级", role.zh(), node.kind().zh())));
    }
    let post = crate::text::normalize(&f.post);
    if role == Role::Staff && post.is_empty() {
        return Err(AppError::field("post", "物业员工须填写岗位"));
    }
    if post.chars().count() > 40 {
        return Err(AppError::field("post", "岗位不能超过40字"));
    }
    let now = state.clock.now();
    let tx = sea_orm::TransactionTrait::begin(&state.db.write).await?;
    let id = store::add_role(
        &tx,
        person_id,
        role.as_str(),
        node_id,
        (!post.is_empty()).then_some(post),
        Some(state.clock.today()),
        now,
    )
    .await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "add_role",
            entity: "person",
            entity_id: Some(person_id.into()),
            project_id: node.project_id,
            summary: format!("为「{}」添加角色：{} · {}", row.name, node.name, role.zh()),
        },
    )
    .await?;
    Ok(id)
}

pub async fn remove_role_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    person_id: PersonId,
    rid: i64,
) -> AppResult<()> {
    let (row, _) = load_person(state, p, person_id.into()).await?;
    let roles = store::roles_of_person(&state.db.read, person_id).await?;
    let r = roles.into_iter().find(|r| r.id == rid).ok_or_else(AppError::not_found)?;
    let property_side = crate::org::model::NodeKind::parse(&r.node_kind).is_some_and(|k| k.is_property_side());
    if !p.scope.can_write_node(r.project_id, &r.node_path, property_side) {
        return Err(AppError::forbidden());
    }
    let now = state.clock.now();
    let tx = sea_orm::TransactionTrait::begin(&state.db.write).await?;
    store::remove_role(&tx, rid).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "remove_role",
            entity: "person",
            entity_id: Some(person_id.into()),
            project_id: r.project_id,
            summary: format!(
                "移除「{}」的角色：{} · {}",
                row.name,
                r.node_name,
                Role::parse(&r.role).map(|x| x.zh()).unwrap_or("")
            ),
        },
    )
    .await?;
    Ok(())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MemberForm {
    pub name: String,
    pub phone: String,
    pub id_number: String,
    pub relation: String,
    pub moved_in: String,
}

/// Register a resident in a household: validate, find the person by ID number or create them, add the
/// membership — all in one transaction.
pub async fn add_member_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    household_id: HouseholdId,
    f: MemberForm,
) -> AppResult<i64> {
    let h = org::household(&state.db.read, household_id.into()).await?.ok_or_else(AppError::not_found)?;
    if !org::household_readable(p, &h) {
        return Err(AppError::not_found());
    }
    p.scope.require_write(h.project_id)?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let name = parse_name(&f.name).map_err(|m| errors.push(FieldError::new("name", m))).ok();
    let phone = match f.phone.trim() {
        "" => None,
        s => Phone::parse(s).map_err(|m| errors.push(FieldError::new("phone", m))).ok(),
    };
    let idn = match f.id_number.trim() {
        "" => None,
        s => IdNumber::parse(s, today).map_err(|m| errors.push(FieldError::new("id_number", m))).ok(),
    };
    let relation =
        Relation::parse(&f.relation).ok_or_else(|| errors.push(FieldError::new("relation", "请选择与房屋的关系"))).ok();
    let moved_in = match crate::text::normalize(&f.moved_in).as_str() {
        "" => None,
        s => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) if d <= today => Some(d),
            _ => {
                errors.push(FieldError::new("moved_in", "入住日期格式应为 2024-05-01，且不晚于今天"));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let (name, relation) = (name.unwrap_or_default(), relation.unwrap_or(Relation::Occupant));
    let now = state.clock.now();
    let tx = sea_orm::TransactionTrait::begin(&state.db.write).await?;
    let np = store::NewPerson {
        name: name.clone(),
        gender: idn.as_ref().map(|i| i.gender().to_string()),
        phone: phone.as_ref().map(|p| p.reveal().to_string()),
        id_number: idn.as_ref().map(|i| i.reveal().to_string()),
    };
    let (person_id, _) =
        store::upsert_person(&tx, &state.vault, &np, &store::Within::Project(h.project_id), now).await?;
    store::add_member(&tx, household_id, person_id, relation.as_str(), moved_in, now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "add_member",
            entity: "household",
            entity_id: Some(household_id.into()),
            project_id: Some(h.project_id),
            summary: format!(
                "登记「{name}」为「{}」的{}（证件 {}）",
                h.label(),
                relation.zh(),
                idn.as_ref().map(|i| i.masked()).unwrap_or_else(|| "未填".into())
            ),
        },
    )
    .await?;
    Ok(person_id.into())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewPersonForm {
    pub name: String,
    pub phone: String,
    pub id_number: String,
    pub role: String,
    pub post: String,
}

/// Register a person who is not (yet) a resident — staff, a volunteer from outside, a cadre — with the
/// role that places them in someone's scope. Finds an existing person by ID number. One transaction.
pub async fn create_person_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    node_id: i64,
    f: NewPersonForm,
) -> AppResult<i64> {
    let node = org::node(&state.db.read, node_id).await?.ok_or_else(|| AppError::field("node_id", "所选组织不存在"))?;
    if !org::node_writable(p, &node) {
        return Err(AppError::forbidden());
    }
    let today = state.clock.today();
    let mut errors = Vec::new();
    let name = parse_name(&f.name).map_err(|m| errors.push(FieldError::new("name", m))).ok();
    let phone = match f.phone.trim() {
        "" => None,
        s => Phone::parse(s).map_err(|m| errors.push(FieldError::new("phone", m))).ok(),
    };
    let idn = match f.id_number.trim() {
        "" => None,
        s => IdNumber::parse(s, today).map_err(|m| errors.push(FieldError::new("id_number", m))).ok(),
    };
    let role = match Role::parse(&f.role) {
        None => {
            errors.push(FieldError::new("role", "请选择角色"));
            None
        }
        Some(r) if r == Role::CompanyAdmin && !p.scope.is_admin_over(&node.path) => return Err(AppError::forbidden()),
        Some(r) if !r.fits(node.kind()) => {
            errors.push(FieldError::new("role", format!("{}不能设在{}一级", r.zh(), node.kind().zh())));
            None
        }
        Some(r) => Some(r),
    };
    let post = crate::text::normalize(&f.post);
    if role == Some(Role::Staff) && post.is_empty() {
        errors.push(FieldError::new("post", "物业员工须填写岗位"));
    }
    if post.chars().count() > 40 {
        errors.push(FieldError::new("post", "岗位不能超过40字"));
    }
    let (Some(name), Some(role), true) = (name, role, errors.is_empty()) else {
        return Err(AppError::validation(errors));
    };
    let now = state.clock.now();
    let tx = sea_orm::TransactionTrait::begin(&state.db.write).await?;
    let np = store::NewPerson {
        name: name.clone(),
        gender: idn.as_ref().map(|i| i.gender().to_string()),
        phone: phone.as_ref().map(|p| p.reveal().to_string()),
        id_number: idn.as_ref().map(|i| i.reveal().to_string()),
    };
    let (person_id, _) = store::upsert_person(&tx, &state.vault, &np, &store::Within::of_node(&node), now).await?;
    store::add_role(&tx, person_id, role.as_str(), node.id, (!post.is_empty()).then_some(post), Some(today), now)
        .await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "add_role",
            entity: "person",
            entity_id: Some(person_id.into()),
            project_id: node.project_id,
            summary: format!("登记人员「{name}」：{} · {}", node.name, role.zh()),
        },
    )
    .await?;
    Ok(person_id.into())
}

pub async fn move_out_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i64,
    mid: i64,
    f: MoveOutForm,
) -> AppResult<()> {
    let h = org::household(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    if !p.scope.can_write_project(h.project_id) {
        return Err(if org::household_readable(p, &h) { AppError::forbidden() } else { AppError::not_found() });
    }
    let today = state.clock.today();
    let date = match crate::text::normalize(&f.moved_out).as_str() {
        "" => today,
        s => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| AppError::field("moved_out", "迁出日期格式应为 2024-05-01"))?,
    };
    let members = store::members_of_household(&state.db.read, HouseholdId(id)).await?;
    let m = members.iter().find(|m| m.id == mid && m.moved_out.is_none()).ok_or_else(AppError::not_found)?;
    if m.moved_in.is_some_and(|d| d > date) {
        return Err(AppError::field("moved_out", "迁出日期不能早于入住日期"));
    }
    let now = state.clock.now();
    let tx = sea_orm::TransactionTrait::begin(&state.db.write).await?;
    store::move_out(&tx, mid, date).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "move_out",
            entity: "household",
            entity_id: Some(id),
            project_id: Some(h.project_id),
            summary: format!("「{}」于 {date} 迁出「{}」", m.person_name, h.label()),
        },
    )
    .await?;
    Ok(())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MoveOutForm {
    pub moved_out: String,
}
