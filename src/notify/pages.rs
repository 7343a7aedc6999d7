//! 通知 pages and API: my notifications, mark read.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Json,
    extract::State,
    response::{IntoResponse, Redirect},
};
use serde::{Deserialize, Serialize};

use super::{NotificationRow, mark_read, recent, store};
use crate::{
    app::AppState,
    auth::Auth,
    clock::fmt_datetime,
    error::{ApiResult, AppResult},
    web::{Chrome, MsgQuery},
};

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
        .map(|n| n.localize(ctx.lang))
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

pub struct GroupLine {
    pub group: &'static str,
    pub on: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "notify/settings.html")]
struct SettingsPage {
    c: Chrome,
    groups: Vec<GroupLine>,
}

/// Which notices I receive: each group that may be turned off, with a checkbox.
pub async fn settings(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    axum::extract::Query(m): axum::extract::Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let muted = store::mutes_of(&state.db.read, p.user_id).await?;
    let groups =
        super::model::GROUPS.iter().map(|(g, _)| GroupLine { group: g, on: !muted.iter().any(|m| m == g) }).collect();
    Ok(SettingsPage { c: Chrome::titled(&ctx, "notify.settings").with_msg(m.msg.as_deref()), groups })
}

/// Save them: every group not ticked is turned off (unknown names are ignored).
pub async fn save_settings(
    State(state): State<AppState>,
    Auth(p, _ctx): Auth,
    Form(f): Form<Vec<(String, String)>>,
) -> AppResult<Redirect> {
    let on: Vec<&str> = f.iter().filter(|(k, _)| k == "on").filter_map(|(_, v)| super::model::group(v)).collect();
    let off: Vec<&str> = super::model::GROUPS.iter().map(|(g, _)| *g).filter(|g| !on.contains(g)).collect();
    super::set_mutes(&state, p.user_id, &off).await?;
    Ok(Redirect::to("/notifications/settings?msg=saved"))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct NotificationList {
    pub unread: i64,
    pub items: Vec<NotificationRow>,
}

/// My notifications, newest first (100 at most).
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications",
    responses((status = 200, body = NotificationList), (status = 401)))]
pub async fn api_list(State(state): State<AppState>, Auth(p, ctx): Auth) -> ApiResult<NotificationList> {
    let items = recent(&state.db.read, p.user_id).await?.into_iter().map(|n| n.localize(ctx.lang)).collect();
    let unread = store::unread(&state.db.read, p.user_id).await?;
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
