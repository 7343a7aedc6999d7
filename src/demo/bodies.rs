//! The other bodies and the article's events: 牧马山社区居民委员会 (the grantor of July 2023's honours)
//! beside its 社区党委, 保利叶语's 业主委员会 and 团支部, a neighbouring estate for the table-tennis match,
//! and two tenant companies of 保利中心写字楼 (white-collar tenants, no households) whose employees took
//! part in the 端午 event there; the 七一 主题党日 in several branches. Names and dates the article does not
//! give are marked 「（演示）」.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{
    activities::store::{self as activities, NewActivity},
    bodies::{
        model::BodyKind,
        store::{self, NewBody},
    },
    db,
    error::AppError,
    ids::{PersonId, ProjectId},
    params,
    people::store as people,
    vault::Vault,
};

async fn node_by_code(t: &impl ConnectionTrait, code: &str) -> Result<(i64, i64, String), AppError> {
    #[derive(FromQueryResult)]
    struct N {
        id: i64,
        community_id: Option<i64>,
        name: String,
    }
    let n: N = db::one(t, "SELECT id, community_id, name FROM org_nodes WHERE code = $1", params![code])
        .await?
        .ok_or_else(|| AppError::internal("demo: project"))?;
    Ok((n.id, n.community_id.unwrap_or_default(), n.name))
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

pub(super) async fn demo_bodies(
    t: &impl ConnectionTrait,
    vault: &Vault,
    person_n: &mut usize,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (liyuan, mumashan, _) = node_by_code(t, "LIYUAN").await?;
    let (yeyu, yeyu_community, _) = node_by_code(t, "YEYU").await?;
    let (zhongxin, _, _) = node_by_code(t, "ZHONGXIN").await?;
    let _ = liyuan;
    let mut person = |name: &str| {
        *person_n += 1;
        people::NewPerson {
            name: name.to_string(),
            gender: None,
            phone: Some(super::demo_phone(*person_n)),
            id_number: Some(super::demo_id(*person_n)),
        }
    };
    // (kind, node, name, term, note, members: (name or existing person, post))
    let bodies: Vec<Spec> = vec![
        (
            BodyKind::ResidentsCommittee,
            mumashan,
            "牧马山社区居民委员会",
            Some((d(2026, 6, 20), d(2031, 6, 19))),
            Some("2023年7月授予保利荔园天府和悦“爱心单位”、何静“最美网格员”。2026年6月换届。（任期、成员为演示）"),
            vec![("刘红（演示）", "主任"), ("杨建国（演示）", "副主任"), ("吴晓燕（演示）", "委员")],
        ),
        (
            BodyKind::OwnersCommittee,
            yeyu,
            "保利叶语业主委员会（演示）",
            Some((d(2024, 3, 1), d(2029, 2, 28))),
            None,
            vec![("林志强（演示）", "主任"), ("马秀英（演示）", "委员")],
        ),
        (
            BodyKind::YouthBranch,
            yeyu,
            "保利叶语项目团支部（演示）",
            Some((d(2025, 5, 4), d(2027, 5, 3))),
            Some("与项目党支部共同组建党团突击队。"),
            vec![("周敏", "团支部书记"), ("朱一鸣（演示）", "组织委员")],
        ),
        (
            BodyKind::PartnerEstate,
            yeyu_community,
            "锦江苑小区（演示）",
            None,
            Some("邻里小区，非本公司服务；与保利叶语、社区共同举办乒乓球友谊赛。"),
            vec![("郭子涵（演示）", "联络人")],
        ),
        (
            BodyKind::Tenant,
            zhongxin,
            "蓉城数智科技有限公司（演示）",
            None,
            Some("A座3层"),
            vec![("胡雨萱（演示）", "行政主管"), ("罗一鸣（演示）", "员工"), ("曾小芳（演示）", "员工")],
        ),
        (
            BodyKind::Tenant,
            zhongxin,
            "天府明理律师事务所（演示）",
            None,
            Some("A座2层"),
            vec![("孙建国（演示）", "合伙人"), ("何子涵（演示）", "律师助理")],
        ),
    ];
    let mut tenants = Vec::new();
    for (kind, node, name, term, note, members) in bodies {
        let id = store::insert(t, &NewBody { kind, name, node_id: node, term, note }, None, now).await?;
        for (who, post) in members {
            // 周敏 is already one of 保利叶语's staff (党团突击队): the same person.
            let existing: Option<db::IdRow> =
                db::one(t, "SELECT MIN(id) AS id FROM persons WHERE name = $1 HAVING COUNT(*) > 0", params![who])
                    .await?;
            let pid = match existing {
                Some(r) if !who.contains("演示") => PersonId(r.id),
                _ => {
                    let within = if node == mumashan || node == yeyu_community {
                        people::Within::Subtree(
                            db::one::<Path>(t, "SELECT path FROM org_nodes WHERE id = $1", params![node])
                                .await?
                                .map(|p| p.path)
                                .unwrap_or_default(),
                        )
                    } else {
                        people::Within::Project(ProjectId(node))
                    };
                    people::upsert_person(t, vault, &person(who), &within, now).await?.0
                }
            };
            store::insert_member(t, id, pid, post, d(2024, 1, 1), None, now).await?;
            if kind == BodyKind::Tenant {
                tenants.push(pid);
            }
        }
    }
    events(t, zhongxin, &tenants, now).await
}

/// A body of the demo: kind, node, name, term, note, members (name, post).
type Spec<'a> = (BodyKind, i64, &'a str, Option<(NaiveDate, NaiveDate)>, Option<&'a str>, Vec<(&'a str, &'a str)>);

/// An event of the demo: project code, kind, title, organiser, co-organisers, start, minutes, audience.
struct Event {
    code: &'static str,
    kind: &'static str,
    title: &'static str,
    organiser: String,
    co: Option<&'static str>,
    starts: DateTime<Utc>,
    minutes: i32,
    audience: &'static str,
}

#[derive(FromQueryResult)]
struct Path {
    path: String,
}

/// The article's events, each a one-off activity: 七一 主题党日 in three branches, the table-tennis match
/// at 保利叶语, and 端午 with the street's working committee at four estates — 保利中心写字楼's attended by
/// its tenants' employees (checked in and out, their minutes recorded).
async fn events(
    t: &impl ConnectionTrait,
    zhongxin: i64,
    tenants: &[PersonId],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let at = |day: NaiveDate, h: u32| crate::clock::to_utc(day.and_hms_opt(h, 0, 0).unwrap_or_default());
    let year = 2026;
    let mut events: Vec<Event> = Vec::new();
    for code in ["YEYU", "TIANXI", "LIYUAN"] {
        let (_, _, name) = node_by_code(t, code).await?;
        events.push(Event {
            code,
            kind: "party_day",
            title: "七一主题党日：重温入党誓词、观看红色电影",
            organiser: format!("{name}项目党支部"),
            co: Some("社区党委"),
            starts: at(d(year, 7, 1), 15),
            minutes: 120,
            audience: "party",
        });
    }
    events.push(Event {
        code: "YEYU",
        kind: "sports",
        title: "“星火杯”邻里乒乓球友谊赛",
        organiser: "保利叶语项目党支部".into(),
        co: Some("叶语社区（演示）党委、锦江苑小区（演示）"),
        starts: at(d(year, 9, 20), 14),
        minutes: 180,
        audience: "all",
    });
    for code in ["ZHONGXIN", "LIYUAN", "HUXINDAO", "JUNLIN"] {
        let (_, _, name) = node_by_code(t, code).await?;
        events.push(Event {
            code,
            kind: "festival",
            title: "浓情端午·粽香邻里：包粽子、送粽子",
            organiser: format!("{name}项目党支部"),
            co: Some("街道党工委、社区党委"),
            starts: at(d(year, 6, 19), 9),
            minutes: 150,
            audience: "all",
        });
    }
    for e in &events {
        let Event { code, kind, title, organiser, co, starts, minutes, audience } = e;
        let (project, _, _) = node_by_code(t, code).await?;
        let a = NewActivity {
            project_id: ProjectId(project),
            kind,
            title,
            series: Some("星火传蓉城·暖心进万家"),
            organiser,
            co_organisers: *co,
            place: Some("党群服务中心"),
            audience,
            team_id: None,
            room_id: None,
            capacity: 0,
            rrule: None,
            duration_minutes: *minutes,
            created_by: None,
        };
        let id = activities::create(t, &a, &[*starts], *starts - chrono::Duration::days(14)).await?;
        if project == zhongxin {
            let occ: db::IdRow = db::one(t, "SELECT id FROM activity_occurrences WHERE activity_id = $1", params![id])
                .await?
                .ok_or_else(|| AppError::internal("demo: occurrence"))?;
            let out = *starts + chrono::Duration::minutes(*minutes as i64);
            for p in tenants {
                db::exec(
                    t,
                    "INSERT INTO signups (occurrence_id, person_id, state, created_at, updated_at, checked_in_at, checked_out_at, service_minutes) \
                     VALUES ($1, $2, 'confirmed', $3, $3, $4, $5, $6)",
                    params![occ.id, *p, *starts - chrono::Duration::days(3), *starts, out, *minutes],
                )
                .await?;
            }
        }
    }
    let _ = now;
    Ok(())
}
