//! One volunteer concept (issue 11): a project's volunteer is its C4 registration. Role rows `volunteer`
//! (from C0's role form and imports) become approved registrations — an earlier pending or rejected one is
//! approved — and the role rows go; from now on the role form and imports write registrations.

use sea_orm_migration::prelude::*;

pub struct M0014OneVolunteer;

impl MigrationName for M0014OneVolunteer {
    fn name(&self) -> &str {
        "m0014_one_volunteer"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0014OneVolunteer {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared(
            "UPDATE volunteers SET state = 'approved', decision_note = '工作人员登记' WHERE state <> 'approved' AND EXISTS ( \
             SELECT 1 FROM role_assignments r WHERE r.role = 'volunteer' AND r.person_id = volunteers.person_id \
             AND r.node_id = volunteers.project_id)",
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO volunteers (person_id, project_id, state, skills, decision_note, decided_at, created_at) \
             SELECT r.person_id, r.node_id, 'approved', '', '工作人员登记', r.created_at, r.created_at \
             FROM role_assignments r JOIN org_nodes n ON n.id = r.node_id AND n.kind = 'project' \
             WHERE r.role = 'volunteer' AND NOT EXISTS ( \
               SELECT 1 FROM volunteers v WHERE v.person_id = r.person_id AND v.project_id = r.node_id)",
        )
        .await?;
        db.execute_unprepared("DELETE FROM role_assignments WHERE role = 'volunteer'").await?;
        Ok(())
    }
}
