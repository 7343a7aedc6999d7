//! 爱心超市 (C4): a project's catalogue of items with points and stock; a resident redeems points for an
//! item and gets a unique pickup code; staff mark it collected at the counter, or it is cancelled (points
//! and stock come back).
//!
//! No double spend, no negative stock: a redemption's transaction first takes the person's account row
//! (`ledger::lock_account`), then sums the balance — a second redemption by the same person waits and
//! then sees the first one's entry — and takes the stock with `UPDATE … SET stock = stock - q WHERE
//! stock >= q`, which can never go below zero. Tests fire concurrent redemptions at both backends.

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
    params,
    web::Chrome,
};

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Item {
    pub id: i64,
    pub project_id: i64,
    pub name: String,
    pub description: String,
    /// Points for one.
    pub points: i32,
    pub stock: i32,
    pub active: bool,
}

const ITEM_COLS: &str = "id, project_id, name, description, points, stock, active";

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Redemption {
    pub id: i64,
    pub item_id: i64,
    pub item_name: String,
    pub project_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub quantity: i32,
    pub points: i32,
    /// The pickup code (8 characters).
    pub code: String,
    /// `reserved` (待领取), `collected` or `cancelled`.
    pub state: String,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

const RED_SELECT: &str = "SELECT r.id, r.item_id, i.name AS item_name, r.project_id, r.person_id, pe.name AS person_name, \
     r.quantity, r.points, r.code, r.state, r.created_at, r.closed_at FROM redemptions r \
     JOIN reward_items i ON i.id = r.item_id JOIN persons pe ON pe.id = r.person_id";

async fn item(conn: &impl ConnectionTrait, id: i64) -> AppResult<Option<Item>> {
    Ok(db::one(conn, &format!("SELECT {ITEM_COLS} FROM reward_items WHERE id = $1"), params![id]).await?)
}

async fn items(conn: &impl ConnectionTrait, projects: &[i64], active_only: bool) -> AppResult<Vec<Item>> {
    if projects.is_empty() {
        return Ok(vec![]);
    }
    let vals: Vec<sea_orm::Value> = projects.iter().map(|v| (*v).into()).collect();
    Ok(db::all(
        conn,
        &format!(
            "SELECT {ITEM_COLS} FROM reward_items WHERE project_id IN ({}){} ORDER BY project_id, points, id",
            db::placeholders(1, projects.len()),
            if active_only { " AND active = TRUE" } else { "" }
        ),
        vals,
    )
    .await?)
}

// ---- rules and writes --------------------------------------------------------------------------------

pub struct ItemInput {
    pub name: String,
    pub description: String,
    pub points: i32,
    pub stock: i32,
}

fn item_input(name: &str, description: &str, points: &str, stock: &str) -> AppResult<ItemInput> {
    let mut errors = Vec::new();
    let name = crate::text::normalize(name).trim().to_string();
    if name.is_empty() || name.chars().count() > 60 {
        errors.push(crate::error::FieldError::new("name", "请填写物品名称（不超过60字）"));
    }
    let description = crate::text::normalize(description).trim().to_string();
    if description.chars().count() > 200 {
        errors.push(crate::error::FieldError::new("description", "说明不超过200字"));
    }
    let points = points.trim().parse::<i32>().ok().filter(|v| (1..=100_000).contains(v));
    if points.is_none() {
        errors.push(crate::error::FieldError::new("points", "所需积分应为1至100000"));
    }
    let stock = stock.trim().parse::<i32>().ok().filter(|v| (0..=100_000).contains(v));
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
    project: i64,
    i: ItemInput,
) -> AppResult<i64> {
    if !p.scope.can_write_project(project) {
        return Err(AppError::forbidden());
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let id = match db::insert_id(
        &tx,
        "INSERT INTO reward_items (project_id, name, description, points, stock, active, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6) RETURNING id",
        params![project, i.name.clone(), i.description.clone(), i.points, i.stock, now],
    )
    .await
    {
        Ok(id) => id,
        Err(e) if db::constraint::violated(&e).as_deref() == Some("ux_reward_items_project_name") => {
            return Err(AppError::conflict("duplicate_item", "已有同名物品，请修改原物品的库存", "Item exists"));
        }
        Err(e) => return Err(e.into()),
    };
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
    let it = item(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    if !p.scope.can_read_project(it.project_id) {
        return Err(AppError::not_found());
    }
    if !p.scope.can_write_project(it.project_id) {
        return Err(AppError::forbidden());
    }
    if !(1..=100_000).contains(&points) {
        return Err(AppError::field("points", "所需积分应为1至100000"));
    }
    if !(-100_000..=100_000).contains(&add_stock) {
        return Err(AppError::field("add_stock", "补货数量应为-100000至100000"));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let n = db::exec(
        &tx,
        "UPDATE reward_items SET points = $1, stock = stock + $2, active = $3, updated_at = $4 WHERE id = $5 AND stock + $2 >= 0",
        params![points, add_stock, active, now, id],
    )
    .await?
    .rows_affected();
    if n == 0 {
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
    let it = item(&state.db.read, item_id).await?.ok_or_else(AppError::not_found)?;
    if !p.scope.visible_projects().contains(&it.project_id) {
        return Err(AppError::not_found());
    }
    // The resident's own points, or (staff at the counter) those of an elderly resident without a phone,
    // found by home and name.
    let person = match for_resident {
        Some((room, name)) => {
            if !p.scope.can_write_project(it.project_id) {
                return Err(AppError::forbidden());
            }
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
    let tx = state.db.write.begin().await?;
    ledger::lock_account(&tx, person, it.project_id).await?;
    let balance = ledger::balance(&tx, person, it.project_id).await?;
    // The item as it is now, inside the transaction (points and the shelf may have changed).
    let it = item(&tx, item_id).await?.ok_or_else(AppError::not_found)?;
    let total = model::check_redemption(balance, it.points as i64, quantity, it.active).map_err(rule_err)?;
    let took = db::exec(
        &tx,
        "UPDATE reward_items SET stock = stock - $1, updated_at = $2 WHERE id = $3 AND stock >= $1",
        params![quantity as i32, now, item_id],
    )
    .await?
    .rows_affected();
    if took == 0 {
        return Err(AppError::conflict("out_of_stock", format!("「{}」库存不足", it.name), "Out of stock"));
    }
    let code = loop {
        let c = model::pickup_code(&mut rand::thread_rng());
        if db::count(&tx, "SELECT COUNT(*) AS n FROM redemptions WHERE code = $1", params![c.clone()]).await? == 0 {
            break c;
        }
    };
    let id = db::insert_id(
        &tx,
        "INSERT INTO redemptions (item_id, project_id, person_id, quantity, points, code, state, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'reserved', $7, $8) RETURNING id",
        params![item_id, it.project_id, person, quantity as i32, total as i32, code.clone(), p.user_id, now],
    )
    .await?;
    ledger::append(
        &tx,
        &ledger::Entry {
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
    db::one(&state.db.write, &format!("{RED_SELECT} WHERE r.id = $1"), params![id])
        .await?
        .ok_or_else(AppError::not_found)
}

/// Collect (staff, by the pickup code) or cancel (the resident who redeemed, or staff) a reservation.
/// A compare-and-set on the state, so a code is collected once; a cancellation gives back the points
/// (a new ledger entry) and the stock.
async fn close(state: &AppState, p: &Principal, ctx: &Ctx, r: Redemption, action: &str) -> AppResult<Redemption> {
    let next = model::next_redemption_state(&r.state, action).map_err(rule_err)?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let n = db::exec(
        &tx,
        "UPDATE redemptions SET state = $1, closed_at = $2, closed_by = $3 WHERE id = $4 AND state = 'reserved'",
        params![next, now, p.user_id, r.id],
    )
    .await?
    .rows_affected();
    if n == 0 {
        return Err(AppError::conflict("already_closed", "这笔兑换已经领取或取消", "Already collected or cancelled"));
    }
    if next == "cancelled" {
        db::exec(
            &tx,
            "UPDATE reward_items SET stock = stock + $1, updated_at = $2 WHERE id = $3",
            params![r.quantity, now, r.item_id],
        )
        .await?;
        ledger::append(
            &tx,
            &ledger::Entry {
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
            action: if next == "cancelled" { "cancel" } else { "collect" },
            entity: "redemption",
            entity_id: Some(r.id),
            project_id: Some(r.project_id),
            summary: format!(
                "{}「{}」×{}（{}）",
                if next == "cancelled" { "取消兑换" } else { "领取" },
                r.item_name,
                r.quantity,
                r.person_name
            ),
        },
    )
    .await?;
    Ok(Redemption { state: next.into(), closed_at: Some(now), ..r })
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
    let r = db::one::<Redemption>(&state.db.read, &format!("{RED_SELECT} WHERE r.code = $1"), params![code])
        .await?
        .filter(|r| p.scope.can_read_project(r.project_id))
        .ok_or_else(|| {
            AppError::new(axum::http::StatusCode::NOT_FOUND, "unknown_code", "没有这个领取码", "No such pickup code")
        })?;
    if !p.scope.can_write_project(r.project_id) {
        return Err(AppError::forbidden());
    }
    close(state, p, ctx, r, "collect").await
}

pub async fn cancel_checked(state: &AppState, p: &Principal, ctx: &Ctx, id: i64) -> AppResult<Redemption> {
    let r: Redemption = db::one(&state.db.read, &format!("{RED_SELECT} WHERE r.id = $1"), params![id])
        .await?
        .ok_or_else(AppError::not_found)?;
    let own = p.person_id == Some(r.person_id);
    if !own && !p.scope.can_write_project(r.project_id) {
        return Err(AppError::not_found());
    }
    close(state, p, ctx, r, "cancel").await
}

// ---- pages -------------------------------------------------------------------------------------------

/// A project's shelf as one caller sees it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Shelf {
    pub project_id: i64,
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

pub async fn catalogue(state: &AppState, p: &Principal, project: Option<i64>) -> AppResult<Catalogue> {
    let mut projects = p.scope.visible_projects();
    if let Some(only) = project {
        if !projects.contains(&only) {
            return Err(AppError::not_found());
        }
        projects = vec![only];
    }
    let nodes = crate::org::store::nodes(&state.db.read, projects.iter().copied()).await?;
    let all = items(&state.db.read, &projects, false).await?;
    let mut shelves = Vec::new();
    for n in nodes {
        let staff = p.scope.can_write_project(n.id);
        let balance = match p.person_id {
            Some(me) => ledger::balance(&state.db.read, me, n.id).await?,
            None => 0,
        };
        shelves.push(Shelf {
            project_id: n.id,
            project_name: n.name,
            balance,
            items: all.iter().filter(|i| i.project_id == n.id && (staff || i.active)).cloned().collect(),
        });
    }
    let mine = match p.person_id {
        Some(me) => {
            db::all(
                &state.db.read,
                &format!("{RED_SELECT} WHERE r.person_id = $1 ORDER BY r.id DESC LIMIT 50"),
                params![me],
            )
            .await?
        }
        None => vec![],
    };
    Ok(Catalogue { shelves, mine })
}

pub struct MineLine {
    pub id: i64,
    pub item: String,
    pub quantity: i32,
    pub points: i32,
    pub code: String,
    pub state: &'static str,
    pub reserved: bool,
    pub when: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "volunteers/rewards.html")]
struct RewardsPage {
    c: Chrome,
    shelves: Vec<Shelf>,
    mine: Vec<MineLine>,
    /// Staff: projects whose shelf they run, and the latest redemptions there.
    staff_projects: Vec<(i64, String)>,
    recent: Vec<MineLine>,
    /// (name) of a redemption just collected at the counter.
    collected: String,
    /// The pickup code of a redemption just made for a resident.
    made_code: String,
}

impl RewardsPage {
    fn staff_of(&self, project: &i64) -> bool {
        self.staff_projects.iter().any(|(id, _)| id == project)
    }
}

/// A redemption as a page line; staff lists name the resident, a resident's own list does not.
fn line(r: Redemption, with_name: bool) -> MineLine {
    MineLine {
        id: r.id,
        item: if with_name { format!("{}（{}）", r.item_name, r.person_name) } else { r.item_name },
        quantity: r.quantity,
        points: r.points,
        code: model::code_display(&r.code),
        state: model::redemption_state_zh(&r.state),
        reserved: r.state == "reserved",
        when: fmt_datetime(r.created_at),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RewardsQuery {
    pub msg: Option<String>,
    pub collected: Option<i64>,
    /// The pickup code of a redemption staff just made for a resident (to read out or write down).
    pub code: Option<String>,
}

pub async fn page(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Query(q): Query<RewardsQuery>,
) -> AppResult<impl IntoResponse> {
    let cat = catalogue(&state, &p, None).await?;
    let staff: Vec<i64> = p.scope.write_projects.iter().copied().collect();
    let staff_projects: Vec<(i64, String)> = crate::org::store::nodes(&state.db.read, staff.iter().copied())
        .await?
        .into_iter()
        .map(|n| (n.id, n.name))
        .collect();
    let recent = if staff.is_empty() {
        vec![]
    } else {
        let vals: Vec<sea_orm::Value> = staff.iter().map(|v| (*v).into()).collect();
        db::all::<Redemption>(
            &state.db.read,
            &format!(
                "{RED_SELECT} WHERE r.project_id IN ({}) ORDER BY r.id DESC LIMIT 30",
                db::placeholders(1, staff.len())
            ),
            vals,
        )
        .await?
        .into_iter()
        .map(|r| line(r, true))
        .collect()
    };
    let collected = match q.collected {
        Some(id) => db::one::<Redemption>(&state.db.read, &format!("{RED_SELECT} WHERE r.id = $1"), params![id])
            .await?
            .filter(|r| p.scope.can_write_project(r.project_id))
            .map(|r| format!("{} ×{} — {}", r.item_name, r.quantity, r.person_name))
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(RewardsPage {
        c: Chrome::titled(&ctx, "rw.title").with_msg(q.msg.as_deref()),
        shelves: cat.shelves,
        mine: cat.mine.into_iter().map(|r| line(r, false)).collect(),
        staff_projects,
        recent,
        collected,
        made_code: q
            .code
            .as_deref()
            .and_then(model::normalize_code)
            .map(|c| model::code_display(&c))
            .unwrap_or_default(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ItemForm {
    pub project_id: String,
    pub name: String,
    pub description: String,
    pub points: String,
    pub stock: String,
}

pub async fn create_item(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Form(f): Form<ItemForm>,
) -> AppResult<Redirect> {
    let project: i64 = f.project_id.trim().parse().map_err(|_| AppError::field("project_id", "请选择项目"))?;
    let input = item_input(&f.name, &f.description, &f.points, &f.stock)?;
    create_item_checked(&state, &p, &ctx, project, input).await?;
    Ok(Redirect::to("/rewards?msg=created"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ItemUpdateForm {
    pub points: String,
    pub add_stock: String,
    /// `1` on the shelf, `0` off.
    pub active: String,
}

pub async fn update_item(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<ItemUpdateForm>,
) -> AppResult<Redirect> {
    let points: i32 = f.points.trim().parse().map_err(|_| AppError::field("points", "所需积分应为1至100000"))?;
    let add: i32 = match f.add_stock.trim() {
        "" => 0,
        v => v.parse().map_err(|_| AppError::field("add_stock", "补货数量应为整数"))?,
    };
    update_item_checked(&state, &p, &ctx, id, points, add, f.active.trim() != "0").await?;
    Ok(Redirect::to("/rewards?msg=saved"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RedeemForm {
    pub quantity: String,
    /// Staff redeeming for a resident: the home (「1-1-101」) and the name.
    pub room: String,
    pub name: String,
}

pub async fn redeem(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<RedeemForm>,
) -> AppResult<Redirect> {
    let q: i64 = match f.quantity.trim() {
        "" => 1,
        v => v.parse().map_err(|_| AppError::field("quantity", "数量应为整数"))?,
    };
    let for_resident =
        (!f.room.trim().is_empty() || !f.name.trim().is_empty()).then_some((f.room.as_str(), f.name.as_str()));
    let r = redeem_checked(&state, &p, &ctx, id, q, for_resident).await?;
    if for_resident.is_some() {
        return Ok(Redirect::to(&format!("/rewards?msg=redeemed_for&code={}", r.code)));
    }
    Ok(Redirect::to("/rewards?msg=redeemed"))
}

pub async fn cancel(AxState(state): AxState<AppState>, Auth(p, ctx): Auth, Path(id): Path<i64>) -> AppResult<Redirect> {
    cancel_checked(&state, &p, &ctx, id).await?;
    Ok(Redirect::to("/rewards?msg=redemption_cancelled"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CollectForm {
    pub code: String,
}

pub async fn collect(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Form(f): Form<CollectForm>,
) -> AppResult<Redirect> {
    let r = collect_checked(&state, &p, &ctx, &f.code).await?;
    Ok(Redirect::to(&format!("/rewards?collected={}", r.id)))
}
