//! Pushing 上报 to a city's Open311 GeoReport v2 platform (12345, 城市管理) and following it there: a job
//! POSTs each queued referral (`service_code`, `description`, `address_string` or `lat`/`long`,
//! `jurisdiction_id`, `api_key`), keeps the id or token the city returns, and polls the ticket's status
//! back onto the request's timeline until the city closes it — then the referral is answered and the
//! resident asked to rate.
//!
//! Never lost, never sent twice (rules in `model::outbound`): a push is claimed compare-and-set with a
//! lease, so one instance sends it; an error answer or no connection means nothing was filed and it is
//! tried again with back-off; a send that got no answer (or an instance that died mid-send) may have filed
//! it, so it waits for staff to check (`unknown`) instead of being sent again. Restart-safe: all state is
//! on the referral row. The settings page and API are in `pages.rs`.

pub mod pages;

use chrono::{DateTime, Duration, Utc};

use super::{
    model::{self, PushResult, PushState},
    store::outbound::{self as ostore, PollDue, PushDue},
};
use crate::{app::AppState, error::AppError, vault::Kind};

/// How long a claimed push is this instance's: longer than the client's whole timeout.
const LEASE: i64 = 2;
/// How often a pushed ticket is asked about.
pub const POLL_EVERY_MINUTES: i64 = 10;

/// One client for the process: short timeouts, no redirects to other hosts (a platform that moved says
/// so in an error the staff can read), rustls.
pub fn client() -> reqwest::Client {
    client_with_timeout(std::time::Duration::from_secs(20))
}

/// The same client with another overall timeout (tests use a short one).
pub fn client_with_timeout(timeout: std::time::Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(5).min(timeout))
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Xinghuo/", env!("CARGO_PKG_VERSION"), " (Open311 GeoReport v2)"))
        .build()
        .expect("the HTTP client's settings are valid")
}

struct Target {
    base: String,
    jurisdiction: Option<String>,
    key: String,
}

async fn target(state: &AppState, project: crate::ids::ProjectId) -> Result<Option<Target>, AppError> {
    let Some(c) = ostore::config(&state.db.read, project).await? else { return Ok(None) };
    let Some(sealed) = c.api_key_sealed.filter(|_| c.enabled) else { return Ok(None) };
    let key = state.vault.open(Kind::OutsideKey, &sealed).map_err(|_| AppError::internal("outside key"))?;
    Ok(Some(Target { base: c.base_url, jurisdiction: c.jurisdiction_id, key }))
}

/// Send one push. Classifies the outcome; never panics on what the city answers.
async fn send(http: &reqwest::Client, t: &Target, d: &PushDue) -> PushResult {
    let Some(code) = d.service_code.as_deref() else {
        return PushResult::NotFiled("本类别未配置城市平台服务代码".into());
    };
    let mut form: Vec<(&str, String)> =
        vec![("api_key", t.key.clone()), ("service_code", code.to_string()), ("description", d.description.clone())];
    if let Some(j) = &t.jurisdiction {
        form.push(("jurisdiction_id", j.clone()));
    }
    if let (Some(a), Some(b)) = (d.lat, d.lng) {
        form.push(("lat", a.to_string()));
        form.push(("long", b.to_string()));
    }
    let spot = match &d.spot {
        Some(s) => format!("{}{s}", d.project_name),
        None => d.project_name.clone(),
    };
    form.push(("address_string", spot.chars().take(200).collect()));
    let url = format!("{}/requests.json", t.base);
    match http.post(&url).form(&form).send().await {
        Ok(resp) => {
            let status = resp.status();
            match resp.text().await {
                Ok(body) if status.is_success() => match model::read_post_reply(&body) {
                    Ok((id, token)) => PushResult::Created { id, token },
                    // A success we cannot read may still have filed it.
                    Err(e) => PushResult::Unknown(e),
                },
                Ok(body) => PushResult::NotFiled(model::read_error(status.as_u16(), &body)),
                Err(_) if status.is_success() => PushResult::Unknown("城市平台的答复中断".into()),
                Err(_) => PushResult::NotFiled(model::read_error(status.as_u16(), "")),
            }
        }
        // Nothing reached the city: no connection, a bad address.
        Err(e) if e.is_connect() || e.is_builder() || e.is_request() && !e.is_timeout() => {
            PushResult::NotFiled("无法连接城市平台".into())
        }
        Err(_) => PushResult::Unknown("城市平台无应答（超时），是否已送达未知，请核实".into()),
    }
}

/// Send every due push (50 per run). Returns how many were filed.
pub async fn push_due(state: &AppState, http: &reqwest::Client, now: DateTime<Utc>) -> Result<usize, AppError> {
    ostore::expire_leases(&state.db.write, now).await?;
    let mut filed = 0;
    for d in ostore::due_pushes(&state.db.read, now, 50).await? {
        if !ostore::claim_push(&state.db.write, d.id, now, now + Duration::minutes(LEASE)).await? {
            continue;
        }
        let result = match target(state, d.project_id).await? {
            Some(t) => send(http, &t, &d).await,
            None => PushResult::NotFiled("本项目的城市平台推送未启用或缺少密钥".into()),
        };
        let (next, error) = model::after_push(&result);
        let (rid, token) = match &result {
            PushResult::Created { id, token } => (id.clone(), token.clone()),
            _ => (None, None),
        };
        let done = ostore::PushDone {
            id: d.id,
            state: next,
            error: error.as_deref(),
            remote_id: rid.as_deref(),
            remote_token: token.as_deref(),
            next_at: (next == PushState::Queued).then(|| now + model::push_backoff(d.push_attempts + 1)),
        };
        if !ostore::finish_push(&state.db.write, &done).await? {
            continue;
        }
        match &result {
            PushResult::Created { id, .. } => {
                filed += 1;
                let note = match id {
                    Some(id) => format!("已推送至城市平台，工单号{id}"),
                    None => "已推送至城市平台，等待其分配工单号".into(),
                };
                super::actions::referrals::note_on_timeline(state, d.request_id, "outbound_sent", &note, now).await?;
            }
            PushResult::Unknown(e) => {
                super::actions::referrals::note_on_timeline(state, d.request_id, "outbound_unknown", e, now).await?;
            }
            PushResult::NotFiled(e) => {
                tracing::warn!(referral = d.id, error = %e, "push to the city not filed; will retry")
            }
        }
    }
    Ok(filed)
}

async fn get_json(http: &reqwest::Client, url: &str) -> Option<String> {
    let resp = http.get(url).send().await.ok()?;
    if !resp.status().is_success() {
        return None;
    }
    resp.text().await.ok()
}

/// Ask the city about every pushed ticket not asked about for a while (50 per run): a token becomes an
/// id, a changed status goes on the timeline, a closed ticket answers the referral. Returns how many were
/// answered.
pub async fn poll_due(state: &AppState, http: &reqwest::Client, now: DateTime<Utc>) -> Result<usize, AppError> {
    let cutoff = now - Duration::minutes(POLL_EVERY_MINUTES);
    let mut answered = 0;
    for d in ostore::due_polls(&state.db.read, cutoff, 50).await? {
        if !ostore::claim_poll(&state.db.write, d.id, now, cutoff).await? {
            continue;
        }
        let Some(t) = target(state, d.project_id).await? else { continue };
        if poll_one(state, http, &t, &d, now).await? {
            answered += 1;
        }
    }
    Ok(answered)
}

async fn poll_one(
    state: &AppState,
    http: &reqwest::Client,
    t: &Target,
    d: &PollDue,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let q =
        t.jurisdiction.as_ref().map(|j| format!("?jurisdiction_id={}", crate::auth::url_encode(j))).unwrap_or_default();
    let mut id = d.remote_id.clone();
    if id.is_none()
        && let Some(token) = &d.remote_token
        && let Some(body) =
            get_json(http, &format!("{}/tokens/{}.json{q}", t.base, crate::auth::url_encode(token))).await
    {
        id = model::read_token_reply(&body);
        if let Some(i) = &id {
            ostore::set_remote(&state.db.write, d.id, Some(i), None).await?;
        }
    }
    let Some(id) = id else { return Ok(false) };
    let Some(body) = get_json(http, &format!("{}/requests/{}.json{q}", t.base, crate::auth::url_encode(&id))).await
    else {
        return Ok(false);
    };
    let Ok(s) = model::read_status(&body) else { return Ok(false) };
    let code = if s.closed { "closed" } else { "open" };
    let request_id = super::store::referrals::referral(&state.db.read, d.id).await?.map(|f| f.request_id);
    let Some(request_id) = request_id else { return Ok(false) };
    if d.remote_status.as_deref() != Some(code) && !s.closed {
        let note = format!("城市平台：处理中{}", s.notes.as_deref().map(|n| format!("（{n}）")).unwrap_or_default());
        super::actions::referrals::note_on_timeline(state, request_id, "outbound_status", &note, now).await?;
    }
    ostore::set_remote(&state.db.write, d.id, None, Some(code)).await?;
    if s.closed {
        let notes = s.notes.unwrap_or_else(|| "城市平台已办结".into());
        return super::actions::referrals::answered_by_city(state, d.id, &notes, now).await;
    }
    Ok(false)
}
