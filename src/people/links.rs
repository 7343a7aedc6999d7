//! One person, several projects — linked only by consent. When a project registers someone whose ID
//! number another project already holds, it gets a record of its own (nothing is found, changed or
//! told by knowing a number) and a link is proposed, silently for the registering staff. The person
//! (on 我的信息) or a company administrator over both projects confirms it — then the two records
//! become one, every reference moved in one transaction — or declines it, and they stay apart.

use crate::ids::*;
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, State},
    response::{IntoResponse, Redirect},
};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::Deserialize;

use super::store::links as store;
pub use super::store::links::{Link, PERSON_REFS, merge, one, pending_for_person};
use crate::{
    app::AppState,
    auth::{AdminUser, Auth, Ctx, Principal},
    error::{AppError, AppResult},
    notify,
    web::Chrome,
};

/// After a project made a new record with this ID number: propose a link to every other record that
/// holds it, and tell those people. Called inside the registering transaction.
pub async fn propose(
    conn: &impl ConnectionTrait,
    new_person: PersonId,
    id_number_hash: &str,
    project_id: Option<ProjectId>,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let others = store::others_with_id_hash(conn, id_number_hash, new_person.into()).await?;
    for o in &others {
        store::insert_link(conn, PersonId(*o), new_person, project_id, now).await?;
        let users = notify::users_of_person(conn, PersonId(*o)).await?;
        let note = notify::Note {
            kind: "person_link",
            msg: notify::Msg::new("note.person_link"),
            link: Some("/account/data".into()),
        };
        notify::to_users(conn, &users, &note, now).await?;
    }
    Ok(others.len())
}

/// Pending links an administrator may decide: both records within projects they can write.
pub async fn pending_for_admin(state: &AppState, p: &Principal) -> Result<Vec<Link>, AppError> {
    let all = store::pending(&state.db.read).await?;
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
    for id in [l.person_id, PersonId(l.other_id)] {
        let projects = super::store::projects_of_person(&state.db.read, id).await?;
        ok &= !projects.is_empty() && projects.iter().all(|pid| p.scope.can_write_project(*pid));
    }
    Ok(ok)
}

/// Confirm (merge) or decline a pending link, once.
pub async fn decide(state: &AppState, ctx: &Ctx, l: &Link, confirm: bool, by_admin: bool) -> AppResult<()> {
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::decide_link(&tx, l.id, confirm, ctx.user_id(), now).await? {
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
    super::store::audit_person(&tx, ctx, &[l.person_id.into(), l.other_id], "person_link", &summary, now).await?;
    if confirm {
        merge(&tx, l.person_id, PersonId(l.other_id)).await?;
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
