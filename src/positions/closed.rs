//! Closed dates of a centre (a holiday, a repair): staff set them on the centre's page or through the
//! API; from then on bookings on that date are refused (`model::check`), the bookings already made for it
//! are cancelled with a notice to whoever made them, and 五常's "open hours kept" leaves the date out.
//! Thin handlers for the page and the API are at the end.

use axum::{
    Form, Json,
    extract::{Path, State as AxState},
    response::Redirect,
};
use chrono::{Duration, NaiveDate, NaiveTime};
use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};

use super::{actions::load_centre, model, store};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Auth, Ctx, Principal, StaffUser},
    error::{ApiResult, AppError, AppResult},
    notify,
};

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct ClosedForm {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Why (shown to residents and in the notice), up to 100 characters.
    pub reason: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Closed {
    pub day: NaiveDate,
    /// Bookings of that date cancelled (their makers were told).
    pub cancelled: usize,
}

/// Close a date: refused in the past or more than two years ahead, or twice. One transaction: the date,
/// each active booking of it cancelled (compare-and-set, its slots released) with a notice, the audit row.
pub async fn close_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    centre: i64,
    f: ClosedForm,
) -> AppResult<Closed> {
    let c = load_centre(state, p, centre).await?;
    p.scope.require_write(c.project_id)?;
    let day =
        NaiveDate::parse_from_str(f.date.trim(), "%Y-%m-%d").map_err(|_| AppError::field("date", "请选择日期"))?;
    let now = state.clock.now();
    let today = model::to_local(now).date();
    if day < today || day > today + Duration::days(731) {
        return Err(AppError::field("date", "闭馆日期应在今天至两年内"));
    }
    let reason = crate::text::normalize(&f.reason);
    if reason.chars().count() > 100 {
        return Err(AppError::field("reason", "原因不超过100字"));
    }
    let reason = Some(reason.trim().to_string()).filter(|r| !r.is_empty());
    let (from, to) = (
        model::to_utc(day.and_time(NaiveTime::MIN)),
        model::to_utc((day + Duration::days(1)).and_time(NaiveTime::MIN)),
    );
    let tx = state.db.write.begin().await?;
    store::add_closed(&tx, centre, day, reason.as_deref()).await?;
    let mut cancelled = 0;
    for b in store::centre_bookings(&tx, centre, from, to).await? {
        if !store::set_booking_state(&tx, b.id, b.state(), model::BookingState::Cancelled, now).await? {
            continue;
        }
        cancelled += 1;
        if let Some(u) = b.booked_by {
            let why = reason.as_deref().map(|r| format!("（{r}）")).unwrap_or_default();
            let msg = notify::Msg::new("note.pos.closed")
                .text("centre", &c.name)
                .text("day", day.format("%Y-%m-%d"))
                .text("why", why)
                .text("room", &b.room_name);
            notify::to_users(
                &tx,
                &[u.get()],
                &notify::Note { kind: "booking_cancelled", msg, link: Some(format!("/positions/centres/{centre}")) },
                now,
            )
            .await?;
        }
    }
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "centre",
            entity_id: Some(centre),
            project_id: Some(c.project_id),
            summary: format!(
                "「{}」{day}闭馆{}，取消预约{cancelled}个",
                c.name,
                reason.map(|r| format!("：{r}")).unwrap_or_default()
            ),
        },
    )
    .await?;
    Ok(Closed { day, cancelled })
}

/// Open a closed date again (bookings cancelled for it stay cancelled; people book again).
pub async fn reopen_checked(state: &AppState, p: &Principal, ctx: &Ctx, centre: i64, date: &str) -> AppResult<()> {
    let c = load_centre(state, p, centre).await?;
    p.scope.require_write(c.project_id)?;
    let not_closed = || AppError::conflict("not_closed", "这一天不是闭馆日", "Not a closed date");
    let day = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").map_err(|_| not_closed())?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::remove_closed(&tx, centre, day).await? {
        return Err(not_closed());
    }
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "centre",
            entity_id: Some(centre),
            project_id: Some(c.project_id),
            summary: format!("「{}」{day}取消闭馆", c.name),
        },
    )
    .await?;
    Ok(())
}

pub async fn close_page(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<ClosedForm>,
) -> AppResult<Redirect> {
    close_checked(&state, &p, &ctx, id, f).await?;
    Ok(Redirect::to(&format!("/positions/centres/{id}?msg=saved")))
}

pub async fn reopen_page(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path((id, date)): Path<(i64, String)>,
) -> AppResult<Redirect> {
    reopen_checked(&state, &p, &ctx, id, &date).await?;
    Ok(Redirect::to(&format!("/positions/centres/{id}?msg=saved")))
}

/// A centre's closed dates from today on (anyone who sees the centre).
#[utoipa::path(get, path = "/api/v1/centres/{id}/closed-days", tag = "positions", params(("id" = i64, Path)),
    responses((status = 200, body = [store::ClosedDay]), (status = 401), (status = 404)))]
pub async fn list_api(
    AxState(state): AxState<AppState>,
    Auth(p, _): Auth,
    Path(id): Path<i64>,
) -> ApiResult<Vec<store::ClosedDay>> {
    load_centre(&state, &p, id).await?;
    let today = model::to_local(state.clock.now()).date();
    Ok(Json(store::closed_from(&state.db.read, id, today).await?))
}

/// Close a date (the centre's staff): its bookings are cancelled and their makers told.
#[utoipa::path(post, path = "/api/v1/centres/{id}/closed-days", tag = "positions", params(("id" = i64, Path)),
    request_body = ClosedForm,
    responses((status = 200, body = Closed), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn close_api(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Json(f): Json<ClosedForm>,
) -> ApiResult<Closed> {
    Ok(Json(close_checked(&state, &p, &ctx, id, f).await?))
}

/// Open a closed date again.
#[utoipa::path(delete, path = "/api/v1/centres/{id}/closed-days/{date}", tag = "positions",
    params(("id" = i64, Path), ("date" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 204), (status = 401), (status = 403), (status = 404), (status = 409)))]
pub async fn reopen_api(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path((id, date)): Path<(i64, String)>,
) -> Result<axum::http::StatusCode, crate::error::ApiError> {
    reopen_checked(&state, &p, &ctx, id, &date).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
