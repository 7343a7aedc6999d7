//! The article's 结对: 保利翡翠和悦 signed a pairing with the resettlement estate 龙祥家园 and ran a
//! one-month exchange of staff ("为期一个月的换班交流"). The people, dates and outcomes are the demo's
//! own (marked 「（演示）」): one of 翡翠和悦's staff is in 龙祥家园 this month, one of 龙祥家园's comes
//! the other way, and an earlier round is done.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::ConnectionTrait;

use crate::{
    error::AppError,
    ids::{PersonId, ProjectId},
    joint::pairs::{
        model::{PairingInput, RotationInput},
        store,
    },
    people::store as people,
    vault::Vault,
};

pub(super) async fn demo_pairing(
    t: &impl ConnectionTrait,
    vault: &Vault,
    feicui: i64,
    longxiang: i64,
    person_n: &mut usize,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let today = crate::clock::to_local(now).date();
    let mut staff = Vec::new();
    for (name, node, post) in [
        ("秦晓（演示）", feicui, "客服主管"),
        ("付强（演示）", longxiang, "秩序维护"),
        ("邓丽（演示）", feicui, "工程主管"),
    ] {
        *person_n += 1;
        let np = people::NewPerson {
            name: name.to_string(),
            gender: None,
            phone: Some(super::demo_phone(*person_n)),
            id_number: Some(super::demo_id(*person_n)),
        };
        let (person, _) = people::upsert_person(t, vault, &np, &people::Within::Project(ProjectId(node)), now).await?;
        people::add_role(t, person, "staff", node, Some(post.into()), NaiveDate::from_ymd_opt(2022, 1, 1), now).await?;
        staff.push(person);
    }
    let signed = NaiveDate::from_ymd_opt(2023, 6, 1).unwrap_or(today);
    let pairing = PairingInput {
        title: "保利翡翠和悦—安置房龙祥家园结对共建".into(),
        aims: Some(
            "发挥央企党建优势和示范引领作用，进行为期一个月的换班交流活动，指导安置小区转变物业管理服务理念，\
             学习保利“星火社区”优秀管理经验和特色做法，帮助提升物业管理水平，助力城市基层治理提质增效。"
                .into(),
        ),
        signed_on: signed,
        ends_on: None,
    };
    let id = store::insert(t, feicui, longxiang, &pairing, None, now).await?;
    let month_start = today - Duration::days(10);
    let rotations = [
        (staff[0], feicui, longxiang, "客服主管（驻点指导）", month_start, month_start + Duration::days(29)),
        (staff[1], longxiang, feicui, "秩序维护（跟岗学习）", month_start, month_start + Duration::days(29)),
        (staff[2], feicui, longxiang, "工程主管（设备巡检）", signed + Duration::days(14), signed + Duration::days(43)),
    ];
    for (person, from, to, duty, starts_on, ends_on) in rotations {
        let r = RotationInput { duty: duty.into(), starts_on, ends_on };
        store::insert_rotation(
            t,
            &store::Move { pairing: id, person: PersonId(person.get()), from, to },
            &r,
            None,
            now,
        )
        .await?;
    }
    for (day, text) in [
        (signed + Duration::days(44), "第一轮换班交流结束：龙祥家园建立设备巡检台账，电梯、消防设施按月巡检。（演示）"),
        (today - Duration::days(3), "龙祥家园客服前台试行“首问负责制”，报修当天响应率明显提高。（演示）"),
    ] {
        store::insert_outcome(t, id, day, text, None, now).await?;
    }
    Ok(())
}
