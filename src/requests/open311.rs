//! Open311 GeoReport v2 (<https://wiki.open311.org/GeoReport_v2>) under `/open311/v2`, in `.json` and
//! `.xml`: discovery, services and their definitions, POST requests (API key per project, in the form
//! body or the query string), GET requests with the spec's filters, one request, and tokens.
//!
//! Mapping: each request category is a service (`service_code` = the category id, `group` = the
//! project); the project is the jurisdiction (`jurisdiction_id` = project id or code). States map to
//! `open`/`closed`, with the Chinese state in `status_notes`. GETs need no key, as in the spec, so they
//! only ever show requests about public areas (no household), never voided ones, and never a name,
//! phone, household or photo.

use axum::{
    body::Bytes,
    extract::{Path, RawQuery, State as AxState},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Asia::Shanghai;
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde_json::{Value, json};

use super::{
    model::{Channel, Kind, State},
    store,
};
use crate::{app::AppState, db, error::AppError, params};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

/// `discovery.json` → (`discovery`, Json). Anything else is not an Open311 resource.
pub fn split_format(file: &str) -> Option<(&str, Format)> {
    let (stem, ext) = file.rsplit_once('.')?;
    let f = match ext {
        "json" => Format::Json,
        "xml" => Format::Xml,
        _ => return None,
    };
    (!stem.is_empty()).then_some((stem, f))
}

/// An Open311 error: the spec's list of `{code, description}`.
#[derive(Debug)]
pub struct O311Error {
    pub status: StatusCode,
    pub description: String,
    pub format: Format,
}

impl O311Error {
    fn new(status: StatusCode, description: impl Into<String>, format: Format) -> Self {
        Self { status, description: description.into(), format }
    }
}

impl IntoResponse for O311Error {
    fn into_response(self) -> Response {
        let body = json!([{ "code": self.status.as_u16(), "description": self.description }]);
        let mut r = render(self.format, "errors", "error", &body);
        *r.status_mut() = self.status;
        r
    }
}

type O311Result = Result<Response, O311Error>;

fn internal(format: Format) -> impl Fn(AppError) -> O311Error {
    move |e| {
        if e.status.is_server_error() {
            tracing::error!(code = e.code, "open311 failed");
            O311Error::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error", format)
        } else {
            O311Error::new(e.status, e.en.clone(), format)
        }
    }
}

fn db_err(format: Format) -> impl Fn(sea_orm::DbErr) -> O311Error {
    move |e| internal(format)(AppError::from(e))
}

// ---------- rendering: one JSON value, written as JSON or as the spec's XML ----------

fn render(format: Format, root: &str, item: &str, v: &Value) -> Response {
    match format {
        Format::Json => ([(header::CONTENT_TYPE, "application/json; charset=utf-8")], v.to_string()).into_response(),
        Format::Xml => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
            match v {
                Value::Array(items) => {
                    out.push_str(&format!("<{root}>"));
                    for i in items {
                        xml_value(&mut out, item, i);
                    }
                    out.push_str(&format!("</{root}>"));
                }
                other => xml_value(&mut out, root, other),
            }
            ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], out).into_response()
        }
    }
}

/// The element name of one item of a list called `plural` (`attributes` → `attribute`).
fn singular(plural: &str) -> &str {
    match plural {
        "attributes" => "attribute",
        "values" => "value",
        "endpoints" => "endpoint",
        "formats" => "format",
        other => other.strip_suffix('s').unwrap_or(other),
    }
}

fn xml_value(out: &mut String, name: &str, v: &Value) {
    match v {
        Value::Null => out.push_str(&format!("<{name}/>")),
        Value::Array(items) => {
            out.push_str(&format!("<{name}>"));
            for i in items {
                xml_value(out, singular(name), i);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::Object(m) => {
            out.push_str(&format!("<{name}>"));
            for (k, v) in m {
                xml_value(out, k, v);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::String(s) => out.push_str(&format!("<{name}>{}</{name}>", escape(s))),
        Value::Bool(b) => out.push_str(&format!("<{name}>{b}</{name}>")),
        Value::Number(n) => out.push_str(&format!("<{name}>{n}</{name}>")),
    }
}

pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => o.push(c),
        }
    }
    o
}

/// W3C datetime in China time, e.g. `2026-11-28T10:00:00+08:00`.
fn w3c(t: DateTime<Utc>) -> String {
    t.with_timezone(&Shanghai).format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

// ---------- API keys ----------

#[derive(Debug, Clone, FromQueryResult)]
pub struct KeyRow {
    pub id: i64,
    pub project_id: i64,
    pub label: String,
    pub key_prefix: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Issue a key for a project. Returns (id, the key) — the key is shown once; only its SHA-256 is kept.
pub async fn create_key(
    conn: &impl ConnectionTrait,
    project_id: i64,
    label: &str,
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(i64, String), AppError> {
    let key = format!("xh311_{}", crate::auth::random_token(24));
    let id = db::insert_id(
        conn,
        "INSERT INTO open311_keys (project_id, label, key_hash, key_prefix, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        params![project_id, label, crate::auth::sha256_hex(&key), key[..10].to_string(), created_by, now],
    )
    .await?;
    Ok((id, key))
}

pub async fn revoke_key(conn: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<bool, AppError> {
    Ok(db::exec(conn, "UPDATE open311_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", params![now, id])
        .await?
        .rows_affected()
        == 1)
}

pub async fn keys(conn: &impl ConnectionTrait, projects: &[i64]) -> Result<Vec<KeyRow>, AppError> {
    if projects.is_empty() {
        return Ok(vec![]);
    }
    Ok(db::all(
        conn,
        &format!(
            "SELECT id, project_id, label, key_prefix, created_at, revoked_at FROM open311_keys \
             WHERE project_id IN ({}) ORDER BY id DESC",
            db::placeholders(1, projects.len())
        ),
        projects.iter().map(|p| (*p).into()).collect(),
    )
    .await?)
}

pub async fn key_by_id(conn: &impl ConnectionTrait, id: i64) -> Result<Option<KeyRow>, AppError> {
    Ok(db::one(
        conn,
        "SELECT id, project_id, label, key_prefix, created_at, revoked_at FROM open311_keys WHERE id = $1",
        params![id],
    )
    .await?)
}

async fn key_for(conn: &impl ConnectionTrait, key: &str) -> Result<Option<KeyRow>, AppError> {
    Ok(db::one(
        conn,
        "SELECT id, project_id, label, key_prefix, created_at, revoked_at FROM open311_keys \
         WHERE key_hash = $1 AND revoked_at IS NULL",
        params![crate::auth::sha256_hex(key.trim())],
    )
    .await?)
}

// ---------- resources ----------

/// Parameters from the query string and (for POST) the form body; the body wins.
fn params_of(query: Option<&str>, body: Option<&[u8]>) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = query.and_then(|q| serde_urlencoded::from_str(q).ok()).unwrap_or_default();
    if let Some(b) = body
        && let Ok(more) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(b)
    {
        v.extend(more);
    }
    v
}

fn param<'a>(ps: &'a [(String, String)], name: &str) -> Option<&'a str> {
    ps.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
}

/// `jurisdiction_id` (project id or code) → the project, or every project when absent.
async fn jurisdiction(state: &AppState, ps: &[(String, String)], f: Format) -> Result<Option<i64>, O311Error> {
    let Some(j) = param(ps, "jurisdiction_id") else { return Ok(None) };
    let row: Option<db::IdRow> = db::one(
        &state.db.read,
        "SELECT id FROM org_nodes WHERE kind = 'project' AND (id = $1 OR code = $2)",
        params![j.parse::<i64>().unwrap_or(-1), j],
    )
    .await
    .map_err(db_err(f))?;
    match row {
        Some(p) => Ok(Some(p.id)),
        None => Err(O311Error::new(StatusCode::NOT_FOUND, format!("jurisdiction_id {j} not found"), f)),
    }
}

#[derive(FromQueryResult)]
struct ServiceRow {
    id: i64,
    name: String,
    project_name: String,
    respond_minutes: i32,
    complete_hours: i32,
}

async fn services_of(state: &AppState, project: Option<i64>, f: Format) -> Result<Vec<ServiceRow>, O311Error> {
    db::all(
        &state.db.read,
        "SELECT c.id, c.name, p.name AS project_name, c.respond_minutes, c.complete_hours \
         FROM request_categories c JOIN org_nodes p ON p.id = c.project_id \
         WHERE ($1 IS NULL OR c.project_id = $1) ORDER BY c.project_id, c.id",
        params![project],
    )
    .await
    .map_err(db_err(f))
}

fn service_json(s: &ServiceRow) -> Value {
    json!({
        "service_code": s.id.to_string(),
        "service_name": s.name,
        "description": format!("{} · {}（{}分钟内响应，{}小时内办结）", s.project_name, s.name, s.respond_minutes, s.complete_hours),
        "metadata": true,
        "type": "realtime",
        "keywords": format!("{},{}", s.name, s.project_name),
        "group": s.project_name,
    })
}

fn discovery(state: &AppState) -> Value {
    let base = format!("{}/open311/v2", state.config.public_url.trim_end_matches('/'));
    json!({
        "changeset": "2026-11-28T00:00:00+08:00",
        "contact": "星火社区 Xinghuo — 物业客服中心",
        "key_service": "API keys are issued per project by its project manager (页面：诉求 › Open311 密钥).",
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": base,
            "changeset": "2026-11-28T00:00:00+08:00",
            "type": "production",
            "formats": ["application/json", "text/xml"],
        }],
    })
}

#[derive(FromQueryResult)]
struct PublicRow {
    id: i64,
    category_id: i64,
    category_name: String,
    project_name: String,
    state: String,
    description: String,
    location_text: Option<String>,
    lat: Option<f64>,
    lng: Option<f64>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    complete_by: DateTime<Utc>,
}

/// Public-area requests only, never voided ones; no personal fields are selected at all.
const PUBLIC_SELECT: &str = "SELECT r.id, r.category_id, c.name AS category_name, p.name AS project_name, r.state, \
     r.description, r.location_text, r.lat, r.lng, r.created_at, r.updated_at, r.complete_by \
     FROM requests r JOIN request_categories c ON c.id = r.category_id JOIN org_nodes p ON p.id = r.project_id \
     WHERE r.household_id IS NULL AND r.state <> 'voided'";

fn request_json(r: &PublicRow) -> Value {
    let st = State::parse(&r.state).unwrap_or(State::Pending);
    json!({
        "service_request_id": r.id.to_string(),
        "status": st.open311_status(),
        "status_notes": st.zh(),
        "service_name": r.category_name,
        "service_code": r.category_id.to_string(),
        "description": r.description,
        "agency_responsible": format!("{}物业服务中心", r.project_name),
        "service_notice": Value::Null,
        "requested_datetime": w3c(r.created_at),
        "updated_datetime": w3c(r.updated_at),
        "expected_datetime": w3c(r.complete_by),
        "address": r.location_text,
        "address_id": Value::Null,
        "zipcode": Value::Null,
        "lat": r.lat,
        "long": r.lng,
        "media_url": Value::Null,
    })
}

fn parse_w3c(s: &str, name: &str, f: Format) -> Result<DateTime<Utc>, O311Error> {
    DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).map_err(|_| {
        O311Error::new(StatusCode::BAD_REQUEST, format!("{name} must be a W3C datetime, e.g. 2026-11-01T00:00:00Z"), f)
    })
}

/// The most requests one GET returns (the spec leaves the limit to the server).
pub const MAX_RESULTS: usize = 1000;

async fn list_requests(state: &AppState, ps: &[(String, String)], f: Format) -> O311Result {
    let project = jurisdiction(state, ps, f).await?;
    let mut values: Vec<sea_orm::Value> = Vec::new();
    let mut sql = PUBLIC_SELECT.to_string();
    if let Some(p) = project {
        values.push(p.into());
        sql.push_str(&format!(" AND r.project_id = ${}", values.len()));
    }
    if let Some(ids) = param(ps, "service_request_id") {
        // Overrides every other filter.
        let ids: Vec<i64> = ids.split(',').filter_map(|s| s.trim().parse().ok()).take(MAX_RESULTS).collect();
        if ids.is_empty() {
            return Err(O311Error::new(StatusCode::BAD_REQUEST, "service_request_id must list request ids", f));
        }
        sql.push_str(&format!(" AND r.id IN ({})", db::placeholders(values.len() + 1, ids.len())));
        values.extend(ids.into_iter().map(Into::into));
    } else {
        if let Some(codes) = param(ps, "service_code") {
            let codes: Vec<i64> = codes.split(',').filter_map(|s| s.trim().parse().ok()).collect();
            if codes.is_empty() {
                return Err(O311Error::new(StatusCode::BAD_REQUEST, "service_code not found", f));
            }
            sql.push_str(&format!(" AND r.category_id IN ({})", db::placeholders(values.len() + 1, codes.len())));
            values.extend(codes.into_iter().map(Into::into));
        }
        let now = state.clock.now();
        let end = param(ps, "end_date").map(|s| parse_w3c(s, "end_date", f)).transpose()?;
        let start = param(ps, "start_date").map(|s| parse_w3c(s, "start_date", f)).transpose()?;
        // Default and longest window: 90 days (the default reaches a day ahead for clock skew).
        let asked = start.is_some() || end.is_some();
        let (start, end) = match (start, end) {
            (Some(s), Some(e)) => (s, e),
            (Some(s), None) => (s, s + Duration::days(90)),
            (None, Some(e)) => (e - Duration::days(90), e),
            (None, None) => (now - Duration::days(90), now + Duration::days(1)),
        };
        if asked && (end < start || end - start > Duration::days(90)) {
            return Err(O311Error::new(
                StatusCode::BAD_REQUEST,
                "start_date and end_date must be in order and span at most 90 days",
                f,
            ));
        }
        values.push(start.into());
        values.push(end.into());
        sql.push_str(&format!(" AND r.created_at >= ${} AND r.created_at <= ${}", values.len() - 1, values.len()));
        if let Some(status) = param(ps, "status") {
            let want: Vec<&str> = status.split(',').map(str::trim).collect();
            let open = want.contains(&"open");
            let closed = want.contains(&"closed");
            if !open && !closed || want.iter().any(|s| *s != "open" && *s != "closed") {
                return Err(O311Error::new(StatusCode::BAD_REQUEST, "status must be open, closed or both", f));
            }
            if open && !closed {
                sql.push_str(" AND r.state <> 'closed'");
            } else if closed && !open {
                sql.push_str(" AND r.state = 'closed'");
            }
        }
    }
    sql.push_str(&format!(" ORDER BY r.id DESC LIMIT {MAX_RESULTS}"));
    let rows: Vec<PublicRow> = db::all(&state.db.read, &sql, values).await.map_err(db_err(f))?;
    Ok(render(f, "service_requests", "request", &Value::Array(rows.iter().map(request_json).collect())))
}

async fn one_request(state: &AppState, id: &str, f: Format) -> O311Result {
    let not_found = || O311Error::new(StatusCode::NOT_FOUND, format!("service_request_id {id} not found"), f);
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let row: Option<PublicRow> =
        db::one(&state.db.read, &format!("{PUBLIC_SELECT} AND r.id = $1"), params![id]).await.map_err(db_err(f))?;
    let row = row.ok_or_else(not_found)?;
    Ok(render(f, "service_requests", "request", &json!([request_json(&row)])))
}

async fn create_request(state: &AppState, ctx: &crate::auth::Ctx, ps: &[(String, String)], f: Format) -> O311Result {
    let bad = |m: &str| O311Error::new(StatusCode::BAD_REQUEST, m, f);
    let key = param(ps, "api_key").ok_or_else(|| O311Error::new(StatusCode::FORBIDDEN, "api_key is required", f))?;
    let key = key_for(&state.db.read, key)
        .await
        .map_err(internal(f))?
        .ok_or_else(|| O311Error::new(StatusCode::FORBIDDEN, "api_key is invalid or revoked", f))?;
    let code = param(ps, "service_code").ok_or_else(|| bad("service_code is required"))?;
    let category = match code.parse::<i64>() {
        Ok(id) => store::category(&state.db.read, id).await.map_err(internal(f))?,
        Err(_) => None,
    }
    .ok_or_else(|| bad(&format!("service_code {code} not found")))?;
    if category.project_id != key.project_id {
        return Err(O311Error::new(StatusCode::FORBIDDEN, "this api_key may not report to this service_code", f));
    }
    let description = crate::text::normalize(param(ps, "description").unwrap_or_default());
    if !(5..=1000).contains(&description.chars().count()) {
        return Err(bad("description is required (5 to 1000 characters)"));
    }
    let coord = |n: &str| param(ps, n).map(|v| v.parse::<f64>().map_err(|_| bad(&format!("{n} must be a number"))));
    let (lat, lng) = match (coord("lat").transpose()?, coord("long").transpose()?) {
        (Some(a), Some(b)) if (-90.0..=90.0).contains(&a) && (-180.0..=180.0).contains(&b) => (Some(a), Some(b)),
        (None, None) => (None, None),
        _ => return Err(bad("lat and long must be given together and be valid WGS-84 coordinates")),
    };
    let address = param(ps, "address_string").map(crate::text::normalize);
    let location = match (&address, lat, lng) {
        (Some(a), _, _) if a.chars().count() <= 200 => a.clone(),
        (Some(_), _, _) => return Err(bad("address_string is too long (200 characters at most)")),
        (None, Some(a), Some(b)) => format!("{a:.6},{b:.6}"),
        _ => return Err(bad("a location is required: lat and long, or address_string")),
    };
    let kind = match param(ps, "attribute[kind]") {
        Some(k) => Kind::parse(k).ok_or_else(|| bad("attribute[kind] is not one of the listed values"))?,
        None => Kind::Repair,
    };
    let token = uuid::Uuid::new_v4().simple().to_string();
    let filing = super::actions::Filing {
        category: &category,
        kind,
        channel: Channel::Open311,
        description,
        household_id: None,
        building_id: None,
        location_text: Some(location),
        reporter_person_id: None,
        created_by: None,
        lat,
        lng,
        open311_token: Some(token.clone()),
        actor: format!("Open311（{}）", key.label),
        audit_detail: format!("密钥 {}…", key.key_prefix),
    };
    let id = super::actions::file(state, ctx, filing, Vec::new()).await.map_err(internal(f))?;
    let notice = format!("已受理，{}分钟内响应", category.respond_minutes);
    Ok(render(
        f,
        "service_requests",
        "request",
        &json!([{ "service_request_id": id.to_string(), "token": token, "service_notice": notice, "account_id": Value::Null }]),
    ))
}

fn service_definition(s: &ServiceRow) -> Value {
    let values: Vec<Value> = Kind::ALL.iter().map(|k| json!({ "key": k.as_str(), "name": k.zh() })).collect();
    json!({
        "service_code": s.id.to_string(),
        "attributes": [{
            "variable": true,
            "code": "kind",
            "datatype": "singlevaluelist",
            "required": false,
            "datatype_description": "诉求类型，默认报事报修",
            "order": 1,
            "description": "诉求类型（报事报修、投诉、建议、咨询、表扬）",
            "values": values,
        }],
    })
}

// ---------- handlers ----------

fn unknown(file: &str) -> O311Error {
    let f = if file.ends_with(".xml") { Format::Xml } else { Format::Json };
    O311Error::new(StatusCode::NOT_FOUND, "no such Open311 resource", f)
}

/// `GET /open311/v2/{discovery|services|requests}.{json|xml}`
pub async fn get_root(
    AxState(state): AxState<AppState>,
    Path(file): Path<String>,
    RawQuery(q): RawQuery,
) -> O311Result {
    let (stem, f) = split_format(&file).ok_or_else(|| unknown(&file))?;
    let ps = params_of(q.as_deref(), None);
    match stem {
        "discovery" => Ok(render(f, "discovery", "discovery", &discovery(&state))),
        "services" => {
            let project = jurisdiction(&state, &ps, f).await?;
            let list: Vec<Value> = services_of(&state, project, f).await?.iter().map(service_json).collect();
            Ok(render(f, "services", "service", &Value::Array(list)))
        }
        "requests" => list_requests(&state, &ps, f).await,
        _ => Err(unknown(&file)),
    }
}

/// `POST /open311/v2/requests.{json|xml}` (form-encoded; the key in the body or the query string).
pub async fn post_root(
    AxState(state): AxState<AppState>,
    axum::Extension(ctx): axum::Extension<crate::auth::Ctx>,
    Path(file): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> O311Result {
    let (stem, f) = split_format(&file).ok_or_else(|| unknown(&file))?;
    if stem != "requests" {
        return Err(unknown(&file));
    }
    let ps = params_of(q.as_deref(), Some(&body));
    create_request(&state, &ctx, &ps, f).await
}

/// `GET /open311/v2/services/{code}.{json|xml}`: the service definition.
pub async fn get_service(
    AxState(state): AxState<AppState>,
    Path(file): Path<String>,
    RawQuery(q): RawQuery,
) -> O311Result {
    let (code, f) = split_format(&file).ok_or_else(|| unknown(&file))?;
    let ps = params_of(q.as_deref(), None);
    let project = jurisdiction(&state, &ps, f).await?;
    let not_found = || O311Error::new(StatusCode::NOT_FOUND, format!("service_code {code} not found"), f);
    let id: i64 = code.parse().map_err(|_| not_found())?;
    let s = services_of(&state, project, f).await?.into_iter().find(|s| s.id == id).ok_or_else(not_found)?;
    Ok(render(f, "service_definition", "service_definition", &service_definition(&s)))
}

/// `GET /open311/v2/requests/{id}.{json|xml}`: one request, as a one-element list.
pub async fn get_request(AxState(state): AxState<AppState>, Path(file): Path<String>) -> O311Result {
    let (id, f) = split_format(&file).ok_or_else(|| unknown(&file))?;
    one_request(&state, id, f).await
}

/// `GET /open311/v2/tokens/{token}.{json|xml}`: the request id a POST's token stands for.
pub async fn get_token(AxState(state): AxState<AppState>, Path(file): Path<String>) -> O311Result {
    let (token, f) = split_format(&file).ok_or_else(|| unknown(&file))?;
    let row = db::one::<db::IdRow>(&state.db.read, "SELECT id FROM requests WHERE open311_token = $1", params![token])
        .await
        .map_err(db_err(f))?
        .ok_or_else(|| O311Error::new(StatusCode::NOT_FOUND, format!("token {token} not found"), f))?;
    Ok(render(f, "service_requests", "request", &json!([{ "service_request_id": row.id.to_string(), "token": token }])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_carry_their_format_in_the_name() {
        assert_eq!(split_format("services.json"), Some(("services", Format::Json)));
        assert_eq!(split_format("42.xml"), Some(("42", Format::Xml)));
        assert_eq!(split_format("a.b.json"), Some(("a.b", Format::Json)));
        assert_eq!(split_format("services"), None);
        assert_eq!(split_format("services.html"), None);
        assert_eq!(split_format(".json"), None);
    }

    #[test]
    fn xml_escapes_text_and_names_list_items_in_the_singular() {
        assert_eq!(escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
        let mut out = String::new();
        xml_value(&mut out, "service_definition", &json!({"attributes": [{"values": [{"key": "k"}]}]}));
        assert_eq!(
            out,
            "<service_definition><attributes><attribute><values><value><key>k</key></value></values></attribute></attributes></service_definition>"
        );
    }
}
