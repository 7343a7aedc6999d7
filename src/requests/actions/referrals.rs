//! 上报's use cases: pushing a request up to the community, the street or the 12345 hotline (inside the
//! request's own 上报 step), and working it on the government side — accept, ask back, answer, close —
//! with the property's reply to a question. Every step is one transaction with its timeline event and
//! notices; the referral's state is changed compare-and-set, so two cadres cannot both answer.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::Deserialize;

use super::notify_after;
use crate::ids::*;
use crate::requests::model::{
    self, Action, Actor, Outside, ReferralAction, ReferralState, Side, referral_deadlines, referral_limits,
};
use crate::requests::store::{
    self, RequestRow,
    referrals::{self as rstore, InboxFilter, InboxScope, ReferralRow},
};
use crate::{
    app::AppState,
    auth::{Ctx, Principal, model::Role},
    error::{AppError, AppResult},
};

/// The referrals a caller sees in the inbox: cadres by the area they cover, grid members by the projects
/// of their grids, property staff those pushed up from their projects.
pub async fn inbox_scope(state: &AppState, p: &Principal) -> AppResult<InboxScope> {
    let cadre_paths = p.grants.iter().filter(|g| g.role == Role::Cadre).map(|g| g.node_path.clone()).collect();
    let grid_projects = if p.scope.grid_paths.is_empty() { Vec::new() } else { super::grid_projects(state, p).await? };
    Ok(InboxScope { cadre_paths, grid_projects, own_projects: p.scope.write_projects.iter().copied().collect() })
}

/// The sides a caller may act on for this referral (empty: they may not even see it).
pub fn sides(gov: &InboxScope, p: &Principal, r: &ReferralRow) -> Vec<Side> {
    let mut v = Vec::new();
    if gov.covers(r) {
        v.push(Side::Government);
    }
    if p.scope.can_write_project(r.project_id) {
        v.push(Side::Property);
    }
    v
}

/// A referral the caller may see, with the sides they act on; anything else is "not found".
pub async fn load_referral(state: &AppState, p: &Principal, id: i64) -> AppResult<(ReferralRow, Vec<Side>)> {
    let r = rstore::referral(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    let gov = inbox_scope(state, p).await?;
    let s = sides(&gov, p, &r);
    if s.is_empty() && !p.scope.can_read_project(r.project_id) {
        return Err(AppError::not_found());
    }
    Ok((r, s))
}

pub struct Inbox {
    pub rows: Vec<ReferralRow>,
    /// This China-time month's push-ups over the projects the caller covers (a community's figures).
    pub month: rstore::ReferralFigures,
    /// Who the caller is: `covers` tells the rows they work on the government side from their own
    /// projects' push-ups.
    pub scope: InboxScope,
}

/// How many push-ups wait for the caller's side, and how many of them are past a time limit (the home
/// card): one scope lookup, no month figures.
pub async fn waiting(state: &AppState, p: &Principal) -> AppResult<(i64, i64)> {
    let scope = inbox_scope(state, p).await?;
    let now = state.clock.now();
    let open = rstore::inbox(&state.db.read, &scope, InboxFilter::Open, now, 200).await?.len() as i64;
    let overdue = rstore::inbox(&state.db.read, &scope, InboxFilter::Overdue, now, 200).await?.len() as i64;
    Ok((open, overdue))
}

pub async fn inbox(state: &AppState, p: &Principal, filter: InboxFilter) -> AppResult<Inbox> {
    let scope = inbox_scope(state, p).await?;
    let now = state.clock.now();
    let rows = rstore::inbox(&state.db.read, &scope, filter, now, 200).await?;
    let mut projects: Vec<ProjectId> = p.scope.read_projects.iter().copied().collect();
    projects.extend(scope.grid_projects.iter().filter(|x| !p.scope.read_projects.contains(x)));
    let month = crate::clock::to_local(now).format("%Y-%m").to_string();
    let (start, end) = crate::clock::month_bounds(&month).ok_or_else(|| AppError::internal("month bounds"))?;
    let month = rstore::figures(&state.db.read, &projects, start, end, now).await?;
    Ok(Inbox { rows, month, scope })
}

/// Called inside the request's 上报 step (same transaction): where it goes, its limits, who hears of it.
pub(super) async fn push_up(
    conn: &impl ConnectionTrait,
    r: &RequestRow,
    p: &Principal,
    to: Outside,
    outside_ref: Option<&str>,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let project = crate::org::store::node(conn, r.project_id.get()).await?.ok_or_else(AppError::not_found)?;
    let mut to_name = to.zh().to_string();
    let node = match to {
        Outside::Hotline => {
            if let Some(t) = outside_ref {
                to_name = format!("{to_name}（工单号{t}）");
            }
            None
        }
        Outside::Community | Outside::Street => {
            let community = project.community_id.ok_or_else(|| {
                AppError::field("outside", "本项目尚未关联社区，无法上报社区或街道；请在组织架构中为项目选择所属社区")
            })?;
            let id = if to == Outside::Street {
                crate::org::store::node(conn, community)
                    .await?
                    .and_then(|c| c.parent_id)
                    .ok_or_else(|| AppError::field("outside", "所属社区没有上级街道"))?
            } else {
                community
            };
            to_name = crate::org::store::node(conn, id).await?.map(|n| n.name).unwrap_or(to_name);
            Some(NodeId(id))
        }
    };
    let id = rstore::insert(
        conn,
        &rstore::NewReferral {
            request_id: r.id,
            project_id: r.project_id,
            target: to,
            node_id: node,
            outside_ref,
            reason,
            sent_by: p.user_id,
            deadlines: referral_deadlines(now, referral_limits(to)),
        },
        now,
    )
    .await?;
    if to == Outside::Hotline {
        to_name.push_str(&queue_push(conn, r, id, now).await?);
    }
    if let Some(node) = node {
        let users = rstore::node_users(conn, node, r.project_id, crate::clock::to_local(now).date()).await?;
        let msg = crate::notify::Msg::new("note.ref.sent")
            .text("project", &r.project_name)
            .text("id", r.id)
            .text("category", &r.category_name);
        crate::notify::to_users(
            conn,
            &users,
            &crate::notify::Note { kind: "referral", msg, link: Some(format!("/referrals/{id}")) },
            now,
        )
        .await?;
    }
    Ok(to_name)
}

/// A referral to the hotline goes to the city's platform by itself when the project has one configured
/// and the category has its service code there; what the timeline says about it.
async fn queue_push(
    conn: &impl ConnectionTrait,
    r: &RequestRow,
    referral: i64,
    now: DateTime<Utc>,
) -> AppResult<String> {
    use crate::requests::store::outbound;
    let Some(c) = outbound::config(conn, r.project_id).await? else { return Ok(String::new()) };
    if !c.enabled {
        return Ok(String::new());
    }
    let coded = outbound::service_codes(conn, r.project_id)
        .await?
        .into_iter()
        .any(|s| s.category_id == r.category_id && s.service_code.is_some());
    if !coded {
        return Ok("（本类别未配置城市平台服务代码，请人工报送）".into());
    }
    outbound::queue(conn, referral, None, now).await?;
    Ok("，自动推送至城市平台".into())
}

/// The open referral of a request, when the property records an outside answer it got another way.
pub(super) async fn answered_by_property(
    conn: &impl ConnectionTrait,
    request_id: i64,
    note: &str,
    resolved: bool,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if let Some(f) = rstore::for_request(conn, request_id).await?.into_iter().rev().find(|f| f.state.is_open()) {
        rstore::change(
            conn,
            &rstore::ReferralChange {
                id: f.id,
                from: f.state,
                to: ReferralState::Answered,
                question: None,
                answer: Some((note, resolved)),
            },
            now,
        )
        .await?;
    }
    Ok(())
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ReferralForm {
    /// `accept`, `ask`, `reply`, `answer`, `close`.
    pub action: String,
    /// The question, the reply or the answer.
    pub text: String,
    /// Answer: `1` when the problem is solved.
    pub resolved: String,
}

pub fn parse(f: &ReferralForm) -> AppResult<ReferralAction> {
    let text = crate::text::normalize(&f.text);
    if text.chars().count() > 1000 {
        return Err(AppError::field("text", "说明不能超过1000字"));
    }
    Ok(match f.action.as_str() {
        "accept" => ReferralAction::Accept,
        "ask" => ReferralAction::AskBack { question: text },
        "reply" => ReferralAction::Reply { text },
        "answer" => ReferralAction::Answer { text, resolved: f.resolved == "1" },
        "close" => ReferralAction::Close,
        _ => return Err(AppError::bad_request("unknown_action", "未知操作", "Unknown action")),
    })
}

/// Which referral actions the caller could take now (the buttons to show).
pub fn allowed(r: &ReferralRow, sides: &[Side]) -> Vec<&'static str> {
    let samples = [
        ("accept", ReferralAction::Accept),
        ("ask", ReferralAction::AskBack { question: "x".into() }),
        ("reply", ReferralAction::Reply { text: "x".into() }),
        ("answer", ReferralAction::Answer { text: "x".into(), resolved: true }),
        ("close", ReferralAction::Close),
    ];
    samples
        .iter()
        .filter(|(_, a)| {
            sides.iter().any(|s| model::referral_transition(r.state, a, *s, r.accepted_at.is_some()).is_ok())
        })
        .map(|(c, _)| *c)
        .collect()
}

/// One step on a referral: check the side, run its rules, write it compare-and-set with the request's
/// timeline event — and for an answer, move the request itself (resolved → 待评价, else back to handling).
pub async fn act(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, f: ReferralForm) -> AppResult<ReferralState> {
    let (f_row, my_sides) = load_referral(state, p, id).await?;
    if my_sides.is_empty() {
        return Err(AppError::forbidden());
    }
    let action = parse(&f)?;
    let accepted = f_row.accepted_at.is_some();
    let mut outcome = None;
    let mut last_err = None;
    for s in &my_sides {
        match model::referral_transition(f_row.state, &action, *s, accepted) {
            Ok(to) => {
                outcome = Some((to, *s));
                break;
            }
            Err(e) => last_err = Some(e),
        }
    }
    let Some((to, side)) = outcome else {
        let e = last_err.expect("at least one side was tried");
        return Err(if e.code == "reason_required" {
            let mut err = AppError::field("text", e.zh);
            err.code = e.code;
            err
        } else {
            AppError::conflict(e.code, e.zh, "This step is not allowed now")
        });
    };
    let now = state.clock.now();
    // The government side works the request through its referral (checked above), even where it
    // cannot read the project's queue (a grid member).
    let r = store::request(&state.db.read, f_row.request_id).await?.ok_or_else(AppError::not_found)?;
    let tx = state.db.write.begin().await?;
    let text = match &action {
        ReferralAction::AskBack { question } => Some(question.as_str()),
        ReferralAction::Reply { text } => Some(text.as_str()),
        ReferralAction::Answer { text, .. } => Some(text.as_str()),
        _ => None,
    };
    let changed = rstore::change(
        &tx,
        &rstore::ReferralChange {
            id,
            from: f_row.state,
            to,
            question: if let ReferralAction::AskBack { question } = &action { Some(question) } else { None },
            answer: if let ReferralAction::Answer { text, resolved } = &action {
                Some((text, *resolved))
            } else {
                None
            },
        },
        now,
    )
    .await?;
    if changed == 0 {
        return Err(AppError::conflict(
            "stale_state",
            "该上报刚被他人处理过，请刷新后重试",
            "The referral changed meanwhile",
        ));
    }
    // The request itself moves only with an answer, through its own state machine.
    let from = r.state();
    let mut req_to = from;
    if let ReferralAction::Answer { text, resolved } = &action {
        let who = if side == Side::Government { Actor::Government } else { Actor::Dispatcher };
        req_to = answer_request(&tx, &r, text, *resolved, who, now).await?;
    }
    let who = match (side, f_row.node_name.as_deref()) {
        (Side::Government, Some(n)) => format!("{}（{n}）", ctx.actor()),
        _ => ctx.actor(),
    };
    let mut note = text.map(str::to_string);
    if let ReferralAction::Answer { resolved, .. } = &action {
        let head = if *resolved { "已解决" } else { "未解决，退回物业处理" };
        note = Some(format!("{head}：{}", note.unwrap_or_default()));
    }
    store::event(&tx, r.id, Some(p.user_id), &who, action.code(), Some(from), req_to, note, now).await?;
    notify_other_side(&tx, &f_row, &r, &action, side, now).await?;
    tx.commit().await?;
    Ok(to)
}

/// A 「系统」 line on a request's timeline about its push to the city (state unchanged).
pub(crate) async fn note_on_timeline(
    state: &AppState,
    request_id: i64,
    action: &str,
    note: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let Some(r) = store::request(&state.db.read, request_id).await? else { return Ok(()) };
    let s = r.state();
    store::event(&state.db.write, request_id, None, "系统", action, Some(s), s, Some(note.to_string()), now).await
}

/// The city's platform closed its ticket: the referral is answered with its notes (resolved), the
/// request moves on, and who pushed it up is told — one transaction, compare-and-set on the referral.
/// `false` when the referral was answered meanwhile.
pub(crate) async fn answered_by_city(
    state: &AppState,
    referral: i64,
    notes: &str,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let Some(f_row) = rstore::referral(&state.db.read, referral).await? else { return Ok(false) };
    if !f_row.state.is_open() {
        return Ok(false);
    }
    let r = store::request(&state.db.read, f_row.request_id).await?.ok_or_else(AppError::not_found)?;
    let tx = state.db.write.begin().await?;
    let change = rstore::ReferralChange {
        id: f_row.id,
        from: f_row.state,
        to: ReferralState::Answered,
        question: None,
        answer: Some((notes, true)),
    };
    if rstore::change(&tx, &change, now).await? == 0 {
        return Ok(false);
    }
    let from = r.state();
    let to = answer_request(&tx, &r, notes, true, Actor::Government, now).await?;
    store::event(
        &tx,
        r.id,
        None,
        "城市平台（12345）",
        "referral_answer",
        Some(from),
        to,
        Some(format!("已解决：{notes}")),
        now,
    )
    .await?;
    let action = ReferralAction::Answer { text: notes.to_string(), resolved: true };
    notify_other_side(&tx, &f_row, &r, &action, Side::Government, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// The outside answer moves the request (through its state machine: resolved → 待评价, else back to the
/// property's handling), compare-and-set, and tells whom that step tells. A request no longer 已上报 (the
/// property already recorded an answer) is left as it is. Returns the request's state after.
pub(crate) async fn answer_request(
    conn: &impl ConnectionTrait,
    r: &RequestRow,
    text: &str,
    resolved: bool,
    who: Actor,
    now: DateTime<Utc>,
) -> AppResult<model::State> {
    let from = r.state();
    let ra = Action::OutsideAnswer { note: text.to_string(), resolved };
    let Ok(o) = model::transition(from, &ra, who, now) else {
        return Ok(from);
    };
    let change = store::StateChange { completed: resolved, ..store::StateChange::keeping(r, o.state) };
    if store::change_state(conn, &change, now).await? == 0 {
        return Err(AppError::conflict(
            "stale_state",
            "该诉求刚被他人处理过，请刷新后重试",
            "The request changed meanwhile",
        ));
    }
    notify_after(conn, r, &ra, o.state, false, r.assignee_person_id, now).await?;
    Ok(o.state)
}

/// The other side hears of a step: a question reaches who pushed it up and the project's 客服; a reply,
/// the node's cadres; an answer, who pushed it up.
async fn notify_other_side(
    conn: &impl ConnectionTrait,
    f: &ReferralRow,
    r: &RequestRow,
    action: &ReferralAction,
    side: Side,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let about = |key: &str| crate::notify::Msg::new(key).text("id", r.id).text("category", &r.category_name);
    let users = match (side, f.node_id) {
        (Side::Property, Some(node)) => {
            rstore::node_users(conn, node, f.project_id, crate::clock::to_local(now).date()).await?
        }
        (Side::Government, _) => {
            let mut u = rstore::sender(conn, f.id).await?;
            u.extend(crate::notify::project_staff_users(conn, f.project_id, Some("客服管家")).await?);
            u
        }
        _ => return Ok(()),
    };
    let msg = match action {
        ReferralAction::Accept => match f.node_name.as_deref() {
            Some(n) => about("note.ref.accepted").text("by", n),
            None => about("note.ref.accepted").label("by", "note.ref.above"),
        },
        ReferralAction::AskBack { .. } => about("note.ref.asked_back"),
        ReferralAction::Reply { .. } => about("note.ref.replied"),
        ReferralAction::Answer { resolved: true, .. } => about("note.ref.answered_solved"),
        ReferralAction::Answer { resolved: false, .. } => about("note.ref.answered_back"),
        ReferralAction::Close => return Ok(()),
    };
    let link = if side == Side::Property { format!("/referrals/{}", f.id) } else { format!("/requests/{}", r.id) };
    crate::notify::to_users(conn, &users, &crate::notify::Note { kind: "referral", msg, link: Some(link) }, now)
        .await?;
    Ok(())
}

/// A request's timeline as this caller may see it: the reporter (who is not also staff or a reader of
/// the project) does not see the exchange between the property and the government side, nor the notes
/// of internal steps.
pub fn timeline_for(p: &Principal, r: &RequestRow, events: Vec<store::EventRow>) -> Vec<store::EventRow> {
    if insider(p, r) {
        return events;
    }
    events
        .into_iter()
        .filter(|e| !model::hidden_from_reporter(&e.action))
        .map(|mut e| {
            if model::note_internal(&e.action) {
                e.note = None;
            }
            e
        })
        .collect()
}

/// Staff, handlers, readers of the project and the government side: everyone but a reporter who is only
/// that.
pub fn insider(p: &Principal, r: &RequestRow) -> bool {
    p.scope.can_read_project(r.project_id)
        || !p.scope.gov_paths.is_empty()
        || super::actors(p, r).iter().any(|a| *a != Actor::Reporter)
}

/// A referral's push to the city's platform.
pub async fn push_info(state: &AppState, referral: i64) -> AppResult<crate::requests::store::outbound::PushInfo> {
    crate::requests::store::outbound::push_info(&state.db.read, referral).await
}

/// A request's referrals (what happened up there).
pub async fn of_request(state: &AppState, request_id: i64) -> AppResult<Vec<ReferralRow>> {
    rstore::for_request(&state.db.read, request_id).await
}

/// The same, as this caller may see them: a reporter sees where it went, its progress and the answer,
/// not the property's reason nor the questions between the two sides.
pub async fn of_request_for(state: &AppState, p: &Principal, r: &RequestRow) -> AppResult<Vec<ReferralRow>> {
    let mut rows = of_request(state, r.id).await?;
    if !insider(p, r) {
        for f in &mut rows {
            f.reason.clear();
            f.question = None;
        }
    }
    Ok(rows)
}
