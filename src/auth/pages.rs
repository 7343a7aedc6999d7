//! Log-in, log-out, the account page (password change, display preferences, API tokens).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Json,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::FromQueryResult;
use serde::{Deserialize, Serialize};

use super::{
    Auth, Ctx, SESSION_COOKIE, create_session, delete_session, password, random_token, set_cookie, sha256_hex, store,
    throttle,
};
use crate::{
    access::RouteDef,
    app::AppState,
    audit::{self, Entry},
    auth::model::Access,
    clock::fmt_datetime,
    error::{ApiResult, AppError, AppResult},
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

fn minutes_until(until: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    ((until - now).num_seconds().max(1) + 59) / 60
}

/// Check a username and password, applying the per-address throttle and the per-account lock-out.
/// Both counters take this attempt's place atomically *before* the password is checked (see
/// `throttle`), so parallel attempts cannot slip past them; a success gives the places back. Unknown
/// user names are counted and locked exactly like real ones. Returns the user id.
pub async fn check_credentials(state: &AppState, ctx: &Ctx, username: &str, pw: &str) -> Result<i64, AppError> {
    let now = state.clock.now();
    let username = crate::text::normalize(username);
    let window = Duration::minutes(state.config.lockout_minutes);
    let failed =
        || AppError::new(StatusCode::UNAUTHORIZED, "login_failed", "用户名或密码不正确", "Wrong username or password");
    let ip_key = ctx.ip.as_deref().map(throttle::ip_key);
    if let Some(k) = &ip_key {
        let place = throttle::take(&state.db.write, k, now, window).await?;
        if place.over(state.config.ip_failure_limit) {
            return Err(AppError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "ip_throttled",
                format!("该网络地址登录失败次数过多，请{}分钟后再试", minutes_until(place.until, now)),
                "Too many failed log-ins from this address; try again later",
            )
            .retry_after((place.until - now).num_seconds()));
        }
    }
    let user_key = throttle::user_key(&username);
    let place = throttle::take(&state.db.write, &user_key, now, window).await?;
    let threshold = i64::from(state.config.lockout_threshold);
    if place.over(threshold) {
        return Err(AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "account_locked",
            format!("登录失败次数过多，账号已临时锁定，请{}分钟后再试", minutes_until(place.until, now)),
            "Too many failed attempts; the account is temporarily locked",
        )
        .retry_after((place.until - now).num_seconds()));
    }
    let cred = store::credentials(&state.db.read, &username).await?;
    // Unknown names do the same work as a real check, so timing does not tell them apart.
    let (hash, active) = match &cred {
        Some(c) => (c.password_hash.clone(), c.is_active),
        None => (password::dummy_hash().to_string(), false),
    };
    let ok = password::verify(pw.to_string(), hash).await? && active;
    let Some(c) = cred.as_ref().filter(|_| ok) else {
        let user_id = cred.as_ref().map(|c| c.id);
        throttle::record_failure(&state.db.write, ctx, &username, user_id, place, threshold, now).await?;
        return Err(failed());
    };
    throttle::record_success(&state.db.write, c.id, ip_key.as_deref(), &user_key).await?;
    Ok(c.id)
}

pub async fn login(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Form(f): Form<LoginForm>) -> Response {
    let next = safe_next(Some(&f.next));
    match check_credentials(&state, &ctx, &f.username, &f.password).await {
        Ok(uid) => {
            let ua = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string);
            let token = match create_session(&state, uid, ctx.ip.clone(), ua).await {
                Ok(t) => t,
                Err(e) => return e.into_response(),
            };
            let mut actor = ctx.clone();
            actor.principal = None;
            let _ = audit::record(
                &state.db.write,
                &actor,
                state.clock.now(),
                Entry {
                    action: "login",
                    entity: "user",
                    entity_id: Some(uid),
                    project_id: None,
                    summary: format!("用户「{}」登录", f.username.trim()),
                },
            )
            .await;
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
    if let Some(tok) = super::cookie(&headers, SESSION_COOKIE) {
        delete_session(&state, &tok).await?;
    }
    audit::record(
        &state.db.write,
        &ctx,
        state.clock.now(),
        Entry {
            action: "logout",
            entity: "user",
            entity_id: Some(p.user_id),
            project_id: None,
            summary: "退出登录".into(),
        },
    )
    .await?;
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
    tokens: Vec<(TokenLine, String, String)>,
    new_token: Option<String>,
    error: Option<String>,
}

async fn account_page(
    state: &AppState,
    ctx: &Ctx,
    user_id: i64,
    username: &str,
    msg: Option<&str>,
) -> AppResult<AccountPage> {
    let tokens = store::live_tokens(&state.db.read, user_id, state.clock.now())
        .await?
        .into_iter()
        .map(|t| {
            let c = fmt_datetime(t.created_at);
            let u = t.last_used_at.map(fmt_datetime).unwrap_or_else(|| "从未使用".into());
            (t, c, u)
        })
        .collect();
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
    let current = store::password_hash(&state.db.read, p.user_id).await?.ok_or_else(AppError::not_found)?;
    if !password::verify(f.current.clone(), current).await? {
        return password_error(&state, &ctx, &p, "当前密码不正确").await;
    }
    if let Err(m) = password::check_strength(&f.new) {
        return password_error(&state, &ctx, &p, m).await;
    }
    if f.new == f.current {
        return password_error(&state, &ctx, &p, "新密码不能与当前密码相同").await;
    }
    let hash = password::hash(f.new).await?;
    let now = state.clock.now();
    let keep = super::cookie(&headers, SESSION_COOKIE).map(|t| sha256_hex(&t)).unwrap_or_default();
    let tx = sea_orm::TransactionTrait::begin(&state.db.write).await?;
    store::change_password(&tx, p.user_id, &hash, &keep, now).await?;
    audit::record(
        &tx,
        &ctx,
        now,
        Entry {
            action: "password_change",
            entity: "user",
            entity_id: Some(p.user_id),
            project_id: None,
            summary: "修改密码".into(),
        },
    )
    .await?;
    tx.commit().await?;
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

/// How long a token may live, in days.
pub const TOKEN_DAYS: [i64; 3] = [30, 90, 365];

/// Issue an API token; its value is shown once on the resulting page and only its hash is kept.
pub async fn create_token(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Form(f): Form<TokenForm>,
) -> AppResult<Response> {
    let name = crate::text::normalize(&f.name);
    if name.is_empty() || name.chars().count() > 60 {
        return Err(AppError::field("name", "请填写令牌用途（不超过60字）"));
    }
    let access = match f.access.as_str() {
        "" | "read" => "read",
        "write" => "write",
        _ => return Err(AppError::field("access", "请选择令牌权限：只读或读写")),
    };
    let days = match f.days.trim() {
        "" => 90,
        d => d
            .parse::<i64>()
            .ok()
            .filter(|d| TOKEN_DAYS.contains(d))
            .ok_or_else(|| AppError::field("days", "请选择有效期：30、90 或 365 天"))?,
    };
    let token = format!("xh_{}", random_token(32));
    let now = state.clock.now();
    let tx = sea_orm::TransactionTrait::begin(&state.db.write).await?;
    let id = store::insert_token(&tx, p.user_id, &name, &sha256_hex(&token), access, now, now + Duration::days(days))
        .await?;
    audit::record(
        &tx,
        &ctx,
        now,
        Entry {
            action: "token_create",
            entity: "api_token",
            entity_id: Some(id),
            project_id: None,
            summary: format!("生成API令牌「{name}」（{}，{days}天）", if access == "read" { "只读" } else { "读写" }),
        },
    )
    .await?;
    tx.commit().await?;
    let mut page = account_page(&state, &ctx, p.user_id, &p.username, None).await?;
    page.new_token = Some(token);
    Ok(page.into_response())
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
) -> AppResult<Redirect> {
    let now = state.clock.now();
    let tx = sea_orm::TransactionTrait::begin(&state.db.write).await?;
    if !store::revoke_token(&tx, p.user_id, id, now).await? {
        return Err(AppError::not_found());
    }
    audit::record(
        &tx,
        &ctx,
        now,
        Entry {
            action: "token_revoke",
            entity: "api_token",
            entity_id: Some(id),
            project_id: None,
            summary: "撤销API令牌".into(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/account?msg=token_revoked"))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub person_id: Option<i64>,
    /// e.g. `["staff@保利叶语"]`
    pub roles: Vec<String>,
    pub projects: Vec<i64>,
    pub households: Vec<i64>,
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
