//! Photos' rows (the files are in the blob store): any record's photo table, and requests' own.

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{db, error::AppError, params, requests::photos::Owner};

/// The ids of a record's photos, oldest first.
pub async fn ids_of(conn: &impl ConnectionTrait, owner: &Owner) -> Result<Vec<i64>, AppError> {
    Ok(db::all::<db::IdRow>(
        conn,
        &format!("SELECT id FROM {} WHERE {} = $1 ORDER BY id", owner.table, owner.column),
        params![owner.id],
    )
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect())
}

pub async fn ids(conn: &impl ConnectionTrait, request_id: i64) -> Result<Vec<i64>, AppError> {
    ids_of(conn, &Owner::request(request_id)).await
}

/// Name a stored file in the record's photo table.
pub async fn insert_photo(
    conn: &impl ConnectionTrait,
    owner: &Owner,
    key: &str,
    content_type: &str,
    size: i64,
    user_id: UserId,
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

/// One photo of a record (none when it belongs to another record).
pub async fn photo_of(conn: &impl ConnectionTrait, owner: &Owner, photo: i64) -> Result<Option<PhotoRow>, AppError> {
    Ok(db::one(
        conn,
        &format!("SELECT object_key, content_type FROM {} WHERE id = $1 AND {} = $2", owner.table, owner.column),
        params![photo, owner.id],
    )
    .await?)
}

/// How many photos a record has.
pub async fn count_of(conn: &impl ConnectionTrait, owner: &Owner) -> Result<i64, AppError> {
    Ok(db::count(
        conn,
        &format!("SELECT COUNT(*) AS n FROM {} WHERE {} = $1", owner.table, owner.column),
        params![owner.id],
    )
    .await?)
}
