//! The volunteers' use cases (C4): apply, decide a registration, form teams and set their members, ask
//! for and decide hour corrections, award points by hand, and one caller's overview. Each checks scope,
//! runs one transaction (rows, ledger, audit, notifications) and returns a typed result or a coded
//! error; the pages and the JSON API both call these.

use crate::ids::*;
use sea_orm::TransactionTrait;
use serde::Serialize;

use super::{model, rule_err, store::*};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    clock::fmt_datetime,
    error::{AppError, AppResult},
    notify, points,
};

/// A team the caller may see: its project's readers and its own members.
pub async fn load_team(state: &AppState, p: &Principal, id: i64) -> AppResult<(Team, Option<String>)> {
    let t = team(&state.db.read, id).await?;
    let role = team_role(&state.db.read, TeamId(id), p.person_id).await?;
    if !p.scope.can_read_project(t.project_id) && role.is_none() {
        return Err(AppError::not_found());
    }
    Ok((t, role))
}

// ---- registration ------------------------------------------------------------------------------------

pub async fn apply_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    project: ProjectId,
    skills: &str,
) -> AppResult<i64> {
    let person = p.person_id.ok_or_else(|| AppError::field("project_id", "此账号未关联住户信息"))?;
    // Residents volunteer where they live.
    if !p.scope.home_projects().contains(&project) {
        return Err(AppError::field("project_id", "请选择您居住的项目"));
    }
    let skills = crate::text::normalize(skills);
    let skills = skills.trim();
    if skills.chars().count() > 200 {
        return Err(AppError::field("skills", "特长与可服务时间不超过200字"));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let existing = registration_of(&tx, person, project).await?;
    model::may_apply(existing.map(|(_, state)| state)).map_err(rule_err)?;
    let id = match existing {
        Some((id, _)) => {
            reapply(&tx, id, skills, now).await?;
            id
        }
        None => insert_registration(&tx, person, project, skills, now).await?,
    };
    let staff = notify::project_staff_users(&tx, project, None).await?;
    notify::to_users(
        &tx,
        &staff,
        &notify::Note {
            kind: "volunteer_applied",
            msg: notify::Msg::new("note.vol.applied").text("name", &p.display_name),
            link: Some("/volunteers".into()),
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
            entity: "volunteer",
            entity_id: Some(id),
            project_id: Some(project),
            summary: "申请成为志愿者".into(),
        },
    )
    .await?;
    Ok(id)
}

pub async fn decide_volunteer_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i64,
    approve: bool,
    note: &str,
) -> AppResult<model::VolunteerState> {
    let v = registration(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    p.scope.require_write(v.project_id)?;
    let next = model::decide_volunteer(v.state, approve).map_err(rule_err)?;
    let note = note.trim();
    if note.chars().count() > 200 {
        return Err(AppError::field("note", "说明不超过200字"));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !decide_registration(&tx, id, next, note, p.user_id, now).await? {
        return Err(AppError::conflict("already_decided", "这份申请已经审核过了", "Already decided"));
    }
    let users = notify::users_of_person(&tx, v.person_id).await?;
    notify::to_users(
        &tx,
        &users,
        &notify::Note {
            kind: "volunteer_decided",
            msg: if approve {
                notify::Msg::new("note.vol.approved").text("project", &v.project_name)
            } else {
                notify::Msg::new("note.vol.refused")
                    .text("note", if note.is_empty() { String::new() } else { format!("：{note}") })
            },
            link: Some("/volunteers".into()),
        },
        now,
    )
    .await?;
    audit::commit(
        tx,
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
    Ok(next)
}

// ---- teams -------------------------------------------------------------------------------------------

pub async fn create_team_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    project: ProjectId,
    kind: &str,
    name: &str,
) -> AppResult<i64> {
    p.scope.require_write(project)?;
    let kind: model::TeamKind = kind.trim().parse().map_err(|_| AppError::field("kind", "请选择队伍类型"))?;
    let name = crate::text::normalize(name);
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(AppError::field("name", "请填写队名（不超过60字）"));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let id = insert_team(&tx, project, kind.as_str(), name, now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "team",
            entity_id: Some(id),
            project_id: Some(project),
            summary: format!("成立{}「{name}」", kind.label(crate::web::i18n::Lang::Zh)),
        },
    )
    .await?;
    Ok(id)
}

/// Add a member (staff, or the team's leader) or set a member's role (leader: staff only). Members are
/// the project's approved volunteers, or its staff and Party members directly (`model::may_join_team`).
pub async fn set_member_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    team_id: TeamId,
    person: PersonId,
    role: &str,
) -> AppResult<()> {
    let (t, my_role) = load_team(state, p, team_id.into()).await?;
    let staff = p.scope.can_write_project(t.project_id);
    let role = match role.trim() {
        "leader" => "leader",
        "" | "member" => "member",
        _ => return Err(AppError::field("role", "角色应为队长或队员")),
    };
    if !(staff || (my_role.as_deref() == Some("leader") && role == "member")) {
        return Err(AppError::forbidden());
    }
    let volunteer = is_approved_volunteer(&state.db.read, person, t.project_id).await?;
    let (staff_here, party_here) = staff_and_party_here(&state.db.read, person, t.project_id).await?;
    if !model::may_join_team(volunteer, staff_here, party_here) {
        return Err(AppError::conflict(
            "not_volunteer",
            "只有本项目审核通过的志愿者、员工或党员才能入队",
            "Only the project's approved volunteers, staff or Party members join a team",
        ));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    set_member_role(&tx, team_id, person, role, now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "team",
            entity_id: Some(team_id.into()),
            project_id: Some(t.project_id),
            summary: format!("「{}」{}：人员{person}", t.name, if role == "leader" { "设队长" } else { "加队员" }),
        },
    )
    .await?;
    Ok(())
}

pub async fn remove_member_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    team_id: TeamId,
    person: PersonId,
) -> AppResult<()> {
    let (t, my_role) = load_team(state, p, team_id.into()).await?;
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
    remove_member(&tx, team_id, person).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "team",
            entity_id: Some(team_id.into()),
            project_id: Some(t.project_id),
            summary: format!("「{}」移出人员{person}", t.name),
        },
    )
    .await?;
    Ok(())
}

// ---- hour corrections --------------------------------------------------------------------------------

pub async fn request_correction_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    signup_id: SignupId,
    minutes: &str,
    reason: &str,
) -> AppResult<i64> {
    let s = service_of(&state.db.read, signup_id).await?.ok_or_else(AppError::not_found)?;
    if Some(s.person_id) != p.person_id || s.state != crate::activities::model::SignupState::Confirmed {
        return Err(AppError::not_found());
    }
    let requested: i64 =
        crate::text::num(minutes).parse().map_err(|_| AppError::field("minutes", "请填写更正后的服务分钟数"))?;
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
    if has_pending_correction(&tx, signup_id).await? {
        return Err(AppError::conflict(
            "correction_pending",
            "这次活动已有一份更正申请在审批中",
            "A correction is pending",
        ));
    }
    let new = NewCorrection {
        signup_id,
        person: s.person_id.into(),
        project: s.project_id.into(),
        minutes_before: s.minutes,
        minutes_requested: requested,
        reason,
    };
    let id = insert_correction(&tx, &new, now).await?;
    // The leaders of the volunteer's teams in this project are told (staff see the list on their page).
    let leaders = leader_users(&tx, s.person_id, s.project_id).await?;
    notify::to_users(
        &tx,
        &leaders,
        &notify::Note {
            kind: "correction_requested",
            msg: notify::Msg::new("note.vol.correction_asked").text("name", &p.display_name).text("title", &s.title),
            link: Some("/volunteers".into()),
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
) -> AppResult<model::CorrectionState> {
    let c = correction(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
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
    let next = model::decide_correction(c.state, approve).map_err(rule_err)?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !decide_correction(&tx, id, next, note, p.user_id, now).await? {
        return Err(AppError::conflict("already_decided", "这份申请已经审批过了", "Already decided"));
    }
    if approve {
        let kind = activity_kind_of_signup(&tx, c.signup_id).await?;
        let (per_hour, _) = points::store::rule(&tx, c.project_id, &kind).await?;
        let (cur_minutes, cur_points) = points::store::credited(&tx, c.signup_id).await?;
        let (dm, dp) = model::correction_entry(cur_minutes, cur_points, c.minutes_requested as i64, per_hour);
        points::store::append(
            &tx,
            &points::model::Entry {
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
            msg: notify::Msg::new(if approve { "note.vol.correction_approved" } else { "note.vol.correction_refused" })
                .text("title", &c.title),
            link: Some("/volunteers".into()),
        },
        now,
    )
    .await?;
    audit::commit(
        tx,
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
    p.scope.require_write(ProjectId(project))?;
    if delta == 0 || !(-1000..=1000).contains(&delta) {
        return Err(AppError::field("delta", "积分应为-1000至1000且不为0"));
    }
    let reason = crate::text::normalize(reason);
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 100 {
        return Err(AppError::field("reason", "请填写原因（不超过100字）"));
    }
    let person = crate::people::store::resident_by_home(&state.db.read, ProjectId(project), room, name)
        .await?
        .ok_or_else(|| AppError::field("name", "本项目这个房号下没有这位住户"))?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    points::store::lock_account(&tx, person, ProjectId(project)).await?;
    let balance = points::store::balance(&tx, person, ProjectId(project)).await?;
    if balance + delta < 0 {
        return Err(AppError::conflict(
            "insufficient_points",
            format!("积分不足：现有{balance}分，不能扣除{}分", -delta),
            "Not enough points to deduct",
        ));
    }
    points::store::append(
        &tx,
        &points::model::Entry {
            person_id: person,
            project_id: ProjectId(project),
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
            msg: notify::Msg::new(if delta > 0 { "note.vol.points_added" } else { "note.vol.points_taken" })
                .text("n", delta.abs())
                .text("reason", reason),
            link: Some("/activities/mine".into()),
        },
        now,
    )
    .await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "points",
            entity_id: Some(person.into()),
            project_id: Some(ProjectId(project)),
            summary: format!("积分调整{delta:+}：{reason}"),
        },
    )
    .await?;
    Ok(balance + delta)
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
            let my_teams =
                teams_of_person(conn, me).await?.into_iter().map(|(team, role)| MyTeam { team, role }).collect();
            (
                registrations_of_person(conn, me).await?,
                my_teams,
                my_services(conn, me, now).await?,
                corrections_of_person(conn, me).await?,
            )
        }
        None => (vec![], vec![], vec![], vec![]),
    };
    let staff: Vec<ProjectId> = p.scope.write_projects.iter().copied().collect();
    let (registrations, mut teams, mut to_decide) = if staff.is_empty() {
        (vec![], vec![], vec![])
    } else {
        (
            registrations_in_projects(conn, &staff).await?,
            teams_in_projects(conn, &staff).await?,
            pending_corrections_in_projects(conn, &staff).await?,
        )
    };
    if let Some(me) = p.person_id {
        // Leaders: the teams they lead and their members' pending corrections.
        for t in teams_led_by(conn, me).await? {
            if !teams.iter().any(|x| x.id == t.id) {
                teams.push(t);
            }
        }
        for c in corrections_for_leader(conn, me.into()).await? {
            if !to_decide.iter().any(|x| x.id == c.id) {
                to_decide.push(c);
            }
        }
    }
    Ok(Overview { mine, my_teams, services, my_corrections, registrations, teams, to_decide })
}
