//! Brands' use cases: saving a branch's brand for this year with its photos (those who record the
//! branch's meetings), and the public pages' reads.

use chrono::Datelike;
use sea_orm::TransactionTrait;

use super::store::{self, Brand, NewBrand};
use crate::{
    app::AppState,
    audit::Entry,
    auth::{Ctx, Principal},
    error::{AppError, AppResult, FieldError},
    party::{actions::open, meetings::actions::may_record},
    requests::{photos, store::photos as photo_store},
};

/// At most this many photos per brand.
pub const MAX_PHOTOS: usize = 6;

#[derive(Default, Clone, Debug, serde::Deserialize)]
#[serde(default)]
pub struct BrandForm {
    pub name: String,
    pub motto: String,
    pub signature: String,
    pub story: String,
}

/// Save the branch's brand for this year, with new photos: checked, then one transaction; stored photos
/// are removed again if it fails.
pub async fn save(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    org_id: i64,
    f: &BrandForm,
    uploads: Vec<photos::Upload>,
) -> AppResult<i64> {
    let a = open(state, p, org_id).await?;
    if !may_record(state, p, &a).await? {
        return Err(AppError::forbidden());
    }
    if !a.org.kind().holds_members() {
        return Err(AppError::conflict("not_a_branch", "品牌由党支部创建", "A brand belongs to a branch"));
    }
    let mut errors = Vec::new();
    let text = |s: &str| crate::text::normalize(s);
    let (name, motto, signature) = (text(&f.name), text(&f.motto), text(&f.signature));
    let story = f.story.trim().to_string();
    if name.is_empty() || name.chars().count() > 40 {
        errors.push(FieldError::new("name", "请填写品牌名称（不超过40字）"));
    }
    if motto.chars().count() > 60 {
        errors.push(FieldError::new("motto", "口号不超过60字"));
    }
    if signature.chars().count() > 100 {
        errors.push(FieldError::new("signature", "特色项目不超过100字"));
    }
    if story.chars().count() > 3000 {
        errors.push(FieldError::new("story", "介绍不超过3000字"));
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let year = state.clock.today().year();
    let now = state.clock.now();
    let some = |s: &str| (!s.is_empty()).then_some(s.to_string());
    let (motto, signature, story) = (some(&motto), some(&signature), some(&story));
    let tx = state.db.write.begin().await?;
    let id = store::save(
        &tx,
        &NewBrand {
            org_id: a.org.id,
            year,
            name: &name,
            motto: motto.as_deref(),
            signature: signature.as_deref(),
            story: story.as_deref(),
        },
        Some(p.user_id.get()),
        now,
    )
    .await?;
    let owner = store::photos_of(id);
    let have = photo_store::count_of(&tx, &owner).await? as usize;
    if have + uploads.len() > MAX_PHOTOS {
        return Err(AppError::conflict(
            "too_many_photos",
            format!("品牌照片最多{MAX_PHOTOS}张，已有{have}张"),
            "Too many photos for this brand",
        ));
    }
    let added = uploads.len();
    photos::commit_with_photos(
        state,
        tx,
        ctx,
        (owner, uploads),
        p.user_id,
        now,
        Entry {
            action: "update",
            entity: "party_brand",
            entity_id: Some(id),
            project_id: a.node.project_id,
            summary: format!(
                "「{}」{year}年品牌「{name}」{}",
                a.org.name,
                if added > 0 { format!("，照片{added}张") } else { String::new() }
            ),
        },
    )
    .await?;
    Ok(id)
}

/// A brand and its photo ids, for anyone.
pub async fn public(state: &AppState, id: i64) -> AppResult<(Brand, Vec<i64>)> {
    let b = store::one(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    let photos = photo_store::ids_of(&state.db.read, &store::photos_of(id)).await?;
    Ok((b, photos))
}

/// A branch's latest brand (this year's, or the last one it made), if any.
pub async fn current(state: &AppState, org: i64) -> AppResult<Option<Brand>> {
    store::latest_of_org(&state.db.read, org, state.clock.today().year()).await
}

/// A year's brands (the company's list for the year's 创建 campaign); the year must be sensible.
pub async fn of_year(state: &AppState, year: Option<i32>) -> AppResult<(i32, Vec<Brand>)> {
    let this = state.clock.today().year();
    let year = match year {
        None => store::latest_year(&state.db.read, this).await?.unwrap_or(this),
        Some(y) if (2000..=this + 1).contains(&y) => y,
        Some(_) => return Err(AppError::field("year", "年份无效")),
    };
    Ok((year, store::of_year(&state.db.read, year).await?))
}

/// A brand's photo, for anyone.
pub async fn photo(state: &AppState, brand: i64, photo: i64) -> AppResult<axum::response::Response> {
    photos::serve_of(state, &store::photos_of(brand), photo).await
}
