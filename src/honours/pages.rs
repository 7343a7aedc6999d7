//! Honours' pages: the public wall and honour page, and the award page for a project's staff or a
//! community's cadres (multipart, with certificate photos).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, Query, Request, State},
    response::{IntoResponse, Redirect, Response},
};

use super::{
    actions::{self, AwardForm},
    model::{Level, RecipientKind},
    store::Honour,
};
use crate::{
    app::AppState,
    auth::{Ctx, Desk},
    error::AppResult,
    org::store::Node,
    requests::photos,
    web::{
        Chrome, MsgQuery,
        forms::{Choice, choices},
        i18n::Lang,
    },
};

pub struct Line {
    pub h: Honour,
    pub level: &'static str,
    pub person: bool,
}

fn lines(lang: Lang, list: Vec<Honour>) -> Vec<Line> {
    list.into_iter()
        .map(|h| Line { level: h.level.label(lang), person: h.recipient_kind == RecipientKind::Person, h })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "honours/wall.html")]
struct WallPage {
    c: Chrome,
    node: Node,
    lines: Vec<Line>,
}

/// A project's or community's honour wall: public.
pub async fn wall(State(state): State<AppState>, ctx: Ctx, Path(node): Path<i64>) -> AppResult<impl IntoResponse> {
    let (node, list) = actions::wall(&state, node).await?;
    Ok(WallPage {
        c: Chrome::new(&ctx, format!("{} · {}", node.name, crate::web::i18n::t(ctx.lang, "honour.wall"))),
        lines: lines(ctx.lang, list),
        node,
    })
}

pub struct EvidenceLine {
    pub kind: &'static str,
    pub text: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "honours/honour.html")]
struct HonourPage {
    c: Chrome,
    h: Honour,
    level: &'static str,
    evidence: Vec<EvidenceLine>,
    photos: Vec<String>,
}

/// One honour: public (the recipient's name as published, the evidence without personal data).
pub async fn honour_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let (h, evidence, photo_ids) = actions::public(&state, id).await?;
    let evidence = evidence
        .into_iter()
        .map(|e| match e.kind.as_str() {
            "activity" => EvidenceLine {
                kind: "honour.evidence_activity",
                text: format!(
                    "{}{}",
                    e.label.unwrap_or_default(),
                    e.on.map(|t| format!("（{}）", crate::clock::fmt_datetime(t))).unwrap_or_default()
                ),
            },
            "request" => EvidenceLine {
                kind: "honour.evidence_request",
                text: format!("#{} {}", e.ref_id, e.label.unwrap_or_default()),
            },
            _ => EvidenceLine { kind: "honour.evidence_hours", text: format!("{:.1}", e.ref_id as f64 / 60.0) },
        })
        .collect();
    Ok(HonourPage {
        c: Chrome::new(&ctx, h.title.clone()).with_msg(m.msg.as_deref()),
        level: h.level.label(ctx.lang),
        photos: photo_ids.iter().map(|p| format!("/honours/{id}/photos/{p}")).collect(),
        evidence,
        h,
    })
}

pub async fn photo(State(state): State<AppState>, Path((id, photo)): Path<(i64, i64)>) -> AppResult<Response> {
    actions::photo(&state, id, photo).await
}

#[derive(Template, WebTemplate)]
#[template(path = "honours/award.html")]
struct AwardPage {
    c: Chrome,
    node: Node,
    lines: Vec<Line>,
    orgs: Vec<Choice>,
    people: Vec<Choice>,
    grantors: Vec<Choice>,
    levels: Vec<Choice>,
    activities: Vec<Choice>,
    today: String,
    photo_max_mb: usize,
}

/// The award page of a project or community: its wall and the form.
pub async fn award_page(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let node = actions::open(&state, &p, id).await?;
    let c = actions::choices(&state, &node).await?;
    let (_, list) = actions::wall(&state, node.id).await?;
    Ok(AwardPage {
        c: Chrome::titled(&ctx, "honour.award").with_msg(m.msg.as_deref()),
        lines: lines(ctx.lang, list),
        orgs: choices(c.orgs),
        people: choices(c.people.into_iter().map(|(id, n)| (id.get(), n))),
        grantors: choices(
            std::iter::once((String::new(), String::new()))
                .chain(c.grantors.into_iter().map(|(id, n)| (id.to_string(), n))),
        ),
        levels: choices(Level::ALL.iter().map(|l| (l.as_str(), l.label(ctx.lang)))),
        activities: choices(c.activities),
        today: state.clock.today().to_string(),
        photo_max_mb: state.config.max_photo_bytes / (1024 * 1024),
        node,
    })
}

pub async fn award(
    State(state): State<AppState>,
    Desk(p, ctx): Desk,
    Path(id): Path<i64>,
    req: Request,
) -> AppResult<Redirect> {
    let (pairs, uploads) = photos::pairs_with_photos(&state, req).await?;
    let honour = actions::award(&state, &p, &ctx, id, &AwardForm::from_pairs(&pairs), uploads).await?;
    Ok(Redirect::to(&format!("/honours/{honour}?msg=created")))
}
