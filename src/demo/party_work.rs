//! 保利叶语's members at work in the estate: 「member」 keeps in touch with three households (two visits
//! logged — one raised the stairwell handrail —, one household not visited yet), and two members hold
//! posts on the project: a 党员先锋岗 at the front desk and a 党员示范岗 on the building volunteers.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{
    db,
    error::AppError,
    ids::PersonId,
    params,
    party::contacts::{
        model::{StationKind, VisitHow, VisitInput},
        store::{self, NewStation},
    },
};

pub(super) async fn demo_party_work(t: &impl ConnectionTrait, org: i64, now: DateTime<Utc>) -> Result<(), AppError> {
    #[derive(FromQueryResult)]
    struct Branch {
        node_id: i64,
    }
    let Some(b) = db::one::<Branch>(t, "SELECT node_id FROM party_orgs WHERE id = $1", params![org]).await? else {
        return Ok(());
    };
    let today = crate::clock::to_local(now).date();
    let member: Option<db::IdRow> = db::one(
        t,
        "SELECT u.person_id AS id FROM users u JOIN party_memberships m ON m.current_person_id = u.person_id \
         WHERE u.username = 'member' AND m.org_id = $1",
        params![org],
    )
    .await?;
    if let Some(me) = member {
        let homes: Vec<db::IdRow> = db::all(
            t,
            "SELECT h.node_id AS id FROM households h WHERE h.project_id = $1 AND h.node_id NOT IN \
             (SELECT household_id FROM household_members WHERE person_id = $2) ORDER BY h.node_id LIMIT 3",
            params![b.node_id, me.id],
        )
        .await?;
        let since = today - chrono::Duration::days(120);
        let visits = [
            (40, VisitHow::Phone, "电话问候，老两口身体都好，孙子周末回来。", None),
            (
                10,
                VisitHow::Door,
                "入户走访独居老人，身体尚好，家里燃气阀门已检查。",
                Some("楼道台阶没有扶手，老人上下楼不便，希望加装扶手。"),
            ),
        ];
        for (i, h) in homes.iter().enumerate() {
            let c = store::insert(t, org, PersonId(me.id), h.id, since, None, now).await?;
            if let Some((days, how, note, raised)) = visits.get(i) {
                let v = VisitInput {
                    visited_on: today - chrono::Duration::days(*days),
                    how: *how,
                    note: (*note).into(),
                    raised: raised.map(Into::into),
                };
                store::insert_visit(t, c, &v, None, now).await?;
            }
        }
    }
    let members: Vec<db::IdRow> = db::all(
        t,
        "SELECT current_person_id AS id FROM party_memberships WHERE org_id = $1 AND current_person_id IS NOT NULL ORDER BY id LIMIT 2",
        params![org],
    )
    .await?;
    let posts = [(StationKind::Pioneer, "客服前台"), (StationKind::Model, "楼栋志愿服务")];
    for (m, (kind, title)) in members.iter().zip(posts) {
        let s = NewStation {
            org,
            person: PersonId(m.id),
            project: b.node_id,
            kind,
            title,
            since: today - chrono::Duration::days(300),
        };
        store::insert_station(t, &s, None, now).await?;
    }
    Ok(())
}
