//! Attendance's use cases: the rotating attendance code and the resident's personal code, check-in and
//! check-out (crediting hours and points once), organisers, the project's points rule, the 签到表 and
//! the points ranking.

use crate::ids::*;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::{Deserialize, Serialize};

use super::store;
use crate::{
    activities::{
        actions::{load, load_uncounted},
        model,
        store::Occurrence,
    },
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    clock::fmt_datetime,
    error::{AppError, AppResult},
    points::{self, model::RankRow},
};

/// The attendance code of an occurrence for a 5-minute window.
pub fn attendance_code(secret: &[u8], occurrence_id: OccurrenceId, window: i64) -> String {
    crate::auth::short_mac(secret, &format!("attend:{occurrence_id}:{window}"), 4)
}

/// A resident's personal code for the day (「我的签到码」), shown as a QR code on their phone for staff to
/// scan when the resident cannot scan the activity's code: `P<person>-<mac of person and China date>`.
pub fn person_code(secret: &[u8], person_id: PersonId, day: chrono::NaiveDate) -> String {
    format!("P{person_id}-{}", crate::auth::short_mac(secret, &format!("person:{person_id}:{day}"), 4))
}

/// The person a scanned personal code names, if it is today's.
fn person_from_code(state: &AppState, code: &str, now: DateTime<Utc>) -> Option<i64> {
    let code = crate::text::normalize(code);
    let code = code.trim();
    let id: i64 = code.strip_prefix('P').or_else(|| code.strip_prefix('p'))?.split('-').next()?.parse().ok()?;
    let today = crate::clock::to_local(now).date();
    (person_code(&state.secret, PersonId(id), today).eq_ignore_ascii_case(code)).then_some(id)
}

/// A scanned code is good for its window and the one after (up to 10 minutes).
pub fn code_ok(state: &AppState, occurrence_id: OccurrenceId, code: &str, now: DateTime<Utc>) -> bool {
    let w = model::code_window(now);
    [w, w - 1].iter().any(|w| attendance_code(&state.secret, occurrence_id, *w) == code.trim())
}

/// What a scan does next for this person: check in, or out once they are in.
pub async fn next_action(
    conn: &impl ConnectionTrait,
    occurrence_id: OccurrenceId,
    person_id: PersonId,
) -> AppResult<&'static str> {
    let s = store::signup_row(conn, occurrence_id, person_id).await?;
    Ok(if s.is_some_and(|s| s.checked_in_at.is_some()) { "out" } else { "in" })
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Attended {
    /// `in`, `out`, `undone` (a check-in taken back), or `already_in` (a second scan: nothing written;
    /// check out with `action: out`).
    pub action: String,
    /// Credited at check-out.
    pub minutes: Option<i64>,
    pub points: Option<i64>,
    /// Whose attendance this is.
    #[schema(value_type = i64)]
    pub person_id: PersonId,
    /// When they checked in (for `in` and `already_in`).
    pub checked_in_at: Option<DateTime<Utc>>,
}

/// Check a person in or out of an occurrence (one transaction); at check-out credit hours and points.
pub async fn attend(
    state: &AppState,
    ctx: &Ctx,
    by: &Principal,
    o: &Occurrence,
    person_id: PersonId,
    action: &str,
) -> AppResult<Attended> {
    let now = state.clock.now();
    model::attendance_open(action, o.starts_at, o.ends_at, now)
        .map_err(|e| AppError::conflict(e.code, e.zh, "Attendance is not open"))?;
    // No lock on the occurrence: each attendance touches only its own sign-up row, guarded by
    // compare-and-set updates, so 500 check-ins to one activity run side by side.
    // Staff checking in someone who came without signing up (a walk-in: the 党团突击队 on cleaning day)
    // sign them up on the spot when they may take part and there is room.
    // So may a Party member expected at a meeting held with this date (a 主题党日 that is also a volunteer
    // activity), scanning the code themselves.
    let walk_in = action == "in"
        && o.state == crate::activities::model::OccurrenceState::Scheduled
        && store::signup_row(&state.db.read, OccurrenceId(o.id), person_id)
            .await?
            .is_none_or(|s| s.state != crate::activities::model::SignupState::Confirmed)
        && if by.scope.can_write_project(o.project_id) {
            crate::activities::actions::eligible(state, o, person_id).await?
        } else {
            by.person_id == Some(person_id)
                && crate::party::meetings::actions::expected(&state.db.read, o.id, person_id).await?
        };
    let tx = state.db.begin_unit().await?;
    if walk_in {
        let place =
            crate::activities::store::sign_up(&tx, OccurrenceId(o.id), o.capacity as i64, person_id, by.user_id, now)
                .await;
        match place {
            Ok(crate::activities::model::Place::Confirmed) => {}
            Ok(crate::activities::model::Place::Waitlisted) => {
                return Err(AppError::conflict("full", "名额已满，不能现场报名", "Full: no walk-in place"));
            }
            // Waitlisted before: that sign-up stands; the check below refuses it.
            Err(e) if e.code == "already_signed_up" => {}
            Err(e) => return Err(e),
        }
    }
    let s = store::signup_row(&tx, OccurrenceId(o.id), person_id)
        .await?
        .filter(|s| s.state == crate::activities::model::SignupState::Confirmed)
        .ok_or_else(|| AppError::conflict("not_signed_up", "没有报名（或仍在候补），请先报名", "Not signed up"))?;
    let result = match (action, s.checked_in_at, s.checked_out_at) {
        ("in", None, _) => {
            if !store::check_in(&tx, SignupId(s.id), now).await? {
                return Err(AppError::conflict("already_checked_in", "已经签到过了", "Already checked in"));
            }
            crate::party::meetings::actions::checked_in(&tx, o.id, person_id, true).await?;
            Attended { action: "in".into(), minutes: None, points: None, person_id, checked_in_at: Some(now) }
        }
        ("undo_in", Some(t_in), out) => {
            if !by.scope.can_write_project(o.project_id) {
                return Err(AppError::forbidden());
            }
            if !model::may_undo_check_in(t_in, out, now) {
                return Err(AppError::conflict(
                    "undo_too_late",
                    format!("只能在签到后{}分钟内、签退前撤销", model::UNDO_MINUTES),
                    "A check-in can be taken back only within a few minutes, before check-out",
                ));
            }
            if !store::undo_check_in(&tx, SignupId(s.id), t_in, now).await? {
                return Err(AppError::conflict(
                    "stale_state",
                    "签到状态刚刚变化，请刷新",
                    "The attendance changed meanwhile",
                ));
            }
            crate::party::meetings::actions::checked_in(&tx, o.id, person_id, false).await?;
            Attended { action: "undone".into(), minutes: None, points: None, person_id, checked_in_at: None }
        }
        ("undo_in", None, _) => return Err(AppError::conflict("not_checked_in", "还没有签到", "Not checked in")),
        ("in", Some(_), _) => {
            return Err(AppError::conflict("already_checked_in", "已经签到过了", "Already checked in"));
        }
        ("out", None, _) => return Err(AppError::conflict("not_checked_in", "还没有签到，不能签退", "Not checked in")),
        ("out", Some(_), Some(_)) => {
            return Err(AppError::conflict("already_checked_out", "已经签退过了", "Already checked out"));
        }
        ("out", Some(t_in), None) => {
            let minutes = model::service_minutes(t_in, now, o.starts_at, o.ends_at);
            let (per_hour, bonus) = points::store::rule(&tx, o.project_id, o.kind.as_str()).await?;
            let mut points = model::points(minutes, per_hour);
            if !store::check_out(&tx, SignupId(s.id), minutes, now).await? {
                return Err(AppError::conflict("already_checked_out", "已经签退过了", "Already checked out"));
            }
            let entry = points::model::Entry {
                person_id,
                project_id: o.project_id,
                delta: points,
                minutes,
                reason: format!("参加「{}」{}，服务{}分钟", o.title, fmt_datetime(o.starts_at), minutes),
                source: Some(format!("signup:{}", s.id)),
                author: Some(by.user_id),
            };
            points::store::append(&tx, &entry, now).await?;
            if s.role == "organiser" && bonus > 0 {
                points::store::append(&tx, &organiser_entry(o, SignupId(s.id), person_id, bonus, by.user_id), now)
                    .await?;
                points += bonus;
            }
            Attended {
                action: "out".into(),
                minutes: Some(minutes),
                points: Some(points),
                person_id,
                checked_in_at: Some(t_in),
            }
        }
        _ => return Err(AppError::bad_request("unknown_action", "未知操作", "Unknown action")),
    };
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: match action {
                "in" => "check_in",
                "undo_in" => "undo_check_in",
                _ => "check_out",
            },
            entity: "activity",
            entity_id: Some(o.activity_id),
            project_id: Some(o.project_id),
            summary: format!(
                "「{}」{}{}",
                o.title,
                match action {
                    "in" => "签到",
                    "undo_in" => "撤销签到",
                    _ => "签退",
                },
                result.points.map(|p| format!("，记{p}分")).unwrap_or_default()
            ),
        },
    )
    .await?;
    Ok(result)
}

fn organiser_entry(
    o: &Occurrence,
    signup_id: SignupId,
    person_id: PersonId,
    bonus: i64,
    author: UserId,
) -> points::model::Entry {
    points::model::Entry {
        person_id,
        project_id: o.project_id,
        delta: bonus,
        minutes: 0,
        reason: format!("组织「{}」{}，组织者奖励", o.title, fmt_datetime(o.starts_at)),
        source: Some(format!("signup:{signup_id}:organiser")),
        author: Some(author),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OrganiserForm {
    pub person_id: String,
    /// `1` to mark as organiser, `0` to unmark.
    pub on: String,
}

/// Mark (or unmark) a confirmed attendee as an organiser of this occurrence (project staff). After the
/// attendee has checked out the bonus is credited at once; a credited bonus cannot be taken back here
/// (the ledger is append-only: a correction would be a new entry).
pub async fn set_organiser(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, f: OrganiserForm) -> AppResult<()> {
    let o = load(state, p, id).await?;
    p.scope.require_write(o.project_id)?;
    let person: i64 = f.person_id.trim().parse().map_err(|_| AppError::field("person_id", "请选择人员"))?;
    let on = f.on.trim() == "1";
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let s = store::signup_row(&tx, OccurrenceId(id), PersonId(person))
        .await?
        .filter(|s| s.state == crate::activities::model::SignupState::Confirmed)
        .ok_or_else(|| AppError::conflict("not_signed_up", "这位没有报名（或仍在候补）", "Not signed up"))?;
    let source = format!("signup:{}:organiser", s.id);
    let credited = points::store::has_source(&tx, &source).await?;
    if !on && credited {
        return Err(AppError::conflict(
            "bonus_credited",
            "组织者奖励已经记入积分，不能撤销",
            "The bonus is already credited",
        ));
    }
    store::set_role(&tx, SignupId(s.id), if on { "organiser" } else { "participant" }, now).await?;
    if on && s.checked_out_at.is_some() && !credited {
        let (_, bonus) = points::store::rule(&tx, o.project_id, o.kind.as_str()).await?;
        if bonus > 0 {
            points::store::append(&tx, &organiser_entry(&o, SignupId(s.id), PersonId(person), bonus, p.user_id), now)
                .await?;
        }
    }
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "activity",
            entity_id: Some(o.activity_id),
            project_id: Some(o.project_id),
            summary: format!("「{}」{}{}组织者", o.title, fmt_datetime(o.starts_at), if on { "设为" } else { "取消" }),
        },
    )
    .await?;
    Ok(())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AttendForm {
    /// `in` or `out`.
    pub action: String,
    /// The scanned code (residents).
    pub code: String,
    /// Staff checking someone in or out by hand.
    pub person_id: String,
    /// Staff scanning a resident's personal code (then `action` may be `auto`: in, or out if already in).
    pub person_code: String,
}

pub async fn attend_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i64,
    f: &AttendForm,
) -> AppResult<Attended> {
    let o = load_uncounted(state, p, id).await?;
    let now = state.clock.now();
    let by_staff = !f.person_id.trim().is_empty() || !f.person_code.trim().is_empty();
    let person = if !by_staff {
        if !code_ok(state, OccurrenceId(id), &f.code, now) {
            return Err(AppError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "expired_code",
                "签到码已过期，请重新扫描现场的二维码",
                "The attendance code has expired",
            ));
        }
        p.person_id.ok_or_else(|| AppError::field("person_id", "此账号未关联住户信息"))?
    } else {
        p.scope.require_write(o.project_id)?;
        PersonId(if f.person_code.trim().is_empty() {
            f.person_id.trim().parse().map_err(|_| AppError::field("person_id", "请选择人员"))?
        } else {
            person_from_code(state, &f.person_code, now).ok_or_else(|| {
                AppError::new(
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    "bad_person_code",
                    "居民码无效或已过期（每天更新），请让居民刷新「我的签到码」",
                    "Invalid or expired personal code",
                )
            })?
        })
    };
    let action = match f.action.trim() {
        // A scan: check in, or say they are already in (since when) — never check out by itself.
        "auto" => {
            let row = store::signup_row(&state.db.read, OccurrenceId(id), person).await?;
            match model::scan(row.as_ref().and_then(|r| r.checked_in_at), row.as_ref().and_then(|r| r.checked_out_at)) {
                model::Scan::CheckIn => "in",
                model::Scan::AlreadyIn(at) => {
                    return Ok(Attended {
                        action: "already_in".into(),
                        minutes: None,
                        points: None,
                        person_id: person,
                        checked_in_at: Some(at),
                    });
                }
                model::Scan::Done => {
                    return Err(AppError::conflict("already_checked_out", "已经签退过了", "Already checked out"));
                }
            }
        }
        a => a,
    };
    attend(state, ctx, p, &o, person, action).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RuleForm {
    pub project_id: String,
    pub kind: String,
    pub points_per_hour: String,
    /// Points an organiser earns on top, per attendance (empty = 0).
    pub organiser_bonus: String,
}

/// Set a project's points per hour for an activity type (its staff).
pub async fn set_rule(state: &AppState, p: &Principal, ctx: &Ctx, f: RuleForm) -> AppResult<()> {
    let project: i64 = f.project_id.trim().parse().map_err(|_| AppError::field("project_id", "请选择项目"))?;
    p.scope.require_write(ProjectId(project))?;
    let kind: model::ActivityKind = f.kind.trim().parse().map_err(|_| AppError::field("kind", "请选择活动类型"))?;
    let per_hour = crate::text::num(&f.points_per_hour)
        .parse::<i32>()
        .ok()
        .filter(|v| (0..=1000).contains(v))
        .ok_or_else(|| AppError::field("points_per_hour", "每小时积分应为0至1000"))?;
    let bonus = match f.organiser_bonus.trim() {
        "" => 0,
        v => crate::text::num(v)
            .parse::<i32>()
            .ok()
            .filter(|v| (0..=1000).contains(v))
            .ok_or_else(|| AppError::field("organiser_bonus", "组织者奖励应为0至1000"))?,
    };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    points::store::set_rule(&tx, ProjectId(project), kind.as_str(), per_hour, bonus).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "update",
            entity: "points_rule",
            entity_id: None,
            project_id: Some(ProjectId(project)),
            summary: format!(
                "积分规则：{}每小时{per_hour}分，组织者奖励{bonus}分",
                kind.label(crate::web::i18n::Lang::Zh)
            ),
        },
    )
    .await?;
    Ok(())
}

/// The attendee list (签到表) of one occurrence as `.xlsx`: who signed up, when they checked in and out,
/// minutes and points credited. No phone or ID numbers in it. Staff of the project.
pub async fn export(state: &AppState, p: &Principal, ctx: &Ctx, id: i64) -> AppResult<axum::response::Response> {
    use rust_xlsxwriter::{Format, Workbook};
    let o = load(state, p, id).await?;
    p.scope.require_write(o.project_id)?;
    let rows = store::sheet(&state.db.read, OccurrenceId(id)).await?;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("签到表").map_err(AppError::internal)?;
    let bold = Format::new().set_bold();
    ws.write_string_with_format(0, 0, format!("{} {}", o.title, fmt_datetime(o.starts_at)), &bold)
        .map_err(AppError::internal)?;
    for (i, h) in ["序号", "姓名", "报名状态", "签到时间", "签退时间", "服务分钟", "积分"].iter().enumerate()
    {
        ws.write_string_with_format(2, i as u16, *h, &bold).map_err(AppError::internal)?;
        ws.set_column_width(i as u16, if i == 3 || i == 4 { 18 } else { 10 }).map_err(AppError::internal)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = (i + 3) as u32;
        ws.write_number(row, 0, (i + 1) as f64).map_err(AppError::internal)?;
        ws.write_string(row, 1, &r.name).map_err(AppError::internal)?;
        ws.write_string(row, 2, r.state.label(crate::web::i18n::Lang::Zh)).map_err(AppError::internal)?;
        ws.write_string(row, 3, r.checked_in_at.map(fmt_datetime).unwrap_or_default()).map_err(AppError::internal)?;
        ws.write_string(row, 4, r.checked_out_at.map(fmt_datetime).unwrap_or_default()).map_err(AppError::internal)?;
        if let Some(m) = r.service_minutes {
            ws.write_number(row, 5, m as f64).map_err(AppError::internal)?;
        }
        if let Some(pts) = r.points {
            ws.write_number(row, 6, pts as f64).map_err(AppError::internal)?;
        }
    }
    let bytes = wb.save_to_buffer().map_err(AppError::internal)?;
    let now = state.clock.now();
    audit::record(
        &state.db.write,
        ctx,
        now,
        Entry {
            action: "export",
            entity: "activity",
            entity_id: Some(o.activity_id),
            project_id: Some(o.project_id),
            summary: format!("导出「{}」{}签到表，{}人", o.title, fmt_datetime(o.starts_at), rows.len()),
        },
    )
    .await?;
    Ok(crate::io::xlsx_response(bytes, &format!("{}签到表_{}.xlsx", o.title, to_date(o.starts_at))))
}

fn to_date(t: DateTime<Utc>) -> String {
    crate::clock::to_local(t).format("%Y-%m-%d").to_string()
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct RankingQuery {
    pub project: Option<i64>,
    /// One team of the project: its current members only.
    pub team: Option<TeamId>,
    /// `YYYY-MM` for a month, `YYYY` for a year; default: this month.
    pub period: String,
}

/// The ranking a caller asked for: a project they read, or a team of it.
pub async fn ranking(state: &AppState, p: &Principal, q: &RankingQuery) -> AppResult<(i64, String, Vec<RankRow>)> {
    let project = match (q.team, q.project) {
        (Some(team), _) => crate::volunteers::actions::load_team(state, p, team.into()).await?.0.project_id,
        (None, Some(id)) => ProjectId(id),
        (None, None) => *p.scope.read_projects.iter().next().ok_or_else(AppError::forbidden)?,
    };
    if !p.scope.can_read_project(project) {
        return Err(AppError::not_found());
    }
    let (period, start, end) = points::model::period_bounds(&q.period, state.clock.now())?;
    let rows = points::store::ranking(&state.db.read, project, q.team, start, end).await?;
    Ok((project.into(), period, rows))
}
