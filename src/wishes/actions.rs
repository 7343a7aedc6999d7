//! 微心愿's use cases. Who sees a wish: the resident who posted it, the project's staff, and those who may
//! claim it — the project's Party members and volunteers, and the members registered (双报到) with its
//! community —, who see the resident's surname only. A claim is a compare-and-set: of two at once, one
//! wins and the other is told 409 `already_claimed`. Points for a confirmed wish follow the project's
//! points rule for `wish` through the ledger.

use sea_orm::TransactionTrait;

use super::{
    model::{self, Move, WishState},
    store::{self, NewWish, Wish},
};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal, model::Role},
    error::{AppError, AppResult},
    ids::ProjectId,
    notify, points,
    requests::{photos, store::photos as photo_store},
};

/// The projects whose wishes this person may claim.
pub async fn claimable_projects(state: &AppState, p: &Principal) -> AppResult<Vec<ProjectId>> {
    let Some(me) = p.person_id else { return Ok(vec![]) };
    let conn = &state.db.read;
    let mut out: Vec<ProjectId> = p
        .grants
        .iter()
        .filter(|g| {
            matches!(g.role, Role::PartyMember | Role::Volunteer) && g.node_kind == crate::org::model::NodeKind::Project
        })
        .map(|g| ProjectId(g.node_id))
        .collect();
    for r in crate::volunteers::store::registrations_of_person(conn, me).await? {
        if r.state == crate::volunteers::model::VolunteerState::Approved {
            out.push(r.project_id);
        }
    }
    if let Some(m) = crate::party::store::current_of(conn, me).await?
        && let Some(o) = crate::party::store::org(conn, m.org_id).await?
        && let Some(n) = crate::org::store::node(conn, o.node_id).await?
        && let Some(pid) = n.project_id
    {
        out.push(pid);
    }
    if let Some(r) = crate::party::store::current_report(conn, me).await? {
        out.extend(
            crate::org::store::projects_of_community(conn, r.community_id).await?.into_iter().map(|n| ProjectId(n.id)),
        );
    }
    out.sort_unstable_by_key(|p| p.get());
    out.dedup();
    Ok(out)
}

/// How the caller stands to a wish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Poster,
    Claimer,
    Staff,
    /// May claim it (sees the surname only).
    Helper,
}

/// A wish as the caller may see it (404 for anyone else).
pub async fn open(state: &AppState, p: &Principal, id: i64) -> AppResult<(Wish, Standing)> {
    let w = store::one(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    let standing = if p.person_id == Some(w.person_id) {
        Standing::Poster
    } else if p.person_id.is_some() && p.person_id == w.claimed_by {
        Standing::Claimer
    } else if p.scope.can_write_project(w.project_id) {
        Standing::Staff
    } else if claimable_projects(state, p).await?.contains(&w.project_id) {
        Standing::Helper
    } else {
        return Err(AppError::not_found());
    };
    Ok((w, standing))
}

/// The name the caller sees.
pub fn shown_name(w: &Wish, s: Standing) -> String {
    match s {
        Standing::Helper | Standing::Claimer => model::masked_name(&w.person_name),
        _ => w.person_name.clone(),
    }
}

#[derive(Default, Clone, Debug, serde::Deserialize)]
#[serde(default)]
pub struct WishForm {
    pub text: String,
    /// Staff posting for a resident: the project, the home (「1-1-101」) and the name.
    pub project_id: String,
    pub room: String,
    pub name: String,
}

/// Post a wish: a resident for themself (at their home's project), or staff for a resident of theirs.
pub async fn post(state: &AppState, p: &Principal, ctx: &Ctx, f: &WishForm) -> AppResult<i64> {
    let conn = &state.db.read;
    let text = crate::text::normalize(&f.text);
    if text.is_empty() || text.chars().count() > 200 {
        return Err(AppError::field("text", "请写下您的心愿（不超过200字）"));
    }
    let (person, project, household) = if f.room.trim().is_empty() && f.name.trim().is_empty() {
        let me = p.person_id.ok_or_else(|| AppError::field("text", "此账号未关联住户信息"))?;
        let home = crate::people::store::memberships_of_person(conn, me)
            .await?
            .into_iter()
            .find(|m| m.moved_out.is_none())
            .ok_or_else(|| AppError::field("text", "登记在册的住户才能发布心愿，请联系物业"))?;
        (me, home.project_id, Some(home.household_id.get()))
    } else {
        let project = ProjectId(f.project_id.trim().parse().map_err(|_| AppError::field("project_id", "请选择项目"))?);
        p.scope.require_write(project)?;
        let person = crate::people::store::resident_by_home(conn, project, &f.room, &f.name)
            .await?
            .ok_or_else(|| AppError::field("name", "本项目这个房号下没有这位住户"))?;
        (person, project, None)
    };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let id = store::insert(
        &tx,
        &NewWish {
            project_id: project,
            person_id: person,
            household_id: household,
            text: &text,
            posted_by: p.user_id.get(),
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
            entity: "wish",
            entity_id: Some(id),
            project_id: Some(project),
            summary: format!("微心愿：{text}"),
        },
    )
    .await?;
    Ok(id)
}

fn refused(r: crate::error::Refused) -> AppError {
    r.into()
}

/// Claim a wish (one claimer: the second of two at once is refused, nothing written).
pub async fn claim(state: &AppState, p: &Principal, ctx: &Ctx, id: i64) -> AppResult<()> {
    let (w, standing) = open(state, p, id).await?;
    let me = p.person_id.ok_or_else(AppError::forbidden)?;
    if standing == Standing::Poster {
        return Err(AppError::conflict("own_wish", "不能认领自己的心愿", "You cannot claim your own wish"));
    }
    if standing != Standing::Helper && !claimable_projects(state, p).await?.contains(&w.project_id) {
        return Err(AppError::forbidden());
    }
    model::next(w.state, Move::Claim).map_err(refused)?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::claim(&tx, id, me, now).await? {
        return Err(refused(model::next(WishState::Claimed, Move::Claim).unwrap_err()));
    }
    let users = notify::users_of_person(&tx, w.person_id).await?;
    let msg = notify::Msg::new("note.wish.claimed").text("text", &w.text);
    notify::to_users(&tx, &users, &notify::Note { kind: "wish", msg, link: Some(format!("/wishes/{id}")) }, now)
        .await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "wish",
            entity_id: Some(id),
            project_id: Some(w.project_id),
            summary: format!("认领微心愿「{}」", w.text),
        },
    )
    .await?;
    Ok(())
}

/// The claimer fulfils it, with at least one photo.
/// May the caller fulfil this wish now (checked before a photo upload is read)?
pub async fn may_fulfil(state: &AppState, p: &Principal, id: i64) -> AppResult<Wish> {
    let (w, standing) = open(state, p, id).await?;
    if standing != Standing::Claimer {
        return Err(AppError::forbidden());
    }
    model::next(w.state, Move::Fulfil).map_err(refused)?;
    Ok(w)
}

pub async fn fulfil(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i64,
    note: &str,
    uploads: Vec<photos::Upload>,
) -> AppResult<()> {
    let w = may_fulfil(state, p, id).await?;
    if uploads.is_empty() {
        return Err(AppError::field("photo", "请拍一张照片，让居民看到心愿已完成"));
    }
    let note = note.trim();
    if note.chars().count() > 500 {
        return Err(AppError::field("note", "说明不超过500字"));
    }
    let me = p.person_id.ok_or_else(AppError::forbidden)?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::fulfil(&tx, id, me, (!note.is_empty()).then_some(note), now).await? {
        return Err(AppError::conflict("wrong_state", "心愿状态已变化，请刷新", "The wish changed meanwhile"));
    }
    let users = notify::users_of_person(&tx, w.person_id).await?;
    let msg = notify::Msg::new("note.wish.fulfilled").text("text", &w.text);
    notify::to_users(&tx, &users, &notify::Note { kind: "wish", msg, link: Some(format!("/wishes/{id}")) }, now)
        .await?;
    let entry = Entry {
        action: "update",
        entity: "wish",
        entity_id: Some(id),
        project_id: Some(w.project_id),
        summary: format!("完成微心愿「{}」", w.text),
    };
    photos::commit_with_photos(state, tx, ctx, (store::photos_of(id), uploads), p.user_id, now, entry).await?;
    Ok(())
}

/// The resident (or staff for them) confirms it: the claimer's points follow the project's rule for
/// `wish` (its points per hour count once per wish), once.
pub async fn confirm(state: &AppState, p: &Principal, ctx: &Ctx, id: i64) -> AppResult<i64> {
    let (w, standing) = open(state, p, id).await?;
    if !matches!(standing, Standing::Poster | Standing::Staff) {
        return Err(AppError::forbidden());
    }
    model::next(w.state, Move::Confirm).map_err(refused)?;
    let claimer = w.claimed_by.ok_or_else(|| AppError::conflict("wrong_state", "心愿还没有人认领", "Not claimed"))?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::settle(&tx, id, WishState::Fulfilled, WishState::Confirmed, now).await? {
        return Err(AppError::conflict("wrong_state", "心愿状态已变化，请刷新", "The wish changed meanwhile"));
    }
    let (per_wish, _) = points::store::rule(&tx, w.project_id, "wish").await?;
    points::store::append(
        &tx,
        &points::model::Entry {
            person_id: claimer,
            project_id: w.project_id,
            delta: per_wish,
            minutes: 0,
            reason: format!("完成微心愿「{}」", w.text),
            source: Some(format!("wish:{id}")),
            author: Some(p.user_id),
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
            entity: "wish",
            entity_id: Some(id),
            project_id: Some(w.project_id),
            summary: format!("确认微心愿「{}」已完成，认领人记{per_wish}分", w.text),
        },
    )
    .await?;
    Ok(per_wish)
}

/// What the wishes page shows a caller: their own (posted or claimed) and those they may claim.
pub async fn board(state: &AppState, p: &Principal) -> AppResult<(Vec<Wish>, Vec<Wish>)> {
    let mine = match p.person_id {
        Some(me) => store::of_person(&state.db.read, me).await?,
        None => vec![],
    };
    let projects = claimable_projects(state, p).await?;
    let open = store::open_in(&state.db.read, &projects)
        .await?
        .into_iter()
        .filter(|w| Some(w.person_id) != p.person_id)
        .collect();
    Ok((mine, open))
}

pub async fn photo_ids(state: &AppState, id: i64) -> AppResult<Vec<i64>> {
    photo_store::ids_of(&state.db.read, &store::photos_of(id)).await
}

pub async fn photo(state: &AppState, p: &Principal, id: i64, photo: i64) -> AppResult<axum::response::Response> {
    open(state, p, id).await?;
    photos::serve_of(state, &store::photos_of(id), photo).await
}

/// Raise every wish left unclaimed for [`model::RAISE_AFTER_DAYS`] days to its project branch's secretary
/// and deputy — once (the mark is a compare-and-set in the notice's transaction). Returns how many.
pub async fn raise_unclaimed(state: &AppState, now: chrono::DateTime<chrono::Utc>) -> AppResult<usize> {
    let before = now - chrono::Duration::days(model::RAISE_AFTER_DAYS);
    let mut sent = 0;
    for (id, project) in store::to_raise(&state.db.read, before).await? {
        let Some(w) = store::one(&state.db.read, id).await? else { continue };
        if !model::raise_due(w.posted_at, now) {
            continue;
        }
        let secretaries =
            crate::party::store::branch_leaders(&state.db.read, project, crate::clock::to_local(now).date()).await?;
        let tx = state.db.write.begin().await?;
        if !store::mark_raised(&tx, id, now).await? {
            tx.rollback().await?;
            continue;
        }
        let mut users = Vec::new();
        for s in secretaries {
            users.extend(notify::users_of_person(&tx, s).await?);
        }
        let msg = notify::Msg::new("note.wish.unclaimed").text("text", &w.text).text("days", model::RAISE_AFTER_DAYS);
        notify::to_users(&tx, &users, &notify::Note { kind: "wish", msg, link: Some(format!("/wishes/{id}")) }, now)
            .await?;
        tx.commit().await?;
        sent += 1;
    }
    Ok(sent)
}
