//! The demo's other convenience services (C10): 张三's flat at 保利叶语 kept while he is away (户内托管:
//! keys received ten days ago, checks every three days, one finding a balcony window open), and the
//! parcel queue — an elderly resident living alone at 和悦 first, 张三's neighbour 李四 waiting, one
//! delivered yesterday.

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;

use crate::{
    convenience::{
        custody::{
            model::{Item, KeyEvent, store_items},
            store as custody,
        },
        parcels::store as parcels,
    },
    db,
    error::AppError,
    ids::{PersonId, ProjectId},
    params,
};

#[derive(sea_orm::FromQueryResult)]
struct Home {
    person_id: PersonId,
    household_id: i64,
    project_id: ProjectId,
    user_id: Option<i64>,
}

async fn home_of(t: &impl ConnectionTrait, where_: &str) -> Result<Home, AppError> {
    db::one::<Home>(
        t,
        &format!(
            "SELECT m.person_id, m.household_id, h.project_id, (SELECT u.id FROM users u WHERE u.person_id = m.person_id) AS user_id \
             FROM household_members m JOIN households h ON h.node_id = m.household_id WHERE {where_} ORDER BY m.id LIMIT 1"
        ),
        vec![],
    )
    .await?
    .ok_or_else(|| AppError::internal("demo services: a home"))
}

pub(super) async fn demo_services(
    t: &impl ConnectionTrait,
    liyuan: ProjectId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let today = crate::clock::to_local(now).date();
    let zhang = home_of(t, "m.person_id = (SELECT person_id FROM users WHERE username = 'resident')").await?;
    let li = home_of(t, "m.person_id = (SELECT person_id FROM users WHERE username = 'resident2')").await?;
    let staff = db::one::<db::IdRow>(t, "SELECT id FROM users WHERE username = 'staff'", vec![])
        .await?
        .ok_or_else(|| AppError::internal("demo staff"))?
        .id;
    let staff_person = db::one::<db::IdRow>(t, "SELECT person_id AS id FROM users WHERE username = 'staff'", vec![])
        .await?
        .map(|r| PersonId(r.id));
    let items = store_items(&[Item::Water, Item::Gas, Item::Windows, Item::Plants]);
    let a = custody::NewAgreement {
        project: zhang.project_id,
        household: zhang.household_id,
        owner: zhang.person_id,
        starts_on: today - Duration::days(10),
        ends_on: today + Duration::days(20),
        items: &items,
        every_days: 3,
        note: Some("业主回老家过冬；阳台绿植每次浇水"),
    };
    let id = custody::insert(t, &a, staff, now - Duration::days(11)).await?;
    custody::insert_key(
        t,
        id,
        KeyEvent::Received,
        "张三",
        Some("一把入户门钥匙，已签字"),
        staff_person,
        now - Duration::days(10),
    )
    .await?;
    for (ago, problems, note) in [
        (9, None, "水电燃气正常，绿植已浇水"),
        (6, None, "一切正常，绿植已浇水"),
        (3, Some("windows"), "阳台窗户未关严，已关好；绿植已浇水"),
    ] {
        let day = today - Duration::days(ago);
        custody::insert_check(t, id, day, staff_person, problems, Some(note), now - Duration::days(ago)).await?;
    }
    // Parcels: the first 高龄独居 resident of 和悦 (first in the queue), 李四, and 张三's delivered yesterday.
    let elder = db::one::<Home>(
        t,
        "SELECT t.person_id, t.household_id, t.project_id, NULL AS user_id FROM care_tags t \
         WHERE t.project_id = $1 AND t.kind = 'elderly_alone' ORDER BY t.id LIMIT 1",
        params![liyuan],
    )
    .await?;
    let mut queue = vec![(li, 2i64, "菜鸟驿站 5-1-2036", Some("下午在家"), false, 3i64)];
    if let Some(e) = elder {
        queue.push((e, 1, "丰巢快递柜 取件码 736218", Some("老人腿脚不便，请送到门口"), true, 1));
    }
    for (h, pieces, pickup, note, priority, hours_ago) in queue {
        let x = parcels::NewParcel {
            project: h.project_id,
            household: h.household_id,
            person: h.person_id,
            pieces,
            pickup,
            note,
            priority,
        };
        parcels::insert(t, &x, h.user_id.unwrap_or(staff), now - Duration::hours(hours_ago)).await?;
    }
    let x = parcels::NewParcel {
        project: zhang.project_id,
        household: zhang.household_id,
        person: zhang.person_id,
        pieces: 1,
        pickup: "菜鸟驿站 3-2-1108",
        note: None,
        priority: false,
    };
    let pid = parcels::insert(t, &x, zhang.user_id.unwrap_or(staff), now - Duration::hours(26)).await?;
    if let Some(sp) = staff_person {
        parcels::take(t, pid, sp, now - Duration::hours(25)).await?;
        parcels::deliver(t, pid, crate::convenience::parcels::model::ParcelState::Taken, sp, now - Duration::hours(24))
            .await?;
    }
    Ok(())
}
