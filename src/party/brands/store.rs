//! Brands' SQL.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use crate::{db, error::AppError, params, requests::photos::Owner};

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Brand {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    /// The org node the branch is attached to (the project).
    pub node_name: String,
    pub year: i32,
    pub name: String,
    pub motto: Option<String>,
    /// The signature project (特色项目).
    pub signature: Option<String>,
    pub story: Option<String>,
}

const SELECT: &str = "SELECT b.id, b.org_id, o.name AS org_name, n.name AS node_name, b.year, b.name, b.motto, b.signature, b.story \
     FROM party_brands b JOIN party_orgs o ON o.id = b.org_id JOIN org_nodes n ON n.id = o.node_id";

pub fn photos_of(brand: i64) -> Owner {
    Owner { table: "party_brand_photos", column: "brand_id", id: brand, prefix: "brands" }
}

pub async fn one(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Brand>, AppError> {
    Ok(db::one(conn, &format!("{SELECT} WHERE b.id = $1"), params![id]).await?)
}

/// A branch's latest brand up to a year.
pub async fn latest_of_org(conn: &impl ConnectionTrait, org: i64, year: i32) -> Result<Option<Brand>, AppError> {
    Ok(db::one(
        conn,
        &format!("{SELECT} WHERE b.org_id = $1 AND b.year <= $2 ORDER BY b.year DESC LIMIT 1"),
        params![org, year],
    )
    .await?)
}

/// The latest year up to this one with any brand.
pub async fn latest_year(conn: &impl ConnectionTrait, year: i32) -> Result<Option<i32>, AppError> {
    #[derive(FromQueryResult)]
    struct Y {
        year: Option<i32>,
    }
    let y: Option<Y> =
        db::one(conn, "SELECT MAX(year) AS year FROM party_brands WHERE year <= $1", params![year]).await?;
    Ok(y.and_then(|y| y.year))
}

/// A year's brands, by project.
pub async fn of_year(conn: &impl ConnectionTrait, year: i32) -> Result<Vec<Brand>, AppError> {
    Ok(db::all(conn, &format!("{SELECT} WHERE b.year = $1 ORDER BY n.name, b.id"), params![year]).await?)
}

pub struct NewBrand<'a> {
    pub org_id: i64,
    pub year: i32,
    pub name: &'a str,
    pub motto: Option<&'a str>,
    pub signature: Option<&'a str>,
    pub story: Option<&'a str>,
}

/// Write a branch's brand for a year (one per branch and year: a second save rewrites it). Returns its id.
pub async fn save(
    conn: &impl ConnectionTrait,
    b: &NewBrand<'_>,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(db::insert_id(
        conn,
        "INSERT INTO party_brands (org_id, year, name, motto, signature, story, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (org_id, year) DO UPDATE SET name = excluded.name, motto = excluded.motto, \
         signature = excluded.signature, story = excluded.story, updated_by = excluded.updated_by, updated_at = excluded.updated_at \
         RETURNING id",
        params![b.org_id, b.year, b.name, b.motto, b.signature, b.story, by, now],
    )
    .await?)
}
