//! A meeting's photos: added by those who record the branch's meetings (at most [`MAX_PHOTOS`]), seen by
//! whoever may read the branch.

use sea_orm::TransactionTrait;

use super::store::{self, Meeting};
use crate::{
    app::AppState,
    audit::Entry,
    auth::{Ctx, Principal},
    error::{AppError, AppResult},
    party::{actions::open, meetings::actions::open_to_record},
    requests::{
        photos::{self, Owner, Upload},
        store::photos as photo_store,
    },
};

pub const MAX_PHOTOS: usize = 9;

pub fn owner(meeting: i64) -> Owner {
    Owner { table: "party_meeting_photos", column: "meeting_id", id: meeting, prefix: "meetings" }
}

async fn meeting(state: &AppState, id: i64) -> AppResult<Meeting> {
    store::meeting(&state.db.read, id).await?.ok_or_else(AppError::not_found)
}

/// Add photos to a meeting's record.
pub async fn add(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, uploads: Vec<Upload>) -> AppResult<()> {
    let m = meeting(state, id).await?;
    let a = open_to_record(state, p, m.org_id).await?;
    if uploads.is_empty() {
        return Err(AppError::field("photo", "请选择照片"));
    }
    let tx = state.db.write.begin().await?;
    let have = photo_store::count_of(&tx, &owner(id)).await? as usize;
    if have + uploads.len() > MAX_PHOTOS {
        return Err(AppError::conflict(
            "too_many_photos",
            format!("每次会议最多{MAX_PHOTOS}张照片，已有{have}张"),
            "Too many photos for this meeting",
        ));
    }
    let n = uploads.len();
    let now = state.clock.now();
    let entry = Entry {
        action: "update",
        entity: "party_meeting",
        entity_id: Some(id),
        project_id: a.node.project_id,
        summary: format!("「{}」{}会议照片{n}张", m.title, m.held_on),
    };
    photos::commit_with_photos(state, tx, ctx, (owner(id), uploads), p.user_id, now, entry).await
}

/// The meeting's photo ids, for a reader of the branch.
pub async fn ids(state: &AppState, id: i64) -> AppResult<Vec<i64>> {
    photo_store::ids_of(&state.db.read, &owner(id)).await
}

/// One photo, for a reader of the branch.
pub async fn serve(state: &AppState, p: &Principal, id: i64, photo: i64) -> AppResult<axum::response::Response> {
    let m = meeting(state, id).await?;
    open(state, p, m.org_id).await?;
    photos::serve_of(state, &owner(id), photo).await
}
