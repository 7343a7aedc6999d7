//! The demo's care list (C9) at 保利荔园天府和悦: three residents aged and living alone (高龄独居) whom 何静
//! visits weekly — one visited two days ago, one last seen ten days ago (three days overdue), one added
//! this week, one more for the round — and a resident with a disability visited monthly; and the
//! estate's 端午 round (粽子 to every 高龄独居 resident) half delivered: linked to the 党团突击队's activity
//! date, two doors delivered by 何静, one taken by 陈建国 (the `supervisor` log-in, signed up as a
//! volunteer), one still open.

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
         WHERE h.project_id = $1 AND m.relation = 'owner' ORDER BY h.node_id LIMIT 5 OFFSET 2",
        params![project],
    )
    .await?;
    let today = crate::clock::to_local(now).date();
    // (tag, given days ago, visits days ago, note)
    let plans: [(Tag, i64, &[i64], &str); 5] = [
        (Tag::ElderlyAlone, 60, &[16, 9, 2], "88岁，子女在外地，耳背，敲门要大声"),
        (Tag::ElderlyAlone, 45, &[24, 17, 10], "82岁独居，有高血压，每周量一次血压"),
        (Tag::ElderlyAlone, 3, &[], "86岁，新近独居，老伴上月去世"),
        (Tag::Disabled, 90, &[40, 12], "下肢残疾，坐轮椅，出行需要帮助"),
        (Tag::ElderlyAlone, 30, &[5], "90岁，腿脚不便，很少下楼"),
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
    demo_round(t, project, hejing, now).await
}

async fn demo_round(
    t: &impl ConnectionTrait,
    project: ProjectId,
    hejing: (PersonId, UserId),
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    use crate::{
        activities::store as activities,
        care::rounds::store::{self as rounds, NewRound},
        ids::OccurrenceId,
    };
    let today = crate::clock::to_local(now).date();
    let nine = crate::clock::to_utc(today.and_hms_opt(9, 0, 0).unwrap_or_default());
    let activity = activities::NewActivity {
        project_id: project,
        kind: "volunteer",
        title: "党团突击队·端午送粽子",
        series: Some("星火传蓉城·暖心进万家"),
        organiser: "保利荔园天府和悦党支部",
        co_organisers: Some("牧马山社区党委"),
        place: Some("小区各楼栋"),
        audience: "all",
        team_id: None,
        room_id: None,
        capacity: 20,
        rrule: None,
        duration_minutes: 180,
        created_by: Some(hejing.1),
    };
    let aid = activities::create(t, &activity, &[nine], now - Duration::days(7)).await?;
    let occurrence = activities::first_occurrence(t, aid).await?.ok_or_else(|| AppError::internal("demo round"))?;
    let volunteer = db::one::<db::IdRow>(t, "SELECT person_id AS id FROM users WHERE username = 'supervisor'", vec![])
        .await?
        .map(|r| PersonId(r.id));
    for p in std::iter::once(hejing.0).chain(volunteer) {
        activities::sign_up(t, OccurrenceId(occurrence), 20, p, hejing.1, now - Duration::days(3)).await?;
    }
    let r = NewRound {
        project,
        title: "端午安康·送粽子到家",
        gift: "粽子两袋、咸鸭蛋四个",
        kind: Tag::ElderlyAlone,
        starts_on: today - Duration::days(1),
        ends_on: today + Duration::days(3),
        occurrence: Some(occurrence),
    };
    let id = rounds::insert(t, &r, hejing.1.get(), now - Duration::days(2)).await?;
    rounds::generate(t, id, project, Tag::ElderlyAlone).await?;
    let stops = rounds::stops(t, id).await?;
    for (n, s) in stops.iter().enumerate() {
        let at = now - Duration::hours(20 - n as i64);
        match (n, volunteer) {
            (0 | 1, _) => {
                rounds::take(t, s.id, hejing.0, at).await?;
                rounds::deliver(t, s.id, hejing.0, false, Some("亲手交到老人手中，陪老人聊了一会儿"), at).await?;
            }
            (2, Some(v)) => {
                rounds::take(t, s.id, v, at).await?;
            }
            _ => {}
        }
    }
    Ok(())
}
