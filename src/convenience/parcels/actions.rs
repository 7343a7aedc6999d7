//! Parcel delivery's use cases. A resident asks for their own home (or the staff for a resident of
//! theirs, by home and name); the elderly living alone and the disabled — by their care tags when they
//! ask — come first in the staff's queue. The project's staff take a request, and deliver it with a
//! photo; the resident cancels one not yet taken and sees the photo of their delivery.

use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};

use super::{
    model::{self, Move, ParcelState},
    store::{self, NewParcel, Parcel},
};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    care::model::Tag,
    error::{AppError, AppResult, FieldError},
    ids::ProjectId,
    notify,
    requests::photos::{self, Upload},
};

/// A request with its delivery photos, as listed.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Line {
    pub x: Parcel,
    pub photos: Vec<i64>,
}

async fn lines(state: &AppState, xs: Vec<Parcel>) -> AppResult<Vec<Line>> {
    let ids: Vec<i64> = xs.iter().map(|x| x.id).collect();
    let pics = store::photos_in(&state.db.read, &ids).await?;
    Ok(xs
        .into_iter()
        .map(|x| Line { photos: pics.iter().filter(|p| p.parcel_id == x.id).map(|p| p.id).collect(), x })
        .collect())
}

/// The caller's own requests, and (staff) their projects' queue: open first, the elderly and disabled
/// first among them, then the oldest.
pub async fn board(state: &AppState, p: &Principal) -> AppResult<(Vec<Line>, Vec<Line>)> {
    let mine = match p.person_id {
        Some(me) => store::of_person(&state.db.read, me).await?,
        None => vec![],
    };
    let projects: Vec<ProjectId> = p.scope.write_projects.iter().copied().collect();
    let since = state.clock.now() - chrono::Duration::days(7);
    let mut queue = store::in_projects(&state.db.read, &projects, since).await?;
    queue.sort_by_key(|x| model::queue_key(x.priority, x.state, x.created_at));
    Ok((lines(state, mine).await?, lines(state, queue).await?))
}

#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct ParcelForm {
    /// How many parcels (1–20).
    pub pieces: String,
    /// Station and pick-up codes (「菜鸟驿站 3-2-1108」).
    pub pickup: String,
    pub note: String,
    /// Staff asking for a resident: the project, the home (「1-1-101」) and the name.
    pub project_id: String,
    pub room: String,
    pub name: String,
}

/// Ask for parcels to be brought to the door.
pub async fn ask(state: &AppState, p: &Principal, ctx: &Ctx, f: &ParcelForm) -> AppResult<i64> {
    let conn = &state.db.read;
    let mut errors = Vec::new();
    let pieces = crate::text::whole_in(&f.pieces, 1..=model::MAX_PIECES);
    if pieces.is_none() {
        errors.push(FieldError::new("pieces", "件数填1至20"));
    }
    let pickup = crate::text::normalize(&f.pickup);
    if pickup.is_empty() || pickup.chars().count() > 80 {
        errors.push(FieldError::new("pickup", "请填写驿站和取件码（不超过80字）"));
    }
    let note = crate::text::normalize(&f.note);
    if note.chars().count() > 200 {
        errors.push(FieldError::new("note", "备注不超过200字"));
    }
    let on_behalf = !f.room.trim().is_empty() || !f.name.trim().is_empty();
    let whose = if on_behalf {
        let project = f.project_id.trim().parse::<i64>().ok().map(ProjectId).filter(|x| p.scope.can_write_project(*x));
        match project {
            None if p.scope.write_projects.is_empty() => return Err(AppError::forbidden()),
            None => {
                errors.push(FieldError::new("project_id", "请选择您负责的项目"));
                None
            }
            Some(project) => {
                let name = crate::text::normalize(&f.name);
                let household = crate::org::store::household_by_label(conn, project, &f.room).await?;
                let person = match household {
                    Some(_) => crate::people::store::resident_by_home(conn, project, &f.room, &name).await?,
                    None => None,
                };
                if person.is_none() {
                    errors.push(FieldError::new("name", "门牌号与姓名对不上本项目的住户"));
                }
                household.zip(person).map(|(h, who)| (project, h, who))
            }
        }
    } else {
        let me = p.person_id.ok_or_else(|| AppError::field("pickup", "此账号未关联住户信息"))?;
        let home =
            crate::people::store::memberships_of_person(conn, me).await?.into_iter().find(|m| m.moved_out.is_none());
        if home.is_none() {
            errors.push(FieldError::new("pickup", "登记在册的住户才能申请代送，请联系物业"));
        }
        home.map(|m| (m.project_id, m.household_id.get(), me))
    };
    let (Some(pieces), Some((project, household, person)), true) = (pieces, whose, errors.is_empty()) else {
        return Err(AppError::validation(errors));
    };
    let priority = crate::care::store::has_tag(conn, person, &[Tag::ElderlyAlone, Tag::Disabled]).await?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let new = NewParcel {
        project,
        household,
        person,
        pieces,
        pickup: &pickup,
        note: Some(note.as_str()).filter(|n| !n.is_empty()),
        priority,
    };
    let id = store::insert(&tx, &new, p.user_id.get(), now).await?;
    let summary = format!("快递代送申请：{pieces}件");
    let entry = Entry { action: "create", entity: "parcel", entity_id: Some(id), project_id: Some(project), summary };
    audit::commit(tx, ctx, now, entry).await?;
    Ok(id)
}

/// A request the caller may see: its resident's, or its project's staff's.
async fn load(state: &AppState, p: &Principal, id: i64) -> AppResult<(Parcel, bool)> {
    let x = store::one(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    let staff = p.scope.can_write_project(x.project_id);
    if !staff && p.person_id != Some(x.person_id) {
        return Err(AppError::not_found());
    }
    Ok((x, staff))
}

async fn load_staff(state: &AppState, p: &Principal, id: i64) -> AppResult<Parcel> {
    let (x, staff) = load(state, p, id).await?;
    if !staff {
        return Err(AppError::forbidden());
    }
    Ok(x)
}

fn moved() -> AppError {
    AppError::conflict("parcel_moved", "这单刚被其他人处理了，请刷新", "The request moved meanwhile")
}

/// Staff take a request on (one taker: the second of two at once is refused).
pub async fn take(state: &AppState, p: &Principal, ctx: &Ctx, id: i64) -> AppResult<()> {
    let x = load_staff(state, p, id).await?;
    let me = p.person_id.ok_or_else(AppError::forbidden)?;
    model::next(x.state, Move::Take)?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::take(&tx, id, me, now).await? {
        return Err(moved());
    }
    let users = notify::users_of_person(&tx, x.person_id).await?;
    let msg = notify::Msg::new("note.parcel.taken").text("pieces", x.pieces);
    notify::to_users(&tx, &users, &notify::Note { kind: "parcel", msg, link: Some("/parcels".into()) }, now).await?;
    let summary = format!("接单快递代送：{}", x.home);
    let entry =
        Entry { action: "update", entity: "parcel", entity_id: Some(id), project_id: Some(x.project_id), summary };
    audit::commit(tx, ctx, now, entry).await?;
    Ok(())
}

/// Settle who may deliver before the photo is read.
pub async fn may_deliver(state: &AppState, p: &Principal, id: i64) -> AppResult<()> {
    let x = load_staff(state, p, id).await?;
    model::next(x.state, Move::Deliver)?;
    Ok(())
}

/// Staff hand the parcels over at the door, with a photo.
pub async fn deliver(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, uploads: Vec<Upload>) -> AppResult<()> {
    let x = load_staff(state, p, id).await?;
    let me = p.person_id.ok_or_else(AppError::forbidden)?;
    model::next(x.state, Move::Deliver)?;
    if uploads.is_empty() {
        return Err(AppError::field("photo", "请拍一张送达的照片"));
    }
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::deliver(&tx, id, x.state, me, now).await? {
        return Err(moved());
    }
    let users = notify::users_of_person(&tx, x.person_id).await?;
    let msg = notify::Msg::new("note.parcel.delivered").text("pieces", x.pieces);
    notify::to_users(&tx, &users, &notify::Note { kind: "parcel", msg, link: Some("/parcels".into()) }, now).await?;
    let summary = format!("快递已送达：{}", x.home);
    let entry =
        Entry { action: "update", entity: "parcel", entity_id: Some(id), project_id: Some(x.project_id), summary };
    photos::commit_with_photos(state, tx, ctx, (store::photos_of(id), uploads), p.user_id, now, entry).await
}

/// The resident (or staff) cancels a request not yet taken.
pub async fn cancel(state: &AppState, p: &Principal, ctx: &Ctx, id: i64) -> AppResult<()> {
    let (x, _) = load(state, p, id).await?;
    model::next(x.state, Move::Cancel)?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::cancel(&tx, id).await? {
        let now_state = store::one(&tx, id).await?.map(|x| x.state).unwrap_or(ParcelState::Cancelled);
        return Err(model::next(now_state, Move::Cancel).err().map(AppError::from).unwrap_or_else(moved));
    }
    let summary = format!("取消快递代送：{}", x.home);
    let entry =
        Entry { action: "update", entity: "parcel", entity_id: Some(id), project_id: Some(x.project_id), summary };
    audit::commit(tx, ctx, now, entry).await?;
    Ok(())
}

pub async fn photo(state: &AppState, p: &Principal, id: i64, photo: i64) -> AppResult<axum::response::Response> {
    load(state, p, id).await?;
    photos::serve_of(state, &store::photos_of(id), photo).await
}
