//! SQL for persons, household membership and role assignments.

use crate::ids::*;
pub mod datarequests;
pub mod links;
pub mod mydata;
pub mod seal;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use super::{
    model::{mask_id, mask_phone, name_pinyin},
    seal::Sealed,
};
use crate::{auth::Principal, db, db::constraint::OnConstraint, error::AppError, params, vault::Vault};

#[derive(Debug, Clone, FromQueryResult)]
pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub gender: Option<String>,
    pub phone: Option<String>,
    pub id_number: Option<String>,
    pub note: Option<String>,
}

/// A person as shown on pages and in the API: phone and ID always masked.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonView {
    pub id: i64,
    pub name: String,
    pub gender: Option<String>,
    /// Masked, e.g. `138****5678`.
    pub phone: Option<String>,
    /// Masked, e.g. `510***********123X`.
    pub id_number: Option<String>,
    pub note: Option<String>,
}

impl From<PersonRow> for PersonView {
    fn from(r: PersonRow) -> Self {
        Self {
            id: r.id,
            name: r.name,
            gender: r.gender,
            phone: r.phone.as_deref().map(mask_phone),
            id_number: r.id_number.as_deref().map(mask_id),
            note: r.note,
        }
    }
}

pub async fn person(conn: &impl ConnectionTrait, id: i64) -> Result<Option<PersonRow>, AppError> {
    // Masked copies only; the full numbers are sealed (`seal::open_contact`).
    Ok(db::one(
        conn,
        "SELECT id, name, gender, phone_masked AS phone, id_masked AS id_number, note FROM persons WHERE id = $1",
        params![id],
    )
    .await?)
}

pub struct NewPerson {
    pub name: String,
    pub gender: Option<String>,
    pub phone: Option<String>,
    pub id_number: Option<String>,
}

/// Where a person record may be found again by ID number: the project (or, above projects, the part of
/// the tree) the person is being registered in. A record another project made is never found by
/// knowing a number — that would let its staff read and change what they were never given.
#[derive(Debug, Clone)]
pub enum Within {
    Project(ProjectId),
    /// Nodes whose path starts with this one (company, branch and government-side nodes).
    Subtree(String),
}

impl Within {
    pub fn of_node(n: &crate::org::store::Node) -> Self {
        match n.project_id {
            Some(p) => Within::Project(p),
            None => Within::Subtree(n.path.clone()),
        }
    }
}

/// The person with this ID number already linked to `within` (a member of one of its homes, or holding
/// a role on one of its nodes).
pub async fn find_by_id_number(
    conn: &impl ConnectionTrait,
    vault: &Vault,
    id_number: &str,
    within: &Within,
) -> Result<Option<i64>, AppError> {
    let id_number_hash = vault.blind(crate::vault::Kind::IdNumber, id_number);
    let (clause, value): (&str, sea_orm::Value) = match within {
        Within::Project(pid) => (
            "EXISTS (SELECT 1 FROM household_members m JOIN households h ON h.node_id = m.household_id \
               WHERE m.person_id = p.id AND h.project_id = $2) \
             OR EXISTS (SELECT 1 FROM role_assignments r JOIN org_nodes n ON n.id = r.node_id \
               WHERE r.person_id = p.id AND n.project_id = $2)",
            (*pid).into(),
        ),
        Within::Subtree(path) => (
            "EXISTS (SELECT 1 FROM role_assignments r JOIN org_nodes n ON n.id = r.node_id \
               WHERE r.person_id = p.id AND n.path LIKE $2)",
            format!("{}%", path.replace(['%', '_'], "")).into(),
        ),
    };
    let sql = format!("SELECT p.id FROM persons p WHERE p.id_number_hash = $1 AND ({clause}) ORDER BY p.id LIMIT 1");
    Ok(db::one::<db::IdRow>(conn, &sql, vec![id_number_hash.into(), value]).await?.map(|r| r.id))
}

/// Find the person with this ID number already linked to `within`, or else create a new record.
/// A found record keeps what it holds: a phone is only filled in where none was stored. Returns
/// (id, created).
pub async fn upsert_person(
    conn: &impl ConnectionTrait,
    vault: &Vault,
    p: &NewPerson,
    within: &Within,
    now: DateTime<Utc>,
) -> Result<(PersonId, bool), AppError> {
    let ph = Sealed::phone(vault, p.phone.as_deref());
    if let Some(idn) = &p.id_number
        && let Some(id) = find_by_id_number(conn, vault, idn, within).await?
    {
        // Only where no phone is stored: a found record keeps what it holds.
        db::exec(
            conn,
            "UPDATE persons SET phone_masked = COALESCE(phone_masked, $1), \
             phone_hash = CASE WHEN phone_enc IS NULL THEN $2 ELSE phone_hash END, \
             phone_enc = COALESCE(phone_enc, $3), updated_at = $4 WHERE id = $5",
            params![ph.masked, ph.hash, ph.enc, now, id],
        )
        .await?;
        return Ok((PersonId(id), false));
    }
    let idn = Sealed::id_number(vault, p.id_number.as_deref());
    let id_hash = idn.hash.clone();
    let (py, initials) = name_pinyin(&p.name);
    let id = db::insert_id(
        conn,
        "INSERT INTO persons (name, name_pinyin, name_initials, gender, phone_masked, phone_enc, phone_hash, \
         id_masked, id_number_enc, id_number_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
        params![
            p.name.clone(),
            py,
            initials,
            p.gender.clone(),
            ph.masked,
            ph.enc,
            ph.hash,
            idn.masked,
            idn.enc,
            idn.hash,
            now
        ],
    )
    .await?;
    // The number may be another project's person: propose a link they (or an administrator) confirm.
    if let Some(h) = id_hash {
        let project = match within {
            Within::Project(p) => Some(*p),
            Within::Subtree(_) => None,
        };
        super::links::propose(conn, PersonId(id), &h, project, now).await?;
    }
    Ok((PersonId(id), true))
}

pub async fn update_person(
    conn: &impl ConnectionTrait,
    vault: &Vault,
    id: i64,
    name: &str,
    phone: Option<String>,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (py, initials) = name_pinyin(name);
    let ph = Sealed::phone(vault, phone.as_deref());
    db::exec(
        conn,
        "UPDATE persons SET name = $1, name_pinyin = $2, name_initials = $3, phone_masked = $4, phone_enc = $5, \
         phone_hash = $6, note = $7, updated_at = $8 WHERE id = $9",
        params![name, py, initials, ph.masked, ph.enc, ph.hash, note, now, id],
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct Membership {
    pub id: i64,
    pub household_id: HouseholdId,
    pub person_id: PersonId,
    pub person_name: String,
    pub relation: String,
    pub moved_in: Option<NaiveDate>,
    pub moved_out: Option<NaiveDate>,
    #[serde(skip)]
    pub phone: Option<String>,
    pub project_id: ProjectId,
    #[serde(skip)]
    pub microgrid_path: Option<String>,
    pub label: String,
}

const MEMBERSHIP_SELECT: &str = "SELECT m.id, m.household_id, m.person_id, p.name AS person_name, m.relation, m.moved_in, \
     m.moved_out, p.phone_masked AS phone, h.project_id, mg.path AS microgrid_path, \
     (b.name || u.name || h.room || '室') AS label \
     FROM household_members m JOIN persons p ON p.id = m.person_id JOIN households h ON h.node_id = m.household_id \
     JOIN org_nodes hn ON hn.id = h.node_id JOIN org_nodes u ON u.id = hn.parent_id JOIN org_nodes b ON b.id = u.parent_id \
     LEFT JOIN org_nodes mg ON mg.id = h.microgrid_id";

pub async fn members_of_household(
    conn: &impl ConnectionTrait,
    household_id: HouseholdId,
) -> Result<Vec<Membership>, AppError> {
    Ok(db::all(
        conn,
        &format!("{MEMBERSHIP_SELECT} WHERE m.household_id = $1 ORDER BY m.moved_out IS NOT NULL, m.id"),
        params![household_id],
    )
    .await?)
}

pub async fn memberships_of_person(
    conn: &impl ConnectionTrait,
    person_id: PersonId,
) -> Result<Vec<Membership>, AppError> {
    Ok(db::all(conn, &format!("{MEMBERSHIP_SELECT} WHERE m.person_id = $1 ORDER BY m.id"), params![person_id]).await?)
}

pub async fn is_current_member(
    conn: &impl ConnectionTrait,
    household_id: HouseholdId,
    person_id: PersonId,
) -> Result<bool, AppError> {
    let n = db::count(
        conn,
        "SELECT COUNT(*) AS n FROM household_members WHERE household_id = $1 AND person_id = $2 AND moved_out IS NULL",
        params![household_id, person_id],
    )
    .await?;
    Ok(n > 0)
}

pub async fn add_member(
    conn: &impl ConnectionTrait,
    household_id: HouseholdId,
    person_id: PersonId,
    relation: &str,
    moved_in: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    if is_current_member(conn, household_id, person_id).await? {
        return Err(AppError::conflict(
            "already_member",
            "此人已是该户的在住成员",
            "Already a current member of this household",
        ));
    }
    Ok(db::insert_id(
        conn,
        "INSERT INTO household_members (household_id, person_id, relation, moved_in, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        params![household_id, person_id, relation, moved_in, now],
    )
    .await?)
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct RoleRow {
    pub id: i64,
    pub person_id: PersonId,
    pub role: String,
    pub node_id: i64,
    pub node_name: String,
    pub node_kind: String,
    #[serde(skip)]
    pub node_path: String,
    pub project_id: Option<ProjectId>,
    pub post: Option<String>,
    pub since: Option<NaiveDate>,
}

pub async fn roles_of_person(conn: &impl ConnectionTrait, person_id: PersonId) -> Result<Vec<RoleRow>, AppError> {
    Ok(db::all(
        conn,
        "SELECT r.id, r.person_id, r.role, r.node_id, n.name AS node_name, n.kind AS node_kind, n.path AS node_path, \
         n.project_id, r.post, r.since FROM role_assignments r JOIN org_nodes n ON n.id = r.node_id \
         WHERE r.person_id = $1 ORDER BY r.id",
        params![person_id],
    )
    .await?)
}

pub async fn add_role(
    conn: &impl ConnectionTrait,
    person_id: PersonId,
    role: &str,
    node_id: i64,
    post: Option<String>,
    since: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    // One volunteer concept: being a project's volunteer is its C4 registration (approved), whether staff
    // enter it here, an import brings it or the resident applies — never a separate role row.
    if role == crate::auth::model::Role::Volunteer.as_str() {
        return crate::volunteers::store::enrol(conn, person_id, ProjectId(node_id), now).await;
    }
    db::insert_id(
        conn,
        "INSERT INTO role_assignments (person_id, role, node_id, post, since, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        params![person_id, role, node_id, post, since, now],
    )
    .await
    .on_constraint("ux_role_assignments", || {
        AppError::conflict("duplicate_role", "此人在该组织已有这个角色", "The person already holds this role here")
    })
}

/// The projects a person belongs to: through a current or past home, or a role on a project's node.
pub async fn projects_of_person(conn: &impl ConnectionTrait, person_id: PersonId) -> Result<Vec<ProjectId>, AppError> {
    Ok(db::all::<db::IdRow>(
        conn,
        "SELECT h.project_id AS id FROM household_members m JOIN households h ON h.node_id = m.household_id \
         WHERE m.person_id = $1 \
         UNION SELECT n.project_id AS id FROM role_assignments r JOIN org_nodes n ON n.id = r.node_id \
         WHERE r.person_id = $1 AND n.project_id IS NOT NULL ORDER BY 1",
        params![person_id],
    )
    .await?
    .into_iter()
    .map(|r| ProjectId(r.id))
    .collect())
}

/// Record an access to or a change of people's data where the data lives: one audit entry under every
/// project any of them belongs to (one without a project for people only on the government side), so
/// each project's audit shows who read, revealed, exported or changed its people.
pub async fn audit_person(
    conn: &impl ConnectionTrait,
    ctx: &crate::auth::Ctx,
    people: &[i64],
    action: &str,
    summary: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut projects: Vec<ProjectId> = Vec::new();
    for p in people {
        projects.extend(projects_of_person(conn, PersonId(*p)).await?);
    }
    projects.sort_unstable();
    projects.dedup();
    let targets: Vec<Option<ProjectId>> =
        if projects.is_empty() { vec![None] } else { projects.into_iter().map(Some).collect() };
    for project_id in targets {
        crate::audit::record(
            conn,
            ctx,
            now,
            crate::audit::Entry {
                action,
                entity: "person",
                entity_id: people.first().copied(),
                project_id,
                summary: summary.to_string(),
            },
        )
        .await?;
    }
    Ok(())
}

/// What the principal may do with a person: read, write (staff over one of the person's projects).
pub async fn person_access(
    conn: &impl ConnectionTrait,
    p: &Principal,
    person_id: PersonId,
) -> Result<(bool, bool), AppError> {
    if p.person_id == Some(person_id) {
        return Ok((true, false));
    }
    let ms = memberships_of_person(conn, person_id).await?;
    let rs = roles_of_person(conn, person_id).await?;
    let mut read = false;
    let mut write = false;
    for m in &ms {
        read |= p.scope.can_read_household(m.household_id, m.project_id, m.microgrid_path.as_deref());
        write |= p.scope.can_write_project(m.project_id);
    }
    for r in &rs {
        match r.project_id {
            Some(pid) => {
                read |= p.scope.can_read_project(pid);
                write |= p.scope.can_write_project(pid);
            }
            None => {
                let admin = p.scope.is_admin_over(&r.node_path);
                read |= admin || p.scope.can_read_gov_node(&r.node_path) && !p.scope.gov_paths.is_empty();
                write |= admin;
            }
        }
    }
    Ok((read || write, write))
}

#[derive(Debug, Clone, FromQueryResult, Serialize, utoipa::ToSchema)]
pub struct SearchHit {
    pub person_id: PersonId,
    pub name: String,
    #[serde(skip)]
    pub phone: Option<String>,
    pub household_id: Option<HouseholdId>,
    pub label: Option<String>,
    pub project_name: Option<String>,
}

/// Search people in the principal's readable projects by name, full pinyin or initials ("zs" → 张三),
/// and households by room number.
pub async fn search(conn: &impl ConnectionTrait, p: &Principal, q: &str) -> Result<Vec<SearchHit>, AppError> {
    let q = crate::text::normalize(q);
    let projects: Vec<ProjectId> = p.scope.read_projects.iter().copied().collect();
    if q.is_empty() || projects.is_empty() {
        return Ok(vec![]);
    }
    let lower = q.to_lowercase().replace(' ', "");
    let like = format!("%{}%", q.replace(['%', '_'], ""));
    let prefix = format!("{}%", lower.replace(['%', '_'], ""));
    let ph = db::placeholders(4, projects.len());
    let sql = format!(
        "SELECT p.id AS person_id, p.name, p.phone_masked AS phone, h.node_id AS household_id, \
         (b.name || u.name || h.room || '室') AS label, pr.name AS project_name \
         FROM persons p JOIN household_members m ON m.person_id = p.id AND m.moved_out IS NULL \
         JOIN households h ON h.node_id = m.household_id JOIN org_nodes hn ON hn.id = h.node_id \
         JOIN org_nodes u ON u.id = hn.parent_id JOIN org_nodes b ON b.id = u.parent_id JOIN org_nodes pr ON pr.id = h.project_id \
         WHERE h.project_id IN ({ph}) AND (p.name LIKE $1 OR p.name_initials LIKE $2 OR p.name_pinyin LIKE $2 OR h.room = $3) \
         UNION \
         SELECT p.id AS person_id, p.name, p.phone_masked AS phone, NULL AS household_id, NULL AS label, n.name AS project_name \
         FROM persons p JOIN role_assignments r ON r.person_id = p.id JOIN org_nodes n ON n.id = r.node_id \
         WHERE n.project_id IN ({ph}) AND (p.name LIKE $1 OR p.name_initials LIKE $2 OR p.name_pinyin LIKE $2) \
         ORDER BY 2, 1 LIMIT 100"
    );
    let mut values = params![like, prefix, q.clone()];
    values.extend(projects.iter().map(|v| sea_orm::Value::from(*v)));
    Ok(db::all(conn, &sql, values).await?)
}

/// A resident of a project found by their home as typed (「1-1-101」) and their name — how staff find
/// an elderly resident who has no phone.
pub async fn resident_by_home(
    conn: &impl ConnectionTrait,
    project_id: ProjectId,
    room: &str,
    name: &str,
) -> Result<Option<PersonId>, AppError> {
    let name = crate::text::normalize(name);
    let wanted = crate::org::model::household_label_key(room);
    Ok(db::one::<db::IdRow>(
        conn,
        "SELECT pe.id FROM persons pe JOIN household_members m ON m.person_id = pe.id AND m.moved_out IS NULL \
         JOIN households h ON h.node_id = m.household_id JOIN org_nodes hn ON hn.id = h.node_id \
         JOIN org_nodes u ON u.id = hn.parent_id JOIN org_nodes b ON b.id = u.parent_id \
         WHERE h.project_id = $1 AND b.name || u.name || h.room = $2 AND pe.name = $3",
        params![project_id, wanted, name.trim()],
    )
    .await?
    .map(|r| PersonId(r.id)))
}

pub async fn remove_role(conn: &impl ConnectionTrait, role_assignment: i64) -> Result<(), AppError> {
    db::exec(conn, "DELETE FROM role_assignments WHERE id = $1", params![role_assignment]).await?;
    Ok(())
}

/// A membership ends: the person moved out on `date`.
pub async fn move_out(conn: &impl ConnectionTrait, membership: i64, date: NaiveDate) -> Result<(), AppError> {
    db::exec(conn, "UPDATE household_members SET moved_out = $1 WHERE id = $2", params![date, membership]).await?;
    Ok(())
}

/// A current member of the household with this name (the import's match when no ID number is given).
pub async fn current_member_named(
    conn: &impl ConnectionTrait,
    household: HouseholdId,
    name: &str,
) -> Result<Option<PersonId>, AppError> {
    Ok(db::one::<db::IdRow>(
        conn,
        "SELECT p.id FROM persons p JOIN household_members m ON m.person_id = p.id \
         WHERE m.household_id = $1 AND m.moved_out IS NULL AND p.name = $2",
        params![household, name],
    )
    .await?
    .map(|x| PersonId(x.id)))
}

pub async fn holds_role(
    conn: &impl ConnectionTrait,
    person: PersonId,
    role: &str,
    node: i64,
) -> Result<bool, AppError> {
    if role == crate::auth::model::Role::Volunteer.as_str() {
        return crate::volunteers::store::is_approved_volunteer(conn, person, ProjectId(node)).await;
    }
    Ok(db::count(
        conn,
        "SELECT COUNT(*) AS n FROM role_assignments WHERE person_id = $1 AND role = $2 AND node_id = $3",
        params![person, role, node],
    )
    .await?
        > 0)
}
