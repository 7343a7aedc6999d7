//! The demo's 联建 (C6), from the article: the five 《“星火社区”党建联建共建协议书》 (保利天玺 ↔ 友联社区党委,
//! 保利荔园天府和悦 ↔ 牧马山社区党委, 保利创智锦城 ↔ 伏龙社区党委, 保利紫薇花语 ↔ 龙华社区党委 with its 签约仪式,
//! 保利金香槟 ↔ 清江社区党委), each with the article's four roles; 和悦's with its three lists (the article's
//! 户内托管, 快递配送, 便民物资共享; the street light and the park), a joint door-to-door activity this year
//! with its attendance, and the company's assessment. Dates are the demo's (「演示」).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::ConnectionTrait;

use crate::{
    activities::store as activities,
    db,
    error::AppError,
    ids::{OccurrenceId, PersonId, ProjectId, UserId},
    joint::{
        model::{List, Side, Status},
        store::{self, NewAgreement, NewItem},
    },
    params,
};

const BY_COMMUNITY: &str =
    "社区党委发挥党建引领作用，统筹辖区党建资源和社会资源，牵头协调解决物业服务中群众急难愁盼问题。";
const BY_COMPANY: &str = "物业企业党组织落实服务责任，开放党群服务中心，组织党团突击队参与社区治理和便民服务。";
const BY_OWNERS: &str = "业主委员会和业主代表参与协商议事，监督物业服务质量，推动小区自治。";
const BY_MEMBERS: &str = "在职党员和小区党员亮身份、作表率，参与志愿服务和入户宣传。";

async fn org_id(t: &impl ConnectionTrait, kind: &str, node_name: &str) -> Result<Option<i64>, AppError> {
    Ok(db::one::<db::IdRow>(
        t,
        "SELECT o.id FROM party_orgs o JOIN org_nodes n ON n.id = o.node_id WHERE o.kind = $1 AND n.name = $2 ORDER BY o.id LIMIT 1",
        params![kind, node_name],
    )
    .await?
    .map(|r| r.id))
}

pub(super) async fn demo_joint(t: &impl ConnectionTrait, by: UserId, now: DateTime<Utc>) -> Result<(), AppError> {
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| AppError::internal(e.to_string()));
    for (project, community, signed) in [
        ("保利天玺", "友联社区", "2023-03-16"),
        ("保利荔园天府和悦", "牧马山社区", "2023-04-20"),
        ("保利创智锦城", "伏龙社区", "2023-05-11"),
        ("保利紫薇花语", "龙华社区", "2023-06-08"),
        ("保利金香槟", "清江社区", "2023-06-21"),
    ] {
        let (Some(p), Some(c)) =
            (org_id(t, "project_branch", project).await?, org_id(t, "community_committee", community).await?)
        else {
            continue;
        };
        let street = db::one::<db::IdRow>(
            t,
            "SELECT s.id FROM party_orgs s JOIN org_nodes sn ON sn.id = s.node_id JOIN org_nodes cn ON cn.parent_id = sn.id \
             WHERE s.kind = 'street_work_committee' AND cn.name = $1 ORDER BY s.id LIMIT 1",
            params![community],
        )
        .await?
        .map(|r| r.id);
        let signed_on = d(signed)?;
        let id = store::insert(
            t,
            &NewAgreement {
                project_org_id: p,
                community_org_id: c,
                street_org_id: street,
                title: "“星火社区”党建联建共建协议书",
                signed_on,
                starts_on: signed_on,
                ends_on: d(&format!("{}{}", 2027, &signed[4..]))?,
                by_community: Some(BY_COMMUNITY),
                by_company: Some(BY_COMPANY),
                by_owners: Some(BY_OWNERS),
                by_members: Some(BY_MEMBERS),
                created_by: Some(by.get()),
            },
            now,
        )
        .await?;
        // Every agreement's first resource: the community's service centre.
        store::insert_item(
            t,
            &NewItem {
                agreement_id: id,
                list: List::Resource,
                side: Some(Side::Community),
                title: "社区党群服务中心场地",
                owner: None,
                due_on: None,
            },
            now,
        )
        .await?;
        let project_node = db::one::<db::IdRow>(t, "SELECT node_id AS id FROM party_orgs WHERE id = $1", params![p])
            .await?
            .map(|r| r.id)
            .unwrap_or_default();
        if project == "保利紫薇花语" {
            // The 签约仪式, held on the day.
            let at = crate::clock::to_utc(signed_on.and_hms_opt(10, 0, 0).unwrap_or_default());
            let activity = joint_activity(t, project_node, "党建联建签约仪式", at, 60, now).await?;
            store::link(t, id, activity, None).await?;
        }
        if project == "保利荔园天府和悦" {
            heyue(t, id, project_node, by, now).await?;
        }
    }
    Ok(())
}

async fn joint_activity(
    t: &impl ConnectionTrait,
    project: i64,
    title: &str,
    at: DateTime<Utc>,
    minutes: i32,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    activities::create(
        t,
        &activities::NewActivity {
            project_id: ProjectId(project),
            kind: "volunteer",
            title,
            series: Some("星火传蓉城·暖心进万家"),
            organiser: "项目党支部",
            co_organisers: Some("社区党委"),
            place: Some("小区及周边"),
            audience: "all",
            team_id: None,
            room_id: None,
            capacity: 0,
            rrule: None,
            duration_minutes: minutes,
            created_by: None,
        },
        &[at],
        now,
    )
    .await
}

async fn heyue(
    t: &impl ConnectionTrait,
    agreement: i64,
    project: i64,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let today = crate::clock::to_local(now).date();
    for (list, side, title) in [
        (List::Resource, Some(Side::Community), "社区微网格员队伍"),
        (List::Resource, Some(Side::Company), "户内托管、快递配送、便民物资共享等便民服务"),
        (List::Resource, Some(Side::Members), "党团突击队入户走访"),
        (List::Need, None, "园区外围市政路灯开启"),
        (List::Need, None, "周边公园改造"),
        (List::Need, None, "垃圾分类、燃气安全、防范电信诈骗宣传"),
    ] {
        store::insert_item(t, &NewItem { agreement_id: agreement, list, side, title, owner: None, due_on: None }, now)
            .await?;
    }
    let light = store::insert_item(
        t,
        &NewItem {
            agreement_id: agreement,
            list: List::Project,
            side: None,
            title: "推动园区外围市政路灯开启",
            owner: Some("何静"),
            due_on: Some(today - Duration::days(60)),
        },
        now,
    )
    .await?;
    store::set_status(t, light, Status::Done, Some("路灯已按时开启（演示）"), Some(today - Duration::days(75))).await?;
    let park = store::insert_item(
        t,
        &NewItem {
            agreement_id: agreement,
            list: List::Project,
            side: None,
            title: "推动周边公园改造",
            owner: Some("牧马山社区"),
            due_on: Some(today + Duration::days(90)),
        },
        now,
    )
    .await?;
    store::set_status(t, park, Status::Doing, None, None).await?;
    let rounds = store::insert_item(
        t,
        &NewItem {
            agreement_id: agreement,
            list: List::Project,
            side: None,
            title: "垃圾分类入户宣传",
            owner: Some("何静"),
            due_on: Some(today + Duration::days(30)),
        },
        now,
    )
    .await?;
    store::set_status(t, rounds, Status::Doing, None, None).await?;
    // A door-to-door round six weeks ago with the community's grid members: six residents came.
    let day = today - Duration::days(42);
    let at = crate::clock::to_utc(day.and_hms_opt(9, 0, 0).unwrap_or_default());
    let activity = joint_activity(t, project, "垃圾分类入户宣传（联建）", at, 120, now).await?;
    store::link(t, agreement, activity, Some(rounds)).await?;
    if let Some(occ) = activities::first_occurrence(t, activity).await? {
        let people: Vec<db::IdRow> = db::all(
            t,
            "SELECT DISTINCT m.person_id AS id FROM household_members m JOIN households h ON h.node_id = m.household_id \
             WHERE h.project_id = $1 ORDER BY m.person_id LIMIT 6",
            params![project],
        )
        .await?;
        for p in people {
            activities::sign_up(t, OccurrenceId(occ), 0, PersonId(p.id), by, at - Duration::days(2)).await?;
            if let Some(s) =
                crate::activities::attendance::store::signup_row(t, OccurrenceId(occ), PersonId(p.id)).await?
            {
                crate::activities::attendance::store::check_in(t, crate::ids::SignupId(s.id), at).await?;
            }
        }
    }
    store::assess(
        t,
        agreement,
        crate::clock::to_local(now).date().format("%Y").to_string().parse().unwrap_or(2026),
        Side::Company,
        "联建以来，园区外围路灯问题经社区协调已解决，公园改造列入社区计划；入户宣传与社区微网格同步开展（演示）。",
        by.get(),
        now,
    )
    .await?;
    Ok(())
}
