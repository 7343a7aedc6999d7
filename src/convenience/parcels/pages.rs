//! Parcel delivery's page: a resident asks and follows their requests (with the delivery photo); the
//! staff's queue below — the elderly and disabled first — with take, deliver (photo) and cancel.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, Request, State},
    response::{IntoResponse, Redirect, Response},
};

use super::actions::{self, Line, ParcelForm};
use crate::{
    app::AppState,
    auth::{Auth, Desk},
    error::AppResult,
    requests::photos,
    web::{
        Chrome, MsgQuery,
        forms::{Choice, choices},
    },
};

#[derive(Template, WebTemplate)]
#[template(path = "convenience/parcels.html")]
struct Board {
    c: Chrome,
    mine: Vec<Line>,
    queue: Vec<Line>,
    staff: bool,
    projects: Vec<Choice>,
    photo_max_mb: usize,
}

pub async fn board(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let (mine, queue) = actions::board(&state, &p).await?;
    let ids = p.scope.write_projects.iter().take(50).map(|x| crate::ids::NodeId(x.get()));
    let projects = crate::org::store::nodes(&state.db.read, ids).await?.into_iter().map(|n| (n.id, n.name));
    Ok(Board {
        c: Chrome::titled(&ctx, "parcel.title").with_msg(m.msg.as_deref()),
        mine,
        queue,
        staff: !p.scope.write_projects.is_empty(),
        projects: choices(projects),
        photo_max_mb: state.config.max_photo_bytes / (1024 * 1024),
    })
}

pub async fn ask(State(state): State<AppState>, Auth(p, ctx): Auth, Form(f): Form<ParcelForm>) -> AppResult<Redirect> {
    actions::ask(&state, &p, &ctx, &f).await?;
    Ok(Redirect::to("/parcels?msg=created"))
}

pub async fn take(State(state): State<AppState>, Desk(p, ctx): Desk, Path(id): Path<i64>) -> AppResult<Redirect> {
    actions::take(&state, &p, &ctx, id).await?;
    Ok(Redirect::to(&format!("/parcels?msg=saved#parcel-{id}")))
}

pub async fn deliver(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    req: Request,
) -> AppResult<Redirect> {
    actions::may_deliver(&state, &p, id).await?;
    let (_, uploads): (std::collections::HashMap<String, String>, _) = photos::form_with_photos(&state, req).await?;
    actions::deliver(&state, &p, &ctx, id, uploads).await?;
    Ok(Redirect::to("/parcels?msg=saved"))
}

pub async fn cancel(State(state): State<AppState>, Auth(p, ctx): Auth, Path(id): Path<i64>) -> AppResult<Redirect> {
    actions::cancel(&state, &p, &ctx, id).await?;
    Ok(Redirect::to("/parcels?msg=saved"))
}

pub async fn photo(
    State(state): State<AppState>,
    Auth(p, _ctx): Auth,
    Path((id, photo)): Path<(i64, i64)>,
) -> AppResult<Response> {
    actions::photo(&state, &p, id, photo).await
}
