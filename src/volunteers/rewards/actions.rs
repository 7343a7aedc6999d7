//! 爱心超市's use cases: stock the shelf, redeem, collect at the counter, cancel — each one audited
//! transaction — and the catalogue as one caller sees it.

use crate::ids::*;
use sea_orm::TransactionTrait;
use serde::Serialize;

use super::store::{self, Item, Redemption};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    error::{AppError, AppResult},
    points,
    volunteers::{model, rule_err},
};

pub struct ItemInput {
    pub name: String,
    pub description: String,
    pub points: i32,
    pub stock: i32,
}

pub fn item_input(name: &str, description: &str, points: &str, stock: &str) -> AppResult<ItemInput> {
    let mut errors = Vec::new();
    let name = crate::text::normalize(name).trim().to_string();
    if name.is_empty() || name.chars().count() > 60 {
        errors.push(crate::error::FieldError::new("name", "请填写物品名称（不超过60字）"));
    }
    let description = crate::text::normalize(description).trim().to_string();
    if description.chars().count() > 200 {
        errors.push(crate::error::FieldError::new("description", "说明不超过200字"));
    }
    let points = crate::text::num(points).parse::<i32>().ok().filter(|v| (1..=100_000).contains(v));
    if points.is_none() {
        errors.push(crate::error::FieldError::new("points", "所需积分应为1至100000"));
    }
    let stock = crate::text::num(stock).parse::<i32>().ok().filter(|v| (0..=100_000).contains(v));
    if stock.is_none() {
        errors.push(crate::error::FieldError::new("stock", "库存应为0至100000"));
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    Ok(ItemInput { name, description, points: points.unwrap_or(0), stock: stock.unwrap_or(0) })
}

pub async fn create_item_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    project: ProjectId,
    i: ItemInput,
) -> AppResult<i64> {
    p.scope.require_write(project)?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let id = store::insert_item(&tx, project, &i, now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "reward_item",
            entity_id: Some(id),
            project_id: Some(project),
            summary: format!("爱心超市上架「{}」{}分，库存{}", i.name, i.points, i.stock),
        },
    )
    .await?;
    Ok(id)
}

/// Change an item's points, add to (or take from) its stock, or take it off the shelf. The stock change
/// is relative, so redemptions happening meanwhile are never overwritten; it cannot go below zero.
pub async fn update_item_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i64,
    points: i32,
    add_stock: i32,
    active: bool,
) -> AppResult<()> {
    let it = store::item(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    p.scope.require_write(it.project_id)?;
    if !(1..=100_000).contains(&points) {
        return Err(AppError::field("points", "所需积分应为1至100000"));
    }
    if !(-100_000..=100_000).contains(&add_stock) {
        return Err(AppError::field("add_stock", "补货数量应为-100000至100000"));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::update_item(&tx, id, points, add_stock, active, now).await? {
        return Err(AppError::conflict("negative_stock", "库存不能少于0", "Stock cannot go below zero"));
    }
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "reward_item",
            entity_id: Some(id),
            project_id: Some(it.project_id),
            summary: format!(
                "爱心超市「{}」：{}分，库存{:+}，{}",
                it.name,
                points,
                add_stock,
                if active { "上架" } else { "下架" }
            ),
        },
    )
    .await?;
    Ok(())
}

/// Redeem points for an item: one transaction that locks the person's account, checks the balance,
/// takes the stock, writes the redemption with a fresh pickup code and the ledger entry that spends.
pub async fn redeem_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    item_id: i64,
    quantity: i64,
    for_resident: Option<(&str, &str)>,
) -> AppResult<Redemption> {
    let it = store::item(&state.db.read, item_id).await?.ok_or_else(AppError::not_found)?;
    if !p.scope.can_see_project(it.project_id) {
        return Err(AppError::not_found());
    }
    // The resident's own points, or (staff at the counter) those of an elderly resident without a phone,
    // found by home and name.
    let person = match for_resident {
        Some((room, name)) => {
            p.scope.require_write(it.project_id)?;
            crate::people::store::resident_by_home(&state.db.read, it.project_id, room, name)
                .await?
                .ok_or_else(|| AppError::field("name", "本项目这个房号下没有这位住户"))?
        }
        None => p.person_id.ok_or_else(|| AppError::field("quantity", "此账号未关联住户信息"))?,
    };
    if !(1..=model::MAX_QUANTITY).contains(&quantity) {
        return Err(AppError::field("quantity", format!("数量应为1至{}", model::MAX_QUANTITY)));
    }
    let now = state.clock.now();
    let tx = state.db.begin_unit().await?;
    points::store::lock_account(&tx, person, it.project_id).await?;
    let balance = points::store::balance(&tx, person, it.project_id).await?;
    // The item as it is now, inside the transaction (points and the shelf may have changed).
    let it = store::item(&tx, item_id).await?.ok_or_else(AppError::not_found)?;
    let total = model::check_redemption(balance, it.points as i64, quantity, it.active).map_err(rule_err)?;
    if !store::take_stock(&tx, item_id, quantity as i32, now).await? {
        return Err(AppError::conflict("out_of_stock", format!("「{}」库存不足", it.name), "Out of stock"));
    }
    let code = loop {
        let c = model::pickup_code(&mut rand::thread_rng());
        if !store::code_taken(&tx, &c).await? {
            break c;
        }
    };
    let new = store::NewRedemption {
        item_id,
        project_id: it.project_id,
        person_id: person,
        quantity: quantity as i32,
        points: total as i32,
        code: &code,
        created_by: p.user_id,
    };
    let id = store::insert_redemption(&tx, &new, now).await?;
    points::store::append(
        &tx,
        &points::model::Entry {
            person_id: person,
            project_id: it.project_id,
            delta: -total,
            minutes: 0,
            reason: format!("爱心超市兑换「{}」×{quantity}", it.name),
            source: Some(format!("redemption:{id}")),
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
            action: "redeem",
            entity: "redemption",
            entity_id: Some(id),
            project_id: Some(it.project_id),
            summary: format!("兑换「{}」×{quantity}，{total}分", it.name),
        },
    )
    .await?;
    store::redemption(&state.db.write, id).await?.ok_or_else(AppError::not_found)
}

/// Collect (staff, by the pickup code) or cancel (the resident who redeemed, or staff) a reservation.
/// A compare-and-set on the state, so a code is collected once; a cancellation gives back the points
/// (a new ledger entry) and the stock.
async fn close(state: &AppState, p: &Principal, ctx: &Ctx, r: Redemption, action: &str) -> AppResult<Redemption> {
    let next = model::next_redemption_state(r.state, action).map_err(rule_err)?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::close_redemption(&tx, r.id, next, p.user_id, now).await? {
        return Err(AppError::conflict("already_closed", "这笔兑换已经领取或取消", "Already collected or cancelled"));
    }
    if next == model::RedemptionState::Cancelled {
        store::put_back_stock(&tx, r.item_id, r.quantity, now).await?;
        points::store::append(
            &tx,
            &points::model::Entry {
                person_id: r.person_id,
                project_id: r.project_id,
                delta: r.points as i64,
                minutes: 0,
                reason: format!("取消兑换「{}」×{}，退回积分", r.item_name, r.quantity),
                source: Some(format!("redemption:{}:refund", r.id)),
                author: Some(p.user_id),
            },
            now,
        )
        .await?;
    }
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: if next == model::RedemptionState::Cancelled { "cancel" } else { "collect" },
            entity: "redemption",
            entity_id: Some(r.id),
            project_id: Some(r.project_id),
            summary: format!(
                "{}「{}」×{}（{}）",
                if next == model::RedemptionState::Cancelled { "取消兑换" } else { "领取" },
                r.item_name,
                r.quantity,
                r.person_name
            ),
        },
    )
    .await?;
    Ok(Redemption { state: next, closed_at: Some(now), ..r })
}

pub async fn collect_checked(state: &AppState, p: &Principal, ctx: &Ctx, code: &str) -> AppResult<Redemption> {
    let code = model::normalize_code(code).ok_or_else(|| {
        AppError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "bad_code",
            "领取码应为8位字母和数字",
            "Bad pickup code",
        )
    })?;
    let r = store::redemption_by_code(&state.db.read, &code)
        .await?
        .filter(|r| p.scope.can_read_project(r.project_id))
        .ok_or_else(|| {
            AppError::new(axum::http::StatusCode::NOT_FOUND, "unknown_code", "没有这个领取码", "No such pickup code")
        })?;
    p.scope.require_write(r.project_id)?;
    close(state, p, ctx, r, "collect").await
}

pub async fn cancel_checked(state: &AppState, p: &Principal, ctx: &Ctx, id: i64) -> AppResult<Redemption> {
    let r = store::redemption(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    let own = p.person_id == Some(r.person_id);
    if !own && !p.scope.can_write_project(r.project_id) {
        return Err(AppError::not_found());
    }
    close(state, p, ctx, r, "cancel").await
}

/// A project's shelf as one caller sees it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Shelf {
    pub project_id: ProjectId,
    pub project_name: String,
    /// My balance in this project (residents).
    pub balance: i64,
    pub items: Vec<Item>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Catalogue {
    pub shelves: Vec<Shelf>,
    /// My redemptions, latest first.
    pub mine: Vec<Redemption>,
}

pub async fn catalogue(state: &AppState, p: &Principal, project: Option<ProjectId>) -> AppResult<Catalogue> {
    let mut projects = p.scope.visible_projects();
    if let Some(only) = project {
        if !projects.contains(&only) {
            return Err(AppError::not_found());
        }
        projects = vec![only];
    }
    let nodes = crate::org::store::nodes(&state.db.read, projects.iter().copied()).await?;
    let all = store::items(&state.db.read, &projects, false).await?;
    let mut shelves = Vec::new();
    for n in nodes {
        let staff = p.scope.can_write_project(ProjectId(n.id));
        let balance = match p.person_id {
            Some(me) => points::store::balance(&state.db.read, me, ProjectId(n.id)).await?,
            None => 0,
        };
        shelves.push(Shelf {
            project_id: ProjectId(n.id),
            project_name: n.name,
            balance,
            items: all.iter().filter(|i| i.project_id == ProjectId(n.id) && (staff || i.active)).cloned().collect(),
        });
    }
    let mine = match p.person_id {
        Some(me) => store::redemptions_of(&state.db.read, me).await?,
        None => vec![],
    };
    Ok(Catalogue { shelves, mine })
}
