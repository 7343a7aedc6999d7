//! Photos' rows (the files are in the blob store): any record's photo table, and requests' own.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{db, error::AppError, params, requests::photos::Owner};

pub async fn ids(conn: &impl ConnectionTrait, request_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(db::all::<db::IdRow>(
        conn,
        "SELECT id FROM request_photos WHERE request_id = $1 ORDER BY id",
        params![request_id],
    )
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect())
}

/// Name a stored file in the record's photo table.
pub async fn insert_photo(
    conn: &impl ConnectionTrait,
    owner: &Owner,
    key: &str,
    content_type: &str,
    size: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    db::exec(
        conn,
        &format!(
            "INSERT INTO {} ({}, object_key, content_type, size_bytes, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            owner.table, owner.column
        ),
        params![owner.id, key, content_type, size, user_id, now],
    )
    .await?;
    Ok(())
}

#[derive(FromQueryResult)]
pub struct PhotoRow {
    pub object_key: String,
    pub content_type: String,
}

pub async fn photo(conn: &impl ConnectionTrait, request_id: i64, photo: i64) -> Result<Option<PhotoRow>, AppError> {
    Ok(db::one(
        conn,
        "SELECT object_key, content_type FROM request_photos WHERE id = $1 AND request_id = $2",
        params![photo, request_id],
    )
    .await?)
}

pub async fn photo_count(conn: &impl ConnectionTrait, request_id: i64) -> Result<i64, AppError> {
    Ok(db::count(conn, "SELECT COUNT(*) AS n FROM request_photos WHERE request_id = $1", params![request_id]).await?)
}
