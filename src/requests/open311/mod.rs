//! Open311 GeoReport v2 (<https://wiki.open311.org/GeoReport_v2>) under `/open311/v2`, in `.json` and
//! `.xml`: discovery, services and their definitions, POST requests (API key per project, in the form
//! body or the query string), GET requests with the spec's filters, one request, and tokens.
//!
//! Mapping: each request category is a service (`service_code` = the category id, `group` = the
//! project); the project is the jurisdiction (`jurisdiction_id` = project id or code). States map to
//! `open`/`closed`, with the Chinese state in `status_notes`. GETs need no key, as in the spec, so they
//! only ever show requests about public areas (no household), never voided ones, and never a name,
//! phone, household or photo.

mod format;
pub mod store;

use crate::ids::*;
use axum::{
    body::Bytes,
    extract::{Path, RawQuery, State as AxState},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::model::{Channel, Kind};
use crate::{app::AppState, error::AppError};
pub use format::escape;
use format::*;
pub use store::{KeyRow, create_key, key_by_id, keys, revoke_key};

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
async fn jurisdiction(state: &AppState, ps: &[(String, String)], f: Format) -> Result<Option<ProjectId>, O311Error> {
    let Some(j) = param(ps, "jurisdiction_id") else { return Ok(None) };
    match store::project_by_jurisdiction(&state.db.read, j).await.map_err(internal(f))? {
        Some(p) => Ok(Some(p)),
        None => Err(O311Error::new(StatusCode::NOT_FOUND, format!("jurisdiction_id {j} not found"), f)),
    }
}

fn parse_w3c(s: &str, name: &str, f: Format) -> Result<DateTime<Utc>, O311Error> {
    DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).map_err(|_| {
        O311Error::new(StatusCode::BAD_REQUEST, format!("{name} must be a W3C datetime, e.g. 2026-11-01T00:00:00Z"), f)
    })
}

async fn list_requests(state: &AppState, ps: &[(String, String)], f: Format) -> O311Result {
    let project = jurisdiction(state, ps, f).await?;
    let now = state.clock.now();
    let mut filter = store::PublicFilter {
        project,
        ids: None,
        codes: None,
        start: now - Duration::days(90),
        end: now + Duration::days(1),
        open: None,
    };
    if let Some(ids) = param(ps, "service_request_id") {
        // Overrides every other filter.
        let ids: Vec<i64> = ids.split(',').filter_map(|s| s.trim().parse().ok()).take(store::MAX_RESULTS).collect();
        if ids.is_empty() {
            return Err(O311Error::new(StatusCode::BAD_REQUEST, "service_request_id must list request ids", f));
        }
        filter.ids = Some(ids);
    } else {
        if let Some(codes) = param(ps, "service_code") {
            let codes: Vec<i64> = codes.split(',').filter_map(|s| s.trim().parse().ok()).collect();
            if codes.is_empty() {
                return Err(O311Error::new(StatusCode::BAD_REQUEST, "service_code not found", f));
            }
            filter.codes = Some(codes);
        }
        let end = param(ps, "end_date").map(|s| parse_w3c(s, "end_date", f)).transpose()?;
        let start = param(ps, "start_date").map(|s| parse_w3c(s, "start_date", f)).transpose()?;
        // Default and longest window: 90 days (the default reaches a day ahead for clock skew).
        let asked = start.is_some() || end.is_some();
        let (start, end) = match (start, end) {
            (Some(s), Some(e)) => (s, e),
            (Some(s), None) => (s, s + Duration::days(90)),
            (None, Some(e)) => (e - Duration::days(90), e),
            (None, None) => (filter.start, filter.end),
        };
        if asked && (end < start || end - start > Duration::days(90)) {
            return Err(O311Error::new(
                StatusCode::BAD_REQUEST,
                "start_date and end_date must be in order and span at most 90 days",
                f,
            ));
        }
        (filter.start, filter.end) = (start, end);
        if let Some(status) = param(ps, "status") {
            let want: Vec<&str> = status.split(',').map(str::trim).collect();
            let open = want.contains(&"open");
            let closed = want.contains(&"closed");
            if !open && !closed || want.iter().any(|s| *s != "open" && *s != "closed") {
                return Err(O311Error::new(StatusCode::BAD_REQUEST, "status must be open, closed or both", f));
            }
            filter.open = (open != closed).then_some(open);
        }
    }
    let rows = store::public_requests(&state.db.read, &filter).await.map_err(internal(f))?;
    Ok(render(f, "service_requests", "request", &Value::Array(rows.iter().map(request_json).collect())))
}

async fn one_request(state: &AppState, id: &str, f: Format) -> O311Result {
    let not_found = || O311Error::new(StatusCode::NOT_FOUND, format!("service_request_id {id} not found"), f);
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let row = store::public_request(&state.db.read, id).await.map_err(internal(f))?.ok_or_else(not_found)?;
    Ok(render(f, "service_requests", "request", &json!([request_json(&row)])))
}

async fn create_request(state: &AppState, ctx: &crate::auth::Ctx, ps: &[(String, String)], f: Format) -> O311Result {
    let bad = |m: &str| O311Error::new(StatusCode::BAD_REQUEST, m, f);
    let key = param(ps, "api_key").ok_or_else(|| O311Error::new(StatusCode::FORBIDDEN, "api_key is required", f))?;
    let key = store::key_for(&state.db.read, key)
        .await
        .map_err(internal(f))?
        .ok_or_else(|| O311Error::new(StatusCode::FORBIDDEN, "api_key is invalid or revoked", f))?;
    let code = param(ps, "service_code").ok_or_else(|| bad("service_code is required"))?;
    let category = match code.parse::<i64>() {
        Ok(id) => super::store::category(&state.db.read, id).await.map_err(internal(f))?,
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
        unit_id: None,
        spot_id: None,
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
            let list: Vec<Value> = store::services_of(&state.db.read, project)
                .await
                .map_err(internal(f))?
                .iter()
                .map(service_json)
                .collect();
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
    let s = store::services_of(&state.db.read, project)
        .await
        .map_err(internal(f))?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(not_found)?;
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
    let id = store::request_by_token(&state.db.read, token)
        .await
        .map_err(internal(f))?
        .ok_or_else(|| O311Error::new(StatusCode::NOT_FOUND, format!("token {token} not found"), f))?;
    Ok(render(f, "service_requests", "request", &json!([{ "service_request_id": id.to_string(), "token": token }])))
}

#[cfg(test)]
mod tests {
    use super::{format::xml_value, *};

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
