//! iCalendar feeds (RFC 5545, via the `icalendar` crate, times in UTC) of a project's activities and of
//! a person's sign-ups. Calendar apps cannot log in, so each feed's address carries a token: an HMAC of
//! the feed under the server's secret. Staff find their projects' addresses, everyone their own, on the
//! activities page; a wrong token answers 404.

use crate::ids::*;
use axum::{
    extract::{Path, Query, State as AxState},
    http::header,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Duration, Utc};
use icalendar::{Calendar, Component, Event, EventLike};
use serde::Deserialize;

use super::{model, store::Occurrence};
use crate::{app::AppState, error::AppError};

pub fn feed_token(secret: &[u8], feed: &str) -> String {
    crate::auth::short_mac(secret, &format!("calendar:{feed}"), 12)
}

pub fn project_feed_url(state: &AppState, project_id: ProjectId) -> String {
    let t = feed_token(&state.secret, &format!("project:{project_id}"));
    format!("/calendar/projects/{project_id}.ics?t={t}")
}

pub fn person_feed_url(state: &AppState, person_id: PersonId) -> String {
    let t = feed_token(&state.secret, &format!("person:{person_id}"));
    format!("/calendar/people/{person_id}.ics?t={t}")
}

/// The calendar text for these occurrences.
pub fn ics(name: &str, host: &str, occ: &[Occurrence]) -> String {
    let mut cal = Calendar::new();
    cal.name(name);
    for o in occ {
        let mut e = Event::new();
        e.uid(&format!("occurrence-{}@{host}", o.id))
            .summary(&format!("{}（{}）", o.title, o.kind.label(crate::web::i18n::Lang::Zh)))
            .starts(o.starts_at)
            .ends(o.ends_at)
            .description(&format!(
                "主办：{}{}",
                o.organiser,
                o.co_organisers.as_deref().map(|c| format!("；协办：{c}")).unwrap_or_default()
            ));
        if let Some(p) = &o.place {
            e.location(p);
        }
        cal.push(e.done());
    }
    cal.done().to_string()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenQuery {
    pub t: String,
}

fn window(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (now - Duration::days(30), now + Duration::days(model::HORIZON_DAYS))
}

fn respond(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/calendar; charset=utf-8")], body).into_response()
}

fn host(state: &AppState) -> String {
    state.config.public_url.split("://").nth(1).unwrap_or("xinghuo").trim_end_matches('/').to_string()
}

/// `GET /calendar/projects/{id}.ics?t=…`: the project's scheduled activities (the past month and the next
/// half year).
pub async fn project(
    AxState(state): AxState<AppState>,
    Path(file): Path<String>,
    Query(q): Query<TokenQuery>,
) -> Result<Response, AppError> {
    let id: i64 = file.strip_suffix(".ics").and_then(|s| s.parse().ok()).ok_or_else(AppError::not_found)?;
    if q.t != feed_token(&state.secret, &format!("project:{id}")) {
        return Err(AppError::not_found());
    }
    let name = crate::org::store::node(&state.db.read, id).await?.map(|n| n.name).ok_or_else(AppError::not_found)?;
    let (from, to) = window(state.clock.now());
    let occ = super::store::upcoming(&state.db.read, &[ProjectId(id)], from, to).await?;
    Ok(respond(ics(&format!("{name} 活动"), &host(&state), &occ)))
}

/// `GET /calendar/people/{id}.ics?t=…`: the activities a person signed up for.
pub async fn person(
    AxState(state): AxState<AppState>,
    Path(file): Path<String>,
    Query(q): Query<TokenQuery>,
) -> Result<Response, AppError> {
    let id: i64 = file.strip_suffix(".ics").and_then(|s| s.parse().ok()).ok_or_else(AppError::not_found)?;
    if q.t != feed_token(&state.secret, &format!("person:{id}")) {
        return Err(AppError::not_found());
    }
    let (from, to) = window(state.clock.now());
    let ids = super::store::dates_of_person(&state.db.read, PersonId(id), from, to).await?;
    let mut occ = Vec::new();
    for r in ids {
        if let Some(o) = super::store::occurrence(&state.db.read, r).await? {
            occ.push(o);
        }
    }
    Ok(respond(ics("我的星火活动", &host(&state), &occ)))
}
