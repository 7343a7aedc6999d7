//! The demo's care list (C9) at 保利荔园天府和悦: three residents aged and living alone (高龄独居) whom 何静
//! visits weekly — one visited two days ago, one last seen ten days ago (three days overdue), one added
//! this week — and a resident with a disability visited monthly.

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;

use crate::{
    care::{
        model::{How, Tag, Wellbeing, default_every},
        store::{self, NewTag, NewVisit},
    },
    db,
    error::AppError,
    ids::{PersonId, ProjectId, UserId},
    params,
};

pub(super) async fn demo_care(
    t: &impl ConnectionTrait,
    project: ProjectId,
    hejing: (PersonId, UserId),
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    #[derive(sea_orm::FromQueryResult)]
    struct Owner {
        person_id: PersonId,
        household_id: i64,
    }
    // Owners of the estate's third to sixth homes (the first two are its supervisors).
    let owners: Vec<Owner> = db::all(
        t,
        "SELECT m.person_id, m.household_id FROM household_members m JOIN households h ON h.node_id = m.household_id \
         WHERE h.project_id = $1 AND m.relation = 'owner' ORDER BY h.node_id LIMIT 4 OFFSET 2",
        params![project],
    )
    .await?;
    let today = crate::clock::to_local(now).date();
    // (tag, given days ago, visits days ago, note)
    let plans: [(Tag, i64, &[i64], &str); 4] = [
        (Tag::ElderlyAlone, 60, &[16, 9, 2], "88岁，子女在外地，耳背，敲门要大声"),
        (Tag::ElderlyAlone, 45, &[24, 17, 10], "82岁独居，有高血压，每周量一次血压"),
        (Tag::ElderlyAlone, 3, &[], "86岁，新近独居，老伴上月去世"),
        (Tag::Disabled, 90, &[40, 12], "下肢残疾，坐轮椅，出行需要帮助"),
    ];
    for (o, (tag, given, visits, note)) in owners.iter().zip(plans) {
        let new = NewTag {
            person: o.person_id,
            project,
            household: o.household_id,
            kind: tag,
            note: Some(note),
            since: today - Duration::days(given),
            every_days: default_every(tag),
            visitor: Some(hejing.0),
        };
        let id = store::insert(t, &new, hejing.1.get(), now - Duration::days(given)).await?;
        for ago in visits {
            let v = NewVisit {
                tag: id,
                visitor: hejing.0,
                day: today - Duration::days(*ago),
                how: if ago % 2 == 0 { How::InPerson } else { How::Phone },
                wellbeing: Wellbeing::Good,
                note: Some("精神不错，已提醒注意保暖"),
            };
            store::insert_visit(t, &v, hejing.1.get(), now - Duration::days(*ago)).await?;
        }
    }
    Ok(())
}
