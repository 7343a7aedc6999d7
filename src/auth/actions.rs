//! The account's use cases: change one's password, issue and revoke API tokens. Each checks its input,
//! writes in one audited transaction and returns a coded error; the account page calls these.

use crate::ids::*;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use sea_orm::TransactionTrait;

use super::{Ctx, Principal, password, random_token, sha256_hex, store, throttle};
use crate::{
    app::AppState,
    audit::{self, Entry},
    error::{AppError, AppResult},
};

/// Choices made on this device before signing in (the log-in page's 大字 and language buttons): they
/// carry over to the account, so the page after log-in looks as the person just asked.
#[derive(Debug, Default, Clone, Copy)]
pub struct DevicePrefs {
    pub large_type: Option<bool>,
    pub lang: Option<&'static str>,
}

/// Log in: check the name and password (throttled, see [`check_credentials`]), open a session, keep the
/// device's display choices on the account and audit it in one transaction. Returns the session token.
pub async fn log_in(
    state: &AppState,
    ctx: &Ctx,
    username: &str,
    pw: &str,
    user_agent: Option<&str>,
    prefs: DevicePrefs,
) -> AppResult<String> {
    let uid = check_credentials(state, ctx, username, pw).await?;
    let token = random_token(32);
    let now = state.clock.now();
    let expires = now + Duration::hours(state.config.session_hours);
    let ua = user_agent.map(|s| s.chars().take(200).collect::<String>());
    let tx = state.db.write.begin().await?;
    store::insert_session(&tx, &sha256_hex(&token), UserId(uid), now, expires, ctx.ip.clone(), ua).await?;
    if let Some(on) = prefs.large_type {
        store::set_large_type(&tx, UserId(uid), on).await?;
    }
    if let Some(code) = prefs.lang {
        store::set_lang(&tx, UserId(uid), code).await?;
    }
    let mut actor = ctx.clone();
    actor.principal = None;
    let e = Entry {
        action: "login",
        entity: "user",
        entity_id: Some(uid),
        project_id: None,
        summary: format!("用户「{}」登录", crate::text::normalize(username)),
    };
    audit::commit(tx, &actor, now, e).await?;
    Ok(token)
}

/// Log out: end the session the cookie names (if any) and audit it.
pub async fn log_out(state: &AppState, p: &Principal, ctx: &Ctx, session: Option<&str>) -> AppResult<()> {
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if let Some(tok) = session {
        store::delete_session(&tx, &sha256_hex(tok)).await?;
    }
    let e = Entry {
        action: "logout",
        entity: "user",
        entity_id: Some(p.user_id.into()),
        project_id: None,
        summary: "退出登录".into(),
    };
    audit::commit(tx, ctx, now, e).await?;
    Ok(())
}

fn minutes_until(until: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    ((until - now).num_seconds().max(1) + 59) / 60
}

/// Check a username and password, applying the per-address throttle and the per-account lock-out.
/// Both counters take this attempt's place atomically *before* the password is checked (see
/// `throttle`), so parallel attempts cannot slip past them; a success gives the places back. Unknown
/// user names are counted and locked exactly like real ones. Returns the user id.
async fn check_credentials(state: &AppState, ctx: &Ctx, username: &str, pw: &str) -> Result<i64, AppError> {
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
    Ok(c.id.into())
}

/// How long a token may live, in days.
pub const TOKEN_DAYS: [i64; 3] = [30, 90, 365];

/// Change the caller's password. `Ok(Err(message))` is a refusal to show beside the form (wrong
/// current password, too weak, unchanged); every other session and token of the user ends, except the
/// session whose hash is `keep_session`.
pub async fn change_password(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    current: &str,
    new: &str,
    keep_session: &str,
) -> AppResult<Result<(), &'static str>> {
    let hash = store::password_hash(&state.db.read, p.user_id).await?.ok_or_else(AppError::not_found)?;
    if !password::verify(current.to_string(), hash).await? {
        return Ok(Err("当前密码不正确"));
    }
    if let Err(m) = password::check_strength(new) {
        return Ok(Err(m));
    }
    if new == current {
        return Ok(Err("新密码不能与当前密码相同"));
    }
    let hash = password::hash(new.to_string()).await?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    store::change_password(&tx, p.user_id, &hash, keep_session, now).await?;
    let e = Entry {
        action: "password_change",
        entity: "user",
        entity_id: Some(p.user_id.into()),
        project_id: None,
        summary: "修改密码".into(),
    };
    audit::commit(tx, ctx, now, e).await?;
    Ok(Ok(()))
}

/// Issue an API token (`access` `read` or `write`, valid `days` of [`TOKEN_DAYS`], default 90 and
/// read); returns its value, which is shown once — only its hash is kept.
pub async fn create_token(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    name: &str,
    access: &str,
    days: &str,
) -> AppResult<String> {
    let name = crate::text::normalize(name);
    if name.is_empty() || name.chars().count() > 60 {
        return Err(AppError::field("name", "请填写令牌用途（不超过60字）"));
    }
    let access = match access {
        "" | "read" => "read",
        "write" => "write",
        _ => return Err(AppError::field("access", "请选择令牌权限：只读或读写")),
    };
    let days = match days.trim() {
        "" => 90,
        d => crate::text::num(d)
            .parse::<i64>()
            .ok()
            .filter(|d| TOKEN_DAYS.contains(d))
            .ok_or_else(|| AppError::field("days", "请选择有效期：30、90 或 365 天"))?,
    };
    let token = format!("xh_{}", random_token(32));
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let id = store::insert_token(&tx, p.user_id, &name, &sha256_hex(&token), access, now, now + Duration::days(days))
        .await?;
    let e = Entry {
        action: "token_create",
        entity: "api_token",
        entity_id: Some(id),
        project_id: None,
        summary: format!("生成API令牌「{name}」（{}，{days}天）", if access == "read" { "只读" } else { "读写" }),
    };
    audit::commit(tx, ctx, now, e).await?;
    Ok(token)
}

/// Revoke one of the caller's own tokens (another user's token is not found).
pub async fn revoke_token(state: &AppState, p: &Principal, ctx: &Ctx, id: i64) -> AppResult<()> {
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::revoke_token(&tx, p.user_id, id, now).await? {
        return Err(AppError::not_found());
    }
    let e = Entry {
        action: "token_revoke",
        entity: "api_token",
        entity_id: Some(id),
        project_id: None,
        summary: "撤销API令牌".into(),
    };
    audit::commit(tx, ctx, now, e).await?;
    Ok(())
}
