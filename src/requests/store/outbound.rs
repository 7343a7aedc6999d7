//! SQL for pushing referrals to a city's Open311 endpoint: the project's configuration, the categories'
//! service codes, and the push and poll state on the referral row (every change compare-and-set, so two
//! instances never send the same push).

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use crate::requests::model::PushState;
use crate::{db, error::AppError, params};

#[derive(Debug, Clone, FromQueryResult)]
pub struct OutboundRow {
    pub project_id: ProjectId,
    pub base_url: String,
    pub jurisdiction_id: Option<String>,
    pub api_key_sealed: Option<String>,
    pub enabled: bool,
    pub updated_at: DateTime<Utc>,
}

pub async fn config(conn: &impl ConnectionTrait, project: ProjectId) -> Result<Option<OutboundRow>, AppError> {
    Ok(db::one(
        conn,
        "SELECT project_id, base_url, jurisdiction_id, api_key_sealed, enabled, updated_at FROM open311_outbound WHERE project_id = $1",
        params![project],
    )
    .await?)
}

pub struct SaveConfig<'a> {
    pub project: ProjectId,
    pub base_url: &'a str,
    pub jurisdiction_id: Option<&'a str>,
    /// A new sealed key; `None` keeps the one stored.
    pub api_key_sealed: Option<&'a str>,
    pub enabled: bool,
    pub by: UserId,
}

pub async fn save_config(conn: &impl ConnectionTrait, c: &SaveConfig<'_>, now: DateTime<Utc>) -> Result<(), AppError> {
    let n = db::exec(
        conn,
        "UPDATE open311_outbound SET base_url = $1, jurisdiction_id = $2, api_key_sealed = COALESCE($3, api_key_sealed), \
         enabled = $4, updated_by = $5, updated_at = $6 WHERE project_id = $7",
        params![c.base_url, c.jurisdiction_id, c.api_key_sealed, c.enabled, c.by, now, c.project],
    )
    .await?
    .rows_affected();
    if n == 0 {
        db::exec(
            conn,
            "INSERT INTO open311_outbound (project_id, base_url, jurisdiction_id, api_key_sealed, enabled, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            params![c.project, c.base_url, c.jurisdiction_id, c.api_key_sealed, c.enabled, c.by, now],
        )
        .await?;
    }
    Ok(())
}

/// A category's service code on the city's side (`None` clears it). Only the project's own categories.
pub async fn set_service_code(
    conn: &impl ConnectionTrait,
    project: ProjectId,
    category: i64,
    code: Option<&str>,
) -> Result<u64, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE request_categories SET outside_service_code = $1 WHERE id = $2 AND project_id = $3",
        params![code, category, project],
    )
    .await?
    .rows_affected())
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct ServiceCode {
    pub category_id: i64,
    pub name: String,
    pub service_code: Option<String>,
}

pub async fn service_codes(conn: &impl ConnectionTrait, project: ProjectId) -> Result<Vec<ServiceCode>, AppError> {
    Ok(db::all(
        conn,
        "SELECT id AS category_id, name, outside_service_code AS service_code FROM request_categories WHERE project_id = $1 ORDER BY id",
        params![project],
    )
    .await?)
}

/// Queue a referral's push now (new, or requeued by staff after checking an unknown one).
pub async fn queue(
    conn: &impl ConnectionTrait,
    referral: i64,
    from: Option<PushState>,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE request_referrals SET push_state = 'queued', push_next_at = $1, push_error = NULL \
         WHERE id = $2 AND (push_state = $3 OR ($3 IS NULL AND push_state IS NULL))",
        params![now, referral, from.map(|s| s.as_str())],
    )
    .await?
    .rows_affected())
}

/// A push that is due, with what the city needs to file it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct PushDue {
    pub id: i64,
    pub request_id: i64,
    pub project_id: ProjectId,
    pub project_name: String,
    pub push_attempts: i32,
    pub service_code: Option<String>,
    pub description: String,
    /// The public spot, or the building (never the room) of a home.
    pub spot: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
}

pub async fn due_pushes(conn: &impl ConnectionTrait, now: DateTime<Utc>, limit: u64) -> Result<Vec<PushDue>, AppError> {
    Ok(db::all(
        conn,
        &format!(
            "SELECT f.id, f.request_id, f.project_id, pr.name AS project_name, f.push_attempts, \
             c.outside_service_code AS service_code, r.description, COALESCE(r.location_text, b.name) AS spot, r.lat, r.lng \
             FROM request_referrals f JOIN requests r ON r.id = f.request_id JOIN request_categories c ON c.id = r.category_id \
             JOIN org_nodes pr ON pr.id = f.project_id LEFT JOIN org_nodes b ON b.id = r.building_id \
             WHERE f.push_state = 'queued' AND f.push_next_at <= $1 ORDER BY f.push_next_at, f.id LIMIT {limit}"
        ),
        params![now],
    )
    .await?)
}

/// Take a due push for this instance until `lease_until`; `false` if another instance took it.
pub async fn claim_push(
    conn: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE request_referrals SET push_state = 'sending', push_lease_until = $1 \
         WHERE id = $2 AND push_state = 'queued' AND push_next_at <= $3",
        params![lease_until, id, now],
    )
    .await?
    .rows_affected()
        == 1)
}

pub struct PushDone<'a> {
    pub id: i64,
    pub state: PushState,
    pub error: Option<&'a str>,
    pub remote_id: Option<&'a str>,
    pub remote_token: Option<&'a str>,
    pub next_at: Option<DateTime<Utc>>,
}

/// Record how a claimed push ended (only while it is still this instance's `sending`).
pub async fn finish_push(conn: &impl ConnectionTrait, d: &PushDone<'_>) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE request_referrals SET push_state = $1, push_error = $2, remote_id = COALESCE($3, remote_id), \
         remote_token = COALESCE($4, remote_token), push_next_at = COALESCE($5, push_next_at), \
         push_attempts = push_attempts + 1, push_lease_until = NULL WHERE id = $6 AND push_state = 'sending'",
        params![d.state.as_str(), d.error, d.remote_id, d.remote_token, d.next_at, d.id],
    )
    .await?
    .rows_affected()
        == 1)
}

/// Settle an unknown push: queued again now, or sent with the ticket number staff found.
pub async fn settle(
    conn: &impl ConnectionTrait,
    id: i64,
    to: PushState,
    remote_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE request_referrals SET push_state = $1, remote_id = COALESCE($2, remote_id), push_next_at = $3,          push_error = NULL, polled_at = NULL WHERE id = $4 AND push_state = 'unknown'",
        params![to.as_str(), remote_id, now, id],
    )
    .await?
    .rows_affected())
}

/// Pushes whose instance stopped mid-send: they may have been filed, so they wait for a person.
pub async fn expire_leases(conn: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE request_referrals SET push_state = 'unknown', push_lease_until = NULL, \
         push_error = '推送中断（实例停止），是否已送达未知，请与城市平台核实' \
         WHERE push_state = 'sending' AND push_lease_until < $1",
        params![now],
    )
    .await?
    .rows_affected())
}

/// A pushed referral to ask the city about.
#[derive(Debug, Clone, FromQueryResult)]
pub struct PollDue {
    pub id: i64,
    pub project_id: ProjectId,
    pub remote_id: Option<String>,
    pub remote_token: Option<String>,
    pub remote_status: Option<String>,
}

pub async fn due_polls(
    conn: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<PollDue>, AppError> {
    Ok(db::all(
        conn,
        &format!(
            "SELECT id, project_id, remote_id, remote_token, remote_status FROM request_referrals \
             WHERE push_state = 'sent' AND state IN ('sent', 'accepted', 'asked_back') \
             AND (polled_at IS NULL OR polled_at < $1) ORDER BY id LIMIT {limit}"
        ),
        params![cutoff],
    )
    .await?)
}

/// Take a poll for this instance (the same compare-and-set on `polled_at`).
pub async fn claim_poll(
    conn: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
    cutoff: DateTime<Utc>,
) -> Result<bool, AppError> {
    Ok(db::exec(
        conn,
        "UPDATE request_referrals SET polled_at = $1 WHERE id = $2 AND (polled_at IS NULL OR polled_at < $3)",
        params![now, id, cutoff],
    )
    .await?
    .rows_affected()
        == 1)
}

pub async fn set_remote(
    conn: &impl ConnectionTrait,
    id: i64,
    remote_id: Option<&str>,
    remote_status: Option<&str>,
) -> Result<(), AppError> {
    db::exec(
        conn,
        "UPDATE request_referrals SET remote_id = COALESCE($1, remote_id), remote_status = COALESCE($2, remote_status) WHERE id = $3",
        params![remote_id, remote_status, id],
    )
    .await?;
    Ok(())
}

/// The push columns of one referral, for its pages.
#[derive(Debug, Clone, Default, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct PushInfo {
    pub push_state: Option<PushState>,
    pub push_attempts: i32,
    pub push_next_at: Option<DateTime<Utc>>,
    pub push_error: Option<String>,
    pub remote_id: Option<String>,
    pub remote_status: Option<String>,
}

pub async fn push_info(conn: &impl ConnectionTrait, referral: i64) -> Result<PushInfo, AppError> {
    Ok(db::one(
        conn,
        "SELECT push_state, push_attempts, push_next_at, push_error, remote_id, remote_status FROM request_referrals WHERE id = $1",
        params![referral],
    )
    .await?
    .unwrap_or_default())
}
