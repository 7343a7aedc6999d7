//! The demo's 便民物资共享 (C10) at 保利叶语党群服务中心: wheelchairs, a ladder, a toolkit, umbrellas and a
//! stroller; 李四 has a wheelchair out, a neighbour's ladder is three days overdue, and the first
//! wheelchair came back worn last month.

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;

use crate::{
    convenience::lending::{
        model::{self, Condition, ItemKind, LoanState},
        store::{self, NewItem, NewLoan, Return},
    },
    db,
    error::AppError,
    ids::{PersonId, ProjectId},
    params,
};

/// (kind, name, code, deposit in fen, days)
const ITEMS: &[(ItemKind, &str, &str, i64, i64)] = &[
    (ItemKind::Wheelchair, "折叠轮椅", "轮椅-01", 20_000, 14),
    (ItemKind::Wheelchair, "折叠轮椅", "轮椅-02", 20_000, 14),
    (ItemKind::Ladder, "人字梯（2米）", "梯子-01", 5_000, 7),
    (ItemKind::Toolkit, "家用工具箱", "工具箱-01", 0, 7),
    (ItemKind::Umbrella, "爱心雨伞", "雨伞-01", 0, 3),
    (ItemKind::Umbrella, "爱心雨伞", "雨伞-02", 0, 3),
    (ItemKind::Stroller, "婴儿推车", "推车-01", 10_000, 14),
];

pub(super) async fn demo_lending(
    t: &impl ConnectionTrait,
    project: ProjectId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    // The first three homes of the estate (the demo's 张三 and 李四, and their neighbour).
    let households: Vec<i64> = db::all::<db::IdRow>(
        t,
        "SELECT node_id AS id FROM households WHERE project_id = $1 ORDER BY node_id LIMIT 3",
        params![project],
    )
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect();
    let Some(centre) = crate::positions::store::centres_in(t, &[project]).await?.into_iter().next() else {
        return Ok(());
    };
    let staff = db::one::<db::IdRow>(t, "SELECT id FROM users WHERE username = 'staff'", vec![])
        .await?
        .ok_or_else(|| AppError::internal("demo staff"))?
        .id;
    let mut ids = Vec::new();
    for (kind, name, code, deposit_fen, loan_days) in ITEMS {
        let new = NewItem {
            centre_id: centre.id,
            project_id: project,
            kind: *kind,
            name,
            code,
            deposit_fen: *deposit_fen,
            loan_days: *loan_days,
            note: None,
        };
        ids.push(store::insert_item(t, &new, staff, now - Duration::days(60)).await?);
    }
    // The owner of each demo home (李四 lives in the second, a neighbour in the third).
    let mut owners = Vec::new();
    for h in &households {
        if let Some(r) = db::one::<db::IdRow>(
            t,
            "SELECT person_id AS id FROM household_members WHERE household_id = $1 AND relation = 'owner'",
            params![*h],
        )
        .await?
        {
            owners.push((PersonId(r.id), *h));
        }
    }
    let [_, lisi, neighbour] = owners.as_slice() else { return Ok(()) };
    let loan = |item: usize, who: (PersonId, i64), days_ago: i64, days: i64| NewLoan {
        item_id: ids[item],
        project_id: project,
        person_id: who.0,
        household_id: Some(who.1),
        state: LoanState::Out,
        due_on: Some(model::due_on(crate::clock::to_local(now - Duration::days(days_ago)).date(), days)),
        deposit_fen: ITEMS[item].3,
        by: staff,
    };
    // Last month: 轮椅-01 to the neighbour, back worn.
    let old = store::insert_loan(t, &loan(0, *neighbour, 40, 14), now - Duration::days(40)).await?;
    let back =
        Return {
            condition: Condition::Worn, note: Some("扶手有磨损，可正常使用"), deposit_kept_fen: 0, by: staff
        };
    store::take_back(t, old, &back, now - Duration::days(28)).await?;
    store::set_condition(t, ids[0], Condition::Worn).await?;
    // Now: 轮椅-02 out to 李四 (due in nine days); 梯子-01 three days overdue.
    store::insert_loan(t, &loan(1, *lisi, 5, 14), now - Duration::days(5)).await?;
    store::insert_loan(t, &loan(2, *neighbour, 10, 7), now - Duration::days(10)).await?;
    Ok(())
}
