//! 活动纪实: after an activity has started, its project's staff write what happened — text, the number
//! who came (defaults to those checked in) and up to nine photos (content-checked, in the blob store, served
//! only to those who may see the activity). Shown on the activity's page.

use crate::ids::*;
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, Query, Request, State as AxState},
    response::{IntoResponse, Redirect, Response},
};
use sea_orm::TransactionTrait;
use serde::Deserialize;

use super::{
    actions::load,
    store::{self, Occurrence},
};
use crate::auth::{Ctx, Principal, StaffUser};
use crate::{
    app::AppState,
    audit::Entry,
    auth::Auth,
    clock::fmt_datetime,
    error::{AppError, AppResult},
    requests::photos,
    web::{Chrome, MsgQuery},
};

/// At most this many photos per write-up.
pub const MAX_PHOTOS: usize = 9;

#[derive(Template, WebTemplate)]
#[template(path = "activities/writeup.html")]
struct EditPage {
    c: Chrome,
    o: Occurrence,
    when: String,
    body: String,
    attendance: String,
    photos: Vec<String>,
    room_for: usize,
    photo_max_mb: usize,
}

/// The write-up form (project staff).
pub async fn edit(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let o = load(&state, &p, id).await?;
    p.scope.require_write(o.project_id)?;
    let w = store::writeup(&state.db.read, OccurrenceId(id)).await?;
    let photos = store::photo_urls(&state.db.read, OccurrenceId(id)).await?;
    let attendance = match w.as_ref().and_then(|w| w.attendance) {
        Some(n) => n as i64,
        None => store::checked_in(&state.db.read, OccurrenceId(id)).await?,
    };
    Ok(EditPage {
        c: Chrome::titled(&ctx, "act.writeup").with_msg(m.msg.as_deref()),
        when: fmt_datetime(o.starts_at),
        body: w.map(|w| w.body).unwrap_or_default(),
        attendance: attendance.to_string(),
        room_for: MAX_PHOTOS.saturating_sub(photos.len()),
        photo_max_mb: state.config.max_photo_bytes / (1024 * 1024),
        photos,
        o,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WriteupForm {
    pub body: String,
    pub attendance: String,
}

/// Save the write-up and add photos (multipart, or a plain form without photos): one transaction; the
/// photos are checked before anything is written and removed again if the transaction fails.
pub async fn save(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    req: Request,
) -> AppResult<Response> {
    let o = load(&state, &p, id).await?;
    p.scope.require_write(o.project_id)?;
    let (f, uploads): (WriteupForm, _) = photos::form_with_photos(&state, req).await?;
    save_checked(&state, &p, &ctx, &o, f, uploads).await?;
    Ok(Redirect::to(&format!("/activities/occurrences/{id}?msg=saved")).into_response())
}

/// The write-up's use case: checked (held already, text and numbers in range, at most nine photos), then
/// text, photos and the audit line in one transaction; photos stored before a failed commit are removed.
pub async fn save_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    o: &Occurrence,
    f: WriteupForm,
    uploads: Vec<photos::Upload>,
) -> AppResult<()> {
    p.scope.require_write(o.project_id)?;
    let id = o.id;
    let now = state.clock.now();
    if now < o.starts_at {
        return Err(AppError::conflict("not_held_yet", "活动开始后才能撰写纪实", "The activity has not started"));
    }
    let body = crate::text::normalize(&f.body);
    let body = body.trim();
    if body.is_empty() || body.chars().count() > 5000 {
        return Err(AppError::field("body", "请填写活动纪实（不超过5000字）"));
    }
    let attendance = match f.attendance.trim() {
        "" => None,
        v => Some(
            crate::text::num(v)
                .parse::<i32>()
                .ok()
                .filter(|n| (0..=100_000).contains(n))
                .ok_or_else(|| AppError::field("attendance", "参加人数应为0至100000"))?,
        ),
    };
    let tx = state.db.write.begin().await?;
    let have = crate::requests::store::photos::count_of(&tx, &photos::Owner::writeup(OccurrenceId(id))).await? as usize;
    if have + uploads.len() > MAX_PHOTOS {
        return Err(AppError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "too_many_photos",
            format!("每篇纪实最多{MAX_PHOTOS}张照片"),
            "Too many photos for this write-up",
        ));
    }
    store::save_writeup(&tx, OccurrenceId(id), body, attendance, p.user_id, now).await?;
    let added = uploads.len();
    let owner = photos::Owner::writeup(OccurrenceId(id));
    photos::commit_with_photos(
        state,
        tx,
        ctx,
        (owner, uploads),
        p.user_id,
        now,
        Entry {
            action: "update",
            entity: "activity",
            entity_id: Some(o.activity_id),
            project_id: Some(o.project_id),
            summary: format!(
                "「{}」{}活动纪实{}",
                o.title,
                fmt_datetime(o.starts_at),
                if added > 0 { format!("，照片{added}张") } else { String::new() }
            ),
        },
    )
    .await?;
    Ok(())
}

/// A write-up photo: for those who may see the activity.
pub async fn photo(
    AxState(state): AxState<AppState>,
    Auth(p, _ctx): Auth,
    Path((id, photo)): Path<(i64, i64)>,
) -> AppResult<Response> {
    load(&state, &p, id).await?;
    photos::serve_of(&state, &photos::Owner::writeup(OccurrenceId(id)), photo).await
}
