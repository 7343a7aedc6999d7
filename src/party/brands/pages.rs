//! Brands' pages: the public brand page and the year's list, and saving a brand (multipart, with photos).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Json,
    extract::{Path, Query, Request, State},
    response::{IntoResponse, Redirect, Response},
};

use super::{
    actions::{self, BrandForm},
    store::Brand,
};
use crate::{
    app::AppState,
    auth::{Auth, Ctx},
    error::{ApiResult, AppResult},
    requests::photos,
    web::{Chrome, MsgQuery},
};

#[derive(Template, WebTemplate)]
#[template(path = "party/brand.html")]
struct BrandPage {
    c: Chrome,
    b: Brand,
    photos: Vec<String>,
}

/// A branch's brand: public (no personal data).
pub async fn brand_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let (b, ids) = actions::public(&state, id).await?;
    Ok(BrandPage {
        c: Chrome::new(&ctx, b.name.clone()).with_msg(m.msg.as_deref()),
        photos: ids.iter().map(|p| format!("/brands/{id}/photos/{p}")).collect(),
        b,
    })
}

pub async fn brand_photo(State(state): State<AppState>, Path((id, photo)): Path<(i64, i64)>) -> AppResult<Response> {
    actions::photo(&state, id, photo).await
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct YearQuery {
    /// The campaign year (this year by default).
    pub year: Option<i32>,
}

#[derive(Template, WebTemplate)]
#[template(path = "party/brands.html")]
struct BrandsPage {
    c: Chrome,
    year: i32,
    brands: Vec<Brand>,
}

/// The year's brands, company-wide: public.
pub async fn brands_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<YearQuery>,
) -> AppResult<impl IntoResponse> {
    let (year, brands) = actions::of_year(&state, q.year).await?;
    Ok(BrandsPage { c: Chrome::titled(&ctx, "party.brands"), year, brands })
}

/// The year's brands (一支部一品牌), company-wide.
#[utoipa::path(get, path = "/api/v1/brands", tag = "party", params(YearQuery),
    responses((status = 200, body = [Brand]), (status = 422)))]
pub async fn api_brands(State(state): State<AppState>, Query(q): Query<YearQuery>) -> ApiResult<Vec<Brand>> {
    Ok(Json(actions::of_year(&state, q.year).await?.1))
}

/// Save this year's brand of a branch, with photos (multipart or a plain form).
pub async fn save(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    req: Request,
) -> AppResult<Redirect> {
    let (f, uploads): (BrandForm, _) = photos::form_with_photos(&state, req).await?;
    let brand = actions::save(&state, &p, &ctx, id, &f, uploads).await?;
    Ok(Redirect::to(&format!("/brands/{brand}?msg=saved")))
}
