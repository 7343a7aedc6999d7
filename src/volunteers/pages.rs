//! Volunteers (C4): registration with approval, teams (党团突击队, 志愿服务队, 品质提升队) with leaders and
//! members, and hour corrections a volunteer asks for and a leader (or the project's staff) decides. The
//! `*_checked` functions hold the rules and the writes; the pages and the JSON API call them.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State as AxState},
    response::{IntoResponse, Redirect},
};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, TransactionTrait};
use serde::{Deserialize, Serialize};

use super::{ledger, model, rule_err};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Auth, Ctx, Principal},
    clock::fmt_datetime,
    db,
    error::{AppError, AppResult},
    notify, params,
    web::{Chrome, MsgQuery},
};

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Volunteer {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub project_id: i64,
    pub project_name: String,
    /// `pending`, `approved` or `rejected`.
    pub state: String,
    pub skills: String,
    pub decision_note: Option<String>,
    pub created_at: DateTime<Utc>,
}

const VOL_SELECT: &str = "SELECT v.id, v.person_id, pe.name AS person_name, v.project_id, p.name AS project_name, v.state, \
     v.skills, v.decision_note, v.created_at FROM volunteers v JOIN persons pe ON pe.id = v.person_id \
     JOIN org_nodes p ON p.id = v.project_id";

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Team {
    pub id: i64,
    pub project_id: i64,
    pub project_name: String,
    /// `commando` (党团突击队), `service` (志愿服务队) or `quality` (品质提升队).
    pub kind: String,
    pub name: String,
    pub members: i64,
}

const TEAM_SELECT: &str = "SELECT t.id, t.project_id, p.name AS project_name, t.kind, t.name, \
     (SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id) AS members FROM teams t JOIN org_nodes p ON p.id = t.project_id";

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct TeamMember {
    pub team_id: i64,
    pub person_id: i64,
    pub name: String,
    /// `leader` or `member`.
    pub role: String,
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Correction {
    pub id: i64,
    pub signup_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub project_id: i64,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub minutes_before: i32,
    pub minutes_requested: i32,
    pub reason: String,
    /// `pending`, `approved` or `rejected`.
    pub state: String,
    pub decision_note: Option<String>,
}

const CORR_SELECT: &str = "SELECT c.id, c.signup_id, c.person_id, pe.name AS person_name, c.project_id, COALESCE(o.title, a.title) AS title, o.starts_at, \
     c.minutes_before, c.minutes_requested, c.reason, c.state, c.decision_note FROM hour_corrections c \
     JOIN persons pe ON pe.id = c.person_id JOIN signups s ON s.id = c.signup_id \
     JOIN activity_occurrences o ON o.id = s.occurrence_id JOIN activities a ON a.id = o.activity_id";

/// One of my attendances, with the minutes it counts for now (the latest approved correction, else the
/// check-out's).
#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Service {
    pub signup_id: i64,
    pub occurrence_id: i64,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_out_at: Option<DateTime<Utc>>,
    pub minutes: i64,
    pub pending: i64,
}

/// The minutes an attendance counts for now.
const CURRENT_MINUTES: &str = "COALESCE((SELECT c.minutes_requested FROM hour_corrections c WHERE c.signup_id = s.id \
     AND c.state = 'approved' ORDER BY c.id DESC LIMIT 1), s.service_minutes, 0)";

async fn my_services(conn: &impl ConnectionTrait, person_id: i64, now: DateTime<Utc>) -> AppResult<Vec<Service>> {
    Ok(db::all(
        conn,
        &format!(
            "SELECT s.id AS signup_id, o.id AS occurrence_id, COALESCE(o.title, a.title) AS title, o.starts_at, o.ends_at, s.checked_in_at, \
             s.checked_out_at, CAST({CURRENT_MINUTES} AS BIGINT) AS minutes, \
             (SELECT COUNT(*) FROM hour_corrections c WHERE c.signup_id = s.id AND c.state = 'pending') AS pending \
             FROM signups s JOIN activity_occurrences o ON o.id = s.occurrence_id JOIN activities a ON a.id = o.activity_id \
             WHERE s.person_id = $1 AND s.state = 'confirmed' AND o.starts_at < $2 ORDER BY o.starts_at DESC LIMIT 20"
        ),
        params![person_id, now],
    )
    .await?)
}

/// Does `leader` lead a team of this project that `person` belongs to?
pub async fn leads(conn: &impl ConnectionTrait, leader: i64, person: i64, project_id: i64) -> AppResult<bool> {
    Ok(db::count(
        conn,
        "SELECT COUNT(*) AS n FROM team_members l JOIN team_members m ON m.team_id = l.team_id \
         JOIN teams t ON t.id = l.team_id WHERE l.person_id = $1 AND l.role = 'leader' AND m.person_id = $2 AND t.project_id = $3",
        params![leader, person, project_id],
    )
    .await?
        > 0)
}

async fn team(conn: &impl ConnectionTrait, id: i64) -> AppResult<Team> {
    db::one(conn, &format!("{TEAM_SELECT} WHERE t.id = $1"), params![id]).await?.ok_or_else(AppError::not_found)
}

async fn team_role(conn: &impl ConnectionTrait, team_id: i64, person: Option<i64>) -> AppResult<Option<String>> {
    let Some(person) = person else { return Ok(None) };
    #[derive(FromQueryResult)]
    struct R {
        role: String,
    }
    Ok(db::one::<R>(
        conn,
        "SELECT role FROM team_members WHERE team_id = $1 AND person_id = $2",
        params![team_id, person],
    )
    .await?
    .map(|r| r.role))
}

/// A team the caller may see: its project's readers and its own members.
pub async fn load_team(state: &AppState, p: &Principal, id: i64) -> AppResult<(Team, Option<String>)> {
    let t = team(&state.db.read, id).await?;
    let role = team_role(&state.db.read, id, p.person_id).await?;
    if !p.scope.can_read_project(t.project_id) && role.is_none() {
        return Err(AppError::not_found());
    }
    Ok((t, role))
}

pub async fn members(conn: &impl ConnectionTrait, team_id: i64) -> AppResult<Vec<TeamMember>> {
    Ok(db::all(
        conn,
        "SELECT m.team_id, m.person_id, pe.name, m.role FROM team_members m JOIN persons pe ON pe.id = m.person_id \
         WHERE m.team_id = $1 ORDER BY CASE m.role WHEN 'leader' THEN 0 ELSE 1 END, m.id",
        params![team_id],
    )
    .await?)
}

// ---- registration ------------------------------------------------------------------------------------

/// Residents volunteer where they live.
async fn home_projects(state: &AppState, p: &Principal) -> AppResult<Vec<i64>> {
    let mut v: Vec<i64> = crate::positions::pages::homes(state, p).await?.into_iter().map(|(_, pid)| pid).collect();
    v.sort_unstable();
    v.dedup();
    Ok(v)
}

pub async fn apply_checked(state: &AppState, p: &Principal, ctx: &Ctx, project: i64, skills: &str) -> AppResult<i64> {
    let person = p.person_id.ok_or_else(|| AppError::field("project_id", "此账号未关联住户信息"))?;
    if !home_projects(state, p).await?.contains(&project) {
        return Err(AppError::field("project_id", "请选择您居住的项目"));
    }
    let skills = crate::text::normalize(skills);
    let skills = skills.trim();
    if skills.chars().count() > 200 {
        return Err(AppError::field("skills", "特长与可服务时间不超过200字"));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    #[derive(FromQueryResult)]
    struct Existing {
        id: i64,
        state: String,
    }
    let existing = db::one::<Existing>(
        &tx,
        "SELECT id, state FROM volunteers WHERE person_id = $1 AND project_id = $2",
        params![person, project],
    )
    .await?;
    model::may_apply(existing.as_ref().map(|e| e.state.as_str())).map_err(rule_err)?;
    let id = match existing {
        Some(e) => {
            db::exec(
                &tx,
                "UPDATE volunteers SET state = 'pending', skills = $1, decision_note = NULL, decided_by = NULL, \
                 decided_at = NULL, created_at = $2 WHERE id = $3 AND state = 'rejected'",
                params![skills, now, e.id],
            )
            .await?;
            e.id
        }
        None => match db::insert_id(
            &tx,
            "INSERT INTO volunteers (person_id, project_id, state, skills, created_at) VALUES ($1, $2, 'pending', $3, $4) RETURNING id",
            params![person, project, skills, now],
        )
        .await
        {
            Ok(id) => id,
            Err(e) if db::is_unique_violation(&e) => {
                return Err(AppError::conflict("already_applied", "已经提交过申请，请等待审核", "Already applied"));
            }
            Err(e) => return Err(e.into()),
        },
    };
    let staff = notify::project_staff_users(&tx, project, None).await?;
    notify::to_users(
        &tx,
        &staff,
        &notify::Note {
            kind: "volunteer_applied",
            title: format!("{}申请成为志愿者，请审核", p.display_name),
            link: Some("/volunteers".into()),
        },
        now,
    )
    .await?;
    audit::record(
        &tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "volunteer",
            entity_id: Some(id),
            project_id: Some(project),
            summary: "申请成为志愿者".into(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn decide_volunteer_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i64,
    approve: bool,
    note: &str,
) -> AppResult<&'static str> {
    let v: Volunteer = db::one(&state.db.read, &format!("{VOL_SELECT} WHERE v.id = $1"), params![id])
        .await?
        .ok_or_else(AppError::not_found)?;
    if !p.scope.can_read_project(v.project_id) {
        return Err(AppError::not_found());
    }
    if !p.scope.can_write_project(v.project_id) {
        return Err(AppError::forbidden());
    }
    let next = model::decide_volunteer(&v.state, approve).map_err(rule_err)?;
    let note = note.trim();
    if note.chars().count() > 200 {
        return Err(AppError::field("note", "说明不超过200字"));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let n = db::exec(
        &tx,
        "UPDATE volunteers SET state = $1, decision_note = $2, decided_by = $3, decided_at = $4 WHERE id = $5 AND state = 'pending'",
        params![next, (!note.is_empty()).then_some(note), p.user_id, now, id],
    )
    .await?
    .rows_affected();
    if n == 0 {
        return Err(AppError::conflict("already_decided", "这份申请已经审核过了", "Already decided"));
    }
    let users = notify::users_of_person(&tx, v.person_id).await?;
    notify::to_users(
        &tx,
        &users,
        &notify::Note {
            kind: "volunteer_decided",
            title: if approve {
                format!("您已成为{}的志愿者", v.project_name)
            } else {
                format!("志愿者申请未通过{}", if note.is_empty() { String::new() } else { format!("：{note}") })
            },
            link: Some("/volunteers".into()),
        },
        now,
    )
    .await?;
    audit::record(
        &tx,
        ctx,
        now,
        Entry {
            action: if approve { "approve" } else { "reject" },
            entity: "volunteer",
            entity_id: Some(id),
            project_id: Some(v.project_id),
            summary: format!("{}志愿者申请：{}", if approve { "通过" } else { "驳回" }, v.person_name),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(next)
}

// ---- teams -------------------------------------------------------------------------------------------

pub async fn create_team_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    project: i64,
    kind: &str,
    name: &str,
) -> AppResult<i64> {
    if !p.scope.can_write_project(project) {
        return Err(AppError::forbidden());
    }
    let kind = model::TEAM_KINDS
        .iter()
        .find(|(c, _)| *c == kind.trim())
        .map(|(c, _)| *c)
        .ok_or_else(|| AppError::field("kind", "请选择队伍类型"))?;
    let name = crate::text::normalize(name);
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(AppError::field("name", "请填写队名（不超过60字）"));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let id = match db::insert_id(
        &tx,
        "INSERT INTO teams (project_id, kind, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        params![project, kind, name, now],
    )
    .await
    {
        Ok(id) => id,
        Err(e) if db::is_unique_violation(&e) => {
            return Err(AppError::conflict("duplicate_team", "本项目已有同名队伍", "A team with this name exists"));
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "team",
            entity_id: Some(id),
            project_id: Some(project),
            summary: format!("成立{}「{name}」", model::team_kind_zh(kind)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Add a member (staff, or the team's leader) or set a member's role (leader: staff only). Members must
/// be approved volunteers of the team's project.
pub async fn set_member_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    team_id: i64,
    person: i64,
    role: &str,
) -> AppResult<()> {
    let (t, my_role) = load_team(state, p, team_id).await?;
    let staff = p.scope.can_write_project(t.project_id);
    let role = match role.trim() {
        "leader" => "leader",
        "" | "member" => "member",
        _ => return Err(AppError::field("role", "角色应为队长或队员")),
    };
    if !(staff || (my_role.as_deref() == Some("leader") && role == "member")) {
        return Err(AppError::forbidden());
    }
    let approved = db::count(
        &state.db.read,
        "SELECT COUNT(*) AS n FROM volunteers WHERE person_id = $1 AND project_id = $2 AND state = 'approved'",
        params![person, t.project_id],
    )
    .await?;
    if approved == 0 {
        return Err(AppError::conflict(
            "not_volunteer",
            "只有审核通过的本项目志愿者才能入队",
            "Not an approved volunteer",
        ));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let updated = db::exec(
        &tx,
        "UPDATE team_members SET role = $1 WHERE team_id = $2 AND person_id = $3",
        params![role, team_id, person],
    )
    .await?
    .rows_affected();
    if updated == 0 {
        db::exec(
            &tx,
            "INSERT INTO team_members (team_id, person_id, role, created_at) VALUES ($1, $2, $3, $4)",
            params![team_id, person, role, now],
        )
        .await?;
    }
    audit::record(
        &tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "team",
            entity_id: Some(team_id),
            project_id: Some(t.project_id),
            summary: format!("「{}」{}：人员{person}", t.name, if role == "leader" { "设队长" } else { "加队员" }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove_member_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    team_id: i64,
    person: i64,
) -> AppResult<()> {
    let (t, my_role) = load_team(state, p, team_id).await?;
    let staff = p.scope.can_write_project(t.project_id);
    // Removing someone not in the team changes nothing and is not an error (the page may be stale).
    let their_role = team_role(&state.db.read, team_id, Some(person)).await?;
    if !(staff || (my_role.as_deref() == Some("leader") && their_role.as_deref() != Some("leader"))) {
        return Err(AppError::forbidden());
    }
    if their_role.is_none() {
        return Ok(());
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    db::exec(&tx, "DELETE FROM team_members WHERE team_id = $1 AND person_id = $2", params![team_id, person]).await?;
    audit::record(
        &tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "team",
            entity_id: Some(team_id),
            project_id: Some(t.project_id),
            summary: format!("「{}」移出人员{person}", t.name),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---- hour corrections --------------------------------------------------------------------------------

pub async fn request_correction_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    signup_id: i64,
    minutes: &str,
    reason: &str,
) -> AppResult<i64> {
    #[derive(FromQueryResult)]
    struct S {
        person_id: i64,
        project_id: i64,
        state: String,
        title: String,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        checked_out_at: Option<DateTime<Utc>>,
        minutes: i64,
    }
    let s: S = db::one(
        &state.db.read,
        &format!(
            "SELECT s.person_id, a.project_id, s.state, COALESCE(o.title, a.title) AS title, o.starts_at, o.ends_at, s.checked_out_at, \
             CAST({CURRENT_MINUTES} AS BIGINT) AS minutes FROM signups s JOIN activity_occurrences o ON o.id = s.occurrence_id \
             JOIN activities a ON a.id = o.activity_id WHERE s.id = $1"
        ),
        params![signup_id],
    )
    .await?
    .ok_or_else(AppError::not_found)?;
    if Some(s.person_id) != p.person_id || s.state != "confirmed" {
        return Err(AppError::not_found());
    }
    let requested: i64 = minutes.trim().parse().map_err(|_| AppError::field("minutes", "请填写更正后的服务分钟数"))?;
    let reason = crate::text::normalize(reason);
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(AppError::field("reason", "请说明原因（不超过200字）"));
    }
    let now = state.clock.now();
    let duration = (s.ends_at - s.starts_at).num_minutes();
    model::check_correction(requested, s.minutes, duration, s.checked_out_at.is_some(), s.ends_at, now)
        .map_err(|e| AppError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, e.code, e.zh, "Invalid correction"))?;
    let tx = state.db.write.begin().await?;
    let pending = db::count(
        &tx,
        "SELECT COUNT(*) AS n FROM hour_corrections WHERE signup_id = $1 AND state = 'pending'",
        params![signup_id],
    )
    .await?;
    if pending > 0 {
        return Err(AppError::conflict(
            "correction_pending",
            "这次活动已有一份更正申请在审批中",
            "A correction is pending",
        ));
    }
    let id = db::insert_id(
        &tx,
        "INSERT INTO hour_corrections (signup_id, person_id, project_id, minutes_before, minutes_requested, reason, state, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) RETURNING id",
        params![signup_id, s.person_id, s.project_id, s.minutes as i32, requested as i32, reason, now],
    )
    .await?;
    // The leaders of the volunteer's teams in this project are told (staff see the list on their page).
    let leaders = db::all::<db::IdRow>(
        &tx,
        "SELECT DISTINCT u.id FROM team_members m JOIN teams t ON t.id = m.team_id AND t.project_id = $2 \
         JOIN team_members l ON l.team_id = m.team_id AND l.role = 'leader' JOIN users u ON u.person_id = l.person_id \
         WHERE m.person_id = $1 AND l.person_id <> $1",
        params![s.person_id, s.project_id],
    )
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect::<Vec<_>>();
    notify::to_users(
        &tx,
        &leaders,
        &notify::Note {
            kind: "correction_requested",
            title: format!("{}申请更正「{}」的服务时长，请审批", p.display_name, s.title),
            link: Some("/volunteers".into()),
        },
        now,
    )
    .await?;
    audit::record(
        &tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "hour_correction",
            entity_id: Some(id),
            project_id: Some(s.project_id),
            summary: format!(
                "申请更正「{}」{}时长：{}→{}分钟",
                s.title,
                fmt_datetime(s.starts_at),
                s.minutes,
                requested
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Approve or reject a correction: the project's staff, or a leader of a team the volunteer is in (not
/// their own). Approval appends one ledger entry with the change in minutes and points.
pub async fn decide_correction_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i64,
    approve: bool,
    note: &str,
) -> AppResult<&'static str> {
    let c: Correction = db::one(&state.db.read, &format!("{CORR_SELECT} WHERE c.id = $1"), params![id])
        .await?
        .ok_or_else(AppError::not_found)?;
    let staff = p.scope.can_write_project(c.project_id);
    let leader = match p.person_id {
        Some(me) if me != c.person_id => leads(&state.db.read, me, c.person_id, c.project_id).await?,
        _ => false,
    };
    if !staff && !leader {
        if p.scope.can_read_project(c.project_id) || p.person_id == Some(c.person_id) {
            return Err(AppError::forbidden());
        }
        return Err(AppError::not_found());
    }
    let note = note.trim();
    if note.chars().count() > 200 {
        return Err(AppError::field("note", "说明不超过200字"));
    }
    let next = if approve { "approved" } else { "rejected" };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let n = db::exec(
        &tx,
        "UPDATE hour_corrections SET state = $1, decided_by = $2, decided_at = $3, decision_note = $4 WHERE id = $5 AND state = 'pending'",
        params![next, p.user_id, now, (!note.is_empty()).then_some(note), id],
    )
    .await?
    .rows_affected();
    if n == 0 {
        return Err(AppError::conflict("already_decided", "这份申请已经审批过了", "Already decided"));
    }
    if approve {
        #[derive(FromQueryResult)]
        struct K {
            kind: String,
        }
        let kind = db::one::<K>(
            &tx,
            "SELECT a.kind FROM signups s JOIN activity_occurrences o ON o.id = s.occurrence_id \
             JOIN activities a ON a.id = o.activity_id WHERE s.id = $1",
            params![c.signup_id],
        )
        .await?
        .map(|k| k.kind)
        .unwrap_or_default();
        let (per_hour, _) = ledger::rule(&tx, c.project_id, &kind).await?;
        let (cur_minutes, cur_points) = ledger::credited(&tx, c.signup_id).await?;
        let (dm, dp) = model::correction_entry(cur_minutes, cur_points, c.minutes_requested as i64, per_hour);
        ledger::append(
            &tx,
            &ledger::Entry {
                person_id: c.person_id,
                project_id: c.project_id,
                delta: dp,
                minutes: dm,
                reason: format!(
                    "更正「{}」{}服务时长：{}→{}分钟（{}）",
                    c.title,
                    fmt_datetime(c.starts_at),
                    cur_minutes,
                    c.minutes_requested,
                    c.reason
                ),
                source: Some(format!("signup:{}:correction:{id}", c.signup_id)),
                author: Some(p.user_id),
            },
            now,
        )
        .await?;
    }
    let users = notify::users_of_person(&tx, c.person_id).await?;
    notify::to_users(
        &tx,
        &users,
        &notify::Note {
            kind: "correction_decided",
            title: format!("「{}」时长更正{}", c.title, if approve { "已批准，积分已调整" } else { "未获批准" }),
            link: Some("/volunteers".into()),
        },
        now,
    )
    .await?;
    audit::record(
        &tx,
        ctx,
        now,
        Entry {
            action: if approve { "approve" } else { "reject" },
            entity: "hour_correction",
            entity_id: Some(id),
            project_id: Some(c.project_id),
            summary: format!(
                "{}{}的时长更正：「{}」{}→{}分钟",
                if approve { "批准" } else { "驳回" },
                c.person_name,
                c.title,
                c.minutes_before,
                c.minutes_requested
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(next)
}

// ---- awards ------------------------------------------------------------------------------------------

/// Award (or, negative, deduct) points by hand — a good deed, hours carried over from a paper ledger —
/// to a resident found by home and name (the project's staff). One ledger entry with the reason and the
/// author; a deduction may not take the balance below zero (the account row is locked as for spending).
pub struct Award<'a> {
    pub project: i64,
    pub room: &'a str,
    pub name: &'a str,
    pub delta: i64,
    pub reason: &'a str,
}

pub async fn award_checked(state: &AppState, p: &Principal, ctx: &Ctx, a: Award<'_>) -> AppResult<i64> {
    let Award { project, room, name, delta, reason } = a;
    if !p.scope.can_write_project(project) {
        return Err(AppError::forbidden());
    }
    if delta == 0 || !(-1000..=1000).contains(&delta) {
        return Err(AppError::field("delta", "积分应为-1000至1000且不为0"));
    }
    let reason = crate::text::normalize(reason);
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 100 {
        return Err(AppError::field("reason", "请填写原因（不超过100字）"));
    }
    let person = crate::people::store::resident_by_home(&state.db.read, project, room, name)
        .await?
        .ok_or_else(|| AppError::field("name", "本项目这个房号下没有这位住户"))?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    ledger::lock_account(&tx, person, project).await?;
    let balance = ledger::balance(&tx, person, project).await?;
    if balance + delta < 0 {
        return Err(AppError::conflict(
            "insufficient_points",
            format!("积分不足：现有{balance}分，不能扣除{}分", -delta),
            "Not enough points to deduct",
        ));
    }
    ledger::append(
        &tx,
        &ledger::Entry {
            person_id: person,
            project_id: project,
            delta,
            minutes: 0,
            reason: reason.to_string(),
            source: None,
            author: Some(p.user_id),
        },
        now,
    )
    .await?;
    let users = notify::users_of_person(&tx, person).await?;
    notify::to_users(
        &tx,
        &users,
        &notify::Note {
            kind: "points_awarded",
            title: format!("积分{}{}：{reason}", if delta > 0 { "增加" } else { "扣减" }, delta.abs()),
            link: Some("/activities/mine".into()),
        },
        now,
    )
    .await?;
    audit::record(
        &tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "points",
            entity_id: Some(person),
            project_id: Some(project),
            summary: format!("积分调整{delta:+}：{reason}"),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(balance + delta)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AwardForm {
    pub project_id: String,
    pub room: String,
    pub name: String,
    pub delta: String,
    pub reason: String,
}

pub async fn award(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Form(f): Form<AwardForm>,
) -> AppResult<Redirect> {
    let project = parse_id(&f.project_id, "project_id", "请选择项目")?;
    let delta: i64 = f.delta.trim().parse().map_err(|_| AppError::field("delta", "积分应为整数"))?;
    award_checked(&state, &p, &ctx, Award { project, room: &f.room, name: &f.name, delta, reason: &f.reason }).await?;
    Ok(Redirect::to("/volunteers?msg=saved"))
}

// ---- pages -------------------------------------------------------------------------------------------

#[derive(Serialize, utoipa::ToSchema)]
pub struct MyTeam {
    pub team: Team,
    /// `leader` or `member`.
    pub role: String,
}

/// Everything the volunteers page and `GET /api/v1/volunteers/me` show to one caller.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Overview {
    /// My registrations.
    pub mine: Vec<Volunteer>,
    /// Teams I am in, with my role.
    pub my_teams: Vec<MyTeam>,
    /// My recent attendances (hours may be corrected).
    pub services: Vec<Service>,
    pub my_corrections: Vec<Correction>,
    /// Staff: registrations of my projects (pending first).
    pub registrations: Vec<Volunteer>,
    /// Staff: my projects' teams; leaders: the teams they lead.
    pub teams: Vec<Team>,
    /// Corrections I may decide.
    pub to_decide: Vec<Correction>,
}

pub async fn overview(state: &AppState, p: &Principal) -> AppResult<Overview> {
    let conn = &state.db.read;
    let now = state.clock.now();
    let (mine, my_teams, services, my_corrections) = match p.person_id {
        Some(me) => {
            let mine =
                db::all(conn, &format!("{VOL_SELECT} WHERE v.person_id = $1 ORDER BY v.id"), params![me]).await?;
            #[derive(FromQueryResult)]
            struct TR {
                id: i64,
                project_id: i64,
                project_name: String,
                kind: String,
                name: String,
                members: i64,
                role: String,
            }
            let teams: Vec<TR> = db::all(
                conn,
                "SELECT t.id, t.project_id, p.name AS project_name, t.kind, t.name, \
                 (SELECT COUNT(*) FROM team_members x WHERE x.team_id = t.id) AS members, m.role \
                 FROM team_members m JOIN teams t ON t.id = m.team_id JOIN org_nodes p ON p.id = t.project_id \
                 WHERE m.person_id = $1 ORDER BY t.id",
                params![me],
            )
            .await?;
            let my_teams = teams
                .into_iter()
                .map(|t| MyTeam {
                    team: Team {
                        id: t.id,
                        project_id: t.project_id,
                        project_name: t.project_name,
                        kind: t.kind,
                        name: t.name,
                        members: t.members,
                    },
                    role: t.role,
                })
                .collect();
            let corrections = db::all(
                conn,
                &format!("{CORR_SELECT} WHERE c.person_id = $1 ORDER BY c.id DESC LIMIT 20"),
                params![me],
            )
            .await?;
            (mine, my_teams, my_services(conn, me, now).await?, corrections)
        }
        None => (vec![], vec![], vec![], vec![]),
    };
    let staff: Vec<i64> = p.scope.write_projects.iter().copied().collect();
    let (mut registrations, mut teams, mut to_decide): (Vec<Volunteer>, Vec<Team>, Vec<Correction>) =
        (vec![], vec![], vec![]);
    if !staff.is_empty() {
        let ph = db::placeholders(1, staff.len());
        let vals: Vec<sea_orm::Value> = staff.iter().map(|v| (*v).into()).collect();
        registrations = db::all(
            conn,
            &format!(
                "{VOL_SELECT} WHERE v.project_id IN ({ph}) AND v.state <> 'rejected' \
                 ORDER BY CASE v.state WHEN 'pending' THEN 0 ELSE 1 END, v.id DESC LIMIT 200"
            ),
            vals.clone(),
        )
        .await?;
        teams =
            db::all(conn, &format!("{TEAM_SELECT} WHERE t.project_id IN ({ph}) ORDER BY t.id"), vals.clone()).await?;
        to_decide = db::all(
            conn,
            &format!("{CORR_SELECT} WHERE c.project_id IN ({ph}) AND c.state = 'pending' ORDER BY c.id LIMIT 100"),
            vals,
        )
        .await?;
    }
    if let Some(me) = p.person_id {
        // Leaders: the teams they lead and their members' pending corrections.
        let led: Vec<Team> = db::all(
            conn,
            &format!(
                "{TEAM_SELECT} WHERE t.id IN (SELECT team_id FROM team_members WHERE person_id = $1 AND role = 'leader') ORDER BY t.id"
            ),
            params![me],
        )
        .await?;
        for t in led {
            if !teams.iter().any(|x| x.id == t.id) {
                teams.push(t);
            }
        }
        let theirs: Vec<Correction> = db::all(
            conn,
            &format!(
                "{CORR_SELECT} WHERE c.state = 'pending' AND c.person_id <> $1 AND EXISTS (SELECT 1 FROM team_members l \
                 JOIN team_members m ON m.team_id = l.team_id JOIN teams t ON t.id = l.team_id \
                 WHERE l.person_id = $1 AND l.role = 'leader' AND m.person_id = c.person_id AND t.project_id = c.project_id) \
                 ORDER BY c.id LIMIT 100"
            ),
            params![me],
        )
        .await?;
        for c in theirs {
            if !to_decide.iter().any(|x| x.id == c.id) {
                to_decide.push(c);
            }
        }
    }
    Ok(Overview { mine, my_teams, services, my_corrections, registrations, teams, to_decide })
}

pub struct ServiceLine {
    pub signup_id: i64,
    pub title: String,
    pub when: String,
    pub minutes: i64,
    pub duration: i64,
    pub can_correct: bool,
    pub pending: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "volunteers/index.html")]
struct IndexPage {
    c: Chrome,
    o: Overview,
    apply_projects: Vec<(i64, String)>,
    services: Vec<ServiceLine>,
    staff_projects: Vec<(i64, String)>,
    team_kinds: Vec<(&'static str, &'static str)>,
}

impl IndexPage {
    fn vol_state(&self, s: &str) -> &'static str {
        model::volunteer_state_zh(s)
    }
    fn corr_state(&self, s: &str) -> &'static str {
        model::correction_state_zh(s)
    }
    fn team_kind(&self, s: &str) -> &'static str {
        model::team_kind_zh(s)
    }
    fn when(&self, t: &DateTime<Utc>) -> String {
        fmt_datetime(*t)
    }
}

pub async fn index(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let o = overview(&state, &p).await?;
    let now = state.clock.now();
    let taken: Vec<i64> = o.mine.iter().filter(|v| v.state != "rejected").map(|v| v.project_id).collect();
    let apply_projects = if p.person_id.is_some() {
        let ids: Vec<i64> = home_projects(&state, &p).await?.into_iter().filter(|id| !taken.contains(id)).collect();
        crate::org::store::nodes(&state.db.read, ids).await?.into_iter().map(|n| (n.id, n.name)).collect()
    } else {
        vec![]
    };
    let staff_projects = crate::org::store::nodes(&state.db.read, p.scope.write_projects.iter().copied())
        .await?
        .into_iter()
        .map(|n| (n.id, n.name))
        .collect();
    let services = o
        .services
        .iter()
        .map(|s| {
            let duration = (s.ends_at - s.starts_at).num_minutes();
            ServiceLine {
                signup_id: s.signup_id,
                title: s.title.clone(),
                when: fmt_datetime(s.starts_at),
                minutes: s.minutes,
                duration,
                can_correct: s.pending == 0
                    && (s.checked_out_at.is_some() || now > s.ends_at + chrono::Duration::hours(2)),
                pending: s.pending > 0,
            }
        })
        .collect();
    Ok(IndexPage {
        c: Chrome::titled(&ctx, "vol.title").with_msg(m.msg.as_deref()),
        o,
        apply_projects,
        services,
        staff_projects,
        team_kinds: model::TEAM_KINDS.to_vec(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ApplyForm {
    pub project_id: String,
    pub skills: String,
}

fn parse_id(v: &str, field: &str, zh: &str) -> AppResult<i64> {
    v.trim().parse().map_err(|_| AppError::field(field, zh))
}

pub async fn apply(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Form(f): Form<ApplyForm>,
) -> AppResult<Redirect> {
    let project = parse_id(&f.project_id, "project_id", "请选择项目")?;
    apply_checked(&state, &p, &ctx, project, &f.skills).await?;
    Ok(Redirect::to("/volunteers?msg=applied"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecideForm {
    /// `approve` or `reject`.
    pub decision: String,
    pub note: String,
}

fn approve(d: &str) -> AppResult<bool> {
    match d.trim() {
        "approve" => Ok(true),
        "reject" => Ok(false),
        _ => Err(AppError::field("decision", "请选择通过或驳回")),
    }
}

pub async fn decide(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> AppResult<Redirect> {
    decide_volunteer_checked(&state, &p, &ctx, id, approve(&f.decision)?, &f.note).await?;
    Ok(Redirect::to("/volunteers?msg=saved"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TeamForm {
    pub project_id: String,
    pub kind: String,
    pub name: String,
}

pub async fn create_team(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Form(f): Form<TeamForm>,
) -> AppResult<Redirect> {
    let project = parse_id(&f.project_id, "project_id", "请选择项目")?;
    let id = create_team_checked(&state, &p, &ctx, project, &f.kind, &f.name).await?;
    Ok(Redirect::to(&format!("/volunteers/teams/{id}?msg=created")))
}

#[derive(Template, WebTemplate)]
#[template(path = "volunteers/team.html")]
struct TeamPage {
    c: Chrome,
    t: Team,
    kind: &'static str,
    members: Vec<TeamMember>,
    /// Approved volunteers of the project not yet in the team (for staff and the leader).
    candidates: Vec<(i64, String)>,
    staff: bool,
    leader: bool,
    period: String,
    ranking: Vec<(usize, String, i64, String)>,
}

pub async fn team_page(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let (t, role) = load_team(&state, &p, id).await?;
    let staff = p.scope.can_write_project(t.project_id);
    let leader = role.as_deref() == Some("leader");
    let members = members(&state.db.read, id).await?;
    let candidates = if staff || leader {
        #[derive(FromQueryResult)]
        struct C {
            person_id: i64,
            name: String,
        }
        db::all::<C>(
            &state.db.read,
            "SELECT v.person_id, pe.name FROM volunteers v JOIN persons pe ON pe.id = v.person_id \
             WHERE v.project_id = $1 AND v.state = 'approved' AND v.person_id NOT IN (SELECT person_id FROM team_members WHERE team_id = $2) \
             ORDER BY pe.name LIMIT 500",
            params![t.project_id, id],
        )
        .await?
        .into_iter()
        .map(|c| (c.person_id, c.name))
        .collect()
    } else {
        vec![]
    };
    let (period, rows) = crate::activities::attendance::ranking_rows(&state, t.project_id, Some(id), "").await?;
    Ok(TeamPage {
        c: Chrome::new(&ctx, t.name.clone()).with_msg(m.msg.as_deref()),
        kind: model::team_kind_zh(&t.kind),
        t,
        members,
        candidates,
        staff,
        leader,
        period,
        ranking: crate::activities::attendance::rank_lines(rows),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MemberForm {
    pub person_id: String,
    pub role: String,
}

pub async fn add_member(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<MemberForm>,
) -> AppResult<Redirect> {
    let person = parse_id(&f.person_id, "person_id", "请选择志愿者")?;
    set_member_checked(&state, &p, &ctx, id, person, &f.role).await?;
    Ok(Redirect::to(&format!("/volunteers/teams/{id}?msg=saved")))
}

pub async fn remove_member(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path((id, person)): Path<(i64, i64)>,
) -> AppResult<Redirect> {
    remove_member_checked(&state, &p, &ctx, id, person).await?;
    Ok(Redirect::to(&format!("/volunteers/teams/{id}?msg=saved")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CorrectionForm {
    pub minutes: String,
    pub reason: String,
}

pub async fn request_correction(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(signup): Path<i64>,
    Form(f): Form<CorrectionForm>,
) -> AppResult<Redirect> {
    request_correction_checked(&state, &p, &ctx, signup, &f.minutes, &f.reason).await?;
    Ok(Redirect::to("/volunteers?msg=correction_sent"))
}

pub async fn decide_correction(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> AppResult<Redirect> {
    decide_correction_checked(&state, &p, &ctx, id, approve(&f.decision)?, &f.note).await?;
    Ok(Redirect::to("/volunteers?msg=saved"))
}
