//! 便民物资共享's API: what I may borrow and my loans (and the desk's open loans), reserve, lend at the
//! desk, take back.

use axum::{
    Json,
    extract::{Path, State},
};

use super::{
    actions::{self, LendForm, ReturnForm},
    store::{Item, Loan},
};
use crate::{app::AppState, auth::Auth, error::ApiResult};

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct LendingOut {
    /// Items of my estate's centres (residents), with whether each is free.
    pub items: Vec<Item>,
    /// My loans, open first.
    pub mine: Vec<Loan>,
    /// Staff and readers: the items of the projects I read and their open loans, most overdue first.
    pub desk_items: Vec<Item>,
    pub open_loans: Vec<Loan>,
}

/// The lending library as I see it.
#[utoipa::path(get, path = "/api/v1/lending", tag = "convenience", responses((status = 200, body = LendingOut), (status = 401)))]
pub async fn board(State(state): State<AppState>, Auth(p, _ctx): Auth) -> ApiResult<LendingOut> {
    let b = actions::board(&state, &p).await?;
    Ok(Json(LendingOut { items: b.home_items, mine: b.mine, desk_items: b.desk_items, open_loans: b.open_loans }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct LoanId {
    pub id: i64,
}

/// Reserve an item of my estate (kept two days for me to pick up). 409 `item_out` when it is already
/// lent or reserved.
#[utoipa::path(post, path = "/api/v1/lending/items/{id}/reserve", tag = "convenience", params(("id" = i64, Path, description = "Item")),
    responses((status = 200, body = LoanId), (status = 401), (status = 403), (status = 404), (status = 409)))]
pub async fn reserve(State(state): State<AppState>, Auth(p, ctx): Auth, Path(id): Path<i64>) -> ApiResult<LoanId> {
    Ok(Json(LoanId { id: actions::reserve(&state, &p, &ctx, id).await? }))
}

/// Lend an item at the desk to a resident found by home and name (the project's staff). 409
/// `item_out` when it is already lent or reserved.
#[utoipa::path(post, path = "/api/v1/lending/items/{id}/lend", tag = "convenience", params(("id" = i64, Path, description = "Item")),
    request_body = LendForm,
    responses((status = 200, body = LoanId), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn lend(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Json(f): Json<LendForm>,
) -> ApiResult<LoanId> {
    Ok(Json(LoanId { id: actions::lend(&state, &p, &ctx, id, &f).await? }))
}

/// Take an item back with its condition (the project's staff).
#[utoipa::path(post, path = "/api/v1/lending/loans/{id}/return", tag = "convenience", params(("id" = i64, Path, description = "Loan")),
    request_body = ReturnForm,
    responses((status = 200, body = LoanId), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn take_back(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Json(f): Json<ReturnForm>,
) -> ApiResult<LoanId> {
    actions::take_back(&state, &p, &ctx, id, &f).await?;
    Ok(Json(LoanId { id }))
}
