//! One person, several projects — linked only by consent. When a project registers someone whose ID
//! number another project already holds, it gets a record of its own (nothing is found, changed or
//! told by knowing a number) and a link is proposed, silently for the registering staff. The person
//! (on 我的信息) or a company administrator over both projects confirms it — then the two records
//! become one, every reference moved in one transaction — or declines it, and they stay apart.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, State},
    response::{IntoResponse, Redirect},
};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, TransactionTrait};
use serde::Deserialize;

use crate::{
    app::AppState,
    auth::{AdminUser, Auth, Ctx, Principal},
    clock::fmt_datetime,
    db,
    error::{AppError, AppResult},
    notify, params,
    web::Chrome,
};

/// Every column that names a person, as (table, column). A test compares this with the schema's
/// foreign keys, so a capability that adds one cannot be forgotten by a merge.
pub const PERSON_REFS: &[(&str, &str)] = &[
    ("household_members", "person_id"),
    ("role_assignments", "person_id"),
    ("users", "person_id"),
    ("requests", "reporter_person_id"),
    ("requests", "assignee_person_id"),
    ("bookings", "person_id"),
    ("centre_visits", "person_id"),
    ("signups", "person_id"),
    ("points_ledger", "person_id"),
    ("volunteers", "person_id"),
    ("team_members", "person_id"),
    ("hour_corrections", "person_id"),
    ("redemptions", "person_id"),
    ("points_accounts", "person_id"),
    ("data_requests", "person_id"),
    ("person_links", "person_id"),
    ("person_links", "other_id"),
];

/// After a project made a new record with this ID number: propose a link to every other record that
/// holds it, and tell those people. Called inside the registering transaction.
pub async fn propose(
    conn: &impl ConnectionTrait,
    new_person: i64,
    id_number_hash: &str,
    project_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let others = db::all::<db::IdRow>(
        conn,
        "SELECT id FROM persons WHERE id_number_hash = $1 AND id <> $2 ORDER BY id",
        params![id_number_hash, new_person],
    )
    .await?;
    for o in &others {
        db::exec(
            conn,
            "INSERT INTO person_links (person_id, other_id, project_id, state, created_at) VALUES ($1, $2, $3, 'pending', $4)",
            params![o.id, new_person, project_id, now],
        )
        .await?;
        let users = notify::users_of_person(conn, o.id).await?;
        let note = notify::Note {
            kind: "person_link",
            title: "另一个项目登记了与您身份证号相同的住户，请确认是否为本人".into(),
            link: Some("/account/data".into()),
        };
        notify::to_users(conn, &users, &note, now).await?;
    }
    Ok(others.len())
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct Link {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub other_id: i64,
    pub other_name: String,
    pub project_name: Option<String>,
    pub state: String,
    pub created_at: DateTime<Utc>,
}

impl Link {
    pub fn created(&self) -> String {
        fmt_datetime(self.created_at)
    }
    pub fn state_zh(&self) -> &'static str {
        match self.state.as_str() {
            "pending" => "待确认",
            "linked" => "已合并",
            "declined" => "不是本人",
            _ => "",
        }
    }
}

const SELECT: &str = "SELECT l.id, l.person_id, a.name AS person_name, l.other_id, b.name AS other_name, \
     pr.name AS project_name, l.state, l.created_at FROM person_links l JOIN persons a ON a.id = l.person_id \
     JOIN persons b ON b.id = l.other_id LEFT JOIN org_nodes pr ON pr.id = l.project_id";

pub async fn pending_for_person(conn: &impl ConnectionTrait, person_id: i64) -> Result<Vec<Link>, AppError> {
    Ok(db::all(
        conn,
        &format!("{SELECT} WHERE l.person_id = $1 AND l.state = 'pending' ORDER BY l.id"),
        params![person_id],
    )
    .await?)
}

pub async fn one(conn: &impl ConnectionTrait, id: i64) -> Result<Option<Link>, AppError> {
    Ok(db::one(conn, &format!("{SELECT} WHERE l.id = $1"), params![id]).await?)
}

/// Pending links an administrator may decide: both records within projects they can write.
pub async fn pending_for_admin(state: &AppState, p: &Principal) -> Result<Vec<Link>, AppError> {
    let all: Vec<Link> =
        db::all(&state.db.read, &format!("{SELECT} WHERE l.state = 'pending' ORDER BY l.id LIMIT 200"), vec![]).await?;
    let mut out = Vec::new();
    for l in all {
        if admin_over_both(state, p, &l).await? {
            out.push(l);
        }
    }
    Ok(out)
}

async fn admin_over_both(state: &AppState, p: &Principal, l: &Link) -> Result<bool, AppError> {
    let mut ok = p.grants.iter().any(|g| g.role == crate::auth::model::Role::CompanyAdmin);
    for id in [l.person_id, l.other_id] {
        let projects = super::store::projects_of_person(&state.db.read, id).await?;
        ok &= !projects.is_empty() && projects.iter().all(|pid| p.scope.can_write_project(*pid));
    }
    Ok(ok)
}

/// Make `gone` part of `keep`: every reference moves, `keep` gains a phone only where it had none, and
/// `gone` is deleted. A conflict (both records in one home, both with a log-in) refuses the whole merge.
pub async fn merge(conn: &impl ConnectionTrait, keep: i64, gone: i64) -> Result<(), AppError> {
    for (table, column) in PERSON_REFS {
        db::exec(conn, &format!("UPDATE {table} SET {column} = $1 WHERE {column} = $2"), params![keep, gone])
            .await
            .map_err(|e| {
                if db::constraint::violated(&e).is_some_and(|c| c.starts_with("ux_")) {
                    AppError::conflict(
                        "merge_conflict",
                        "两条记录在同一户或都有登录账号，无法自动合并，请联系管理员",
                        "The records overlap and cannot be merged automatically",
                    )
                } else {
                    e.into()
                }
            })?;
    }
    db::exec(
        conn,
        "UPDATE persons SET \
           phone_masked = COALESCE(phone_masked, (SELECT phone_masked FROM persons WHERE id = $2)), \
           phone_hash = COALESCE(phone_hash, (SELECT phone_hash FROM persons WHERE id = $2)), \
           phone_enc = COALESCE(phone_enc, (SELECT phone_enc FROM persons WHERE id = $2)) WHERE id = $1",
        params![keep, gone],
    )
    .await?;
    db::exec(conn, "DELETE FROM persons WHERE id = $1", params![gone]).await?;
    Ok(())
}

/// Confirm (merge) or decline a pending link, once.
pub async fn decide(state: &AppState, ctx: &Ctx, l: &Link, confirm: bool, by_admin: bool) -> AppResult<()> {
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let changed = db::exec(
        &tx,
        "UPDATE person_links SET state = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND state = 'pending'",
        params![if confirm { "linked" } else { "declined" }, ctx.user_id(), now, l.id],
    )
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(AppError::conflict("already_decided", "该确认已经处理过了", "This link was already decided"));
    }
    let who = if by_admin { "管理员" } else { "本人" };
    let summary = format!(
        "{who}{}「{}」与{}登记的记录",
        if confirm { "确认合并" } else { "确认不是同一人：" },
        l.person_name,
        l.project_name.as_deref().unwrap_or("另一项目")
    );
    // Logged under both records' projects, before the merge makes them one.
    super::store::audit_person(&tx, ctx, &[l.person_id, l.other_id], "person_link", &summary, now).await?;
    if confirm {
        merge(&tx, l.person_id, l.other_id).await?;
    }
    tx.commit().await?;
    Ok(())
}

// ---- pages ------------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecideForm {
    /// `yes` (it is me / the same person) or `no`.
    pub answer: String,
}

fn answer(f: &DecideForm) -> AppResult<bool> {
    match f.answer.as_str() {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err(AppError::field("answer", "请选择是或否")),
    }
}

/// The person answers from 我的信息.
pub async fn person_decide(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> AppResult<Redirect> {
    let l = one(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    if p.person_id != Some(l.person_id) {
        return Err(AppError::not_found());
    }
    let confirm = answer(&f)?;
    decide(&state, &ctx, &l, confirm, false).await?;
    Ok(Redirect::to("/account/data?msg=link_decided"))
}

#[derive(Template, WebTemplate)]
#[template(path = "people/links.html")]
pub struct AdminPage {
    c: Chrome,
    links: Vec<Link>,
}

pub async fn admin_page(State(state): State<AppState>, AdminUser(p, ctx): AdminUser) -> AppResult<impl IntoResponse> {
    let links = pending_for_admin(&state, &p).await?;
    Ok(AdminPage { c: Chrome::titled(&ctx, "links.title"), links })
}

pub async fn admin_decide(
    State(state): State<AppState>,
    AdminUser(p, ctx): AdminUser,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> AppResult<Redirect> {
    let l = one(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    if !admin_over_both(&state, &p, &l).await? {
        return Err(AppError::not_found());
    }
    let confirm = answer(&f)?;
    decide(&state, &ctx, &l, confirm, true).await?;
    Ok(Redirect::to("/people/links?msg=link_decided"))
}
