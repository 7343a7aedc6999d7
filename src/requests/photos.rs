//! Request photos: checked by content (JPEG, PNG, WebP), size-limited, kept in the blob store under a
//! random key, and served only to those who may read the request.

use crate::ids::*;
use axum::{
    body::Body,
    extract::{FromRequest, Multipart, Path, Request, State as AxState},
    http::{StatusCode, header},
    response::Response,
};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, TransactionTrait};

use super::{actions, store};
use crate::{
    app::AppState,
    auth::Auth,
    blob::{self, ImageKind, PhotoError},
    error::{AppError, AppResult},
};

/// Photos accepted in one submission, and kept per request.
pub const PER_UPLOAD: usize = 3;
pub const PER_REQUEST: usize = 9;

pub struct Upload {
    pub kind: ImageKind,
    pub bytes: Vec<u8>,
}

fn photo_error(e: PhotoError, max: usize) -> AppError {
    match e {
        PhotoError::TooLarge => AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "photo_too_large",
            format!("照片过大：每张最大 {} MB", max / (1024 * 1024)),
            "Photo too large",
        ),
        PhotoError::TooManyPixels => AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "photo_too_many_pixels",
            format!("照片像素过多：最多 {} 万像素", blob::MAX_PIXELS / 10_000),
            "The photo has too many pixels",
        ),
        PhotoError::Empty | PhotoError::NotAnImage => AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "photo_not_image",
            "只能上传 JPEG、PNG 或 WebP 格式的照片",
            "Only JPEG, PNG or WebP photos are accepted",
        ),
    }
}

fn too_many() -> AppError {
    AppError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "too_many_photos",
        format!("一次最多上传 {PER_UPLOAD} 张照片"),
        "Too many photos",
    )
}

/// Check every file and re-encode it (upright, scaled, without EXIF) before anything is written, off
/// the async workers.
pub async fn check_all(state: &AppState, files: Vec<Vec<u8>>, max: usize) -> AppResult<Vec<Upload>> {
    if files.len() > PER_UPLOAD {
        return Err(too_many());
    }
    if files.is_empty() {
        return Ok(vec![]);
    }
    state
        .heavy
        .run(move || {
            files
                .iter()
                .map(|b| blob::prepare_photo(b, max).map(|(kind, bytes)| Upload { kind, bytes }))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?
        .map_err(|e| photo_error(e, max))
}

/// A form sent as multipart: its text fields and its `photo` files (empty file inputs are skipped).
pub struct MultipartForm {
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// Every text field in order, repeated names kept (checkbox lists).
    pub pairs: Vec<(String, String)>,
    pub files: Vec<Vec<u8>>,
}

pub async fn read_multipart(mut mp: Multipart, max: usize) -> AppResult<MultipartForm> {
    let mut fields = serde_json::Map::new();
    let mut pairs = Vec::new();
    let mut files = Vec::new();
    let bad = || AppError::bad_request("bad_upload", "上传内容无法解析，请重试", "Malformed upload");
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(photo_error(PhotoError::TooLarge, max));
            }
            Err(_) => return Err(bad()),
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "photo" {
            let has_name = field.file_name().is_some_and(|n| !n.is_empty());
            let bytes = field.bytes().await.map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE { photo_error(PhotoError::TooLarge, max) } else { bad() }
            })?;
            if bytes.is_empty() && !has_name {
                continue; // an untouched file input
            }
            if files.len() >= PER_UPLOAD {
                return Err(too_many());
            }
            files.push(bytes.to_vec());
        } else {
            let text = field.text().await.map_err(|_| bad())?;
            if text.len() > 10_000 {
                return Err(bad());
            }
            if crate::web::input::check_value(&text).is_err() || crate::web::input::check_value(&name).is_err() {
                return Err(AppError::bad_request(
                    "bad_characters",
                    "输入中含有无效的控制字符，请删除后重试",
                    "The input contains control characters",
                ));
            }
            if pairs.len() >= 500 {
                return Err(bad());
            }
            pairs.push((name.clone(), text.clone()));
            fields.insert(name, serde_json::Value::String(text));
        }
    }
    Ok(MultipartForm { fields, pairs, files })
}

/// Read a form that may come as `application/x-www-form-urlencoded` or as multipart with photos.
/// A form and its photo files, unchecked (the caller checks them with [`check_all`], so that a refused
/// photo can come back beside the form with the rest of what was typed).
pub async fn form_and_files<T: serde::de::DeserializeOwned + Default>(
    state: &AppState,
    req: Request,
) -> AppResult<(T, Vec<Vec<u8>>)> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let max = state.config.max_photo_bytes;
    if multipart {
        let mp = Multipart::from_request(req, state)
            .await
            .map_err(|_| AppError::bad_request("bad_upload", "上传内容无法解析，请重试", "Malformed upload"))?;
        let f = read_multipart(mp, max).await?;
        let form: T = serde_json::from_value(serde_json::Value::Object(f.fields))
            .map_err(|_| AppError::bad_request("bad_form", "表单内容无效", "Invalid form"))?;
        Ok((form, f.files))
    } else {
        let axum::Form(form) = axum::Form::<T>::from_request(req, state)
            .await
            .map_err(|_| AppError::bad_request("bad_form", "表单内容无效", "Invalid form"))?;
        Ok((form, vec![]))
    }
}

/// A form's pairs in order (repeated names kept: checkbox lists) and its checked photos, from a plain
/// form or multipart.
pub async fn pairs_with_photos(state: &AppState, req: Request) -> AppResult<(Vec<(String, String)>, Vec<Upload>)> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let max = state.config.max_photo_bytes;
    if multipart {
        let mp = Multipart::from_request(req, state)
            .await
            .map_err(|_| AppError::bad_request("bad_upload", "上传内容无法解析，请重试", "Malformed upload"))?;
        let f = read_multipart(mp, max).await?;
        Ok((f.pairs, check_all(state, f.files, max).await?))
    } else {
        let axum::Form(pairs) = axum::Form::<Vec<(String, String)>>::from_request(req, state)
            .await
            .map_err(|_| AppError::bad_request("bad_form", "表单内容无效", "Invalid form"))?;
        Ok((pairs, vec![]))
    }
}

pub async fn form_with_photos<T: serde::de::DeserializeOwned + Default>(
    state: &AppState,
    req: Request,
) -> AppResult<(T, Vec<Upload>)> {
    let (form, files) = form_and_files(state, req).await?;
    Ok((form, check_all(state, files, state.config.max_photo_bytes).await?))
}

/// Put the photos in the blob store, then name them in the request's rows (inside the caller's
/// transaction). The keys written are pushed to `keys`, so the caller can remove them if the transaction
/// does not commit.
pub async fn save(
    state: &AppState,
    conn: &impl ConnectionTrait,
    request_id: i64,
    uploads: Vec<Upload>,
    user_id: UserId,
    now: DateTime<Utc>,
    keys: &mut Vec<String>,
) -> AppResult<()> {
    save_for(state, conn, &Owner::request(request_id), uploads, user_id, now, keys).await
}

/// The record photos belong to: its photo table (with `object_key, content_type, size_bytes,
/// uploaded_by, created_at`), the column naming the record, and the blob key prefix.
pub struct Owner {
    pub table: &'static str,
    pub column: &'static str,
    pub id: i64,
    pub prefix: &'static str,
}

impl Owner {
    /// A request's photos.
    pub fn request(id: i64) -> Self {
        Owner { table: "request_photos", column: "request_id", id, prefix: "requests" }
    }
    /// An activity date's 活动纪实 photos.
    pub fn writeup(occurrence_id: OccurrenceId) -> Self {
        Owner { table: "writeup_photos", column: "occurrence_id", id: occurrence_id.into(), prefix: "writeups" }
    }
}

/// Serve one photo of a record (404 when the photo is not that record's). The caller has checked that
/// the reader may see the record.
pub async fn serve_of(state: &AppState, owner: &Owner, photo: i64) -> AppResult<Response> {
    let row = store::photos::photo_of(&state.db.read, owner, photo).await?.ok_or_else(AppError::not_found)?;
    serve(state, &row.object_key, &row.content_type).await
}

/// `save` for any record with a photo table.
pub async fn save_for(
    state: &AppState,
    conn: &impl ConnectionTrait,
    owner: &Owner,
    uploads: Vec<Upload>,
    user_id: UserId,
    now: DateTime<Utc>,
    keys: &mut Vec<String>,
) -> AppResult<()> {
    for u in uploads {
        let key = format!("{}/{}/{}", owner.prefix, owner.id, uuid::Uuid::new_v4().simple());
        let size = u.bytes.len() as i64;
        state.blobs.put(&key, u.bytes).await?;
        keys.push(key.clone());
        store::photos::insert_photo(conn, owner, &key, u.kind.content_type(), size, user_id, now).await?;
    }
    Ok(())
}

/// A stored photo as a response (the caller has checked who may see it).
pub async fn serve(state: &AppState, object_key: &str, content_type: &str) -> AppResult<Response> {
    let kind = ImageKind::from_content_type(content_type).ok_or_else(|| AppError::internal("photo type"))?;
    let bytes = state.blobs.get(object_key).await?;
    Response::builder()
        .header(header::CONTENT_TYPE, kind.content_type())
        .header(header::CACHE_CONTROL, "private, max-age=86400")
        .header(header::CONTENT_DISPOSITION, "inline")
        .body(Body::from(bytes))
        .map_err(AppError::internal)
}

/// What every photo form does at its end, in one place: put the photos in the blob store and name them
/// in the record's rows inside the caller's transaction, then commit it with its audit line; if
/// anything fails, the photos written are removed again and nothing is left half-done.
pub async fn commit_with_photos(
    state: &AppState,
    tx: sea_orm::DatabaseTransaction,
    ctx: &crate::auth::Ctx,
    (owner, uploads): (Owner, Vec<Upload>),
    user_id: UserId,
    now: DateTime<Utc>,
    entry: crate::audit::Entry<'_>,
) -> AppResult<()> {
    let mut keys = Vec::new();
    let result = async {
        save_for(state, &tx, &owner, uploads, user_id, now, &mut keys).await?;
        crate::audit::commit(tx, ctx, now, entry).await?;
        Ok::<_, AppError>(())
    }
    .await;
    if result.is_err() {
        discard(state, &keys).await;
    }
    result
}

pub async fn discard(state: &AppState, keys: &[String]) {
    for k in keys {
        state.blobs.delete(k).await;
    }
}

pub use super::store::photos::ids;

/// `GET /requests/{id}/photos/{photo}`: only for those who may read the request.
pub async fn get(
    AxState(state): AxState<AppState>,
    Auth(p, _ctx): Auth,
    Path((id, photo)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let r = store::request(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    if !actions::readable(&p, &r) {
        return Err(AppError::not_found());
    }
    serve_of(&state, &Owner::request(id), photo).await
}

/// Add photos to a request (the reporter, its handler or project staff), up to `PER_REQUEST` in all.
pub async fn add_checked(
    state: &AppState,
    p: &crate::auth::Principal,
    id: i64,
    uploads: Vec<Upload>,
) -> AppResult<usize> {
    let r = store::request(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    if !actions::readable(p, &r) {
        return Err(AppError::not_found());
    }
    if actions::actors(p, &r).is_empty() {
        return Err(AppError::forbidden());
    }
    if uploads.is_empty() {
        return Err(AppError::field("photo", "请选择照片"));
    }
    let n = uploads.len();
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let have = store::photos::count_of(&tx, &Owner::request(id)).await? as usize;
    if have + n > PER_REQUEST {
        return Err(AppError::conflict(
            "too_many_photos",
            format!("每条诉求最多 {PER_REQUEST} 张照片"),
            "Too many photos for this request",
        ));
    }
    let mut keys = Vec::new();
    let saved = save(state, &tx, id, uploads, p.user_id, now, &mut keys).await;
    let committed = match saved {
        Ok(()) => tx.commit().await.map_err(AppError::from),
        Err(e) => Err(e),
    };
    if let Err(e) = committed {
        discard(state, &keys).await;
        return Err(e);
    }
    Ok(n)
}

pub async fn add(
    AxState(state): AxState<AppState>,
    Auth(p, _ctx): Auth,
    Path(id): Path<i64>,
    req: Request,
) -> AppResult<axum::response::Redirect> {
    let (_f, uploads): (std::collections::HashMap<String, String>, _) = form_with_photos(&state, req).await?;
    add_checked(&state, &p, id, uploads).await?;
    Ok(axum::response::Redirect::to(&format!("/requests/{id}?msg=saved")))
}

pub async fn api_add(
    AxState(state): AxState<AppState>,
    Auth(p, _ctx): Auth,
    Path(id): Path<i64>,
    req: Request,
) -> Result<axum::Json<super::api::PhotosAdded>, crate::error::ApiError> {
    let (_f, uploads): (std::collections::HashMap<String, String>, _) = form_with_photos(&state, req).await?;
    let added = add_checked(&state, &p, id, uploads).await?;
    Ok(axum::Json(super::api::PhotosAdded {
        added,
        photos: ids(&state.db.read, id).await?.into_iter().map(|pid| url(id, pid)).collect(),
    }))
}

pub fn url(request_id: i64, photo_id: i64) -> String {
    format!("/requests/{request_id}/photos/{photo_id}")
}
