//! Use cases of the push to a city's Open311 platform: project staff set the platform (address,
//! jurisdiction, key — sealed, never shown again — and each category's service code there), and settle a
//! push whose outcome is unknown (send it again, or type the ticket number they found on the city's side).

use crate::ids::*;
use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};

use crate::requests::{
    model::{self, PushState},
    store::{
        outbound::{self as ostore, ServiceCode},
        referrals as rstore,
    },
};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    error::{AppError, AppResult, FieldError},
    vault::Kind,
};

/// What staff send, from the page or the API.
#[derive(Debug, Clone, Default)]
pub struct OutboundInput {
    pub base_url: String,
    pub jurisdiction_id: String,
    /// Empty keeps the stored key.
    pub api_key: String,
    pub enabled: bool,
    /// (category, service code; empty clears it).
    pub codes: Vec<(i64, String)>,
}

/// A project's platform as shown back: never the key, only whether one is stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OutboundView {
    pub project_id: ProjectId,
    pub base_url: String,
    pub jurisdiction_id: Option<String>,
    pub has_key: bool,
    pub enabled: bool,
    pub service_codes: Vec<ServiceCode>,
}

pub async fn view(state: &AppState, p: &Principal, project: ProjectId) -> AppResult<OutboundView> {
    p.scope.require_write(project)?;
    let c = ostore::config(&state.db.read, project).await?;
    Ok(OutboundView {
        project_id: project,
        base_url: c.as_ref().map(|c| c.base_url.clone()).unwrap_or_default(),
        jurisdiction_id: c.as_ref().and_then(|c| c.jurisdiction_id.clone()),
        has_key: c.as_ref().is_some_and(|c| c.api_key_sealed.is_some()),
        enabled: c.as_ref().is_some_and(|c| c.enabled),
        service_codes: ostore::service_codes(&state.db.read, project).await?,
    })
}

fn code_ok(c: &str) -> bool {
    c.chars().count() <= 64 && c.chars().all(|ch| ch.is_ascii_graphic() || (!ch.is_ascii() && !ch.is_whitespace()))
}

/// Check and save, with the audit row, in one transaction. The key is sealed before it is stored and
/// appears in no log or audit line.
pub async fn save(state: &AppState, p: &Principal, ctx: &Ctx, project: ProjectId, i: OutboundInput) -> AppResult<()> {
    p.scope.require_write(project)?;
    let mut errors = Vec::new();
    let base = match model::check_base_url(&i.base_url) {
        Ok(b) => b,
        Err(m) => {
            errors.push(FieldError::new("base_url", m));
            String::new()
        }
    };
    let jurisdiction = i.jurisdiction_id.trim().to_string();
    if jurisdiction.chars().count() > 64 || !code_ok(&jurisdiction) {
        errors.push(FieldError::new("jurisdiction_id", "辖区编号不超过64个字符，且不含空格"));
    }
    let key = i.api_key.trim().to_string();
    if key.chars().count() > 200 || !code_ok(&key) && !key.is_empty() {
        errors.push(FieldError::new("api_key", "密钥不超过200个字符，且不含空格"));
    }
    let stored = ostore::config(&state.db.read, project).await?;
    if i.enabled && key.is_empty() && stored.as_ref().is_none_or(|c| c.api_key_sealed.is_none()) {
        errors.push(FieldError::new("api_key", "启用推送需要城市平台发放的密钥"));
    }
    let categories = ostore::service_codes(&state.db.read, project).await?;
    for (cat, code) in &i.codes {
        if !categories.iter().any(|c| c.category_id == *cat) {
            errors.push(FieldError::new(&format!("code_{cat}"), "没有这个类别"));
        } else if !code_ok(code.trim()) {
            errors.push(FieldError::new(&format!("code_{cat}"), "服务代码不超过64个字符，且不含空格"));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let sealed = (!key.is_empty()).then(|| state.vault.seal(Kind::OutsideKey, &key));
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    ostore::save_config(
        &tx,
        &ostore::SaveConfig {
            project,
            base_url: &base,
            jurisdiction_id: Some(jurisdiction.as_str()).filter(|j| !j.is_empty()),
            api_key_sealed: sealed.as_deref(),
            enabled: i.enabled,
            by: p.user_id,
        },
        now,
    )
    .await?;
    for (cat, code) in &i.codes {
        ostore::set_service_code(&tx, project, *cat, Some(code.trim()).filter(|c| !c.is_empty())).await?;
    }
    let summary = format!(
        "城市平台推送：{}（{}{}）",
        base,
        if i.enabled { "启用" } else { "停用" },
        if sealed.is_some() { "，已更换密钥" } else { "" }
    );
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "open311_outbound",
            entity_id: Some(project.get()),
            project_id: Some(project),
            summary,
        },
    )
    .await?;
    Ok(())
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SettleForm {
    /// The ticket number found on the city's side (it was filed); empty sends it again.
    pub remote_id: String,
}

/// A push whose outcome is unknown, settled by staff who checked with the city: it was filed (they type
/// its number and polling follows it), or it was not (it is queued again).
pub async fn settle(state: &AppState, p: &Principal, ctx: &Ctx, referral: i64, f: SettleForm) -> AppResult<PushState> {
    let r = rstore::referral(&state.db.read, referral).await?.ok_or_else(AppError::not_found)?;
    p.scope.require_write(r.project_id)?;
    let info = ostore::push_info(&state.db.read, referral).await?;
    if info.push_state != Some(PushState::Unknown) {
        return Err(AppError::conflict(
            "not_unknown",
            "只有结果未知的推送需要核实",
            "Only a push of unknown outcome is settled",
        ));
    }
    let remote = f.remote_id.trim();
    if remote.chars().count() > 64 || !code_ok(remote) {
        return Err(AppError::field("remote_id", "工单号不超过64个字符，且不含空格"));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let (to, summary) = if remote.is_empty() {
        (PushState::Queued, "核实未送达，重新推送".to_string())
    } else {
        (PushState::Sent, format!("核实已送达，工单号{remote}"))
    };
    let n = ostore::settle(&tx, referral, to, Some(remote).filter(|x| !x.is_empty()), now).await?;
    if n == 0 {
        return Err(AppError::conflict(
            "stale_state",
            "该推送刚被他人处理过，请刷新后重试",
            "The push changed meanwhile",
        ));
    }
    let s =
        crate::requests::store::request(&tx, r.request_id).await?.map(|x| x.state()).unwrap_or(model::State::Escalated);
    crate::requests::store::event(
        &tx,
        r.request_id,
        Some(p.user_id),
        &ctx.actor(),
        "outbound_settled",
        Some(s),
        s,
        Some(summary.clone()),
        now,
    )
    .await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "request_referral",
            entity_id: Some(referral),
            project_id: Some(r.project_id),
            summary,
        },
    )
    .await?;
    Ok(to)
}
