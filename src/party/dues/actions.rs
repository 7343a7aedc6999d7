//! 党费's use cases: the branch's organisation member (组织委员) — and only they, besides the member
//! themself — sees incomes and dues, sets a member's basis and records payments; a member sees their own.
//! Audit lines name the change, never the income.

use chrono::NaiveDate;
use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};

use super::{
    model::{self, Category},
    store,
};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    error::{AppError, AppResult, FieldError},
    ids::PersonId,
    party::{
        actions::{Access, open},
        model::Post,
        store as party,
    },
};

/// Is the caller this organisation's 组织委员 today?
pub async fn is_officer(state: &AppState, p: &Principal, a: &Access) -> AppResult<bool> {
    let Some(me) = p.person_id else { return Ok(false) };
    let posts = party::posts(&state.db.read, a.org.id, state.clock.today()).await?;
    Ok(posts.iter().any(|x| x.person_id == me && x.post == Post::Organisation))
}

/// The organisation, if the caller is its organisation member; 403 for others who may see it.
pub async fn officer(state: &AppState, p: &Principal, org: i64) -> AppResult<Access> {
    let a = open(state, p, org).await?;
    if !is_officer(state, p, &a).await? {
        return Err(AppError::forbidden());
    }
    Ok(a)
}

/// One member's dues standing.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Standing {
    pub person_id: PersonId,
    pub person_name: String,
    pub category: Option<Category>,
    pub income_fen: Option<i64>,
    /// The monthly due (none without a basis).
    pub due_fen: Option<i64>,
    pub paid_this_month: bool,
    /// Months owed before this one (`YYYY-MM`).
    pub arrears: Vec<String>,
}

async fn standings(state: &AppState, members: &[party::Membership]) -> AppResult<Vec<Standing>> {
    let conn = &state.db.read;
    let ids: Vec<i64> = members.iter().map(|m| m.person_id.get()).collect();
    let brackets = store::brackets(conn).await?;
    let bases = store::bases(conn, &ids).await?;
    let payments = store::payments(conn, &ids).await?;
    let today = state.clock.today();
    let this_month = model::month_of(today);
    Ok(members
        .iter()
        .map(|m| {
            let basis = bases.iter().find(|b| b.person_id == m.person_id);
            let paid: Vec<String> =
                payments.iter().filter(|x| x.person_id == m.person_id).map(|x| x.month.clone()).collect();
            Standing {
                person_id: m.person_id,
                person_name: m.person_name.clone(),
                category: basis.map(|b| b.category),
                income_fen: basis.map(|b| b.income_fen),
                due_fen: basis.and_then(|b| model::monthly_due(&brackets, b.category, b.income_fen)),
                paid_this_month: paid.contains(&this_month),
                arrears: model::arrears(m.since, today, &paid),
            }
        })
        .collect())
}

/// The branch's dues ledger (its organisation member only).
pub async fn ledger(state: &AppState, p: &Principal, org: i64) -> AppResult<(Access, Vec<Standing>)> {
    let a = officer(state, p, org).await?;
    let members = party::members(&state.db.read, a.org.id).await?;
    let s = standings(state, &members).await?;
    Ok((a, s))
}

/// My own standing (a member), with my branch.
pub async fn mine(state: &AppState, p: &Principal) -> AppResult<Option<(party::Membership, Standing)>> {
    let Some(me) = p.person_id else { return Ok(None) };
    let Some(m) = party::current_of(&state.db.read, me).await? else { return Ok(None) };
    let s = standings(state, std::slice::from_ref(&m)).await?.into_iter().next();
    Ok(s.map(|s| (m, s)))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct BasisForm {
    pub person_id: String,
    pub category: String,
    /// Monthly income in yuan (「3500」「3,500.50」).
    pub income: String,
}

pub async fn set_basis(state: &AppState, p: &Principal, ctx: &Ctx, org: i64, f: &BasisForm) -> AppResult<()> {
    let a = officer(state, p, org).await?;
    let members = party::members(&state.db.read, a.org.id).await?;
    let mut errors = Vec::new();
    let person = f.person_id.trim().parse::<i64>().ok().and_then(|id| members.iter().find(|m| m.person_id.get() == id));
    if person.is_none() {
        errors.push(FieldError::new("person_id", "请选择本支部的党员"));
    }
    let category = f.category.parse::<Category>().ok();
    if category.is_none() {
        errors.push(FieldError::new("category", "请选择类别"));
    }
    let income = match (category, f.income.trim()) {
        (Some(Category::Special), "") => Some(0),
        _ => model::yuan_to_fen(&f.income).filter(|v| *v <= 10_000_000_000),
    };
    if income.is_none() {
        errors.push(FieldError::new("income", "请填写月收入（元，如 3500 或 3500.50）"));
    }
    let (Some(person), Some(category), Some(income), true) = (person, category, income, errors.is_empty()) else {
        return Err(AppError::validation(errors));
    };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    store::set_basis(&tx, person.person_id, category, income, p.user_id.get(), now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "party_dues",
            entity_id: Some(person.person_id.get()),
            project_id: a.node.project_id,
            summary: format!(
                "更新「{}」的党费基数（{}）",
                person.person_name,
                category.label(crate::web::i18n::Lang::Zh)
            ),
        },
    )
    .await?;
    Ok(())
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct PaymentForm {
    pub person_id: String,
    /// `YYYY-MM` (this month when empty).
    pub month: String,
    /// Yuan; the month's due when empty.
    pub amount: String,
}

pub async fn record_payment(state: &AppState, p: &Principal, ctx: &Ctx, org: i64, f: &PaymentForm) -> AppResult<i64> {
    let (a, standings) = ledger(state, p, org).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let s = f.person_id.trim().parse::<i64>().ok().and_then(|id| standings.iter().find(|s| s.person_id.get() == id));
    if s.is_none() {
        errors.push(FieldError::new("person_id", "请选择本支部的党员"));
    }
    let month = match crate::text::num(&f.month).trim() {
        "" => Some(model::month_of(today)),
        m => NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
            .ok()
            .filter(|d| model::month_of(*d) <= model::month_of(today) && *d >= today - chrono::Duration::days(366 * 5))
            .map(model::month_of),
    };
    if month.is_none() {
        errors.push(FieldError::new("month", "月份格式为 2026-11，不晚于本月"));
    }
    let amount = match f.amount.trim() {
        "" => s.and_then(|s| s.due_fen),
        t => model::yuan_to_fen(t).filter(|v| *v > 0 && *v <= 10_000_000),
    };
    if amount.is_none() {
        errors.push(FieldError::new("amount", "请填写金额（元）；没有党费基数时须填写"));
    }
    let (Some(s), Some(month), Some(amount), true) = (s, month, amount, errors.is_empty()) else {
        return Err(AppError::validation(errors));
    };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let id = store::insert_payment(&tx, s.person_id, a.org.id, &month, amount, today, p.user_id.get(), now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "party_dues",
            entity_id: Some(id),
            project_id: a.node.project_id,
            summary: format!("登记「{}」{month}党费 {} 元", s.person_name, model::fen_to_yuan(amount)),
        },
    )
    .await?;
    Ok(id)
}
