//! A community's projects and the people serving below a node (the honour and 联建 choosers).

use sea_orm::{ConnectionTrait, FromQueryResult};

use super::{NODE_COLS, Node};
use crate::{db, error::AppError, ids::PersonId, params};

/// The projects a community serves (their `community_id`), by id.
pub async fn projects_of_community(conn: &impl ConnectionTrait, community: i64) -> Result<Vec<Node>, AppError> {
    Ok(db::all(
        conn,
        &format!("SELECT {NODE_COLS} FROM org_nodes WHERE community_id = $1 AND kind = 'project' ORDER BY id"),
        params![community],
    )
    .await?)
}

/// People holding a role of these kinds at a node or anywhere below it, once each, by name.
pub async fn people_below(
    conn: &impl ConnectionTrait,
    n: &Node,
    roles: &[&str],
) -> Result<Vec<(PersonId, String)>, AppError> {
    #[derive(FromQueryResult)]
    struct R {
        id: PersonId,
        name: String,
    }
    let mut values: Vec<sea_orm::Value> = vec![format!("{}%", n.path).into()];
    values.extend(roles.iter().map(|r| sea_orm::Value::from(*r)));
    let rows: Vec<R> = db::all(
        conn,
        &format!(
            "SELECT DISTINCT p.id, p.name FROM role_assignments r JOIN org_nodes x ON x.id = r.node_id JOIN persons p ON p.id = r.person_id \
             WHERE x.path LIKE $1 AND r.role IN ({}) ORDER BY p.name, p.id LIMIT 500",
            db::placeholders(2, roles.len())
        ),
        values,
    )
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}
