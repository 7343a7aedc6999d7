//! 微心愿's API.

use axum::{
    Json,
    extract::{Path, State},
};

use super::{
    actions::{self, Standing, WishForm},
    model::WishState,
    store::Wish,
};
use crate::{app::AppState, auth::Auth, error::ApiResult};

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct WishJson {
    pub id: i64,
    pub project_name: String,
    /// The resident as the caller may see them (the surname only for those who may claim it).
    pub resident: String,
    pub text: String,
    pub state: WishState,
    pub posted_at: chrono::DateTime<chrono::Utc>,
}

fn json(w: &Wish, s: Standing) -> WishJson {
    WishJson {
        id: w.id,
        project_name: w.project_name.clone(),
        resident: actions::shown_name(w, s),
        text: w.text.clone(),
        state: w.state,
        posted_at: w.posted_at,
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Board {
    /// Wishes I posted or claimed.
    pub mine: Vec<WishJson>,
    /// Open wishes I may claim.
    pub open: Vec<WishJson>,
}

/// My wishes, and the open ones I may claim.
#[utoipa::path(get, path = "/api/v1/wishes", tag = "wishes", responses((status = 200, body = Board), (status = 401)))]
pub async fn board(State(state): State<AppState>, Auth(p, _ctx): Auth) -> ApiResult<Board> {
    let (mine, open) = actions::board(&state, &p).await?;
    Ok(Json(Board {
        mine: mine
            .iter()
            .map(|w| json(w, if p.person_id == Some(w.person_id) { Standing::Poster } else { Standing::Claimer }))
            .collect(),
        open: open.iter().map(|w| json(w, Standing::Helper)).collect(),
    }))
}

#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct WishBody {
    /// At most 200 characters.
    pub text: String,
    /// Staff posting for a resident: the project, the home and the name.
    pub project_id: Option<i64>,
    pub room: Option<String>,
    pub name: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Posted {
    pub id: i64,
}

/// Post a wish (for myself at my home's project; staff for a resident of theirs).
#[utoipa::path(post, path = "/api/v1/wishes", tag = "wishes", request_body = WishBody,
    responses((status = 200, body = Posted), (status = 401), (status = 403), (status = 422)))]
pub async fn post(State(state): State<AppState>, Auth(p, ctx): Auth, Json(b): Json<WishBody>) -> ApiResult<Posted> {
    let f = WishForm {
        text: b.text,
        project_id: b.project_id.map(|x| x.to_string()).unwrap_or_default(),
        room: b.room.unwrap_or_default(),
        name: b.name.unwrap_or_default(),
    };
    Ok(Json(Posted { id: actions::post(&state, &p, &ctx, &f).await? }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Claimed {
    pub id: i64,
}

/// Claim a wish: one claimer; a second is refused with 409 `already_claimed`.
#[utoipa::path(post, path = "/api/v1/wishes/{id}/claim", tag = "wishes", params(("id" = i64, Path, description = "Wish")),
    responses((status = 200, body = Claimed), (status = 401), (status = 403), (status = 404), (status = 409)))]
pub async fn claim(State(state): State<AppState>, Auth(p, ctx): Auth, Path(id): Path<i64>) -> ApiResult<Claimed> {
    actions::claim(&state, &p, &ctx, id).await?;
    Ok(Json(Claimed { id }))
}
