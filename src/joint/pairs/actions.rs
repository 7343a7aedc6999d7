//! 结对's use cases. Anyone who may read either project reads the pairing (and sees the rotations on
//! the project's page); a pairing is made by someone who may change both projects (the branch company);
//! rotations and outcomes are kept by the writers of either project. Each change is one audited
//! transaction.

use chrono::NaiveDate;
use sea_orm::TransactionTrait;
use serde::Deserialize;

use super::{
    model::{self, RotationState},
    store::{self, Outcome, Pairing, Rotation},
};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    error::{AppError, AppResult, FieldError},
    ids::{PersonId, ProjectId},
    org::store::{self as org, Node},
};

pub struct Access {
    pub p: Pairing,
    pub a: Node,
    pub b: Node,
    /// May keep its rotations and outcomes (a writer of either project).
    pub write: bool,
}

fn readable(p: &Principal, n: &Node, paths: &[(String, Option<String>)]) -> bool {
    org::node_writable(p, n) || org::node_readable(p, n, paths)
}

pub async fn open(state: &AppState, p: &Principal, id: i64) -> AppResult<Access> {
    let conn = &state.db.read;
    let x = store::one(conn, id).await?.ok_or_else(AppError::not_found)?;
    let a = org::node(conn, x.project_a).await?.ok_or_else(AppError::not_found)?;
    let b = org::node(conn, x.project_b).await?.ok_or_else(AppError::not_found)?;
    let paths = org::readable_project_paths(conn, p).await?;
    if !(readable(p, &a, &paths) || readable(p, &b, &paths)) {
        return Err(AppError::not_found());
    }
    Ok(Access { write: org::node_writable(p, &a) || org::node_writable(p, &b), p: x, a, b })
}

fn must_write(a: &Access) -> AppResult<()> {
    if a.write { Ok(()) } else { Err(AppError::forbidden()) }
}

/// The pairings the caller may read.
pub async fn visible(state: &AppState, p: &Principal) -> AppResult<Vec<Pairing>> {
    let conn = &state.db.read;
    let all = store::all(conn).await?;
    let mut ids: Vec<i64> = all.iter().flat_map(|x| [x.project_a, x.project_b]).collect();
    ids.sort_unstable();
    ids.dedup();
    let nodes = org::nodes(conn, ids.into_iter().map(crate::ids::NodeId)).await?;
    let paths = org::readable_project_paths(conn, p).await?;
    let ok = |id: i64| nodes.iter().find(|n| n.id == id).is_some_and(|n| readable(p, n, &paths));
    Ok(all.into_iter().filter(|x| ok(x.project_a) || ok(x.project_b)).collect())
}

/// The projects the caller may pair (those they may change).
pub async fn pairable(state: &AppState, p: &Principal) -> AppResult<Vec<(i64, String)>> {
    Ok(org::project_names(&state.db.read, p.scope.write_projects.iter().copied())
        .await?
        .into_iter()
        .map(|(id, name)| (id.get(), name))
        .collect())
}

/// A pairing with its rotations (each with where it stands today) and outcomes.
pub struct Detail {
    pub access: Access,
    pub rotations: Vec<(Rotation, RotationState)>,
    pub outcomes: Vec<Outcome>,
    /// Staff of either project who may be sent (for the form; writers only).
    pub staff: Vec<(i64, String)>,
}

pub async fn detail(state: &AppState, p: &Principal, id: i64) -> AppResult<Detail> {
    let access = open(state, p, id).await?;
    let conn = &state.db.read;
    let today = state.clock.today();
    let rotations = store::rotations_of(conn, id)
        .await?
        .into_iter()
        .map(|r| {
            let s = model::state(r.starts_on, r.ends_on, today);
            (r, s)
        })
        .collect();
    let staff = if access.write {
        let mut v = Vec::new();
        for n in [&access.a, &access.b] {
            for x in org::people_at_node(conn, n.id).await? {
                if x.role == "staff" && !v.iter().any(|(id, _)| *id == x.person_id.get()) {
                    v.push((x.person_id.get(), format!("{}（{}）", x.name, n.name)));
                }
            }
        }
        v
    } else {
        vec![]
    };
    Ok(Detail { rotations, outcomes: store::outcomes_of(conn, id).await?, staff, access })
}

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct PairingForm {
    /// The company estate.
    pub project_a: String,
    /// The estate it pairs with (a resettlement estate).
    pub project_b: String,
    pub title: String,
    pub aims: String,
    pub signed_on: String,
    pub ends_on: String,
}

/// A project the caller may change, by the id typed in a form (else the field's message).
async fn writable_project(
    state: &AppState,
    p: &Principal,
    field: &str,
    typed: &str,
) -> AppResult<Result<Node, FieldError>> {
    let id = typed.trim().parse::<i64>().ok().filter(|id| p.scope.can_write_project(ProjectId(*id)));
    let n = match id {
        Some(id) => org::node(&state.db.read, id).await?,
        None => None,
    };
    Ok(n.ok_or_else(|| FieldError::new(field, "请选择您管理的项目")))
}

/// Pair two projects (the caller may change both).
pub async fn create(state: &AppState, p: &Principal, ctx: &Ctx, f: &PairingForm) -> AppResult<i64> {
    let conn = &state.db.read;
    let a = writable_project(state, p, "project_a", &f.project_a).await?;
    let b = writable_project(state, p, "project_b", &f.project_b).await?;
    let input = model::check_pairing(&f.title, &f.aims, &f.signed_on, &f.ends_on, state.clock.today());
    let mut errors: Vec<FieldError> = Vec::new();
    let a = a.map_err(|e| errors.push(e)).ok();
    let b = b.map_err(|e| errors.push(e)).ok();
    if let (Some(a), Some(b)) = (&a, &b)
        && a.id == b.id
    {
        errors.push(FieldError::new("project_b", "请选择另一个项目"));
    }
    let input = input.map_err(|e| errors.extend(e)).ok();
    let (Some(a), Some(b), Some(input)) = (a, b, input) else {
        return Err(AppError::validation(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    if store::paired(conn, a.id, b.id).await? {
        return Err(store::already_paired());
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let id = store::insert(&tx, a.id, b.id, &input, Some(p.user_id.get()), now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "pairing",
            entity_id: Some(id),
            project_id: a.project_id,
            summary: format!("{} 与 {} 结对：{}", a.name, b.name, input.title),
        },
    )
    .await?;
    Ok(id)
}

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct RotationForm {
    pub person_id: String,
    /// The project they go to (one of the pair; they come from the other).
    pub to_project: String,
    pub duty: String,
    pub starts_on: String,
    pub ends_on: String,
}

/// Send a staff member of one project to the other for a while: within the pairing's term, at most
/// three months, never two rotations of one person at once.
pub async fn rotate(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, f: &RotationForm) -> AppResult<i64> {
    let a = open(state, p, id).await?;
    must_write(&a)?;
    let conn = &state.db.read;
    let mut errors: Vec<FieldError> = Vec::new();
    let to = f.to_project.trim().parse::<i64>().ok().filter(|t| *t == a.a.id || *t == a.b.id);
    if to.is_none() {
        errors.push(FieldError::new("to_project", "请选择轮岗去往的项目"));
    }
    let from = to.map(|t| if t == a.a.id { a.b.id } else { a.a.id });
    // Only the sending project's writers send its people.
    let from_node = if from == Some(a.a.id) { &a.a } else { &a.b };
    if from.is_some() && !org::node_writable(p, from_node) {
        errors.push(FieldError::new("to_project", "只能从您管理的项目派出人员"));
    }
    let person = f.person_id.trim().parse::<i64>().ok().map(PersonId);
    let serves = match (person, from) {
        (Some(person), Some(from)) => {
            org::people_at_node(conn, from).await?.iter().any(|x| x.person_id == person && x.role == "staff")
        }
        _ => false,
    };
    if !serves {
        errors.insert(0, FieldError::new("person_id", "请选择派出项目的工作人员"));
    }
    let input = model::check_rotation(&f.duty, &f.starts_on, &f.ends_on, (a.p.signed_on, a.p.ends_on))
        .map_err(|e| errors.extend(e))
        .ok();
    let (Some(person), Some(from), Some(to), Some(input), true) = (person, from, to, input, errors.is_empty()) else {
        return Err(AppError::validation(errors));
    };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    // Two rotations of one person decided at once: the second waits for the first's commit.
    store::lock_person(&tx, person).await?;
    if store::rotations_of_person(&tx, person)
        .await?
        .iter()
        .any(|r| model::overlaps((r.starts_on, r.ends_on), (input.starts_on, input.ends_on)))
    {
        return Err(AppError::conflict(
            "rotation_overlap",
            "这位同事在这段时间已有轮岗安排",
            "This person already rotates during these dates",
        ));
    }
    let rid = store::insert_rotation(
        &tx,
        &store::Move { pairing: a.p.id, person, from, to },
        &input,
        Some(p.user_id.get()),
        now,
    )
    .await?;
    let name = if to == a.a.id { &a.a.name } else { &a.b.name };
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "pairing_rotation",
            entity_id: Some(rid),
            project_id: Some(ProjectId(to)),
            summary: format!("结对轮岗：{} 至 {name}（{} 至 {}）", input.duty, input.starts_on, input.ends_on),
        },
    )
    .await?;
    Ok(rid)
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct OutcomeForm {
    pub day: String,
    pub text: String,
}

/// Log an outcome of the pairing (what the exchange achieved).
pub async fn log_outcome(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, f: &OutcomeForm) -> AppResult<i64> {
    let a = open(state, p, id).await?;
    must_write(&a)?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let day = match crate::text::num(&f.day).as_str() {
        "" => Some(today),
        s => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().filter(|d| *d <= today && *d >= a.p.signed_on),
    };
    if day.is_none() {
        errors.push(FieldError::new("day", "日期无效（结对以来、不晚于今天）"));
    }
    let text = f.text.trim().to_string();
    if text.is_empty() || text.chars().count() > 1000 {
        errors.push(FieldError::new("text", "请填写成效（不超过1000字）"));
    }
    let (Some(day), true) = (day, errors.is_empty()) else {
        return Err(AppError::validation(errors));
    };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let oid = store::insert_outcome(&tx, a.p.id, day, &text, Some(p.user_id.get()), now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "pairing_outcome",
            entity_id: Some(oid),
            project_id: a.a.project_id,
            summary: format!("结对成效（{}）：{day}", a.p.title),
        },
    )
    .await?;
    Ok(oid)
}

/// A project's duty list additions: staff rotating in or out now or within a month.
pub struct Duty {
    pub r: Rotation,
    pub state: RotationState,
    /// Coming to this project (else leaving it).
    pub incoming: bool,
}

pub async fn duty_at(state: &AppState, project: i64) -> AppResult<Vec<Duty>> {
    let today = state.clock.today();
    Ok(store::rotations_at(&state.db.read, project, today, today + chrono::Duration::days(31))
        .await?
        .into_iter()
        .map(|r| Duty { state: model::state(r.starts_on, r.ends_on, today), incoming: r.to_project == project, r })
        .collect())
}
