//! Supervision's API: an inspection with its findings, confirming a rectification, the monthly report,
//! and the public disclosure.

use axum::{
    Json,
    extract::{Path, Query, State},
};

use super::{
    actions::{self, ConfirmForm, PublicSupervisor, Report},
    pages::MonthQuery,
    store::{Finding, Inspection},
};
use crate::{
    app::AppState,
    auth::{Auth, Ctx},
    error::ApiResult,
};

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct InspectionOut {
    pub inspection: Inspection,
    pub findings: Vec<Finding>,
}

/// An inspection with its findings and their rectification requests (its project's readers, or the
/// supervisor who made it).
#[utoipa::path(get, path = "/api/v1/supervision/inspections/{id}", tag = "supervision", params(("id" = i64, Path, description = "Inspection")),
    responses((status = 200, body = InspectionOut), (status = 401), (status = 404)))]
pub async fn inspection(
    State(state): State<AppState>,
    Auth(p, _ctx): Auth,
    Path(id): Path<i64>,
) -> ApiResult<InspectionOut> {
    let (inspection, findings, _) = actions::inspection(&state, &p, id).await?;
    Ok(Json(InspectionOut { inspection, findings }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Confirmed {
    pub inspection_id: i64,
}

/// Confirm a rectification the staff have finished (the supervisor who found it only).
#[utoipa::path(post, path = "/api/v1/supervision/findings/{id}/confirm", tag = "supervision", params(("id" = i64, Path, description = "Finding")),
    request_body = ConfirmForm,
    responses((status = 200, body = Confirmed), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn confirm(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Json(f): Json<ConfirmForm>,
) -> ApiResult<Confirmed> {
    Ok(Json(Confirmed { inspection_id: actions::confirm(&state, &p, &ctx, id, &f).await? }))
}

/// A project's monthly service-quality report (`month=YYYY-MM`, this month by default).
#[utoipa::path(get, path = "/api/v1/supervision/projects/{id}/report", tag = "supervision",
    params(("id" = i64, Path, description = "Project"), ("month" = Option<String>, Query, description = "YYYY-MM")),
    responses((status = 200, body = Report), (status = 401), (status = 404), (status = 422)))]
pub async fn report(
    State(state): State<AppState>,
    Auth(p, _ctx): Auth,
    Path(id): Path<i64>,
    Query(q): Query<MonthQuery>,
) -> ApiResult<Report> {
    let month = actions::month_or_now(&state, Some(&q.month));
    Ok(Json(actions::report(&state, &p, id, &month).await?))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DisclosureOut {
    pub report: Report,
    pub supervisors: Vec<PublicSupervisor>,
}

/// The public disclosure (公示): the monthly report and the supervisors by surname. No log-in.
#[utoipa::path(get, path = "/api/v1/disclosure/projects/{id}/supervision", tag = "supervision",
    params(("id" = i64, Path, description = "Project"), ("month" = Option<String>, Query, description = "YYYY-MM")),
    responses((status = 200, body = DisclosureOut), (status = 404), (status = 422)))]
pub async fn disclosure(
    State(state): State<AppState>,
    _ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<MonthQuery>,
) -> ApiResult<DisclosureOut> {
    let month = actions::month_or_now(&state, Some(&q.month));
    let (report, supervisors) = actions::disclosure(&state, id, &month).await?;
    Ok(Json(DisclosureOut { report, supervisors }))
}
