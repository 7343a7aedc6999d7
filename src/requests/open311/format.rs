//! Open311's two wire formats: one JSON value, written as JSON or as the spec's XML; and the JSON
//! shapes of discovery, a service, its definition and a request.

use axum::{
    http::header,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use chrono_tz::Asia::Shanghai;
use serde_json::{Value, json};

use super::{
    Format,
    store::{PublicRow, ServiceRow},
};
use crate::{
    app::AppState,
    requests::model::{Kind, State},
};

pub fn render(format: Format, root: &str, item: &str, v: &Value) -> Response {
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

pub fn xml_value(out: &mut String, name: &str, v: &Value) {
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

/// XML text and attributes use the site-wide escape (it drops what XML 1.0 cannot carry).
pub use crate::web::escape_html as escape;

/// W3C datetime in China time, e.g. `2026-11-28T10:00:00+08:00`.
pub fn w3c(t: DateTime<Utc>) -> String {
    t.with_timezone(&Shanghai).format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

pub fn service_json(s: &ServiceRow) -> Value {
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

pub fn discovery(state: &AppState) -> Value {
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

pub fn request_json(r: &PublicRow) -> Value {
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

pub fn service_definition(s: &ServiceRow) -> Value {
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
