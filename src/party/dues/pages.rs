//! 党费 pages: the branch's ledger for its 组织委员 (bases, dues, this month, arrears; set a basis, record a
//! payment), and 我的党组织 — a member's own page on the phone: branch, dates, dues, meetings attended.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Json,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect},
};
use chrono::Datelike;

use super::{
    actions::{self, BasisForm, PaymentForm, Standing},
    model::{self, Category},
};
use crate::{
    app::AppState,
    auth::Auth,
    error::{ApiResult, AppResult},
    party::{meetings::store as meetings, store::Membership},
    web::{
        Chrome, MsgQuery,
        forms::{Choice, choices},
    },
};

pub struct LedgerLine {
    pub s: Standing,
    pub category: &'static str,
    pub income: String,
    pub due: String,
    pub arrears: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "party/dues.html")]
struct LedgerPage {
    c: Chrome,
    org_id: i64,
    org_name: String,
    lines: Vec<LedgerLine>,
    members: Vec<Choice>,
    categories: Vec<Choice>,
    month: String,
}

fn line(s: Standing, lang: crate::web::i18n::Lang) -> LedgerLine {
    LedgerLine {
        category: s.category.map(|c| c.label(lang)).unwrap_or(""),
        income: s.income_fen.map(model::fen_to_yuan).unwrap_or_default(),
        due: s.due_fen.map(model::fen_to_yuan).unwrap_or_default(),
        arrears: s.arrears.join("、"),
        s,
    }
}

pub async fn ledger_page(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let (a, standings) = actions::ledger(&state, &p, id).await?;
    let members = choices(standings.iter().map(|s| (s.person_id.get(), s.person_name.clone())));
    Ok(LedgerPage {
        c: Chrome::titled(&ctx, "party.dues").with_msg(m.msg.as_deref()),
        org_id: a.org.id,
        org_name: a.org.name,
        lines: standings.into_iter().map(|s| line(s, ctx.lang)).collect(),
        members,
        categories: choices(Category::ALL.iter().map(|c| (c.as_str(), c.label(ctx.lang)))),
        month: model::month_of(state.clock.today()),
    })
}

pub async fn set_basis(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<BasisForm>,
) -> AppResult<Redirect> {
    actions::set_basis(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/party/orgs/{id}/dues?msg=saved")))
}

pub async fn record_payment(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<PaymentForm>,
) -> AppResult<Redirect> {
    actions::record_payment(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/party/orgs/{id}/dues?msg=saved")))
}

pub struct MeLine {
    pub id: i64,
    pub title: String,
    pub kind: &'static str,
    pub held_on: String,
    /// Held with an activity (sign in there).
    pub with_activity: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "party/me.html")]
struct MePage {
    c: Chrome,
    membership: Option<Membership>,
    status: &'static str,
    years: i32,
    due: String,
    paid_this_month: bool,
    arrears: String,
    meetings: Vec<MeLine>,
    /// Meetings ahead I am expected at (their notices).
    ahead: Vec<MeLine>,
    /// 双报到: where I am registered, and the micro-grids I may register with.
    report: Option<crate::party::store::Report>,
    grids: Vec<crate::web::forms::Choice>,
    /// 联系户: the households I keep in touch with, my latest visits, the ways of visiting; my posts.
    contacts: Vec<crate::party::contacts::store::Contact>,
    visits: Vec<crate::party::contacts::pages::VisitLine>,
    hows: Vec<crate::web::forms::Choice>,
    stations: Vec<crate::party::contacts::pages::StationLine>,
    /// 党员积分 this year: the rules and my lines.
    score: Option<crate::party::score::actions::MemberScore>,
    score_rules: Vec<crate::party::score::pages::RuleLine>,
    year: i32,
}

/// 我的党组织: my branch and status, my dues, the meetings I attended this year.
pub async fn me_page(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Query(q): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let mine = actions::mine(&state, &p).await?;
    let today = state.clock.today();
    let from = chrono::NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let line = |m: meetings::Meeting| MeLine {
        id: m.id,
        kind: m.kind.label(ctx.lang),
        held_on: m.held_on.to_string(),
        with_activity: m.occurrence_id.is_some(),
        title: m.title,
    };
    let (meetings, ahead) = match p.person_id {
        Some(me) if mine.is_some() => (
            meetings::attended_by(&state.db.read, me, from).await?.into_iter().map(line).collect(),
            meetings::ahead_for(&state.db.read, me, today).await?.into_iter().map(line).collect(),
        ),
        _ => (vec![], vec![]),
    };
    let (contacts, visits, stations) = crate::party::contacts::actions::mine(&state, &p).await?;
    let (score_rules, score) = match crate::party::score::actions::mine(&state, &p).await? {
        Some((rules, s)) => (crate::party::score::pages::rule_lines(rules, ctx.lang), Some(s)),
        None => (vec![], None),
    };
    let (membership, standing) = match mine {
        Some((m, s)) => (Some(m), Some(s)),
        None => (None, None),
    };
    Ok(MePage {
        c: Chrome::titled(&ctx, "party.me").with_msg(q.msg.as_deref()),
        status: membership.as_ref().map(|m| m.status.label(ctx.lang)).unwrap_or(""),
        years: membership.as_ref().map(|m| today.year() - m.joined_on.year()).unwrap_or(0),
        due: standing.as_ref().and_then(|s| s.due_fen).map(model::fen_to_yuan).unwrap_or_default(),
        paid_this_month: standing.as_ref().is_some_and(|s| s.paid_this_month),
        arrears: standing.as_ref().map(|s| s.arrears.join("、")).unwrap_or_default(),
        report: match p.person_id {
            Some(me) if membership.is_some() => crate::party::store::current_report(&state.db.read, me).await?,
            _ => None,
        },
        grids: if membership.is_some() {
            crate::web::forms::choices(crate::party::actions::report_choices(&state, &p).await?)
        } else {
            vec![]
        },
        membership,
        meetings,
        ahead,
        contacts,
        visits: visits.into_iter().map(|v| crate::party::contacts::pages::visit_line(v, ctx.lang)).collect(),
        hows: crate::party::contacts::pages::hows(ctx.lang),
        stations: stations.into_iter().map(|s| crate::party::contacts::pages::station_line(s, ctx.lang)).collect(),
        score,
        score_rules,
        year: today.year(),
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ReportForm {
    pub microgrid_id: String,
}

/// 在职党员双报到: register with a micro-grid of the community where I live.
pub async fn report(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Form(f): Form<ReportForm>,
) -> AppResult<Redirect> {
    crate::party::actions::report(&state, &p, &ctx, &f.microgrid_id).await?;
    Ok(Redirect::to("/party/me?msg=saved#my-report"))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Me {
    pub membership: Option<Membership>,
    pub dues: Option<Standing>,
}

/// My Party membership and dues (empty for someone who is no member).
#[utoipa::path(get, path = "/api/v1/party/me", tag = "party", responses((status = 200, body = Me), (status = 401)))]
pub async fn api_me(State(state): State<AppState>, Auth(p, _ctx): Auth) -> ApiResult<Me> {
    Ok(Json(match actions::mine(&state, &p).await? {
        Some((m, s)) => Me { membership: Some(m), dues: Some(s) },
        None => Me { membership: None, dues: None },
    }))
}
