//! In-app notifications: a row per recipient user, written in the same transaction as the event that
//! causes it (an escalation, a dispatch, a finished request, a promotion from a wait list…). The unread
//! count rides on the principal query, so every page's navigation shows it without another round trip.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Json,
    extract::State,
    response::{IntoResponse, Redirect},
};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::{Deserialize, Serialize};

use crate::{
    app::AppState,
    auth::Auth,
    clock::fmt_datetime,
    db,
    error::{ApiResult, AppResult},
    params,
    web::{Chrome, MsgQuery},
};

pub struct Note<'a> {
    pub kind: &'a str,
    pub title: String,
    pub link: Option<String>,
}

/// Notify these users (duplicates ignored).
pub async fn to_users(
    conn: &impl ConnectionTrait,
    users: &[i64],
    n: &Note<'_>,
    now: DateTime<Utc>,
) -> Result<usize, sea_orm::DbErr> {
    let mut seen = Vec::new();
    for u in users {
        if seen.contains(u) {
            continue;
        }
        seen.push(*u);
        let title: String = n.title.chars().take(200).collect();
        db::exec(
            conn,
            "INSERT INTO notifications (user_id, at, kind, title, link) VALUES ($1, $2, $3, $4, $5)",
            params![*u, now, n.kind, title, n.link.clone()],
        )
        .await?;
    }
    Ok(seen.len())
}

/// The active user accounts of a person (usually one).
pub async fn users_of_person(conn: &impl ConnectionTrait, person_id: i64) -> Result<Vec<i64>, sea_orm::DbErr> {
    Ok(db::all::<db::IdRow>(
        conn,
        "SELECT id FROM users WHERE person_id = $1 AND is_active = $2",
        params![person_id, true],
    )
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect())
}

/// Users holding `role` with `post` (any post when `None`) at the project itself.
pub async fn project_staff_users(
    conn: &impl ConnectionTrait,
    project_id: i64,
    post: Option<&str>,
) -> Result<Vec<i64>, sea_orm::DbErr> {
    Ok(db::all::<db::IdRow>(
        conn,
        "SELECT DISTINCT u.id FROM role_assignments r JOIN users u ON u.person_id = r.person_id \
         WHERE r.role = 'staff' AND r.node_id = $1 AND ($2 IS NULL OR r.post = $2) AND u.is_active = $3 ORDER BY u.id",
        params![project_id, post, true],
    )
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect())
}

/// Users with a staff or company-admin role at the branch company above the project.
pub async fn branch_users(conn: &impl ConnectionTrait, project_id: i64) -> Result<Vec<i64>, sea_orm::DbErr> {
    Ok(db::all::<db::IdRow>(
        conn,
        "SELECT DISTINCT u.id FROM org_nodes p JOIN org_nodes b ON b.kind = 'branch' AND p.path LIKE b.path || '%' \
         JOIN role_assignments r ON r.node_id = b.id AND r.role IN ('staff','company_admin') \
         JOIN users u ON u.person_id = r.person_id WHERE p.id = $1 AND u.is_active = $2 ORDER BY u.id",
        params![project_id, true],
    )
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect())
}

#[derive(Debug, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct NotificationRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub title: String,
    pub link: Option<String>,
    pub read_at: Option<DateTime<Utc>>,
}

pub async fn recent(conn: &impl ConnectionTrait, user_id: i64) -> Result<Vec<NotificationRow>, sea_orm::DbErr> {
    db::all(
        conn,
        "SELECT id, at, kind, title, link, read_at FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT 100",
        params![user_id],
    )
    .await
}

async fn mark_read(state: &AppState, user_id: i64, only: Option<i64>) -> Result<u64, sea_orm::DbErr> {
    let now = state.clock.now();
    Ok(db::exec(
        &state.db.write,
        "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL AND ($3 IS NULL OR id = $3)",
        params![now, user_id, only],
    )
    .await?
    .rows_affected())
}

/// Opening the page a notification points to reads it (only written when the user has unread ones).
/// Returns the user's unread count afterwards.
pub async fn read_link(state: &AppState, p: &crate::auth::Principal, link: &str) -> Result<i64, sea_orm::DbErr> {
    if p.unread == 0 {
        return Ok(0);
    }
    let n = db::exec(
        &state.db.write,
        "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND link = $3 AND read_at IS NULL",
        params![state.clock.now(), p.user_id, link],
    )
    .await?
    .rows_affected();
    Ok((p.unread - n as i64).max(0))
}

pub struct Line {
    pub id: i64,
    pub at: String,
    pub title: String,
    pub link: String,
    pub unread: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "notify/list.html")]
struct ListPage {
    c: Chrome,
    lines: Vec<Line>,
}

pub async fn page(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    axum::extract::Query(m): axum::extract::Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let lines = recent(&state.db.read, p.user_id)
        .await?
        .into_iter()
        .map(|n| Line {
            id: n.id,
            at: fmt_datetime(n.at),
            title: n.title,
            link: n.link.unwrap_or_default(),
            unread: n.read_at.is_none(),
        })
        .collect();
    Ok(ListPage { c: Chrome::titled(&ctx, "nav.notifications").with_msg(m.msg.as_deref()), lines })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReadForm {
    /// One notification; empty marks all as read.
    pub id: String,
}

pub async fn read(State(state): State<AppState>, Auth(p, _ctx): Auth, Form(f): Form<ReadForm>) -> AppResult<Redirect> {
    mark_read(&state, p.user_id, f.id.trim().parse().ok()).await?;
    Ok(Redirect::to("/notifications?msg=saved"))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct NotificationList {
    pub unread: i64,
    pub items: Vec<NotificationRow>,
}

/// My notifications, newest first (100 at most).
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications",
    responses((status = 200, body = NotificationList), (status = 401)))]
pub async fn api_list(State(state): State<AppState>, Auth(p, _ctx): Auth) -> ApiResult<NotificationList> {
    let items = recent(&state.db.read, p.user_id).await?;
    let unread = db::count(
        &state.db.read,
        "SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL",
        params![p.user_id],
    )
    .await?;
    Ok(Json(NotificationList { unread, items }))
}

#[derive(Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct ReadBody {
    /// One notification; absent marks all as read.
    pub id: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ReadResult {
    pub marked: u64,
}

/// Mark one or all of my notifications as read.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "notifications", request_body = ReadBody,
    responses((status = 200, body = ReadResult), (status = 401)))]
pub async fn api_read(
    State(state): State<AppState>,
    Auth(p, _ctx): Auth,
    Json(b): Json<ReadBody>,
) -> ApiResult<ReadResult> {
    Ok(Json(ReadResult { marked: mark_read(&state, p.user_id, b.id).await? }))
}

pub fn routes() -> Vec<crate::access::RouteDef> {
    use axum::routing::{get, post};

    use crate::{access::RouteDef, auth::model::Access};
    vec![
        RouteDef::new("GET", "/notifications", Access::Authenticated, get(page)),
        RouteDef::new("POST", "/notifications/read", Access::Authenticated, post(read)),
        RouteDef::new("GET", "/api/v1/notifications", Access::Authenticated, get(api_list)),
        RouteDef::new("POST", "/api/v1/notifications/read", Access::Authenticated, post(api_read)),
    ]
}
