//! The visit log and what is measured from it: check-in at a centre by its QR code (a code that changes
//! every day, shown on the door screen) or by staff entry; a booking's check-in; the job that releases
//! bookings nobody came to; and the month's 五常 per centre.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State as AxState},
    response::{IntoResponse, Redirect},
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::TransactionTrait;
use serde::Deserialize;

use super::{
    actions::load_centre,
    model::{self, BookingState},
    store,
};
use crate::auth::Desk;
use crate::auth::StaffUser;
use crate::{
    app::AppState,
    auth::{Auth, Principal},
    error::{AppError, AppResult},
    web::Chrome,
};

/// Today's check-in code of a centre: HMAC(secret, centre, China date), 8 hex characters. It changes at
/// midnight, so a photo of yesterday's door screen does not sign anyone in.
pub fn checkin_code(secret: &[u8], centre_id: i64, day: NaiveDate) -> String {
    crate::auth::short_mac(secret, &format!("centre-checkin:{centre_id}:{day}"), 4)
}

fn today(state: &AppState) -> NaiveDate {
    model::to_local(state.clock.now()).date()
}

pub use super::store::{Visit, record_visit};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeQuery {
    pub code: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "positions/checkin.html")]
struct CheckinPage {
    c: Chrome,
    centre: store::Centre,
    code: String,
    valid: bool,
}

/// The page a phone opens from the door's QR code: one big button.
pub async fn checkin_page(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Query(q): Query<CodeQuery>,
) -> AppResult<impl IntoResponse> {
    let centre = load_centre(&state, &p, id).await?;
    let valid = q.code == checkin_code(&state.secret, id, today(&state));
    Ok(CheckinPage { c: Chrome::titled(&ctx, "pos.checkin"), centre, code: q.code, valid })
}

pub async fn checkin_checked(state: &AppState, p: &Principal, id: i64, code: &str) -> AppResult<Option<i64>> {
    load_centre(state, p, id).await?;
    if code.trim() != checkin_code(&state.secret, id, today(state)) {
        return Err(AppError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "expired_code",
            "签到码已过期，请扫描门口屏幕上今天的二维码",
            "The check-in code has expired",
        ));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let visit = Visit {
        centre_id: id,
        person_id: p.person_id,
        visitor_name: None,
        via: "qr",
        recorded_by: p.user_id.into(),
        booker_user: Some(p.user_id.into()),
    };
    let b = record_visit(&tx, &visit, now).await?;
    tx.commit().await?;
    Ok(b)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CheckinForm {
    pub code: String,
}

pub async fn checkin(
    AxState(state): AxState<AppState>,
    Auth(p, _ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<CheckinForm>,
) -> AppResult<Redirect> {
    let b = checkin_checked(&state, &p, id, &f.code).await?;
    Ok(Redirect::to(&format!(
        "/positions/centres/{id}?msg={}",
        if b.is_some() { "checked_in_booking" } else { "checked_in" }
    )))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VisitForm {
    /// A walk-in's name (for those without an account or a phone).
    pub visitor_name: String,
}

/// Staff record a visit by hand (the fallback to the QR code).
pub async fn staff_visit(
    AxState(state): AxState<AppState>,
    StaffUser(p, _ctx): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<VisitForm>,
) -> AppResult<Redirect> {
    staff_visit_checked(&state, &p, id, &f.visitor_name).await?;
    Ok(Redirect::to(&format!("/positions/centres/{id}?msg=saved")))
}

/// A walk-in recorded by the centre's staff, by name.
pub async fn staff_visit_checked(state: &AppState, p: &Principal, id: i64, visitor_name: &str) -> AppResult<()> {
    let c = load_centre(state, p, id).await?;
    p.scope.require_write(c.project_id)?;
    let name = crate::text::normalize(visitor_name);
    if name.is_empty() || name.chars().count() > 60 {
        return Err(AppError::field("visitor_name", "请填写来访人姓名（不超过60字）"));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let visit = Visit {
        centre_id: id,
        person_id: None,
        visitor_name: Some(&name),
        via: "staff",
        recorded_by: p.user_id.into(),
        booker_user: None,
    };
    record_visit(&tx, &visit, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Release approved bookings nobody checked in to within their room's no-show window, so the time can
/// be booked again (not an activity's room: its people check in to the activity). Compare-and-set on the state: several instances release a booking once.
pub async fn release_no_shows(state: &AppState, now: DateTime<Utc>) -> Result<usize, AppError> {
    let due = store::unattended_bookings(&state.db.read, now).await?;
    let mut released = 0;
    for d in due {
        if !model::is_no_show(BookingState::Approved, d.starts_at, d.no_show_minutes as i64, false, now) {
            continue;
        }
        let tx = state.db.write.begin().await?;
        if store::release_booking(&tx, d.id, now).await? {
            released += 1;
        }
        tx.commit().await?;
    }
    Ok(released)
}

/// The month's facts for a centre, from the hours, bookings and the visit log.
pub async fn month_facts(state: &AppState, centre_id: i64, month: &str) -> AppResult<model::MonthFacts> {
    let (start, end) =
        crate::clock::month_bounds(month).ok_or_else(|| AppError::field("month", "月份格式应为 2026-11"))?;
    let first = model::to_local(start).date();
    let next = model::to_local(end).date();
    let hours = store::parse_hours(&store::hours(&state.db.read, centre_id).await?);
    let closed = store::closed_days(&state.db.read, centre_id).await?;
    let (scheduled_days, open_minutes) = model::scheduled(first, next, &hours, &closed);
    let rooms = store::rooms(&state.db.read, centre_id).await?.len() as i64;
    let c = store::month_counts(&state.db.read, centre_id, start, end).await?;
    // Days with a visit, counted in China time (a month of one centre's visits is small).
    let mut days: Vec<NaiveDate> = store::visit_times(&state.db.read, centre_id, start, end)
        .await?
        .into_iter()
        .map(|t| model::to_local(t).date())
        .collect();
    days.sort();
    days.dedup();
    Ok(model::MonthFacts {
        scheduled_days,
        days_with_visits: days.len() as i64,
        room_minutes_open: open_minutes * rooms,
        room_minutes_booked: c.booked_slots * model::SLOT_MINUTES,
        bookings: c.bookings,
        bookings_attended: c.attended,
        visits: c.visits,
        distinct_visitors: c.distinct,
        repeat_visitors: c.repeat,
        activities_held: c.activities_held,
    })
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct MonthQuery {
    /// `YYYY-MM`; default: this month in China.
    pub month: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "positions/figures.html")]
struct FiguresPage {
    c: Chrome,
    centre: store::Centre,
    month: String,
    f: model::MonthFacts,
    w: model::Wuchang,
    open: String,
    served: String,
    used: String,
}

fn pct(pm: u32) -> String {
    format!("{}.{}%", pm / 10, pm % 10)
}

/// The month's 五常 for a centre (desk users who read the project).
pub async fn figures(
    AxState(state): AxState<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Query(q): Query<MonthQuery>,
) -> AppResult<impl IntoResponse> {
    let centre = load_centre(&state, &p, id).await?;
    if !p.scope.can_read_project(centre.project_id) {
        return Err(AppError::forbidden());
    }
    let month =
        if q.month.trim().is_empty() { today(&state).format("%Y-%m").to_string() } else { q.month.trim().to_string() };
    let f = month_facts(&state, id, &month).await?;
    let w = model::wuchang(&f);
    Ok(FiguresPage {
        c: Chrome::titled(&ctx, "pos.figures"),
        centre,
        month,
        open: pct(w.open_permille),
        served: pct(w.served_permille),
        used: pct(w.used_permille),
        w,
        f,
    })
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct WuchangJson {
    pub centre_id: i64,
    pub month: String,
    pub scheduled_days: i64,
    pub days_with_visits: i64,
    /// 大门常开 ‰
    pub open_permille: u32,
    pub bookings: i64,
    pub bookings_attended: i64,
    /// 服务常抓 ‰
    pub served_permille: u32,
    pub room_minutes_open: i64,
    pub room_minutes_booked: i64,
    /// 场所常用 ‰
    pub used_permille: u32,
    /// 活动常办: the project's activity occurrences this month that someone checked in to.
    pub activities: i64,
    pub visits: i64,
    /// 群众常来
    pub distinct_visitors: i64,
    pub repeat_visitors: i64,
}

/// The month's 五常 for a centre.
#[utoipa::path(get, path = "/api/v1/centres/{id}/figures", tag = "positions", params(("id" = i64, Path), MonthQuery),
    responses((status = 200, body = WuchangJson), (status = 403), (status = 404), (status = 422)))]
pub async fn figures_api(
    AxState(state): AxState<AppState>,
    Desk(p, _): Desk,
    Path(id): Path<i64>,
    Query(q): Query<MonthQuery>,
) -> crate::error::ApiResult<WuchangJson> {
    let centre = load_centre(&state, &p, id).await?;
    if !p.scope.can_read_project(centre.project_id) {
        return Err(AppError::forbidden().into());
    }
    let month =
        if q.month.trim().is_empty() { today(&state).format("%Y-%m").to_string() } else { q.month.trim().to_string() };
    let f = month_facts(&state, id, &month).await?;
    let w = model::wuchang(&f);
    Ok(axum::Json(WuchangJson {
        centre_id: id,
        month,
        scheduled_days: f.scheduled_days,
        days_with_visits: f.days_with_visits,
        open_permille: w.open_permille,
        bookings: f.bookings,
        bookings_attended: f.bookings_attended,
        served_permille: w.served_permille,
        room_minutes_open: f.room_minutes_open,
        room_minutes_booked: f.room_minutes_booked,
        used_permille: w.used_permille,
        activities: f.activities_held,
        visits: f.visits,
        distinct_visitors: f.distinct_visitors,
        repeat_visitors: f.repeat_visitors,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CheckinBody {
    /// Today's code from the door's QR code.
    pub code: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CheckinResult {
    /// The booking checked in with this visit, if the visitor had one on now.
    pub booking_id: Option<i64>,
}

/// Check in at a centre with today's code (the QR code on the door screen).
#[utoipa::path(post, path = "/api/v1/centres/{id}/checkin", tag = "positions", params(("id" = i64, Path)), request_body = CheckinBody,
    responses((status = 200, body = CheckinResult), (status = 404), (status = 422)))]
pub async fn checkin_api(
    AxState(state): AxState<AppState>,
    Auth(p, _): Auth,
    Path(id): Path<i64>,
    axum::Json(b): axum::Json<CheckinBody>,
) -> crate::error::ApiResult<CheckinResult> {
    Ok(axum::Json(CheckinResult { booking_id: checkin_checked(&state, &p, id, &b.code).await? }))
}

/// Run the no-show release every minute until the process stops.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            match release_no_shows(&state, state.clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(released = n, "no-show bookings released"),
                Err(e) => tracing::warn!(code = e.code, "no-show job failed"),
            }
        }
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "positions/door.html")]
struct DoorPage {
    c: Chrome,
    centre: store::Centre,
    date: String,
    rooms: Vec<DoorRoom>,
    /// Today's activities of the estate.
    activities: Vec<DoorActivity>,
    qr_svg: String,
    url: String,
}

/// A room on the door screen and the times it is booked today.
struct DoorRoom {
    name: String,
    booked: Vec<String>,
}

/// An activity on the door screen.
struct DoorActivity {
    time: String,
    title: String,
    place: String,
    seats: String,
}

/// The screen at the centre's door: today's activities, today's bookings per room (times only) and today's
/// check-in QR code.
/// Shown by a staff log-in on the kiosk.
pub async fn door(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
) -> AppResult<impl IntoResponse> {
    let centre = load_centre(&state, &p, id).await?;
    p.scope.require_write(centre.project_id)?;
    let day = today(&state);
    let day_start = model::to_utc(day.and_time(chrono::NaiveTime::MIN));
    let bookings = store::centre_bookings(&state.db.read, id, day_start, day_start + Duration::days(1)).await?;
    let rooms = store::rooms(&state.db.read, id)
        .await?
        .into_iter()
        .map(|r| {
            let times = bookings
                .iter()
                .filter(|b| b.room_id == r.id)
                .map(|b| {
                    format!(
                        "{}–{}",
                        model::to_local(b.starts_at).format("%H:%M"),
                        model::to_local(b.ends_at).format("%H:%M")
                    )
                })
                .collect();
            DoorRoom { name: r.name, booked: times }
        })
        .collect();
    let url = format!(
        "{}/positions/centres/{id}/checkin?code={}",
        state.config.public_url.trim_end_matches('/'),
        checkin_code(&state.secret, id, day)
    );
    let qr_svg = crate::web::qr_svg(&url)?;
    let activities = crate::activities::store::upcoming(
        &state.db.read,
        &[centre.project_id],
        day_start,
        day_start + Duration::days(1),
    )
    .await?
    .into_iter()
    .map(|o| DoorActivity {
        time: format!(
            "{}–{}",
            model::to_local(o.starts_at).format("%H:%M"),
            model::to_local(o.ends_at).format("%H:%M")
        ),
        title: o.title,
        place: o.place.unwrap_or_default(),
        seats: if o.capacity > 0 { format!("{}/{}", o.confirmed, o.capacity) } else { o.confirmed.to_string() },
    })
    .collect();
    Ok(DoorPage {
        activities,
        c: Chrome::new(&ctx, centre.name.clone()),
        date: format!(
            "{} {}",
            day.format("%Y年%m月%d日"),
            model::weekday_zh(chrono::Datelike::weekday(&day).number_from_monday() as u8)
        ),
        rooms,
        qr_svg,
        url,
        centre,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_in_code_changes_every_day_and_per_centre() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let a = checkin_code(b"secret", 1, d);
        assert_eq!(a.len(), 8);
        assert_eq!(a, checkin_code(b"secret", 1, d));
        assert_ne!(a, checkin_code(b"secret", 1, d.succ_opt().unwrap()));
        assert_ne!(a, checkin_code(b"secret", 2, d));
        assert_ne!(a, checkin_code(b"other", 1, d));
    }
}
