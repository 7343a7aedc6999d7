//! 爱心超市's pages: the shelf and my redemptions (residents), the counter (staff).

use crate::ids::*;
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State as AxState},
    response::{IntoResponse, Redirect},
};
use serde::Deserialize;

use super::{
    actions::*,
    store::{self, Redemption},
};
use crate::auth::StaffUser;
use crate::{
    app::AppState,
    auth::Auth,
    clock::fmt_datetime,
    error::{AppError, AppResult},
    volunteers::model,
    web::Chrome,
};

pub struct MineLine {
    pub id: i64,
    pub item: String,
    pub quantity: i32,
    pub points: i32,
    pub code: String,
    pub state: &'static str,
    pub reserved: bool,
    pub when: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "volunteers/rewards.html")]
struct RewardsPage {
    c: Chrome,
    shelves: Vec<Shelf>,
    mine: Vec<MineLine>,
    /// Staff: projects whose shelf they run, and the latest redemptions there.
    staff_projects: Vec<(ProjectId, String)>,
    recent: Vec<MineLine>,
    /// (name) of a redemption just collected at the counter.
    collected: String,
    /// The pickup code of a redemption just made for a resident.
    made_code: String,
}

impl RewardsPage {
    fn staff_of(&self, project: &ProjectId) -> bool {
        self.staff_projects.iter().any(|(id, _)| id == project)
    }
}

/// A redemption as a page line; staff lists name the resident, a resident's own list does not.
fn line(r: Redemption, with_name: bool, lang: crate::web::i18n::Lang) -> MineLine {
    MineLine {
        id: r.id,
        item: if with_name { format!("{}（{}）", r.item_name, r.person_name) } else { r.item_name },
        quantity: r.quantity,
        points: r.points,
        code: model::code_display(&r.code),
        state: r.state.label(lang),
        reserved: r.state == crate::volunteers::model::RedemptionState::Reserved,
        when: fmt_datetime(r.created_at),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RewardsQuery {
    pub msg: Option<String>,
    pub collected: Option<i64>,
    /// The pickup code of a redemption staff just made for a resident (to read out or write down).
    pub code: Option<String>,
}

pub async fn page(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Query(q): Query<RewardsQuery>,
) -> AppResult<impl IntoResponse> {
    let cat = catalogue(&state, &p, None).await?;
    let staff: Vec<ProjectId> = p.scope.write_projects.iter().copied().collect();
    let staff_projects = crate::org::store::project_names(&state.db.read, staff.iter().copied()).await?;
    let recent =
        store::recent_redemptions(&state.db.read, &staff).await?.into_iter().map(|r| line(r, true, ctx.lang)).collect();
    let collected = match q.collected {
        Some(id) => store::redemption(&state.db.read, id)
            .await?
            .filter(|r| p.scope.can_write_project(r.project_id))
            .map(|r| format!("{} ×{} — {}", r.item_name, r.quantity, r.person_name))
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(RewardsPage {
        c: Chrome::titled(&ctx, "rw.title").with_msg(q.msg.as_deref()),
        shelves: cat.shelves,
        mine: cat.mine.into_iter().map(|r| line(r, false, ctx.lang)).collect(),
        staff_projects,
        recent,
        collected,
        made_code: q
            .code
            .as_deref()
            .and_then(model::normalize_code)
            .map(|c| model::code_display(&c))
            .unwrap_or_default(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ItemForm {
    pub project_id: String,
    pub name: String,
    pub description: String,
    pub points: String,
    pub stock: String,
}

pub async fn create_item(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Form(f): Form<ItemForm>,
) -> AppResult<Redirect> {
    let project: i64 = f.project_id.trim().parse().map_err(|_| AppError::field("project_id", "请选择项目"))?;
    let input = item_input(&f.name, &f.description, &f.points, &f.stock)?;
    create_item_checked(&state, &p, &ctx, ProjectId(project), input).await?;
    Ok(Redirect::to("/rewards?msg=created"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ItemUpdateForm {
    pub points: String,
    pub add_stock: String,
    /// `1` on the shelf, `0` off.
    pub active: String,
}

pub async fn update_item(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<ItemUpdateForm>,
) -> AppResult<Redirect> {
    let points: i32 =
        crate::text::num(&f.points).parse().map_err(|_| AppError::field("points", "所需积分应为1至100000"))?;
    let add: i32 = match f.add_stock.trim() {
        "" => 0,
        v => v.parse().map_err(|_| AppError::field("add_stock", "补货数量应为整数"))?,
    };
    update_item_checked(&state, &p, &ctx, id, points, add, f.active.trim() != "0").await?;
    Ok(Redirect::to("/rewards?msg=saved"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RedeemForm {
    pub quantity: String,
    /// Staff redeeming for a resident: the home (「1-1-101」) and the name.
    pub room: String,
    pub name: String,
}

pub async fn redeem(
    AxState(state): AxState<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<RedeemForm>,
) -> AppResult<Redirect> {
    let q: i64 = match f.quantity.trim() {
        "" => 1,
        v => crate::text::num(v).parse().map_err(|_| AppError::field("quantity", "数量应为整数"))?,
    };
    let for_resident =
        (!f.room.trim().is_empty() || !f.name.trim().is_empty()).then_some((f.room.as_str(), f.name.as_str()));
    let r = redeem_checked(&state, &p, &ctx, id, q, for_resident).await?;
    if for_resident.is_some() {
        return Ok(Redirect::to(&format!("/rewards?msg=redeemed_for&code={}", r.code)));
    }
    Ok(Redirect::to("/rewards?msg=redeemed"))
}

pub async fn cancel(AxState(state): AxState<AppState>, Auth(p, ctx): Auth, Path(id): Path<i64>) -> AppResult<Redirect> {
    cancel_checked(&state, &p, &ctx, id).await?;
    Ok(Redirect::to("/rewards?msg=redemption_cancelled"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CollectForm {
    pub code: String,
}

pub async fn collect(
    AxState(state): AxState<AppState>,
    StaffUser(p, ctx): StaffUser,
    Form(f): Form<CollectForm>,
) -> AppResult<Redirect> {
    let r = collect_checked(&state, &p, &ctx, &f.code).await?;
    Ok(Redirect::to(&format!("/rewards?collected={}", r.id)))
}
