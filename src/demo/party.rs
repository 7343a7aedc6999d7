//! The demo's Party organisations (issue 13): the tree (each project branch under the company committee,
//! each community committee under its street's working committee), every Party-member role registered
//! in its project's branch with believable dates — most full members, a few probationary —, and each
//! branch's secretary; 保利叶语's branch has a committee to show the 条例's warning.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{
    db,
    error::AppError,
    ids::PersonId,
    params,
    party::{
        model::{MemberStatus, MembershipInput, Post},
        store,
    },
};

pub(super) async fn demo_party(t: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<(), AppError> {
    #[derive(FromQueryResult)]
    struct Pair {
        id: i64,
        parent: i64,
    }
    // Project branches under the company committee of the branch company above them.
    let pairs: Vec<Pair> = db::all(
        t,
        "SELECT o.id, c.id AS parent FROM party_orgs o JOIN org_nodes n ON n.id = o.node_id \
         JOIN party_orgs c ON c.kind = 'company_committee' JOIN org_nodes cn ON cn.id = c.node_id \
         WHERE o.kind = 'project_branch' AND n.path LIKE cn.path || '%' ORDER BY o.id",
        vec![],
    )
    .await?;
    // Community committees under their street's working committee.
    let more: Vec<Pair> = db::all(
        t,
        "SELECT o.id, s.id AS parent FROM party_orgs o JOIN org_nodes n ON n.id = o.node_id \
         JOIN party_orgs s ON s.kind = 'street_work_committee' AND s.node_id = n.parent_id \
         WHERE o.kind = 'community_committee' ORDER BY o.id",
        vec![],
    )
    .await?;
    for p in pairs.iter().chain(&more) {
        store::set_parent(t, p.id, p.parent).await?;
    }
    // Every Party-member role at a project: a member of that project's branch.
    #[derive(FromQueryResult)]
    struct Member {
        person_id: i64,
        org_id: i64,
    }
    let members: Vec<Member> = db::all(
        t,
        "SELECT DISTINCT r.person_id, o.id AS org_id FROM role_assignments r \
         JOIN party_orgs o ON o.node_id = r.node_id AND o.kind = 'project_branch' \
         WHERE r.role = 'party_member' ORDER BY o.id, r.person_id",
        vec![],
    )
    .await?;
    let mut first_of: Vec<(i64, i64)> = Vec::new();
    for (i, m) in members.iter().enumerate() {
        let year = 1988 + (i * 7 % 35) as i32;
        let joined = NaiveDate::from_ymd_opt(year, 1 + (i % 12) as u32, 1 + (i % 27) as u32).unwrap_or_default();
        let input = if i % 9 == 4 {
            MembershipInput {
                status: MemberStatus::Probationary,
                joined_on: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap_or_default(),
                confirmed_on: None,
            }
        } else {
            MembershipInput {
                status: MemberStatus::Full,
                joined_on: joined,
                confirmed_on: Some(crate::party::model::probation_ends(joined)),
            }
        };
        let since = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap_or_default().max(input.joined_on);
        // A person with the role at two projects stays in the first branch (one organisation at a time).
        if store::current_of(t, PersonId(m.person_id)).await?.is_some() {
            continue;
        }
        store::insert_membership(t, PersonId(m.person_id), m.org_id, &input, since, now).await?;
        if input.status == MemberStatus::Full && !first_of.iter().any(|(o, _)| *o == m.org_id) {
            first_of.push((m.org_id, m.person_id));
        }
    }
    // Each branch's secretary: its longest-standing full member, for the term from 2024.
    let term = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default();
    let term_end = NaiveDate::from_ymd_opt(2028, 12, 31);
    for (org, person) in &first_of {
        store::insert_post(t, *org, PersonId(*person), Post::Secretary, term, term_end, now).await?;
    }
    // 保利叶语's branch also has an organisation member (the committee is short of the 3 the 条例 asks
    // when a branch has 7 or more full members — the demo's warning to act on).
    let yeyu: Option<db::IdRow> = db::one(
        t,
        "SELECT o.id FROM party_orgs o JOIN org_nodes n ON n.id = o.node_id WHERE o.kind = 'project_branch' AND n.code = $1",
        params!["YEYU"],
    )
    .await?;
    if let Some(y) = yeyu {
        let second = members.iter().filter(|m| m.org_id == y.id).map(|m| m.person_id).nth(1);
        if let Some(p) = second {
            store::insert_post(t, y.id, PersonId(p), Post::Organisation, term, term_end, now).await?;
        }
        meetings(t, y.id, now).await?;
        theme_day_with_activity(t, y.id, now).await?;
        brand(t, y.id, now).await?;
        report(t, now).await?;
        dues(t, y.id, now).await?;
        super::party_work::demo_party_work(t, y.id, now).await?;
    }
    Ok(())
}

/// Next month's 主题党日 of 保利叶语 planned with the estate's monthly 主题党日 activity: the members are
/// told, and a member's check-in there will mark them present.
async fn theme_day_with_activity(t: &impl ConnectionTrait, org: i64, now: DateTime<Utc>) -> Result<(), AppError> {
    use crate::party::meetings::{
        model::{MeetingKind, Presence},
        store::{self as meetings, NewMeeting},
    };
    let next: Option<db::IdRow> = db::one(
        t,
        "SELECT o.id FROM activity_occurrences o JOIN activities a ON a.id = o.activity_id \
         JOIN party_orgs po ON po.node_id = a.project_id WHERE po.id = $1 AND a.kind = 'party_day' AND o.starts_at > $2 \
         ORDER BY o.starts_at LIMIT 1",
        params![org, now],
    )
    .await?;
    let Some(occ) = next else { return Ok(()) };
    let Some(o) = crate::activities::store::occurrence(t, occ.id).await? else { return Ok(()) };
    let members = store::members(t, org).await?;
    let held_on = crate::clock::to_local(o.starts_at).date();
    let id = meetings::insert(
        t,
        &NewMeeting {
            org_id: org,
            kind: MeetingKind::ThemeDay,
            title: "主题党日：清洁家园、亮身份（随活动）",
            held_on,
            place: o.place.as_deref(),
            minutes: None,
            resolution: None,
            voters: members.len() as i32,
            present_voters: 0,
            created_by: None,
            occurrence_id: Some(o.id),
            votes: None,
        },
        now,
    )
    .await?;
    let mut users = Vec::new();
    for m in &members {
        meetings::mark(t, id, m.person_id, Presence::Absent, true).await?;
        users.extend(crate::notify::users_of_person(t, m.person_id).await?);
    }
    let msg = crate::notify::Msg::new("note.party.meeting")
        .text("org", "保利叶语项目党支部")
        .coded("kind", MeetingKind::ThemeDay)
        .text("title", "主题党日：清洁家园、亮身份（随活动）")
        .text("when", crate::clock::fmt_datetime(o.starts_at))
        .text("place", o.place.as_deref().unwrap_or("-"));
    let note = crate::notify::Note { kind: "party_meeting", msg, link: Some(format!("/party/meetings/{id}")) };
    crate::notify::to_users(t, &users, &note, now).await?;
    Ok(())
}

/// 保利叶语's 党费 this year: each member's basis (in work at various incomes, one retiree), every month
/// paid up to last month — but one member owes the last two.
async fn dues(t: &impl ConnectionTrait, org: i64, now: DateTime<Utc>) -> Result<(), AppError> {
    use crate::party::dues::{
        model::{self, Category},
        store as dues,
    };
    use chrono::Datelike;
    let brackets = dues::brackets(t).await?;
    let today = crate::clock::to_local(now).date();
    let jan = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let last = today.with_day(1).and_then(|d| d.pred_opt()).unwrap_or(today);
    for (i, m) in store::members(t, org).await?.iter().enumerate() {
        let (category, income) = match i {
            3 => (Category::Retired, 420_000),
            _ => (Category::InWork, 260_000 + 180_000 * i as i64),
        };
        dues::set_basis(t, m.person_id, category, income, 0, now).await?;
        let due = model::monthly_due(&brackets, category, income).unwrap_or(0);
        let until = if i == 1 {
            last.with_day(1)
                .and_then(|d| d.pred_opt())
                .and_then(|d| d.with_day(1))
                .and_then(|d| d.pred_opt())
                .unwrap_or(last)
        } else {
            last
        };
        if until < jan {
            continue;
        }
        for month in model::months(jan.max(m.since), until) {
            let paid_on = NaiveDate::parse_from_str(&format!("{month}-10"), "%Y-%m-%d").unwrap_or(today);
            dues::insert_payment(t, m.person_id, org, &month, due, paid_on, 0, now).await?;
        }
    }
    Ok(())
}

/// A year of 保利叶语's 组织生活: a 主题党日 every month but last month (the board's overdue item), a
/// 党员大会 each quarter, a 党课 by the secretary in June; everyone present but one, who is excused.
async fn meetings(t: &impl ConnectionTrait, org: i64, now: DateTime<Utc>) -> Result<(), AppError> {
    use crate::party::meetings::{
        model::{MeetingKind, Presence},
        store::{self as meetings, NewMeeting},
    };
    use chrono::{Datelike, Months};
    let members = store::members(t, org).await?;
    let full = members.iter().filter(|m| m.status == MemberStatus::Full).count();
    let today = crate::clock::to_local(now).date();
    let first = today.with_day(1).unwrap_or(today);
    let themes =
        ["重温入党誓词", "垃圾分类进楼栋", "学习贯彻会议精神", "走访独居老人", "端午送粽子", "七一观看红色电影"];
    for back in (1..=12u32).rev() {
        let month = first - Months::new(back);
        let mut held = vec![(MeetingKind::Assembly, 10, "支部党员大会")];
        if back != 1 {
            held.push((MeetingKind::ThemeDay, 15, themes[(month.month() as usize) % themes.len()]));
        }
        if month.month() == 6 {
            held.push((MeetingKind::Lecture, 28, "书记讲党课：党建引领物业服务"));
        }
        for (kind, day, title) in held {
            if kind == MeetingKind::Assembly && month.month() % 3 != 1 {
                continue;
            }
            let held_on = month.with_day(day).unwrap_or(month);
            if held_on > today {
                continue;
            }
            let absent = members.first().map(|m| m.person_id);
            let voters = if kind == MeetingKind::Assembly { full } else { members.len() };
            let present_voters =
                if kind == MeetingKind::Assembly { full.saturating_sub(1) } else { members.len().saturating_sub(1) };
            let id = meetings::insert(
                t,
                &NewMeeting {
                    org_id: org,
                    kind,
                    title: &format!("{}月{title}", month.month()),
                    held_on,
                    place: Some("保利叶语党群服务中心"),
                    minutes: None,
                    resolution: None,
                    voters: voters as i32,
                    present_voters: present_voters as i32,
                    created_by: None,
                    occurrence_id: None,
                    votes: None,
                },
                now,
            )
            .await?;
            for m in &members {
                let presence = if Some(m.person_id) == absent { Presence::Excused } else { Presence::Present };
                let voter = kind != MeetingKind::Assembly || m.status == MemberStatus::Full;
                meetings::mark(t, id, m.person_id, presence, voter).await?;
            }
        }
    }
    Ok(())
}

/// 保利叶语's brand from the 2023 「一支部一品牌一特色」 campaign: its centre's 升级版2.0 (the article's words).
async fn brand(t: &impl ConnectionTrait, org: i64, now: DateTime<Utc>) -> Result<(), AppError> {
    use crate::party::brands::store::{self as brands, NewBrand};
    brands::save(
        t,
        &NewBrand {
            org_id: org,
            year: 2023,
            name: "有温度的保利之家",
            motto: Some("大门常开、服务常抓、场所常用、活动常办、群众常来"),
            signature: Some("保利叶语党群服务中心升级版2.0"),
            story: Some(
                "坚持“党建+”理念，在原有党建阵地的基础上进行大升级，改造后的党群服务中心包含阅读室、议事厅、老年健康活动中心、亲子活动中心、球类活动场地等功能区。",
            ),
        },
        None,
        now,
    )
    .await?;
    Ok(())
}

/// 「member」 registered (双报到) with 保利叶语's community, in its first micro-grid: they see its wishes.
async fn report(t: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<(), AppError> {
    #[derive(FromQueryResult)]
    struct R {
        person_id: i64,
        community_id: i64,
        grid: i64,
    }
    let r: Option<R> = db::one(
        t,
        "SELECT u.person_id, c.id AS community_id, MIN(mg.id) AS grid FROM users u \
         JOIN household_members m ON m.person_id = u.person_id JOIN households h ON h.node_id = m.household_id \
         JOIN org_nodes p ON p.id = h.project_id JOIN org_nodes c ON c.id = p.community_id \
         JOIN org_nodes mg ON mg.kind = 'microgrid' AND mg.path LIKE c.path || '%' \
         WHERE u.username = 'member' GROUP BY u.person_id, c.id",
        vec![],
    )
    .await?;
    if let Some(r) = r {
        let since = crate::clock::to_local(now).date() - chrono::Duration::days(200);
        store::insert_report(t, PersonId(r.person_id), r.community_id, Some(r.grid), since, now).await?;
    }
    Ok(())
}
