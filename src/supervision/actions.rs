//! Supervision's use cases. A project's staff appoint owners as 物业服务质量监督员 for a term (with the
//! body that named them: the 业委会 or the community), print their letters and end appointments. A
//! supervisor in force inspects on the phone against the project's checklist; every failed item
//! becomes a rectification request (C1, channel 监督员) in the same transaction, and when the staff have
//! finished it, the supervisor — not the reporter's rating flow — confirms it (the finding closes) or
//! sends it back (the request reopens). The monthly report adds up inspections and rectifications; its
//! public version (公示) names supervisors by surname only.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use sea_orm::TransactionTrait;
use serde::Deserialize;

use super::{
    model::{self, Fact, Figures, FindingState, Mark},
    store::{self, Appointment, Finding, Inspection, Item, NewAppointment, NewFinding},
};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    error::{AppError, AppResult, FieldError},
    ids::ProjectId,
    requests::{
        actions::{ActionForm, Filing},
        model::{Channel, Kind},
        photos::Upload,
    },
};

/// What the supervision page shows this user.
pub struct Board {
    /// Projects the caller keeps, each with its supervisors in force.
    pub kept: Vec<(ProjectId, String, Vec<Appointment>)>,
    /// Projects where the caller serves as supervisor today.
    pub serving: Vec<Appointment>,
    /// Latest inspections of the projects the caller reads, or their own.
    pub inspections: Vec<Inspection>,
}

pub async fn board(state: &AppState, p: &Principal) -> AppResult<Board> {
    let conn = &state.db.read;
    let today = state.clock.today();
    let mut kept = Vec::new();
    let ids = p.scope.write_projects.iter().take(20).map(|x| crate::ids::NodeId(x.get()));
    for n in crate::org::store::nodes(conn, ids).await? {
        let project = ProjectId(n.id);
        kept.push((project, n.name, store::appointments(conn, project).await?));
    }
    let serving = match p.person_id {
        Some(me) => store::serving_projects(conn, me, today).await?,
        None => vec![],
    };
    let read: Vec<ProjectId> = p.scope.read_projects.iter().copied().collect();
    let mut inspections = store::inspections_in(conn, &read).await?;
    if let Some(me) = p.person_id {
        for i in store::inspections_by(conn, me).await? {
            if !inspections.iter().any(|x| x.id == i.id) {
                inspections.push(i);
            }
        }
    }
    Ok(Board { kept, serving, inspections })
}

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct AppointForm {
    /// The owner's home (「1-1-101」) and name.
    pub room: String,
    pub name: String,
    /// Who named them: 「保利荔园天府和悦业主委员会」「牧马山社区居民委员会」.
    pub body_name: String,
    pub term_start: String,
    pub term_end: String,
}

fn short_name(project: &str) -> String {
    let chars: Vec<char> = project.chars().collect();
    chars[chars.len().saturating_sub(2)..].iter().collect()
}

/// Appoint an owner of the project as supervisor for a term.
pub async fn appoint(state: &AppState, p: &Principal, ctx: &Ctx, project: i64, f: &AppointForm) -> AppResult<i64> {
    let conn = &state.db.read;
    let node = crate::org::store::node(conn, project)
        .await?
        .filter(|n| n.kind == "project")
        .ok_or_else(AppError::not_found)?;
    let project = ProjectId(node.id);
    if !p.scope.can_read_project(project) {
        return Err(AppError::not_found());
    }
    p.scope.require_write(project)?;
    let mut errors = Vec::new();
    let name = crate::text::normalize(&f.name);
    let person = crate::people::store::resident_by_home(conn, project, &f.room, &name).await?;
    if person.is_none() {
        errors.push(FieldError::new("name", "门牌号与姓名对不上本项目的住户"));
    }
    let body = crate::text::normalize(&f.body_name);
    if !(2..=60).contains(&body.chars().count()) {
        errors.push(FieldError::new("body_name", "请填写聘任单位（如业主委员会或社区居委会）"));
    }
    let date = |s: &str| crate::text::day(s);
    let term = match (date(&f.term_start), date(&f.term_end)) {
        (Some(s), Some(e)) => match model::check_term(s, e) {
            Ok(()) => Some((s, e)),
            Err(m) => {
                errors.push(FieldError::new("term_end", m));
                None
            }
        },
        _ => {
            errors.push(FieldError::new("term_start", "请选择任期起止日期"));
            None
        }
    };
    let (Some(person), Some(term), true) = (person, term, errors.is_empty()) else {
        return Err(AppError::validation(errors));
    };
    let year = |y| NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(term.0);
    let n = store::count_in_year(conn, project, year(term.0.year()), year(term.0.year() + 1)).await? + 1;
    let letter = model::letter_no(&short_name(&node.name), term.0, n);
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let role = crate::people::store::add_role(&tx, person, "supervisor", node.id, None, Some(term.0), now).await?;
    let new = NewAppointment { project, person, body_name: &body, term, letter_no: &letter, role_id: Some(role) };
    let id = store::insert_appointment(&tx, &new, p.user_id.get(), now).await?;
    let summary = format!("聘任{name}为「{}」物业服务质量监督员（{letter}，{}至{}）", node.name, term.0, term.1);
    audit::commit(
        tx,
        ctx,
        now,
        Entry { action: "create", entity: "sv_appointment", entity_id: Some(id), project_id: Some(project), summary },
    )
    .await?;
    Ok(id)
}

/// An appointment the caller may see: its project's readers, or the person appointed.
pub async fn appointment(state: &AppState, p: &Principal, id: i64) -> AppResult<Appointment> {
    let a = store::appointment(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    if !p.scope.can_read_project(a.project_id) && p.person_id != Some(a.person_id) {
        return Err(AppError::not_found());
    }
    Ok(a)
}

/// End an appointment (the supervisor role goes with it).
pub async fn end_appointment(state: &AppState, p: &Principal, ctx: &Ctx, id: i64) -> AppResult<ProjectId> {
    let a = appointment(state, p, id).await?;
    p.scope.require_write(a.project_id)?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::end_appointment(&tx, id, state.clock.today()).await? {
        return Err(AppError::conflict("appointment_ended", "这项聘任已经结束", "The appointment has ended"));
    }
    if let Some(role) = a.role_id {
        crate::people::store::remove_role(&tx, role).await?;
    }
    let summary = format!("结束{}的监督员聘任（{}）", a.person_name, a.letter_no);
    audit::commit(
        tx,
        ctx,
        now,
        Entry { action: "end", entity: "sv_appointment", entity_id: Some(id), project_id: Some(a.project_id), summary },
    )
    .await?;
    Ok(a.project_id)
}

/// The caller's appointment in force at a project (a supervisor may inspect there), or 403/404.
async fn serving(state: &AppState, p: &Principal, project: i64) -> AppResult<Appointment> {
    let me = p.person_id.ok_or_else(AppError::forbidden)?;
    store::serving(&state.db.read, ProjectId(project), me, state.clock.today()).await?.ok_or_else(|| {
        AppError::new(
            axum::http::StatusCode::FORBIDDEN,
            "not_a_supervisor",
            "您不是本项目在任的物业服务质量监督员",
            "You are not a supervisor of this project now",
        )
    })
}

/// The checklist a supervisor fills in at a project.
pub async fn checklist(state: &AppState, p: &Principal, project: i64) -> AppResult<(Appointment, Vec<Item>)> {
    let a = serving(state, p, project).await?;
    let items = store::items(&state.db.read, a.project_id).await?;
    Ok((a, items))
}

/// Record an inspection: every item judged (`mark_<item>`: 1–5 or pass/fail, `note_<item>`; a failed
/// one says what is wrong), photos, and a rectification request for each failed item — one transaction.
pub async fn inspect(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    project: i64,
    fields: &HashMap<String, String>,
    photos: Vec<Upload>,
) -> AppResult<i64> {
    let (a, items) = checklist(state, p, project).await?;
    let mut errors = Vec::new();
    let mut judged = Vec::new();
    for it in &items {
        let typed = fields.get(&format!("mark_{}", it.id)).map(String::as_str).unwrap_or("");
        let note = crate::text::normalize(fields.get(&format!("note_{}", it.id)).map(String::as_str).unwrap_or(""));
        let Some(m) = model::mark(it.scoring, typed) else {
            errors.push(FieldError::new(&format!("mark_{}", it.id), "请为这一项评分"));
            continue;
        };
        if note.chars().count() > 200 {
            errors.push(FieldError::new(&format!("note_{}", it.id), "说明不超过200字"));
        } else if model::fails(m) && note.is_empty() {
            errors.push(FieldError::new(&format!("note_{}", it.id), "不合格项请写明问题和位置"));
        }
        judged.push((it, m, note));
    }
    let note = crate::text::normalize(fields.get("note").map(String::as_str).unwrap_or(""));
    if note.chars().count() > 500 {
        errors.push(FieldError::new("note", "总体意见不超过500字"));
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let categories = crate::requests::store::categories(&state.db.read, a.project_id).await?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let id = store::insert_inspection(
        &tx,
        a.project_id,
        a.person_id,
        state.clock.today(),
        Some(note.as_str()).filter(|n| !n.is_empty()),
        p.user_id.get(),
        now,
    )
    .await?;
    let mut failed = 0;
    for (it, m, note) in &judged {
        let (score, passed) = match m {
            Mark::Score(s) => (Some(*s), None),
            Mark::Pass(b) => (None, Some(*b)),
        };
        let request_id = if model::fails(*m) {
            failed += 1;
            let wanted = model::categories_for(it.area);
            let category = wanted
                .iter()
                .find_map(|w| categories.iter().find(|c| c.name == *w))
                .or_else(|| categories.first())
                .ok_or_else(|| {
                    AppError::conflict("no_category", "本项目没有诉求类别，无法生成整改单", "No request category")
                })?;
            let filing = Filing {
                category,
                kind: Kind::Repair,
                channel: Channel::Supervisor,
                description: format!("【监督员巡查整改】{}：{note}", it.text),
                household_id: None,
                building_id: None,
                unit_id: None,
                spot_id: None,
                location_text: Some(format!("巡查·{}", it.area.label(ctx.lang))),
                reporter_person_id: Some(a.person_id),
                created_by: Some(p.user_id),
                lat: None,
                lng: None,
                open311_token: None,
                actor: ctx.actor(),
                audit_detail: Channel::Supervisor.zh().to_string(),
            };
            Some(crate::requests::actions::file_in(&tx, ctx, filing, Some("supervision"), now).await?)
        } else {
            None
        };
        let state = if request_id.is_some() { FindingState::Open } else { FindingState::Ok };
        let nf = NewFinding {
            inspection: id,
            project: a.project_id,
            item: it,
            score,
            passed,
            note: Some(note.as_str()).filter(|n| !n.is_empty()),
            request_id,
            state,
        };
        store::insert_finding(&tx, &nf).await?;
    }
    let summary = format!("「{}」监督员巡查：{}项，不合格{failed}项已生成整改单", a.project_name, judged.len());
    let entry = Entry {
        action: "create",
        entity: "sv_inspection",
        entity_id: Some(id),
        project_id: Some(a.project_id),
        summary,
    };
    crate::requests::photos::commit_with_photos(state, tx, ctx, (store::photos_of(id), photos), p.user_id, now, entry)
        .await?;
    Ok(id)
}

/// An inspection the caller may see (its project's readers, or the supervisor who made it), with its
/// findings; `mine` when the caller made it (they confirm its rectifications).
pub async fn inspection(state: &AppState, p: &Principal, id: i64) -> AppResult<(Inspection, Vec<Finding>, bool)> {
    let i = store::inspection(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    let mine = p.person_id == Some(i.person_id);
    if !mine && !p.scope.can_read_project(i.project_id) {
        return Err(AppError::not_found());
    }
    let findings = store::findings_of(&state.db.read, id).await?;
    Ok((i, findings, mine))
}

/// A finding the caller confirms: theirs, open, and its rectification finished by the staff.
async fn to_confirm(state: &AppState, p: &Principal, id: i64) -> AppResult<(Finding, i64)> {
    let f = store::finding(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    let i = store::inspection(&state.db.read, f.inspection_id).await?.ok_or_else(AppError::not_found)?;
    if p.person_id != Some(i.person_id) {
        // Another supervisor (of this project or another), staff, anyone else: not theirs to confirm.
        return Err(if p.scope.can_read_project(i.project_id) { AppError::forbidden() } else { AppError::not_found() });
    }
    let (FindingState::Open, Some(request)) = (f.state, f.request_id) else {
        return Err(AppError::conflict("finding_not_open", "这一项已经确认过了", "This finding is not open"));
    };
    if f.request_state.as_deref() != Some("awaiting_rating") {
        return Err(AppError::conflict(
            "not_rectified",
            "物业还没有完成整改，完成后再确认",
            "The staff have not finished yet",
        ));
    }
    Ok((f, request))
}

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct ConfirmForm {
    /// How well it was put right, 1–5.
    pub score: String,
    pub note: String,
}

/// Confirm a rectification: the finding closes and its request with the supervisor's score.
pub async fn confirm(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, f: &ConfirmForm) -> AppResult<i64> {
    let (finding, request) = to_confirm(state, p, id).await?;
    let score = crate::text::num(&f.score).trim().parse::<u8>().ok().filter(|s| (1..=5).contains(s));
    let score = score.ok_or_else(|| AppError::field("score", "请为整改结果打1至5分"))?.to_string();
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::close(&tx, id, p.user_id.get(), now).await? {
        return Err(AppError::conflict("finding_not_open", "这一项已经确认过了", "This finding is not open"));
    }
    let form = ActionForm {
        action: "rate".into(),
        speed: score.clone(),
        quality: score.clone(),
        attitude: score,
        reason: f.note.clone(),
        ..Default::default()
    };
    crate::requests::actions::act_in(state, &tx, p, ctx, request, form, Some("supervision")).await?;
    let summary = format!("监督员确认整改合格：{}（诉求#{request}）", finding.item_text);
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "confirm",
            entity: "sv_finding",
            entity_id: Some(id),
            project_id: Some(finding.project_id),
            summary,
        },
    )
    .await?;
    Ok(finding.inspection_id)
}

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct SendBackForm {
    /// What is still wrong.
    pub reason: String,
}

/// Send a rectification back: its request reopens with the reason; the finding stays open.
pub async fn send_back(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, f: &SendBackForm) -> AppResult<i64> {
    let (finding, request) = to_confirm(state, p, id).await?;
    let reason = crate::text::normalize(&f.reason);
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(AppError::field("reason", "请写明还有什么问题（不超过200字）"));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::rework(&tx, id).await? {
        return Err(AppError::conflict("finding_not_open", "这一项已经确认过了", "This finding is not open"));
    }
    let form = ActionForm { action: "reopen".into(), reason: reason.clone(), ..Default::default() };
    crate::requests::actions::act_in(state, &tx, p, ctx, request, form, Some("supervision")).await?;
    let summary = format!("监督员退回整改：{}（{reason}）", finding.item_text);
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "send_back",
            entity: "sv_finding",
            entity_id: Some(id),
            project_id: Some(finding.project_id),
            summary,
        },
    )
    .await?;
    Ok(finding.inspection_id)
}

/// A project's month: inspections and the figures of their findings.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Report {
    pub project_id: ProjectId,
    pub project_name: String,
    pub month: String,
    pub inspections: i64,
    pub figures: Figures,
}

async fn build_report(state: &AppState, project: ProjectId, name: String, month: &str) -> AppResult<Report> {
    let (from, to) = model::month_bounds(month).ok_or_else(|| AppError::field("month", "月份格式为YYYY-MM"))?;
    let conn = &state.db.read;
    let now = state.clock.now();
    let facts: Vec<Fact> = store::month_findings(conn, project, from, to)
        .await?
        .into_iter()
        .map(|f| Fact {
            area: f.area,
            score: f.score,
            failed: f.state != FindingState::Ok,
            closed: f.state == FindingState::Closed,
            hours_to_fix: f.closed_at.map(|c| (c - f.inspected_at).num_hours()),
            overdue: f.state == FindingState::Open && f.complete_by.is_some_and(|d| d < now),
        })
        .collect();
    Ok(Report {
        project_id: project,
        project_name: name,
        month: month.trim().to_string(),
        inspections: store::month_inspections(conn, project, from, to).await?,
        figures: model::figures(&facts),
    })
}

/// The month asked for, or this month.
pub fn month_or_now(state: &AppState, month: Option<&str>) -> String {
    month.map(str::trim).filter(|m| !m.is_empty()).map(str::to_string).unwrap_or_else(|| {
        let t = state.clock.today();
        format!("{:04}-{:02}", t.year(), t.month())
    })
}

/// The monthly report for the project's readers.
pub async fn report(state: &AppState, p: &Principal, project: i64, month: &str) -> AppResult<Report> {
    let node = crate::org::store::node(&state.db.read, project).await?.filter(|n| n.kind == "project");
    let node = node.filter(|n| p.scope.can_read_project(ProjectId(n.id))).ok_or_else(AppError::not_found)?;
    build_report(state, ProjectId(node.id), node.name, month).await
}

/// A supervisor as the public list shows them: no personal data beyond the surname.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PublicSupervisor {
    /// 「张*」.
    pub name: String,
    pub body_name: String,
    pub term_start: NaiveDate,
    pub term_end: NaiveDate,
}

/// The public disclosure (公示): the report and the supervisors in force by surname, for anyone.
pub async fn disclosure(state: &AppState, project: i64, month: &str) -> AppResult<(Report, Vec<PublicSupervisor>)> {
    let node = crate::org::store::node(&state.db.read, project).await?.filter(|n| n.kind == "project");
    let node = node.ok_or_else(AppError::not_found)?;
    let report = build_report(state, ProjectId(node.id), node.name, month).await?;
    let people = store::appointments(&state.db.read, ProjectId(project))
        .await?
        .into_iter()
        .map(|a| PublicSupervisor {
            name: model::public_name(&a.person_name),
            body_name: a.body_name,
            term_start: a.term_start,
            term_end: a.term_end,
        })
        .collect();
    Ok((report, people))
}

pub async fn photo(state: &AppState, p: &Principal, id: i64, photo: i64) -> AppResult<axum::response::Response> {
    inspection(state, p, id).await?;
    crate::requests::photos::serve_of(state, &store::photos_of(id), photo).await
}

pub async fn photo_ids(state: &AppState, id: i64) -> AppResult<Vec<i64>> {
    crate::requests::store::photos::ids_of(&state.db.read, &store::photos_of(id)).await
}

/// Every new project starts with the default checklist.
pub async fn on_project_created(
    tx: &sea_orm::DatabaseTransaction,
    project: i64,
    _now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    store::insert_default_items(tx, project).await
}
