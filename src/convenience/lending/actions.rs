//! 便民物资共享's use cases. A project's staff keep its centres' items and lend them at the desk (to a
//! resident found by home and name); its residents reserve an item on the phone and pick it up; the
//! borrower or staff cancel a reservation; staff take an item back, note its condition and what of the
//! deposit is kept. Readers of the project (cadres, the company) see the desk read-only. Each write is
//! one transaction ending with its audit line; the database refuses a second open loan of one item.

use sea_orm::TransactionTrait;
use serde::Deserialize;

use super::{
    model::{self, Condition, ItemKind, LoanState, Move},
    store::{self, Item, Loan, NewItem, NewLoan, Return},
};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    error::{AppError, AppResult, FieldError},
    ids::{PersonId, ProjectId},
    notify,
    positions::store as positions,
    text::{fen_to_yuan, yuan_to_fen},
};

fn refused(r: crate::error::Refused) -> AppError {
    r.into()
}

/// Someone else moved the loan between our read and our write.
fn changed() -> AppError {
    AppError::conflict("wrong_state", "借用状态已变化，请刷新", "The loan changed; reload")
}

/// At most this many open loans (reserved or out) per person.
pub const MAX_OPEN_PER_PERSON: usize = 3;

/// What the lending page shows this user: the desk of the projects they read (items, open loans, the
/// centres where they may add items) and, for a resident, the items of their estate and their loans.
pub struct Board {
    pub desk_items: Vec<Item>,
    pub open_loans: Vec<Loan>,
    /// Centres (id, name) of the projects the caller keeps.
    pub centres: Vec<(i64, String)>,
    pub home_items: Vec<Item>,
    pub mine: Vec<Loan>,
    pub writable: Vec<ProjectId>,
}

impl Board {
    pub fn is_desk(&self) -> bool {
        !self.desk_items.is_empty() || !self.centres.is_empty() || !self.open_loans.is_empty()
    }
}

pub async fn board(state: &AppState, p: &Principal) -> AppResult<Board> {
    let conn = &state.db.read;
    let read: Vec<ProjectId> = p.scope.read_projects.iter().copied().collect();
    let writable: Vec<ProjectId> = read.iter().copied().filter(|x| p.scope.can_write_project(*x)).collect();
    let homes: Vec<ProjectId> = p.scope.home_projects().into_iter().filter(|x| !read.contains(x)).collect();
    let centres = positions::centres_in(conn, &writable).await?.into_iter().map(|c| (c.id, c.name)).collect();
    let mine = match p.person_id {
        Some(me) => store::of_person(conn, me).await?,
        None => vec![],
    };
    Ok(Board {
        desk_items: store::items_in(conn, &read).await?,
        open_loans: store::open_in(conn, &read).await?,
        centres,
        home_items: store::items_in(conn, &homes).await?,
        mine,
        writable,
    })
}

/// An item the caller may see: its project is readable or their home (404 otherwise).
async fn item_seen(state: &AppState, p: &Principal, id: i64) -> AppResult<Item> {
    let it = store::item(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    if !p.scope.can_see_project(it.project_id) {
        return Err(AppError::not_found());
    }
    Ok(it)
}

/// An item the caller keeps (its project's staff): 404 when unseen, 403 when only seen.
async fn item_kept(state: &AppState, p: &Principal, id: i64) -> AppResult<Item> {
    let it = item_seen(state, p, id).await?;
    p.scope.require_write(it.project_id)?;
    Ok(it)
}

/// A loan the caller may see: the borrower's own or of a readable project.
async fn loan_seen(state: &AppState, p: &Principal, id: i64) -> AppResult<Loan> {
    let l = store::loan(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    if p.person_id != Some(l.person_id) && !p.scope.can_read_project(l.project_id) {
        return Err(AppError::not_found());
    }
    Ok(l)
}

/// An item with its history (desk readers).
pub async fn item_detail(state: &AppState, p: &Principal, id: i64) -> AppResult<(Item, Vec<Loan>, bool)> {
    let it = item_seen(state, p, id).await?;
    if !p.scope.can_read_project(it.project_id) {
        return Err(AppError::forbidden());
    }
    let history = store::of_item(&state.db.read, id).await?;
    let write = p.scope.can_write_project(it.project_id);
    Ok((it, history, write))
}

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct ItemForm {
    pub centre_id: String,
    pub kind: String,
    pub name: String,
    pub code: String,
    /// Yuan, empty for none.
    pub deposit: String,
    pub loan_days: String,
    pub note: String,
}

/// Add an item to a centre the caller keeps.
pub async fn add_item(state: &AppState, p: &Principal, ctx: &Ctx, f: &ItemForm) -> AppResult<i64> {
    if !p.scope.read_projects.iter().any(|x| p.scope.can_write_project(*x)) {
        return Err(AppError::forbidden());
    }
    let mut errors = Vec::new();
    let centre = match f.centre_id.trim().parse::<i64>().ok() {
        Some(id) => positions::centre(&state.db.read, id).await?.filter(|c| p.scope.can_write_project(c.project_id)),
        None => None,
    };
    if centre.is_none() {
        errors.push(FieldError::new("centre_id", "请选择您管理的党群服务中心"));
    }
    let kind = f.kind.parse::<ItemKind>().ok();
    if kind.is_none() {
        errors.push(FieldError::new("kind", "请选择物品类别"));
    }
    let name = crate::text::normalize(&f.name);
    if !(1..=60).contains(&name.chars().count()) {
        errors.push(FieldError::new("name", "请填写物品名称（不超过60字）"));
    }
    let code = crate::text::normalize(&f.code);
    if !(1..=20).contains(&code.chars().count()) {
        errors.push(FieldError::new("code", "请填写物品编号（不超过20字），如「轮椅-01」"));
    }
    let deposit = if f.deposit.trim().is_empty() { Some(0) } else { yuan_to_fen(&f.deposit) };
    let deposit = deposit.filter(|d| (0..=model::MAX_DEPOSIT_FEN).contains(d));
    if deposit.is_none() {
        errors.push(FieldError::new("deposit", "押金填0至2000元，不收押金可留空"));
    }
    let days = crate::text::num(&f.loan_days).trim().parse::<i64>().ok().filter(|d| (1..=model::MAX_DAYS).contains(d));
    if days.is_none() {
        errors.push(FieldError::new("loan_days", "借用天数填1至90天"));
    }
    let note = crate::text::normalize(&f.note);
    if note.chars().count() > 200 {
        errors.push(FieldError::new("note", "说明不超过200字"));
    }
    let (Some(c), Some(kind), Some(deposit_fen), Some(loan_days), true) =
        (centre, kind, deposit, days, errors.is_empty())
    else {
        return Err(AppError::validation(errors));
    };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let new = NewItem {
        centre_id: c.id,
        project_id: c.project_id,
        kind,
        name: &name,
        code: &code,
        deposit_fen,
        loan_days,
        note: Some(note.as_str()).filter(|n| !n.is_empty()),
    };
    let id = store::insert_item(&tx, &new, p.user_id.get(), now).await?;
    let summary = format!("「{}」新增共享物品「{name}」{code}", c.name);
    audit::commit(tx, ctx, now, entry("create", "lend_item", id, c.project_id, summary)).await?;
    Ok(id)
}

fn entry(action: &'static str, entity: &'static str, id: i64, project: ProjectId, summary: String) -> Entry<'static> {
    Entry { action, entity, entity_id: Some(id), project_id: Some(project), summary }
}

/// Refuse before writing what the rules already know (retired, damaged, too many loans); the database
/// refuses an item already held.
async fn check_lendable(state: &AppState, it: &Item, person: PersonId) -> AppResult<()> {
    model::lendable(it.condition, it.retired_at.is_some()).map_err(refused)?;
    if it.open_loan.is_some() {
        return Err(refused(model::ITEM_OUT));
    }
    let open = store::of_person(&state.db.read, person).await?.iter().filter(|l| is_open(l.state)).count();
    if open >= MAX_OPEN_PER_PERSON {
        return Err(AppError::conflict(
            "too_many_loans",
            format!("每人最多同时借用{MAX_OPEN_PER_PERSON}件物品，请先归还"),
            "Return something first: at most three items at a time",
        ));
    }
    Ok(())
}

fn is_open(s: LoanState) -> bool {
    matches!(s, LoanState::Reserved | LoanState::Out)
}

/// A resident reserves an item of their estate for themselves; it is kept for two days.
pub async fn reserve(state: &AppState, p: &Principal, ctx: &Ctx, item: i64) -> AppResult<i64> {
    let it = item_seen(state, p, item).await?;
    let (Some(home), Some(me)) = (p.scope.home_in(it.project_id), p.person_id) else {
        return Err(AppError::new(
            axum::http::StatusCode::FORBIDDEN,
            "not_a_resident",
            "只有本小区住户可以预约借用",
            "Only residents of this estate may reserve",
        ));
    };
    check_lendable(state, &it, me).await?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let new = NewLoan {
        item_id: it.id,
        project_id: it.project_id,
        person_id: me,
        household_id: Some(home.into()),
        state: LoanState::Reserved,
        due_on: None,
        deposit_fen: 0,
        by: p.user_id.get(),
    };
    let id = store::insert_loan(&tx, &new, now).await?;
    let summary = format!("预约借用「{}」{}", it.name, it.code);
    audit::commit(tx, ctx, now, entry("create", "lend_loan", id, it.project_id, summary)).await?;
    Ok(id)
}

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct LendForm {
    /// The borrower's home as typed (「1-1-101」) and name.
    pub room: String,
    pub name: String,
    /// Days, empty for the item's usual loan.
    pub days: String,
}

fn days_of(typed: &str, usual: i32) -> AppResult<i64> {
    if typed.trim().is_empty() {
        return Ok(i64::from(usual));
    }
    crate::text::whole_in(typed, 1..=model::MAX_DAYS).ok_or_else(|| AppError::field("days", "借用天数填1至90天"))
}

/// Staff lend an item at the desk to a resident of the project; the item's deposit is taken.
pub async fn lend(state: &AppState, p: &Principal, ctx: &Ctx, item: i64, f: &LendForm) -> AppResult<i64> {
    let it = item_kept(state, p, item).await?;
    let days = days_of(&f.days, it.loan_days)?;
    let conn = &state.db.read;
    let name = crate::text::normalize(&f.name);
    let household = crate::org::store::household_by_label(conn, it.project_id, &f.room).await?;
    let person = match household {
        Some(_) if !name.is_empty() => {
            crate::people::store::resident_by_home(conn, it.project_id, &f.room, &name).await?
        }
        _ => None,
    };
    let (Some(h), Some(person)) = (household, person) else {
        return Err(AppError::validation(vec![
            FieldError::new("room", "请填写借用人的门牌号，如「1-1-101」"),
            FieldError::new("name", "门牌号与姓名对不上本项目的住户"),
        ]));
    };
    check_lendable(state, &it, person).await?;
    let now = state.clock.now();
    let due = model::due_on(state.clock.today(), days);
    let tx = state.db.write.begin().await?;
    let new = NewLoan {
        item_id: it.id,
        project_id: it.project_id,
        person_id: person,
        household_id: Some(h),
        state: LoanState::Out,
        due_on: Some(due),
        deposit_fen: it.deposit_fen,
        by: p.user_id.get(),
    };
    let id = store::insert_loan(&tx, &new, now).await?;
    let summary = format!("借出「{}」{}，{due}前归还，押金{}元", it.name, it.code, fen_to_yuan(it.deposit_fen));
    audit::commit(tx, ctx, now, entry("lend", "lend_loan", id, it.project_id, summary)).await?;
    Ok(id)
}

/// A loan the caller keeps (its project's staff).
async fn loan_kept(state: &AppState, p: &Principal, id: i64) -> AppResult<Loan> {
    let l = loan_seen(state, p, id).await?;
    p.scope.require_write(l.project_id)?;
    Ok(l)
}

/// Hand a reserved item over at the desk: the due date runs from today, the item's deposit is taken.
pub async fn hand_over(state: &AppState, p: &Principal, ctx: &Ctx, id: i64) -> AppResult<Loan> {
    let l = loan_kept(state, p, id).await?;
    model::next(l.state, Move::HandOver).map_err(refused)?;
    let it = store::item(&state.db.read, l.item_id).await?.ok_or_else(AppError::not_found)?;
    let now = state.clock.now();
    let due = model::due_on(state.clock.today(), i64::from(it.loan_days));
    let tx = state.db.write.begin().await?;
    if !store::hand_over(&tx, id, due, it.deposit_fen, p.user_id.get(), now).await? {
        return Err(changed());
    }
    let users = notify::users_of_person(&tx, l.person_id).await?;
    let msg = notify::Msg::new("note.lend.handed").text("item", &it.name).text("due", due);
    notify::to_users(&tx, &users, &notify::Note { kind: "lend", msg, link: Some("/lending".into()) }, now).await?;
    let summary = format!("「{}」{}交给{}，{due}前归还", it.name, it.code, l.person_name);
    audit::commit(tx, ctx, now, entry("lend", "lend_loan", id, l.project_id, summary)).await?;
    Ok(l)
}

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct ReturnForm {
    /// `good`, `worn` or `damaged`.
    pub condition: String,
    pub note: String,
    /// Yuan kept of the deposit (only for damage), empty for none.
    pub kept: String,
}

/// Take an item back: its condition is noted on the loan and the item (a damaged one is not lent until
/// repaired), the deposit goes back but for what damage keeps.
pub async fn take_back(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, f: &ReturnForm) -> AppResult<Loan> {
    let l = loan_kept(state, p, id).await?;
    model::next(l.state, Move::Return).map_err(refused)?;
    let condition = f.condition.parse::<Condition>().map_err(|_| AppError::field("condition", "请选择归还时的状况"))?;
    let kept = if f.kept.trim().is_empty() { Some(0) } else { yuan_to_fen(&f.kept) };
    let kept = kept.ok_or_else(|| AppError::field("kept", "请填写扣留的押金金额（元）"))?;
    let kept = model::deposit_kept(l.deposit_fen, kept, condition).map_err(|r| AppError::field("kept", r.zh))?;
    let note = crate::text::normalize(&f.note);
    if note.chars().count() > 200 {
        return Err(AppError::field("note", "说明不超过200字"));
    }
    if condition == Condition::Damaged && note.is_empty() {
        return Err(AppError::field("note", "物品损坏时请写明损坏情况"));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let r = Return {
        condition,
        note: Some(note.as_str()).filter(|n| !n.is_empty()),
        deposit_kept_fen: kept,
        by: p.user_id.get(),
    };
    if !store::take_back(&tx, id, &r, now).await? {
        return Err(changed());
    }
    store::set_condition(&tx, l.item_id, condition).await?;
    let summary = format!(
        "收回「{}」{}（{}），退押金{}元",
        l.item_name,
        l.item_code,
        condition.label(ctx.lang),
        fen_to_yuan(l.deposit_fen - kept)
    );
    audit::commit(tx, ctx, now, entry("return", "lend_loan", id, l.project_id, summary)).await?;
    Ok(l)
}

/// Cancel a reservation: the borrower or the project's staff.
pub async fn cancel(state: &AppState, p: &Principal, ctx: &Ctx, id: i64) -> AppResult<Loan> {
    let l = loan_seen(state, p, id).await?;
    if p.person_id != Some(l.person_id) {
        p.scope.require_write(l.project_id)?;
    }
    model::next(l.state, Move::Cancel).map_err(refused)?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::cancel(&tx, id).await? {
        return Err(changed());
    }
    let summary = format!("取消预约「{}」{}", l.item_name, l.item_code);
    audit::commit(tx, ctx, now, entry("cancel", "lend_loan", id, l.project_id, summary)).await?;
    Ok(l)
}

/// Mark a damaged item repaired (lent again).
pub async fn repair(state: &AppState, p: &Principal, ctx: &Ctx, id: i64) -> AppResult<()> {
    let it = item_kept(state, p, id).await?;
    if it.condition != Condition::Damaged {
        return Err(AppError::conflict("not_damaged", "这件物品没有待维修的损坏", "The item is not damaged"));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    store::set_condition(&tx, id, Condition::Good).await?;
    let summary = format!("「{}」{}维修完毕，恢复外借", it.name, it.code);
    audit::commit(tx, ctx, now, entry("update", "lend_item", id, it.project_id, summary)).await?;
    Ok(())
}

/// The job: remind borrowers from the day before an item is due (once a day), and lapse reservations
/// not picked up in two days. Returns (reminded, lapsed). Safe on several instances: each is a
/// compare-and-set.
pub async fn remind_and_lapse(state: &AppState, now: chrono::DateTime<chrono::Utc>) -> AppResult<(usize, usize)> {
    let today = crate::clock::to_local(now).date();
    let mut reminded = 0;
    for l in store::due_by(&state.db.read, today + chrono::Duration::days(1)).await? {
        let Some(due) = l.due_on else { continue };
        if !model::remind_today(due, today, l.reminded_on) {
            continue;
        }
        let tx = state.db.write.begin().await?;
        if !store::mark_reminded(&tx, l.id, today).await? {
            tx.rollback().await?;
            continue;
        }
        let late = model::days_late(due, today);
        let msg = if late > 0 {
            notify::Msg::new("note.lend.overdue").text("item", &l.item_name).text("days", late)
        } else {
            notify::Msg::new("note.lend.due").text("item", &l.item_name).text("due", due)
        };
        let users = notify::users_of_person(&tx, l.person_id).await?;
        notify::to_users(&tx, &users, &notify::Note { kind: "lend", msg, link: Some("/lending".into()) }, now).await?;
        tx.commit().await?;
        reminded += 1;
    }
    let mut lapsed = 0;
    for l in store::reserved_before(&state.db.read, now - chrono::Duration::hours(48)).await? {
        if !model::reservation_lapsed(l.requested_at, now) {
            continue;
        }
        let tx = state.db.write.begin().await?;
        if !store::cancel(&tx, l.id).await? {
            tx.rollback().await?;
            continue;
        }
        let users = notify::users_of_person(&tx, l.person_id).await?;
        let msg = notify::Msg::new("note.lend.lapsed").text("item", &l.item_name);
        notify::to_users(&tx, &users, &notify::Note { kind: "lend", msg, link: Some("/lending".into()) }, now).await?;
        tx.commit().await?;
        lapsed += 1;
    }
    Ok((reminded, lapsed))
}
