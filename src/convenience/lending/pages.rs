//! 便民物资共享's pages: `/lending` is the resident's phone page (what the estate lends, my loans) and
//! the desk's (overdue first, loans and reservations, the items, a form to add one); an item's page
//! lends it, hands a reservation over, takes it back and shows its history.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect},
};
use chrono::NaiveDate;

use super::{
    actions::{self, ItemForm, LendForm, ReturnForm},
    model::{self, Condition, ItemKind, LoanState},
    store::{Item, Loan},
};
use crate::{
    app::AppState,
    auth::Auth,
    error::AppResult,
    text::fen_to_yuan,
    web::{
        Chrome, MsgQuery,
        forms::{Choice, choices},
    },
};

pub struct ItemLine {
    pub it: Item,
    pub kind: &'static str,
    pub deposit: String,
    /// 「可借」「已预约」「借出中」「待维修」.
    pub status: &'static str,
    pub tone: &'static str,
    pub free: bool,
}

fn item_line(it: Item, c: &Chrome) -> ItemLine {
    let (status, tone, free) = match (it.open_state, it.condition) {
        (Some(LoanState::Reserved), _) => ("lend.status.reserved", "st-wait", false),
        (Some(_), _) => ("lend.status.out", "st-work", false),
        (None, Condition::Damaged) => ("lend.status.damaged", "st-late", false),
        (None, _) => ("lend.status.free", "st-done", true),
    };
    ItemLine {
        kind: it.kind.label(c.lang),
        deposit: if it.deposit_fen > 0 { format!("¥{}", fen_to_yuan(it.deposit_fen)) } else { String::new() },
        status: c.t(status),
        tone,
        free,
        it,
    }
}

pub struct LoanLine {
    pub l: Loan,
    pub state: &'static str,
    pub tone: &'static str,
    pub late: i64,
    pub requested: String,
}

fn loan_line(l: Loan, c: &Chrome, today: NaiveDate) -> LoanLine {
    let late = match (l.state, l.due_on) {
        (LoanState::Out, Some(d)) => model::days_late(d, today),
        _ => 0,
    };
    let tone = match l.state {
        LoanState::Reserved => "st-wait",
        LoanState::Out if late > 0 => "st-late",
        LoanState::Out => "st-work",
        LoanState::Returned => "st-done",
        LoanState::Cancelled => "st-off",
    };
    LoanLine { state: l.state.label(c.lang), tone, late, requested: crate::clock::fmt_datetime(l.requested_at), l }
}

#[derive(Template, WebTemplate)]
#[template(path = "convenience/lending.html")]
struct BoardPage {
    c: Chrome,
    desk: bool,
    overdue: Vec<LoanLine>,
    open: Vec<LoanLine>,
    items: Vec<ItemLine>,
    centres: Vec<Choice>,
    kinds: Vec<Choice>,
    home_items: Vec<ItemLine>,
    mine: Vec<LoanLine>,
}

pub async fn board(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let b = actions::board(&state, &p).await?;
    let c = Chrome::titled(&ctx, "lend.title").with_msg(m.msg.as_deref());
    let today = state.clock.today();
    let desk = b.is_desk();
    let (overdue, open): (Vec<LoanLine>, Vec<LoanLine>) =
        b.open_loans.into_iter().map(|l| loan_line(l, &c, today)).partition(|l| l.late > 0);
    Ok(BoardPage {
        desk,
        overdue,
        open,
        items: b.desk_items.into_iter().map(|i| item_line(i, &c)).collect(),
        centres: choices(b.centres),
        kinds: choices(ItemKind::ALL.iter().map(|k| (k.as_str(), k.label(ctx.lang)))),
        home_items: b.home_items.into_iter().map(|i| item_line(i, &c)).collect(),
        mine: b.mine.into_iter().map(|l| loan_line(l, &c, today)).collect(),
        c,
    })
}

pub async fn add_item(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Form(f): Form<ItemForm>,
) -> AppResult<Redirect> {
    let id = actions::add_item(&state, &p, &ctx, &f).await?;
    Ok(Redirect::to(&format!("/lending/items/{id}?msg=created")))
}

#[derive(Template, WebTemplate)]
#[template(path = "convenience/lend_item.html")]
struct ItemPage {
    c: Chrome,
    x: ItemLine,
    open: Option<LoanLine>,
    history: Vec<LoanLine>,
    write: bool,
    conditions: Vec<Choice>,
}

pub async fn item_page(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let (it, history, write) = actions::item_detail(&state, &p, id).await?;
    let c = Chrome::new(&ctx, format!("{} {}", it.name, it.code)).with_msg(m.msg.as_deref());
    let today = state.clock.today();
    let history: Vec<LoanLine> = history.into_iter().map(|l| loan_line(l, &c, today)).collect();
    let open = history.iter().find(|l| Some(l.l.id) == it.open_loan).map(|l| loan_line(l.l.clone(), &c, today));
    Ok(ItemPage {
        x: item_line(it, &c),
        open,
        history,
        write,
        conditions: choices(Condition::ALL.iter().map(|k| (k.as_str(), k.label(ctx.lang)))),
        c,
    })
}

pub async fn reserve(State(state): State<AppState>, Auth(p, ctx): Auth, Path(id): Path<i64>) -> AppResult<Redirect> {
    actions::reserve(&state, &p, &ctx, id).await?;
    Ok(Redirect::to("/lending?msg=reserved"))
}

pub async fn lend(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<LendForm>,
) -> AppResult<Redirect> {
    actions::lend(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/lending/items/{id}?msg=saved")))
}

pub async fn repair(State(state): State<AppState>, Auth(p, ctx): Auth, Path(id): Path<i64>) -> AppResult<Redirect> {
    actions::repair(&state, &p, &ctx, id).await?;
    Ok(Redirect::to(&format!("/lending/items/{id}?msg=saved")))
}

pub async fn hand_over(State(state): State<AppState>, Auth(p, ctx): Auth, Path(id): Path<i64>) -> AppResult<Redirect> {
    let l = actions::hand_over(&state, &p, &ctx, id).await?;
    Ok(Redirect::to(&format!("/lending/items/{}?msg=saved", l.item_id)))
}

pub async fn take_back(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<ReturnForm>,
) -> AppResult<Redirect> {
    let l = actions::take_back(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/lending/items/{}?msg=saved", l.item_id)))
}

pub async fn cancel(State(state): State<AppState>, Auth(p, ctx): Auth, Path(id): Path<i64>) -> AppResult<Redirect> {
    let l = actions::cancel(&state, &p, &ctx, id).await?;
    let back = if p.person_id == Some(l.person_id) {
        "/lending?msg=saved".to_string()
    } else {
        format!("/lending/items/{}?msg=saved", l.item_id)
    };
    Ok(Redirect::to(&back))
}
