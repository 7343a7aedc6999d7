//! The demo's honours (C11), from the article: in July 2023 牧马山社区居民委员会 named the 保利荔园天府和悦
//! project an 爱心单位 and its employee 何静, one of the community's four micro-grid members, 最美网格员.
//! The 爱心单位 shows on the project's wall and the community's; 最美网格员 on the community's.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ConnectionTrait;

use crate::{
    error::AppError,
    honours::{
        model::{Level, RecipientKind},
        store::{self, NewHonour},
    },
    ids::{NodeId, PersonId, ProjectId, UserId},
};

pub(super) async fn demo_honours(
    t: &impl ConnectionTrait,
    project: ProjectId,
    community: NodeId,
    hejing: (PersonId, UserId),
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let project_name = crate::org::store::node(t, project.get()).await?.map(|n| n.name).unwrap_or_default();
    let hejing_name = crate::people::store::person(t, hejing.0.get()).await?.map(|p| p.name).unwrap_or_default();
    let july = NaiveDate::from_ymd_opt(2023, 7, 1).unwrap_or_default();
    let grantor = "牧马山社区居民委员会";
    store::insert(
        t,
        &NewHonour {
            node_id: project.get(),
            recipient_kind: RecipientKind::Org,
            recipient_node_id: Some(project.get()),
            recipient_person_id: None,
            recipient_name: &project_name,
            title: "爱心单位",
            level: Level::Community,
            grantor_node_id: None,
            grantor_name: grantor,
            awarded_on: july,
            citation: Some("积极配合社区、业委会开展工作，助力社区治理，为业主提供户内托管、快递配送、便民物资共享等贴心便民服务。"),
            created_by: hejing.1.get(),
        },
        now,
    )
    .await?;
    store::insert(
        t,
        &NewHonour {
            node_id: community.get(),
            recipient_kind: RecipientKind::Person,
            recipient_node_id: None,
            recipient_person_id: Some(hejing.0),
            recipient_name: &hejing_name,
            title: "最美网格员",
            level: Level::Community,
            grantor_node_id: Some(community.get()),
            grantor_name: grantor,
            awarded_on: july,
            citation: Some(
                "作为牧马山社区4个微网格成员之一，参与垃圾分类、燃气安全、防范电信诈骗等入户宣传，推动解决园区外围市政路灯开启和公园改造等问题。",
            ),
            created_by: hejing.1.get(),
        },
        now,
    )
    .await?;
    Ok(())
}
