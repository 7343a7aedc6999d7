//! Requests' use cases (C1): report (from the phone, by staff for a resident, by a supervisor or a grid
//! member), and every step of the state machine (dispatch, accept, complete, rate, …) with its
//! compare-and-set, timeline event and notices — plus who may read a request and act on it. The pages,
//! the API and the photo handlers call these.

mod form;
pub mod keys;
mod notices;
pub mod outbound;
pub mod referrals;

pub use form::{ActionForm, parse_action};
pub use notices::{notify_after, reporter_update};

use crate::ids::*;
use sea_orm::TransactionTrait;
use serde::Deserialize;

use super::{
    model::{self, Action, Actor, Channel, Kind, Sla, State},
    store::{self, RequestRow},
};
use crate::{
    app::AppState,
    auth::{Ctx, Principal},
    error::{AppError, AppResult, FieldError},
    org::store as org,
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

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct NewRequestForm {
    pub category_id: String,
    pub kind: String,
    pub description: String,
    /// A household id, or empty for a public spot.
    pub household_id: String,
    pub location_text: String,
    /// Staff entry on a resident's behalf: `staff_phone` or `staff_walk_in`; `supervisor` or
    /// `grid_member` for those roles (chosen automatically when it is the caller's only way in).
    pub channel: String,
    /// Optional WGS-84 coordinates of a public spot.
    pub lat: String,
    pub lng: String,
    /// Staff entry: the home as 「1-1-101」, instead of `household_id`.
    pub room: String,
    /// A public-area report: the building or unit it is in (`location_text` then says where in it).
    pub place_id: String,
    /// A public-area report: one of the estate's named spots (东门、地下车库…).
    pub spot_id: String,
}

/// Report a request: residents for their own home or a public spot in their estate; staff on a
/// resident's behalf (phone, walk-in). Validated, then written with its first timeline event.
pub async fn create_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    f: NewRequestForm,
    photos: Vec<super::photos::Upload>,
) -> AppResult<i64> {
    let mut errors = Vec::new();
    let category_id: Option<i64> = f.category_id.trim().parse().ok();
    let category = match category_id {
        Some(id) => store::category(&state.db.read, id).await?,
        None => None,
    };
    let Some(category) = category else {
        return Err(AppError::field("category_id", "请选择问题类别"));
    };
    let staff = p.scope.can_write_project(category.project_id);
    let supervisor = p.has_role_at(crate::auth::model::Role::Supervisor, category.project_id.into());
    let grid = grid_covers(state, p, category.project_id).await?;
    let resident = p.scope.home_in(category.project_id).is_some();
    if !staff && !resident && !supervisor && !grid {
        return Err(AppError::forbidden());
    }
    let kind = Kind::parse(f.kind.trim()).unwrap_or(Kind::Repair);
    let description = crate::text::normalize(&f.description);
    let n = description.chars().count();
    if !(5..=1000).contains(&n) {
        errors.push(FieldError::new("description", "请描述问题（5至1000字）"));
    }
    let channel = match f.channel.as_str() {
        "supervisor" if supervisor => Channel::Supervisor,
        "grid_member" if grid => Channel::GridMember,
        "staff_walk_in" if staff => Channel::StaffWalkIn,
        "staff_phone" if staff => Channel::StaffPhone,
        "resident_page" | "" if resident => Channel::ResidentPage,
        "" if staff => Channel::StaffPhone,
        "" if supervisor => Channel::Supervisor,
        "" if grid => Channel::GridMember,
        _ => return Err(AppError::field("channel", "报事渠道无效")),
    };
    let (mut lat, mut lng) = match crate::text::coordinates(&f.lat, &f.lng) {
        Ok(c) => c,
        Err(e) => {
            errors.push(e);
            (None, None)
        }
    };
    let mut household_field = f.household_id.trim().to_string();
    if household_field.is_empty() && !f.room.trim().is_empty() {
        if !channel.on_behalf() {
            return Err(AppError::field("room", "只有物业员工代报时可以填写房号"));
        }
        match household_by_label(state, category.project_id, &f.room).await? {
            Some(h) => household_field = h.to_string(),
            None => return Err(AppError::field("room", "本项目没有这个房号，请按「楼栋-单元-房号」填写，如 1-1-101")),
        }
    }
    let mut unit_id = None;
    let mut spot_id = None;
    let (household_id, building_id, location_text) = match household_field.as_str() {
        "" => {
            let loc = crate::text::normalize(&f.location_text);
            let place = match f.place_id.trim() {
                "" => None,
                s => match s.parse::<i64>().ok() {
                    Some(id) => store::place(&state.db.read, id).await?.filter(|x| x.project_id == category.project_id),
                    None => None,
                }
                .or_else(|| {
                    errors.push(FieldError::new("place_id", "请选择本小区的楼栋或单元"));
                    None
                }),
            };
            let spot = match crate::text::num(&f.spot_id).as_str() {
                "" => None,
                s => match s.parse::<i64>().ok() {
                    Some(id) => crate::org::spots::spot(&state.db.read, id)
                        .await?
                        .filter(|x| x.project_id == category.project_id && x.active),
                    None => None,
                }
                .or_else(|| {
                    errors.push(FieldError::new("spot_id", "请选择本小区的公共地点"));
                    None
                }),
            };
            let named =
                place.is_some() || spot.is_some() || !f.place_id.trim().is_empty() || !f.spot_id.trim().is_empty();
            // A named spot leads what is written about where (「东门 · 岗亭旁的路灯」) and lends its coordinates.
            let loc = match &spot {
                Some(s) if loc.is_empty() => s.name.clone(),
                Some(s) => format!("{} · {loc}", s.name),
                None => loc,
            };
            if loc.chars().count() > 200 || (loc.is_empty() && !named) {
                errors.push(FieldError::new(
                    "location_text",
                    "请选择房屋，或选择公共地点、楼栋单元，或填写公共区域位置（不超过200字）",
                ));
            }
            if lat.is_none()
                && let Some(s) = &spot
            {
                (lat, lng) = (s.lat, s.lng);
            }
            spot_id = spot.as_ref().map(|s| s.id);
            unit_id = place.as_ref().and_then(|x| x.unit_id);
            (None, place.map(|x| x.building_id), Some(loc))
        }
        s => match s.parse::<HouseholdId>().ok() {
            Some(hid) => match org::household(&state.db.read, hid.get()).await? {
                Some(h)
                    if h.project_id == category.project_id
                        && (channel.on_behalf()
                            || (channel == Channel::ResidentPage && p.scope.households.contains(&hid))) =>
                {
                    (Some(hid), Some(h.building_id), None)
                }
                _ => {
                    errors.push(FieldError::new("household_id", "只能为本人房屋（或本项目房屋）报事"));
                    (None, None, None)
                }
            },
            None => {
                errors.push(FieldError::new("household_id", "房屋选择无效"));
                (None, None, None)
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    if lat.is_some() && household_id.is_some() {
        return Err(AppError::field("lat", "坐标只用于公共区域"));
    }
    // The reporter: the resident, supervisor or grid member themself, or (staff entry) the household's
    // first current member.
    let reporter = if !channel.on_behalf() {
        p.person_id
    } else {
        match household_id {
            Some(h) => store::first_member(&state.db.read, h).await?,
            None => None,
        }
    };
    file(
        state,
        ctx,
        Filing {
            category: &category,
            kind,
            channel,
            description,
            household_id,
            building_id,
            unit_id,
            spot_id,
            location_text: location_text.filter(|s| !s.is_empty()),
            reporter_person_id: reporter,
            created_by: Some(p.user_id),
            lat,
            lng,
            open311_token: None,
            actor: ctx.actor(),
            audit_detail: channel.zh().to_string(),
        },
        photos,
    )
    .await
}

/// A validated report, from whichever door it came in (the pages and API, or Open311).
pub struct Filing<'a> {
    pub category: &'a store::Category,
    pub kind: Kind,
    pub channel: Channel,
    pub description: String,
    pub household_id: Option<HouseholdId>,
    pub building_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// A public-area report's named spot.
    pub spot_id: Option<i64>,
    pub location_text: Option<String>,
    pub reporter_person_id: Option<PersonId>,
    pub created_by: Option<UserId>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub open311_token: Option<String>,
    /// Who the timeline and audit name (a user, or an Open311 partner's key).
    pub actor: String,
    /// The audit line's last part: the channel, or the Open311 key that sent it.
    pub audit_detail: String,
}

/// Write a report inside a caller's transaction: its deadlines from the category's SLA, the row with its
/// first timeline event and the audit line (another capability filing a request as part of its own
/// write — a supervisor's failed inspection item — calls this; photos and notices are `file`'s).
/// `confirm_via` names the flow that confirms it instead of the reporter's rating (e.g. `supervision`).
pub async fn file_in(
    tx: &impl sea_orm::ConnectionTrait,
    ctx: &Ctx,
    f: Filing<'_>,
    confirm_via: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<i64> {
    let c = f.category;
    let d = model::deadlines(
        now,
        Sla { respond_minutes: c.respond_minutes as i64, complete_hours: c.complete_hours as i64 },
    );
    let id = store::create(
        tx,
        &store::NewRequest {
            project_id: c.project_id,
            category_id: c.id,
            kind: f.kind.as_str(),
            channel: f.channel.as_str(),
            description: f.description,
            household_id: f.household_id,
            building_id: f.building_id,
            unit_id: f.unit_id,
            spot_id: f.spot_id,
            location_text: f.location_text,
            reporter_person_id: f.reporter_person_id,
            created_by: f.created_by,
            respond_by: d.respond_by,
            complete_by: d.complete_by,
            handler_post: c.handler_post.clone(),
            lat: f.lat,
            lng: f.lng,
            open311_token: f.open311_token,
        },
        &f.actor,
        now,
    )
    .await?;
    if let Some(via) = confirm_via {
        store::set_confirm_via(tx, id, via).await?;
    }
    let e = crate::audit::Entry {
        action: "create",
        entity: "request",
        entity_id: Some(id),
        project_id: Some(c.project_id),
        summary: format!(
            "{}提交诉求#{id}（{}，{}）",
            if f.channel == Channel::Open311 { "Open311 " } else { "" },
            c.name,
            f.audit_detail
        ),
    };
    crate::audit::record_as(tx, ctx, &f.actor, now, e).await?;
    Ok(id)
}

/// Write a report: `file_in`, its photos and the resident's notice, in one transaction (photos already
/// stored are removed if it fails). The one path every report takes.
pub async fn file(state: &AppState, ctx: &Ctx, f: Filing<'_>, photos: Vec<super::photos::Upload>) -> AppResult<i64> {
    let now = state.clock.now();
    let c = f.category;
    let (created_by, reporter, on_behalf) = (f.created_by, f.reporter_person_id, f.channel.on_behalf());
    // One write unit: on SQLite the whole report runs on the writer in one go (db::unit).
    let tx = state.db.begin_unit().await?;
    let id = file_in(&tx, ctx, f, None, now).await?;
    let mut keys = Vec::new();
    let saved = match (created_by, photos.is_empty()) {
        (_, true) => Ok(()),
        (Some(user), false) => super::photos::save(state, &tx, id, photos, user, now, &mut keys).await,
        (None, false) => Err(AppError::internal("photos need the user who uploads them")),
    };
    // Entered by staff for a resident (a call, a visit to the desk): the resident hears it is registered.
    let saved = match (saved, reporter.filter(|_| on_behalf)) {
        (Ok(()), Some(p)) => {
            let msg = crate::notify::Msg::new("note.req.registered_for_you")
                .text("id", id)
                .text("category", &c.name)
                .text("minutes", c.respond_minutes);
            match crate::notify::users_of_person(&tx, p).await {
                Ok(users) => crate::notify::to_users(
                    &tx,
                    &users,
                    &crate::notify::Note { kind: "progress", msg, link: Some(format!("/requests/{id}")) },
                    now,
                )
                .await
                .map(|_| ())
                .map_err(AppError::from),
                Err(e) => Err(AppError::from(e)),
            }
        }
        (saved, _) => saved,
    };
    let saved = match saved {
        Ok(()) => tx.commit().await.map_err(AppError::from),
        Err(e) => Err(e),
    };
    if let Err(e) = saved {
        super::photos::discard(state, &keys).await;
        return Err(e);
    }
    Ok(id)
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
