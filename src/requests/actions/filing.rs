//! Reporting a request: the form's checks and the one write every report takes (from the phone, by staff for
//! a resident, by a supervisor or a grid member, through the API or Open311).
//!
//! A checked report takes its category and home from memory while the stamp its credential was read with
//! holds (`crate::refs`; on PostgreSQL that saves two of a report's four trips), and reads the rest of what
//! it checks (a public spot, the household's member) through `Db::reader` — on SQLite inline on a
//! connection the app owns, with no trip through a driver thread. Then it writes: the request, its first
//! event and its audit line as one `db::chain` (on PostgreSQL one statement, alone on the pool when there
//! is nothing else to write), in one `db::unit` with its photos and notices. (Reading the checks inside
//! the unit instead was measured and is slower: it holds the one writer longer; docs/benchmarks.md.)

use crate::ids::*;
use sea_orm::ConnectionTrait;
use serde::Deserialize;

use super::{grid_covers, household_by_label, refs};
use crate::requests::{
    model::{self, Channel, Kind, Sla},
    photos::Upload,
    store,
};
use crate::{
    app::AppState,
    auth::{Ctx, Principal},
    db::chain::Chain,
    error::{AppError, AppResult, FieldError},
};

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct NewRequestForm {
    pub category_id: String,
    pub kind: String,
    pub description: String,
    /// A household id, or empty for a public spot.
    pub household_id: String,
    pub location_text: String,
    /// Staff entry on a resident's behalf: `staff_phone` or `staff_walk_in`; `supervisor` or
    /// `grid_member` for those roles (chosen automatically when it is the caller's only way in).
    pub channel: String,
    /// Optional WGS-84 coordinates of a public spot.
    pub lat: String,
    pub lng: String,
    /// Staff entry: the home as 「1-1-101」, instead of `household_id`.
    pub room: String,
    /// A public-area report: the building or unit it is in (`location_text` then says where in it).
    pub place_id: String,
    /// A public-area report: one of the estate's named spots (东门、地下车库…).
    pub spot_id: String,
}

/// Report a request: residents for their own home or a public spot in their estate; staff on a
/// resident's behalf (phone, walk-in). Validated, then written with its first timeline event.
pub async fn create_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    f: NewRequestForm,
    photos: Vec<Upload>,
) -> AppResult<i64> {
    let mut errors = Vec::new();
    let no_category = || AppError::field("category_id", "请选择问题类别");
    let category_id: i64 = f.category_id.trim().parse().map_err(|_| no_category())?;
    // The checks read inline (module docs).
    let r = state.db.reader();
    let category = refs::category(state, ctx, category_id).await?.ok_or_else(no_category)?;
    let staff = p.scope.can_write_project(category.project_id);
    let supervisor = p.has_role_at(crate::auth::model::Role::Supervisor, category.project_id.into());
    let grid = grid_covers(state, p, category.project_id).await?;
    let resident = p.scope.home_in(category.project_id).is_some();
    if !staff && !resident && !supervisor && !grid {
        return Err(AppError::forbidden());
    }
    let kind = Kind::parse(f.kind.trim()).unwrap_or(Kind::Repair);
    let description = crate::text::normalize(&f.description);
    let n = description.chars().count();
    if !(5..=1000).contains(&n) {
        errors.push(FieldError::new("description", "请描述问题（5至1000字）"));
    }
    let channel = match f.channel.as_str() {
        "supervisor" if supervisor => Channel::Supervisor,
        "grid_member" if grid => Channel::GridMember,
        "staff_walk_in" if staff => Channel::StaffWalkIn,
        "staff_phone" if staff => Channel::StaffPhone,
        "resident_page" | "" if resident => Channel::ResidentPage,
        "" if staff => Channel::StaffPhone,
        "" if supervisor => Channel::Supervisor,
        "" if grid => Channel::GridMember,
        _ => return Err(AppError::field("channel", "报事渠道无效")),
    };
    let (mut lat, mut lng) = match crate::text::coordinates(&f.lat, &f.lng) {
        Ok(c) => c,
        Err(e) => {
            errors.push(e);
            (None, None)
        }
    };
    let mut household_field = f.household_id.trim().to_string();
    if household_field.is_empty() && !f.room.trim().is_empty() {
        if !channel.on_behalf() {
            return Err(AppError::field("room", "只有物业员工代报时可以填写房号"));
        }
        match household_by_label(state, category.project_id, &f.room).await? {
            Some(h) => household_field = h.to_string(),
            None => return Err(AppError::field("room", "本项目没有这个房号，请按「楼栋-单元-房号」填写，如 1-1-101")),
        }
    }
    let mut unit_id = None;
    let mut spot_id = None;
    let (household_id, building_id, location_text) = match household_field.as_str() {
        "" => {
            let loc = crate::text::normalize(&f.location_text);
            let place = match f.place_id.trim() {
                "" => None,
                s => match s.parse::<i64>().ok() {
                    Some(id) => store::place(&r, id).await?.filter(|x| x.project_id == category.project_id),
                    None => None,
                }
                .or_else(|| {
                    errors.push(FieldError::new("place_id", "请选择本小区的楼栋或单元"));
                    None
                }),
            };
            let spot = match crate::text::num(&f.spot_id).as_str() {
                "" => None,
                s => match s.parse::<i64>().ok() {
                    Some(id) => crate::org::spots::spot(&r, id)
                        .await?
                        .filter(|x| x.project_id == category.project_id && x.active),
                    None => None,
                }
                .or_else(|| {
                    errors.push(FieldError::new("spot_id", "请选择本小区的公共地点"));
                    None
                }),
            };
            let named =
                place.is_some() || spot.is_some() || !f.place_id.trim().is_empty() || !f.spot_id.trim().is_empty();
            // A named spot leads what is written about where (「东门 · 岗亭旁的路灯」) and lends its coordinates.
            let loc = match &spot {
                Some(s) if loc.is_empty() => s.name.clone(),
                Some(s) => format!("{} · {loc}", s.name),
                None => loc,
            };
            if loc.chars().count() > 200 || (loc.is_empty() && !named) {
                errors.push(FieldError::new(
                    "location_text",
                    "请选择房屋，或选择公共地点、楼栋单元，或填写公共区域位置（不超过200字）",
                ));
            }
            if lat.is_none()
                && let Some(s) = &spot
            {
                (lat, lng) = (s.lat, s.lng);
            }
            spot_id = spot.as_ref().map(|s| s.id);
            unit_id = place.as_ref().and_then(|x| x.unit_id);
            (None, place.map(|x| x.building_id), Some(loc))
        }
        s => match s.parse::<HouseholdId>().ok() {
            Some(hid) => match crate::org::actions::home_ref(state, ctx, hid).await? {
                Some(h)
                    if h.project_id == category.project_id
                        && (channel.on_behalf()
                            || (channel == Channel::ResidentPage && p.scope.households.contains(&hid))) =>
                {
                    (Some(hid), Some(h.building_id), None)
                }
                _ => {
                    errors.push(FieldError::new("household_id", "只能为本人房屋（或本项目房屋）报事"));
                    (None, None, None)
                }
            },
            None => {
                errors.push(FieldError::new("household_id", "房屋选择无效"));
                (None, None, None)
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    if lat.is_some() && household_id.is_some() {
        return Err(AppError::field("lat", "坐标只用于公共区域"));
    }
    // The reporter: the resident, supervisor or grid member themself, or (staff entry) the household's
    // first current member.
    let reporter = if !channel.on_behalf() {
        p.person_id
    } else {
        match household_id {
            Some(h) => store::first_member(&r, h).await?,
            None => None,
        }
    };
    file(
        state,
        ctx,
        Filing {
            category: &category,
            kind,
            channel,
            description,
            household_id,
            building_id,
            unit_id,
            spot_id,
            location_text: location_text.filter(|s| !s.is_empty()),
            reporter_person_id: reporter,
            created_by: Some(p.user_id),
            lat,
            lng,
            open311_token: None,
            actor: ctx.actor(),
            audit_detail: channel.zh().to_string(),
        },
        photos,
    )
    .await
}

/// A validated report, from whichever door it came in (the pages and API, or Open311).
pub struct Filing<'a> {
    pub category: &'a store::Category,
    pub kind: Kind,
    pub channel: Channel,
    pub description: String,
    pub household_id: Option<HouseholdId>,
    pub building_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// A public-area report's named spot.
    pub spot_id: Option<i64>,
    pub location_text: Option<String>,
    pub reporter_person_id: Option<PersonId>,
    pub created_by: Option<UserId>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub open311_token: Option<String>,
    /// Who the timeline and audit name (a user, or an Open311 partner's key).
    pub actor: String,
    /// The audit line's last part: the channel, or the Open311 key that sent it.
    pub audit_detail: String,
}

/// Write a report inside a caller's transaction: its deadlines from the category's SLA, the row with its
/// first timeline event and the audit line (another capability filing a request as part of its own
/// write — a supervisor's failed inspection item — calls this; photos and notices are `file`'s).
/// `confirm_via` names the flow that confirms it instead of the reporter's rating (e.g. `supervision`).
pub async fn file_in(
    tx: &impl sea_orm::ConnectionTrait,
    ctx: &Ctx,
    f: Filing<'_>,
    confirm_via: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<i64> {
    write(ctx, filing(ctx, f, confirm_via, now), tx).await
}

/// A report's rows as one chain (`db::chain`): the request, its first timeline event and its audit line.
fn filing(ctx: &Ctx, f: Filing<'_>, confirm_via: Option<&str>, now: chrono::DateTime<chrono::Utc>) -> Chain {
    let c = f.category;
    let d = model::deadlines(now, Sla { respond_minutes: c.respond_minutes, complete_hours: c.complete_hours });
    let new = store::NewRequest {
        project_id: c.project_id,
        category_id: c.id,
        kind: f.kind.as_str(),
        channel: f.channel.as_str(),
        description: f.description,
        household_id: f.household_id,
        building_id: f.building_id,
        unit_id: f.unit_id,
        spot_id: f.spot_id,
        location_text: f.location_text,
        reporter_person_id: f.reporter_person_id,
        created_by: f.created_by,
        respond_by: d.respond_by,
        complete_by: d.complete_by,
        handler_post: c.handler_post.clone(),
        lat: f.lat,
        lng: f.lng,
        open311_token: f.open311_token,
    };
    let mut chain = store::create_chain(&new, &f.actor, confirm_via, now);
    let e = crate::audit::Entry {
        action: "create",
        entity: "request",
        entity_id: None,
        project_id: Some(c.project_id),
        summary: format!(
            "{}提交诉求#{{id}}（{}，{}）",
            if f.channel == Channel::Open311 { "Open311 " } else { "" },
            c.name,
            f.audit_detail
        ),
    };
    crate::audit::record_in_chain(&mut chain, ctx, &f.actor, now, e);
    // Run before its credential was read (`auth::gate`): the statement checks it.
    if let Some(g) = &ctx.gate {
        g.add_to(&mut chain);
    }
    chain
}

/// A report's chain run on `conn`; with the gate, it passed when the chain wrote.
async fn write(ctx: &Ctx, chain: Chain, conn: &impl sea_orm::ConnectionTrait) -> AppResult<i64> {
    match chain.run(conn).await {
        Ok(id) => {
            if let Some(g) = &ctx.gate {
                g.pass();
            }
            Ok(id)
        }
        Err(e) if crate::auth::gate::refused(&e) => Err(AppError::unauthorized()),
        Err(e) => Err(e.into()),
    }
}

/// Write a report: `file_in`, its photos and the resident's notice, in one transaction (photos already
/// stored are removed if it fails) — or, with neither and on PostgreSQL, its chain alone as one
/// statement. The one path every report takes.
pub async fn file(state: &AppState, ctx: &Ctx, f: Filing<'_>, photos: Vec<Upload>) -> AppResult<i64> {
    let now = state.clock.now();
    let c = f.category;
    let (created_by, reporter, on_behalf) = (f.created_by, f.reporter_person_id, f.channel.on_behalf());
    let notice = reporter.filter(|_| on_behalf);
    // Nothing but the chain to write, and it is one statement on this database (PostgreSQL): one trip,
    // no transaction around it.
    if photos.is_empty() && notice.is_none() && Chain::is_one_statement(state.db.write.get_database_backend()) {
        return write(ctx, filing(ctx, f, None, now), &state.db.write).await;
    }
    // One write unit: on SQLite the whole report runs on the writer in one go (db::unit).
    let tx = state.db.begin_unit().await?;
    let id = file_in(&tx, ctx, f, None, now).await?;
    let mut keys = Vec::new();
    let saved = match (created_by, photos.is_empty()) {
        (_, true) => Ok(()),
        (Some(user), false) => crate::requests::photos::save(state, &tx, id, photos, user, now, &mut keys).await,
        (None, false) => Err(AppError::internal("photos need the user who uploads them")),
    };
    // Entered by staff for a resident (a call, a visit to the desk): the resident hears it is registered.
    let saved = match (saved, notice) {
        (Ok(()), Some(p)) => {
            let msg = crate::notify::Msg::new("note.req.registered_for_you")
                .text("id", id)
                .text("category", &c.name)
                .text("minutes", c.respond_minutes);
            match crate::notify::users_of_person(&tx, p).await {
                Ok(users) => crate::notify::to_users(
                    &tx,
                    &users,
                    &crate::notify::Note { kind: "progress", msg, link: Some(format!("/requests/{id}")) },
                    now,
                )
                .await
                .map(|_| ())
                .map_err(AppError::from),
                Err(e) => Err(AppError::from(e)),
            }
        }
        (saved, _) => saved,
    };
    let saved = match saved {
        Ok(()) => tx.commit().await.map_err(AppError::from),
        Err(e) => Err(e),
    };
    if let Err(e) = saved {
        crate::requests::photos::discard(state, &keys).await;
        return Err(e);
    }
    Ok(id)
}
