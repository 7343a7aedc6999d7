//! `/api/v1`: the OpenAPI document (generated from the handlers' annotations) and the audit API.
//! Capability APIs live in their own modules (`org::api`, `people::api`); this module lists them.

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
    paths(
        crate::auth::pages::me,
        crate::people::mydata::json,
        crate::org::api::list_projects,
        crate::org::api::get_node,
        crate::org::api::create_root,
        crate::org::api::create_child,
        crate::org::api::create_party_org,
        crate::org::api::get_household,
        crate::org::api::update_household,
        crate::people::api::search,
        crate::people::api::create_person,
        crate::people::api::get_person,
        crate::people::api::update_person,
        crate::people::api::reveal,
        crate::people::api::add_role,
        crate::people::api::remove_role,
        crate::people::api::add_member,
        crate::audit::api_list,
        crate::requests::api::list,
        crate::requests::api::create,
        crate::requests::api::get,
        crate::requests::api::act,
        crate::requests::api::add_photos,
        crate::requests::api::visits,
        crate::requests::api::categories,
        crate::requests::figures::api,
        crate::positions::api::centre,
        crate::positions::api::book,
        crate::positions::api::act,
        crate::positions::visits::figures_api,
        crate::positions::visits::checkin_api,
        crate::activities::api::list,
        crate::activities::api::signup,
        crate::activities::api::cancel,
        crate::activities::attendance::api::attend_api,
        crate::activities::attendance::api::mine_api,
        crate::activities::attendance::api::rankings_api,
        crate::volunteers::api::me,
        crate::volunteers::api::apply,
        crate::volunteers::api::decide,
        crate::volunteers::api::team,
        crate::volunteers::api::request_correction,
        crate::volunteers::api::decide_correction,
        crate::volunteers::api::catalogue,
        crate::volunteers::api::redeem,
        crate::volunteers::api::cancel,
        crate::volunteers::api::collect,
        crate::volunteers::api::award,
        crate::notify::pages::api_list,
        crate::notify::pages::api_read,
        openapi_json,
    ),
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
    vec![
        RouteDef::new("GET", "/api/v1/openapi.json", Access::Public, get(openapi_json)),
        RouteDef::new("GET", "/api/v1/audit", Access::Desk, get(crate::audit::api_list)),
        RouteDef::new("GET", "/audit", Access::Desk, get(crate::audit::page)),
    ]
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
