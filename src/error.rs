//! One error type for the whole app.
//!
//! * `AppError` is what store, model and handler code returns. Client errors carry a stable `code`
//!   (e.g. `validation_failed`, `not_found`), a Chinese message and an English one. Internal causes are
//!   logged with context and shown only as a generic 500 — never database or anyhow text.
//! * Page handlers return `Result<_, AppError>`: it renders as an HTML page.
//! * API handlers return `Result<_, ApiError>`: the same error rendered as JSON `{code, message, message_en, fields}`.

use askama::Template;
use axum::{
    Json,
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

#[derive(Debug)]
pub struct AppError {
    pub status: StatusCode,
    pub code: &'static str,
    pub zh: String,
    pub en: String,
    pub fields: Vec<FieldError>,
    json: bool,
    /// Seconds, sent as `Retry-After` (429 and 503 answers).
    retry_after: Option<i64>,
}

pub type AppResult<T> = Result<T, AppError>;

/// Why a rule refuses a step now, as the plain models say it: a stable code and its words in both
/// languages. A use case turns it into a 409 with `?` (the `From` below).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

impl From<Refused> for AppError {
    fn from(r: Refused) -> Self {
        AppError::conflict(r.code, r.zh, r.en)
    }
}

impl AppError {
    pub fn new(status: StatusCode, code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self { status, code, zh: zh.into(), en: en.into(), fields: Vec::new(), json: false, retry_after: None }
    }
    pub fn bad_request(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, zh, en)
    }
    pub fn validation(fields: Vec<FieldError>) -> Self {
        let zh = fields.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join("；");
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            format!("提交的内容有误：{zh}"),
            "The submitted data is invalid",
        );
        e.fields = fields;
        e
    }
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::validation(vec![FieldError::new(field, message)])
    }
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "找不到该页面或记录", "Not found")
    }
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", "请先登录", "Authentication required")
    }
    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "您没有权限访问该内容", "You do not have permission")
    }
    pub fn conflict(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, zh, en)
    }
    pub fn too_large(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", zh, en)
    }
    pub fn csrf() -> Self {
        Self::new(StatusCode::FORBIDDEN, "csrf_failed", "页面已过期或来源无效，请刷新后重试", "CSRF check failed")
    }
    /// Log the cause; the client sees only a generic message.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "服务器内部错误，请稍后再试", "Internal server error")
    }
    /// Tell the client when to try again.
    pub fn retry_after(mut self, seconds: i64) -> Self {
        self.retry_after = Some(seconds.max(1));
        self
    }
    pub fn retry_after_secs(&self) -> Option<i64> {
        self.retry_after
    }
    pub fn as_json(mut self) -> Self {
        self.json = true;
        self
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::internal(format!("database: {e}"))
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        Self::internal(format!("{e:#}"))
    }
}

#[derive(Serialize)]
pub struct ErrorBody<'a> {
    pub code: &'a str,
    pub message: &'a str,
    pub message_en: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub fields: &'a [FieldError],
}

/// What a page error carries on its response, so the layer that knows the caller (language, large type,
/// navigation) can draw it inside the page layout: see [`dress`].
#[derive(Clone, Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub code: &'static str,
    pub zh: String,
    pub en: String,
    pub fields: Vec<FieldError>,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    c: crate::web::Chrome,
    status: u16,
    code: &'a str,
    message: &'a str,
    fields: &'a [FieldError],
    login: bool,
    /// Where 返回上一页 goes without scripts: the page the caller came from on this site.
    back: String,
}

/// Draw a page error inside the layout the caller sees everywhere else: header, navigation, their
/// language and large type. The message is in the caller's language only; a way back to the page they
/// came from (with scripts, history — so what was typed is still there) and home.
pub fn dress(resp: Response, ctx: &crate::auth::Ctx, referer: Option<&str>) -> Response {
    let Some(e) = resp.extensions().get::<PageError>().cloned() else { return resp };
    let en = ctx.lang == crate::web::i18n::Lang::En;
    let title = if en { e.en.clone() } else { crate::web::i18n::t(ctx.lang, "err.title").to_string() };
    let back = referer
        .and_then(|r| url::Url::parse(r).ok())
        .map(|u| {
            let mut path = u.path().to_string();
            if let Some(q) = u.query() {
                path.push('?');
                path.push_str(q);
            }
            path
        })
        .map(|p| crate::web::safe_next(Some(&p)))
        .filter(|p| *p != ctx.path)
        .unwrap_or_else(|| "/".into());
    let page = ErrorPage {
        c: crate::web::Chrome::new(ctx, title),
        status: e.status.as_u16(),
        code: e.code,
        message: if en { &e.en } else { &e.zh },
        fields: &e.fields,
        login: e.status == StatusCode::UNAUTHORIZED,
        back,
    };
    let (mut parts, _) = resp.into_parts();
    match page.render() {
        Ok(html) => {
            parts.headers.remove(axum::http::header::CONTENT_LENGTH);
            Response::from_parts(parts, axum::body::Body::from(html))
        }
        Err(_) => Response::from_parts(parts, axum::body::Body::from(e.zh)),
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let retry = self.retry_after;
        let mut resp = self.render();
        if let Some(s) = retry {
            resp.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(s));
        }
        resp
    }
}

impl AppError {
    fn render(self) -> Response {
        if self.json {
            let body = ErrorBody { code: self.code, message: &self.zh, message_en: &self.en, fields: &self.fields };
            return (self.status, Json(body)).into_response();
        }
        // A plain page here; the `authenticate` layer, which knows the caller, draws it in the layout.
        let lines: String =
            self.fields.iter().map(|f| format!("<li>{}</li>", crate::web::escape_html(&f.message))).collect();
        let html = format!(
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{} · 星火社区</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><main id=\"main\"><h1>{}</h1><ul>{}</ul><p><a class=\"button\" href=\"/\">返回首页</a></p><p class=\"muted\">错误代码：{} · HTTP {}</p></main></body></html>",
            self.status.as_u16(),
            crate::web::escape_html(&self.zh),
            lines,
            self.code,
            self.status.as_u16()
        );
        let mut resp = (self.status, Html(html)).into_response();
        resp.extensions_mut().insert(PageError {
            status: self.status,
            code: self.code,
            zh: self.zh,
            en: self.en,
            fields: self.fields,
        });
        resp
    }
}

/// The same error, rendered as JSON (for `/api/v1`).
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.as_json().into_response()
    }
}

pub type ApiResult<T> = Result<Json<T>, ApiError>;
