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

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    code: &'a str,
    message: &'a str,
    message_en: &'a str,
    fields: &'a [FieldError],
    login: bool,
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
        let page = ErrorPage {
            status: self.status.as_u16(),
            code: self.code,
            message: &self.zh,
            message_en: &self.en,
            fields: &self.fields,
            login: self.status == StatusCode::UNAUTHORIZED,
        };
        match page.render() {
            Ok(html) => (self.status, Html(html)).into_response(),
            Err(_) => (self.status, self.zh).into_response(),
        }
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
