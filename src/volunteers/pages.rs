//! Volunteer pages (C4): parse the form, call the use case in `actions`, render. Registration with
//! approval, teams (党团突击队, 志愿服务队, 品质提升队) with leaders and members, hour corrections.

use crate::ids::*;
use crate::web::forms::{Choice, choices};
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State as AxState},
    response::{IntoResponse, Redirect},
};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{actions::*, model, store::*};
use crate::auth::StaffUser;
use crate::{
    app::AppState,
    auth::Auth,
    clock::fmt_datetime,
    error::{AppError, AppResult},
    web::{Chrome, MsgQuery},
};

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
    StaffUser(p, ctx): StaffUser,
    Form(f): Form<AwardForm>,
) -> AppResult<Redirect> {
    let project = parse_id(&f.project_id, "project_id", "请选择项目")?;
    let delta: i64 = crate::text::num(&f.delta).parse().map_err(|_| AppError::field("delta", "积分应为整数"))?;
    award_checked(&state, &p, &ctx, Award { project, room: &f.room, name: &f.name, delta, reason: &f.reason }).await?;
    Ok(Redirect::to("/volunteers?msg=saved"))
}

pub struct ServiceLine {
    pub signup_id: SignupId,
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
    apply_projects: Vec<Choice>,
    services: Vec<ServiceLine>,
    staff_projects: Vec<Choice>,
    team_kinds: Vec<Choice>,
}

impl IndexPage {
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
    let taken: Vec<ProjectId> =
        o.mine.iter().filter(|v| v.state != model::VolunteerState::Rejected).map(|v| v.project_id).collect();
    let apply_projects = if p.person_id.is_some() {
        let ids: Vec<ProjectId> = p.scope.home_projects().into_iter().filter(|id| !taken.contains(id)).collect();
        crate::org::store::project_names(&state.db.read, ids).await?
    } else {
        vec![]
    };
    let staff_projects =
        crate::org::store::project_names(&state.db.read, p.scope.write_projects.iter().copied()).await?;
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
        apply_projects: choices(apply_projects),
        services,
        staff_projects: choices(staff_projects),
        team_kinds: choices(model::TeamKind::ALL.iter().map(|k| (k.as_str(), k.label(ctx.lang)))),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ApplyForm {
    pub project_id: String,
    pub skills: String,
}

fn parse_id(v: &str, field: &str, zh: &str) -> AppResult<i64> {
    crate::text::num(v).parse().map_err(|_| AppError::field(field, zh))
}

pub async fn apply(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Form(f): Form<ApplyForm>,
) -> AppResult<Redirect> {
    let project = parse_id(&f.project_id, "project_id", "请选择项目")?;
    apply_checked(&state, &p, &ctx, ProjectId(project), &f.skills).await?;
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
    StaffUser(p, ctx): StaffUser,
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
    StaffUser(p, ctx): StaffUser,
    Form(f): Form<TeamForm>,
) -> AppResult<Redirect> {
    let project = parse_id(&f.project_id, "project_id", "请选择项目")?;
    let id = create_team_checked(&state, &p, &ctx, ProjectId(project), &f.kind, &f.name).await?;
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
    candidates: Vec<Choice>,
    staff: bool,
    leader: bool,
    period: String,
    ranking: Vec<crate::points::model::RankLine>,
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
    let members = members(&state.db.read, TeamId(id)).await?;
    let candidates =
        if staff || leader { team_candidates(&state.db.read, t.project_id, TeamId(id)).await? } else { vec![] };
    let (period, start, end) = crate::points::model::period_bounds("", state.clock.now())?;
    let rows = crate::points::store::ranking(&state.db.read, t.project_id, Some(TeamId(id)), start, end).await?;
    Ok(TeamPage {
        c: Chrome::new(&ctx, t.name.clone()).with_msg(m.msg.as_deref()),
        kind: t.kind.label(ctx.lang),
        t,
        members,
        candidates: choices(candidates),
        staff,
        leader,
        period,
        ranking: crate::points::model::rank_lines(rows),
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
    set_member_checked(&state, &p, &ctx, TeamId(id), PersonId(person), &f.role).await?;
    Ok(Redirect::to(&format!("/volunteers/teams/{id}?msg=saved")))
}

pub async fn remove_member(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path((id, person)): Path<(i64, i64)>,
) -> AppResult<Redirect> {
    remove_member_checked(&state, &p, &ctx, TeamId(id), PersonId(person)).await?;
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
    request_correction_checked(&state, &p, &ctx, SignupId(signup), &f.minutes, &f.reason).await?;
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
