//! 党员积分 pages: the branch's table for a year with the rules in force (and the form to change a rule)
//! for its leaders, and the API.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Json,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect},
};

use super::{
    actions::{self, MemberScore, RuleForm},
    model::{Rule, Source},
};
use crate::{
    app::AppState,
    auth::Auth,
    error::{ApiResult, AppResult},
    web::{
        Chrome,
        forms::{Choice, choices},
    },
};

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct YearQuery {
    pub year: Option<String>,
    pub msg: Option<String>,
}

pub struct RuleLine {
    pub r: Rule,
    pub source: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "party/scores.html")]
struct ScoresPage {
    c: Chrome,
    org_id: i64,
    org_name: String,
    year: i32,
    rules: Vec<RuleLine>,
    scores: Vec<MemberScore>,
    sources: Vec<Choice>,
}

pub fn rule_lines(rules: Vec<Rule>, lang: crate::web::i18n::Lang) -> Vec<RuleLine> {
    rules.into_iter().map(|r| RuleLine { source: r.source.label(lang), r }).collect()
}

pub async fn scores_page(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> AppResult<impl IntoResponse> {
    let b = actions::board(&state, &p, &ctx, id, q.year.as_deref()).await?;
    Ok(ScoresPage {
        c: Chrome::titled(&ctx, "party.scores").with_msg(q.msg.as_deref()),
        org_id: b.access.org.id,
        org_name: b.access.org.name,
        year: b.year,
        rules: rule_lines(b.rules, ctx.lang),
        scores: b.scores,
        sources: choices(Source::ALL.iter().map(|s| (s.as_str(), s.label(ctx.lang)))),
    })
}

pub async fn set_rule(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<RuleForm>,
) -> AppResult<Redirect> {
    actions::set_rule(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/party/orgs/{id}/scores?msg=saved#rules")))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ScoresOut {
    pub year: i32,
    pub rules: Vec<Rule>,
    pub scores: Vec<MemberScore>,
}

/// A branch's 党员积分 for a year, computed from the records with its rules — its leaders only.
#[utoipa::path(get, path = "/api/v1/party/orgs/{id}/scores", tag = "party",
    params(("id" = i64, Path, description = "branch"), ("year" = Option<i32>, Query, description = "2000 … this year")),
    responses((status = 200, body = ScoresOut), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn api_scores(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> ApiResult<ScoresOut> {
    let b = actions::board(&state, &p, &ctx, id, q.year.as_deref()).await?;
    Ok(Json(ScoresOut { year: b.year, rules: b.rules, scores: b.scores }))
}
