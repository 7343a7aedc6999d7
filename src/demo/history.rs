//! A year of believable history for the demo, made by the real use cases under a clock that walks from
//! a year ago to yesterday: requests reported (by residents from their phones, by staff for those who
//! call), dispatched, taken, finished — most on time, some late — and rated or visited; a few pushed up
//! to the community; room bookings and door visits; Friday cleaning days with sign-ups, check-ins, hours
//! and points; redemptions at the 爱心超市. Every row, event, notification and audit line is what the app
//! itself writes. Deterministic: the same data on every machine (a seeded generator and the clock), and
//! only on the first load (`demo::load` returns `false` afterwards).

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use rand::{Rng, SeedableRng, rngs::StdRng};

use crate::ids::*;
use crate::{
    app::AppState,
    auth::{Ctx, Principal, load_principal},
    clock::{TestClock, to_local, to_utc},
    db,
    error::AppError,
    params,
};

/// What residents and callers say, per category.
const SAYINGS: &[(&str, &[&str])] = &[
    (
        "电梯",
        &[
            "电梯按钮失灵，按了没反应",
            "电梯运行时有异响",
            "电梯门关不上，一直开开合合",
            "电梯停在两层之间，已出来，请检修",
        ],
    ),
    ("水电", &["厨房水龙头一直滴水", "卫生间下水很慢", "家里跳闸，总闸合不上", "楼道水表井盖松动"]),
    ("公共照明", &["楼道灯不亮，晚上看不清台阶", "地下车库有一排灯不亮", "单元门口的灯一闪一闪", "小区路灯晚上没开"]),
    ("绿化", &["草坪里的树枝断了挡路", "绿化带杂草太多", "树上有马蜂窝，请处理", "花坛里的灌木需要修剪"]),
    ("保洁", &["楼道里有人乱堆垃圾", "单元门口有积水和落叶", "垃圾桶满了没有清运", "电梯里有宠物粪便"]),
    ("安防", &["单元门禁坏了，门关不上", "小区东门有陌生人推销", "监控摄像头歪了", "消防通道被车堵住"]),
    ("噪音", &["楼上晚上十一点还在装修", "广场舞音响声音太大", "空调外机响声大", "夜里有人在楼下喧哗"]),
    ("市政", &["小区外的路灯不亮", "门口市政道路有坑", "公园的健身器材坏了", "路口红绿灯时间太短"]),
];

/// Where things are said to be: a building, unit and home of the demo estates ("1-1-101").
fn room_label(rng: &mut StdRng, office: bool) -> String {
    if office {
        format!("A-1-{}0{}", rng.gen_range(1..=3), rng.gen_range(1..=2))
    } else {
        format!("{}-{}-{}0{}", rng.gen_range(1..=2), rng.gen_range(1..=2), rng.gen_range(1..=3), rng.gen_range(1..=2))
    }
}

struct Actor {
    p: Arc<Principal>,
    ctx: Ctx,
}

async fn actor(state: &AppState, username: &str, today: NaiveDate) -> Result<Actor, AppError> {
    let id = db::one::<db::IdRow>(&state.db.read, "SELECT id FROM users WHERE username = $1", params![username])
        .await?
        .ok_or_else(|| AppError::internal(format!("demo user {username}")))?
        .id;
    let p = Arc::new(
        load_principal(&state.db, UserId(id), today)
            .await?
            .ok_or_else(|| AppError::internal(format!("demo principal {username}")))?,
    );
    Ok(Actor { ctx: Ctx::acting(p.clone()), p })
}

/// Days of history (a year), scaled by `size` (1 = the demo; more for benchmarks).
pub async fn load(state: &AppState, size: usize) -> Result<HistoryCounts, AppError> {
    let end = state.clock.now();
    let start_day = to_local(end).date() - Duration::days(364);
    let clock = TestClock::new(to_utc(start_day.and_hms_opt(8, 0, 0).unwrap_or_default()));
    let hs = state.with_clock(Arc::new(clock.clone()));
    let mut rng = StdRng::seed_from_u64(20_261_130);
    let mut counts = HistoryCounts::default();
    let today = start_day;
    let staff = actor(&hs, "staff", today).await?;
    let staff2 = actor(&hs, "staff2", today).await?;
    let hejing = actor(&hs, "hejing", today).await?;
    let residents = [actor(&hs, "resident", today).await?, actor(&hs, "resident2", today).await?];
    // (project staff, residents who report themselves, daily chance of a request, office building)
    let estates: [(&Actor, &[Actor], f64, bool); 3] =
        [(&staff, &residents, 0.85, false), (&staff2, &[], 0.35, false), (&hejing, &[], 0.45, false)];
    let yeyu = *staff.p.scope.write_projects.iter().next().ok_or_else(|| AppError::internal("demo project"))?;
    let fridays = past_cleaning_days(&hs, yeyu, start_day, end).await?;
    let neighbours = neighbours(&hs, yeyu).await?;
    let centre = db::one::<db::IdRow>(&hs.db.read, "SELECT id FROM centres WHERE project_id = $1", params![yeyu])
        .await?
        .map(|r| r.id);
    let rooms: Vec<i64> = match centre {
        Some(c) => crate::positions::store::rooms(&hs.db.read, c).await?.into_iter().map(|r| r.id).collect(),
        None => vec![],
    };
    for day_n in 0..364 {
        let day = start_day + Duration::days(day_n);
        for (who, selves, chance, office) in estates {
            for _ in 0..size {
                if rng.gen_bool(chance) {
                    request_life(&hs, &clock, &mut rng, day, who, selves, office, end, &mut counts).await?;
                }
            }
        }
        if let Some((_, occ)) = fridays.iter().find(|(d, _)| *d == day) {
            cleaning_day(&hs, &clock, &mut rng, *occ, day, &staff, &neighbours, &mut counts).await?;
        }
        if let Some(c) = centre {
            centre_day(&hs, &clock, &mut rng, c, &rooms, day, &staff, &residents, end, &mut counts).await?;
        }
        // Once a month 张三 spends his points at the 爱心超市; staff hand the goods over the next day.
        if day_n % 30 == 29 {
            redeem(&hs, &clock, day, end, yeyu, &residents[0], &staff, &mut counts).await?;
        }
    }
    // Notices older than a week have been read (a real inbox is not a year deep in unread ones).
    db::exec(
        &hs.db.write,
        "UPDATE notifications SET read_at = at WHERE read_at IS NULL AND at < $1",
        params![end - Duration::days(7)],
    )
    .await?;
    Ok(counts)
}

/// The year's Fridays before the demo's own series begins: one weekly 全员保洁日 activity for them.
async fn past_cleaning_days(
    hs: &AppState,
    project: ProjectId,
    from: NaiveDate,
    end: DateTime<Utc>,
) -> Result<Vec<(NaiveDate, i64)>, AppError> {
    use chrono::Datelike;
    let mut starts = Vec::new();
    let mut d = from;
    while to_utc(d.and_hms_opt(11, 0, 0).unwrap_or_default()) < end - Duration::days(1) {
        if d.weekday() == chrono::Weekday::Fri {
            starts.push(to_utc(d.and_hms_opt(9, 0, 0).unwrap_or_default()));
        }
        d += Duration::days(1);
    }
    let Some(first) = starts.first().copied() else { return Ok(vec![]) };
    let a = crate::activities::store::NewActivity {
        project_id: project,
        kind: "volunteer",
        title: "全员保洁日",
        series: Some("星火传蓉城·暖心进万家"),
        organiser: "保利叶语项目党支部",
        co_organisers: Some("社区党委"),
        place: Some("党群服务中心及小区公共区域"),
        audience: "all",
        team_id: None,
        room_id: None,
        capacity: 30,
        rrule: None,
        duration_minutes: 120,
        created_by: None,
    };
    let id = crate::activities::store::create(&hs.db.write, &a, &starts, first - Duration::days(7)).await?;
    let occ = db::all::<db::IdRow>(
        &hs.db.read,
        "SELECT id FROM activity_occurrences WHERE activity_id = $1 ORDER BY starts_at",
        params![id],
    )
    .await?;
    Ok(starts.iter().zip(occ).map(|(s, o)| (to_local(*s).date(), o.id)).collect())
}

/// The estate's residents who are not demo log-ins: id, and the home as 「1-1-101」.
async fn neighbours(hs: &AppState, project: ProjectId) -> Result<Vec<i64>, AppError> {
    Ok(db::all::<db::IdRow>(
        &hs.db.read,
        "SELECT m.person_id AS id FROM household_members m JOIN households h ON h.node_id = m.household_id \
         WHERE h.project_id = $1 ORDER BY m.person_id",
        params![project],
    )
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect())
}

/// A Friday cleaning day: neighbours come, staff check them in at the door (walk-ins signed up on the
/// spot) and out two hours later; hours and points are credited by the real check-out.
#[allow(clippy::too_many_arguments)]
async fn cleaning_day(
    hs: &AppState,
    clock: &TestClock,
    rng: &mut StdRng,
    occ: i64,
    day: NaiveDate,
    staff: &Actor,
    neighbours: &[i64],
    counts: &mut HistoryCounts,
) -> Result<(), AppError> {
    use crate::activities::attendance::actions::{AttendForm, attend_checked};
    let n = rng.gen_range(5..=12).min(neighbours.len());
    let mut came: Vec<i64> = Vec::new();
    while came.len() < n {
        let p = neighbours[rng.gen_range(0..neighbours.len())];
        if !came.contains(&p) {
            came.push(p);
        }
    }
    let form = |action: &str, person: i64| AttendForm {
        action: action.into(),
        person_id: person.to_string(),
        ..Default::default()
    };
    for (i, p) in came.iter().enumerate() {
        set(clock, at(day, 9 * 60 - 10 + i as i64 * 2));
        attend_checked(hs, &staff.p, &staff.ctx, occ, &form("in", *p)).await?;
    }
    for (i, p) in came.iter().enumerate() {
        set(clock, at(day, 11 * 60 + i as i64 * 2));
        attend_checked(hs, &staff.p, &staff.ctx, occ, &form("out", *p)).await?;
        counts.attendances += 1;
    }
    Ok(())
}

/// A day at the centre: a resident books a room some days (staff approve what needs approval) and a few
/// visitors are counted at the door.
#[allow(clippy::too_many_arguments)]
async fn centre_day(
    hs: &AppState,
    clock: &TestClock,
    rng: &mut StdRng,
    centre: i64,
    rooms: &[i64],
    day: NaiveDate,
    staff: &Actor,
    residents: &[Actor],
    end: DateTime<Utc>,
    counts: &mut HistoryCounts,
) -> Result<(), AppError> {
    use crate::positions::{actions::BookingForm, actions::book_checked, actions::booking_act_checked};
    use crate::positions::{model::BookingState, visits::staff_visit_checked};
    const VISITORS: &[&str] = &["王阿姨", "刘大爷", "陈奶奶", "赵叔叔", "孙阿姨", "周大爷", "吴奶奶", "郑叔叔"];
    for _ in 0..rng.gen_range(0..4) {
        let t = at(day, rng.gen_range(9 * 60..20 * 60));
        if t > end {
            break;
        }
        set(clock, t);
        staff_visit_checked(hs, &staff.p, centre, VISITORS[rng.gen_range(0..VISITORS.len())]).await?;
        counts.visits += 1;
    }
    if rooms.is_empty() || !rng.gen_bool(0.25) {
        return Ok(());
    }
    let who = &residents[rng.gen_range(0..residents.len())];
    let on = day + Duration::days(rng.gen_range(1..=5));
    let start_h = [9, 10, 14, 15, 16, 19][rng.gen_range(0..6)];
    if to_utc(on.and_hms_opt(start_h, 0, 0).unwrap_or_default()) > end {
        return Ok(());
    }
    set(clock, at(day, 12 * 60));
    let f = BookingForm {
        date: on.format("%Y-%m-%d").to_string(),
        start: format!("{start_h:02}:00"),
        end: format!("{:02}:00", start_h + 1),
        purpose: ["楼栋议事会", "读书分享会", "亲子手工课", "老年健康讲座", "业主协商会"][rng.gen_range(0..5)].into(),
        org_name: String::new(),
    };
    // A taken time or a full weekly quota is a real answer, not an error in the history.
    let Ok((id, st)) = book_checked(hs, &who.p, &who.ctx, rooms[rng.gen_range(0..rooms.len())], f).await else {
        return Ok(());
    };
    counts.bookings += 1;
    if st == BookingState::Pending {
        set(clock, at(day, 15 * 60));
        booking_act_checked(hs, &staff.p, &staff.ctx, id, "approve").await?;
    }
    Ok(())
}

/// 张三 spends points on what he can afford; staff hand it over the next day with the pickup code.
#[allow(clippy::too_many_arguments)]
async fn redeem(
    hs: &AppState,
    clock: &TestClock,
    day: NaiveDate,
    end: DateTime<Utc>,
    project: ProjectId,
    resident: &Actor,
    staff: &Actor,
    counts: &mut HistoryCounts,
) -> Result<(), AppError> {
    use crate::volunteers::rewards::{collect_checked, redeem_checked};
    let Some(me) = resident.p.person_id else { return Ok(()) };
    set(clock, at(day, 10 * 60));
    let balance = crate::points::store::balance(&hs.db.read, me, project).await?;
    #[derive(sea_orm::FromQueryResult)]
    struct Item {
        id: i64,
        points: i32,
    }
    let items = db::all::<Item>(
        &hs.db.read,
        "SELECT id, points FROM reward_items WHERE project_id = $1 AND active AND stock > 0 ORDER BY points DESC",
        params![project],
    )
    .await?;
    let Some(item) = items.iter().find(|i| (i.points as i64) <= balance) else { return Ok(()) };
    let r = redeem_checked(hs, &resident.p, &resident.ctx, item.id, 1, None).await?;
    let collected = at(day + Duration::days(1), 10 * 60);
    if collected < end {
        set(clock, collected);
        collect_checked(hs, &staff.p, &staff.ctx, &r.code).await?;
    }
    counts.redemptions += 1;
    Ok(())
}

#[derive(Debug, Default, Clone, Copy)]
pub struct HistoryCounts {
    pub requests: usize,
    pub closed: usize,
    pub late: usize,
    pub pushed_up: usize,
    pub attendances: usize,
    pub bookings: usize,
    pub visits: usize,
    pub redemptions: usize,
}

fn at(day: NaiveDate, minutes: i64) -> DateTime<Utc> {
    to_utc(day.and_time(NaiveTime::MIN)) + Duration::minutes(minutes)
}

/// Put the history's clock at `t` (each request's own steps only move it forward; the next request
/// may start earlier than the last one's close).
fn set(clock: &TestClock, t: DateTime<Utc>) {
    clock.advance(t - crate::clock::Clock::now(clock));
}

/// One request from report to close, its times drawn around the category's limits.
#[allow(clippy::too_many_arguments)]
async fn request_life(
    hs: &AppState,
    clock: &TestClock,
    rng: &mut StdRng,
    day: NaiveDate,
    staff: &Actor,
    selves: &[Actor],
    office: bool,
    end: DateTime<Utc>,
    counts: &mut HistoryCounts,
) -> Result<(), AppError> {
    use crate::requests::actions::{ActionForm, NewRequestForm, act_checked, create_checked};
    let project = *staff.p.scope.write_projects.iter().next().ok_or_else(|| AppError::internal("demo project"))?;
    let cats = crate::requests::store::categories(&hs.db.read, project).await?;
    let (cat_name, sayings) = SAYINGS[rng.gen_range(0..SAYINGS.len())];
    let Some(cat) = cats.iter().find(|c| c.name == cat_name) else { return Ok(()) };
    let reported = at(day, rng.gen_range(7 * 60..21 * 60));
    set(clock, reported);
    let by_self = !selves.is_empty() && rng.gen_bool(0.35);
    let reporter = if by_self { &selves[rng.gen_range(0..selves.len())] } else { staff };
    let home = if by_self { reporter.p.scope.households.iter().next().map(|h| h.to_string()) } else { None };
    let form = NewRequestForm {
        category_id: cat.id.to_string(),
        kind: if rng.gen_bool(0.85) { "repair" } else { "complaint" }.into(),
        description: sayings[rng.gen_range(0..sayings.len())].into(),
        household_id: home.clone().unwrap_or_default(),
        channel: if by_self { "resident_page" } else { "staff_phone" }.into(),
        room: if by_self { String::new() } else { room_label(rng, office) },
        ..Default::default()
    };
    let id = create_checked(hs, &reporter.p, &reporter.ctx, form, vec![]).await?;
    counts.requests += 1;
    let step = |action: &str| ActionForm { action: action.into(), ..Default::default() };
    // The last few days stay open: some waiting to be dispatched, some in hand, some waiting for the
    // rating — what a queue looks like on a real morning. Nothing happens after the real now.
    let stop_at = if end - reported < Duration::days(4) { rng.gen_range(0..4) } else { 4 };
    let late = rng.gen_bool(0.12);
    let respond = if late { cat.respond_minutes * 2 } else { rng.gen_range(3..=cat.respond_minutes.max(4)) };
    if stop_at == 0 || reported + Duration::minutes(respond / 2) > end {
        return Ok(());
    }
    set(clock, reported + Duration::minutes(respond / 2));
    let mut f = step("dispatch");
    f.assignee_person_id = staff.p.person_id.map(|p| p.to_string()).unwrap_or_default();
    act_checked(hs, &staff.p, &staff.ctx, id, f).await?;
    if stop_at == 1 || reported + Duration::minutes(respond) > end {
        return Ok(());
    }
    set(clock, reported + Duration::minutes(respond));
    act_checked(hs, &staff.p, &staff.ctx, id, step("accept")).await?;
    // Municipal matters of the last month are pushed up and wait for the community; older ones were
    // settled with the property's own hands.
    if cat_name == "市政" && end - reported < Duration::days(30) && rng.gen_bool(0.6) {
        let mut f = step("escalate_outside");
        f.outside = "community".into();
        f.reason = "属市政设施，报社区协调".into();
        act_checked(hs, &staff.p, &staff.ctx, id, f).await?;
        counts.pushed_up += 1;
        return Ok(());
    }
    let hours =
        if late { cat.complete_hours + rng.gen_range(1..24) } else { rng.gen_range(1..=cat.complete_hours.max(2)) };
    let done = reported + Duration::minutes(respond) + Duration::hours(hours);
    if stop_at == 2 || done > end {
        return Ok(());
    }
    set(clock, done);
    let mut f = step("complete");
    f.reason = "已处理完毕，现场复查正常".into();
    act_checked(hs, &staff.p, &staff.ctx, id, f).await?;
    if late {
        counts.late += 1;
    }
    let rated = done + Duration::hours(rng.gen_range(2..40));
    // Residents do not always rate at once: some of the last fortnight's wait for it (待评价).
    let unrated = end - reported < Duration::days(14) && rng.gen_bool(0.4);
    if stop_at == 3 || rated > end || unrated {
        return Ok(());
    }
    set(clock, rated);
    if by_self {
        let mut f = step("rate");
        let good = if late { rng.gen_range(3..=5) } else { rng.gen_range(4..=5) };
        f.speed = good.to_string();
        f.quality = rng.gen_range(4..=5).to_string();
        f.attitude = "5".into();
        act_checked(hs, &reporter.p, &reporter.ctx, id, f).await?;
    } else {
        let mut f = step("return_visit");
        f.reason = "电话回访，业主表示满意".into();
        act_checked(hs, &staff.p, &staff.ctx, id, f).await?;
    }
    counts.closed += 1;
    Ok(())
}
