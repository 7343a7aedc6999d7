//! 联建's API: the agreements one may read, and one with its lists and a year's review.

use axum::{
    Json,
    extract::{Path, Query, State},
};

use super::{
    actions::{self, Review},
    store::{self, Agreement, Item},
};
use crate::{app::AppState, auth::Desk, error::ApiResult};

/// The 联建 agreements the caller may read.
#[utoipa::path(get, path = "/api/v1/joint", tag = "joint", responses((status = 200, body = [Agreement]), (status = 401), (status = 403)))]
pub async fn list(State(state): State<AppState>, Desk(p, _ctx): Desk) -> ApiResult<Vec<Agreement>> {
    Ok(Json(actions::visible(&state, &p).await?))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Detail {
    pub agreement: Agreement,
    /// 资源清单, 需求清单 and 项目清单.
    pub items: Vec<Item>,
    pub review: Review,
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct YearQuery {
    /// The review's year (this year by default; within the agreement's term).
    pub year: Option<i32>,
}

/// An agreement with its three lists and a year's review, generated from the records.
#[utoipa::path(get, path = "/api/v1/joint/{id}", tag = "joint", params(("id" = i64, Path, description = "Agreement"), YearQuery),
    responses((status = 200, body = Detail), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn detail(
    State(state): State<AppState>,
    Desk(p, _ctx): Desk,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> ApiResult<Detail> {
    let x = actions::open(&state, &p, id).await?;
    let year = actions::review_year(&x, q.year, state.clock.today())?;
    let review = actions::review(&state, &x, year).await?;
    let items = store::items(&state.db.read, x.a.id).await?;
    Ok(Json(Detail { agreement: x.a, items, review }))
}
