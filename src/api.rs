//! `/api/v1/openapi.json`: the OpenAPI document — each capability's paths (its `capability().openapi`,
//! from the handlers' annotations) merged, with the common error answers added to every operation.

use axum::{Json, routing::get};
use utoipa::OpenApi;

use crate::{access::RouteDef, auth::model::Access};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "星火社区 Xinghuo API",
        version = "1",
        description = "Session cookie or `Authorization: Bearer <token>`. Errors are `{code, message, message_en}` with stable codes."
    ),
    paths(openapi_json),
    components(schemas(ErrorSchema))
)]
pub struct ApiDoc;

/// The error body every `/api/v1` error uses.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ErrorSchema {
    /// Stable code, e.g. `validation_failed`, `forbidden`, `not_found`.
    code: String,
    /// Chinese message.
    message: String,
    /// English message.
    message_en: String,
}

pub fn routes() -> Vec<RouteDef> {
    vec![RouteDef::new("GET", "/api/v1/openapi.json", Access::Public, get(openapi_json))]
}

/// Answers any operation may give besides its own, because they come from the layers every request
/// passes (boundary check, body limit, content type, authentication, CSRF and token scope, rate limit,
/// the heavy-work queue) — each with the common error body.
const COMMON_ERRORS: [(&str, &str); 10] = [
    ("400", "Malformed input, control characters or an impossible date (`bad_request`, `bad_characters`, `bad_date`)"),
    ("401", "Not signed in, or an invalid, expired or revoked token (`unauthorized`, `invalid_token`)"),
    (
        "403",
        "Not permitted, CSRF check failed, or a read-only token writing (`forbidden`, `csrf_failed`, `token_read_only`)",
    ),
    ("404", "No such record within the caller's scope (`not_found`)"),
    ("405", "Method not allowed (`method_not_allowed`)"),
    ("413", "Request body too large (`too_large`)"),
    ("415", "Unsupported content type (`unsupported_media_type`)"),
    ("422", "The submitted data is invalid (`validation_failed` and rule codes)"),
    ("429", "Too many requests; see `Retry-After` (`rate_limited`)"),
    ("503", "Busy with other uploads; see `Retry-After` (`busy`)"),
];

/// The document: the handlers' own annotations, with the common error answers added to every
/// operation that does not already describe them.
pub fn document() -> utoipa::openapi::OpenApi {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let mut doc = ApiDoc::openapi();
    for c in crate::capability::all() {
        doc.merge((c.openapi)());
    }
    let error = || ContentBuilder::new().schema(Some(RefOr::Ref(Ref::from_schema_name("ErrorSchema")))).build();
    for item in doc.paths.paths.values_mut() {
        let ops = [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete];
        for op in ops.into_iter().flatten() {
            for (status, what) in COMMON_ERRORS {
                let r = op.responses.responses.entry(status.to_string()).or_insert_with(|| {
                    RefOr::T(ResponseBuilder::new().description(what).content("application/json", error()).build())
                });
                // An annotation that named the status without a body gets the error body.
                if let RefOr::T(resp) = r
                    && resp.content.is_empty()
                {
                    resp.content.insert("application/json".into(), error());
                }
            }
        }
    }
    doc
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta", responses((status = 200, description = "OpenAPI 3 document")))]
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(document())
}

pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability::new("api", routes)
}

#[cfg(test)]
mod tests {
    /// Every `/api/v1` route in the route table is in the document, with its method — so a capability
    /// cannot add an API route and forget to list it in its `capability().openapi`.
    #[test]
    fn the_document_lists_every_api_route() {
        let doc = super::document();
        let mut missing = Vec::new();
        for (method, path, _) in crate::access::route_table() {
            if !path.starts_with("/api/v1") {
                continue;
            }
            let item = doc.paths.paths.get(path);
            let has = item.is_some_and(|i| match method {
                "GET" => i.get.is_some(),
                "POST" => i.post.is_some(),
                "PUT" => i.put.is_some(),
                "PATCH" => i.patch.is_some(),
                "DELETE" => i.delete.is_some(),
                _ => false,
            });
            if !has {
                missing.push(format!("{method} {path}"));
            }
        }
        assert!(missing.is_empty(), "not in the OpenAPI document: {missing:?}");
    }

    /// Every `$ref` in the document names a schema the document holds (typed ids, for one, are
    /// integers: inline, or a component that is there).
    #[test]
    fn every_reference_resolves() {
        fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(m) => {
                    for (k, x) in m {
                        match (k.as_str(), x) {
                            ("$ref", serde_json::Value::String(r)) => out.push(r.clone()),
                            _ => refs(x, out),
                        }
                    }
                }
                serde_json::Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
                _ => {}
            }
        }
        let doc = serde_json::to_value(super::document()).unwrap();
        let mut all = Vec::new();
        refs(&doc, &mut all);
        assert!(!all.is_empty());
        let dangling: Vec<&String> = all
            .iter()
            .filter(|r| {
                let name = r.trim_start_matches("#/components/schemas/");
                doc["components"]["schemas"].get(name).is_none()
            })
            .collect();
        assert!(dangling.is_empty(), "references to schemas the document lacks: {dangling:?}");
        let text = doc.to_string();
        assert!(!text.contains("\"ProjectId\"") || doc["components"]["schemas"]["ProjectId"]["type"] == "integer");
    }
}
