//! A new request's rows (as a `db::chain`) and the timeline's insert.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::super::model::{Level, State};
use crate::{db, db::chain::Chain, error::AppError, ids::*, params};

pub struct NewRequest {
    pub project_id: ProjectId,
    pub category_id: i64,
    pub kind: &'static str,
    pub channel: &'static str,
    pub description: String,
    pub household_id: Option<HouseholdId>,
    pub building_id: Option<i64>,
    /// A public-area report's unit (the building is `building_id`).
    pub unit_id: Option<i64>,
    pub spot_id: Option<i64>,
    pub location_text: Option<String>,
    pub reporter_person_id: Option<PersonId>,
    pub created_by: Option<UserId>,
    pub respond_by: DateTime<Utc>,
    pub complete_by: DateTime<Utc>,
    pub handler_post: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub open311_token: Option<String>,
}

/// The timeline's insert, up to its values (a new request's first event goes in its chain).
macro_rules! event_into {
    () => {
        "INSERT INTO request_events (request_id, at, actor_user_id, actor, action, from_state, to_state, note) VALUES "
    };
}

/// A new request as a chain (`db::chain`): its row and its first timeline event, to which the caller may
/// add the audit line. `confirm_via` names the flow that confirms it instead of the reporter's rating.
pub fn create_chain(n: &NewRequest, actor: &str, confirm_via: Option<&str>, now: DateTime<Utc>) -> Chain {
    let mut c = Chain::new(
        "INSERT INTO requests (project_id, category_id, kind, channel, state, description, household_id, building_id, location_text, \
         reporter_person_id, created_by, level, respond_by, complete_by, chase_count, created_at, updated_at, \
         handler_post, lat, lng, open311_token, manager_visit_due, unit_id, spot_id, confirm_via) \
         VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9, $10, $11, $12, $13, 0, $14, $14, $15, $16, $17, $18, $19, $20, $21, $22) RETURNING id",
        params![
            n.project_id,
            n.category_id,
            n.kind,
            n.channel,
            n.description.clone(),
            n.household_id,
            n.building_id,
            n.location_text.clone(),
            n.reporter_person_id,
            n.created_by,
            Level::Handler.as_str(),
            n.respond_by,
            n.complete_by,
            now,
            n.handler_post.clone(),
            n.lat,
            n.lng,
            n.open311_token.clone(),
            false,
            n.unit_id,
            n.spot_id,
            confirm_via
        ],
    );
    c.then(
        concat!(event_into!(), "($id, $1, $2, $3, $4, $5, $6, $7)"),
        params![now, n.created_by, actor, "create", None::<&str>, State::Pending.as_str(), Some(n.description.clone())],
    );
    c
}

/// A new request, its row and first timeline event (in the caller's transaction).
pub async fn create(
    conn: &impl ConnectionTrait,
    n: &NewRequest,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(create_chain(n, actor, None, now).run(conn).await?)
}

#[allow(clippy::too_many_arguments)]
pub async fn event(
    conn: &impl ConnectionTrait,
    request_id: i64,
    user_id: Option<UserId>,
    actor: &str,
    action: &str,
    from: Option<State>,
    to: State,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    db::exec(
        conn,
        concat!(event_into!(), "($1, $2, $3, $4, $5, $6, $7, $8)"),
        params![request_id, now, user_id, actor, action, from.map(|s| s.as_str()), to.as_str(), note],
    )
    .await?;
    Ok(())
}
