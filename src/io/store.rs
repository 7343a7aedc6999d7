//! The 台账's SQL: a project's households with their current members, and its people's roles.

use crate::ids::*;
use std::collections::HashMap;

use sea_orm::{ConnectionTrait, FromQueryResult};

use super::LedgerRow;
use crate::{db, error::AppError, params};

/// The ledger of one project: every household with its current members (households without members too).
pub async fn ledger_rows(conn: &impl ConnectionTrait, project_id: ProjectId) -> Result<Vec<LedgerRow>, AppError> {
    Ok(db::all(
        conn,
        "SELECT pr.name AS project, b.name AS building, u.name AS unit, h.room, h.exclusive_area_centi AS area, \
         p.name, p.id_masked AS id_number, p.phone_masked AS phone, p.id_number_enc, p.phone_enc, m.relation, m.moved_in, mg.name AS microgrid, p.id AS person_id \
         FROM households h JOIN org_nodes hn ON hn.id = h.node_id JOIN org_nodes u ON u.id = hn.parent_id \
         JOIN org_nodes b ON b.id = u.parent_id JOIN org_nodes pr ON pr.id = h.project_id \
         LEFT JOIN org_nodes mg ON mg.id = h.microgrid_id \
         LEFT JOIN household_members m ON m.household_id = h.node_id AND m.moved_out IS NULL \
         LEFT JOIN persons p ON p.id = m.person_id \
         WHERE h.project_id = $1 ORDER BY b.id, u.id, h.node_id, m.id",
        params![project_id],
    )
    .await?)
}

pub async fn role_names(
    conn: &impl ConnectionTrait,
    project_id: ProjectId,
) -> Result<HashMap<PersonId, Vec<String>>, AppError> {
    #[derive(FromQueryResult)]
    struct R {
        person_id: PersonId,
        role: String,
    }
    let rows: Vec<R> = db::all(
        conn,
        "SELECT person_id, role FROM role_assignments WHERE node_id = $1 ORDER BY id",
        params![project_id],
    )
    .await?;
    let mut m: HashMap<PersonId, Vec<String>> = HashMap::new();
    for r in rows {
        if let Some(role) = crate::auth::model::Role::parse(&r.role) {
            m.entry(r.person_id).or_default().push(role.zh().to_string());
        }
    }
    Ok(m)
}
