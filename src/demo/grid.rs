//! The demo's grid work (C8) at 牧马山社区, from the article: its four micro-grids over 保利荔园天府和悦,
//! 何静 (the estate's 客服管家) serving as a member of the first, and the community's three door-to-door
//! campaigns — 垃圾分类, 燃气安全, 防范电信诈骗 — each part way through, with visits by 何静 and the
//! community's grid member 何小网. (The street-light and park issues pushed up and answered are the
//! referrals' demo.)

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;

use crate::{
    db,
    error::AppError,
    grid::campaigns::{
        model::{How, Topic},
        store::{self, NewCampaign, NewVisit},
    },
    ids::PersonId,
    params,
};

/// (topic, title, brief, started days ago, lasts days, share of households reached in ‰)
const CAMPAIGNS: &[(Topic, &str, &str, i64, i64, i64)] = &[
    (Topic::WasteSorting, "垃圾分类入户宣传", "发放分类指南和厨余垃圾桶，讲解四分类和定时定点投放", 27, 61, 550),
    (Topic::GasSafety, "冬季燃气安全入户排查", "查看燃气软管、报警器和阀门，提醒老人用气安全", 13, 35, 300),
    (
        Topic::AntiFraud,
        "防范电信诈骗入户宣传",
        "讲解冒充客服、刷单返利等常见骗局，指导安装国家反诈中心App",
        48,
        82,
        450,
    ),
];

const FOUND: &[&str] =
    &["已讲解，住户表示理解", "燃气软管老化，已提醒更换", "老人独居，已登记需关注", "家中无人，已张贴告知单"];

pub(super) async fn demo_grid(t: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<(), AppError> {
    let Some(community) =
        db::one::<db::IdRow>(t, "SELECT id FROM org_nodes WHERE kind = 'community' AND name = '牧马山社区'", vec![])
            .await?
    else {
        return Ok(());
    };
    #[derive(sea_orm::FromQueryResult)]
    struct Member {
        id: i64,
        person_id: PersonId,
        grid: String,
    }
    // The members and the micro-grid (or grid) each serves.
    let members: Vec<Member> = db::all(
        t,
        "SELECT u.id, u.person_id, n.path AS grid FROM users u JOIN role_assignments r ON r.person_id = u.person_id \
         AND r.role = 'grid_member' JOIN org_nodes n ON n.id = r.node_id WHERE u.username IN ('hejing', 'grid') ORDER BY u.username DESC",
        vec![],
    )
    .await?;
    #[derive(sea_orm::FromQueryResult)]
    struct Home {
        id: i64,
        path: String,
    }
    let homes: Vec<Home> = db::all(
        t,
        "SELECT h.node_id AS id, mg.path FROM households h JOIN org_nodes mg ON mg.id = h.microgrid_id \
         JOIN org_nodes c ON c.id = $1 WHERE mg.path LIKE c.path || '%' ORDER BY h.node_id",
        params![community.id],
    )
    .await?;
    let today = crate::clock::to_local(now).date();
    for (n, (topic, title, brief, ago, days, share)) in CAMPAIGNS.iter().enumerate() {
        let start = today - Duration::days(*ago);
        let new = NewCampaign {
            node_id: community.id,
            topic: *topic,
            title,
            brief: Some(brief),
            starts_on: start,
            ends_on: start + Duration::days(*days),
        };
        let by = members.first().map(|m| m.id).unwrap_or_default();
        let campaign = store::insert(t, &new, by, now - Duration::days(*ago)).await?;
        // Reach `share` of the households, spread evenly, each by the member whose grid holds it (何静
        // first, in her micro-grid), spread over the days since the start.
        let picked =
            homes.iter().enumerate().filter(|(i, _)| (*i as i64 + 1) * share / 1000 > *i as i64 * share / 1000);
        for (i, h) in picked {
            let Some(m) = members.iter().find(|m| h.path.starts_with(&m.grid)) else { continue };
            let day = start + Duration::days(i as i64 % (*ago).max(1));
            let v = NewVisit {
                campaign_id: campaign,
                household_id: h.id,
                member: m.person_id,
                day,
                how: if i % 4 == 3 { How::Poster } else { How::Door },
                reached: (i % 4 != 3).then_some("业主本人"),
                found: Some(FOUND[i % FOUND.len()]),
                key: &format!("demo-{n}-{}", h.id),
                by: m.id,
            };
            store::insert_visit(t, &v, now - Duration::days(*ago) + Duration::days(i as i64 % (*ago).max(1))).await?;
        }
    }
    Ok(())
}
