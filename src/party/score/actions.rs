//! 党员积分's use cases: the branch's table for a year (its leaders; audited), a member's own score, and
//! the branch's rules — a row per source, so a branch changes a rule without a release.

use chrono::{Datelike, NaiveDate};
use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};

use super::{
    model::{self, Line, Rule, Source},
    store,
};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    error::{AppError, AppResult},
    ids::PersonId,
    party::{actions::Access, meetings::actions::open_to_record, store as party},
};

/// One member's score for the year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MemberScore {
    pub person_id: PersonId,
    pub person_name: String,
    pub lines: Vec<Line>,
    pub total: u32,
}

/// A branch's table for a year.
pub struct Board {
    pub access: Access,
    pub year: i32,
    pub rules: Vec<Rule>,
    pub scores: Vec<MemberScore>,
}

/// A year from the query: this year when absent; 2000 … this year otherwise (422).
pub fn year_of(typed: Option<&str>, today: NaiveDate) -> AppResult<i32> {
    match typed.map(crate::text::num).filter(|s| !s.is_empty()) {
        None => Ok(today.year()),
        Some(s) => s
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=today.year()).contains(y))
            .ok_or_else(|| AppError::field("year", "年份无效（2000年至今年）")),
    }
}

fn bounds(year: i32) -> (NaiveDate, NaiveDate) {
    let d = |y| NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default();
    (d(year), d(year + 1))
}

async fn scores(
    state: &AppState,
    rules: &[Rule],
    people: &[(PersonId, String)],
    year: i32,
) -> AppResult<Vec<MemberScore>> {
    let ids: Vec<i64> = people.iter().map(|(p, _)| p.get()).collect();
    let (from, to) = bounds(year);
    let units = store::units(&state.db.read, &ids, from, to).await?;
    Ok(people
        .iter()
        .map(|(id, name)| {
            let of = |s: Source| {
                units.iter().find(|(p, src, _)| *p == id.get() && *src == s).map(|(_, _, n)| *n).unwrap_or(0)
            };
            let (lines, total) = model::score(rules, of);
            MemberScore { person_id: *id, person_name: name.clone(), lines, total }
        })
        .collect())
}

/// The branch's members' scores for a year, highest first (the branch's leaders; the read is audited).
pub async fn board(state: &AppState, p: &Principal, ctx: &Ctx, org_id: i64, year: Option<&str>) -> AppResult<Board> {
    let a = open_to_record(state, p, org_id).await?;
    let year = year_of(year, state.clock.today())?;
    let (defaults, own) = store::rules(&state.db.read, a.org.id).await?;
    let rules = model::in_force(&defaults, &own);
    let members: Vec<(PersonId, String)> =
        party::members(&state.db.read, a.org.id).await?.into_iter().map(|m| (m.person_id, m.person_name)).collect();
    let mut scores = scores(state, &rules, &members, year).await?;
    scores.sort_by(|x, y| y.total.cmp(&x.total).then_with(|| x.person_name.cmp(&y.person_name)));
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "party_read",
            entity: "party_scores",
            entity_id: Some(a.org.id),
            project_id: a.node.project_id,
            summary: format!("查看「{}」{year}年党员积分（{}人）", a.org.name, scores.len()),
        },
    )
    .await?;
    Ok(Board { access: a, year, rules, scores })
}

/// My score this year under my branch's rules (none for someone who is no member).
pub async fn mine(state: &AppState, p: &Principal) -> AppResult<Option<(Vec<Rule>, MemberScore)>> {
    let Some(me) = p.person_id else { return Ok(None) };
    let Some(m) = party::current_of(&state.db.read, me).await? else { return Ok(None) };
    let (defaults, own) = store::rules(&state.db.read, m.org_id).await?;
    let rules = model::in_force(&defaults, &own);
    let year = state.clock.today().year();
    let mut s = scores(state, &rules, &[(me, m.person_name.clone())], year).await?;
    Ok(s.pop().map(|s| (rules, s)))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RuleForm {
    pub source: String,
    pub points: String,
    pub yearly_cap: String,
    /// "default": go back to the company's default for this source.
    pub reset: String,
}

/// Set (or reset) the branch's own rule for a source.
pub async fn set_rule(state: &AppState, p: &Principal, ctx: &Ctx, org_id: i64, f: &RuleForm) -> AppResult<()> {
    let a = open_to_record(state, p, org_id).await?;
    enum Change {
        Reset(Source),
        Set(Rule),
    }
    let change = if f.reset == "default" {
        Change::Reset(f.source.parse::<Source>().map_err(|_| AppError::field("source", "请选择积分来源"))?)
    } else {
        Change::Set(model::check_rule(&f.source, &f.points, &f.yearly_cap).map_err(AppError::validation)?)
    };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let summary = match change {
        Change::Reset(source) => {
            store::clear_rule(&tx, a.org.id, source).await?;
            format!("「{}」党员积分「{}」恢复默认规则", a.org.name, source.label(ctx.lang))
        }
        Change::Set(r) => {
            store::set_rule(&tx, a.org.id, &r, now).await?;
            let cap = r.yearly_cap.map(|c| format!("，年度上限{c}分")).unwrap_or_default();
            format!("「{}」党员积分「{}」每项{}分{cap}", a.org.name, r.source.label(ctx.lang), r.points)
        }
    };
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "party_score_rule",
            entity_id: Some(a.org.id),
            project_id: a.node.project_id,
            summary,
        },
    )
    .await?;
    Ok(())
}
