//! Pushing a referral to a city's Open311 GeoReport v2 endpoint, as plain rules: the push's states, the
//! back-off between tries, and reading the city's answers. No I/O here (the job in `requests::outbound`).
//!
//! ```text
//! queued ──claim──▶ sending ──201/200 with an id or token──▶ sent ──poll…──▶ (closed: the answer)
//!   ▲                 │ refused (HTTP error) / unreachable (no connection): not created
//!   └──back-off───────┘
//!                     │ no answer after sending (timeout, lost lease): it may exist on the other side
//!                     ▼
//!                  unknown ──staff check and requeue (or type the ticket number)──▶ queued
//! ```
//! A POST is sent again only when it certainly did not create anything, so a request is never filed twice.

use chrono::Duration;
use serde_json::Value;

crate::coded! {
    pub enum PushState: "push_state" {
        Queued,
        Sending,
        Sent,
        Unknown,
    }
}

/// Wait before try `attempts + 1`: one minute, doubling, at most an hour.
pub fn push_backoff(attempts: i32) -> Duration {
    let n = attempts.clamp(1, 7) as u32;
    Duration::minutes((1i64 << (n - 1)).min(60))
}

/// How a POST to the city ended, as far as the job could tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushResult {
    /// Filed: the city's id, or a token to look the id up later.
    Created { id: Option<String>, token: Option<String> },
    /// Certainly not filed (an error answer, or no connection): try again after the back-off.
    NotFiled(String),
    /// Sent, but no answer came: it may have been filed. Never sent again without a person checking.
    Unknown(String),
}

/// The push state after a result, with the error to show.
pub fn after_push(r: &PushResult) -> (PushState, Option<String>) {
    match r {
        PushResult::Created { .. } => (PushState::Sent, None),
        PushResult::NotFiled(e) => (PushState::Queued, Some(e.clone())),
        PushResult::Unknown(e) => (PushState::Unknown, Some(e.clone())),
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().chars().take(64).collect()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The city's answer to a POST with a success status: `[{"service_request_id": …}]` or `[{"token": …}]`.
/// Anything else is not a filing we can follow.
pub fn read_post_reply(body: &str) -> Result<(Option<String>, Option<String>), String> {
    let v: Value = serde_json::from_str(body).map_err(|_| "城市平台的答复不是JSON".to_string())?;
    let first = v.as_array().and_then(|a| a.first()).ok_or("城市平台的答复为空")?;
    let id = first.get("service_request_id").and_then(text);
    let token = first.get("token").and_then(text);
    if id.is_none() && token.is_none() {
        return Err("城市平台的答复中没有工单号".into());
    }
    Ok((id, token))
}

/// The message of an Open311 error answer (`[{"code": …, "description": …}]`), or the status alone.
pub fn read_error(status: u16, body: &str) -> String {
    let d = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.as_array().and_then(|a| a.first()).and_then(|e| e.get("description")).and_then(text_long));
    match d {
        Some(d) => format!("城市平台拒绝（HTTP {status}）：{d}"),
        None => format!("城市平台拒绝（HTTP {status}）"),
    }
}

fn text_long(v: &Value) -> Option<String> {
    v.as_str().map(|s| s.trim().chars().take(200).collect())
}

/// A token's lookup: `[{"service_request_id": …, "token": …}]`.
pub fn read_token_reply(body: &str) -> Option<String> {
    let v: Value = serde_json::from_str(body).ok()?;
    v.as_array()?.first()?.get("service_request_id").and_then(text)
}

/// One request's status as the city tells it: `open` or `closed`, and its notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteStatus {
    pub closed: bool,
    pub notes: Option<String>,
}

pub fn read_status(body: &str) -> Result<RemoteStatus, String> {
    let v: Value = serde_json::from_str(body).map_err(|_| "城市平台的答复不是JSON".to_string())?;
    let first = v.as_array().and_then(|a| a.first()).ok_or("城市平台没有该工单")?;
    let status = first.get("status").and_then(Value::as_str).ok_or("城市平台的答复没有状态")?;
    let closed = match status.trim().to_ascii_lowercase().as_str() {
        "closed" => true,
        "open" => false,
        other => return Err(format!("未知的状态「{}」", other.chars().take(20).collect::<String>())),
    };
    Ok(RemoteStatus { closed, notes: first.get("status_notes").and_then(text_long).filter(|s| !s.is_empty()) })
}

/// A base URL staff may configure: `http(s)://host[:port]/path`, no query, no credentials, ≤ 300
/// characters; returned without a trailing slash.
pub fn check_base_url(s: &str) -> Result<String, &'static str> {
    let s = s.trim().trim_end_matches('/');
    if s.is_empty() || s.chars().count() > 300 {
        return Err("请填写平台地址（不超过300个字符）");
    }
    let u = reqwest::Url::parse(s).map_err(|_| "平台地址格式不正确，应如 https://12345.example.gov.cn/open311/v2")?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
        return Err("平台地址须以 http:// 或 https:// 开头");
    }
    if !u.username().is_empty() || u.password().is_some() || u.query().is_some() || u.fragment().is_some() {
        return Err("平台地址不能含账号、查询参数或锚点；密钥请填在密钥栏");
    }
    Ok(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn back_off_doubles_to_an_hour() {
        let m: Vec<i64> = (0..10).map(|n| push_backoff(n).num_minutes()).collect();
        assert_eq!(m, vec![1, 1, 2, 4, 8, 16, 32, 60, 60, 60]);
    }

    #[test]
    fn a_post_is_resent_only_when_it_certainly_filed_nothing() {
        assert_eq!(after_push(&PushResult::NotFiled("refused".into())).0, PushState::Queued);
        assert_eq!(after_push(&PushResult::Unknown("timeout".into())).0, PushState::Unknown);
        assert_eq!(after_push(&PushResult::Created { id: Some("7".into()), token: None }).0, PushState::Sent);
    }

    #[test]
    fn the_citys_answers_are_read() {
        assert_eq!(
            read_post_reply(r#"[{"service_request_id":"42","service_notice":"ok"}]"#),
            Ok((Some("42".into()), None))
        );
        assert_eq!(read_post_reply(r#"[{"token":"abc"}]"#), Ok((None, Some("abc".into()))));
        assert_eq!(read_post_reply(r#"[{"service_request_id":42}]"#), Ok((Some("42".into()), None)));
        assert!(read_post_reply("[]").is_err());
        assert!(read_post_reply("<html>").is_err());
        assert!(read_post_reply(r#"[{"service_notice":"ok"}]"#).is_err());
        assert_eq!(
            read_error(403, r#"[{"code":403,"description":"api_key is invalid or revoked"}]"#),
            "城市平台拒绝（HTTP 403）：api_key is invalid or revoked"
        );
        assert_eq!(read_error(502, "Bad gateway"), "城市平台拒绝（HTTP 502）");
        assert_eq!(read_token_reply(r#"[{"service_request_id":"9","token":"t"}]"#), Some("9".into()));
        assert_eq!(
            read_status(r#"[{"status":"closed","status_notes":"已修复"}]"#),
            Ok(RemoteStatus { closed: true, notes: Some("已修复".into()) })
        );
        assert_eq!(read_status(r#"[{"status":"open"}]"#), Ok(RemoteStatus { closed: false, notes: None }));
        assert!(read_status(r#"[{"status":"weird"}]"#).is_err());
    }

    #[test]
    fn base_urls_are_checked() {
        assert_eq!(
            check_base_url(" https://12345.example.cn/open311/v2/ "),
            Ok("https://12345.example.cn/open311/v2".into())
        );
        assert!(check_base_url("ftp://x").is_err());
        assert!(check_base_url("https://u:p@x.cn/v2").is_err());
        assert!(check_base_url("https://x.cn/v2?api_key=1").is_err());
        assert!(check_base_url("not a url").is_err());
        assert!(check_base_url("").is_err());
    }

    proptest! {
        #[test]
        fn back_off_is_positive_and_bounded(n in any::<i32>()) {
            let d = push_backoff(n);
            prop_assert!(d >= Duration::minutes(1) && d <= Duration::hours(1));
        }

        #[test]
        fn reading_any_answer_never_panics(body in ".{0,200}") {
            let _ = read_post_reply(&body);
            let _ = read_status(&body);
            let _ = read_token_reply(&body);
            let _ = read_error(500, &body);
        }
    }
}
