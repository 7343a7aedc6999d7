//! The demo's service-quality supervisors (C7) at 保利荔园天府和悦, from the article: two owners
//! appointed — one by the estate's 业主委员会 (the `supervisor` log-in), one by 牧马山社区居民委员会. Twelve
//! days ago her round found three lights out in the garage: the rectification request was finished by
//! the staff and she confirmed it. Two days ago she found cardboard piled in a stairwell: the staff
//! have finished it and it waits for her to confirm or send back.

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;

use crate::{
    error::AppError,
    ids::{PersonId, ProjectId, UserId},
    requests::{
        model::{Channel, Kind, Sla, State, deadlines},
        store as requests,
    },
    supervision::{
        model::{FindingState, Scoring},
        store::{self, NewAppointment, NewFinding},
    },
};

pub(super) async fn demo_supervision(
    t: &impl ConnectionTrait,
    project: ProjectId,
    supervisor: (PersonId, UserId),
    second: PersonId,
    staff: (PersonId, UserId),
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let today = crate::clock::to_local(now).date();
    let start = today - Duration::days(160);
    let term = (start, start + Duration::days(5 * 365));
    for (n, (person, body)) in
        [(supervisor.0, "保利荔园天府和悦业主委员会"), (second, "牧马山社区居民委员会")].into_iter().enumerate()
    {
        let role =
            crate::people::store::add_role(t, person, "supervisor", project.get(), None, Some(start), now).await?;
        let letter = crate::supervision::model::letter_no("和悦", start, n as i64 + 1);
        let a = NewAppointment { project, person, body_name: body, term, letter_no: &letter, role_id: Some(role) };
        store::insert_appointment(t, &a, staff.1.get(), now - Duration::days(160)).await?;
    }
    let items = store::items(t, project).await?;
    let categories = requests::categories(t, project).await?;
    // (days ago, the failed item's text, what she wrote, the category, confirmed?)
    let rounds = [
        (12, "公共照明完好", "2栋地下车库B区三盏灯不亮", "公共照明", true),
        (2, "楼道、电梯轿厢清洁无杂物", "1栋2单元三楼楼道堆放纸箱，堵住一半通道", "保洁", false),
    ];
    for (ago, failed_item, note, category, confirmed) in rounds {
        let at = now - Duration::days(ago);
        let id = store::insert_inspection(
            t,
            project,
            supervisor.0,
            crate::clock::to_local(at).date(),
            None,
            supervisor.1.get(),
            at,
        )
        .await?;
        for it in &items {
            let fails = it.text == failed_item;
            let (score, passed) = match it.scoring {
                Scoring::Score => (
                    Some(if fails {
                        2
                    } else if it.text.contains("绿地") {
                        3
                    } else {
                        4
                    }),
                    None,
                ),
                Scoring::Pass => (None, Some(!fails)),
            };
            let request_id = if fails {
                let c = categories
                    .iter()
                    .find(|c| c.name == category)
                    .ok_or_else(|| AppError::internal("demo category"))?;
                let d = deadlines(at, Sla { respond_minutes: c.respond_minutes, complete_hours: c.complete_hours });
                let rid = requests::create(
                    t,
                    &requests::NewRequest {
                        project_id: project,
                        category_id: c.id,
                        kind: Kind::Repair.as_str(),
                        channel: Channel::Supervisor.as_str(),
                        description: format!("【监督员巡查整改】{failed_item}：{note}"),
                        household_id: None,
                        building_id: None,
                        unit_id: None,
                        spot_id: None,
                        location_text: Some("巡查".into()),
                        reporter_person_id: Some(supervisor.0),
                        created_by: Some(supervisor.1),
                        respond_by: d.respond_by,
                        complete_by: d.complete_by,
                        handler_post: c.handler_post.clone(),
                        lat: None,
                        lng: None,
                        open311_token: None,
                    },
                    "监督员",
                    at,
                )
                .await?;
                requests::set_confirm_via(t, rid, "supervision").await?;
                let done = at + Duration::hours(20);
                let r = requests::request(t, rid).await?.ok_or_else(|| AppError::internal("demo request"))?;
                let mut change = requests::StateChange::keeping(&r, State::AwaitingRating);
                change.assignee = Some(staff.0);
                change.responded = true;
                change.completed = true;
                requests::change_state(t, &change, done).await?;
                requests::event(
                    t,
                    rid,
                    Some(staff.1),
                    "何静",
                    "complete",
                    Some(State::Pending),
                    State::AwaitingRating,
                    Some("已整改，请监督员确认".into()),
                    done,
                )
                .await?;
                if confirmed {
                    let later = done + Duration::hours(26);
                    let r = requests::request(t, rid).await?.ok_or_else(|| AppError::internal("demo request"))?;
                    let mut change = requests::StateChange::keeping(&r, State::Closed);
                    change.closed = true;
                    change.rating = Some((5, 5, 5));
                    requests::change_state(t, &change, later).await?;
                    requests::event(
                        t,
                        rid,
                        Some(supervisor.1),
                        "监督员",
                        "rate",
                        Some(State::AwaitingRating),
                        State::Closed,
                        Some("监督员确认整改合格".into()),
                        later,
                    )
                    .await?;
                }
                Some(rid)
            } else {
                None
            };
            let state = match (request_id, confirmed) {
                (None, _) => FindingState::Ok,
                (Some(_), true) => FindingState::Closed,
                (Some(_), false) => FindingState::Open,
            };
            let f = NewFinding {
                inspection: id,
                project,
                item: it,
                score,
                passed,
                note: fails.then_some(note),
                request_id,
                state,
            };
            let fid = store::insert_finding(t, &f).await?;
            if state == FindingState::Closed {
                store::close_demo(t, fid, supervisor.1.get(), at + Duration::hours(46)).await?;
            }
        }
    }
    Ok(())
}
