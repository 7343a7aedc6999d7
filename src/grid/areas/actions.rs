//! A grid's one-page profile and KPIs. Who opens an area: a grid member inside their own grids, the
//! community's cadres over their community, and the admins who keep the government tree — nobody
//! else learns the area exists (404). The profile shows households by micro-grid and building, who
//! serves there (property staff marked 物业), the care list for a member with that care duty (read
//! through care, audited), open issues at its homes or filed by its members, what was pushed up
//! and answered, and over a window of weeks each micro-grid's and member's work: coverage of the
//! campaigns under way, visits per week, issues raised and closed and the median time to close.

use chrono::NaiveTime;
use serde::Serialize;

use super::{
    model,
    store::{self, Building, Member, OpenIssue, PushedUp},
};
use crate::{
    app::AppState,
    auth::{Ctx, Principal},
    care,
    error::{AppError, AppResult},
    ids::PersonId,
    org::{
        model::NodeKind,
        store::{self as org, Node},
    },
};

/// May the caller open this area?
fn may_read(p: &Principal, n: &Node) -> bool {
    matches!(n.kind(), NodeKind::Community | NodeKind::Grid | NodeKind::Microgrid)
        && (model::member_of(&p.scope.grid_paths, &n.path)
            || org::cadre_over(p, n)
            || p.scope.can_write_node(None, &n.path, false))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Area {
    pub id: i64,
    pub name: String,
    /// `community`, `grid` or `microgrid`.
    pub kind: String,
}

/// The areas the caller opens, the widest first (a member's grids; a cadre's community and its grids).
pub async fn areas(state: &AppState, p: &Principal) -> AppResult<Vec<Area>> {
    let nodes: Vec<Node> = org::upper_tree(&state.db.read).await?.into_iter().filter(|n| may_read(p, n)).collect();
    let paths: Vec<&str> = nodes.iter().map(|n| n.path.as_str()).collect();
    // A grid's micro-grids are reached from its page; list the tops and the grids right under them.
    let parent_listed =
        |n: &Node| paths.iter().any(|q| *q != n.path && n.path.starts_with(q) && n.kind() == NodeKind::Microgrid);
    Ok(nodes
        .iter()
        .filter(|n| !parent_listed(n))
        .take(200)
        .map(|n| Area { id: n.id, name: n.name.clone(), kind: n.kind.clone() })
        .collect())
}

/// A micro-grid's work in the window.
#[derive(Serialize, utoipa::ToSchema)]
pub struct GridFigures {
    pub id: i64,
    pub name: String,
    pub households: i64,
    /// Households reached over all campaigns under way here, against their targets.
    pub reached: i64,
    pub target: i64,
    pub coverage: String,
    pub visits: i64,
    pub per_week: String,
    pub issues: i64,
    pub closed: i64,
    pub median_hours: Option<i64>,
}

/// A member's work in the window.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MemberFigures {
    pub member: Member,
    pub visits: i64,
    pub households: i64,
    pub per_week: String,
    pub care_visits: i64,
    /// Issues filed from rounds (channel 网格员), closed of them, median hours to close.
    pub issues: i64,
    pub closed: i64,
    pub median_hours: Option<i64>,
    /// Pushed up (上报) and answered by the government side.
    pub pushed_up: i64,
    pub answered: i64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Profile {
    pub area: Area,
    pub households: i64,
    pub buildings: Vec<Building>,
    /// The care list for a member with that duty; null for others (cadres and admins see no names).
    pub care: Option<Vec<care::actions::Line>>,
    pub open_issues: Vec<OpenIssue>,
    pub pushed_up: Vec<PushedUp>,
    /// The window of the figures: the last `weeks` weeks, from `since`.
    pub weeks: u32,
    pub since: chrono::NaiveDate,
    pub grids: Vec<GridFigures>,
    pub members: Vec<MemberFigures>,
}

fn tally(rows: &[store::Dated], id: i64) -> (i64, i64, Option<i64>) {
    let mine: Vec<_> = rows.iter().filter(|r| r.id == id).collect();
    let closed: Vec<_> = mine.iter().filter_map(|r| r.done.map(|d| (r.opened, d))).collect();
    (mine.len() as i64, closed.len() as i64, model::median_hours(&closed))
}

pub async fn profile(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, weeks: Option<u32>) -> AppResult<Profile> {
    let conn = &state.db.read;
    let node = org::node(conn, id).await?.filter(|n| may_read(p, n)).ok_or_else(AppError::not_found)?;
    let area = node.path.as_str();
    let today = state.clock.today();
    let weeks = model::weeks(weeks);
    let since = model::since(today, weeks);
    let from = crate::clock::to_utc(since.and_time(NaiveTime::MIN));

    let microgrids = store::microgrids(conn, area).await?;
    let households = store::households(conn, area).await?;
    let members = store::members(conn, area, today).await?;
    let ids: Vec<PersonId> = members.iter().map(|m| m.person_id).collect();

    // Coverage of the campaigns under way: each covers the micro-grids under its own area.
    let running = store::running(conn, area, today).await?;
    let reached = store::reached(conn, &running.iter().map(|c| c.id).collect::<Vec<_>>(), area).await?;
    let grid_visits = store::visits_by_microgrid(conn, area, since).await?;
    let grid_issues = store::issues_by_microgrid(conn, area, from).await?;
    let grids = microgrids
        .iter()
        .map(|g| {
            let n = store::find(&households, g.id);
            let over = running.iter().filter(|c| g.path.starts_with(c.path.as_str())).count() as i64;
            let got: i64 = reached.iter().filter(|r| r.id == g.id).map(|r| r.n).sum();
            let visits = store::find(&grid_visits, g.id);
            let (issues, closed, median_hours) = tally(&grid_issues, g.id);
            GridFigures {
                id: g.id,
                name: g.name.clone(),
                households: n,
                reached: got,
                target: n * over,
                coverage: crate::grid::campaigns::model::pct(got, n * over),
                visits,
                per_week: model::per_week(visits, weeks),
                issues,
                closed,
                median_hours,
            }
        })
        .collect();

    let visits = store::visits_by_member(conn, &ids, since).await?;
    let care_visits = store::care_visits_by_member(conn, &ids, since).await?;
    let issues = store::issues_by_member(conn, &ids, from).await?;
    let referrals = store::referrals_by_member(conn, &ids, from).await?;
    let members = members
        .into_iter()
        .map(|m| {
            let id = m.person_id.get();
            let v = visits.iter().find(|v| v.id == id);
            let (n, closed, median_hours) = tally(&issues, id);
            let (pushed_up, answered, _) = tally(&referrals, id);
            let door = v.map(|v| v.visits).unwrap_or(0);
            MemberFigures {
                visits: door,
                households: v.map(|v| v.households).unwrap_or(0),
                per_week: model::per_week(door, weeks),
                care_visits: store::find(&care_visits, id),
                issues: n,
                closed,
                median_hours,
                pushed_up,
                answered,
                member: m,
            }
        })
        .collect();

    let care = care::actions::in_area(state, p, ctx, area).await?;
    let open_issues = store::open_issues(conn, area, &ids).await?;
    let pushed_up = store::pushed_up(conn, &ids, from).await?;
    let buildings = store::buildings(conn, area).await?;
    Ok(Profile {
        households: households.iter().map(|c| c.n).sum(),
        area: Area { id: node.id, name: node.name.clone(), kind: node.kind.clone() },
        buildings,
        care,
        open_issues,
        pushed_up,
        weeks,
        since,
        grids,
        members,
    })
}
