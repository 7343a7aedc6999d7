//! A booking's rules from memory (`crate::refs`, issue 15): the room, its centre, the centre's opening
//! hours and closed days change rarely and are what every booking checks. They are served only under the
//! stamp the request read with its credential; `m0045_ref_epoch` bumps it on every change to rooms,
//! centres, hours and closed days (and the org tree's epoch covers the centre's project name), so a
//! closed day set on any instance refuses the next booking on every instance.

use std::sync::Arc;

use chrono::NaiveDate;

use super::store::{self, Centre, HoursRow, Room};
use crate::{app::AppState, auth::Ctx, error::AppResult};

pub async fn room(state: &AppState, ctx: &Ctx, id: i64) -> AppResult<Option<Arc<Room>>> {
    let r = state.db.reader();
    state.refs.load(ctx.refs, ("positions.room", id), || store::room(&r, id)).await
}

pub async fn centre(state: &AppState, ctx: &Ctx, id: i64) -> AppResult<Option<Arc<Centre>>> {
    let r = state.db.reader();
    state.refs.load(ctx.refs, ("positions.centre", id), || store::centre(&r, id)).await
}

/// A centre's opening hours, as stored (weekday by weekday).
pub async fn hours(state: &AppState, ctx: &Ctx, centre_id: i64) -> AppResult<Arc<Vec<HoursRow>>> {
    let r = state.db.reader();
    state.refs.load_all(ctx.refs, ("positions.hours", centre_id), || store::hours(&r, centre_id)).await
}

/// A centre's closed days, in order.
pub async fn closed_days(state: &AppState, ctx: &Ctx, centre_id: i64) -> AppResult<Arc<Vec<NaiveDate>>> {
    let r = state.db.reader();
    state.refs.load_all(ctx.refs, ("positions.closed", centre_id), || store::closed_days(&r, centre_id)).await
}
