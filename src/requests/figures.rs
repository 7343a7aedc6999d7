//! The month's figures for a project: 三率 (响应率, 办结率, 满意率) from `model::three_rates`, per category,
//! the overdue board, and the request ledger (台账) as `.xlsx`.

use crate::ids::*;
use crate::web::forms::{Choice, choices_with};
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Query, State as AxState},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use chrono_tz::Asia::Shanghai;
use sea_orm::FromQueryResult;
use serde::Deserialize;

use super::{
    model::{self, MonthFacts, Rating, State, ThreeRates},
    store::{
        self, QueueFilter,
        referrals::{ReferralFigures, figures as referral_figures},
    },
};
use crate::{
    app::AppState,
    auth::{Ctx, Desk, Principal},
    clock::fmt_datetime,
    error::{AppError, AppResult},
    org::store as org,
    web::Chrome,
};

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct FiguresQuery {
    /// Project id; default: the caller's first project.
    pub project: Option<i64>,
    /// `YYYY-MM`; default: this month in China.
    pub month: Option<String>,
}

pub use crate::clock::month_bounds;

#[derive(Debug, FromQueryResult)]
pub struct MonthRow {
    pub id: i64,
    pub category: String,
    pub kind: String,
    pub state: String,
    pub location: Option<String>,
    pub created_at: DateTime<Utc>,
    pub respond_by: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub rating_speed: Option<i16>,
    pub rating_quality: Option<i16>,
    pub rating_attitude: Option<i16>,
    pub rating_comment: Option<String>,
}

impl MonthRow {
    fn rating(&self) -> Option<Rating> {
        match (self.rating_speed, self.rating_quality, self.rating_attitude) {
            (Some(a), Some(b), Some(c)) => Rating::new(a as u8, b as u8, c as u8).ok(),
            _ => None,
        }
    }
    pub fn facts(&self) -> MonthFacts {
        MonthFacts {
            responded_in_time: self.responded_at.is_some_and(|t| t <= self.respond_by),
            closed: self.state == State::Closed.as_str(),
            rating: self.rating(),
        }
    }
}

pub use super::store::figures::{month_counts, month_counts_from_rows, month_rows, recount_mismatches};

fn pct(permille: u32) -> String {
    format!("{}.{}%", permille / 10, permille % 10)
}

pub struct RateLine {
    pub name: String,
    pub total: usize,
    pub response: String,
    pub closure: String,
    pub satisfaction: String,
    pub rated: usize,
}

fn rate_line(name: String, r: ThreeRates) -> RateLine {
    RateLine {
        name,
        total: r.total,
        response: pct(r.response_permille),
        closure: pct(r.closure_permille),
        satisfaction: if r.rated == 0 { "—".into() } else { pct(r.satisfaction_permille) },
        rated: r.rated,
    }
}

/// A request on the overdue board.
struct OverdueLine {
    id: i64,
    category: String,
    state: &'static str,
    complete_by: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "requests/figures.html")]
struct FiguresPage {
    c: Chrome,
    project_id: ProjectId,
    projects: Vec<Choice>,
    month: String,
    total: RateLine,
    by_category: Vec<RateLine>,
    overdue: Vec<OverdueLine>,
    referrals: ReferralFigures,
}

/// One month of the year view: its 三率, and the bar's width against the busiest month.
struct YearLine {
    month: String,
    rates: RateLine,
    bar: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "requests/year.html")]
struct YearPage {
    c: Chrome,
    project_id: ProjectId,
    projects: Vec<Choice>,
    lines: Vec<YearLine>,
}

/// The last twelve months of a project, month by month (its own page, so the month page stays one query).
pub async fn year(
    AxState(state): AxState<AppState>,
    Desk(p, ctx): Desk,
    Query(q): Query<FiguresQuery>,
) -> AppResult<impl IntoResponse> {
    let (project, month, _, _) = resolve(&state, &p, &FiguresQuery { month: None, ..q }).await?;
    let first = chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .map_err(|_| AppError::internal("month"))?;
    let mut lines = Vec::new();
    for back in (0..12).rev() {
        let m = first.checked_sub_months(chrono::Months::new(back)).unwrap_or(first).format("%Y-%m").to_string();
        let (start, end) = month_bounds(&m).ok_or_else(|| AppError::internal("month bounds"))?;
        let sum: model::MonthCounts =
            month_counts(&state.db.read, ProjectId(project), start, end).await?.iter().map(|(_, c)| *c).sum();
        lines.push(YearLine { rates: rate_line(m.clone(), model::three_rates_from(sum)), month: m, bar: 0 });
    }
    let most = lines.iter().map(|l| l.rates.total).max().unwrap_or(0).max(1);
    for l in &mut lines {
        l.bar = l.rates.total * 100 / most;
    }
    let projects = org::project_names(&state.db.read, p.scope.read_projects.iter().copied()).await?;
    Ok(YearPage {
        c: Chrome::titled(&ctx, "req.year"),
        project_id: ProjectId(project),
        projects: choices_with(projects, &project.to_string()),
        lines,
    })
}

async fn resolve(
    state: &AppState,
    p: &Principal,
    q: &FiguresQuery,
) -> AppResult<(i64, String, DateTime<Utc>, DateTime<Utc>)> {
    let project = match q.project {
        Some(id) => id,
        None => (*p.scope.read_projects.iter().next().ok_or_else(AppError::forbidden)?).into(),
    };
    if !p.scope.can_read_project(ProjectId(project)) {
        return Err(AppError::not_found());
    }
    let month = q
        .month
        .clone()
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| state.clock.now().with_timezone(&Shanghai).format("%Y-%m").to_string());
    let (start, end) = month_bounds(&month).ok_or_else(|| AppError::field("month", "月份格式应为 2026-11"))?;
    Ok((project, month, start, end))
}

pub async fn page(
    AxState(state): AxState<AppState>,
    Desk(p, ctx): Desk,
    Query(q): Query<FiguresQuery>,
) -> AppResult<impl IntoResponse> {
    let (project, month, start, end) = resolve(&state, &p, &q).await?;
    let counts = month_counts(&state.db.read, ProjectId(project), start, end).await?;
    let sum: model::MonthCounts = counts.iter().map(|(_, c)| *c).sum();
    let total = rate_line(String::new(), model::three_rates_from(sum));
    let by_category = counts.into_iter().map(|(c, n)| rate_line(c, model::three_rates_from(n))).collect();
    let now = state.clock.now();
    let f = QueueFilter { overdue: Some("1".into()), ..Default::default() };
    let overdue = store::queue(&state.db.read, &[ProjectId(project)], None, &[], &f, now)
        .await?
        .into_iter()
        .map(|r| OverdueLine {
            id: r.id,
            category: r.category_name.clone(),
            state: r.state().label(ctx.lang),
            complete_by: fmt_datetime(r.complete_by),
        })
        .collect();
    let referrals = referral_figures(&state.db.read, &[ProjectId(project)], start, end, now).await?;
    let projects = org::project_names(&state.db.read, p.scope.read_projects.iter().copied()).await?;
    Ok(FiguresPage {
        referrals,
        c: page_chrome(&ctx),
        project_id: ProjectId(project),
        projects: choices_with(projects, &project.to_string()),
        month,
        total,
        by_category,
        overdue,
    })
}

/// One line of the month's figures; rates in per-mille (‰), exact integers.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RatesJson {
    /// The category, or `null` for the whole project.
    pub category: Option<String>,
    pub total: usize,
    pub responded_in_time: usize,
    pub closed: usize,
    pub rated: usize,
    pub satisfied: usize,
    /// 响应率 ‰
    pub response_permille: u32,
    /// 办结率 ‰
    pub closure_permille: u32,
    /// 满意率 ‰ (of rated requests)
    pub satisfaction_permille: u32,
}

fn rates_json(category: Option<String>, c: model::MonthCounts) -> RatesJson {
    let r = model::three_rates_from(c);
    RatesJson {
        category,
        total: c.total,
        responded_in_time: c.responded_in_time,
        closed: c.closed,
        rated: c.rated,
        satisfied: c.satisfied,
        response_permille: r.response_permille,
        closure_permille: r.closure_permille,
        satisfaction_permille: r.satisfaction_permille,
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct FiguresJson {
    pub project_id: ProjectId,
    /// `YYYY-MM` (China calendar month).
    pub month: String,
    pub total: RatesJson,
    pub by_category: Vec<RatesJson>,
    /// What was pushed up (上报) in the month and how fast the government side answered.
    pub referrals: ReferralFigures,
}

/// The month's 三率 (响应率, 办结率, 满意率) for a project, in total and per category.
#[utoipa::path(get, path = "/api/v1/requests/figures", tag = "requests", params(FiguresQuery),
    responses((status = 200, body = FiguresJson), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn api(
    AxState(state): AxState<AppState>,
    Desk(p, _): Desk,
    Query(q): Query<FiguresQuery>,
) -> crate::error::ApiResult<FiguresJson> {
    let (project, month, start, end) = resolve(&state, &p, &q).await?;
    let counts = month_counts(&state.db.read, ProjectId(project), start, end).await?;
    let sum: model::MonthCounts = counts.iter().map(|(_, c)| *c).sum();
    let referrals = referral_figures(&state.db.read, &[ProjectId(project)], start, end, state.clock.now()).await?;
    Ok(axum::Json(FiguresJson {
        referrals,
        project_id: ProjectId(project),
        month,
        total: rates_json(None, sum),
        by_category: counts.into_iter().map(|(c, n)| rates_json(Some(c), n)).collect(),
    }))
}

fn page_chrome(ctx: &Ctx) -> Chrome {
    Chrome::titled(ctx, "req.figures")
}

/// The month's requests as an `.xlsx` 台账 (no phone or ID numbers in it).
pub async fn export(
    AxState(state): AxState<AppState>,
    Desk(p, _): Desk,
    Query(q): Query<FiguresQuery>,
) -> AppResult<Response> {
    use rust_xlsxwriter::{Format, Workbook};
    let (project, month, start, end) = resolve(&state, &p, &q).await?;
    let rows = month_rows(&state.db.read, ProjectId(project), start, end).await?;
    let name = org::node(&state.db.read, project).await?.map(|n| n.name).unwrap_or_default();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("诉求台账").map_err(AppError::internal)?;
    let bold = Format::new().set_bold();
    let headers = [
        "编号",
        "提交时间",
        "类别",
        "类型",
        "位置",
        "状态",
        "响应时间",
        "是否按时响应",
        "办结时间",
        "响应速度",
        "处理质量",
        "服务态度",
        "评价留言",
    ];
    for (i, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold).map_err(AppError::internal)?;
        ws.set_column_width(i as u16, 14).map_err(AppError::internal)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = (i + 1) as u32;
        let text = |v: String| v;
        let cells = [
            text(fmt_datetime(r.created_at)),
            text(r.category.clone()),
            text(model::Kind::parse(&r.kind).map(|k| k.zh()).unwrap_or("").into()),
            text(r.location.clone().unwrap_or_default()),
            text(State::parse(&r.state).map(|s| s.zh()).unwrap_or("").into()),
            text(r.responded_at.map(fmt_datetime).unwrap_or_default()),
            text(if r.facts().responded_in_time { "是" } else { "否" }.into()),
            text(r.closed_at.map(fmt_datetime).unwrap_or_default()),
        ];
        ws.write_number(row, 0, r.id as f64).map_err(AppError::internal)?;
        for (j, v) in cells.iter().enumerate() {
            ws.write_string(row, (j + 1) as u16, v).map_err(AppError::internal)?;
        }
        for (j, v) in [r.rating_speed, r.rating_quality, r.rating_attitude].iter().enumerate() {
            if let Some(v) = v {
                ws.write_number(row, (9 + j) as u16, *v as f64).map_err(AppError::internal)?;
            }
        }
        if let Some(c) = &r.rating_comment {
            ws.write_string(row, 12, c).map_err(AppError::internal)?;
        }
    }
    let t = model::three_rates(&rows.iter().map(MonthRow::facts).collect::<Vec<_>>());
    let sum = wb.add_worksheet();
    sum.set_name("三率").map_err(AppError::internal)?;
    for (i, (k, v)) in [
        ("项目", name.clone()),
        ("月份", month.clone()),
        ("诉求总数", t.total.to_string()),
        ("响应率", pct(t.response_permille)),
        ("办结率", pct(t.closure_permille)),
        ("满意率", if t.rated == 0 { "—".into() } else { pct(t.satisfaction_permille) }),
        ("已评价数", t.rated.to_string()),
    ]
    .iter()
    .enumerate()
    {
        sum.write_string(i as u32, 0, *k).map_err(AppError::internal)?;
        sum.write_string(i as u32, 1, v).map_err(AppError::internal)?;
    }
    let bytes = wb.save_to_buffer().map_err(AppError::internal)?;
    Ok(crate::io::xlsx_response(bytes, &format!("{name}诉求台账_{month}.xlsx")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn months_are_china_calendar_months() {
        let (s, e) = super::month_bounds("2026-12").unwrap();
        assert_eq!(s.to_rfc3339(), "2026-11-30T16:00:00+00:00");
        assert_eq!(e.to_rfc3339(), "2026-12-31T16:00:00+00:00");
        assert!(super::month_bounds("2026-13").is_none());
        assert_eq!(super::pct(667), "66.7%");
    }
}
