//! User administration's pages: the list, and the forms that call the use cases.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect},
};
use serde::Deserialize;

use super::actions::{self, NewUserForm, UserLine};
use crate::{
    app::AppState,
    auth::AdminUser,
    error::AppResult,
    web::{Chrome, MsgQuery},
};

#[derive(Template, WebTemplate)]
#[template(path = "admin/users.html")]
struct UsersPage {
    c: Chrome,
    users: Vec<UserLine>,
    now: chrono::DateTime<chrono::Utc>,
}

impl UsersPage {
    /// Locked out by failed log-ins until a time still to come.
    fn locked(&self, u: &UserLine) -> bool {
        u.locked_until.is_some_and(|t| t > self.now)
    }
}

pub async fn users_page(
    State(state): State<AppState>,
    AdminUser(p, ctx): AdminUser,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let now = state.clock.now();
    let users = actions::managed_users(&state.db.read, &p).await?;
    Ok(UsersPage { c: Chrome::titled(&ctx, "users.title").with_msg(m.msg.as_deref()), users, now })
}

pub async fn create_user(
    State(state): State<AppState>,
    AdminUser(p, ctx): AdminUser,
    Form(f): Form<NewUserForm>,
) -> AppResult<Redirect> {
    actions::create_user_checked(&state, Some((&p, &ctx)), f).await?;
    Ok(Redirect::to("/admin/users?msg=user_created"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResetForm {
    pub password: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    AdminUser(p, ctx): AdminUser,
    Path(id): Path<i64>,
    Form(f): Form<ResetForm>,
) -> AppResult<Redirect> {
    actions::reset_password_checked(&state, &p, &ctx, id, f.password).await?;
    Ok(Redirect::to("/admin/users?msg=password_reset"))
}

pub async fn unlock(
    State(state): State<AppState>,
    AdminUser(p, ctx): AdminUser,
    Path(id): Path<i64>,
) -> AppResult<Redirect> {
    actions::unlock_checked(&state, &p, &ctx, id).await?;
    Ok(Redirect::to("/admin/users?msg=unlocked"))
}
