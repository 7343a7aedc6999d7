//! Requests' use cases (C1): report (from the phone, by staff for a resident, by a supervisor or a grid
//! member), and every step of the state machine (dispatch, accept, complete, rate, …) with its
//! compare-and-set, timeline event and notices — plus who may read a request and act on it. The pages,
//! the API and the photo handlers call these.

mod filing;
mod form;
pub mod keys;
mod notices;
pub mod outbound;
pub mod referrals;
pub mod refs;

pub use filing::{Filing, NewRequestForm, create_checked, file, file_in};
pub use form::{ActionForm, parse_action};
pub use notices::{notify_after, reporter_update};

use crate::ids::*;
use sea_orm::TransactionTrait;

use super::{
    model::{self, Action, Actor, State},
    store::{self, RequestRow},
};
use crate::{
    app::AppState,
    auth::{Ctx, Principal},
    error::{AppError, AppResult},
};

/// What the caller is to this request; empty means no access at all.
pub fn actors(p: &Principal, r: &RequestRow) -> Vec<Actor> {
    let mut v = Vec::new();
    let my_post = r.assignee_person_id.is_none()
        && r.handler_post
            .as_ref()
            .is_some_and(|post| p.staff_posts().iter().any(|(pr, x)| *pr == r.project_id.get() && x == post));
    if (p.person_id.is_some() && p.person_id == r.assignee_person_id) || my_post {
        v.push(Actor::Handler);
    }
    if p.scope.can_write_project(r.project_id) {
        v.push(Actor::Dispatcher);
    }
    if p.person_id.is_some() && p.person_id == r.reporter_person_id {
        v.push(Actor::Reporter);
    }
    v
}

pub fn readable(p: &Principal, r: &RequestRow) -> bool {
    !actors(p, r).is_empty() || p.scope.can_read_project(r.project_id)
}

pub async fn load(state: &AppState, p: &Principal, id: i64) -> AppResult<RequestRow> {
    let r = store::request(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    if !readable(p, &r) && !reached_by_referral(state, p, &r).await? {
        return Err(AppError::not_found());
    }
    Ok(r)
}

/// A grid member reads a request of their grid's projects once it was pushed up to the government side
/// (they work it in the inbox); before that it is the property's own.
async fn reached_by_referral(state: &AppState, p: &Principal, r: &RequestRow) -> AppResult<bool> {
    if p.scope.grid_paths.is_empty() || !grid_projects(state, p).await?.contains(&r.project_id) {
        return Ok(false);
    }
    Ok(referrals::of_request(state, r.id).await?.iter().any(|f| f.node_id.is_some()))
}

/// Projects with homes in the caller's micro-grids (a grid member may report there).
pub async fn grid_projects(state: &AppState, p: &Principal) -> AppResult<Vec<ProjectId>> {
    let mut v = Vec::new();
    for path in &p.scope.grid_paths {
        let ids = store::projects_in_grid(&state.db.read, path).await?;
        v.extend(ids.into_iter().filter(|id| !v.contains(id)).collect::<Vec<_>>());
    }
    Ok(v)
}

pub async fn grid_covers(state: &AppState, p: &Principal, project_id: ProjectId) -> AppResult<bool> {
    Ok(!p.scope.grid_paths.is_empty() && grid_projects(state, p).await?.contains(&project_id))
}

/// A home given by staff as 「1-1-101」 or 「1栋1单元101(室)」 in this project.
pub async fn household_by_label(state: &AppState, project_id: ProjectId, label: &str) -> AppResult<Option<i64>> {
    crate::org::store::household_by_label(&state.db.read, project_id, label).await
}

pub async fn project_staff(state: &AppState, project_id: ProjectId) -> AppResult<Vec<(i64, String)>> {
    Ok(store::project_staff(&state.db.read, project_id)
        .await?
        .into_iter()
        .map(|(id, name, post)| (id, format!("{name}{}", post.map(|p| format!("（{p}）")).unwrap_or_default())))
        .collect())
}

/// Apply an action: check who the caller is to this request, run the state machine, write the new
/// state only if nobody changed it meanwhile, and record the event — one transaction.
pub async fn act_checked(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, f: ActionForm) -> AppResult<State> {
    let tx = state.db.write.begin().await?;
    let s = act_in(state, &tx, p, ctx, id, f, None).await?;
    tx.commit().await?;
    Ok(s)
}

/// `act_checked` inside a caller's transaction. A request confirmed by another flow (`confirm_via`, e.g.
/// a supervisor's inspection) is rated or reopened by its reporter only through that flow (`via`).
pub async fn act_in(
    state: &AppState,
    tx: &sea_orm::DatabaseTransaction,
    p: &Principal,
    ctx: &Ctx,
    id: i64,
    f: ActionForm,
    via: Option<&str>,
) -> AppResult<State> {
    let r = load(state, p, id).await?;
    let roles = actors(p, &r);
    if roles.is_empty() {
        return Err(AppError::forbidden());
    }
    let action = parse_action(&f)?;
    if matches!(action, Action::Rate(_) | Action::Reopen { .. }) {
        let elsewhere = store::confirm_via(&state.db.read, id).await?;
        if elsewhere.is_some() && elsewhere.as_deref() != via {
            return Err(AppError::conflict(
                "confirmed_elsewhere",
                "这项整改由监督员在巡查记录中确认或退回",
                "The supervisor confirms this one on the inspection",
            ));
        }
    }
    let now = state.clock.now();
    let from = r.state();
    let mut last_err = None;
    let mut outcome = None;
    for who in &roles {
        match model::transition(from, &action, *who, now) {
            Ok(o) => {
                outcome = Some(o);
                break;
            }
            Err(e) => last_err = Some(e),
        }
    }
    let Some(outcome) = outcome else {
        let e = last_err.expect("at least one role was tried");
        // What the person typed (or left out) is a field to fix, not a conflict with the request's state.
        // (422 with the field named, keeping the rule's own code.)
        let field = match e.code {
            "reason_required" => Some("reason"),
            "invalid_resume_time" => Some("resume_at"),
            _ => None,
        };
        return Err(match field {
            Some(f) => {
                let mut err = AppError::field(f, e.zh);
                err.code = e.code;
                err
            }
            None => AppError::conflict(e.code, e.zh, "This action is not allowed now"),
        });
    };
    if matches!(action, Action::ManagerVisit { .. }) && !r.manager_visit_due {
        return Err(AppError::conflict("no_visit_due", "该诉求没有待办的二次回访", "No second return visit is due"));
    }
    let mut assignee = r.assignee_person_id;
    let mut post = r.handler_post.clone();
    if matches!(action, Action::Dispatch | Action::Transfer { .. }) {
        let to_post = f.handler_post.trim();
        if f.assignee_person_id.trim().is_empty() && !to_post.is_empty() {
            if !crate::auth::model::STAFF_POSTS.contains(&to_post) {
                return Err(AppError::field("handler_post", "岗位无效"));
            }
            assignee = None;
            post = Some(to_post.to_string());
        } else {
            let to: i64 = f
                .assignee_person_id
                .trim()
                .parse()
                .map_err(|_| AppError::field("assignee_person_id", "请选择处理人或岗位"))?;
            if !project_staff(state, r.project_id).await?.iter().any(|(pid, _)| *pid == to) {
                return Err(AppError::field("assignee_person_id", "处理人须为本项目员工"));
            }
            assignee = Some(PersonId(to));
        }
    }
    // Taking a request from the post's pool makes the taker its handler.
    if matches!(action, Action::Accept) && assignee.is_none() {
        assignee = p.person_id;
    }
    let rating = if let Action::Rate(x) = &action { Some(*x) } else { None };
    let change = store::StateChange {
        id,
        from: from.as_str(),
        to: outcome.state.as_str(),
        assignee,
        responded: matches!(action, Action::Accept),
        completed: matches!(action, Action::Complete { .. }),
        closed: outcome.state == State::Closed,
        reopened: matches!(action, Action::Reopen { .. }) || outcome.second_visit,
        rating: rating.map(|x| (x.speed as i16, x.quality as i16, x.attitude as i16)),
        // The resident's own words, without the scores the timeline note adds (checked ≤ 500 above).
        rating_comment: rating.and(Some(crate::text::normalize(&f.reason))).filter(|c| !c.trim().is_empty()),
        suspend_until: if let Action::Suspend { resume_at, .. } = &action { Some(*resume_at) } else { None },
        // Leaving a suspension stops the pause: the deadline moves by the time it lasted.
        resumed_deadline: (from == State::Suspended && outcome.state != State::Suspended)
            .then(|| model::resumed_deadline(r.complete_by, r.suspended_at, now)),
        chased: matches!(action, Action::Chase),
        handler_post: post,
        second_visit: outcome.second_visit,
        manager_visited: matches!(action, Action::ManagerVisit { .. }),
        manager_visit_due: r.manager_visit_due,
    };
    let changed = store::change_state(tx, &change, now).await?;
    if changed == 0 {
        return Err(AppError::conflict(
            "stale_state",
            "该诉求刚被他人处理过，请刷新后重试",
            "The request changed meanwhile",
        ));
    }
    let mut note = crate::text::normalize(&f.reason);
    if let Some(x) = rating {
        note = format!("响应速度{}分、处理质量{}分、服务态度{}分。{note}", x.speed, x.quality, x.attitude);
    }
    if outcome.second_visit {
        note.push_str("（差评：已退回处理，并安排项目经理二次回访）");
    }
    if let Action::Suspend { resume_at, .. } = &action {
        note = format!("挂起至{}，到时自动恢复。{note}", crate::clock::fmt_datetime(*resume_at));
    }
    match &action {
        Action::EscalateOutside { to, reason } => {
            let outside_ref = Some(f.outside_ref.trim()).filter(|s| !s.is_empty());
            let to_name = referrals::push_up(tx, &r, p, *to, outside_ref, reason, now).await?;
            note = format!("上报至{to_name}。{note}");
        }
        Action::OutsideAnswer { note: answer, resolved } => {
            referrals::answered_by_property(tx, r.id, answer, *resolved, now).await?;
        }
        _ => {}
    }
    store::event(
        tx,
        id,
        Some(p.user_id),
        &ctx.actor(),
        action.code(),
        Some(from),
        outcome.state,
        Some(note).filter(|n| !n.is_empty()),
        now,
    )
    .await?;
    notify_after(tx, &r, &action, outcome.state, outcome.second_visit, assignee, now).await?;
    Ok(outcome.state)
}
