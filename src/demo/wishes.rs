//! The demo's 微心愿 (C6): 李四 (the demo's resident2) asks for help with his door closer, still open.

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;

use crate::{
    error::AppError,
    ids::{PersonId, ProjectId},
    wishes::store::{self, NewWish},
};

pub(super) async fn demo_wishes(
    t: &impl ConnectionTrait,
    project: ProjectId,
    lisi: (PersonId, i64),
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    store::insert(
        t,
        &NewWish {
            project_id: project,
            person_id: lisi.0,
            household_id: None,
            text: "家里单元门的闭门器坏了，门总关不上，想请人帮忙看看",
            posted_by: lisi.1,
        },
        now - Duration::hours(20),
    )
    .await?;
    Ok(())
}
