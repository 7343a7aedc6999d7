//! The requests' reference rows from memory (`crate::refs`): served only under the stamp the request
//! read with its credential, so a change on any instance — or by hand in the database — is seen by the
//! next request that begins after it commits.

use std::sync::Arc;

use crate::ids::*;
use crate::requests::store;
use crate::{app::AppState, auth::Ctx, error::AppResult};

/// A category with its SLA and handler post (a report's deadlines come from it).
pub async fn category(state: &AppState, ctx: &Ctx, id: i64) -> AppResult<Option<Arc<store::Category>>> {
    let r = state.db.reader();
    state.refs.load(ctx.refs, ("requests.category", id), || store::category(&r, id)).await
}

/// A project's categories, in their order (the queue's filter).
pub async fn categories(state: &AppState, ctx: &Ctx, project_id: ProjectId) -> AppResult<Arc<Vec<store::Category>>> {
    let r = state.db.reader();
    state.refs.load_all(ctx.refs, ("requests.categories", project_id.get()), || store::categories(&r, project_id)).await
}

/// A project's buildings, in their order (the queue's filter).
pub async fn buildings(state: &AppState, ctx: &Ctx, project_id: ProjectId) -> AppResult<Arc<Vec<store::Named>>> {
    let r = state.db.reader();
    state.refs.load_all(ctx.refs, ("requests.buildings", project_id.get()), || store::buildings(&r, project_id)).await
}
