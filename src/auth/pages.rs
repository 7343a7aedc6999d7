//! Log-in, log-out, the account page (password change, display preferences, API tokens).

use crate::ids::*;
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Json,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::{DateTime, Utc};
use sea_orm::FromQueryResult;
use serde::{Deserialize, Serialize};

use super::{Auth, Ctx, SESSION_COOKIE, actions, set_cookie, sha256_hex, store};
use crate::{
    access::RouteDef,
    app::AppState,
    auth::model::Access,
    clock::fmt_datetime,
    error::{ApiResult, AppResult},
    web::{Chrome, MsgQuery, safe_next},
};

pub fn routes() -> Vec<RouteDef> {
    vec![
        RouteDef::new("GET", "/login", Access::Public, get(login_page)),
        RouteDef::new("POST", "/login", Access::Public, post(login)),
        RouteDef::new("POST", "/logout", Access::Authenticated, post(logout)),
        RouteDef::new("POST", "/prefs", Access::Public, post(prefs)),
        RouteDef::new("GET", "/account", Access::Authenticated, get(account)),
        RouteDef::new("POST", "/account/password", Access::Authenticated, post(change_password)),
        RouteDef::new("POST", "/account/tokens", Access::Authenticated, post(create_token)),
        RouteDef::new("POST", "/account/tokens/{id}/revoke", Access::Authenticated, post(revoke_token)),
        RouteDef::new("GET", "/api/v1/me", Access::Authenticated, get(me)),
    ]
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginQuery {
    next: Option<String>,
    msg: Option<String>,
}

pub async fn login_page(ctx: Ctx, Query(q): Query<LoginQuery>) -> Response {
    if ctx.principal.is_some() {
        return Redirect::to(&safe_next(q.next.as_deref())).into_response();
    }
    LoginPage {
        c: Chrome::titled(&ctx, "nav.login").with_msg(q.msg.as_deref()),
        next: safe_next(q.next.as_deref()),
        username: String::new(),
        error: None,
    }
    .into_response()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    username: String,
    password: String,
    next: String,
}

pub async fn login(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Form(f): Form<LoginForm>) -> Response {
    let next = safe_next(Some(&f.next));
    let ua = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok());
    let prefs = actions::DevicePrefs {
        large_type: super::cookie(&headers, "xh_large").map(|v| v == "1"),
        lang: super::cookie(&headers, "xh_lang")
            .map(|l| if crate::web::i18n::Lang::parse(&l) == crate::web::i18n::Lang::En { "en" } else { "zh" }),
    };
    match actions::log_in(&state, &ctx, &f.username, &f.password, ua, prefs).await {
        Ok(token) => {
            let cookie =
                set_cookie(SESSION_COOKIE, &token, state.config.session_hours * 3600, state.config.secure_cookies());
            ([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response()
        }
        Err(e) if e.status.is_client_error() => {
            let status = e.status;
            let retry = e.retry_after_secs();
            let page = LoginPage {
                c: Chrome::titled(&ctx, "nav.login"),
                next,
                username: crate::text::normalize(&f.username),
                error: Some(e.zh),
            };
            let mut resp = (status, page).into_response();
            if let Some(secs) = retry {
                resp.headers_mut().insert(header::RETRY_AFTER, axum::http::HeaderValue::from(secs));
            }
            resp
        }
        Err(e) => e.into_response(),
    }
}

pub async fn logout(State(state): State<AppState>, Auth(p, ctx): Auth, headers: HeaderMap) -> AppResult<Response> {
    actions::log_out(&state, &p, &ctx, super::cookie(&headers, SESSION_COOKIE).as_deref()).await?;
    let cookie = set_cookie(SESSION_COOKIE, "", 0, state.config.secure_cookies());
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/login?msg=logged_out")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PrefsForm {
    large_type: Option<String>,
    lang: Option<String>,
    next: String,
}

/// Large type / language: saved on the user when signed in, in a cookie otherwise.
pub async fn prefs(State(state): State<AppState>, ctx: Ctx, Form(f): Form<PrefsForm>) -> AppResult<Response> {
    let next = safe_next(Some(&f.next));
    let secure = state.config.secure_cookies();
    let mut cookies = Vec::new();
    if let Some(l) = f.large_type.as_deref() {
        let on = l == "1";
        if let Some(p) = &ctx.principal {
            store::set_large_type(&state.db.write, p.user_id, on).await?;
        }
        cookies.push(set_cookie("xh_large", if on { "1" } else { "0" }, 365 * 86400, secure));
    }
    if let Some(l) = f.lang.as_deref() {
        let lang = crate::web::i18n::Lang::parse(l);
        let code = if lang == crate::web::i18n::Lang::En { "en" } else { "zh" };
        if let Some(p) = &ctx.principal {
            store::set_lang(&state.db.write, p.user_id, code).await?;
        }
        cookies.push(set_cookie("xh_lang", code, 365 * 86400, secure));
    }
    let mut resp = Redirect::to(&next).into_response();
    for c in cookies {
        resp.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(resp)
}

#[derive(FromQueryResult)]
pub struct TokenLine {
    pub id: i64,
    pub name: String,
    pub access: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl TokenLine {
    pub fn read_only(&self) -> bool {
        self.access == "read"
    }
    pub fn expires(&self) -> String {
        self.expires_at.map(fmt_datetime).unwrap_or_default()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
struct AccountPage {
    c: Chrome,
    username: String,
    tokens: Vec<TokenLine>,
    new_token: Option<String>,
    error: Option<String>,
}

impl AccountPage {
    fn created(&self, t: &TokenLine) -> String {
        fmt_datetime(t.created_at)
    }
    fn last_used(&self, t: &TokenLine) -> String {
        t.last_used_at
            .map(fmt_datetime)
            .unwrap_or_else(|| crate::web::i18n::t(self.c.lang, "account.never_used").into())
    }
}

async fn account_page(
    state: &AppState,
    ctx: &Ctx,
    user_id: UserId,
    username: &str,
    msg: Option<&str>,
) -> AppResult<AccountPage> {
    let tokens = store::live_tokens(&state.db.read, user_id, state.clock.now()).await?;
    Ok(AccountPage {
        c: Chrome::titled(ctx, "account.title").with_msg(msg),
        username: username.into(),
        tokens,
        new_token: None,
        error: None,
    })
}

pub async fn account(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    account_page(&state, &ctx, p.user_id, &p.username, m.msg.as_deref()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current: String,
    new: String,
}

async fn password_error(state: &AppState, ctx: &Ctx, p: &super::Principal, msg: &str) -> AppResult<Response> {
    let mut page = account_page(state, ctx, p.user_id, &p.username, None).await?;
    page.error = Some(msg.to_string());
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

pub async fn change_password(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    headers: HeaderMap,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    let keep = super::cookie(&headers, SESSION_COOKIE).map(|t| sha256_hex(&t)).unwrap_or_default();
    if let Err(refused) = actions::change_password(&state, &p, &ctx, &f.current, &f.new, &keep).await? {
        return password_error(&state, &ctx, &p, refused).await;
    }
    Ok(Redirect::to("/account?msg=password_changed").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    name: String,
    /// `read` or `write`.
    access: String,
    /// Days the token stays valid: 30, 90 or 365.
    days: String,
}

/// Issue an API token; its value is shown once on the resulting page and only its hash is kept.
pub async fn create_token(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Form(f): Form<TokenForm>,
) -> AppResult<Response> {
    let token = actions::create_token(&state, &p, &ctx, &f.name, &f.access, &f.days).await?;
    let mut page = account_page(&state, &ctx, p.user_id, &p.username, None).await?;
    page.new_token = Some(token);
    Ok(page.into_response())
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
) -> AppResult<Redirect> {
    actions::revoke_token(&state, &p, &ctx, id).await?;
    Ok(Redirect::to("/account?msg=token_revoked"))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub person_id: Option<PersonId>,
    /// e.g. `["staff@保利叶语"]`
    pub roles: Vec<String>,
    pub projects: Vec<ProjectId>,
    pub households: Vec<HouseholdId>,
}

/// Who am I, with roles and scope.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses((status = 200, body = Me), (status = 401)))]
pub async fn me(Auth(p, _): Auth) -> ApiResult<Me> {
    Ok(Json(Me {
        user_id: p.user_id,
        username: p.username.clone(),
        display_name: p.display_name.clone(),
        person_id: p.person_id,
        roles: p.grants.iter().map(|g| format!("{}@{}", g.role.as_str(), g.node_name)).collect(),
        projects: p.scope.read_projects.iter().copied().collect(),
        households: p.scope.households.iter().copied().collect(),
    }))
}
