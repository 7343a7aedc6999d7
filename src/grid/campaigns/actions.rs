//! Door-to-door campaigns' use cases. A community's cadres (and the company's admins, who keep the
//! government tree) put on a campaign over their community, a grid or a micro-grid; the grid members
//! whose grids meet it — the community's own and property staff serving as members (物业人员进网格) —
//! record visits at the households of their grids, from the phone, online or later from its queue;
//! the cadres and members see coverage live. A visit is one transaction: a replayed key answers with
//! the visit it made; a second record of the day by the same member is merged into the first.

use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};

use super::{
    model::{self, How, Topic},
    store::{self, Campaign, Cover, Door, NewCampaign, NewVisit},
};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    error::{AppError, AppResult, FieldError},
    org::{
        model::NodeKind,
        store::{self as org, Node},
    },
    requests::photos::{self, Upload},
};

fn refused(r: crate::error::Refused) -> AppError {
    r.into()
}

/// May the caller put on campaigns over this node (its cadres, or admins of the government tree)?
fn may_run(p: &Principal, n: &Node) -> bool {
    matches!(n.kind(), NodeKind::Community | NodeKind::Grid | NodeKind::Microgrid)
        && (org::cadre_over(p, n) || p.scope.can_write_node(None, &n.path, false))
}

/// The caller's micro-grid areas that meet this campaign's area.
fn my_grids_in(p: &Principal, area: &str) -> Vec<String> {
    p.scope
        .grid_paths
        .iter()
        .filter_map(|g| {
            if g.starts_with(area) {
                Some(g.clone())
            } else if area.starts_with(g.as_str()) {
                Some(area.to_string())
            } else {
                None
            }
        })
        .collect()
}

/// May the caller read this campaign: they run it, or their grids meet it.
fn may_read(p: &Principal, c: &Campaign) -> bool {
    p.grants.iter().any(|g| g.role == crate::auth::model::Role::Cadre && c.node_path.starts_with(&g.node_path))
        || p.scope.can_write_node(None, &c.node_path, false)
        || !my_grids_in(p, &c.node_path).is_empty()
}

async fn open(state: &AppState, p: &Principal, id: i64) -> AppResult<Campaign> {
    let c = store::one(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    if !may_read(p, &c) {
        return Err(AppError::not_found());
    }
    Ok(c)
}

/// What the grid page shows: the campaigns the caller reads (running or ended within a month), and the
/// areas where they may start one.
pub struct Overview {
    pub campaigns: Vec<(Campaign, i64, i64)>,
    pub areas: Vec<(i64, String)>,
}

pub async fn overview(state: &AppState, p: &Principal) -> AppResult<Overview> {
    let conn = &state.db.read;
    let since = state.clock.today() - chrono::Duration::days(31);
    let mut campaigns = Vec::new();
    for c in store::recent(conn, since).await?.into_iter().filter(|c| may_read(p, c)) {
        let (target, visited) = totals(conn, &c).await?;
        campaigns.push((c, target, visited));
    }
    let areas =
        org::upper_tree(conn).await?.into_iter().filter(|n| may_run(p, n)).map(|n| (n.id, n.name.clone())).collect();
    Ok(Overview { campaigns, areas })
}

async fn totals(conn: &impl sea_orm::ConnectionTrait, c: &Campaign) -> AppResult<(i64, i64)> {
    store::totals(conn, c.id, &c.node_path).await
}

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct CampaignForm {
    pub node_id: String,
    pub topic: String,
    pub title: String,
    pub brief: String,
    pub starts_on: String,
    pub ends_on: String,
}

/// Put on a campaign over an area the caller runs.
pub async fn create(state: &AppState, p: &Principal, ctx: &Ctx, f: &CampaignForm) -> AppResult<i64> {
    let conn = &state.db.read;
    let node = match f.node_id.trim().parse::<i64>().ok() {
        Some(id) => org::node(conn, id).await?,
        None => None,
    };
    let Some(node) = node.filter(|n| may_run(p, n)) else {
        if p.scope.gov_paths.is_empty() && p.scope.admin_paths.is_empty() {
            return Err(AppError::forbidden());
        }
        return Err(AppError::field("node_id", "请选择您负责的社区或网格"));
    };
    let mut errors = Vec::new();
    let topic = f.topic.parse::<Topic>().ok();
    if topic.is_none() {
        errors.push(FieldError::new("topic", "请选择走访主题"));
    }
    let title = crate::text::normalize(&f.title);
    if !(2..=60).contains(&title.chars().count()) {
        errors.push(FieldError::new("title", "请填写活动名称（2–60字）"));
    }
    let brief = crate::text::normalize(&f.brief);
    if brief.chars().count() > 500 {
        errors.push(FieldError::new("brief", "说明不超过500字"));
    }
    let date = |s: &str, field: &str, errors: &mut Vec<FieldError>| {
        let d = crate::text::day(s);
        if d.is_none() {
            errors.push(FieldError::new(field, "请选择日期"));
        }
        d
    };
    let start = date(&f.starts_on, "starts_on", &mut errors);
    let end = date(&f.ends_on, "ends_on", &mut errors);
    if let (Some(s), Some(e)) = (start, end)
        && let Err(r) = model::check_period(s, e, state.clock.today())
    {
        errors.push(FieldError::new("ends_on", r.zh));
    }
    let (Some(topic), Some(starts_on), Some(ends_on), true) = (topic, start, end, errors.is_empty()) else {
        return Err(AppError::validation(errors));
    };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let new = NewCampaign {
        node_id: node.id,
        topic,
        title: &title,
        brief: Some(brief.as_str()).filter(|b| !b.is_empty()),
        starts_on,
        ends_on,
    };
    let id = store::insert(&tx, &new, p.user_id.get(), now).await?;
    let summary = format!("在「{}」开展入户走访「{title}」（{starts_on}至{ends_on}）", node.name);
    audit::commit(
        tx,
        ctx,
        now,
        Entry { action: "create", entity: "grid_campaign", entity_id: Some(id), project_id: None, summary },
    )
    .await?;
    Ok(id)
}

/// A campaign's coverage, live: overall, by micro-grid, building and member.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Coverage {
    pub campaign: Campaign,
    pub target: i64,
    pub visited: i64,
    pub by_microgrid: Vec<Cover>,
    pub by_building: Vec<Cover>,
    /// Per member: `target` is their visits, `visited` the households they reached.
    pub by_member: Vec<Cover>,
    /// May the caller record visits (their grids meet it and it is running)?
    pub may_visit: bool,
}

pub async fn coverage(state: &AppState, p: &Principal, id: i64) -> AppResult<Coverage> {
    let c = open(state, p, id).await?;
    let conn = &state.db.read;
    let by_microgrid = store::by_microgrid(conn, c.id, &c.node_path).await?;
    let by_building = store::by_building(conn, c.id, &c.node_path).await?;
    let by_member = store::by_member(conn, c.id).await?;
    let may_visit =
        !my_grids_in(p, &c.node_path).is_empty() && model::open_on(c.starts_on, c.ends_on, state.clock.today()).is_ok();
    Ok(Coverage {
        target: by_microgrid.iter().map(|r| r.target).sum(),
        visited: by_microgrid.iter().map(|r| r.visited).sum(),
        by_microgrid,
        by_building,
        by_member,
        may_visit,
        campaign: c,
    })
}

/// The doors a member visits in this campaign (their grids' households in its area).
pub async fn doors(state: &AppState, p: &Principal, id: i64) -> AppResult<(Campaign, Vec<Door>)> {
    let c = open(state, p, id).await?;
    let grids = my_grids_in(p, &c.node_path);
    if grids.is_empty() {
        return Err(AppError::forbidden());
    }
    let doors = store::doors(&state.db.read, c.id, &c.node_path, &grids).await?;
    Ok((c, doors))
}

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct VisitForm {
    pub campaign_id: String,
    pub household_id: String,
    /// `door`, `phone`, `wechat` or `poster`.
    pub how: String,
    /// Who was reached (「业主本人」「老人和保姆」), at most 40 characters.
    pub reached: String,
    /// What was found, at most 500 characters.
    pub found: String,
    /// The key the phone made for this visit (8–64 letters, digits, `-`, `_`): sent again, it is taken once.
    pub key: String,
}

/// What became of a visit sent.
#[derive(Serialize, utoipa::ToSchema, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    pub id: i64,
    /// Added to the member's record of this household today.
    pub merged: bool,
    /// This key was taken before: nothing new was written.
    pub replayed: bool,
}

/// Record a visit at a household of the caller's grids in a running campaign.
pub async fn visit(state: &AppState, p: &Principal, ctx: &Ctx, f: &VisitForm) -> AppResult<Recorded> {
    let campaign = f.campaign_id.trim().parse::<i64>().map_err(|_| AppError::not_found())?;
    let c = open(state, p, campaign).await?;
    let key = f.key.trim();
    if !model::valid_key(key) {
        return Err(AppError::field("key", "走访记录缺少编号，请刷新页面后重填"));
    }
    let me = p.person_id.ok_or_else(AppError::forbidden)?;
    let conn = &state.db.read;
    // A replay: the visit this key made, whatever came after (even once the campaign has ended).
    if let Some((id, member, of)) = store::by_key(conn, key).await? {
        if member != me || of != c.id {
            return Err(AppError::conflict(
                "key_reused",
                "这个编号已被另一条记录使用",
                "This key belongs to another visit",
            ));
        }
        return Ok(Recorded { id, merged: false, replayed: true });
    }
    let grids = my_grids_in(p, &c.node_path);
    let household = f.household_id.trim().parse::<i64>().ok();
    let grid = match household {
        Some(h) => store::household_grid(conn, h).await?,
        None => None,
    };
    let in_mine = |g: &String| g.starts_with(c.node_path.as_str()) && grids.iter().any(|m| g.starts_with(m.as_str()));
    let (Some(household), Some(_)) = (household, grid.filter(in_mine)) else {
        return Err(AppError::not_found());
    };
    let day = state.clock.today();
    model::open_on(c.starts_on, c.ends_on, day).map_err(refused)?;
    let how = f.how.parse::<How>().map_err(|_| AppError::field("how", "请选择走访方式"))?;
    let reached = crate::text::normalize(&f.reached);
    let found = crate::text::normalize(&f.found);
    let mut errors = Vec::new();
    if reached.chars().count() > 40 {
        errors.push(FieldError::new("reached", "走访对象不超过40字"));
    }
    if found.chars().count() > 500 {
        errors.push(FieldError::new("found", "发现的情况不超过500字"));
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let now = state.clock.now();
    let new = NewVisit {
        campaign_id: c.id,
        household_id: household,
        member: me,
        day,
        how,
        reached: Some(reached.as_str()).filter(|s| !s.is_empty()),
        found: Some(found.as_str()).filter(|s| !s.is_empty()),
        key,
        by: p.user_id.get(),
    };
    let tx = state.db.write.begin().await?;
    let (id, merged) = match store::insert_visit(&tx, &new, now).await? {
        Some(id) => (id, false),
        None => {
            let Some(old) = store::day_visit(&tx, &new).await? else {
                return Err(AppError::conflict(
                    "visit_in_flight",
                    "这条走访记录正在提交，请稍后刷新",
                    "Reload shortly",
                ));
            };
            let found = model::merge_found(old.found.as_deref(), new.found);
            let reached = new.reached.map(str::to_string).or(old.reached);
            store::merge(&tx, old.id, how, reached.as_deref(), found.as_deref(), key, now).await?;
            (old.id, true)
        }
    };
    let summary = format!("「{}」入户走访（{}）", c.title, how.label(ctx.lang));
    audit::commit(
        tx,
        ctx,
        now,
        Entry { action: "create", entity: "grid_visit", entity_id: Some(id), project_id: None, summary },
    )
    .await?;
    Ok(Recorded { id, merged, replayed: false })
}

/// A visit the caller recorded, in a campaign they still read, and its photo count; 404 for anyone
/// else's visit (another member's, or one in a campaign they do not read).
async fn my_visit(state: &AppState, p: &Principal, visit: i64) -> AppResult<store::VisitOwner> {
    let v = store::visit_owner(&state.db.read, visit).await?.ok_or_else(AppError::not_found)?;
    open(state, p, v.campaign_id).await?;
    if Some(v.member_person_id) != p.person_id {
        return Err(AppError::not_found());
    }
    Ok(v)
}

/// May the caller add photos to this visit (checked before the upload is read)?
pub async fn may_add_photos(state: &AppState, p: &Principal, visit: i64) -> AppResult<i64> {
    let v = my_visit(state, p, visit).await?;
    model::room_for_photos(v.photos, 0).map_err(refused)?;
    Ok(v.campaign_id)
}

/// Add one to three photos to a visit the caller recorded (at most three a visit), with an audit line.
pub async fn add_photos(state: &AppState, p: &Principal, ctx: &Ctx, visit: i64, uploads: Vec<Upload>) -> AppResult<()> {
    if uploads.is_empty() {
        return Err(AppError::field("photo", "请选择一张照片"));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    // Read again in the transaction: two uploads at once do not pass four photos.
    let v = store::visit_owner(&tx, visit).await?.ok_or_else(AppError::not_found)?;
    model::room_for_photos(v.photos, uploads.len()).map_err(refused)?;
    let summary = format!("为入户走访记录添加照片（{}张）", uploads.len());
    let entry = Entry { action: "update", entity: "grid_visit", entity_id: Some(visit), project_id: None, summary };
    photos::commit_with_photos(state, tx, ctx, (store::photos_of(visit), uploads), p.user_id, now, entry).await
}

/// One photo of a visit, for those who read its campaign.
pub async fn photo(state: &AppState, p: &Principal, visit: i64, photo: i64) -> AppResult<axum::response::Response> {
    let v = store::visit_owner(&state.db.read, visit).await?.ok_or_else(AppError::not_found)?;
    open(state, p, v.campaign_id).await?;
    photos::serve_of(state, &store::photos_of(visit), photo).await
}

/// The caller's visits today in a campaign, by household, with their photo ids (the door list).
pub async fn mine_today(state: &AppState, p: &Principal, campaign: i64) -> AppResult<Vec<store::MineToday>> {
    let Some(me) = p.person_id else { return Ok(vec![]) };
    store::mine_on(&state.db.read, campaign, me, state.clock.today()).await
}
