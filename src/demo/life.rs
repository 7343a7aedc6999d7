//! The demo's activities, volunteers, teams, 爱心超市 shelf and centres.

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use crate::{db, error::AppError, params};

/// Activities (C3): every Friday's 全员保洁日 at two estates, and a monthly 主题党日 for Party members.
pub(super) async fn demo_activities(
    t: &impl ConnectionTrait,
    projects: &[(i64, &str)],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    use chrono::Datelike;

    use crate::activities::{model, store};
    let today = crate::clock::to_local(now).date();
    let to_friday = (4 + 7 - today.weekday().num_days_from_monday() as i64) % 7;
    let friday = today + chrono::Duration::days(if to_friday == 0 { 7 } else { to_friday });
    let at = |d: chrono::NaiveDate, h: u32| d.and_hms_opt(h, 0, 0).unwrap_or_default();
    for (pid, name) in projects {
        let branch = format!("{name}项目党支部");
        for (kind, title, series, audience, capacity, first, rule, minutes) in [
            (
                "volunteer",
                "全员保洁日",
                Some("星火传蓉城·暖心进万家"),
                "all",
                30,
                at(friday, 9),
                "FREQ=WEEKLY;BYDAY=FR",
                120,
            ),
            ("party_day", "主题党日", None, "party", 0, at(friday + chrono::Duration::days(7), 15), "FREQ=MONTHLY", 90),
        ] {
            let starts = model::occurrences(first, Some(rule)).map_err(|e| AppError::internal(e.zh))?;
            store::create(
                t,
                &store::NewActivity {
                    project_id: ProjectId(*pid),
                    kind,
                    title,
                    series,
                    organiser: &branch,
                    co_organisers: Some("社区党委"),
                    place: Some("党群服务中心及小区公共区域"),
                    audience,
                    team_id: None,
                    room_id: None,
                    capacity,
                    rrule: Some(rule),
                    duration_minutes: minutes,
                    created_by: None,
                },
                &starts,
                now,
            )
            .await?;
        }
    }
    Ok(())
}

/// Volunteers and points (C4) at two estates: the three teams, an 爱心超市 shelf, and at 保利叶语 张三 (the
/// demo resident) as an approved volunteer leading the 志愿服务队, six neighbours as members carrying over
/// this year's hours from the paper ledger, and two applications waiting for the staff.
pub(super) async fn demo_volunteers(
    t: &impl ConnectionTrait,
    projects: &[(i64, &str)],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let zhangsan = db::one::<db::IdRow>(t, "SELECT person_id AS id FROM users WHERE username = 'resident'", vec![])
        .await?
        .ok_or_else(|| AppError::internal("demo resident"))?
        .id;
    for (i, (pid, name)) in projects.iter().enumerate() {
        let mut team_ids = Vec::new();
        for (kind, suffix) in [("commando", "党团突击队"), ("service", "志愿服务队"), ("quality", "品质提升队")]
        {
            team_ids.push(
                db::insert_id(
                    t,
                    "INSERT INTO teams (project_id, kind, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                    params![*pid, kind, format!("{name}{suffix}"), now],
                )
                .await?,
            );
        }
        for (item, desc, points, stock) in [
            ("洗衣液", "2kg装", 50, 20),
            ("大米", "5kg装", 100, 10),
            ("理发券", "小区理发店，一次", 30, 30),
            ("鸡蛋", "一盒10枚", 20, 40),
        ] {
            db::exec(
                t,
                "INSERT INTO reward_items (project_id, name, description, points, stock, active, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6)",
                params![*pid, item, desc, points, stock, now],
            )
            .await?;
        }
        if i != 0 {
            continue;
        }
        // 保利叶语: 张三 and six neighbours; two more have applied.
        let owners = db::all::<db::IdRow>(
            t,
            "SELECT m.person_id AS id FROM household_members m JOIN households h ON h.node_id = m.household_id \
             WHERE h.project_id = $1 AND m.relation = 'owner' \
             AND m.person_id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) \
             AND m.person_id NOT IN (SELECT person_id FROM volunteers WHERE project_id = $1) ORDER BY m.person_id LIMIT 8",
            params![*pid],
        )
        .await?;
        // 李四 (the second demo resident) is left out, so a demo can apply.
        let others: Vec<i64> = owners.iter().map(|r| r.id).collect();
        for (n, person) in std::iter::once(zhangsan).chain(others.iter().copied()).enumerate() {
            let state = if n <= 6 { "approved" } else { "pending" };
            db::exec(
                t,
                "INSERT INTO volunteers (person_id, project_id, state, skills, decided_at, created_at) VALUES ($1, $2, $3, $4, $5, $5)",
                params![person, *pid, state, ["周末上午有空", "会修水电", "会拍照", "懂老年人健康", ""][n % 5], now],
            )
            .await?;
            if state != "approved" {
                continue;
            }
            db::exec(
                t,
                "INSERT INTO team_members (team_id, person_id, role, created_at) VALUES ($1, $2, $3, $4)",
                params![team_ids[1], person, if n == 0 { "leader" } else { "member" }, now],
            )
            .await?;
            if n > 0 {
                let minutes = 60 * (13 - n as i64);
                crate::points::store::append(
                    t,
                    &crate::points::model::Entry {
                        person_id: PersonId(person),
                        project_id: ProjectId(*pid),
                        delta: minutes / 6,
                        minutes,
                        reason: "2026年纸质台账服务时长结转".into(),
                        source: Some(format!("carry-over:2026:{person}")),
                        author: None,
                    },
                    now,
                )
                .await?;
            }
        }
    }
    Ok(())
}

/// 保利叶语党团突击队: the project manager (the `staff` log-in) leads, the given staff and the estate's first
/// Party member resident join — staff and Party members join directly, without a volunteer registration.
pub(super) async fn demo_commando(
    t: &impl ConnectionTrait,
    project: i64,
    staff: &[PersonId],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let team =
        db::one::<db::IdRow>(t, "SELECT id FROM teams WHERE project_id = $1 AND kind = 'commando'", params![project])
            .await?
            .ok_or_else(|| AppError::internal("demo commando"))?
            .id;
    let manager = db::one::<db::IdRow>(t, "SELECT person_id AS id FROM users WHERE username = 'staff'", vec![])
        .await?
        .ok_or_else(|| AppError::internal("demo staff"))?
        .id;
    let party = db::one::<db::IdRow>(
        t,
        "SELECT r.person_id AS id FROM role_assignments r WHERE r.node_id = $1 AND r.role = 'party_member' ORDER BY r.person_id LIMIT 1",
        params![project],
    )
    .await?;
    let mut members: Vec<(i64, &str)> = vec![(manager, "leader")];
    members.extend(staff.iter().map(|p| (p.get(), "member")));
    members.extend(party.map(|p| (p.id, "member")));
    for (person, role) in members {
        db::exec(
            t,
            "INSERT INTO team_members (team_id, person_id, role, created_at) VALUES ($1, $2, $3, $4)",
            params![team, person, role, now],
        )
        .await?;
    }
    Ok(())
}

/// Party-mass service centres (C2) for two estates, with the article's rooms, daily hours 09:00–21:00 and,
/// at 保利叶语 (the article's 保利叶语党群服务中心升级版2.0), its upgrade as a version.
pub(super) async fn demo_centres(
    t: &impl ConnectionTrait,
    centres: &[(i64, &str)],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    use crate::positions::{model, store};
    let at = |h| chrono::NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(chrono::NaiveTime::MIN);
    let week: Vec<model::Hours> = (1..=7).filter_map(|d| model::Hours::new(d, at(9), at(21)).ok()).collect();
    for (pid, name) in centres {
        let cid = store::create_centre(t, ProjectId(*pid), name, Some("小区中心广场旁"), now).await?;
        store::set_hours(t, cid, &week).await?;
        for (room, function, capacity, approval) in [
            ("阅读室", "阅读室", 20, false),
            ("议事厅", "议事厅", 30, false),
            ("老年健康活动中心", "老年健康活动中心", 25, false),
            ("亲子活动中心", "亲子活动中心", 20, true),
            ("球类活动场地", "球类活动场地", 16, false),
        ] {
            store::create_room(
                t,
                &store::NewRoom {
                    centre_id: cid,
                    name: room,
                    function,
                    capacity,
                    needs_approval: approval,
                    rules: model::Rules::default(),
                    no_show_minutes: 15,
                },
                now,
            )
            .await?;
        }
        if name.contains("叶语") {
            db::exec(
                t,
                "INSERT INTO centre_versions (centre_id, version, effective_on, summary, created_at) VALUES ($1, $2, $3, $4, $5)",
                crate::params![
                    cid,
                    "升级版2.0",
                    chrono::NaiveDate::from_ymd_opt(2024, 6, 1),
                    "在原有党建阵地基础上升级：阅读室、议事厅、老年健康活动中心、亲子活动中心、球类活动场地（“一支部一品牌一特色”）",
                    now
                ],
            )
            .await?;
        }
    }
    Ok(())
}
