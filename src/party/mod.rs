//! C5 Party building, first part: Party organisations as a tree (党委 › 党总支 › 党支部 › 党小组, each
//! attached to an org node), members with their history (登记, 组织关系转接), the committee's posts and
//! the 条例's size rules as warnings. Rules in `model.rs`; meetings (组织生活), dues (党费), brands,
//! 联系户 and 先锋岗 (`contacts`) and 党员积分 (`score`) in their own folders.

pub mod actions;
pub mod api;
pub mod brands;
pub mod contacts;
pub mod dues;
pub mod jobs;
pub mod meetings;
pub mod model;
pub mod pages;
pub mod score;
pub mod store;

use axum::routing::{get, post};

use crate::{access::RouteDef, auth::model::Access};

pub fn routes() -> Vec<RouteDef> {
    vec![
        RouteDef::new("GET", "/party", Access::Authenticated, get(pages::list)),
        RouteDef::new("GET", "/party/orgs/{id}", Access::Authenticated, get(pages::org_page)),
        RouteDef::new("POST", "/party/orgs/{id}/children", Access::Authenticated, post(pages::create_child)),
        RouteDef::new("POST", "/party/orgs/{id}/members", Access::Authenticated, post(pages::add_member)),
        RouteDef::new("POST", "/party/orgs/{id}/posts", Access::Authenticated, post(pages::add_post)),
        RouteDef::new("POST", "/party/memberships/{id}/transfer", Access::Authenticated, post(pages::transfer)),
        RouteDef::new("POST", "/party/posts/{id}/end", Access::Authenticated, post(pages::end_post)),
        RouteDef::new("GET", "/party/orgs/{id}/meetings", Access::Authenticated, get(meetings::pages::meetings_page)),
        RouteDef::new("POST", "/party/orgs/{id}/meetings", Access::Authenticated, post(meetings::pages::record)),
        RouteDef::new("POST", "/party/orgs/{id}/meetings/plan", Access::Authenticated, post(meetings::pages::plan)),
        RouteDef::new("GET", "/party/meetings/{id}", Access::Authenticated, get(meetings::pages::meeting_page)),
        RouteDef::new("POST", "/party/meetings/{id}/photos", Access::Authenticated, post(meetings::pages::add_photos)),
        RouteDef::new(
            "GET",
            "/party/meetings/{id}/photos/{photo}",
            Access::Authenticated,
            get(meetings::pages::meeting_photo),
        ),
        RouteDef::new(
            "POST",
            "/api/v1/party/orgs/{id}/meetings/planned",
            Access::Authenticated,
            post(meetings::pages::api_plan),
        ),
        RouteDef::new(
            "GET",
            "/api/v1/party/orgs/{id}/meetings",
            Access::Authenticated,
            get(meetings::pages::api_meetings),
        ),
        RouteDef::new("GET", "/api/v1/party/meetings/{id}", Access::Authenticated, get(meetings::pages::api_meeting)),
        RouteDef::new(
            "GET",
            "/api/v1/party/orgs/{id}/compliance",
            Access::Authenticated,
            get(meetings::pages::api_board),
        ),
        RouteDef::new(
            "POST",
            "/api/v1/party/orgs/{id}/meetings",
            Access::Authenticated,
            post(meetings::pages::api_record),
        ),
        RouteDef::new("GET", "/party/orgs/{id}/dues", Access::Authenticated, get(dues::pages::ledger_page)),
        RouteDef::new("POST", "/party/orgs/{id}/dues/basis", Access::Authenticated, post(dues::pages::set_basis)),
        RouteDef::new(
            "POST",
            "/party/orgs/{id}/dues/payments",
            Access::Authenticated,
            post(dues::pages::record_payment),
        ),
        RouteDef::new("GET", "/party/me", Access::Authenticated, get(dues::pages::me_page)),
        RouteDef::new("POST", "/party/me/report", Access::Authenticated, post(dues::pages::report)),
        RouteDef::new("POST", "/party/orgs/{id}/brand", Access::Authenticated, post(brands::pages::save)),
        RouteDef::new("GET", "/brands", Access::Public, get(brands::pages::brands_page)),
        RouteDef::new("GET", "/brands/{id}", Access::Public, get(brands::pages::brand_page)),
        RouteDef::new("GET", "/brands/{id}/photos/{photo}", Access::Public, get(brands::pages::brand_photo)),
        RouteDef::new("GET", "/api/v1/brands", Access::Public, get(brands::pages::api_brands)),
        RouteDef::new("GET", "/api/v1/party/me", Access::Authenticated, get(dues::pages::api_me)),
        RouteDef::new("GET", "/party/orgs/{id}/contacts", Access::Authenticated, get(contacts::pages::contacts_page)),
        RouteDef::new("POST", "/party/orgs/{id}/contacts", Access::Authenticated, post(contacts::pages::link)),
        RouteDef::new("POST", "/party/contacts/{id}/end", Access::Authenticated, post(contacts::pages::unlink)),
        RouteDef::new("POST", "/party/contacts/{id}/visits", Access::Authenticated, post(contacts::pages::visit)),
        RouteDef::new("POST", "/party/orgs/{id}/stations", Access::Authenticated, post(contacts::pages::add_station)),
        RouteDef::new("POST", "/party/stations/{id}/end", Access::Authenticated, post(contacts::pages::end_station)),
        RouteDef::new(
            "GET",
            "/api/v1/party/orgs/{id}/contacts",
            Access::Authenticated,
            get(contacts::pages::api_contacts),
        ),
        RouteDef::new(
            "POST",
            "/api/v1/party/contacts/{id}/visits",
            Access::Authenticated,
            post(contacts::pages::api_visit),
        ),
        RouteDef::new("GET", "/party/orgs/{id}/scores", Access::Authenticated, get(score::pages::scores_page)),
        RouteDef::new("POST", "/party/orgs/{id}/scores/rules", Access::Authenticated, post(score::pages::set_rule)),
        RouteDef::new("GET", "/api/v1/party/orgs/{id}/scores", Access::Authenticated, get(score::pages::api_scores)),
        RouteDef::new("GET", "/api/v1/party/orgs", Access::Authenticated, get(api::list)),
        RouteDef::new("GET", "/api/v1/party/orgs/{id}", Access::Authenticated, get(api::detail)),
        RouteDef::new("POST", "/api/v1/party/orgs/{id}/members", Access::Authenticated, post(api::add_member)),
    ]
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::list,
    api::detail,
    api::add_member,
    meetings::pages::api_board,
    meetings::pages::api_record,
    meetings::pages::api_plan,
    meetings::pages::api_meetings,
    meetings::pages::api_meeting,
    dues::pages::api_me,
    brands::pages::api_brands,
    contacts::pages::api_contacts,
    contacts::pages::api_visit,
    score::pages::api_scores
))]
struct Api;

/// Shown to desk users and to Party members (their branch, their meetings).
const NAV: &[crate::capability::NavEntry] = &[crate::capability::NavEntry {
    order: 65,
    href: "/party",
    label: |_| "nav.party",
    shown: |p, desk| desk || p.grants.iter().any(|g| g.role == crate::auth::model::Role::PartyMember),
}];

pub fn capability() -> crate::capability::Capability {
    crate::capability::Capability {
        nav: NAV,
        openapi: <Api as utoipa::OpenApi>::openapi,
        jobs: |state| vec![jobs::spawn(state.clone())],
        ..crate::capability::Capability::new("party", routes)
    }
}
