//! The article's 上报 at 保利荔园天府和悦: 何静, a 客服管家 who is also one of 牧马山社区's micro-grid
//! members, found the municipal street lights outside the east gate dark and the park's fitness
//! equipment broken — outside the property's remit — and pushed both up to 牧马山社区. The community has
//! accepted the street lights and not yet looked at the park; 刘书记 answers them from the government inbox.

use crate::ids::*;
use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;

use crate::error::AppError;
use crate::requests::{
    model::{Channel, Kind, Outside, ReferralState, State, deadlines, referral_deadlines, referral_limits},
    store::{
        self,
        referrals::{self, NewReferral, ReferralChange},
    },
};

pub(super) async fn demo_referrals(
    t: &impl ConnectionTrait,
    project: ProjectId,
    community: NodeId,
    hejing: (PersonId, UserId),
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let category = store::categories(t, project)
        .await?
        .into_iter()
        .find(|c| c.name == "市政")
        .ok_or_else(|| AppError::internal("demo: 市政 category"))?;
    let cases = [
        (
            "小区东门外市政道路路灯连续三晚不亮，业主夜间出行不便。",
            "东门外市政道路（第3至第5根灯杆）",
            "市政路灯不属物业管养范围，请社区协调城管部门维修。",
            3,
            true,
        ),
        (
            "小区旁社区公园的两台健身器材松动、一台扶手断裂，老人锻炼有危险。",
            "小区南侧社区公园健身区",
            "公园由社区管理，请社区安排维修并设置警示。",
            1,
            false,
        ),
    ];
    for (description, spot, reason, days_ago, accepted) in cases {
        let at = now - Duration::days(days_ago);
        let d = deadlines(at, crate::requests::model::Sla { respond_minutes: 120, complete_hours: 168 });
        let id = store::create(
            t,
            &store::NewRequest {
                project_id: project,
                category_id: category.id,
                kind: Kind::Repair.as_str(),
                channel: Channel::GridMember.as_str(),
                description: description.into(),
                household_id: None,
                building_id: None,
                unit_id: None,
                spot_id: None,
                location_text: Some(spot.into()),
                reporter_person_id: Some(hejing.0),
                created_by: Some(hejing.1),
                respond_by: d.respond_by,
                complete_by: d.complete_by,
                handler_post: Some("客服管家".into()),
                lat: None,
                lng: None,
                open311_token: None,
            },
            "何静",
            at,
        )
        .await?;
        let r = store::request(t, id).await?.ok_or_else(|| AppError::internal("demo request"))?;
        store::change_state(t, &store::StateChange::keeping(&r, State::Escalated), at).await?;
        store::event(
            t,
            id,
            Some(hejing.1),
            "何静",
            "escalate_outside",
            Some(State::Pending),
            State::Escalated,
            Some(format!("上报至牧马山社区。{reason}")),
            at,
        )
        .await?;
        let fid = referrals::insert(
            t,
            &NewReferral {
                request_id: id,
                project_id: project,
                target: Outside::Community,
                node_id: Some(community),
                outside_ref: None,
                reason,
                sent_by: hejing.1,
                deadlines: referral_deadlines(at, referral_limits(Outside::Community)),
            },
            at,
        )
        .await?;
        if accepted {
            let later = at + Duration::hours(2);
            let c = ReferralChange {
                id: fid,
                from: ReferralState::Sent,
                to: ReferralState::Accepted,
                question: None,
                answer: None,
            };
            referrals::change(t, &c, later).await?;
            store::event(
                t,
                id,
                None,
                "刘书记（牧马山社区）",
                "referral_accept",
                Some(State::Escalated),
                State::Escalated,
                None,
                later,
            )
            .await?;
        }
    }
    Ok(())
}
