//! The boundary check every request passes before any handler: text a person could type never holds a
//! NUL or another C0 control character (tab and line breaks aside), nor a date in chrono's expanded-year
//! form (`+262142-12-31`). Such input is refused with a coded 400 (`bad_characters`, `bad_date`) in
//! the query, an urlencoded form or a JSON body — so no handler, and no database, ever sees it. (A NUL
//! in a PostgreSQL text parameter is an error, and dates at the edge of chrono's range overflow.)

use axum::{
    body::Body,
    extract::Request,
    http::header,
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::error::AppError;

/// Largest body this check reads (larger ones are refused by the body limit anyway).
const MAX_TEXT_BODY: usize = 2 * 1024 * 1024;

#[derive(Debug, PartialEq, Eq)]
pub enum Bad {
    Characters,
    Date,
}

fn bad_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// `+262142-12-31`, `-10000-01-01`, `123456-01-01`, `262143-12` (a month field), with or without a time:
/// a date whose year has five or more digits. Only that shape counts, so a UUID that happens to start
/// with eight digits (`67295025-81a4-…`) is not one.
fn expanded_year(v: &str) -> bool {
    let t = v.trim().trim_start_matches(['+', '-']);
    let digits = |s: &str| s.chars().take_while(char::is_ascii_digit).count();
    let year = digits(t);
    if year < 5 || !t[year..].starts_with('-') {
        return false;
    }
    // A month of one or two digits, then the end (a month field), a day or a time.
    let rest = &t[year + 1..];
    let month = digits(rest);
    let after = &rest[month..];
    (1..=2).contains(&month) && (after.is_empty() || after.starts_with(['-', 'T', ' ']))
}

/// Check one decoded value.
pub fn check_value(v: &str) -> Result<(), Bad> {
    if v.chars().any(bad_char) {
        return Err(Bad::Characters);
    }
    if expanded_year(v) {
        return Err(Bad::Date);
    }
    Ok(())
}

/// Check every key and value of an urlencoded string (a query or a form).
pub fn check_urlencoded(s: &[u8]) -> Result<(), Bad> {
    for (k, v) in url::form_urlencoded::parse(s) {
        check_value(&k)?;
        check_value(&v)?;
    }
    Ok(())
}

/// Check every string of a JSON document (keys too). Not JSON at all is left to the handler's own
/// rejection.
pub fn check_json(bytes: &[u8]) -> Result<(), Bad> {
    fn walk(v: &serde_json::Value) -> Result<(), Bad> {
        match v {
            serde_json::Value::String(s) => check_value(s),
            serde_json::Value::Array(a) => a.iter().try_for_each(walk),
            serde_json::Value::Object(o) => o.iter().try_for_each(|(k, v)| check_value(k).and_then(|_| walk(v))),
            _ => Ok(()),
        }
    }
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(v) => walk(&v),
        Err(_) => Ok(()),
    }
}

fn refusal(bad: Bad, api: bool) -> Response {
    let e = match bad {
        Bad::Characters => AppError::bad_request(
            "bad_characters",
            "输入中含有无效的控制字符，请删除后重试",
            "The input contains control characters",
        ),
        Bad::Date => AppError::bad_request("bad_date", "日期超出可接受的范围", "The date is out of range"),
    };
    if api { e.as_json().into_response() } else { e.into_response() }
}

pub async fn reject_bad_input(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let api = path.starts_with("/api/") || path.starts_with("/open311/");
    let decoded_path = percent_decode(path);
    if let Err(b) =
        check_value(&decoded_path).and_then(|_| check_urlencoded(req.uri().query().unwrap_or("").as_bytes()))
    {
        return refusal(b, api);
    }
    let ctype =
        req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let form = ctype.starts_with("application/x-www-form-urlencoded");
    let json = ctype.starts_with("application/json");
    if !form && !json {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_TEXT_BODY).await else {
        let e = AppError::too_large("提交的内容过大", "Request body too large");
        return if api { e.as_json().into_response() } else { e.into_response() };
    };
    let checked = if form { check_urlencoded(&bytes) } else { check_json(&bytes) };
    if let Err(b) = checked {
        return refusal(b, api);
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

fn percent_decode(p: &str) -> String {
    let mut out = Vec::with_capacity(p.len());
    let b = p.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_expanded_years_are_refused() {
        assert_eq!(check_value("张三\u{0}"), Err(Bad::Characters));
        assert_eq!(check_value("a\u{1b}[31m"), Err(Bad::Characters));
        assert_eq!(check_value("第一行\r\n第二行\t缩进"), Ok(()));
        assert_eq!(check_value("+262142-12-31"), Err(Bad::Date));
        assert_eq!(check_value("-10000-01-01"), Err(Bad::Date));
        assert_eq!(check_value("2026-12-31"), Ok(()));
        assert_eq!(check_value("13800138000"), Ok(()), "a phone number is not a year");
        assert_eq!(check_value("67295025-81a4-4d50-9128-84a892d855cc"), Ok(()), "a UUID is not a date");
        assert_eq!(check_value("262143-12"), Err(Bad::Date), "a month field");
        assert_eq!(check_value("+262142-12-31T00:00:00Z"), Err(Bad::Date));
        assert_eq!(check_value("123456-1-1"), Err(Bad::Date));
        assert_eq!(check_urlencoded(b"q=%00"), Err(Bad::Characters));
        assert_eq!(check_urlencoded(b"a=1&%00=2"), Err(Bad::Characters));
        assert_eq!(check_json(br#"{"text": "\u0000"}"#), Err(Bad::Characters));
        assert_eq!(check_json(br#"{"d": ["+262142-12-31"]}"#), Err(Bad::Date));
        assert_eq!(check_json(br#"{"text": "\\u0000 is how it is written"}"#), Ok(()));
        assert_eq!(check_json(b"not json"), Ok(()));
        assert_eq!(percent_decode("/people/%00x"), "/people/\u{0}x");
    }
}
